"""The environmental programme tab: the measures as an editable table, filters, totals, award
rules, the measure dialog, undo, evidence dropped onto a row, import and export from the File menu."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from PySide6.QtCore import QModelIndex, Qt

from oekoaudit.domain.programme import Co2Origin, Co2Saving, Measure, MeasureStatus
from oekoaudit.i18n import _
from oekoaudit.ui.models.measures_model import Column, MeasuresModel, ObjectRole, SortRole, parse_date


def _measure(**fields: Any) -> Measure:
    values: dict[str, Any] = {"id": "m1", "organisation_id": "o1", "title": "LED in Halle 1"}
    values.update(fields)
    return Measure(**values)


def _cell(model: MeasuresModel, row: int, column: Column, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    return model.index(row, model.column_of(column)).data(role)


# ---- the table model ---------------------------------------------------------------------------


def test_the_model_shows_money_savings_and_payback(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = MeasuresModel()
    model.set_measures([_measure(investment_eur=Decimal("12000"), savings_eur_per_year=Decimal("3000"),
                                 savings_kwh_per_year=Decimal("18500"), status=MeasureStatus.IN_PROGRESS,
                                 due_date=date(2026, 6, 30), area="energy")], {"m1": 2})
    model.set_choices({"energy": "Energie"}, {"electricity_grid": "Strom aus dem Netz"})
    qtmodeltester.check(model)
    assert _cell(model, 0, Column.INVESTMENT) == "12.000"
    assert _cell(model, 0, Column.SAVINGS_KWH) == "18.500"
    assert _cell(model, 0, Column.PAYBACK) == "4,0"
    assert _cell(model, 0, Column.AREA) == "Energie"
    assert _cell(model, 0, Column.DUE) == "30.06.2026"
    assert _cell(model, 0, Column.STATUS) == _("in progress")
    assert _cell(model, 0, Column.EVIDENCE) == "2"
    assert _cell(model, 0, Column.INVESTMENT, Qt.ItemDataRole.EditRole) == Decimal("12000")


def test_without_yearly_savings_there_is_no_payback() -> None:
    model = MeasuresModel()
    model.set_measures([_measure(investment_eur=Decimal("5000"))])
    assert _cell(model, 0, Column.PAYBACK) == "–"
    assert _cell(model, 0, Column.PAYBACK, SortRole) == float("inf")


def test_without_investment_the_payback_is_at_once_not_zero_years() -> None:
    model = MeasuresModel()
    model.set_measures([_measure(investment_eur=Decimal("0"), savings_eur_per_year=Decimal("1900"))])
    assert _cell(model, 0, Column.PAYBACK) == _("at once")
    assert _cell(model, 0, Column.PAYBACK, SortRole) == 0.0
    assert _cell(model, 0, Column.PAYBACK, Qt.ItemDataRole.ToolTipRole) == \
        _("No investment: the savings count from the start.")


def test_a_derived_co2_saving_is_shown_in_italics_and_says_how() -> None:
    from oekoaudit.domain.co2 import Factor

    factor = Factor("electricity_grid", Decimal("0.363"), "kg CO2/kWh", 2, "UBA", year=2024)
    saving = Co2Saving(Decimal("6.7155"), Co2Origin.DERIVED, factor, Decimal("18500"))
    model = MeasuresModel()
    model.set_measures([_measure(savings_kwh_per_year=Decimal("18500"), energy_carrier="electricity_grid")],
                       co2={"m1": saving})
    assert _cell(model, 0, Column.SAVINGS_CO2) == "6,72"
    assert _cell(model, 0, Column.SAVINGS_CO2, Qt.ItemDataRole.FontRole).italic()
    tooltip = _cell(model, 0, Column.SAVINGS_CO2, Qt.ItemDataRole.ToolTipRole)
    assert "18.500 kWh" in tooltip and "0,363" in tooltip and "UBA" in tooltip
    # a value the user gave wins and is not in italics
    model.set_measures([_measure(savings_kwh_per_year=Decimal("18500"), savings_t_co2_per_year=Decimal("7"))],
                       co2={"m1": Co2Saving(Decimal("7"), Co2Origin.GIVEN)})
    assert _cell(model, 0, Column.SAVINGS_CO2) == "7"
    assert _cell(model, 0, Column.SAVINGS_CO2, Qt.ItemDataRole.FontRole) is None


def test_an_edit_is_handed_on_and_shown_at_once() -> None:
    model = MeasuresModel()
    model.set_measures([_measure(investment_eur=Decimal("100"))])
    edits: list[tuple[Any, ...]] = []
    model.edit_requested.connect(lambda *args: edits.append(args))
    index = model.index(0, model.column_of(Column.INVESTMENT))
    assert not model.setData(index, "200")  # not editable until the view says so
    model.set_editable(True)
    assert model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, model.column_of(Column.PAYBACK))) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(index, "1.250,50")
    measure, field, new, old = edits[-1]
    assert (measure.id, field, new, old) == ("m1", "investment_eur", Decimal("1250.50"), Decimal("100"))
    assert _cell(model, 0, Column.INVESTMENT) == "1.251"
    assert model.setData(model.index(0, model.column_of(Column.DUE)), "31.12.26")
    assert edits[-1][1:3] == ("due_date", date(2026, 12, 31))
    assert model.setData(model.index(0, model.column_of(Column.STATUS)), MeasureStatus.DONE)
    assert edits[-1][1:3] == ("status", MeasureStatus.DONE)


def test_what_is_not_a_number_or_a_date_is_refused_naming_the_column() -> None:
    model = MeasuresModel()
    model.set_measures([_measure()])
    model.set_editable(True)
    refused: list[str] = []
    edits: list[Any] = []
    model.input_refused.connect(refused.append)
    model.edit_requested.connect(lambda *args: edits.append(args))
    assert not model.setData(model.index(0, model.column_of(Column.INVESTMENT)), "zwölf")
    assert not model.setData(model.index(0, model.column_of(Column.INVESTMENT)), "-5")
    assert not model.setData(model.index(0, model.column_of(Column.DUE)), "morgen")
    assert not model.setData(model.index(0, model.column_of(Column.TITLE)), "   ")
    assert not edits
    assert refused[0].startswith(_("Investment €") + ":") and "zwölf" in refused[0]
    assert refused[2].startswith(_("Due") + ":")
    # yearly savings may be negative (a heat pump uses more electricity)
    assert model.setData(model.index(0, model.column_of(Column.SAVINGS_KWH)), "-2000")


def test_dates_are_read_as_people_write_them() -> None:
    assert parse_date("1.2.2026") == date(2026, 2, 1)
    assert parse_date("2026-02-01") == date(2026, 2, 1)
    assert parse_date("") is None
    with pytest.raises(ValueError):
        parse_date("Februar")
    with pytest.raises(ValueError):
        parse_date("31.02.2026")


def test_rows_are_ordered_open_first_by_priority_and_due_date() -> None:
    model = MeasuresModel()
    model.set_measures([_measure(id="a", title="a", status=MeasureStatus.DONE),
                        _measure(id="b", title="b", priority=2, due_date=date(2026, 1, 1)),
                        _measure(id="c", title="c", priority=1, due_date=date(2026, 9, 1)),
                        _measure(id="d", title="d", status=MeasureStatus.DROPPED)])
    assert [model.index(r, 0).data(ObjectRole).id for r in range(4)] == ["c", "b", "a", "d"]
    assert model.row_of("a") == 2 and model.measure("zz") is None
    assert QModelIndex().isValid() is False


# ---- the tab in the window ---------------------------------------------------------------------


@pytest.fixture
def figures_demo(services):  # type: ignore[no-untyped-def]
    """The demo with its three years of figures and its environmental programme."""
    from oekoaudit.services.demo import create_demo

    return create_demo(services.organisations, services.audits, indicators=services.indicators,
                       measures=services.measures)


@pytest.fixture
def window(make_window, figures_demo):  # type: ignore[no-untyped-def]
    window = make_window()
    assert window.open_audit(figures_demo.audit_id, "programme")
    return window


def _view(window):  # type: ignore[no-untyped-def]
    return window.workspace.programme


def _titles(view) -> list[str]:  # type: ignore[no-untyped-def]
    return [view.proxy.index(r, 0).data(ObjectRole).title for r in range(view.proxy.rowCount())]


def _proxy_index(view, title: str, column: Column):  # type: ignore[no-untyped-def]
    row = _titles(view).index(title)
    return view.proxy.index(row, view.model.column_of(column))


def _done(window) -> None:  # type: ignore[no-untyped-def]
    window.worker.flush()
    window.worker.flush()


def test_the_tab_shows_the_audit_s_programme_with_totals(window, figures_demo, services) -> None:  # type: ignore[no-untyped-def]
    view = _view(window)
    assert window.workspace.current_view() == "programme"
    mine = [m for m in figures_demo.measures if m.audit_id == figures_demo.audit_id]
    assert sorted(_titles(view)) == sorted(m.title for m in mine)
    # totals of what is shown, dropped measures left out: as the service adds them up
    programme = services.measures.programme(figures_demo.audit_id)
    shown = view.totals_label.text()
    from oekoaudit.ui.numbers import format_decimal

    assert format_decimal(programme.total.investment_eur, 0) + " €" in shown.replace("&nbsp;", " ")
    assert view.totals_table.item(view.totals_table.rowCount() - 1, 0).text() == _("Total")
    # the whole organisation: last year's audit's measures too (each once)
    view.scope_check.setChecked(True)
    assert len(_titles(view)) == len(services.measures.list(figures_demo.organisation_id))


def test_filters_by_area_status_and_year(window, figures_demo) -> None:  # type: ignore[no-untyped-def]
    view = _view(window)
    total = len(_titles(view))
    view.set_filters(area="energy")
    assert _titles(view) and all(view.proxy.index(r, 0).data(ObjectRole).area == "energy"
                                 for r in range(view.proxy.rowCount()))
    view.set_filters(status="in_progress")
    assert all(view.proxy.index(r, 0).data(ObjectRole).status is MeasureStatus.IN_PROGRESS
               for r in range(view.proxy.rowCount()))
    view.set_filters(year=1990)  # not offered: all years
    assert len(_titles(view)) == total
    view.set_filters(area="no-such-area")
    assert len(_titles(view)) == total
    view.set_filters(status="dropped")
    assert _titles(view) == ["Zwei Dienstwagen auf Elektroantrieb umstellen"]
    assert str(1) in view.shown_label.text()


def test_a_cell_edit_is_saved_and_undone(window, figures_demo, services) -> None:  # type: ignore[no-untyped-def]
    view = _view(window)
    title = "LED-Beleuchtung in Halle 1"
    measure = next(m for m in figures_demo.measures if m.title == title)
    index = _proxy_index(view, title, Column.INVESTMENT)
    assert index.flags() & Qt.ItemFlag.ItemIsEditable
    assert view.proxy.setData(index, "10.250")
    _done(window)
    assert services.measures.get(measure.id).investment_eur == Decimal("10250")
    assert _proxy_index(view, title, Column.INVESTMENT).data() == "10.250"
    window.undo.group.undo()
    _done(window)
    assert services.measures.get(measure.id).investment_eur == Decimal("9500")
    assert _proxy_index(view, title, Column.INVESTMENT).data() == "9.500"
    # the status through the delegate's combo (what a double-click opens)
    from PySide6.QtWidgets import QComboBox, QStyleOptionViewItem

    status = _proxy_index(view, title, Column.STATUS)
    editor = view.delegate.createEditor(view.table.viewport(), QStyleOptionViewItem(), status)
    assert isinstance(editor, QComboBox) and editor.count() == 4
    view.delegate.setEditorData(editor, status)
    assert editor.currentData() == MeasureStatus.PLANNED
    editor.setCurrentIndex(editor.findData(MeasureStatus.DONE))
    view.delegate.setModelData(editor, view.proxy, status)
    _done(window)
    stored = services.measures.get(measure.id)
    assert stored.status is MeasureStatus.DONE and stored.completed_on == date.today()


def test_text_that_is_not_a_number_is_refused_and_nothing_written(window, figures_demo, services,  # type: ignore[no-untyped-def]
                                                                   prompts) -> None:
    view = _view(window)
    title = "LED-Beleuchtung in Halle 1"
    assert not view.proxy.setData(_proxy_index(view, title, Column.INVESTMENT), "viel")
    _done(window)
    assert prompts.of("warning") and "viel" in prompts.of("warning")[0]
    assert services.measures.list(figures_demo.organisation_id, figures_demo.audit_id)
    assert next(m for m in services.measures.list(figures_demo.organisation_id)
                if m.title == title).investment_eur == Decimal("9500")


def test_a_new_measure_from_the_dialog_and_its_undo(window, figures_demo, services) -> None:  # type: ignore[no-untyped-def]
    view = _view(window)
    before = len(services.measures.list(figures_demo.organisation_id, figures_demo.audit_id))
    dialog = view.new_measure()
    assert dialog is not None and not dialog.save_button.isEnabled()  # no title yet
    dialog.title_edit.setText("Wärmerückgewinnung Kompressor")
    dialog.number_edits["investment_eur"].setText("6.000")
    dialog.number_edits["savings_eur_per_year"].setText("1.500")
    assert dialog.payback_label.text().count("4,0") == 1
    dialog.number_edits["savings_kwh_per_year"].setText("zehn")
    assert not dialog.save_button.isEnabled() and "zehn" in dialog.number_hint.text()
    dialog.number_edits["savings_kwh_per_year"].setText("12000")
    dialog.carrier_combo.setCurrentIndex(dialog.carrier_combo.findData("natural_gas"))
    dialog.area_combo.setCurrentIndex(dialog.area_combo.findData("energy"))
    major = next(f for f in figures_demo.findings if f.item_key == "8.1")
    for row in range(dialog.findings_list.count()):
        item = dialog.findings_list.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == major.id:
            item.setCheckState(Qt.CheckState.Checked)
    dialog.save()
    _done(window)
    stored = [m for m in services.measures.list(figures_demo.organisation_id, figures_demo.audit_id)
              if m.title == "Wärmerückgewinnung Kompressor"]
    assert len(stored) == 1
    measure = stored[0]
    assert (measure.investment_eur, measure.energy_carrier, measure.area, measure.finding_ids) == (
        Decimal("6000"), "natural_gas", "energy", (major.id,))
    assert "Wärmerückgewinnung Kompressor" in _titles(view)
    # the CO2 saving is derived from the gas saved, in italics
    index = _proxy_index(view, "Wärmerückgewinnung Kompressor", Column.SAVINGS_CO2)
    assert index.data() and index.data(Qt.ItemDataRole.FontRole).italic()
    window.undo.group.undo()
    _done(window)
    assert len(services.measures.list(figures_demo.organisation_id, figures_demo.audit_id)) == before
    assert "Wärmerückgewinnung Kompressor" not in _titles(view)
    window.undo.group.redo()
    _done(window)
    assert "Wärmerückgewinnung Kompressor" in _titles(view)


def test_editing_in_the_dialog_changes_only_what_changed(window, figures_demo, services) -> None:  # type: ignore[no-untyped-def]
    view = _view(window)
    title = "Druckluftleckagen beseitigen"
    assert view.select_measure(next(m.id for m in figures_demo.measures if m.title == title))
    dialog = view.edit_measure(view.current_measure())
    assert dialog.title_edit.text() == title and dialog.number_edits["investment_eur"].text() == "1200"
    dialog.owner_edit.setText("M. Weber")
    dialog.due_edit.set_value(date(2027, 3, 31))
    assert dialog.changed_values()[1] == {"owner": "M. Weber", "due_date": date(2027, 3, 31)}
    dialog.save()
    _done(window)
    measure = next(m for m in services.measures.list(figures_demo.organisation_id) if m.title == title)
    assert (measure.owner, measure.due_date, measure.investment_eur) == ("M. Weber", date(2027, 3, 31),
                                                                         Decimal("1200"))
    window.undo.group.undo()
    _done(window)
    measure = services.measures.get(measure.id)
    assert (measure.owner, measure.due_date) == ("", None)


def test_delete_asks_and_undo_brings_the_measure_back(window, figures_demo, services, prompts) -> None:  # type: ignore[no-untyped-def]
    view = _view(window)
    title = "Regenwasser für die Gleitschleifanlage nutzen"
    measure = next(m for m in figures_demo.measures if m.title == title)
    assert view.select_measure(measure.id)
    view.delete_current()
    _done(window)
    assert prompts.of("confirm") and title in prompts.of("confirm")[0]
    assert title not in _titles(view)
    window.undo.group.undo()
    _done(window)
    assert title in _titles(view) and services.measures.get(measure.id).title == title


def test_files_dropped_onto_a_measure_are_linked_to_it(qtbot, window, figures_demo, services,  # type: ignore[no-untyped-def]
                                                       tmp_path) -> None:
    from evidence_support import drop_files, settle, write_photos

    from oekoaudit.domain.evidence import Target

    window.workspace.evidence_ui.importer.workers = 0
    view = _view(window)
    title = "Auffangwannen für IBC beschaffen und Betriebsanweisung erstellen"
    measure = next(m for m in figures_demo.measures if m.title == title)
    rect = view.table.visualRect(_proxy_index(view, title, Column.TITLE))
    assert drop_files(view.table.viewport(), write_photos(tmp_path / "m", 2), rect.center())
    settle(qtbot, window)
    assert len(services.evidence.list(figures_demo.audit_id, Target.measure(measure.id))) == 2
    # the evidence column appears with the count; the dialog shows the pictures
    assert not view.table.isColumnHidden(int(Column.EVIDENCE))
    assert _proxy_index(view, title, Column.EVIDENCE).data() == "2"
    dialog = view.edit_measure(measure)
    assert dialog.evidence_strip.isVisible() and len(dialog.evidence_strip.rows) == 2
    dialog.reject()


def test_the_award_rules_that_count_measures_say_met_or_not(make_window, services) -> None:  # type: ignore[no-untyped-def]
    organisation = services.organisations.create("Bäckerei Korn")
    audit = services.audits.create(organisation.id, "oekoprofit-2026", kind="internal", title="ÖKOPROFIT 2026")
    window = make_window()
    assert window.open_audit(audit.id, "programme")
    view = _view(window)
    assert view.award_label.isVisible() and view.summary.isVisible()
    assert _("not met") in view.award_label.text()
    for n in range(4):
        services.measures.create(organisation.id, f"Maßnahme {n}", audit_id=audit.id,
                                 status="done" if n < 2 else "planned")
    view.refresh()
    checks = services.reuse.award_for(services.audits.detail(audit.id)).checks
    counted = [c for c in checks if c.rule.value.startswith("measures")]
    assert counted and view.award_label.text().count("✓") == sum(c.passed for c in counted)


def test_a_closed_audit_takes_no_new_measures_but_its_measures_are_followed_up(make_window, figures_demo,  # type: ignore[no-untyped-def]
                                                                               services) -> None:
    window = make_window()
    assert window.open_audit(figures_demo.previous_audit_id, "programme")
    view = _view(window)
    assert view.closed and not view.new_button.isEnabled()
    assert view.new_measure() is None
    assert not window.action_import_measures.isEnabled()
    title = next(m.title for m in figures_demo.measures if m.audit_id == figures_demo.previous_audit_id)
    index = _proxy_index(view, title, Column.OWNER)
    assert index.flags() & Qt.ItemFlag.ItemIsEditable
    assert view.select_measure(index.data(ObjectRole).id) and not view.delete_button.isEnabled()


def test_measures_import_and_export_from_the_file_menu(qtbot, window, figures_demo, services, tmp_path,  # type: ignore[no-untyped-def]
                                                       prompts) -> None:
    view = _view(window)
    path = tmp_path / "programm.xlsx"
    assert window.export_measures(str(path))
    window.tasks.wait()
    assert path.is_file() and str(path) in window.statusBar().currentMessage()
    csv = tmp_path / "neu.csv"
    csv.write_text("Maßnahme;Bereich;Investition;Einsparung €/a\nSolarthermie Waschplatz;Energie;8000;900\n",
                   encoding="utf-8")
    assert window.import_measures(str(csv))
    window.tasks.wait()
    _done(window)
    assert "Solarthermie Waschplatz" in _titles(view)
    assert prompts.of("information")
    # a bad cell: nothing imported, the problem named with its row and column
    bad = tmp_path / "falsch.csv"
    bad.write_text("Maßnahme;Investition\nNeue Pumpe;viel\n", encoding="utf-8")
    assert window.import_measures(str(bad))
    window.tasks.wait()
    _done(window)
    assert "Neue Pumpe" not in _titles(view)
    assert prompts.of("error") and "viel" in prompts.of("error")[-1]


def test_the_parser_and_the_screenshot_offer_the_new_views() -> None:
    from oekoaudit.ui.app import SCREENSHOT_VIEWS

    assert {"programme", "indicators"} <= set(SCREENSHOT_VIEWS)
