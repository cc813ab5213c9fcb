"""Field-by-field merging with version vectors (oekoaudit/domain/merge.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oekoaudit.domain.merge import (
    IdentityChanged,
    Order,
    Outcome,
    RecordCopy,
    bump,
    compare,
    dominates,
    join,
    merge_record,
    resolve_vector,
)

A, B, C = "aaaaaaaa-0000-4000-8000-00000000000a", "bbbbbbbb-0000-4000-8000-00000000000b", \
    "cccccccc-0000-4000-8000-00000000000c"
REC = "dddddddd-0000-4000-8000-000000000001"


def copy(versions: dict | None = None, **fields: object) -> RecordCopy:
    return RecordCopy(REC, {"audit_id": "x", "note": "", "result": "open", **fields}, versions or {})


def test_vectors_compare_by_domination() -> None:
    assert compare({}, {}) is Order.SAME
    assert compare({A: 1}, {}) is Order.LOCAL_NEWER
    assert compare({}, {A: 1}) is Order.INCOMING_NEWER
    assert compare({A: 2, B: 1}, {A: 1, B: 1}) is Order.LOCAL_NEWER
    assert compare({A: 1}, {B: 1}) is Order.CONCURRENT
    assert compare({A: 0}, {}) is Order.SAME  # zero entries mean nothing
    assert join({A: 2}, {A: 1, B: 3}) == {A: 2, B: 3}
    assert bump({A: 2}, B) == {A: 2, B: 1}
    resolved = resolve_vector({A: 2}, [{B: 3}, {C: 1}], A)
    assert all(dominates(resolved, v) for v in ({A: 2}, {B: 3}, {C: 1})) and resolved[A] == 3


def test_a_new_record_is_taken_whole() -> None:
    merge = merge_record(None, copy({"note": {B: 1}}, note="neu"))
    assert merge.outcome is Outcome.NEW
    assert merge.updates["note"] == "neu" and merge.versions == {"note": {B: 1}}


def test_only_one_side_changed_that_side_wins() -> None:
    local = copy({"note": {A: 1}}, note="lokal")
    incoming = copy({"note": {A: 1}, "result": {B: 1}}, note="lokal", result="conform")
    merge = merge_record(local, incoming)
    assert merge.outcome is Outcome.CHANGED
    assert merge.updates == {"result": "conform"} and merge.versions == {"result": {B: 1}}
    # the incoming copy is older than ours: nothing changes
    assert merge_record(incoming, copy(note="lokal")).outcome is Outcome.UNCHANGED


def test_both_changed_the_same_field_differently_keeps_both() -> None:
    local = copy({"note": {A: 1}}, note="Ventil tropft")
    incoming = copy({"note": {B: 1}}, note="Ventil dicht")
    merge = merge_record(local, incoming)
    assert merge.outcome is Outcome.CONFLICT
    assert merge.updates == {}  # the local value stays
    [conflict] = merge.conflicts
    assert (conflict.field, conflict.local, conflict.incoming, conflict.incoming_versions) == \
        ("note", "Ventil tropft", "Ventil dicht", {B: 1})


def test_both_changed_to_the_same_value_is_no_conflict() -> None:
    merge = merge_record(copy({"note": {A: 1}}, note="gleich"), copy({"note": {B: 1}}, note="gleich"))
    assert merge.outcome is Outcome.UNCHANGED and merge.versions == {"note": {A: 1, B: 1}}


def test_disjoint_fields_merge_without_conflict() -> None:
    local = copy({"note": {A: 1}}, note="lokal")
    incoming = copy({"result": {B: 1}}, result="major_nc")
    merge = merge_record(local, incoming)
    assert merge.outcome is Outcome.CHANGED and merge.updates == {"result": "major_nc"}


def test_deletion_merges_like_an_edit() -> None:
    local = copy({"note": {A: 1}}, note="lokal", deleted_at=None)
    incoming = copy({"deleted_at": {B: 1}}, deleted_at="2026-11-21T10:00:00+00:00")
    merge = merge_record(local, incoming)
    assert merge.updates == {"deleted_at": "2026-11-21T10:00:00+00:00"}  # the edit of the note stays too


def test_a_known_conflict_is_not_recorded_again() -> None:
    local = copy({"note": {A: 1}}, note="a")
    incoming = copy({"note": {B: 1}}, note="b")
    merge = merge_record(local, incoming, known_conflicts={"note": [("b", {B: 1})]})
    assert merge.outcome is Outcome.UNCHANGED and not merge.conflicts


def test_identity_fields_may_not_change() -> None:
    with pytest.raises(IdentityChanged) as caught:
        merge_record(copy(audit_id="x"), copy(audit_id="y"), identity=("audit_id",))
    assert caught.value.field == "audit_id"


def test_keep_local_fields_are_not_touched() -> None:
    merge = merge_record(copy({}, note="a"), copy({"note": {B: 1}}, note="b"), keep_local=("note",))
    assert merge.outcome is Outcome.UNCHANGED


vectors = st.dictionaries(st.sampled_from([A, B, C]), st.integers(min_value=0, max_value=4), max_size=3)


@given(vectors, vectors, vectors)
def test_vector_order_is_a_partial_order(a: dict, b: dict, c: dict) -> None:
    assert dominates(a, a)
    if dominates(a, b) and dominates(b, a):
        assert compare(a, b) is Order.SAME
    if dominates(a, b) and dominates(b, c):
        assert dominates(a, c)
    assert dominates(join(a, b), a) and dominates(join(a, b), b)
    assert join(a, b) == join(b, a)


@given(vectors, st.text(max_size=3), vectors, st.text(max_size=3))
def test_merging_is_symmetric_up_to_which_value_stays(lv: dict, lval: str, iv: dict, ival: str) -> None:
    """Whatever the vectors, a value is never dropped: it is taken, kept, or kept as a conflict."""
    local, incoming = copy({"note": lv}, note=lval), copy({"note": iv}, note=ival)
    merge = merge_record(local, incoming)
    after = merge.updates.get("note", lval)
    kept = {after} | {c.incoming for c in merge.conflicts}
    if lval != ival and compare(lv, iv) in (Order.CONCURRENT, Order.SAME):
        assert kept == {lval, ival}
    elif compare(lv, iv) is Order.INCOMING_NEWER:
        assert after == ival
    else:
        assert after == lval


def test_two_removals_are_one_dated_the_earlier() -> None:
    early, late = "2026-11-20T10:00:00+00:00", "2026-11-21T08:00:00+00:00"
    merge = merge_record(copy({"deleted_at": {A: 1}}, deleted_at=late), copy({"deleted_at": {B: 1}}, deleted_at=early))
    assert merge.outcome is Outcome.CHANGED and merge.updates == {"deleted_at": early} and not merge.conflicts
    other = merge_record(copy({"deleted_at": {B: 1}}, deleted_at=early), copy({"deleted_at": {A: 1}}, deleted_at=late))
    assert other.updates == {} and other.versions == {"deleted_at": {A: 1, B: 1}}
