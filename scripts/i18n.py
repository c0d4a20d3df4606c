"""Keep the web UI's catalogs in step with the code: extract, merge, compile, check.

``python scripts/i18n.py``          extract strings, merge them into every catalog, compile
``python scripts/i18n.py --check``  fail if a catalog lacks a translation or is stale

Catalogs live in ``src/wenming/web/locale/<lang>/LC_MESSAGES/messages.po``; the compiled
``.mo`` files beside them are what the server loads (committed, so installs need no step).
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "src/wenming/web"
LOCALES = WEB / "locale"
LANGS = ["zh_CN"]


def extract() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "babel.messages.frontend",
                "extract",
                "-F",
                str(ROOT / "babel.cfg"),
                "-k",
                "N_",
                "-k",
                "gettext:2",
                "--no-location",
                "--omit-header",
                "--sort-output",
                "-o",
                str(pot),
                str(WEB),
            ],
            check=True,
            capture_output=True,
        )
        return pot.read_bytes()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    template = read_po(io.BytesIO(extract()))
    problems = []
    for lang in LANGS:
        po_path = LOCALES / lang / "LC_MESSAGES/messages.po"
        catalog = read_po(po_path.open("rb"), locale=lang) if po_path.exists() else None
        if catalog is None:
            problems.append(f"{po_path}: missing")
            continue
        catalog.update(template, no_fuzzy_matching=True)
        missing = [m.id for m in catalog if m.id and not m.string]
        problems += [f"{lang}: no translation for {m!r}" for m in missing]
        if args.check:
            mo = po_path.with_suffix(".mo")
            compiled = {m.id: m.string for m in read_mo(mo.open("rb"))} if mo.exists() else {}
            wanted = {m.id: m.string for m in catalog if m.id}
            if {k: v for k, v in compiled.items() if k} != wanted:
                problems.append(f"{mo}: stale; run `make i18n`")
            continue
        with po_path.open("wb") as f:
            write_po(
                f,
                catalog,
                omit_header=False,
                no_location=True,
                sort_output=True,
                ignore_obsolete=True,
            )
        with po_path.with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog)
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
