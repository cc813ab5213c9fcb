"""The trend chart: round axis steps, the change against the year before, and bars where the values are."""

from __future__ import annotations

from decimal import Decimal

import pytest

from PySide6.QtGui import QColor, QImage

from oekoaudit import i18n
from oekoaudit.i18n import _
from oekoaudit.ui.numbers import format_decimal, format_quantity, parse_decimal
from oekoaudit.ui.widgets.trend_chart import (
    LATEST_COLOUR,
    Point,
    TrendChart,
    axis_range,
    change_percent,
    nice_step,
)


@pytest.mark.parametrize(("span", "step"), [(10, 2.5), (182_400, 50_000), (0.9, 0.25), (7, 2), (1, 0.25),
                                            (400, 100)])
def test_steps_are_round(span: float, step: float) -> None:
    assert nice_step(span) == pytest.approx(step)


def test_the_axis_starts_at_zero_and_ends_on_a_step_above_the_largest_value() -> None:
    assert axis_range([182_400, 176_950, 171_200]) == pytest.approx((0, 200_000, 50_000))
    bottom, top, step = axis_range([-3, 5])
    assert bottom < -3 and top >= 5 and (top - bottom) / step == pytest.approx(round((top - bottom) / step))
    assert axis_range([0, 0]) == (0, 1, 0.25)


def test_the_change_compares_the_last_two_years_with_a_value() -> None:
    points = [Point(2023, Decimal("200")), Point(2024, Decimal("160")), Point(2025, None)]
    assert change_percent(points) == (2023, 2024, Decimal("-20"))
    assert change_percent([Point(2024, Decimal("0")), Point(2025, Decimal("5"))]) is None
    assert change_percent([Point(2025, Decimal("5"))]) is None


def test_the_chart_says_the_change_in_the_user_s_language(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = TrendChart()
    qtbot.addWidget(chart)
    chart.set_series("Strom", "kWh", [Point(2024, Decimal("1000")), Point(2025, Decimal("1042"))])
    assert chart.change_text() == _("{arrow} {change} vs. {year}").format(arrow="\u25b2", change="4,2 %", year=2024)
    assert "2025: 1.042" in chart.toolTip()
    i18n.set_language("en")
    assert chart.change_text() == "\u25b2 4.2 % vs. 2024"


def _grab(chart: TrendChart) -> QImage:
    chart.resize(360, 230)
    chart.show()
    return chart.grab().toImage()


def _has_colour(image: QImage, colour: str, x_from: int, x_to: int) -> bool:
    wanted = QColor(colour).rgb()
    return any(image.pixel(x, y) == wanted for x in range(x_from, x_to) for y in range(image.height()))


def test_the_latest_year_is_drawn_in_the_accent_colour(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = TrendChart()
    qtbot.addWidget(chart)
    chart.set_series("Wasser", "m³", [Point(2023, Decimal("900")), Point(2024, Decimal("880")),
                                      Point(2025, Decimal("905"))], lower_is_better=True)
    image = _grab(chart)
    third = image.width() // 3
    assert _has_colour(image, LATEST_COLOUR, 2 * third, image.width())  # the bar of 2025, on the right
    assert not _has_colour(image, LATEST_COLOUR, 0, third)


def test_without_values_the_chart_draws_no_bar(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart = TrendChart()
    qtbot.addWidget(chart)
    chart.set_series("Wasser", "m³", [Point(2024, None), Point(2025, None)])
    assert not _has_colour(_grab(chart), LATEST_COLOUR, 0, 360)
    chart.clear()
    assert chart.title == "" and chart.points == ()


def test_numbers_read_and_shown_as_german_users_write_them() -> None:
    assert format_decimal(Decimal("182400")) == "182.400"
    assert format_decimal(Decimal("-3.5"), 1) == "\u22123,5"
    assert format_quantity(Decimal("0.8000")) == "0,8"
    assert format_quantity(Decimal("12.345")) == "12,3"
    assert parse_decimal("1.234,5") == Decimal("1234.5")
    assert parse_decimal("1 234,5") == Decimal("1234.5")
    assert parse_decimal("1.500") == Decimal("1500")
    assert parse_decimal("0.5") == Decimal("0.5")
    assert parse_decimal("\u22123") == Decimal("-3")
    with pytest.raises(ValueError):
        parse_decimal("zwölf")
    i18n.set_language("en")
    assert format_decimal(Decimal("182400.5"), 1) == "182,400.5"
    assert parse_decimal("1,234.5") == Decimal("1234.5")
