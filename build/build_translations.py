#!/usr/bin/env python3
"""The gettext toolchain for oekoaudit's own text (Babel).

    python build/build_translations.py extract   # source → resources/translations/oekoaudit.pot
    python build/build_translations.py update    # .pot → merge into every <lang>/LC_MESSAGES/oekoaudit.po
    python build/build_translations.py compile   # .po → .mo (build output, not committed)
    python build/build_translations.py           # all three

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


def main(argv: list[str]) -> int:
    steps = {"extract": extract, "update": update, "compile": compile_}
    for name in argv or ["extract", "update", "compile"]:
        if name not in steps:
            print(__doc__)
            return 2
        steps[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
