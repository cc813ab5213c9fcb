"""Every word the report prints itself is extracted and has a German translation in the
catalogue, with the same {placeholders}."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[2]
PO = REPO / "resources" / "translations" / "de" / "LC_MESSAGES" / "oekoaudit.po"


def _msgids() -> set[str]:
    found: set[str] = set()
    for source in sorted((REPO / "oekoaudit" / "report").glob("*.py")):
        for _line, message, _comments, _context in extract_from_file(
                "python", str(source), keywords={"_": None, "N_": None, "ngettext": (1, 2)}):
            found.add(message if isinstance(message, str) else message[0])
    return found


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w*)\}", text))


def test_the_report_words_are_extracted() -> None:
    ids = _msgids()
    # the report's own words, including ones built in f-strings elsewhere (Babel misses those)
    for word in ("Page {page} of {pages}", "Contents", "Photo {number}", "DRAFT", "Refers to: {items}"):
        assert word in ids


def test_every_report_word_has_a_german_translation() -> None:
    with PO.open("rb") as fh:
        catalogue = read_po(fh, locale="de")
    missing, mismatched = [], []
    for msgid in sorted(_msgids()):
        entry = catalogue.get(msgid)
        german = entry.string if entry is not None else None
        german = german[0] if isinstance(german, tuple) else german
        if not german:
            missing.append(msgid)
        elif _placeholders(german) != _placeholders(msgid):
            mismatched.append((msgid, german))
    assert not missing, missing
    assert not mismatched, mismatched
