"""Checklist catalogues: ``forms/*.yaml`` loaded, validated and turned into domain objects."""

from oekoaudit.catalogue.loader import (
    CatalogueRegistry,
    check_file,
    checklist_from_snapshot,
    checklist_snapshot,
    load_catalogue,
)

__all__ = [
    "CatalogueRegistry",
    "check_file",
    "checklist_from_snapshot",
    "checklist_snapshot",
    "load_catalogue",
]
