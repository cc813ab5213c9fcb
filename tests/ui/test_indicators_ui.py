"""The figures tab („Kennzahlen“): the figures of a site per category and year, entered in place
with their unit, plausibility warnings, the trend chart, a new waste row, the EMAS core indicators
with figure B, the CO2 balance with the audit's factors, import and export from the File menu."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from PySide6.QtCore import Qt

from oekoaudit.domain.indicators import Category, IndicatorValue
from oekoaudit.i18n import _
from oekoaudit.ui.models.indicators_model import (
    CoreIndicatorsModel,
    FigureRow,
    FiguresModel,
    WarningRole,
    build_rows,
    format_ratio,
    unit_label,
)
from oekoaudit.ui.views.indicators_view import FigureDelegate, ValueEditor


def _value(year: int, quantity: str, value: str, unit: str, **details: Any) -> IndicatorValue:
    return IndicatorValue(id=f"{quantity}{year}", site_id="s1", year=year, quantity=quantity, value=Decimal(value),
                          unit=unit, details=details)


# ---- the models ---------------------------------------------------------------------------------


def test_a_category_shows_every_quantity_and_the_values_as_entered(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    values = [_value(2024, "natural_gas", "24100", "m³", ), _value(2025, "natural_gas", "228500", "kWh"),
              _value(2025, "electricity_grid", "171.2", "MWh"), _value(2025, "water_mains", "900", "m³"),
              IndicatorValue("x", "other-site", 2025, "electricity_grid", Decimal(1), "kWh")]
    rows = build_rows(Category.ENERGY, values, "s1")
    model = FiguresModel()
    model.set_rows(rows, (2024, 2025))
    qtmodeltester.check(model)
    assert [r.quantity.key for r in rows][:4] == ["electricity_grid", "electricity_green_share",
                                                  "electricity_own_generation", "natural_gas"]
    gas = model.row_of("natural_gas")
    assert model.index(gas, model.column_of_year(2024)).data() == "24.100 m³"  # not the row's kWh: says so
    assert model.index(gas, model.column_of_year(2025)).data() == "228.500"
    tip = model.index(gas, model.column_of_year(2024)).data(Qt.ItemDataRole.ToolTipRole)
    assert "241.000 kWh" in tip  # 24 100 m³ × 10,0 kWh/m³
    grid = model.row_of("electricity_grid")
    assert model.index(grid, model.column_of_year(2025)).data() == "171,2 MWh"
    assert rows[grid].canonical(2025) == Decimal("171200")
    assert not any(r.quantity.key == "water_mains" for r in rows)


def test_waste_has_a_row_per_code_and_route_and_warnings_tint_the_cell() -> None:
    from oekoaudit.domain.indicators import plausibility

    values = [_value(2024, "waste", "1.6", "t", waste_code="120109", hazardous=True, route="recovery",
                     name="Emulsionen"),
              _value(2025, "waste", "16", "t", waste_code="120109", hazardous=True, route="recovery",
                     name="Emulsionen"),
              _value(2025, "waste", "12.7", "t", waste_code="120101", hazardous=False, route="recycling")]
    rows = build_rows(Category.WASTE, values, "s1", plausibility(values, 2025))
    assert [r.label for r in rows] == ["12 01 01 (Recycling)", "12 01 09* Emulsionen (Sonstige Verwertung)"]
    model = FiguresModel()
    model.set_rows(rows, (2024, 2025))
    cell = model.index(1, model.column_of_year(2025))
    assert cell.data(WarningRole) and cell.data().startswith("\u26a0")
    assert cell.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.warning_count() == 1


def test_an_edit_is_parsed_and_handed_on() -> None:
    rows = build_rows(Category.WATER, [_value(2024, "water_mains", "900", "m³")], "s1")
    model = FiguresModel()
    model.set_rows(rows, (2024, 2025))
    edits: list[tuple[Any, ...]] = []
    refused: list[str] = []
    model.edit_requested.connect(lambda *args: edits.append(args))
    model.input_refused.connect(refused.append)
    row = model.row_of("water_mains")
    cell = model.index(row, model.column_of_year(2025))
    assert not model.setData(cell, ("880", "m³"))  # read-only until the view says so
    model.set_editable(True)
    assert model.setData(cell, ("1.250,5", "l"))
    assert edits[-1][1:] == (2025, Decimal("1250.5"), "l")
    assert not model.setData(cell, ("viel", "m³")) and "viel" in refused[-1]
    assert not model.setData(cell, ("-3", "m³")) and refused[-1]
    assert model.setData(model.index(row, model.column_of_year(2024)), ("", "m³"))  # emptied: removed
    assert edits[-1][1:] == (2024, None, "m³")
    assert not model.setData(model.index(row, model.column_of_year(2024)), ("900", "m³"))  # unchanged


def test_the_cell_editor_offers_the_accepted_units(qtbot) -> None:  # type: ignore[no-untyped-def]
    rows = build_rows(Category.ENERGY, [_value(2025, "natural_gas", "22850", "m³")], "s1")
    model = FiguresModel()
    model.set_rows(rows, (2025,))
    model.set_editable(True)
    index = model.index(model.row_of("natural_gas"), model.column_of_year(2025))
    delegate = FigureDelegate()
    from PySide6.QtWidgets import QStyleOptionViewItem, QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    editor = delegate.createEditor(parent, QStyleOptionViewItem(), index)
    assert isinstance(editor, ValueEditor)
    assert [editor.unit_combo.itemData(i) for i in range(editor.unit_combo.count())][0] == "kWh"
    assert editor.unit_combo.findData("m³") >= 0
    delegate.setEditorData(editor, index)
    assert editor.value() == ("22850", "m³")
    editor.edit.setText("23.000")
    edits: list[Any] = []
    model.edit_requested.connect(lambda *args: edits.append(args))
    delegate.setModelData(editor, model, index)
    assert edits[-1][1:] == (2025, Decimal("23000"), "m³")


def test_core_indicator_lines_and_ratios() -> None:
    from oekoaudit.domain.indicators import core_indicators

    values = [_value(y, "electricity_grid", v, "kWh") for y, v in ((2024, "180000"), (2025, "170000"))]
    values += [_value(y, "employees", "40", "persons") for y in (2024, 2025)]
    model = CoreIndicatorsModel()
    model.set_table(core_indicators(values, (2024, 2025), "employees"))
    lines = model.lines
    assert lines[0].is_reference and lines[0].a == {2024: Decimal(40), 2025: Decimal(40)}
    energy = next(i for i, line in enumerate(lines) if line.key == "energy_total")
    assert model.index(energy, 2).data() == "180"  # A 2024 in MWh
    assert model.index(energy, 5).data() == "4,50"  # R 2024: 180 MWh ÷ 40
    assert model.index(energy, 4).data() == unit_label("MWh/persons") == "MWh/" + _("person")
    assert format_ratio(Decimal("0.000312")) == "0,000312"
    assert format_ratio(Decimal("11.45")) == "11,5"


# ---- the tab in the window ---------------------------------------------------------------------


@pytest.fixture
def figures_demo(services):  # type: ignore[no-untyped-def]
    from oekoaudit.services.demo import create_demo

    return create_demo(services.organisations, services.audits, indicators=services.indicators,
                       measures=services.measures)


@pytest.fixture
def window(make_window, figures_demo):  # type: ignore[no-untyped-def]
    window = make_window()
    assert window.open_audit(figures_demo.audit_id, "indicators")
    return window


def _view(window):  # type: ignore[no-untyped-def]
    return window.workspace.indicators


def _done(window) -> None:  # type: ignore[no-untyped-def]
    window.worker.flush()
    window.worker.flush()


def test_the_tab_shows_the_last_three_years_and_the_trend_of_the_row(window, figures_demo) -> None:  # type: ignore[no-untyped-def]
    view = _view(window)
    assert window.workspace.current_view() == "indicators"
    assert view.years == figures_demo.figure_years
    assert view.category is Category.ENERGY
    row = view.current_row()
    assert isinstance(row, FigureRow) and row.quantity.key == "electricity_grid"
    assert [p.year for p in view.chart.points] == list(figures_demo.figure_years)
    assert all(p.value is not None for p in view.chart.points)
    assert view.chart.title == row.label and view.chart.change_text()
    assert "Trend" in view.notes.text() or _("falling") in view.notes.text() or _("rising") in view.notes.text()
    view.set_years(figures_demo.figure_years[0] - 1, figures_demo.figure_years[-1])
    assert len(view.years) == 4 and view.model.columnCount() == FiguresModel.FIRST_YEAR + 4


def test_entering_a_figure_with_its_unit_and_undo(window, figures_demo, services) -> None:  # type: ignore[no-untyped-def]
    view = _view(window)
    view.show_category(Category.ENERGY)
    year = figures_demo.figure_years[-1]
    row = view.model.row_of("heating_oil")
    index = view.model.index(row, view.model.column_of_year(year))
    assert index.flags() & Qt.ItemFlag.ItemIsEditable
    assert view.model.setData(index, ("1.200", "l"))
    _done(window)
    stored = [v for v in services.indicators.values(figures_demo.organisation_id, year) if v.quantity == "heating_oil"]
    assert [(v.value, v.unit) for v in stored] == [(Decimal("1200"), "l")]
    assert view.model.index(view.model.row_of("heating_oil"), view.model.column_of_year(year)).data() == "1.200 l"
    window.undo.group.undo()
    _done(window)
    assert not [v for v in services.indicators.values(figures_demo.organisation_id, year)
                if v.quantity == "heating_oil"]
    window.undo.group.redo()
    _done(window)
    assert [v.value for v in services.indicators.values(figures_demo.organisation_id, year)
            if v.quantity == "heating_oil"] == [Decimal("1200")]


def test_a_change_the_service_refuses_is_shown_and_nothing_is_kept(window, figures_demo, services,  # type: ignore[no-untyped-def]
                                                                    prompts) -> None:
    view = _view(window)
    year = figures_demo.figure_years[-1]
    row = view.model.row_of("electricity_green_share")
    before = [v.value for v in services.indicators.values(figures_demo.organisation_id, year)
              if v.quantity == "electricity_green_share"]
    assert view.model.setData(view.model.index(row, view.model.column_of_year(year)), ("150", "%"))
    _done(window)
    assert prompts.of("error")  # a share above 100 %
    after = [v.value for v in services.indicators.values(figures_demo.organisation_id, year)
             if v.quantity == "electricity_green_share"]
    assert after == before


def test_a_figure_ten_times_last_year_s_is_tinted_and_counted(window, figures_demo, services) -> None:  # type: ignore[no-untyped-def]
    view = _view(window)
    year = figures_demo.figure_years[-1]
    row = view.model.row_of("electricity_grid")
    assert view.model.setData(view.model.index(row, view.model.column_of_year(year)), ("2500000", "kWh"))
    _done(window)
    cell = view.model.index(view.model.row_of("electricity_grid"), view.model.column_of_year(year))
    assert cell.data(WarningRole)
    assert "1" in view.warning_label.text()
    view.table.setCurrentIndex(cell)
    assert any(p.warning for p in view.chart.points)


def test_a_new_waste_row_from_the_dialog(window, figures_demo, services) -> None:  # type: ignore[no-untyped-def]
    view = _view(window)
    view.show_category(Category.WASTE)
    assert view.add_row_button.isVisibleTo(view)
    dialog = view.add_row()
    dialog.code_edit.setText("08 01 11*")
    dialog.name_edit.setText("Lackschlamm")
    dialog.route_combo.setCurrentIndex(dialog.route_combo.findData("disposal"))
    dialog.editor.edit.setText("0,75")
    dialog._on_accepted()
    _done(window)
    year = dialog.year_spin.value()
    stored = [v for v in services.indicators.values(figures_demo.organisation_id, year)
              if v.details.get("waste_code") == "080111"]
    assert len(stored) == 1 and stored[0].value == Decimal("0.75") and stored[0].details["hazardous"] is True
    assert any(r.label.startswith("08 01 11* Lackschlamm") for r in view.model.rows)
    # a figure of a hazardous waste is changed in place (its code carries the star)
    row = next(i for i, r in enumerate(view.model.rows) if r.label.startswith("08 01 11*"))
    assert view.model.setData(view.model.index(row, view.model.column_of_year(year)), ("0,8", "t"))
    _done(window)
    assert [v.value for v in services.indicators.values(figures_demo.organisation_id, year)
            if v.details.get("waste_code") == "080111"] == [Decimal("0.8")]
    # the whole row goes with its figures of every year, and comes back with Ctrl+Z
    view.select_figure("waste", stored[0].series[2])
    view.remove_current_row()
    _done(window)
    assert not any(r.label.startswith("08 01 11*") for r in view.model.rows)
    window.undo.group.undo()
    _done(window)
    assert any(r.label.startswith("08 01 11*") for r in view.model.rows)


def test_core_indicators_with_figure_b_and_its_justification(window, figures_demo, services) -> None:  # type: ignore[no-untyped-def]
    view = _view(window)
    view.show_page("core")
    assert view.page == "core"
    lines = view.core_model.lines
    assert lines[0].is_reference and any(line.key == "energy_total" for line in lines)
    assert view.reference_combo.currentData() == "output"
    view.reference_combo.setCurrentIndex(view.reference_combo.findData("employees"))
    view.justification_edit.setText("Dienstleistungsanteil wächst")
    view.reference_button.click()
    _done(window)
    settings = services.indicators.settings(figures_demo.organisation_id)
    assert (settings.reference.quantity, settings.reference.justification) == ("employees",
                                                                              "Dienstleistungsanteil wächst")
    assert view.core_model.lines[0].label.endswith(_("Employees")) or "Beschäftigte" in view.core_model.lines[0].label
    window.undo.group.undo()
    _done(window)
    assert services.indicators.settings(figures_demo.organisation_id).reference.quantity == "output"


def test_the_co2_balance_and_an_own_electricity_factor(window, figures_demo, services, prompts) -> None:  # type: ignore[no-untyped-def]
    view = _view(window)
    view.show_page("co2")
    year = figures_demo.figure_years[-1]
    assert view.balance_year.currentData() == year
    balance = services.indicators.co2_balance(figures_demo.organisation_id, year, figures_demo.audit_id)
    assert view.balance_table.rowCount() == len(balance.lines)
    from oekoaudit.ui.numbers import format_quantity

    assert format_quantity(balance.total) in view.balance_label.text()
    # an own factor needs its source
    view.own_factor_edit.setText("0,120")
    view.own_factor_button.click()
    assert prompts.of("warning")
    view.own_source_edit.setText("Stromkennzeichnung Stadtwerke 2025")
    view.own_factor_button.click()
    _done(window)
    choice = services.indicators.factors(figures_demo.audit_id)
    assert choice.overrides["electricity_grid"].value == Decimal("0.120")
    after = services.indicators.co2_balance(figures_demo.organisation_id, year, figures_demo.audit_id)
    assert after.total < balance.total
    assert format_quantity(after.total) in view.balance_label.text()
    window.undo.group.undo()
    _done(window)
    assert "electricity_grid" not in services.indicators.factors(figures_demo.audit_id).overrides
    # another factor set for the audit
    older = view.factor_combo.findData("de-2023")
    assert older >= 0
    view.factor_combo.setCurrentIndex(older)
    _done(window)
    assert services.indicators.factors(figures_demo.audit_id).chosen == "de-2023"


def test_figures_import_and_export_from_the_file_menu(window, figures_demo, services, tmp_path,  # type: ignore[no-untyped-def]
                                                      prompts) -> None:
    view = _view(window)
    path = tmp_path / "kennzahlen.xlsx"
    assert window.export_figures(str(path))
    window.tasks.wait()
    assert path.is_file() and str(path) in window.statusBar().currentMessage()
    year = figures_demo.figure_years[-1]
    csv = tmp_path / "neu.csv"
    csv.write_text(f"Jahr;Größe;Wert;Einheit\n{year};Heizöl;1.500;l\n", encoding="utf-8")
    assert window.import_figures(str(csv))
    window.tasks.wait()
    _done(window)
    assert [v.value for v in services.indicators.values(figures_demo.organisation_id, year)
            if v.quantity == "heating_oil"] == [Decimal("1500")]
    assert view.model.index(view.model.row_of("heating_oil"), view.model.column_of_year(year)).data() == "1.500 l"
    assert prompts.of("information")
    # a bad cell: nothing imported, the problem named with its row and column
    bad = tmp_path / "falsch.csv"
    bad.write_text(f"Jahr;Größe;Wert;Einheit\n{year};Diesel;500;l\n{year};Strom;-3;kWh\n", encoding="utf-8")
    assert window.import_figures(str(bad))
    window.tasks.wait()
    _done(window)
    assert prompts.of("error") and "3" in prompts.of("error")[-1]
    assert [v.value for v in services.indicators.values(figures_demo.organisation_id, year)
            if v.quantity == "diesel"] != [Decimal("500")]


def test_a_closed_audit_shows_the_figures_read_only(make_window, figures_demo) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    assert window.open_audit(figures_demo.previous_audit_id, "indicators")
    view = _view(window)
    index = view.model.index(0, view.model.column_of_year(view.years[-1]))
    assert not index.flags() & Qt.ItemFlag.ItemIsEditable
    view.show_page("co2")
    assert not view.factor_combo.isEnabled() and not view.own_factor_button.isEnabled()


# ---- the energy content of natural gas, and core indicators left out -------------------------------


def test_gas_in_m3_is_converted_with_the_given_energy_content() -> None:
    rows = build_rows(Category.ENERGY, [_value(2025, "natural_gas", "1000", "m³")], "s1")
    model = FiguresModel()
    model.set_rows(rows, (2025,), Decimal("11.2"))
    cell = model.index(model.row_of("natural_gas"), model.column_of_year(2025))
    assert "11.200 kWh" in cell.data(Qt.ItemDataRole.ToolTipRole)
    model.set_rows(rows, (2025,))  # not given: the default 10,0 kWh/m³
    assert "10.000 kWh" in model.index(cell.row(), cell.column()).data(Qt.ItemDataRole.ToolTipRole)


def test_an_omitted_indicator_without_figures_has_its_line_where_it_belongs() -> None:
    from oekoaudit.domain.indicators import core_indicators

    values = [_value(2025, "electricity_grid", "170000", "kWh"), _value(2025, "employees", "40", "persons"),
              _value(2025, "land_total", "1200", "m²")]
    model = CoreIndicatorsModel()
    model.set_table(core_indicators(values, (2025,), "employees"),
                    {"land_nature_off_site": "Keine Flächen außerhalb", "water_total": "Nur Sanitärwasser"})
    keys = [line.key for line in model.lines]
    assert keys.index("land_total") < keys.index("land_nature_off_site")  # no figures: a line all the same
    water = model.lines[model.row_of("water_total")]
    assert water.omitted == "Nur Sanitärwasser"
    row = model.row_of("water_total")
    assert model.index(row, CoreIndicatorsModel.A_UNIT).data() == _("left out: {justification}").format(
        justification="Nur Sanitärwasser")
    assert model.index(row, 2).data() == ""  # the figures give way to the justification
    assert model.lines[model.row_of("energy_total")].omitted is None


def _gas_tip(view, year: int) -> str:  # type: ignore[no-untyped-def]
    cell = view.model.index(view.model.row_of("natural_gas"), view.model.column_of_year(year))
    return cell.data(Qt.ItemDataRole.ToolTipRole) or ""


def test_the_calorific_value_of_gas_is_set_beside_the_energy_figures_and_undone(  # type: ignore[no-untyped-def]
        window, figures_demo, services, qtbot, prompts) -> None:
    from oekoaudit.ui.numbers import format_decimal, format_quantity

    view = _view(window)
    organisation = figures_demo.organisation_id
    year = figures_demo.figure_years[-1]
    gas = next(v for v in services.indicators.values(organisation, year) if v.quantity == "natural_gas")
    assert gas.unit == "m³"
    before = services.indicators.settings(organisation).gas_kwh_per_m3
    assert view.category is Category.ENERGY and view.gas_box.isVisibleTo(view)
    assert view.gas_edit.text() == format_decimal(before, 1)
    assert format_quantity(gas.value * before) + " kWh" in _gas_tip(view, year)
    view.select_figure("natural_gas", "", year)
    view.gas_edit.selectAll()
    qtbot.keyClicks(view.gas_edit, "11,2")
    qtbot.keyClick(view.gas_edit, Qt.Key.Key_Return)
    _done(window)
    assert services.indicators.settings(organisation).gas_kwh_per_m3 == Decimal("11.2")
    qtbot.waitUntil(lambda: view.gas_edit.text() == format_decimal(Decimal("11.2"), 1))
    shown = format_quantity(gas.value * Decimal("11.2")) + " kWh"
    assert shown in _gas_tip(view, year)
    view.select_figure("natural_gas", "", year)
    assert shown in view.notes.text()  # the row's notes say the conversion too
    assert not prompts.of("warning")
    window.undo.group.undo()
    _done(window)
    assert services.indicators.settings(organisation).gas_kwh_per_m3 == before
    qtbot.waitUntil(lambda: view.gas_edit.text() == format_decimal(before, 1))
    assert format_quantity(gas.value * before) + " kWh" in _gas_tip(view, year)
    # not a calorific value of natural gas: refused with the reason, the stored one stays
    for text in ("25", "viel"):
        view.gas_edit.setText(text)
        view.gas_edit.editingFinished.emit()
        _done(window)
        assert text in prompts.of("warning")[-1]
        assert view.gas_edit.text() == format_decimal(before, 1)
    assert services.indicators.settings(organisation).gas_kwh_per_m3 == before
    # emptied: the default again
    view.gas_edit.clear()
    view.gas_edit.editingFinished.emit()
    _done(window)
    assert services.indicators.settings(organisation).gas_kwh_per_m3 == Decimal("10.0") != before
    assert view.gas_edit.text() == format_decimal(Decimal("10"), 1)
    # the other categories do not show it
    view.show_category(Category.WATER)
    assert not view.gas_box.isVisibleTo(view)


def test_a_core_indicator_is_left_out_with_its_justification_and_taken_back(  # type: ignore[no-untyped-def]
        window, figures_demo, services, qtbot) -> None:
    view = _view(window)
    organisation = figures_demo.organisation_id
    view.show_page("core")
    # the demo leaves out the nature-oriented area off site, which has no figures: shown all the same
    demo_line = view.core_model.lines[view.core_model.row_of("land_nature_off_site")]
    assert demo_line.omitted
    assert view.select_core_indicator("materials_total")
    assert view.omit_button.isEnabled() and not view.restore_button.isEnabled()
    dialog = view.omit_indicator()
    assert dialog is not None and dialog.indicator == "materials_total"
    assert dialog.indicator_combo.findData("land_nature_off_site") < 0  # already left out
    dialog.ok_button.click()  # no justification: refused, the dialog stays
    assert dialog.error_label.isVisibleTo(dialog) and dialog.result() == 0
    assert "materials_total" not in services.indicators.settings(organisation).omitted
    reason = "Lohnfertigung: das Material stellt der Kunde bei"
    dialog.justification_edit.setPlainText(reason)
    dialog.ok_button.click()
    _done(window)
    assert services.indicators.settings(organisation).omitted["materials_total"] == reason
    row = view.core_model.row_of("materials_total")
    assert view.core_model.lines[row].omitted == reason
    assert view.core_model.index(row, 1).data() == _("left out: {justification}").format(justification=reason)
    assert view.core_table.columnSpan(row, 1) == view.core_model.columnCount() - 1
    assert view.current_core_line() is not None and view.current_core_line().key == "materials_total"
    assert view.restore_button.isEnabled()
    assert [a.text() for a in view.core_menu().actions()] == [_("Take back in")]
    window.undo.group.undo()
    _done(window)
    assert "materials_total" not in services.indicators.settings(organisation).omitted
    assert view.core_model.lines[view.core_model.row_of("materials_total")].omitted is None
    window.undo.group.redo()
    _done(window)
    assert services.indicators.settings(organisation).omitted["materials_total"] == reason
    # taken back with the button, and that too is undone
    assert view.select_core_indicator("materials_total")
    view.restore_button.click()
    _done(window)
    assert "materials_total" not in services.indicators.settings(organisation).omitted
    qtbot.waitUntil(lambda: view.core_model.lines[view.core_model.row_of("materials_total")].omitted is None)
    assert view.core_table.columnSpan(view.core_model.row_of("materials_total"), 1) == 1
    window.undo.group.undo()
    _done(window)
    assert services.indicators.settings(organisation).omitted["materials_total"] == reason


def test_a_closed_audit_changes_neither_the_gas_value_nor_the_left_out_indicators(  # type: ignore[no-untyped-def]
        make_window, figures_demo, services) -> None:
    window = make_window()
    assert window.open_audit(figures_demo.previous_audit_id, "indicators")
    view = _view(window)
    organisation = figures_demo.organisation_id
    before = services.indicators.settings(organisation)
    assert view.gas_edit.isReadOnly()
    view.gas_edit.setText("11,2")
    view.gas_edit.editingFinished.emit()
    view.set_gas_conversion(Decimal("11.2"))
    _done(window)
    assert services.indicators.settings(organisation).gas_kwh_per_m3 == before.gas_kwh_per_m3
    view.show_page("core")
    assert not view.omit_button.isEnabled() and not view.restore_button.isEnabled()
    assert view.omit_indicator() is None
    view.restore_indicator("land_nature_off_site")
    _done(window)
    assert services.indicators.settings(organisation).omitted == before.omitted
    assert window.statusBar().currentMessage() == _("The audit is closed and cannot be changed.")
