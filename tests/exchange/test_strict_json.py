"""Strict JSON: what Python's json module lets through, a package member may not carry."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oekoaudit.errors import PackageError
from oekoaudit.exchange import strict_json
from oekoaudit.exchange.limits import DEFAULT_LIMITS, Limits

SMALL = Limits(json_size=10_000, json_depth=5, string_length=20)


def refused(data: bytes, limits: Limits = DEFAULT_LIMITS) -> PackageError:
    with pytest.raises(PackageError) as caught:
        strict_json.loads(data, limits, what="audits/x.json")
    assert caught.value.params["member"] == "audits/x.json"
    assert "audits/x.json" in caught.value.english()
    return caught.value


def test_valid_json_is_read_as_json_reads_it() -> None:
    data = '{"a": [1, 2.5, -3, true, false, null], "b": {"c": "Grüße\\n\\t\\r \\ud83d\\ude00 😀"}}'.encode()
    assert strict_json.loads(data, what="m") == json.loads(data)


@pytest.mark.parametrize(("data", "template"), [
    (b'{"a": 1, "a": 2}', strict_json.DUPLICATE_KEY),
    (b'[{"x": {"k": 1, "k": 1}}]', strict_json.DUPLICATE_KEY),
    (b"[NaN]", strict_json.NOT_FINITE),
    (b"[Infinity]", strict_json.NOT_FINITE),
    (b"[-Infinity]", strict_json.NOT_FINITE),
    (b"[1e400]", strict_json.NOT_FINITE),
    (b"[-1.5e999]", strict_json.NOT_FINITE),
    (b"[" + b"9" * 4301 + b"]", strict_json.LONG_INTEGER),
    (b"[-" + b"9" * 4301 + b"]", strict_json.LONG_INTEGER),
    (b'["\\ud800"]', strict_json.SURROGATE),
    (b'{"\\udfff": 1}', strict_json.SURROGATE),
    (b'["a\\ud83d"]', strict_json.SURROGATE),  # a high surrogate without its low half
    (b'["\\u0000"]', strict_json.CONTROL),
    (b'{"a\\u0000": 1}', strict_json.CONTROL),
    (b"\xef\xbb\xbf{}", strict_json.BYTE_ORDER_MARK),
    (b'["\xff"]', strict_json.NOT_UTF8),
    (b'["\xed\xa0\x80"]', strict_json.NOT_UTF8),  # a surrogate encoded as UTF-8
    (b'["\xc0\xaf"]', strict_json.NOT_UTF8),  # an overlong "/"
    (b"{not json", strict_json.NOT_JSON),
    (b'["raw\ttab"]', strict_json.NOT_JSON),  # raw control characters are not JSON at all
    (b"", strict_json.NOT_JSON),
    (b"[1] [2]", strict_json.NOT_JSON),
])
def test_what_json_accepts_and_a_package_must_not(data: bytes, template: str) -> None:
    assert refused(data).template == template


def test_the_message_names_the_problem() -> None:
    assert "line 2, column 3" in refused(b'{\n  x}').english()
    assert '"dup"' in refused(b'{"dup": 1, "dup": 2}').english()
    assert "U+0000" in refused(b'["a\\u0000"]').english()


def test_integers_up_to_4300_digits_are_numbers() -> None:
    assert strict_json.loads(b"[" + b"9" * 4300 + b"]", what="m") == [int("9" * 4300)]


def test_allowed_control_characters_and_surrogate_pairs() -> None:
    assert strict_json.loads(b'["a\\tb\\nc\\rd", "\\ud83d\\ude00"]', what="m") == ["a\tb\nc\rd", "😀"]
    # a vertical tab or a form feed pasted from a word processor is text a user typed: it travels
    assert strict_json.loads(b'["Zeile\\u000bZeile\\f", "\\b"]', what="m") == ["Zeile\x0bZeile\x0c", "\x08"]


def test_limits_of_size_depth_and_strings() -> None:
    assert refused(b"[" + b" " * 10_000 + b"]", SMALL).template == strict_json.TOO_LARGE
    assert strict_json.loads(b"[[[[[1]]]]]", SMALL, what="m") == [[[[[1]]]]]
    assert refused(b"[[[[[[1]]]]]]", SMALL).template == strict_json.TOO_DEEP
    assert refused(b'{"a":{"b":{"c":{"d":{"e":{}}}}}}', SMALL).template == strict_json.TOO_DEEP
    assert strict_json.loads(b'["' + b"x" * 20 + b'"]', SMALL, what="m") == ["x" * 20]
    assert refused(b'["' + b"x" * 21 + b'"]', SMALL).template == strict_json.LONG_STRING
    assert refused(b'{"' + b"k" * 21 + b'": 1}', SMALL).template == strict_json.LONG_STRING
    # the limit counts characters, not the bytes of their escapes
    assert strict_json.loads(b'["' + b"\\u00e4" * 20 + b'"]', SMALL, what="m") == ["ä" * 20]


def test_brackets_inside_strings_do_not_count_as_depth() -> None:
    data = b'[{"a": "[[[[[[[[[[\\"{{{{{{{{\\\\", "b": ["]]]]]]]]"]}]'
    assert strict_json.depth(data) == 3
    assert strict_json.loads(data, SMALL, what="m") == json.loads(data)


def test_a_hundred_thousand_brackets_are_refused_quickly_without_recursion() -> None:
    for data in (b"[" * 100_000, b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 100_000 + b"1" + b"}" * 100_000):
        started = time.perf_counter()
        assert refused(data).template == strict_json.TOO_DEEP
        assert time.perf_counter() - started < 1


def test_escaped_quotes_cannot_hide_brackets_or_slow_the_depth_scan() -> None:
    # a string start that never ends, made of escaped quotes: linear, not quadratic
    data = b'["' + b'\\"' * 500_000
    started = time.perf_counter()
    assert refused(data).template == strict_json.NOT_JSON
    assert time.perf_counter() - started < 2


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)).filter(lambda c: c >= " " or c in "\t\n\r"))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | texts,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=20)


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_any_plain_json_value_reads_back_and_its_depth_is_exact(value: object) -> None:
    for ascii_only in (True, False):
        data = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8")
        assert strict_json.depth(data) == _depth(value)
        assert strict_json.loads(data, what="m") == json.loads(data)
