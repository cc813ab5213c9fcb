"""The environmental programme: every field, checks, tombstones, totals, spreadsheets, and the carry-over of
open measures to the organisation's next audit (continuing copies)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from oekoaudit.domain.evidence import Target
from oekoaudit.domain.programme import MeasureStatus
from oekoaudit.errors import NotFoundError, TableImportError, UserInputError
from oekoaudit.i18n import describe
from tests.services.test_evidence import PDF


@pytest.fixture
def english() -> None:
    from oekoaudit.i18n import set_language

    set_language("en")


@pytest.fixture
def org(services):  # type: ignore[no-untyped-def]
    return services.organisations.create("Tischlerei Holm", site_name="Werkstatt")


@pytest.fixture
def audit(services, org):  # type: ignore[no-untyped-def]
    return services.audits.create(org.id, "oekoprofit-2026", title="ÖKOPROFIT 2025", start_date=date(2025, 4, 1))


def test_every_field_is_stored_and_checked(services, org, audit) -> None:  # type: ignore[no-untyped-def]
    finding = services.audits.add_finding(audit.id, "improvement", "Druckluft läuft nachts")
    m = services.measures.create(
        org.id, "  Druckluft  nachts abschalten ", audit_id=audit.id[:8], area="Energie", owner=" Herr  Holm ",
        start_date="2025-04-01", due_date=date(2025, 6, 30), status="in Umsetzung", priority="hoch",
        investment_eur="1.200,50", savings_eur_once="300", savings_eur_per_year=Decimal("800"),
        savings_kwh_per_year="9.500", energy_carrier="Strom", savings_m3_per_year=None, savings_t_per_year="0",
        finding_ids=[finding.id[:8]], description="Zeitschaltuhr am Kompressor")
    assert (m.title, m.area, m.owner, m.status, m.priority) == ("Druckluft nachts abschalten", "energy", "Herr Holm",
                                                               MeasureStatus.IN_PROGRESS, 1)
    assert (m.investment_eur, m.savings_eur_once, m.savings_kwh_per_year) == (Decimal("1200.50"), Decimal(300),
                                                                              Decimal(9500))
    assert (m.energy_carrier, m.finding_ids, m.audit_id) == ("electricity_grid", (finding.id,), audit.id)
    done = services.measures.update(m.id[:8], status="done")
    assert done.completed_on == date.today() and done.revision == 2
    assert services.measures.get(m.id).status is MeasureStatus.DONE
    for bad in ({"priority": 5}, {"investment_eur": "-5"}, {"energy_carrier": "Wasser"},
                {"due_date": "2025-03-01"}, {"status": "vielleicht"}, {"title": " "},
                {"investment_eur": "viel"}, {"finding_ids": ["ffffffff"]}):
        with pytest.raises((UserInputError, NotFoundError)):
            services.measures.update(m.id, **bad)
    with pytest.raises(TypeError):
        services.measures.update(m.id, colour="green")
    other = services.organisations.create("Fremd GmbH")
    with pytest.raises(UserInputError):
        services.measures.create(other.id, "Falsch", audit_id=audit.id)


def test_a_removed_measure_is_a_tombstone(services, org, audit) -> None:  # type: ignore[no-untyped-def]
    m = services.measures.create(org.id, "Späneabsaugung drosseln", audit_id=audit.id)
    services.measures.delete(m.id[:6])
    assert services.measures.list(org.id) == []
    with pytest.raises(NotFoundError):
        services.measures.get(m.id)
    services.measures.restore(m.id)
    assert [x.id for x in services.measures.list(audit_id=audit.id)] == [m.id]


def test_totals_payback_and_derived_co2(services, org, audit) -> None:  # type: ignore[no-untyped-def]
    """Hand-worked: A saves 10 000 kWh electricity (de-2024 for 2025: 0.363 kg/kWh → 3.63 t derived)
    for 4 000 € invested and 1 000 €/a (payback 4 years); B gives 2 t CO2 itself, 6 000 € for 500 €/a
    (12 years); C is dropped and counts nowhere but under its status. Programme: 10 000 € ÷ 1 500 €/a
    = 6.67 years, 5.63 t CO2."""
    create = services.measures.create
    a = create(org.id, "A", audit_id=audit.id, area="energy", due_date=date(2025, 9, 1), investment_eur="4000",
               savings_eur_per_year="1000", savings_kwh_per_year="10000", energy_carrier="electricity_grid")
    create(org.id, "B", audit_id=audit.id, area="waste", due_date=date(2026, 3, 1), investment_eur="6000",
           savings_eur_per_year="500", savings_t_co2_per_year="2")
    create(org.id, "C", audit_id=audit.id, area="waste", status="dropped", investment_eur="99999")
    programme = services.measures.programme(audit.id[:8])
    assert programme.audit.id == audit.id and programme.factor_set.id == "de-2024"
    views = {v.measure.title: v for v in programme.measures}
    assert views["A"].payback_years == 4 and views["B"].payback_years == 12
    assert views["A"].co2.origin.value == "derived" and views["A"].co2.t_co2 == Decimal("3.630")
    assert views["B"].co2.origin.value == "given"
    total = programme.total
    assert (total.count, total.investment_eur, total.savings_eur_per_year) == (2, 10000, 1500)
    assert total.savings_t_co2_per_year == Decimal("5.630") and total.co2_derived == 1
    assert round(total.payback_years, 2) == Decimal("6.67")
    assert set(programme.by_area) == {"energy", "waste"} and programme.by_area["waste"].count == 1
    assert list(programme.by_year) == [2025, 2026]
    assert list(programme.by_status) == ["planned", "dropped"] and programme.by_status["dropped"].count == 1
    assert services.measures.totals(org.name).investment_eur == 10000
    assert services.measures.programme(org.name).audit is None
    with pytest.raises(NotFoundError):
        services.measures.programme("Niemand")
    assert a.id in {v.measure.id for v in services.measures.programme(org.id).measures}


def test_evidence_links_show_in_the_programme(services, org, audit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    m = services.measures.create(org.id, "Entsorgungsnachweise sammeln", audit_id=audit.id)
    pdf = tmp_path / "Nachweis.pdf"
    pdf.write_bytes(PDF)
    report = services.evidence.import_files(audit.id, [pdf], Target.measure(m.id[:8]))
    evidence_id = report.outcomes[0].evidence_id
    view = services.measures.programme(audit.id).measures[0]
    assert view.evidence_ids == (evidence_id,)


# ---- carry-over ------------------------------------------------------------------------------------


def test_open_measures_continue_in_the_next_audit(services, org, audit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Decision: open measures are continued by a copy in the new audit (carried_from_measure_id); the
    earlier audit keeps its programme as recorded; the organisation's programme lists each measure
    once (the newest copy); a continued measure is followed up in the new audit only."""
    finding = services.audits.add_finding(audit.id, "minor_nc", "Lösemittel offen gelagert", owner="Holm")
    create = services.measures.create
    planned = create(org.id, "Lösemittelschrank beschaffen", audit_id=audit.id, area="hazardous_substances",
                     investment_eur="900", finding_ids=[finding.id], due_date=date(2025, 12, 1))
    running = create(org.id, "Absaugung mit Frequenzumrichter", audit_id=audit.id, status="in_progress",
                     savings_kwh_per_year="4000", energy_carrier="electricity_grid")
    done = create(org.id, "LED im Lager", audit_id=audit.id, status="done", completed_on=date(2025, 5, 1))
    create(org.id, "Dachbegrünung", audit_id=audit.id, status="dropped")
    loose = create(org.id, "Mitarbeiterschulung (ohne Audit)")
    pdf = tmp_path / "Angebot.pdf"
    pdf.write_bytes(PDF)
    services.evidence.import_files(audit.id, [pdf], Target.measure(planned.id))

    nxt = services.audits.create(org.id, "oekoprofit-2026", title="ÖKOPROFIT 2026", start_date=date(2026, 4, 1),
                                 carry_from=audit.id)
    carried = services.measures.list(audit_id=nxt.id)
    assert sorted(m.carried_from_measure_id for m in carried) == sorted([planned.id, running.id])
    copy = next(m for m in carried if m.carried_from_measure_id == planned.id)
    assert (copy.title, copy.status, copy.investment_eur, copy.due_date, copy.area) == (
        planned.title, MeasureStatus.PLANNED, Decimal(900), date(2025, 12, 1), "hazardous_substances")
    # its finding was carried over too: the copy answers the continued finding
    new_finding = next(f for f in services.audits.findings(nxt.id) if f.carried_from_finding_id == finding.id)
    assert copy.finding_ids == (new_finding.id,)
    # its evidence came along into the new audit
    assert len(services.measures.programme(nxt.id).measures[0].evidence_ids
               + services.measures.programme(nxt.id).measures[1].evidence_ids) == 1
    # the earlier audit still shows all it recorded
    assert len(services.measures.list(audit_id=audit.id)) == 4
    # the organisation's programme counts each measure once
    listed = {m.id for m in services.measures.list(org.id)}
    assert planned.id not in listed and running.id not in listed
    assert {copy.id, done.id, loose.id} <= listed
    superseded = [v for v in services.measures.programme(audit.id).measures if v.superseded]
    assert {v.measure.id for v in superseded} == {planned.id, running.id}
    # the follow-up happens in the new audit
    with pytest.raises(UserInputError):
        services.measures.update(planned.id, status="done")
    services.measures.update(copy.id, status="done", completed_on=date(2026, 5, 2))
    # a third audit continues only what is still open
    third = services.audits.create(org.id, "oekoprofit-2026", start_date=date(2027, 4, 1), carry_from=nxt.id)
    assert [m.title for m in services.measures.list(audit_id=third.id)] == [running.title]


