"""Catalogues: the shipped ones, checking files, and the snapshots audits keep."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from oekoaudit import paths
from oekoaudit.catalogue import CatalogueRegistry, check_file, checklist_from_snapshot
from oekoaudit.catalogue.loader import snapshot_bytes
from oekoaudit.domain.checklist import CatalogueInfo, Checklist
from oekoaudit.errors import CatalogueProblem


class CatalogueService:
    def __init__(self, folders: tuple[Path, ...] = ()) -> None:
        self._registry = CatalogueRegistry(*(folders or (paths.forms_dir(),)))
        self._snapshots: dict[str, Checklist] = {}
        self._lock = threading.Lock()

    def list(self) -> list[CatalogueInfo]:
        return self._registry.infos()

    def get(self, ref: str) -> Checklist:
        """By id, ``scheme:edition`` or scheme (newest published edition)."""
        return self._registry.get(ref)

    def problems(self) -> list[CatalogueProblem]:
        """Problems of shipped catalogue files (a broken file is left out of the list)."""
        return self._registry.problems()

    def check(self, files: list[Path]) -> list[tuple[Path, Checklist | None, list[CatalogueProblem]]]:
        """Validate files (default: every shipped catalogue)."""
        if not files:
            files = sorted(paths.forms_dir().glob("*.yaml"))
        return [(f, *check_file(f, paths.forms_dir())) for f in files]

    # ---- snapshots ----------------------------------------------------------------------

    @staticmethod
    def snapshot_json(checklist: Checklist) -> str:
        return snapshot_bytes(checklist).decode("utf-8")

    def cached_snapshot(self, fingerprint: str) -> Checklist | None:
        with self._lock:
            return self._snapshots.get(fingerprint)

    def from_snapshot(self, fingerprint: str, content: str) -> Checklist:
        with self._lock:
            cached = self._snapshots.get(fingerprint)
        if cached is not None:
            return cached
        checklist = checklist_from_snapshot(json.loads(content), origin=f"snapshot {fingerprint[:12]}")
        with self._lock:
            self._snapshots[fingerprint] = checklist
        return checklist
