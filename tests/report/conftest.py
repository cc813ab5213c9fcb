"""Fixtures of the report tests: a realistic snapshot, rendering helpers and text extraction."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sample_data import make_report_data  # noqa: E402

from oekoaudit.report.data import ReportData  # noqa: E402


@pytest.fixture(scope="session")
def assets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Photos and the logo, made once per session (Pillow)."""
    return tmp_path_factory.mktemp("report-assets")


@pytest.fixture
def report_data(assets: Path) -> ReportData:
    return make_report_data(assets)


@pytest.fixture
def make_data(assets: Path) -> Callable[..., ReportData]:
    def make(**changes: Any) -> ReportData:
        return make_report_data(assets, **changes)

    return make


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory, assets: Path) -> Callable[[ReportData], bytes]:
    """render(data) → PDF bytes, cached per data (rendering is the slow part of these tests)."""
    from oekoaudit.report.render import render_pdf

    cache: dict[int, tuple[ReportData, bytes]] = {}

    def render(data: ReportData) -> bytes:
        key = hash(repr(data))
        hit = cache.get(key)
        if hit is not None and hit[0] == data:
            return hit[1]
        buffer = io.BytesIO()
        render_pdf(data, buffer)
        cache[key] = (data, buffer.getvalue())
        return buffer.getvalue()

    return render
