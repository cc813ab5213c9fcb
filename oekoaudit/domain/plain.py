"""Values in their plain JSON form, one rule for everything that writes them: the canonical audit
document (and its fingerprint), the records of a package, and the store's side of a merge.

- a Decimal in plain notation without trailing zeros: ``Decimal("1.50")`` → ``"1.5"``,
  ``Decimal("1E+2")`` → ``"100"`` (so an amount read back from the database as ``1.5000`` is the
  same amount);
- a time as ISO 8601 in UTC: ``2026-03-12T09:14:00+00:00``.

Pure: standard library only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal


def decimal_text(value: Decimal | None) -> str | None:
    """A Decimal in plain notation, without trailing zeros ("1.5", "100", "-0.25"); None stays None."""
    if value is None:
        return None
    if not value.is_finite():
        return str(value)
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def time_text(value: datetime | None) -> str | None:
    """A time as ISO 8601 in UTC (an aware time is converted; a naive one is taken as it is)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.isoformat()
