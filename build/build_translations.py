#!/usr/bin/env python3
"""The gettext toolchain for oekoaudit's own text (Babel).

    python build/build_translations.py extract   # source → resources/translations/oekoaudit.pot
    python build/build_translations.py update    # .pot → merge into every <lang>/LC_MESSAGES/oekoaudit.po
    python build/build_translations.py compile   # .po → .mo (build output, not committed)
    python build/build_translations.py           # all three
    python build/build_translations.py fill de new.json...   # fill empty msgstr from {"msgid": "text"} files

msgids are English; German is the default language and must stay complete
(tests/test_i18n.py fails on a missing, empty or fuzzy German translation).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"
POT = TRANSLATIONS / "oekoaudit.pot"
DOMAIN = "oekoaudit"
KEYWORDS = ["_", "N_", "ngettext:1,2"]


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract() -> None:
    _babel("extract", "--no-location", "--sort-output", "--project=oekoaudit", "--copyright-holder=oekoaudit",
           "--msgid-bugs-address=-", *[f"--keyword={k}" for k in KEYWORDS], "--no-default-keywords",
           "-o", str(POT), str(ROOT / "oekoaudit"))


def update() -> None:
    for po in sorted(TRANSLATIONS.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        lang = po.parent.parent.name
        _babel("update", "--no-fuzzy-matching", "--ignore-obsolete", "-i", str(POT), "-d", str(TRANSLATIONS),
               "-D", DOMAIN, "-l", lang)


def compile_() -> None:
    _babel("compile", "--statistics", "-d", str(TRANSLATIONS), "-D", DOMAIN)


def fill(lang: str, *sources: str) -> None:
    """Fill untranslated entries of <lang>'s catalogue from JSON files; list what is still missing."""
    import json

    from babel.messages.pofile import read_po, write_po

    po_path = TRANSLATIONS / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    known: dict[str, str | list[str]] = {}
    for source in sources:
        known.update(json.loads(Path(source).read_text(encoding="utf-8")))
    filled, missing = 0, []
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):  # plural forms: German has two, like the English msgids
            if not all(message.string or ()):
                given = known.get(message.id[0])
                if isinstance(given, list) and len(given) == len(message.id):  # {"singular": [de, de plural]}
                    message.string = tuple(given)
                    filled += 1
                elif all(isinstance(known.get(form), str) for form in message.id):
                    message.string = tuple(known[form] for form in message.id)
                    filled += 1
                else:
                    missing.append(message.id[0])
            continue
        if not message.string:
            if isinstance(known.get(message.id), str):
                message.string = known[message.id]
                message.flags.discard("fuzzy")
                filled += 1
            else:
                missing.append(message.id)
    with po_path.open("wb") as f:
        write_po(f, catalog, width=0, omit_header=False, sort_output=True)
    print(f"{po_path.name} ({lang}): {filled} filled, {len(missing)} still missing")
    for msgid in missing:
        print("  missing:", msgid)


def main(argv: list[str]) -> int:
    if argv[:1] == ["fill"] and len(argv) >= 2:
        fill(argv[1], *argv[2:])
        return 0
    steps = {"extract": extract, "update": update, "compile": compile_}
    for name in argv or ["extract", "update", "compile"]:
        if name not in steps:
            print(__doc__)
            return 2
        steps[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
