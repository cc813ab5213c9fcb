"""The report's font: DejaVu Sans (regular, bold, oblique, bold oblique), embedded in every PDF.

The files live in ``resources/fonts`` (licence beside them). The built-in Helvetica has no ``₂``
(CO₂), no ``✓`` and little outside Latin-1; DejaVu covers German and far more. ``register()`` is
idempotent and cheap after the first call; ``registerFontFamily`` makes ``<b>``/``<i>`` in a
Paragraph pick the matching file.
"""

from __future__ import annotations

import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from oekoaudit import paths

#: the family name styles use; the four faces are registered under these names
FAMILY = "DejaVuSans"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
BOLD_ITALIC = "DejaVuSans-BoldOblique"

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}

_lock = threading.Lock()
_registered = False
#: code points every face can draw (the intersection of their character maps)
_coverage: frozenset[int] = frozenset()


def register() -> None:
    """Register the DejaVu Sans family with reportlab (once per process)."""
    global _registered, _coverage
    if _registered:
        return
    with _lock:
        if _registered:
            return
        folder = paths.resources_dir() / "fonts"
        coverage: set[int] | None = None
        known = set(pdfmetrics.getRegisteredFontNames())
        for name, file in _FILES.items():
            if name in known:
                font = pdfmetrics.getFont(name)
            else:  # (getFont of an unknown name searches the disk for Type 1 fonts: slow)
                font = TTFont(name, str(folder / file))
                pdfmetrics.registerFont(font)
            chars = set(font.face.charToGlyph)
            coverage = chars if coverage is None else coverage & chars
        pdfmetrics.registerFontFamily(FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)
        _coverage = frozenset(coverage or ())
        _registered = True


def covered(codepoint: int) -> bool:
    """True if every face of the family has a glyph for ``codepoint``."""
    register()
    return codepoint in _coverage
