#!/usr/bin/env python3
"""Write forms/schema/catalogue.schema.json from the validator's models (tests check it is current)."""

from __future__ import annotations

import json
from pathlib import Path

from oekoaudit.catalogue.schema import CatalogueModel

TARGET = Path(__file__).resolve().parent.parent / "forms" / "schema" / "catalogue.schema.json"

if __name__ == "__main__":
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(json.dumps(CatalogueModel.model_json_schema(), ensure_ascii=False, indent=2) + "\n",
                      encoding="utf-8")
    print(TARGET)
