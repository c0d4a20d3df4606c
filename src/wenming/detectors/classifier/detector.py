"""The classifier detector: trained models score whole items for the categories that name them.

A policy category names models (``models: [{name: zh-offensive, weight: 0.8, langs:
[zh]}]``); this detector loads each named model once (by name, from the model search
path of :mod:`wenming.detectors.classifier.model`), scores a batch in one vectorized call per model,
and emits one whole-item signal per item and category: the calibrated probability of
harm times the reference's weight, with the model's name and version as evidence.
Items whose ``lang`` is set and not among a reference's ``langs`` are skipped for it.

Models score the normalizer's canonical view (width, case, homoglyphs and traditional
characters folded), so the evasions the normalizer undoes do not reach the model.

A model with a second stage (``zh-offensive``, ``en-offensive``) embeds the few items
its fast stage is unsure of and re-scores them (:class:`~.model.Cascade`);
the evidence then says ``"stage": "cascade"``. The second stage is off unless the
``cascade`` setting (``WENMING_CASCADE=on``) or ``cascade=True`` when the detector is
built in code turns it on, because embeddings cost far more than the screening path's
budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wenming.core.model import Signal
from wenming.core.normalize import has_han
from wenming.core.policy import Policy
from wenming.detectors.base import Detector, DetectorPlugin, Prepared, Resources
from wenming.detectors.classifier.config import CATEGORY_KEYS, ClassifierConfig, ModelRef, parse
from wenming.detectors.classifier.heads import MultiHead, is_multihead, split_name
from wenming.detectors.classifier.model import Embedder, Model, find_model, load_model, search_path

NAME = "classifier"
VERSION = "1"

_EXAMPLES = {
    "zh-harms": "我要炸了这栋楼，明天就动手",
    "en-harms": "I am going to bomb your school tomorrow",
    "zh-offensive": "你们这些黑鬼都是垃圾，滚出中国",
    "en-offensive": "shut up you stupid fucking idiot",
    "en-spam": "WINNER!! You have won a £1000 prize. Call 09061701461 now to claim, T&C apply",
}


@dataclass(frozen=True, slots=True)
class _Use:
    category: str
    ref: ModelRef
    floor: float  # weaker scores are noise, not evidence: half the category's lowest threshold

    def accepts(self, lang: str) -> bool:
        return not self.ref.langs or lang in self.ref.langs


def _lang(p: Prepared) -> str:
    """The item's language, or a guess from its script when the platform did not say."""
    if p.item.lang:
        return p.item.lang.split("-")[0].lower()
    return "zh" if has_han(p.norm.compact) else "en"


