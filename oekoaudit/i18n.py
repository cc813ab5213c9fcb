"""gettext for oekoaudit's own text (UI, command line, errors, report labels).

msgids are English; German is the default language. Rules (Electrum's): no f-strings inside
``_()``; named placeholders filled with ``.format()`` *after* translation; ``ngettext`` for
plurals; ``N_()`` marks module-level constants that are translated where they are used.

The compiled catalogue is ``resources/translations/<lang>/LC_MESSAGES/oekoaudit.mo``
(built by ``build/build_translations.py``). A source checkout without a built ``.mo`` compiles
the ``.po`` in memory with Babel, so the app is never silently English.
"""

from __future__ import annotations

import gettext
import io
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from oekoaudit import paths

DOMAIN = "oekoaudit"
LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
LANG_ENV = "OEKOAUDIT_LANG"

_translations: gettext.NullTranslations | None = None  # loaded on first use
_language = DEFAULT_LANGUAGE
_loaded: dict[str, gettext.NullTranslations] = {}
#: a language chosen for one piece of work on one thread (a report in English while the window is German)
_local = threading.local()


def N_(message: str) -> str:  # noqa: N802
    """Mark a string for extraction without translating it now."""
    return message


def _load(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    base = paths.translations_dir() / lang / "LC_MESSAGES"
    mo = base / f"{DOMAIN}.mo"
    po = base / f"{DOMAIN}.po"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    if po.is_file():
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        buffer.seek(0)
        return gettext.GNUTranslations(buffer)
    return gettext.NullTranslations()


def known_language(lang: str | None) -> str | None:
    """"de" or "en" for spellings like "de", "de_DE.UTF-8", "en-GB"; None for anything else."""
    if not lang:
        return None
    code = lang.strip().lower().replace("-", "_").split("_")[0].split(".")[0]
    return code if code in LANGUAGES else None


def initial_language(explicit: str | None = None, configured: str | None = None) -> str:
    """``--lang`` wins, then ``$OEKOAUDIT_LANG``, then the saved setting, then German."""
    for candidate in (explicit, os.environ.get(LANG_ENV), configured):
        code = known_language(candidate)
        if code:
            return code
    return DEFAULT_LANGUAGE


def set_language(lang: str) -> str:
    """Switch the app's own text to ``lang`` ("de" or "en"); returns the language set."""
    global _translations, _language
    lang = known_language(lang) or DEFAULT_LANGUAGE
    _translations = _load(lang)
    _language = lang
    return lang


def get_language() -> str:
    override = getattr(_local, "language", None)
    return override or _language


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Translate into ``lang`` on this thread only, for the duration of the block.

    The report is written in the language chosen for it, on a worker thread, while the window keeps
    its own; ``_()``, ``ngettext()`` and ``pick()`` called on this thread inside the block use ``lang``.
    Blocks nest; the previous choice comes back on exit."""
    code = known_language(lang) or DEFAULT_LANGUAGE
    previous = (getattr(_local, "language", None), getattr(_local, "translations", None))
    if code not in _loaded:
        _loaded[code] = _load(code)
    _local.language, _local.translations = code, _loaded[code]
    try:
        yield code
    finally:
        _local.language, _local.translations = previous


def _active() -> gettext.NullTranslations:
    global _translations
    override = getattr(_local, "translations", None)
    if override is not None:
        return override
    if _translations is None:
        _translations = _load(_language)
    return _translations


def _(message: str) -> str:
    return _active().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _active().ngettext(singular, plural, n)


def pick(text: Any, lang: str | None = None) -> str:
    """The text of a bilingual value (``{"de": …, "en": …}`` or an object with de/en)."""
    lang = lang or get_language()
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    value = text.get(lang) if isinstance(text, dict) else getattr(text, lang, None)
    if value:
        return value
    other = "de" if lang == "en" else "en"
    value = text.get(other) if isinstance(text, dict) else getattr(text, other, None)
    return value or ""


def number(value: Decimal | int | float, places: int | None = None, lang: str | None = None) -> str:
    """A number as a reader of ``lang`` (default: this thread's language) writes it: German
    "12.345,6", English "12,345.6". ``places`` digits after the separator; None: whole numbers as
    they are, else none from 100 on, one from 10, two from 1, three below. Used by the command
    line and the report, so both round alike."""
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    if places is None:
        size = abs(amount)
        places = 0 if size >= 100 or amount == amount.to_integral_value() else 1 if size >= 10 \
            else 2 if size >= 1 else 3
    rounded = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,0"
    text = f"{rounded:,.{places}f}"
    if (known_language(lang) or get_language()) == "de":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def describe(error: BaseException) -> str:
    """The user's-language message for an :class:`oekoaudit.errors.OekoauditError`."""
    template = getattr(error, "template", None)
    params = getattr(error, "params", None)
    if template is None or params is None:
        return str(error)
    translated = _(template)
    try:
        return translated.format(**dict(params))
    except (KeyError, IndexError, ValueError):
        return translated

