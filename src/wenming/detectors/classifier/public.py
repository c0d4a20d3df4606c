"""Readers for the public labelled data sets the default models are trained and tested on.

Each reader takes the folder of one data set (as laid out in ``../shared/datasets``,
see its README) and returns a :class:`~wenming.detectors.classifier.data.Labelled` for one split,
with binary labels ``"0"`` (harmless) / ``"1"`` (harmful). :data:`SOURCES` records
where each set comes from, its licence and its citation, for model cards and docs.
The data itself is never copied into the project.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wenming.detectors.classifier.data import Labelled

SOURCES: dict[str, dict[str, Any]] = {
    "cold": {
        "name": "COLD (COLDataset)",
        "url": "https://github.com/thu-coai/COLDataset",
        "licence": "Apache-2.0",
        "citation": "Deng et al., COLD: A Benchmark for Chinese Offensive Language "
        "Detection, EMNLP 2022",
    },
    "olid": {
        "name": "OLID v1.0 (OffensEval 2019, level A)",
        "url": "https://scholar.harvard.edu/malmasi/olid",
        "licence": "none stated by the authors; redistributed for research (mirror: CC BY 4.0)",
        "citation": "Zampieri et al., Predicting the Type and Target of Offensive Posts in "
        "Social Media, NAACL 2019",
    },
    "sms_spam": {
        "name": "SMS Spam Collection v.1",
        "url": "https://archive.ics.uci.edu/dataset/228/sms+spam+collection",
        "licence": "CC BY 4.0",
        "citation": "Almeida, Gómez Hidalgo, Yamakami, Contributions to the Study of SMS Spam "
        "Filtering: New Collection and Results, DocEng 2011",
    },
    "davidson_hate_offensive": {
        "name": "Hate speech and offensive language (Davidson et al.)",
        "url": "https://github.com/t-davidson/hate-speech-and-offensive-language",
        "licence": "MIT",
        "citation": "Davidson et al., Automated Hate Speech Detection and the Problem of "
        "Offensive Language, ICWSM 2017",
    },
    "swsr": {
        "name": "SWSR (Sina Weibo Sexism Review)",
        "url": "https://github.com/aggiejiang/SWSR",
        "licence": "MIT",
        "citation": "Jiang et al., SWSR: A Chinese dataset and lexicon for online sexism "
        "detection, OSNEM 27 (2022)",
    },
}


def _labelled(texts: list[str], labels: list[str], source: str) -> Labelled:
    digest = hashlib.sha256()
    for t, y in zip(texts, labels, strict=True):
        digest.update(json.dumps([t, y], ensure_ascii=False).encode() + b"\n")
    return Labelled(texts, labels, digest.hexdigest(), source)


def cold(root: Path, split: str) -> Labelled:
    """COLD ``train``, ``dev`` or ``test``: label 1 = offensive."""
    path = root / "cold" / f"{split}.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    return _labelled([r["TEXT"] for r in rows], [r["label"] for r in rows], f"cold/{split}")


def olid(root: Path, split: str) -> Labelled:
    """OLID level A ``train`` or ``test``: 1 = OFF (offensive), 0 = NOT."""
    base = root / "olid"
    if split == "train":
        with (base / "olid-training-v1.0.tsv").open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
        labels = [str(int(r["subtask_a"] == "OFF")) for r in rows]
    else:
        with (base / "testset-levela.tsv").open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
        with (base / "labels-levela.csv").open(encoding="utf-8") as f:
            gold = {r["id"]: r["label"] for r in csv.DictReader(f)}
        labels = [str(int(gold[r["id"]] == "OFF")) for r in rows]
    return _labelled([r["tweet"] for r in rows], labels, f"olid/{split}")


def sms_spam(root: Path, split: str) -> Labelled:
    """SMS Spam Collection, deduplicated, split 80/20 by a hash of the text: 1 = spam.

    The set has no official split; exact duplicates are dropped first (they would leak
    between train and test) and a message is in ``test`` when the first 32 bits of the
    sha256 of its text are divisible by 5, so the split is stable and reproducible.
    """
    seen: dict[str, str] = {}
    with (root / "sms_spam" / "SMSSpamCollection").open(encoding="utf-8") as f:
        next(f)  # this mirror adds a header line
        for line in f:
            label, _, text = line.rstrip("\n").partition("\t")
            seen.setdefault(text, str(int(label == "spam")))
    want_test = split == "test"
    texts, labels = [], []
    for text, label in seen.items():
        in_test = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % 5 == 0
        if in_test == want_test:
            texts.append(text)
            labels.append(label)
    return _labelled(texts, labels, f"sms_spam/{split}")


def davidson(root: Path, split: str = "all") -> Labelled:
    """Davidson et al. tweets, binary: 1 = hate speech or offensive, 0 = neither."""
    path = root / "davidson_hate_offensive" / "labeled_data.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    labels = [str(int(r["class"] != "2")) for r in rows]
    return _labelled([r["tweet"] for r in rows], labels, "davidson_hate_offensive/all")


def swsr(root: Path, split: str = "all") -> Labelled:
    """SWSR Weibo comments: 1 = sexist, 0 = not."""
    with (root / "swsr" / "SexComment.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    return _labelled([r["comment_text"] for r in rows], [r["label"] for r in rows], "swsr/all")


READERS: dict[str, Callable[[Path, str], Labelled]] = {
    "cold": cold,
    "olid": olid,
    "sms_spam": sms_spam,
    "davidson_hate_offensive": davidson,
    "swsr": swsr,
}


def combine(parts: list[Labelled], source: str) -> Labelled:
    """Several splits or sets as one training set."""
    texts = [t for p in parts for t in p.texts]
    labels = [y for p in parts for y in p.labels]
    return _labelled(texts, labels, source)