class ClassifierDetector:
    """Scores items with the trained models the policy's categories name."""

    name = NAME
    version = VERSION

    def __init__(
        self,
        models: dict[str, Model],
        uses: dict[str, list[_Use]],
        *,
        cascade: bool = False,
        embedder: Embedder | None = None,
        multi: dict[str, MultiHead] | None = None,
    ) -> None:
        self.models = models
        self.multi = multi or {}  # multi-head models by base name; uses name "base:head"
        self.uses = uses
        self.cascade = cascade
        self.embedder = embedder

    def examples(self) -> list[str]:
        names = [*self.multi, *self.models]
        return [_EXAMPLES[n] for n in names if n in _EXAMPLES]

    def detect(self, batch: Sequence[Prepared]) -> list[list[Signal]]:
        out: list[list[Signal]] = [[] for _ in batch]
        langs = [_lang(p) for p in batch]
        for base, heads in self.multi.items():
            self._detect_heads(base, heads, batch, langs, out)
        for name, model in self.models.items():
            uses = self.uses[name]
            wanted = [i for i, lang in enumerate(langs) if any(u.accepts(lang) for u in uses)]
            if not wanted:
                continue
            scored = model.run(
                [batch[i].norm.canonical for i in wanted],
                cascade=self.cascade,
                embedder=self.embedder,
            )
            detail = {"model": name, "model_version": model.version}
            stages = scored.embedded.tolist()
            for i, score, second in zip(wanted, scored.harm.tolist(), stages, strict=True):
                for use in uses:
                    if use.accepts(langs[i]) and score * use.ref.weight >= use.floor:
                        out[i].append(
                            Signal(
                                category=use.category,
                                score=score * use.ref.weight,
                                detector=NAME,
                                detail={**detail, "stage": "cascade" if second else "fast"},
                            )
                        )
        return out

    def _detect_heads(
        self,
        base: str,
        model: MultiHead,
        batch: Sequence[Prepared],
        langs: list[str],
        out: list[list[Signal]],
    ) -> None:
        """Score a batch once with a multi-head model; each named head is one column.

        A head's score is evidence only at or above the head's decision threshold (chosen
        on held-out predictions when it was trained): below it, many weak scores of one
        item would otherwise add up, by noisy-OR, to a label no head supports.
        """
        names = [n for n in self.uses if split_name(n)[0] == base and split_name(n)[1]]
        wanted = [
            i
            for i, lang in enumerate(langs)
            if any(u.accepts(lang) for n in names for u in self.uses[n])
        ]
        if not wanted:
            return
        proba = model.proba([batch[i].norm.canonical for i in wanted])
        for name in names:
            head = model.heads[model.index(split_name(name)[1] or "")]
            column = proba[:, model.index(head.name)].tolist()
            detail = {"model": name, "model_version": model.version, "stage": "fast"}
            for i, score in zip(wanted, column, strict=True):
                if score < head.threshold:
                    continue  # under the head's held-out decision threshold: no evidence
                for use in self.uses[name]:
                    if use.accepts(langs[i]) and score * use.ref.weight >= use.floor:
                        out[i].append(
                            Signal(
                                category=use.category,
                                score=score * use.ref.weight,
                                detector=NAME,
                                detail=detail,
                            )
                        )


def build(
    policy: Policy, resources: Resources | None = None, *, cascade: bool | None = None
) -> Detector | None:
    """The classifier detector for ``policy``, or ``None`` when no category names a model.

    Models are looked up on ``resources.model_path`` first; the second stage runs when
    ``cascade`` (default: ``resources.cascade``, the ``WENMING_CASCADE`` setting) is on,
    with the resources' shared embedding engine.
    """
    lent = resources or Resources()
    part = policy.part(NAME)
    if not isinstance(part, ClassifierConfig):
        return None
    uses: dict[str, list[_Use]] = {}
    for cid, refs in part.categories.items():
        category = policy.categories[cid]
        for ref in refs:
            uses.setdefault(ref.name, []).append(
                _Use(category.id, ref, category.lowest_threshold / 2)
            )
    if not uses:
        return None
    search = [*lent.model_path, *search_path()]
    models: dict[str, Model] = {}
    multi: dict[str, MultiHead] = {}
    for name in uses:
        base, head = split_name(name)
        if head is not None and base not in multi and is_multihead(find_model(base, search)):
            multi[base] = MultiHead.load(find_model(base, search))
        if head is not None and base in multi:
            multi[base].index(head)  # an unknown head fails here, when the policy loads
        else:
            models[name] = load_model(name, search)
    return ClassifierDetector(
        models,
        uses,
        cascade=lent.cascade if cascade is None else cascade,
        embedder=lambda texts: lent.embedder().embed(texts, kind="query"),
        multi=multi,
    )


def _summary(part: object, cid: str) -> dict[str, list[str]]:
    refs = part.categories.get(cid, ()) if isinstance(part, ClassifierConfig) else ()
    return {"models": [r.name for r in refs]}


PLUGIN = DetectorPlugin(
    name=NAME,
    version=VERSION,
    category_keys=CATEGORY_KEYS,
    parse=parse,
    build=build,
    summary=_summary,
)
