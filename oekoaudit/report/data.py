"""What the report is made of: a snapshot of one audit, prepared for printing.

The report layer is a pure function of a :class:`ReportData`: it never touches the database.
``oekoaudit.services.reports`` fills it, already in the report's language — every value that
comes from the audit is a finished string (dates, amounts with units, enum names), so the
report only lays it out. The report's own words (headings, column titles, "Seite x von y") are
translated by the report itself with ``oekoaudit.i18n`` inside ``i18n.language(data.lang)``.

Numbers are kept as numbers only where the report draws with them (the results chart).
Every string may hold anything a user typed: ``<``, ``&``, 10 000 characters, emoji, nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path


class Part(StrEnum):
    """The sections a user can switch on or off (the cover, contents and header are always there)."""

    DETAILS = "details"
    SUMMARY = "summary"
    FINDINGS = "findings"
    CHECKLIST = "checklist"
    PROGRAMME = "programme"
    INDICATORS = "indicators"
    PHOTOS = "photos"
    SIGNATURES = "signatures"


ALL_PARTS: frozenset[Part] = frozenset(Part)


class PhotoSize(StrEnum):
    """How big photos are printed: three, two or one per row in the appendix."""

    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


#: longest side in pixels of the JPEG handed to reportlab per photo size (≥ 300 dpi at print width)
PHOTO_PIXELS: dict[PhotoSize, int] = {PhotoSize.SMALL: 800, PhotoSize.MEDIUM: 1200, PhotoSize.LARGE: 1600}


@dataclass(frozen=True, slots=True)
class ReportOptions:
    lang: str = "de"
    parts: frozenset[Part] = ALL_PARTS
    #: the checklist part lists only items answered as a (major or minor) nonconformity
    only_nonconformities: bool = False
    photo_size: PhotoSize = PhotoSize.MEDIUM
    #: a PNG or JPEG printed on the cover (the consultancy's); None: the settings' logo, else none
    logo: Path | None = None

    @property
    def photos(self) -> bool:
        return Part.PHOTOS in self.parts


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    #: role or function, already translated ("Auditorin", "Technischer Experte", "Geschäftsführer")
    role: str = ""


@dataclass(frozen=True, slots=True)
class Cover:
    #: e.g. "Auditbericht" is the report's own word; this is the audit's title
    audit_title: str
    organisation: str
    site: str
    #: "EMAS III (VO 1221/2009 i. d. F. 2026/…)" — catalogue title and edition
    scheme: str
    edition: str
    audit_kind: str
    #: "12.03.2026 – 13.03.2026" or "" when not planned yet
    dates: str
    lead_auditor: str
    team: tuple[Person, ...]
    document_id: str
    #: the document's version ("3"); the audit's revision
    version: str
    #: the audit's status in words ("abgeschlossen")
    status: str
    consultancy: str = ""
    logo: Path | None = None


@dataclass(frozen=True, slots=True)
class Details:
    """Audit details after ISO 19011 6.5: objectives, scope, criteria, team, people, dates, places."""

    objectives: str
    scope: str
    criteria: str
    team: tuple[Person, ...]
    people_met: tuple[Person, ...]
    dates: str
    location: str
    #: catalogue modules added to the audit (legal register), titles
    modules: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Count:
    key: str  # stable key (a finding class or rating), for colours
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class SectionResult:
    """One top-level checklist section in the summary table and chart."""

    ref: str
    title: str
    answered: int
    total: int
    #: per rating key ("conform", "minor_nc", "major_nc", "observation", "improvement",
    #: "not_applicable", "open") → number of items; the chart stacks these
    ratings: dict[str, int]
    verdict: str  # in words
    verdict_key: str  # a ``Verdict`` value, for colour


@dataclass(frozen=True, slots=True)
class Summary:
    #: the overall conclusion in words ("konform, mit Beobachtungen")
    verdict: str
    verdict_key: str
    answered: int
    total: int
    percent: int
    finding_counts: tuple[Count, ...]
    #: labels of the rating keys used in ``SectionResult.ratings`` (legend of the chart)
    rating_labels: dict[str, str]
    sections: tuple[SectionResult, ...]
    #: open corrective actions / overdue ones
    open_actions: int = 0
    overdue_actions: int = 0
    #: the QuB / ÖKOPROFIT award checks, each (text, met)
    award_checks: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True, slots=True)
class PhotoRef:
    """A photo printed in the appendix, referred to by its number ("Foto 7")."""

    number: int
    caption: str


@dataclass(frozen=True, slots=True)
class FindingEntry:
    number: str  # "F-3": numbered in report order
    class_key: str  # a ``FindingClass`` value
    class_label: str
    requirement_ref: str
    item: str  # "6.1.2 Umweltaspekte" or ""
    statement: str
    objective_evidence: str
    correction: str
    root_cause: str
    corrective_action: str
    owner: str
    due_date: str
    status: str
    photos: tuple[PhotoRef, ...] = ()


@dataclass(frozen=True, slots=True)
class ChecklistRow:
    ref: str
    title: str
    result: str  # the answer option's label, "" when open
    rating_key: str  # a ``Rating`` value
    note: str
    photos: tuple[PhotoRef, ...] = ()


@dataclass(frozen=True, slots=True)
class ChecklistSection:
    ref: str
    title: str
    level: int  # 1 for top-level sections
    rows: tuple[ChecklistRow, ...]


@dataclass(frozen=True, slots=True)
class MeasureRow:
    """A row of the programme table; every amount already formatted with its unit or "–"."""

    number: str
    title: str
    area: str
    owner: str
    due_date: str
    status: str
    investment: str
    savings_eur: str
    savings_kwh: str
    savings_m3: str
    savings_t: str
    savings_t_co2: str
    payback: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Programme:
    rows: tuple[MeasureRow, ...]
    total: MeasureRow  # number "", title "Summe"/"Total" filled by the service
    #: per area: (area label, totals row)
    by_area: tuple[MeasureRow, ...] = ()
    #: the emission factors CO2 savings were derived with ("UBA 2024 Strommix, 380 g/kWh")
    factor_note: str = ""
    award_checks: tuple[tuple[str, bool], ...] = ()


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One EMAS core indicator: label, unit of A, and per year A, B and R (formatted)."""

    label: str
    unit: str
    values: tuple[tuple[str, str, str], ...]  # per year of ``Indicators.years``: (A, B, R)


