"""Numbers as the user reads and types them: "12.345,6" in German, "12,345.6" in English.

Quantities and money stay :class:`~decimal.Decimal` (never float); only what is shown is rounded.
Typing accepts both the German decimal comma and the point, thousands separators and spaces.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from oekoaudit import i18n

_SPACES = re.compile(r"[\s\u00a0\u202f']")


def format_decimal(value: Decimal | int | None, places: int | None = None, *, grouping: bool = True,
                   sign: bool = False, trim: bool | None = None) -> str:
    """``value`` in the user's language; ``places`` digits after the separator (None: as many as
    the value has, at most 3); trailing zeros dropped when ``trim`` (by default when ``places`` is
    None); "" for None."""
    if value is None:
        return ""
    number = Decimal(value)
    trim = places is None if trim is None else trim
    if places is None:
        exponent = number.normalize().as_tuple().exponent
        places = min(max(-exponent, 0), 3) if isinstance(exponent, int) else 0
    quantised = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{quantised:,.{places}f}" if grouping else f"{quantised:.{places}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", "-0.0") or (text.startswith("-") and Decimal(text.replace(",", "")) == 0):
        text = text[1:]
    if sign and not text.startswith("-") and Decimal(text.replace(",", "")) != 0:
        text = "+" + text
    if i18n.get_language() == "de":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text.replace("-", "\u2212")


def significant(value: Decimal) -> int:
    """Digits after the separator that show ``value`` sensibly: none from 100 on, one from 10, two below."""
    magnitude = abs(value)
    if magnitude >= 100:
        return 0
    if magnitude >= 10:
        return 1
    if magnitude >= 1:
        return 2
    return 3


def format_quantity(value: Decimal | None) -> str:
    """A measured quantity, rounded to what is worth reading (180.412 kWh, 12,5 t, 0,042 t)."""
    if value is None:
        return ""
    return format_decimal(value, None if value == value.to_integral() else significant(value), trim=True)


def parse_decimal(text: str) -> Decimal:
    """What the user typed as a number: "1.234,5", "1234.5", "1 234,5", "−3". Raises ValueError
    (its message names nothing: the caller knows the field) for anything else."""
    cleaned = _SPACES.sub("", text or "").replace("\u2212", "-")
    if not cleaned:
        raise ValueError("empty")
    if "," in cleaned and "." in cleaned:
        # the last of the two is the decimal separator, the other one groups thousands
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        cleaned = cleaned.replace(",", ".") if cleaned.count(",") == 1 else cleaned.replace(",", "")
    elif cleaned.count(".") > 1:
        cleaned = cleaned.replace(".", "")
    elif "." in cleaned and i18n.get_language() == "de" and re.fullmatch(r"-?\d{1,3}\.\d{3}", cleaned):
        # German "1.500" is one thousand five hundred
        cleaned = cleaned.replace(".", "")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", cleaned):
        raise ValueError(text)
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above admits only numbers
        raise ValueError(text) from exc
