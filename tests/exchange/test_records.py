"""The audit document of a package: its schema file is current and covers every stored field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from oekoaudit.errors import PackageError
from oekoaudit.exchange.records import FIELDS, document_schema, parse_document
from oekoaudit.storage import sync
from tests.support.packages import AUDIT_ID, minimal_document

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "schema" / "audit-document.schema.json"


def test_the_shipped_schema_is_generated_from_the_models() -> None:
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == document_schema(), "run: python build/build_schema.py"


@pytest.mark.parametrize("table", list(sync.TABLES))
def test_every_stored_field_is_in_the_document(table: str) -> None:
    """A new column without its place in the package would silently not travel."""
    assert sorted(FIELDS[table].model_fields) == sorted(sync.field_names(table))


def test_values_are_normalised_and_nothing_is_coerced() -> None:
    doc = minimal_document()
    parsed = parse_document(json.loads(json.dumps(doc)), f"audits/{AUDIT_ID}.json")
    assert parsed["audit_id"] == AUDIT_ID
    wrong = json.loads(json.dumps(doc))
    wrong["records"]["audits"][0]["revision"] = "3"  # a number as text is not a number
    with pytest.raises(PackageError) as refused:
        parse_document(wrong, f"audits/{AUDIT_ID}.json")
    assert "revision" in refused.value.english()


def test_a_document_for_another_audit_than_its_name_is_refused() -> None:
    with pytest.raises(PackageError):
        parse_document(minimal_document(), "audits/00000000-0000-4000-8000-000000000000.json")