@dataclass(frozen=True, slots=True)
class BalanceRow:
    scope: str  # "Scope 1"
    source: str  # "Erdgas"
    amount: str  # "120 000 kWh"
    factor: str  # "0,201 kg CO₂e/kWh (UBA 2024)"
    t_co2e: str  # "24,1 t"


@dataclass(frozen=True, slots=True)
class Indicators:
    years: tuple[str, ...]
    reference_label: str  # figure B, e.g. "Beschäftigte (Vollzeit)"
    reference_justification: str
    core: tuple[IndicatorRow, ...]
    balance_year: str
    balance: tuple[BalanceRow, ...]
    balance_total: str
    #: per scope in words: ("Scope 1", "24,1 t")
    balance_by_scope: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()  # missing factors, omitted indicators with justification


@dataclass(frozen=True, slots=True)
class Photo:
    number: int
    #: a JPEG, upright, annotations and redactions burnt in, no metadata — handed to reportlab by
    #: path so its bytes pass through unchanged
    path: Path
    width_px: int
    height_px: int
    caption: str
    #: where it belongs: "6.1.2 Umweltaspekte; F-3"
    refers_to: str
    #: "12.03.2026 10:14, vor Ort aufgenommen"
    taken: str
    #: "48,1374° N, 11,5755° O" or "" when hidden or unknown
    location: str = ""


@dataclass(frozen=True, slots=True)
class SignatureEntry:
    name: str
    role: str
    date: str
    place: str
    #: a drawn signature (PNG), None for a typed one
    image_png: bytes | None = None


@dataclass(frozen=True, slots=True)
class ReportData:
    lang: str
    options: ReportOptions
    #: the report's title line in the header ("Auditbericht – Umweltbetriebsprüfung 2026")
    title: str
    organisation: str
    document_id: str
    version: str
    generated_at: datetime
    #: "12.03.2026 14:05" — the generation date as printed in the footer
    generated: str
    #: the audit data's fingerprint (SHA-256, hex); the footer prints a grouped prefix of it
    fingerprint: str
    #: an "ENTWURF / DRAFT" watermark on every page until the audit is closed
    draft: bool
    cover: Cover
    details: Details
    summary: Summary
    findings: tuple[FindingEntry, ...]
    checklist: tuple[ChecklistSection, ...]
    programme: Programme | None
    indicators: Indicators | None
    photos: tuple[Photo, ...]
    signatures: tuple[SignatureEntry, ...]
    distribution: tuple[Person, ...] = ()
    #: PDF metadata
    author: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()


def fingerprint_groups(fingerprint: str, groups: int = 4) -> str:
    """"3f2a 9c1e 77b0 41d2": the first ``groups`` blocks of four of a hex fingerprint."""
    value = "".join(ch for ch in fingerprint.lower() if ch in "0123456789abcdef")
    return " ".join(value[i:i + 4] for i in range(0, min(len(value), 4 * groups), 4))


class ReportCancelled(Exception):
    """Raised out of :func:`render_pdf` when the caller's ``cancelled()`` turned true."""


#: progress(done, total, what) — called from the thread that renders
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class RenderResult:
    pages: int
    #: bytes written
    size: int
    extra: dict[str, object] = field(default_factory=dict)
