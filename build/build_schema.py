#!/usr/bin/env python3
"""Write the JSON Schemas generated from the validators' models (tests check they are current):

* ``forms/schema/catalogue.schema.json`` — catalogue files (oekoaudit.catalogue.schema);
* ``docs/schema/audit-document.schema.json`` — the audit document of a package
  (oekoaudit.exchange.records, docs/package-format.md).
"""

from __future__ import annotations

import json
from pathlib import Path

from oekoaudit.catalogue.schema import CatalogueModel
from oekoaudit.exchange.records import document_schema

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "forms" / "schema" / "catalogue.schema.json"
DOCUMENT_TARGET = ROOT / "docs" / "schema" / "audit-document.schema.json"


def _write(target: Path, schema: dict) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(target)


if __name__ == "__main__":
    _write(TARGET, CatalogueModel.model_json_schema())
    _write(DOCUMENT_TARGET, document_schema())
