"""The German catalogue is complete: every string of the app translated, placeholders intact."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from oekoaudit import i18n

REPO = Path(__file__).resolve().parent.parent
PO = REPO / "resources" / "translations" / "de" / "LC_MESSAGES" / "oekoaudit.po"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _source_messages() -> dict[str, str]:
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        REPO / "oekoaudit", keywords=KEYWORDS, method_map=[("**.py", "python")]
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found[msgid] = filename
    return found


def _catalog():  # type: ignore[no-untyped-def]
    with PO.open("rb") as fh:
        return read_po(fh, locale="de")


def test_every_string_in_the_source_has_a_german_translation() -> None:
    catalog = _catalog()
    missing = []
    for msgid, filename in sorted(_source_messages().items()):
        message = catalog.get(msgid)
        if message is None:
            missing.append(f"{filename}: not in the .po: {msgid!r}")
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            missing.append(f"{filename}: untranslated: {msgid!r}")
        if message.fuzzy:
            missing.append(f"{filename}: fuzzy: {msgid!r}")
    assert not missing, "run build/build_translations.py extract update, then translate:\n" + "\n".join(missing)


def test_translations_keep_their_placeholders() -> None:
    broken = []
    for message in _catalog():
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        # German has the two forms English has: the singular may leave out the count ("eine Sache")
        for index, text in enumerate(strings):
            source = ids[min(index, len(ids) - 1)]
            wanted = set(PLACEHOLDER.findall(source))
            if set(PLACEHOLDER.findall(text)) != wanted and not (len(ids) > 1 and index == 0
                                                                  and set(PLACEHOLDER.findall(text)) < wanted):
                broken.append(f"{message.id!r} -> {text!r}")
    assert not broken, "\n".join(broken)


def test_german_is_the_default_and_english_is_available() -> None:
    i18n.set_language(i18n.initial_language(None, None))
    assert i18n.get_language() == "de"
    assert i18n._("Cancelled.") != "Cancelled."
    i18n.set_language("en")
    assert i18n._("Cancelled.") == "Cancelled."


def test_language_choice_order(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(i18n.LANG_ENV, "en_GB.UTF-8")
    assert i18n.initial_language("de", "de") == "de"
    assert i18n.initial_language(None, "de") == "en"
    monkeypatch.setenv(i18n.LANG_ENV, "fr")
    assert i18n.initial_language(None, "en") == "en"
    assert i18n.initial_language(None, None) == "de"


def test_language_block_translates_on_its_own_thread_only() -> None:
    import threading

    i18n.set_language("de")
    seen: dict[str, str] = {}
    inside = threading.Event()
    release = threading.Event()

    def worker() -> None:
        with i18n.language("en"):
            seen["worker"] = i18n._("closed")
            seen["worker_lang"] = i18n.get_language()
            inside.set()
            release.wait(5)
        seen["after"] = i18n._("closed")

    thread = threading.Thread(target=worker)
    thread.start()
    assert inside.wait(5)
    seen["main"] = i18n._("closed")  # the window's language is untouched meanwhile
    release.set()
    thread.join(5)
    assert seen == {"worker": "closed", "worker_lang": "en", "main": "abgeschlossen", "after": "abgeschlossen"}


def test_language_blocks_nest() -> None:
    i18n.set_language("en")
    with i18n.language("de"):
        assert i18n._("closed") == "abgeschlossen"
        assert i18n.pick({"de": "Ja", "en": "Yes"}) == "Ja"
        with i18n.language("en"):
            assert i18n._("closed") == "closed"
        assert i18n.get_language() == "de"
    assert i18n._("closed") == "closed"
    assert i18n.get_language() == "en"


def test_numbers_are_written_as_the_language_writes_them() -> None:
    from decimal import Decimal

    assert i18n.number(Decimal("12345.64"), 1, "de") == "12.345,6"
    assert i18n.number(Decimal("12345.64"), 1, "en") == "12,345.6"
    # places chosen by size: none from 100 on, one from 10, two from 1, three below; -0 never shown
    assert [i18n.number(Decimal(v), lang="de") for v in ("1234.5", "12.34", "1.234", "0.12345", "7")] == \
        ["1.235", "12,3", "1,23", "0,123", "7"]
    assert i18n.number(Decimal("-0.04"), 1, "en") == "0.0"
