"""Catalogues: the shipped ones and the user's own, checking and importing files, and the snapshots audits keep."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from oekoaudit import paths
from oekoaudit.catalogue import CatalogueRegistry, check_file, checklist_from_snapshot
from oekoaudit.catalogue.importer import ImportResult, import_catalogue
from oekoaudit.catalogue.loader import mapping_problems, snapshot_bytes
from oekoaudit.domain.checklist import CatalogueInfo, Checklist
from oekoaudit.errors import N_, CatalogueProblem, NotFoundError

#: The scheme of the legal register, the catalogue of obligations added to audits of any scheme.
LEGAL_REGISTER_SCHEME = "rechtskataster"


def _info(checklist: Checklist, path: Path) -> CatalogueInfo:
    return CatalogueInfo(id=checklist.id, scheme=checklist.scheme, edition=checklist.edition,
                         status=checklist.status, title=checklist.title,
                         item_count=sum(1 for _ in checklist.items()), path=str(path))


@dataclass(frozen=True, slots=True)
class _Entry:
    signature: tuple[int, int, int]  # mtime_ns, size, inode: a replaced file is seen even within one tick
    checklist: Checklist | None
    problems: tuple[CatalogueProblem, ...]


class _UserFolder:
    """The user's catalogue folder, validated against the shipped ``forms/`` (scales, includes)."""

    def __init__(self, folder: Path, forms_dir: Path) -> None:
        self.folder = folder
        self._forms_dir = forms_dir
        self._entries: dict[Path, _Entry] = {}
        self._lock = threading.Lock()

    def entries(self) -> list[tuple[Path, _Entry]]:
        with self._lock:
            try:
                files = sorted(p for p in self.folder.glob("*.yaml") if p.is_file())
            except OSError:
                files = []
            result = []
            for path in files:
                try:
                    st = path.stat()
                except OSError:
                    continue  # removed meanwhile
                signature = (st.st_mtime_ns, st.st_size, st.st_ino)
                entry = self._entries.get(path)
                if entry is None or entry.signature != signature:
                    checklist, problems = check_file(path, self._forms_dir)
                    entry = _Entry(signature, checklist, tuple(problems))
                    self._entries[path] = entry
                result.append((path, entry))
            for gone in set(self._entries) - set(files):
                del self._entries[gone]
            return result

    def forget(self) -> None:
        with self._lock:
            self._entries.clear()


class CatalogueService:
    """The shipped catalogues (``folders``, default ``forms/``) and the user's catalogue folder.

    ``user_dir`` defaults to :func:`oekoaudit.paths.user_catalogues_dir` (the data directory from
    ``$OEKOAUDIT_DATA_DIR`` or the platform default); whoever opened a specific data directory
    passes ``paths.user_catalogues_dir(data_dir)``. User catalogues refer to the shipped answer
    scales (``answer_scale: standard``) and may include shipped catalogues.
    """

    def __init__(self, folders: tuple[Path, ...] = (), user_dir: Path | None = None) -> None:
        self._forms_dir = paths.forms_dir()
        self._shipped_folders = tuple(folders) or (self._forms_dir,)
        self._registry = CatalogueRegistry(*self._shipped_folders)
        self._user = _UserFolder(user_dir if user_dir is not None else paths.user_catalogues_dir(),
                                 self._forms_dir)
        self._snapshots: dict[str, Checklist] = {}
        self._lock = threading.Lock()
        self._import_lock = threading.Lock()

    @property
    def user_dir(self) -> Path:
        """Where imported catalogues are kept (created by the first import)."""
        return self._user.folder

    def checklists(self) -> list[Checklist]:
        """Every valid catalogue: shipped first, then the user's."""
        user = [e.checklist for _p, e in self._user.entries() if e.checklist is not None]
        return self._registry.checklists() + user

    def list(self) -> list[CatalogueInfo]:
        infos = self._registry.infos()
        infos += [_info(e.checklist, p) for p, e in self._user.entries() if e.checklist is not None]
        return sorted(infos, key=lambda i: (i.scheme, i.edition, i.id))

    def get(self, ref: str) -> Checklist:
        """By id, ``scheme:edition`` or scheme (newest published edition); shipped catalogues first."""
        checklists = self.checklists()
        wanted = ref.strip().lower()
        for c in checklists:
            if c.id == wanted or f"{c.scheme}:{c.edition}".lower() == wanted:
                return c
        candidates = [c for c in checklists if c.scheme == wanted and c.status == "published"]
        if candidates:
            return max(candidates, key=lambda c: c.edition)
        raise NotFoundError(N_("There is no catalogue {ref}. Known catalogues: {known}."),
                            ref=ref, known=", ".join(sorted({c.id for c in checklists})) or "-")

    def problems(self) -> list[CatalogueProblem]:
        """Problems of catalogue files, shipped and the user's (a broken file is left out of the list)."""
        return self._registry.problems() + [p for _path, e in self._user.entries() for p in e.problems]

    def check(self, files: list[Path]) -> list[tuple[Path, Checklist | None, list[CatalogueProblem]]]:
        """Validate files (default: every shipped catalogue), including what their mappings say
        about other catalogues (the known ones and the checked ones together): a target that
        does not exist, or an item the target does not have."""
        if not files:
            files = sorted(paths.forms_dir().glob("*.yaml"))
        results = [(f, *check_file(f, paths.forms_dir())) for f in files]
        known = {c.id: c for c in self.checklists()}
        checked = {}
        for path, checklist, _problems in results:
            if checklist is not None:
                known[checklist.id] = checklist
                checked[checklist.id] = str(path)
        extra: dict[str, list[CatalogueProblem]] = {}
        for problem in mapping_problems(list(known.values()), checked):
            if problem.file in checked.values():
                extra.setdefault(problem.file, []).append(problem)
        return [(path, checklist, [*problems, *extra.get(str(path), [])]) for path, checklist, problems in results]

    def legal_register(self) -> Checklist | None:
        """The newest legal register (Rechtskataster), the catalogue any audit can add."""
        registers = [c for c in self.checklists() if c.scheme == LEGAL_REGISTER_SCHEME]
        return max(registers, key=lambda c: (c.status == "published", c.edition)) if registers else None

    # ---- import -------------------------------------------------------------------------

    def import_file(self, path: str | Path, *, id: str | None = None,  # noqa: A002
                    title: str | Mapping[str, str] | None = None, edition: str | int | None = None,
                    scheme: str | None = None, status: str | None = None,
                    scale: str | None = None) -> CatalogueInfo:
        """Import a spreadsheet (CSV, XLSX) or a catalogue file (YAML) into the user's folder.

        See :func:`oekoaudit.catalogue.importer.import_catalogue` for the defaults and errors.
        Importing what is there already changes nothing and returns it. Safe to call from a
        worker thread; imports run one at a time.
        """
        result = self.import_result(path, id=id, title=title, edition=edition, scheme=scheme,
                                    status=status, scale=scale)
        return _info(result.checklist, result.path)

    def import_result(self, path: str | Path, **meta: object) -> ImportResult:
        """As :meth:`import_file`, with what the import did (created, replaced, unchanged)."""
        with self._import_lock:
            try:
                return import_catalogue(path, user_dir=self._user.folder, forms_dir=self._forms_dir,
                                        shipped_dirs=self._shipped_folders, **meta)  # type: ignore[arg-type]
            finally:
                self._user.forget()

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
