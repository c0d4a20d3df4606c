"""Generate the character tables the normalizer ships with (run from the repo root).

* ``t2s.txt``: traditional → simplified Chinese, one ``<trad><simp>`` pair per line, from
  OpenCC's ``t2s`` conversion applied to each CJK ideograph on its own (a 1:1 character
  map keeps evidence offsets exact).
* ``pinyin.txt``: each CJK ideograph's most common reading without tones, from pypinyin,
  as ``<char><pinyin>`` per line; the normalizer uses it for the phonetic view.

Usage: ``.venv/bin/python scripts/gen_chartables.py`` (needs the dev extras: OpenCC).
"""

from __future__ import annotations

from pathlib import Path

import opencc
from pypinyin import Style, pinyin

OUT = Path("src/wenming/core/data")
RANGES = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)]


def main() -> None:
    chars = [chr(cp) for lo, hi in RANGES for cp in range(lo, hi + 1)]
    conv = opencc.OpenCC("t2s")
    converted = conv.convert("\n".join(chars)).split("\n")
    assert len(converted) == len(chars)
    pairs = [f"{c}{s}" for c, s in zip(chars, converted, strict=True) if len(s) == 1 and s != c]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "t2s.txt").write_text("\n".join(pairs) + "\n", encoding="utf-8")
    readings = []
    for c in chars:
        py = pinyin(c, style=Style.NORMAL, errors="ignore")
        if py and py[0] and py[0][0].isascii() and py[0][0].isalpha():
            readings.append(f"{c}{py[0][0].lower()}")
    (OUT / "pinyin.txt").write_text("\n".join(readings) + "\n", encoding="utf-8")
    print(f"t2s: {len(pairs)} pairs; pinyin: {len(readings)} readings")


if __name__ == "__main__":
    main()