# ---- spreadsheets ------------------------------------------------------------------------------------


def _programme(services, org, audit):  # type: ignore[no-untyped-def]
    finding = services.audits.add_finding(audit.id, "observation", "Kein Energiemonitoring")
    services.measures.create(org.id, "Zähler für Druckluft", audit_id=audit.id, area="energy", owner="Holm",
                             start_date=date(2025, 5, 1), due_date=date(2025, 9, 30), priority=2,
                             investment_eur="2500.00", savings_eur_per_year="650", savings_kwh_per_year="3000.5",
                             energy_carrier="electricity_grid", finding_ids=[finding.id],
                             description="Mit Fernauslesung;\nmonatlicher Bericht")
    services.measures.create(org.id, "Regenwasser für Waschplatz", audit_id=audit.id, area="water",
                             status="done", completed_on=date(2025, 8, 1), savings_m3_per_year="42",
                             savings_eur_once="0.125", savings_t_co2_per_year="0.004")
    services.measures.create(org.id, "Eigener Bereich", area="Werkstattordnung")


def _fields(measures):  # type: ignore[no-untyped-def]
    keep = ("title", "description", "area", "owner", "start_date", "due_date", "completed_on", "status", "priority",
            "investment_eur", "savings_eur_once", "savings_eur_per_year", "savings_kwh_per_year", "energy_carrier",
            "savings_m3_per_year", "savings_t_per_year", "savings_t_co2_per_year", "finding_ids", "site_id")
    return sorted((tuple(getattr(m, k) for k in keep) for m in measures), key=lambda row: row[0])


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_export_and_import_round_trip(services, org, audit, tmp_path: Path, suffix: str,  # type: ignore[no-untyped-def]
                                      lang: str) -> None:
    from oekoaudit.i18n import set_language

    set_language(lang)
    _programme(services, org, audit)
    path = tmp_path / f"Programm{suffix}"
    assert services.measures.export_file(org.name, path) == 3
    before = _fields(services.measures.list(org.id))
    # the same file again: every measure found by its id, nothing changes
    result = services.measures.import_file(path, org.id)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert _fields(services.measures.list(org.id)) == before
    # into an empty copy of the store's organisation: ids unknown there → new measures, same fields
    for m in services.measures.list(org.id):
        services.measures.delete(m.id)
    result = services.measures.import_file(path, org.id, audit=audit.id)
    assert result.created == 3
    after = services.measures.list(org.id)
    assert _fields(after) == before
    assert all(m.audit_id == audit.id for m in after)


