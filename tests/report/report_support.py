"""Helpers of the report tests: English variants of the sample, text extraction."""

from __future__ import annotations

import io
from dataclasses import replace

from oekoaudit.report.data import ReportData


def english(data: ReportData) -> ReportData:
    return replace(data, lang="en", options=replace(data.options, lang="en"))


def page_texts(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def squash(text: str) -> str:
    """Text without any white space (extraction breaks lines where the layout wrapped them)."""
    return "".join(text.split())
