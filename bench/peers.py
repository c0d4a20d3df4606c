"""wenming side by side with the filters people use today, in one process.

Peers (dev dependencies, nothing is installed at run time): better-profanity, glin-profanity,
flashtext, and a classic Chinese DFA filter (``bench/dfa_filter.py``). Every engine is
loaded with the same word list and run on:

* a generated disguised-term corpus per trick (:mod:`wenming.detectors.redteam`, which includes the
  tricks of :mod:`wenming.detectors.tricks`), Chinese and English terms of our own;
* clean public text from ``../shared/datasets`` (rows the data sets label not offensive /
  not spam), where any hit is a false positive;
* the peers' own test suites converted to cases, each with the word list that suite
  assumes (better-profanity: its bundled list; glin-profanity: its English dictionary
  plus the words its tests name). The test files are not in the sdists on the package
  mirror; the cases were transcribed from the projects' public repositories
  (snguyenthanh/better_profanity ``tests.py``; GLINCKER/glin-profanity
  ``packages/py/tests/test_filter.py`` and ``test_evasion.py``).

Prints recall per trick, false-positive rate, items/s and build time per engine, and
ends with one line::

    wenming_recall=R best_peer_recall=R wenming_fp=R best_peer_fp=R worst_trick=NAME:R

(best peer: the peer with the highest recall over the whole disguised corpus). Usage::

    .venv/bin/python bench/peers.py [--datasets ../shared/datasets] [--clean 2000]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from importlib.resources import files
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dfa_filter import DfaFilter

from wenming.detectors.lexicon.config import term_too_wide
from wenming.detectors.redteam import corpus
from wenming.detectors.screener import Screener

EN = [
    "fuck",
    "shit",
    "bitch",
    "asshole",
    "motherfucker",
    "bastard",
    "whore",
    "slut",
    "cunt",
    "dickhead",
    "cocaine",
    "heroin",
    "porn",
    "nigger",
    "faggot",
    "buy followers",
    "kill yourself",
    "verify your bank",
    "free bitcoin giveaway",
    "hand job",
]
ZH = [
    "傻逼",
    "鸡掰",
    "操你妈",
    "脑残",
    "贱人",
    "冰毒",
    "海洛因",
    "出售冰毒",
    "加微信",
    "代开发票",
    "刷单返利",
    "网络赌博",
    "约炮",
    "裸聊",
    "枪支出售",
]

Engine = Callable[[str], bool]

BP_CASES = (  # better-profanity tests.py, default word list
    [
        ("he is a m0th3rf*cker", True),
        ("Dude, I hate shit. Fuck bullshit.", True),
        ("That wh0re gave m3 a very good H4nd j0b, dude. You gotta check.", True),
        ("  wh0re gave m3 a very good H@nD j0b.", True),
        ("That wh0re gave m3 a very good H@nD j0b.", True),
        ("That wh0re gave m3 a very good H4nd j0b", True),
        (
            "If you prick us do we not bleed?\nIf you tickle us do we not laugh?\nIf you poison us "
            "do we not die?\nAnd if you wrong us shall we not revenge?",
            False,
        ),
        ("", False),
        ("Hi there", False),
    ]
)
GLIN_EXTRA = ["damn", "hell", "badword", "anotherbad"]  # words glin's tests assume
GLIN_CASES = (  # glin-profanity test_filter.py and test_evasion.py
    [
        ("This is a damn test", True),
        ("This is a clean test", False),
        ("This contains badword", True),
        ("This has anotherbad word", True),
        ("This is clean", False),
        ("This is a hell test", True),
        ("DAMN", True),
        ("damn", True),
        ("Damn", True),
        ("className", False),
        ("d@mn", True),
        ("d4mn", True),
        ("", False),
        ("shi7e", True),
        ("fսck", True),
        ("f.u.c.k", True),
        ("f_u_c_k", True),
        ("f-u-c-k", True),
        ("s.h.i.t", True),
        ("b-i-t-c-h", True),
        ("a<br>ss", True),
        ("f<b>u</b>ck", True),
        ("sh&#105;t", True),
        ("This is f*cking ridiculous", True),
        ("holy f*** that was amazing", True),
        ("go f yourself", True),
        ("what a f@cking mess", True),
        ("scunthorpe", False),
        ("classic", False),
        ("assassinate", False),
        ("Penistone is a town in South Yorkshire", False),
        ("shitake mushrooms are delicious", False),
    ]
)


def build_engines(words: Sequence[str]) -> dict[str, tuple[Engine, float, int]]:
    """Per engine: its match function, build seconds, and words it was given."""
    out: dict[str, tuple[Engine, float, int]] = {}
    kept = [
        w for w in words if term_too_wide(w) is None and "\t" not in w and not w.startswith("#")
    ]
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "terms.txt").write_text("\n".join(kept) + "\n", encoding="utf-8")
        Path(tmp, "p.yaml").write_text(
            "categories:\n  bad:\n    terms_file: terms.txt\n    block_at: 0.9\n", encoding="utf-8"
        )
        screener = Screener.from_policy(Path(tmp, "p.yaml"))
    out["wenming"] = (
        lambda t: bool(screener.screen_one(t).labels),
        time.perf_counter() - t0,
        len(kept),
    )

    from better_profanity import Profanity

    t0 = time.perf_counter()
    bp = Profanity(list(words))
    out["better-profanity"] = (bp.contains_profanity, time.perf_counter() - t0, len(words))

    from glin_profanity import Filter

    t0 = time.perf_counter()
    glin = Filter(
        {
            "languages": ["none"],
            "custom_words": list(words),
            "detect_leetspeak": True,
            "leetspeak_level": "aggressive",
            "normalize_unicode": True,
        }
    )
    out["glin-profanity"] = (glin.is_profane, time.perf_counter() - t0, len(words))

    from flashtext import KeywordProcessor

    t0 = time.perf_counter()
    kp = KeywordProcessor()
    kp.add_keywords_from_list(list(words))
    out["flashtext"] = (
        lambda t: bool(kp.extract_keywords(t)),
        time.perf_counter() - t0,
        len(words),
    )

    t0 = time.perf_counter()
    dfa = DfaFilter(words)
    out["dfa (zh classic)"] = (dfa.contains, time.perf_counter() - t0, len(words))
    return out


def _csv(path: Path, delimiter: str = ",") -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        yield from csv.DictReader(f, delimiter=delimiter)


def clean_rows(root: Path, per_set: int) -> list[str]:
    sets = [
        ([r["TEXT"] for r in _csv(root / "cold/test.csv") if r["label"] == "0"]),
        ([r["comment_text"] for r in _csv(root / "swsr/SexComment.csv") if r["label"] == "0"]),
        (
            [
                r["tweet"]
                for r in _csv(root / "olid/olid-training-v1.0.tsv", "\t")
                if r["subtask_a"] == "NOT"
            ]
        ),
        (
            [
                r["tweet"]
                for r in _csv(root / "davidson_hate_offensive/labeled_data.csv")
                if r["class"] == "2"
            ]
        ),
        (
            [
                r["SMS"]
                for r in _csv(root / "sms_spam/SMSSpamCollection", "\t")
                if r["Label"] == "ham"
            ]
        ),
    ]
    return [t for rows in sets for t in rows[:per_set]]


def _rate(engine: Engine, texts: Sequence[str]) -> float:
    return sum(1 for t in texts if engine(t)) / len(texts) if texts else 0.0


def suite(name: str, words: Sequence[str], cases: Sequence[tuple[str, bool]]) -> None:
    print(
        f"\n## {name}'s own test cases ({len(words)} words; "
        f"{sum(p for _, p in cases)} positive, {sum(not p for _, p in cases)} negative)"
    )
    for engine, (fn, _, _) in build_engines(words).items():
        pos = [t for t, p in cases if p]
        neg = [t for t, p in cases if not p]
        missed = [t for t in pos if not fn(t)]
        wrong = [t for t in neg if fn(t)]
        print(
            f"{engine:<18} positives {len(pos) - len(missed):>2}/{len(pos)}   "
            f"false positives {len(wrong)}/{len(neg)}"
            + (f"   missed {missed[:4]}" if missed else "")
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--datasets", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "datasets"
    )
    ap.add_argument("--clean", type=int, default=2000, help="clean rows per data set")
    args = ap.parse_args()

    words = EN + ZH
    engines = build_engines(words)
    tricks = corpus(words, seed=13, variants=4)
    clean = clean_rows(args.datasets, args.clean)
    print(
        f"peers benchmark: {len(EN)} English and {len(ZH)} Chinese terms, "
        f"{sum(len(v) for v in tricks.values())} disguised posts in {len(tricks)} tricks, "
        f"{len(clean)} clean public posts"
    )
    names = list(engines)
    print(f"\n## recall per trick\n{'trick':<17}{'posts':>6}" + "".join(f"{n:>18}" for n in names))
    recall: dict[str, dict[str, float]] = {n: {} for n in names}
    caught: dict[str, int] = dict.fromkeys(names, 0)
    total = 0
    timing: dict[str, float] = dict.fromkeys(names, 0.0)
    for trick, pairs in tricks.items():
        if not pairs:
            continue
        texts = [t for _, t in pairs]
        total += len(texts)
        row = f"{trick:<17}{len(texts):>6}"
        for n in names:
            fn = engines[n][0]
            t0 = time.perf_counter()
            hits = sum(1 for t in texts if fn(t))
            timing[n] += time.perf_counter() - t0
            caught[n] += hits
            recall[n][trick] = hits / len(texts)
            row += f"{hits / len(texts):>18.1%}"
        print(row)
    fp: dict[str, float] = {}
    for n in names:
        t0 = time.perf_counter()
        fp[n] = _rate(engines[n][0], clean)
        timing[n] += time.perf_counter() - t0
    overall = {n: caught[n] / total for n in names}
    print(f"{'all tricks':<17}{total:>6}" + "".join(f"{overall[n]:>18.1%}" for n in names))
    print(f"{'clean FP rate':<17}{len(clean):>6}" + "".join(f"{fp[n]:>18.2%}" for n in names))
    print(
        f"{'items/s':<23}" + "".join(f"{(total + len(clean)) / timing[n]:>18,.0f}" for n in names)
    )
    print(f"{'build ms':<23}" + "".join(f"{engines[n][1] * 1e3:>18.1f}" for n in names))

    bp_words = (files("better_profanity") / "profanity_wordlist.txt").read_text().split("\n")
    suite("better-profanity", [w.strip() for w in bp_words if w.strip()], BP_CASES)
    glin_dict = json.loads(
        (files("glin_profanity") / "data/dictionaries/english.json").read_text(encoding="utf-8")
    )
    glin_words = [*glin_dict["words"], *GLIN_EXTRA]
    suite("glin-profanity", glin_words, GLIN_CASES)

    peers = [n for n in names if n != "wenming"]
    best = max(peers, key=lambda n: overall[n])
    worst = min(recall["wenming"], key=lambda t: recall["wenming"][t])
    print(
        f"\nwenming_recall={overall['wenming']:.4f} best_peer_recall={overall[best]:.4f} "
        f"wenming_fp={fp['wenming']:.4f} best_peer_fp={fp[best]:.4f} "
        f"worst_trick={worst}:{recall['wenming'][worst]:.4f}"
    )


if __name__ == "__main__":
    main()
