"""Generate wenming's own training examples (training/) from written templates.

Templates and slot vocabularies are in scripts/training_zh.py and training_en.py. Every
fifth template of each label set, and every fourth value of each slot, is held out:
held-out rows (training/heldout/) come only from held-out templates, filled mostly
with held-out slot values, so they test wording the models never saw. Deterministic
(fixed seed); rerun after editing the templates:

    .venv/bin/python scripts/gen_training.py
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import training_en
import training_zh

ROOT = Path(__file__).resolve().parents[1] / "training"
SEED = 14
_SLOT = re.compile(r"\{(\w+)\}")

STYLE = {
    "zh": (
        ["", "", "", "兄弟们，", "说真的，", "哈哈", "@所有人 ", "【置顶】", "求扩散！", "转："],
        ["", "", "", "！", "！！", "。", "～", "😂", "🔥🔥", "，懂的来", " 速度", "..."],
    ),
    "en": (
        ["", "", "", "lol ", "honestly ", "@user ", "listen, ", "RT ", "ok so "],
        ["", "", "", "!", "!!!", ".", " 😡", " #truth", " lmao", "...", " 💯"],
    ),
}


def _split(values: list[str], heldout: bool) -> list[str]:
    picked = [v for i, v in enumerate(values) if (i % 4 == 3) == heldout]
    return picked or values


def _fill(template: str, slots: dict[str, list[str]], rng: random.Random, heldout: bool) -> str:
    def one(m: re.Match[str]) -> str:
        values = slots[m.group(1)]
        pool = _split(values, heldout) if (not heldout or rng.random() < 0.7) else values
        return rng.choice(pool)

    return _SLOT.sub(one, template)


def _style(text: str, lang: str, rng: random.Random) -> str:
    pre, post = STYLE[lang]
    out = rng.choice(pre) + text + rng.choice(post)
    if lang == "en":
        r = rng.random()
        if r < 0.1:
            out = out.upper()
        elif r < 0.4:
            out = out[:1].upper() + out[1:]
    elif rng.random() < 0.1:
        out = out.replace("，", " ")
    return out


def generate(lang: str, templates: dict[str, list[str]], slots: dict[str, list[str]]) -> None:
    rng = random.Random(f"{SEED}-{lang}")
    train: list[dict[str, object]] = []
    held: list[dict[str, object]] = []
    for key, items in templates.items():
        labels = [] if key == "clean" else key.split("+")
        for i, template in enumerate(items):
            heldout = i % 5 == 4
            has_slots = bool(_SLOT.search(template))
            want = (4 if heldout else 12) if has_slots else (2 if heldout else 4)
            if key == "clean":
                want = want * 3 // 2
            seen: set[str] = set()
            for _ in range(want * 4):
                if len(seen) >= want:
                    break
                text = _style(_fill(template, slots, rng, heldout), lang, rng)
                if text in seen:
                    continue
                seen.add(text)
                row = {
                    "text": text,
                    "labels": labels,
                    "lang": lang,
                    "template": f"{lang}/{key}/{i}",
                }
                (held if heldout else train).append(row)
    for folder, rows in ((ROOT / lang, train), (ROOT / "heldout", held)):
        folder.mkdir(parents=True, exist_ok=True)
        name = "written.jsonl" if folder.name == lang else f"{lang}.jsonl"
        with (folder / name).open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{folder / name}: {len(rows)} rows")


def main() -> None:
    generate("zh", training_zh.TEMPLATES, training_zh.SLOTS)
    generate("en", training_en.TEMPLATES, training_en.SLOTS)


if __name__ == "__main__":
    main()