def test_import_without_ids_matches_titles(services, org, audit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    existing = services.measures.create(org.id, "Leckagen suchen", audit_id=audit.id)
    text = ("Titel;Bereich;Status;Investition (€);Einsparung €/Jahr;Termin\n"
            "Leckagen suchen;Energie;umgesetzt;1.200,00;850;30.09.2025\n"
            "Neue Maßnahme;Abfall;geplant;;;2026-01-31\n")
    path = tmp_path / "liste.csv"
    path.write_text(text, encoding="utf-8")
    result = services.measures.import_file(path, org.name, audit=audit.id)
    assert (result.created, result.updated) == (1, 1)
    changed = services.measures.get(existing.id)
    assert (changed.status, changed.investment_eur, changed.due_date, changed.area) == (
        MeasureStatus.DONE, Decimal("1200.00"), date(2025, 9, 30), "energy")


def test_bad_measure_cells_are_named_and_nothing_is_imported(services, org, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                            english) -> None:
    text = ("Titel;Status;Priorität;Investition (€);Energieträger;Termin;Beginn\n"
            "Gut;geplant;1;100;;;\n"
            ";geplant;;;;;\n"
            "Status falsch;irgendwann;;;;;\n"
            "Priorität falsch;geplant;7;;;;\n"
            "Geld falsch;geplant;;zu viel;;;\n"
            "Träger falsch;geplant;;;Kohle;;\n"
            "Datum falsch;geplant;;;;31.02.2026;\n"
            "Negativ;geplant;;-100;;;\n"
            "Rückwärts;geplant;;;;2025-01-01;2025-06-01\n")
    path = tmp_path / "fehler.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TableImportError) as caught:
        services.measures.import_file(path, org.id)
    assert [p.location for p in caught.value.problems] == ["A3", "B4", "C5", "D6", "E7", "F8", "D9", "F10"]
    assert all(describe(p).startswith(f"Row {p.location[1:]}, column {p.location[0]} ")
               for p in caught.value.problems)
    assert services.measures.list(org.id) == []
