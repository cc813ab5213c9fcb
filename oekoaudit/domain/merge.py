"""Merging two copies of a record, field by field, without losing a value.

Every synchronised field carries a *version vector*: ``{device id: how many times that device
changed the field}``; a field never changed since the record was made has the record's creation
vector (``"*"``: ``{the device that made it: 1}``). A device that changes a field counts one up
in its own entry. Comparing two copies of a field then tells exactly what
happened since they last met (RELIABILITY.md A.2, rule 2 — no clocks involved):

* equal vectors — the same history: the values are the same (nothing to do);
* one vector *dominates* the other (every entry ≥) — that copy saw the other's changes and
  changed the field after them: its value wins;
* neither dominates — both changed the field independently (*concurrent*). Equal values merge
  silently (the vectors are joined). Different values are a **conflict**: the local value stays,
  the incoming one is kept beside it until a person decides (:func:`resolve_vector`).

Deletions are the field ``deleted_at`` and merge like any other field (except that two removals
are one removal, dated the earlier). Fields that say what a
record *is* (the audit an answer belongs to, the item it answers, the blob of a photo) never
change: an incoming copy that differs there is refused (:class:`IdentityChanged`).

Pure: standard library only; values are plain JSON values, compared as such.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

Vector = Mapping[str, int]

#: the field that removes a record (a tombstone); both copies removing it is one removal
DELETED = "deleted_at"


class Order(Enum):
    SAME = "same"
    LOCAL_NEWER = "local_newer"
    INCOMING_NEWER = "incoming_newer"
    CONCURRENT = "concurrent"


def _clean(vector: Vector | None) -> dict[str, int]:
    return {device: int(count) for device, count in (vector or {}).items() if int(count) > 0}


#: the key of a record's creation vector: a field never changed since has this vector
CREATED = "*"


def field_vector(versions: Mapping[str, Vector] | None, name: str) -> dict[str, int]:
    """A field's version vector: its own, or the record's creation vector if it never changed.

    Two copies of one record share the creation vector; two records two devices made apart for
    the same thing (an item's answer) have different ones, so their values meet as concurrent."""
    versions = versions or {}
    return _clean(versions.get(name) or versions.get(CREATED))


def dominates(a: Vector | None, b: Vector | None) -> bool:
    """Whether ``a`` has seen every change ``b`` has (``a ≥ b`` entry by entry)."""
    a_, b_ = _clean(a), _clean(b)
    return all(a_.get(device, 0) >= count for device, count in b_.items())


def compare(local: Vector | None, incoming: Vector | None) -> Order:
    ahead, behind = dominates(local, incoming), dominates(incoming, local)
    if ahead and behind:
        return Order.SAME
    if ahead:
        return Order.LOCAL_NEWER
    if behind:
        return Order.INCOMING_NEWER
    return Order.CONCURRENT


def join(*vectors: Vector | None) -> dict[str, int]:
    """The smallest vector that dominates all given ones."""
    out: dict[str, int] = {}
    for vector in vectors:
        for device, count in _clean(vector).items():
            out[device] = max(out.get(device, 0), count)
    return dict(sorted(out.items()))


def bump(vector: Vector | None, device: str) -> dict[str, int]:
    """The vector after one more change by ``device``."""
    out = _clean(vector)
    out[device] = out.get(device, 0) + 1
    return dict(sorted(out.items()))


def resolve_vector(local: Vector | None, incoming: Iterable[Vector | None], device: str) -> dict[str, int]:
    """The vector of a value a person chose after seeing the local and the incoming values: it
    dominates all of them, so the decision wins on every copy it reaches."""
    return bump(join(local, *incoming), device)


@dataclass(frozen=True, slots=True)
class RecordCopy:
    """One copy of a record: its field values (plain JSON values) and their version vectors."""

    id: str
    fields: Mapping[str, Any]
    versions: Mapping[str, Vector] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FieldConflict:
    field: str
    local: Any
    incoming: Any
    incoming_versions: dict[str, int]


class Outcome(Enum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class RecordMerge:
    """What merging an incoming copy into the local one does.

    ``updates``: fields whose value the incoming copy brings; ``versions``: every field whose
    vector changes (with or without a new value); ``conflicts``: fields both sides changed
    differently (the local value stays). Stored conflicts that a field's new vector dominates are
    obsolete; the caller finds them with :func:`dominates`.
    """

    id: str
    outcome: Outcome
    updates: dict[str, Any]
    versions: dict[str, dict[str, int]]
    conflicts: tuple[FieldConflict, ...] = ()


class IdentityChanged(Exception):
    """An incoming copy changes a field that says what the record is; ``field`` names it."""

    def __init__(self, record_id: str, field_name: str) -> None:
        super().__init__(f"{record_id}: {field_name}")
        self.record_id = record_id
        self.field = field_name


def merge_record(local: RecordCopy | None, incoming: RecordCopy, *, identity: Iterable[str] = (),
                 known_conflicts: Mapping[str, Iterable[tuple[Any, Vector]]] | None = None,
                 keep_local: Iterable[str] = ()) -> RecordMerge:
    """Merge ``incoming`` into ``local`` (``None``: the record is new here).

    ``identity``: fields that may never differ (raises :class:`IdentityChanged`);
    ``known_conflicts``: per field, the (value, vector) pairs already kept as open conflicts, so
    that importing the same package again adds nothing; ``keep_local``: fields the incoming copy
    may not change (e.g. a photo's position after the sender removed it from the copy).
    """
    if local is None:
        return RecordMerge(incoming.id, Outcome.NEW, dict(incoming.fields),
                           {name: _clean(v) for name, v in incoming.versions.items() if _clean(v)})
    for name in identity:
        if name in incoming.fields and name in local.fields and incoming.fields[name] != local.fields[name]:
            raise IdentityChanged(local.id, name)
    known = known_conflicts or {}
    protected = set(keep_local) | set(identity)
    updates: dict[str, Any] = {}
    versions: dict[str, dict[str, int]] = {}
    conflicts: list[FieldConflict] = []
    for name in sorted(incoming.fields):
        if name in protected or name not in local.fields:
            continue
        lv, iv = local.fields[name], incoming.fields[name]
        lvec, ivec = field_vector(local.versions, name), field_vector(incoming.versions, name)
        order = compare(lvec, ivec)
        if order is Order.LOCAL_NEWER:
            continue
        if order is Order.INCOMING_NEWER:
            if iv != lv:
                updates[name] = iv
            versions[name] = ivec
            continue
        if iv == lv:
            if order is Order.CONCURRENT:
                versions[name] = join(lvec, ivec)
            continue
        if name == DELETED and lv is not None and iv is not None:
            # removed on both copies: one removal, at the earlier time (the same choice on both sides)
            if iv < lv:
                updates[name] = iv
            versions[name] = join(lvec, ivec)
            continue
        # different values, and neither copy saw the other's change (or, damaged: the same history)
        if any(dominates(vector, ivec) for _value, vector in known.get(name, ())):
            continue  # kept already (importing the same package again), or a later value of that copy
        conflicts.append(FieldConflict(name, lv, iv, ivec))
    if conflicts:
        outcome = Outcome.CONFLICT
    elif updates:
        outcome = Outcome.CHANGED
    else:
        outcome = Outcome.UNCHANGED
    return RecordMerge(local.id, outcome, updates, versions, tuple(conflicts))
