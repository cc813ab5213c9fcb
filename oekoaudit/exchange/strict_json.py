"""Strict JSON for what a package carries (RELIABILITY.md A.3).

Python's ``json`` reads more than a package may hold, and some of it is dangerous:

- duplicate keys: the last one silently wins, so two readers can see two different values
  (the split behind Android's "Master Key" bug);
- ``NaN``, ``Infinity`` and numbers like ``1e400`` that overflow to infinity: they poison sums
  and cannot be written back as JSON;
- lone surrogates (``"\\ud800"``): accepted, and later crash encoding the text for SQLite or the PDF;
- the NUL character (``\\u0000``) in texts: it cuts strings short in C code and hides text (other
  control characters — a vertical tab or a form feed pasted from a word processor — are ordinary
  text a user may have typed, and pass: refusing them would refuse our own exports);
- 100 000 nested ``[``: ``RecursionError`` from deep inside the parser;
- integers of more than 4300 digits: a ``ValueError`` that does not say where.

:func:`loads` refuses each of them with a :class:`PackageError` that names the member. The
nesting depth is measured *before* parsing, without recursion, on the raw bytes.
"""

from __future__ import annotations

import json
import math
import re
from array import array
from itertools import accumulate
from typing import Any

from oekoaudit.errors import N_, PackageError
from oekoaudit.exchange.limits import DEFAULT_LIMITS, Limits

TOO_LARGE = N_("The member {member} is too large ({size} bytes; at most {limit}).")
BYTE_ORDER_MARK = N_("The member {member} begins with a byte order mark, which a package must not contain.")
NOT_UTF8 = N_("The member {member} is not valid UTF-8 text.")
NOT_JSON = N_("The member {member} is not valid JSON (line {line}, column {column}).")
TOO_DEEP = N_("The member {member} is nested more than {limit} levels deep.")
DUPLICATE_KEY = N_("The member {member} contains the key \"{key}\" twice.")
NOT_FINITE = N_("The member {member} contains a number that is not finite ({value}).")
LONG_INTEGER = N_("The member {member} contains an integer with more than {limit} digits.")
SURROGATE = N_("The member {member} contains a broken character (an unpaired surrogate) in a text.")
CONTROL = N_("The member {member} contains the control character U+{code} in a text.")
LONG_STRING = N_("The member {member} contains a text longer than {limit} characters.")

#: Python refuses to turn longer digit strings into int (3.11's default int_max_str_digits).
MAX_DIGITS = 4300
_BOM = b"\xef\xbb\xbf"
# Measured on bytes: UTF-8 never uses bytes below 0x80 inside a multi-byte character, so quotes,
# backslashes and brackets are found exactly where a JSON parser finds them.
_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_STRING = re.compile(rb'"[^"]*"')
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # +1 / -1 as signed bytes
# NUL, and surrogates (in a parsed str every surrogate is a lone one: pairs are joined by the parser)
_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")


class _Refused(Exception):
    """Raised inside the parser's hooks; turned into a PackageError naming the member."""

    def __init__(self, template: str, **params: Any) -> None:
        super().__init__(template)
        self.template = template
        self.params = params


def loads(data: bytes, limits: Limits = DEFAULT_LIMITS, *, what: str) -> Any:
    """Parse ``data`` (a package member named ``what``) or raise PackageError saying what is wrong."""
    data = bytes(data)
    if len(data) > limits.json_size:
        raise PackageError(TOO_LARGE, member=what, size=len(data), limit=limits.json_size)
    if data.startswith(_BOM):
        raise PackageError(BYTE_ORDER_MARK, member=what)
    try:
        text = data.decode("utf-8")  # strict: encoded surrogates and overlong forms are refused too
    except UnicodeDecodeError:
        raise PackageError(NOT_UTF8, member=what) from None
    if depth(data) > limits.json_depth:
        raise PackageError(TOO_DEEP, member=what, limit=limits.json_depth)
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_constant=_constant, parse_float=_float,
                           parse_int=_int)
        if len(text) > limits.string_length or "\\" in text:
            # without an escape no string can hold a control character or a surrogate
            _check_strings(value, limits.string_length)
    except _Refused as refused:
        raise PackageError(refused.template, member=what, **refused.params) from None
    except json.JSONDecodeError as exc:
        raise PackageError(NOT_JSON, member=what, line=exc.lineno, column=exc.colno) from None
    except (ValueError, RecursionError):  # cannot happen after the checks above; refused all the same
        raise PackageError(NOT_JSON, member=what, line=0, column=0) from None
    return value


def depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in JSON ``data``, found without recursion.

    Escapes are dropped first (left to right, as a parser reads them), then strings, then
    everything but brackets; the running sum of +1 per opening and -1 per closing bracket peaks
    at the depth. Each step is one linear regular-expression pass. For valid JSON the result is
    exact; for anything else it is at least the depth a parser would reach before failing."""
    if b"\\" in data:
        data = _ESCAPE.sub(b"", data)
    skeleton = _NOT_BRACKET.sub(b"", _STRING.sub(b"", data))
    return max(accumulate(array("b", skeleton.translate(_STEPS))), default=0)


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _Refused(DUPLICATE_KEY, key=_shown(key))
            seen.add(key)
    return result


def _constant(name: str) -> Any:
    raise _Refused(NOT_FINITE, value=name)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(NOT_FINITE, value=_shown(text))
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _Refused(LONG_INTEGER, limit=MAX_DIGITS)
    return int(text)


def _check_strings(value: Any, limit: int) -> None:
    """Every key and string: not longer than ``limit``, no control character, no surrogate.
    Iterative: the depth is bounded already, but a list of a million strings needs no stack."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            _check_text(item, limit)
        elif isinstance(item, dict):
            for key, child in item.items():
                _check_text(key, limit)
                if not isinstance(child, int | float | bool | None):
                    stack.append(child)
        elif isinstance(item, list):
            stack.extend(child for child in item if not isinstance(child, int | float | bool | None))


def _check_text(text: str, limit: int) -> None:
    if len(text) > limit:
        raise _Refused(LONG_STRING, limit=limit)
    bad = _BAD_CHARACTER.search(text)
    if bad is not None:
        code = ord(bad.group())
        if 0xD800 <= code <= 0xDFFF:
            raise _Refused(SURROGATE)
        raise _Refused(CONTROL, code=f"{code:04X}")


def _shown(text: str, length: int = 40) -> str:
    """A hostile key or number as it may appear in a message: printable, and short."""
    shown = "".join(c if c.isprintable() else "?" for c in text[:length])
    return shown + "…" if len(text) > length else shown
