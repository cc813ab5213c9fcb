"""Evidence: photos and documents of an audit, what they are linked to, and their annotations.

An evidence record points at an original kept byte for byte under its SHA-256 (the hash is the
evidence's identity). Annotations are vectors over the untouched original, in coordinates
relative to the *displayed* picture (EXIF orientation applied): ``x`` and ``y`` run from 0 to 1
across its width and height, so the same shapes fit the original, the preview and every
rendering. Nothing here touches files or pixels.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from oekoaudit.errors import N_, UserInputError

#: At most this many shapes on one picture, points in one shape, characters in a label.
MAX_SHAPES = 500
MAX_POINTS = 5_000
MAX_LABEL = 500
MAX_CAPTION = 2_000


class EvidenceKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"


class Source(StrEnum):
    """How the evidence came in."""

    FILE = "file"  # a file or folder chosen, dropped or named on the command line
    CLIPBOARD = "clipboard"
    CAMERA = "camera"


class Origin(StrEnum):
    """Whether a photo was taken during the audit visit or brought in afterwards."""

    ON_SITE = "on_site"
    IMPORTED_LATER = "imported_later"


class TargetKind(StrEnum):
    ITEM = "item"  # a checklist item of the audit (stored as a link to its answer)
    FINDING = "finding"
    MEASURE = "measure"


@dataclass(frozen=True, slots=True)
class Target:
    """What evidence is attached to: a checklist item by key, a finding or a measure by id."""

    kind: TargetKind
    ref: str

    @classmethod
    def item(cls, key: str) -> Target:
        return cls(TargetKind.ITEM, key)

    @classmethod
    def finding(cls, finding_id: str) -> Target:
        return cls(TargetKind.FINDING, finding_id)

    @classmethod
    def measure(cls, measure_id: str) -> Target:
        return cls(TargetKind.MEASURE, measure_id)


@dataclass(frozen=True, slots=True)
class GeoPoint:
    latitude: float
    longitude: float
    altitude: float | None = None

    def __post_init__(self) -> None:
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            raise ValueError("position out of range")


class ShapeKind(StrEnum):
    ARROW = "arrow"  # points: tail, head
    RECT = "rect"  # points: two opposite corners
    ELLIPSE = "ellipse"  # points: two opposite corners of its bounding box
    FREEHAND = "freehand"  # points: the stroke
    TEXT = "text"  # points: top-left of the label; text
    MARKER = "marker"  # points: centre; number
    REDACT_BLACK = "redact_black"  # points: two opposite corners; filled black, nothing kept
    REDACT_BLUR = "redact_blur"  # points: two opposite corners; coarse mosaic, then blurred

    @property
    def redacts(self) -> bool:
        return self in (ShapeKind.REDACT_BLACK, ShapeKind.REDACT_BLUR)


#: How many points each kind takes (None: two or more).
_POINTS = {ShapeKind.ARROW: 2, ShapeKind.RECT: 2, ShapeKind.ELLIPSE: 2, ShapeKind.FREEHAND: None,
           ShapeKind.TEXT: 1, ShapeKind.MARKER: 1, ShapeKind.REDACT_BLACK: 2, ShapeKind.REDACT_BLUR: 2}

DEFAULT_COLOUR = "#e53935"
#: Stroke width relative to the shorter side of the picture.
DEFAULT_WIDTH = 0.006


#: How shapes look wherever they are drawn — the editor, the viewer and every burnt-in rendering
#: use these numbers, so a label is the same size on screen and in the report. ``s`` is the
#: picture's shorter side in pixels, ``w = shape.width · s`` the stroke. The editor's look is the
#: reference: lines ``w`` wide with round caps and joins, centred on the shape's outline.
TEXT_SCALE = 0.04 / DEFAULT_WIDTH  # a label is TEXT_SCALE·w high (4 % of s at the medium width)
MARKER_SCALE = 0.032 / DEFAULT_WIDTH  # a marker's radius (3.2 % of s at the medium width)
ARROW_HEAD = 4.0  # an arrow head is ARROW_HEAD·w long (at least 6 px, at most 60 % of the arrow)
ARROW_HEAD_SPREAD = 0.55  # …and this much of its length wide on each side
ARROW_HEAD_MAX = 0.6  # of the arrow's length, at most
LABEL_PADDING = 0.3  # of the label's size, around its text (and the radius of the box's corners)
MARKER_RING = 1 / 6  # a marker's ring is this much of its radius wide (at least 1 px), centred on its edge
MARKER_DIGITS = 1.1  # a marker's number is this many times its radius high…
MARKER_DIGITS_LONG = 0.8  # …or this many when it has three digits
MOSAIC_BLOCKS = 8  # a blurred redaction keeps at most this many blocks on its longer side
MIN_PX = 6.0  # a label, a marker's radius and an arrow head are never smaller (pixels)
#: A label's box is filled with the shape's colour and its text is dark or white, whichever reads
#: better; a marker's ring is white, or grey on a white marker.
DARK_TEXT = "#202124"
LIGHT_TEXT = "#ffffff"
RING = "#ffffff"
RING_ON_WHITE = "#5f6368"

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Metrics:
    """Sizes in pixels of one shape drawn on a picture of a given size."""

    stroke: float
    text_size: float
    marker_radius: float

    @property
    def padding(self) -> float:
        """Around a label's text, and the radius of its box's corners."""
        return LABEL_PADDING * self.text_size

    @property
    def ring(self) -> float:
        """Width of a marker's ring (centred on the circle: it reaches ``ring / 2`` beyond the radius)."""
        return max(1.0, MARKER_RING * self.marker_radius)

    def number_size(self, number: str) -> float:
        """Letter size of a marker's number."""
        return self.marker_radius * (MARKER_DIGITS if len(number) < 3 else MARKER_DIGITS_LONG)

    def head_length(self, arrow_length: float) -> float:
        return min(max(MIN_PX, ARROW_HEAD * self.stroke), arrow_length * ARROW_HEAD_MAX)

    def arrow_head(self, tail: Point, tip: Point) -> tuple[Point, Point, Point] | None:
        """(base, one wing, the other wing) of the head at ``tip``, in pixels: the shaft runs from
        ``tail`` to ``base``, the head is the triangle tip–wing–wing. None if tail and tip coincide."""
        dx, dy = tip[0] - tail[0], tip[1] - tail[1]
        length = math.hypot(dx, dy)
        if length < 1e-6:
            return None
        head = self.head_length(length)
        ux, uy = dx / length, dy / length
        base = (tip[0] - ux * head, tip[1] - uy * head)
        wing = head * ARROW_HEAD_SPREAD
        return base, (base[0] - uy * wing, base[1] + ux * wing), (base[0] + uy * wing, base[1] - ux * wing)


