"""Making any user string safe to print.

Every string from the audit goes through :func:`para` before it becomes a ``Paragraph`` (markup
is escaped, newlines become ``<br/>``) or through :func:`plain` before it is drawn on the canvas
or written into the outline. Both replace what the font cannot draw: control characters are
dropped; characters DejaVu Sans has no glyph for, characters beyond the Basic Multilingual Plane
(most emoji) and lone surrogates become ``□``. Long words and URLs are split by the paragraph styles (``splitLongWords``), not here.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from oekoaudit.report import fonts

#: printed instead of a character the font has no glyph for
MISSING = "\u25a1"  # □


class _Table(dict[int, str | None]):
    """A ``str.translate`` table that decides each code point once, on first sight."""

    def __missing__(self, codepoint: int) -> str | None:
        value: str | None
        if codepoint in (0x0A,):
            value = "\n"
        elif codepoint in (0x09, 0x0B, 0x0C):
            value = " "
        elif codepoint == 0x0D:
            value = "\n"
        elif codepoint < 0x20 or 0x7F <= codepoint < 0xA0:
            value = None  # other control characters: dropped
        elif 0xD800 <= codepoint <= 0xDFFF:
            value = MISSING  # a lone surrogate
        elif 0xFE00 <= codepoint <= 0xFE0F or codepoint == 0x200D:
            value = None  # variation selectors and zero-width joiners of emoji sequences
        elif codepoint > 0xFFFF:
            # beyond the BMP (most emoji): reportlab writes them into the font's ToUnicode map in a form
            # PDF readers reject (copy, search and text extraction break), even where DejaVu has a glyph
            value = MISSING
        elif fonts.covered(codepoint):
            value = chr(codepoint)
        else:
            value = MISSING
        self[codepoint] = value
        return value


_TABLE = _Table()


def plain(text: object) -> str:
    """``text`` as a string the font can draw: no control characters, unknown glyphs as ``□``."""
    if text is None:
        return ""
    value = str(text)
    if "\r\n" in value:
        value = value.replace("\r\n", "\n")
    if value.isascii() and value.isprintable():
        return value
    return value.translate(_TABLE)


def oneline(text: object) -> str:
    """Like :func:`plain`, with line breaks and runs of white space folded into single spaces."""
    return " ".join(plain(text).split())


def para(text: object) -> str:
    """``text`` as Paragraph markup that shows exactly the characters typed (never markup)."""
    value = escape(plain(text))
    if "\n" in value:
        value = value.strip("\n").replace("\n", "<br/>")
    return value


_DIGIT_SPACE = re.compile(r"(?<=\d) (?=\d)")


def number(text: object) -> str:
    """Like :func:`para`, for an amount: "12 400 kWh" never breaks between its digits."""
    return _DIGIT_SPACE.sub("\u00a0", para(text))


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis (for the outline and headers)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
