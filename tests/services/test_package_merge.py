"""Two copies of an audit, edited apart and exchanged by package: nothing is lost, and they
converge once the conflicts are resolved (property tests with hypothesis, and worked examples).

Every exchange goes through a real package file (export → import), as on site.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oekoaudit.services import open_services
from oekoaudit.services.container import Services
from oekoaudit.storage import sync

ITEMS = ("4.1", "5.2", "6.1.2", "8.2")


@dataclass
class Base:
    folder: Path  # a closed data folder with the audit (device A)
    empty: Path  # a closed, empty data folder (device B)
    audit_id: str
    finding_id: str
    measure_id: str
    package: Path


def _make_base(root: Path) -> Base:
    folder, empty = root / "base-a", root / "base-b"
    with open_services(folder) as a:
        org = a.organisations.create("Gießerei Nord GmbH")
        audit = a.audits.create(org.id, "iso14001-2015", title="Überwachungsaudit")
        for key in ITEMS[:2]:
            a.audits.answer(audit.id, key, "conform", "geprüft")
        finding = a.audits.add_finding(audit.id, "minor_nc", "Ölbindemittel fehlt", item_key="8.2")
        measure = a.measures.create(org.id, "Druckluftleckagen beheben", audit_id=audit.id)
        package = root / "base.oekoaudit"
        a.packages.export([audit.id], package)
    with open_services(empty):
        pass
    return Base(folder, empty, audit.id, finding.id, measure.id, package)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    return _make_base(tmp_path_factory.mktemp("merge-base"))


class Pair:
    """Device A (the base) and device B (the base imported from a package)."""

    def __init__(self, base: Base, root: Path) -> None:
        self.base, self.root = base, root
        shutil.copytree(base.folder, root / "a")
        shutil.copytree(base.empty, root / "b")
        self.a = open_services(root / "a")
        self.b = open_services(root / "b")
        self.b.packages.import_package(base.package)
        self.sent = itertools.count()

    def close(self) -> None:
        self.a.close()
        self.b.close()

    def send(self, source: Services, target: Services) -> dict[str, Any]:
        package = self.root / f"p{next(self.sent)}.oekoaudit"
        source.packages.export([self.base.audit_id], package)
        first = target.packages.import_package(package)
        return first

    def records(self, services: Services) -> dict[tuple[str, str], dict[str, Any]]:
        with services._store.read() as session:
            dumped = sync.dump(session, self.base.audit_id)
        return {(table, r["fields"].get("item_key") if table == "answers" else r["id"]): r["fields"]
                for table, rows in dumped.records.items() for r in rows}


@pytest.fixture
def pair(base: Base, tmp_path: Path) -> Iterator[Pair]:
    p = Pair(base, tmp_path)
    yield p
    p.close()


# ---- worked examples ---------------------------------------------------------------------------------


def note(services: Services, audit_id: str, key: str) -> str:
    return services.audits.detail(audit_id).answers[key].note


def test_only_one_side_changed_that_side_wins(pair: Pair) -> None:
    audit = pair.base.audit_id
    pair.b.audits.answer(audit, "4.1", None, "Kontext aktualisiert (Tablet)")
    pair.a.audits.update_finding(pair.base.finding_id, correction="Bindemittel bestellt")
    pair.send(pair.b, pair.a)
    pair.send(pair.a, pair.b)
    for side in (pair.a, pair.b):
        assert note(side, audit, "4.1") == "Kontext aktualisiert (Tablet)"
        assert side.audits.finding(pair.base.finding_id).correction == "Bindemittel bestellt"
        assert side.packages.conflicts() == []


def test_both_changed_the_same_field_keeps_both_values_until_resolved(pair: Pair) -> None:
    audit = pair.base.audit_id
    pair.a.audits.answer(audit, "4.1", None, "Büro: Kontext vollständig")
    pair.b.audits.answer(audit, "4.1", None, "Vor Ort: Kontext lückenhaft")
    summary = pair.send(pair.b, pair.a)
    assert summary["conflicts"] == 1 and summary["imported"]
    assert note(pair.a, audit, "4.1") == "Büro: Kontext vollständig"  # the local value stays
    [conflict] = pair.a.packages.conflicts()
    assert (conflict.kind, conflict.field, conflict.local, conflict.incoming) == (
        "answer", "note", "Büro: Kontext vollständig", "Vor Ort: Kontext lückenhaft")
    assert conflict.label == "4.1"
    # the same package again changes nothing
    again = pair.send(pair.b, pair.a)
    assert again["nothing_to_do"] and len(pair.a.packages.conflicts()) == 1
    # the other way round, B keeps its value and learns A's as its conflict
    pair.send(pair.a, pair.b)
    [mirror] = pair.b.packages.conflicts()
    assert (mirror.local, mirror.incoming) == ("Vor Ort: Kontext lückenhaft", "Büro: Kontext vollständig")
    # A decides; the decision reaches B and settles B's conflict by itself
    pair.a.packages.resolve(conflict.id, "incoming")
    assert note(pair.a, audit, "4.1") == "Vor Ort: Kontext lückenhaft"
    pair.send(pair.a, pair.b)
    assert pair.b.packages.conflicts() == [] and pair.a.packages.conflicts() == []
    assert note(pair.b, audit, "4.1") == "Vor Ort: Kontext lückenhaft"
    assert pair.a.reports.document(audit) == pair.b.reports.document(audit)


def test_a_deletion_travels_and_merges_with_an_edit(pair: Pair) -> None:
    finding = pair.base.finding_id
    pair.a.audits.delete_finding(finding)
    pair.b.audits.update_finding(finding, root_cause="Lager nicht geprüft")
    pair.send(pair.a, pair.b)
    pair.send(pair.b, pair.a)
    for side in (pair.a, pair.b):
        assert finding not in {f.id for f in side.audits.findings(pair.base.audit_id)}
        side.audits.restore_finding(finding)  # the edit is kept in the removed record
        assert side.audits.finding(finding).root_cause == "Lager nicht geprüft"


def test_answers_made_apart_for_the_same_item_meet_in_one(pair: Pair) -> None:
    audit = pair.base.audit_id
    pair.a.audits.answer(audit, "6.1.2", "conform", "")
    pair.b.audits.answer(audit, "6.1.2", "conform", "")
    pair.b.audits.answer(audit, "8.2", "major_nc", "Notfallplan fehlt")
    pair.send(pair.b, pair.a)
    detail = pair.a.audits.detail(audit)
    assert detail.answers["6.1.2"].result == "conform" and detail.answers["8.2"].result == "major_nc"
    assert pair.a.packages.conflicts() == []
    pair.send(pair.a, pair.b)
    assert pair.a.reports.document(audit) == pair.b.reports.document(audit)


def test_new_records_travel_with_their_change_log(pair: Pair) -> None:
    audit = pair.base.audit_id
    added = pair.b.audits.add_finding(audit, "observation", "Abfallbehälter nicht beschriftet")
    pair.send(pair.b, pair.a)
    assert pair.a.audits.finding(added.id).statement == "Abfallbehälter nicht beschriftet"
    assert pair.a.audits.change_log(added.id) == pair.b.audits.change_log(added.id)


# ---- property: random edits on two copies, exchanged in random order -----------------------------------


@dataclass(frozen=True)
class Edit:
    device: str  # "a" | "b"
    kind: str  # note | result | statement | title | delete | restore
    target: str  # item key for answers
    value: str


RESULTS = ("conform", "minor_nc", "major_nc", "not_applicable")

edits = st.builds(
    Edit,
    device=st.sampled_from("ab"),
    kind=st.sampled_from(("note", "note", "result", "statement", "title", "delete", "restore")),
    target=st.sampled_from(ITEMS),
    value=st.sampled_from(("x", "y", "z", "")),
)
orders = st.lists(st.sampled_from(("ab", "ba")), min_size=1, max_size=4)


def _apply(pair: Pair, edit: Edit, step: int) -> None:
    side = pair.a if edit.device == "a" else pair.b
    audit = pair.base.audit_id
    unique = f"{edit.device}{step}{edit.value}"  # every value written is a different value
    if edit.kind == "note":
        side.audits.answer(audit, edit.target, None, unique)
    elif edit.kind == "result":
        side.audits.answer(audit, edit.target, RESULTS[step % len(RESULTS)], None)
    elif edit.kind == "statement":
        if pair.base.finding_id in {f.id for f in side.audits.findings(audit)}:  # a removed one cannot be edited
            side.audits.update_finding(pair.base.finding_id, statement=unique)
    elif edit.kind == "title":
        side.measures.update(pair.base.measure_id, title=unique)
    elif edit.kind == "delete":
        if pair.base.finding_id in {f.id for f in side.audits.findings(audit)}:
            side.audits.delete_finding(pair.base.finding_id)
    elif edit.kind == "restore":
        if pair.base.finding_id not in {f.id for f in side.audits.findings(audit)}:
            side.audits.restore_finding(pair.base.finding_id)


def _last_values(pair: Pair, which: Services) -> dict[tuple[str, str], dict[str, Any]]:
    return pair.records(which)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
@given(rounds=st.lists(st.tuples(st.lists(edits, max_size=6), orders), min_size=1, max_size=2),
       keep=st.sampled_from(("local", "incoming")))
def test_random_edits_never_lose_a_value_and_converge(base: Base, tmp_path_factory: pytest.TempPathFactory,
                                                       rounds: list, keep: str) -> None:
    pair = Pair(base, tmp_path_factory.mktemp("prop"))
    try:
        step = 0
        for round_edits, order in rounds:
            before = {"a": _last_values(pair, pair.a), "b": _last_values(pair, pair.b)}
            for edit in round_edits:
                _apply(pair, edit, step)
                step += 1
            after = {"a": _last_values(pair, pair.a), "b": _last_values(pair, pair.b)}
            for direction in order + ["ab", "ba"]:  # the random order, then once each way
                if direction == "ab":
                    pair.send(pair.a, pair.b)
                else:
                    pair.send(pair.b, pair.a)
            # no value lost: every field a device changed in this round holds its value on that
            # device, or (changed differently on both) holds it as a conflict on the other one
            for device, other in (("a", pair.b), ("b", pair.a)):
                here = pair.a if device == "a" else pair.b
                now_here, now_other = _last_values(pair, here), _last_values(pair, other)
                ids = _ids(pair, other)
                kept_there = {(c.record_id, c.field, repr(c.incoming)) for c in other.packages.conflicts()}
                for key, fields in after[device].items():
                    for name, value in fields.items():
                        if before[device].get(key, {}).get(name) == value:
                            continue  # not changed by this device in this round
                        if name == "deleted_at":  # two removals are one (the earlier time); checked below
                            assert (now_here[key][name] is None) == (value is None), key
                            continue
                        assert now_here[key][name] == value, (device, key, name)
                        assert now_other[key][name] == value or (ids[key], name, repr(value)) in kept_there, \
                            (device, key, name)
        # resolve every conflict on A, exchange both ways: the copies are the same
        for conflict in pair.a.packages.conflicts():
            pair.a.packages.resolve(conflict.id, keep)
        pair.send(pair.a, pair.b)
        pair.send(pair.b, pair.a)
        assert pair.a.packages.conflicts() == [] and pair.b.packages.conflicts() == []
        assert pair.records(pair.a) == pair.records(pair.b)
        assert pair.a.reports.document(base.audit_id) == pair.b.reports.document(base.audit_id)
    finally:
        pair.close()


def _ids(pair: Pair, services: Services) -> dict[tuple[str, str], str]:
    """Record ids by the keys of :meth:`Pair.records` (answers are keyed by item)."""
    with services._store.read() as session:
        dumped = sync.dump(session, pair.base.audit_id)
    return {(table, r["fields"].get("item_key") if table == "answers" else r["id"]): r["id"]
            for table, rows in dumped.records.items() for r in rows}


def test_an_older_package_arriving_late_changes_nothing(pair: Pair) -> None:
    """Packages may arrive out of order (a stick found in a bag): the older one's values are ones the
    newer one already saw, so it neither overwrites them nor raises a conflict."""
    audit = pair.base.audit_id
    pair.b.audits.answer(audit, "4.1", None, "erste Fassung")
    old = pair.root / "old.oekoaudit"
    pair.b.packages.export([audit], old)
    pair.b.audits.answer(audit, "4.1", None, "zweite Fassung")
    pair.send(pair.b, pair.a)
    late = pair.a.packages.import_package(old)
    assert late["nothing_to_do"] and late["changed"] == 0 and late["conflicts"] == 0
    assert note(pair.a, audit, "4.1") == "zweite Fassung" and pair.a.packages.conflicts() == []


def test_a_package_the_database_refuses_changes_nothing(pair: Pair) -> None:
    """A figure removed and brought back on one copy while the other made a new one for the same site,
    year and quantity: two live figures cannot both be. The import is refused with a message in the
    user's language, and the store stays as it was."""
    from oekoaudit.errors import PackageError
    from oekoaudit.i18n import describe

    org = pair.a.audits.get(pair.base.audit_id).organisation_id
    value = pair.a.indicators.set_value(org, 2025, "water_mains", "120", "m³")
    pair.send(pair.a, pair.b)
    pair.a.indicators.delete_value(value.id)
    pair.send(pair.a, pair.b)
    pair.b.indicators.set_value(org, 2025, "water_mains", "130", "m³")
    pair.a.indicators.restore_value(value.id)
    before = [(v.id, v.value) for v in pair.b.indicators.values(org) if v.quantity == "water_mains"]
    with pytest.raises(PackageError) as refused:
        pair.send(pair.a, pair.b)
    assert "nichts importiert" in describe(refused.value)
    assert [(v.id, v.value) for v in pair.b.indicators.values(org) if v.quantity == "water_mains"] == before