def metrics(width: float, px_width: float, px_height: float) -> Metrics:
    """The sizes of a shape of ``width`` (relative) on a picture of ``px_width × px_height``.
    Labels and markers follow the exact width (only :data:`MIN_PX` bounds them), the stroke
    itself is at least one pixel."""
    exact = width * min(px_width, px_height)
    return Metrics(stroke=max(1.0, exact), text_size=max(MIN_PX, TEXT_SCALE * exact),
                   marker_radius=max(MIN_PX, MARKER_SCALE * exact))


def mosaic_grid(px_width: int, px_height: int) -> tuple[int, int]:
    """Columns and rows of the mosaic of a blurred area of ``px_width × px_height`` pixels: at
    most :data:`MOSAIC_BLOCKS` on the longer side, never more than there are pixels."""
    longer = max(1, px_width, px_height)
    return (max(1, min(px_width, round(MOSAIC_BLOCKS * px_width / longer))),
            max(1, min(px_height, round(MOSAIC_BLOCKS * px_height / longer))))


def _rgb(colour: str) -> tuple[int, int, int]:
    value = int(colour.lstrip("#")[:6], 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def text_colour(colour: str) -> str:
    """Dark or white, whichever reads better on ``colour`` (``#rrggbb``)."""
    r, g, b = _rgb(colour)
    return DARK_TEXT if 0.299 * r + 0.587 * g + 0.114 * b > 160 else LIGHT_TEXT


def ring_colour(colour: str) -> str:
    """The ring of a marker of ``colour``: white, or grey on a (nearly) white marker."""
    rgb = _rgb(colour)
    return RING_ON_WHITE if (max(rgb) + min(rgb)) / 2 > 240 else RING


@dataclass(frozen=True, slots=True)
class Shape:
    kind: ShapeKind
    points: tuple[tuple[float, float], ...]
    colour: str = DEFAULT_COLOUR
    width: float = DEFAULT_WIDTH
    text: str = ""
    number: int | None = None

    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of the points, relative to the picture."""
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        return min(xs), min(ys), max(xs), max(ys)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind.value, "points": [[round(x, 6), round(y, 6)] for x, y in self.points]}
        if not self.kind.redacts:
            out["colour"] = self.colour
            out["width"] = round(self.width, 6)
        if self.kind is ShapeKind.TEXT:
            out["text"] = self.text
        if self.kind is ShapeKind.MARKER:
            out["number"] = self.number
        return out


def _colour(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 7 or value[0] != "#":
        raise ValueError
    int(value[1:], 16)
    return value.lower()


def parse_shape(raw: Mapping[str, Any]) -> Shape:
    """One shape from its JSON form; raises ValueError for anything malformed."""
    if not isinstance(raw, Mapping):
        raise ValueError("not an object")
    kind = ShapeKind(raw.get("kind"))
    points_raw = raw.get("points")
    if not isinstance(points_raw, list) or not points_raw or len(points_raw) > MAX_POINTS:
        raise ValueError("points")
    points = []
    for p in points_raw:
        if not (isinstance(p, list | tuple) and len(p) == 2):
            raise ValueError("point")
        x, y = (float(v) for v in p)
        if not (math.isfinite(x) and math.isfinite(y)) or not (-0.5 <= x <= 1.5 and -0.5 <= y <= 1.5):
            raise ValueError("point out of range")
        points.append((x, y))
    wanted = _POINTS[kind]
    if (wanted is None and len(points) < 2) or (wanted is not None and len(points) != wanted):
        raise ValueError("number of points")
    width = float(raw.get("width", DEFAULT_WIDTH))
    if not (math.isfinite(width) and 0 < width <= 0.2):
        raise ValueError("width")
    text = raw.get("text", "")
    if not isinstance(text, str) or len(text) > MAX_LABEL:
        raise ValueError("text")
    number = raw.get("number")
    if kind is ShapeKind.MARKER:
        if isinstance(number, bool) or not isinstance(number, int) or not 0 < number < 1000:
            raise ValueError("number")
    else:
        number = None
    return Shape(kind=kind, points=tuple(points), colour=_colour(raw.get("colour", DEFAULT_COLOUR)),
                 width=width, text=text if kind is ShapeKind.TEXT else "", number=number)


def parse_shapes(raw: Any) -> tuple[Shape, ...]:
    """Annotations from their stored JSON form (a list of shapes); raises UserInputError."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_SHAPES:
        raise UserInputError(N_("The annotations are not valid."))
    try:
        return tuple(parse_shape(s) for s in raw)
    except (TypeError, ValueError, KeyError):
        raise UserInputError(N_("The annotations are not valid.")) from None


def shapes_json(shapes: Iterable[Shape]) -> list[dict[str, Any]]:
    return [s.to_json() for s in shapes]


def next_marker_number(shapes: Iterable[Shape]) -> int:
    return max((s.number or 0 for s in shapes if s.kind is ShapeKind.MARKER), default=0) + 1


@dataclass(frozen=True, slots=True)
class EvidenceLink:
    """One attachment of an evidence; ``label`` is for display (item key, finding statement…)."""

    target: Target
    label: str = ""


@dataclass(frozen=True, slots=True)
class Evidence:
    id: str
    audit_id: str
    sha256: str
    kind: EvidenceKind
    media_type: str
    original_name: str
    size: int
    #: pixel size as displayed (EXIF orientation applied); None for documents
    width: int | None = None
    height: int | None = None
    captured_at: datetime | None = None
    camera: str = ""
    location: GeoPoint | None = None
    #: the location is kept but left out of reports and exported copies
    hide_location: bool = False
    imported_at: datetime | None = None
    imported_by: str = ""
    source: Source = Source.FILE
    caption: str = ""
    annotations: tuple[Shape, ...] = ()
    #: place in the audit's gallery
    position: int = 0
    links: tuple[EvidenceLink, ...] = ()
    deleted: bool = False
    revision: int = 1
    #: set by the service from the audit's dates
    origin: Origin = Origin.IMPORTED_LATER

    @property
    def is_photo(self) -> bool:
        return self.kind is EvidenceKind.PHOTO

    @property
    def redacted(self) -> bool:
        return any(s.kind.redacts for s in self.annotations)

    def linked_to(self, target: Target) -> bool:
        return any(link.target == target for link in self.links)


def origin_of(source: Source, captured_at: datetime | None, imported_at: datetime | None,
              start: date | None, end: date | None) -> Origin:
    """On site: taken with the app's camera, or captured (EXIF time, else imported) within the
    audit's dates (one day either side, for travel and time zones); otherwise imported later."""
    if source is Source.CAMERA:
        return Origin.ON_SITE
    when = captured_at or (imported_at if source is Source.CLIPBOARD else None)
    if when is None or start is None:
        return Origin.IMPORTED_LATER
    last = end or start
    day = when.date()
    return Origin.ON_SITE if (start.toordinal() - 1) <= day.toordinal() <= (last.toordinal() + 1) else \
        Origin.IMPORTED_LATER


class OutcomeStatus(StrEnum):
    IMPORTED = "imported"
    DUPLICATE = "duplicate"  # the same content is already evidence of this audit
    FAILED = "failed"
    CANCELLED = "cancelled"  # not imported because the import was cancelled


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What became of one file of an import."""

    path: str
    status: OutcomeStatus
    evidence_id: str | None = None
    #: English msgid and parameters of the reason (failed), translated by the front end
    template: str = ""
    params: tuple[tuple[str, Any], ...] = ()

    def english(self) -> str:
        try:
            return self.template.format(**dict(self.params))
        except (KeyError, IndexError, ValueError):
            return self.template


@dataclass(frozen=True, slots=True)
class ImportReport:
    outcomes: tuple[FileOutcome, ...] = ()
    cancelled: bool = False

    def count(self, status: OutcomeStatus) -> int:
        return sum(1 for o in self.outcomes if o.status is status)

    @property
    def evidence_ids(self) -> tuple[str, ...]:
        return tuple(o.evidence_id for o in self.outcomes if o.evidence_id)

    @property
    def failed(self) -> tuple[FileOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status is OutcomeStatus.FAILED)


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """Reported after each file: how far the import is and what became of that file."""

    done: int
    total: int
    outcome: FileOutcome | None = None
    extra: dict[str, Any] = field(default_factory=dict)
