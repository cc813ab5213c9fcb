"""The composition root's helper: open a data folder and build every service once."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from oekoaudit import paths
from oekoaudit.services.audits import AuditService, OrganisationService
from oekoaudit.services.catalogue import CatalogueService
from oekoaudit.services.evidence import EvidenceService
from oekoaudit.services.indicators import IndicatorService
from oekoaudit.services.measures import MeasureService
from oekoaudit.services.packages import PackageService
from oekoaudit.services.reports import ReportService
from oekoaudit.services.reuse import Mappings, ReuseService
from oekoaudit.services.settings import load_settings
from oekoaudit.storage.backup import list_backups
from oekoaudit.storage.store import Store


@dataclass(frozen=True, slots=True)
class StoreInfo:
    data_dir: Path
    database: Path
    backups_dir: Path
    backup_count: int
    device_id: str
    recovered_from_crash: bool
    migrated: bool


@dataclass
class Services:
    data_dir: Path
    catalogues: CatalogueService
    organisations: OrganisationService
    audits: AuditService
    measures: MeasureService
    indicators: IndicatorService
    reuse: ReuseService
    evidence: EvidenceService
    reports: ReportService
    packages: PackageService
    _store: Store = field(repr=False)

    def info(self) -> StoreInfo:
        s = self._store
        return StoreInfo(data_dir=s.data_dir, database=s.db_path, backups_dir=s.backups_dir,
                         backup_count=len(list_backups(s.backups_dir)), device_id=s.device_id,
                         recovered_from_crash=s.recovered_from_crash, migrated=s.migrated)

    def backup(self, reason: str = "manual") -> Path | None:
        return self._store.backup(reason)

    def integrity_problems(self) -> list[str]:
        return self._store.integrity_check()

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_services(data_dir: Path | str | None = None, catalogue_folders: tuple[Path, ...] = ()) -> Services:
    """Open (create, migrate) the data folder and build the services; raises StoreError."""
    folder = paths.resolve_data_dir(data_dir)
    store = Store.open(folder)
    catalogues = CatalogueService(catalogue_folders, user_dir=paths.user_catalogues_dir(folder))
    mappings = Mappings(catalogues)
    audits = AuditService(store, catalogues, mappings)
    indicators = IndicatorService(store, audits)
    measures = MeasureService(store, audits, indicators)
    organisations = OrganisationService(store)
    reuse = ReuseService(audits, catalogues, mappings, measures)
    evidence = EvidenceService(store, audits, user_name(folder))
    reports = ReportService(folder, organisations, audits, evidence, measures, indicators, reuse, catalogues)
    return Services(
        data_dir=folder,
        catalogues=catalogues,
        organisations=organisations,
        audits=audits,
        measures=measures,
        indicators=indicators,
        reuse=reuse,
        evidence=evidence,
        reports=reports,
        packages=PackageService(store, audits, reports, user_name(folder)),
        _store=store,
    )


def user_name(data_dir: Path) -> Callable[[], str]:
    """Who is working: the auditor's name from the settings (read when asked, so a change in the
    window counts at once), else the operating system's login name."""

    def name() -> str:
        configured = " ".join(load_settings(data_dir).auditor_name.split())
        if configured:
            return configured
        try:
            return getpass.getuser()
        except (OSError, KeyError, ImportError):  # no login name (a service account, a container)
            return ""

    return name
