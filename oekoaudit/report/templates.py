"""Page templates of the report: the cover and the body pages, their header, footer and watermark.

``AuditDocTemplate`` is a ``BaseDocTemplate`` with two page templates (``cover``, ``body``). Its
``onPage`` draws the header (report title, organisation) and the footer (document id, version,
generation date, the data fingerprint); ``onPageEnd`` lays the draft watermark over the page.
``afterFlowable`` turns every :class:`Heading` into a PDF bookmark, an outline entry and, where
asked, a table-of-contents entry.

One layout pass is enough: :class:`AuditCanvas` keeps every finished page until the document is
saved, and only then writes what depends on later pages — "Seite x von y", the page numbers in
the contents and the bookmarks (whose page objects reportlab numbers as pages are written). The
contents' lines are known before the build (:func:`oekoaudit.report.builder.toc_entries`), so
their layout is final from the start; ``multiBuild`` runs a second pass only if that prediction
was wrong. All counters live on the instances (rst2pdf's module globals are the warning).
"""

from __future__ import annotations

from ast import literal_eval
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph
from reportlab.platypus.tableofcontents import TableOfContents

from oekoaudit.report import fonts
from oekoaudit.report import styles as S

COVER = "cover"
BODY = "body"


@dataclass(frozen=True, slots=True)
class Chrome:
    """The words printed around the content of every page: translated, made safe (plain text)."""

    header_left: str
    header_right: str
    #: "Dokument-ID AUD-2026-007 · Version 3 · erstellt 12.03.2026 14:05"
    footer_left: str
    #: "Prüfsumme 3f2a 9c1e 77b0 41d2" or ""
    footer_fingerprint: str
    #: "Seite {page} von {pages}" (placeholders filled per page)
    page_label: str
    #: "ENTWURF" when the audit is not closed, else ""
    watermark: str = ""


class Heading(Paragraph):
    """A heading that becomes a bookmark (``key``), an outline entry and maybe a contents line."""

    def __init__(self, markup: Any, style: Any, *, key: str = "", outline: str = "", outline_level: int | None = None,
                 toc_level: int | None = None, toc_markup: str | None = None, **kwargs: Any) -> None:
        super().__init__(markup, style, **kwargs)
        self.key = key
        self.outline_text = outline
        self.outline_level = outline_level
        self.toc_level = toc_level
        #: the line in the contents (a shortened title: a contents line must fit on a page)
        self.toc_markup = markup if toc_markup is None else toc_markup

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        """A (very long) heading split over pages: the first part carries the bookmark."""
        parts = super().split(availWidth, availHeight)
        if parts and isinstance(parts[0], Heading):
            first = parts[0]
            first.key, first.outline_text, first.outline_level = self.key, self.outline_text, self.outline_level
            first.toc_level, first.toc_markup = self.toc_level, self.toc_markup
        return parts


class OutlineMark(Flowable):
    """A zero-size flowable that becomes a bookmark and an outline entry where it lands (a finding)."""

    toc_level = None

    def __init__(self, key: str, outline: str, level: int) -> None:
        super().__init__()
        self.key = key
        self.outline_text = outline
        self.outline_level = level
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0, 0

    def draw(self) -> None:
        pass


class Contents(TableOfContents):
    """The table of contents, its page numbers drawn when the document is saved.

    Its lines are filled in before the build (page 0), so the first pass lays it out right; the
    numbers (and dot leaders) go onto the page once every heading's page is known."""

    def isSatisfied(self) -> bool:  # noqa: N802 - reportlab's name
        def lines(entries: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
            return [(level, text, key) for level, text, _page, key in entries]

        return lines(self._entries) == lines(self._lastEntries)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        size = super().wrap(availWidth, availHeight)

        def record(canvas: Canvas, kind: str, label: str) -> None:
            _page, level, key = label.split(",", 2)
            key = literal_eval(key)
            info = canvas._curr_tx_info  # noqa: SLF001 - where the entry's text ended
            x, y = canvas.absolutePosition(info["cur_x"], info["cur_y"])
            right, _ = canvas.absolutePosition(availWidth, info["cur_y"])
            style = self.getLevelStyle(int(level))
            dots = self.dotsMinLevel >= 0 and int(level) >= self.dotsMinLevel

            def draw(canv: Canvas, total: int) -> None:
                page = getattr(canv, "bookmark_pages", {}).get(key)
                if page is None:
                    return
                text = str(page)
                width = stringWidth(text, style.fontName, style.fontSize)
                canv.saveState()
                canv.setFont(style.fontName, style.fontSize)
                canv.setFillColor(style.textColor)
                canv.drawRightString(right, y, text)
                if dots:
                    dot = " . "
                    dot_w = stringWidth(dot, style.fontName, style.fontSize)
                    count = int((right - width - x - 4) / dot_w)
                    if count > 0:
                        canv.setFillColor(S.FAINT)
                        canv.drawRightString(right - width, y, dot * count)
                canv.restoreState()

            if hasattr(canvas, "later"):
                canvas.later(draw)

        self.canv.setNamedCB("drawTOCEntryEnd", record)
        return size


class Anchor(Flowable):
    """An invisible link target (a photo in the appendix that findings link to)."""

    _ZERO = (0, 0)

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self._ZERO

    def draw(self) -> None:
        left, top = self.canv.absolutePosition(0, 12)
        self.canv.bookmark_later(self.key, fit="XYZ", left=left, top=top)


class AuditCanvas(Canvas):
    """A canvas that finishes its pages when the document is saved (the NumberedCanvas recipe).

    ``later(draw)`` queues ``draw(canvas, total_pages)`` for the current page; ``bookmark_later``
    queues a bookmark (reportlab ties a bookmark to the page object being written, which only
    exists at save time here). ``bookmark_pages`` maps every bookmark key to its page number."""

    _OWN = ("_pending_pages", "bookmark_pages", "finish_page")

    def __init__(self, *args: Any, finish_page: Callable[[Canvas, int], None] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.finish_page = finish_page
        self.bookmark_pages: dict[str, int] = {}
        self._pending_pages: list[dict[str, Any]] = []
        self._page_later: list[Callable[[Canvas, int], None]] = []
        self._page_bookmarks: list[tuple[str, dict[str, Any]]] = []

    def later(self, draw: Callable[[Canvas, int], None]) -> None:
        self._page_later.append(draw)

    def bookmark_later(self, key: str, **kwargs: Any) -> None:
        self.bookmark_pages.setdefault(key, self.getPageNumber())
        self._page_bookmarks.append((key, kwargs))

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pending_pages.append({k: v for k, v in self.__dict__.items() if k not in self._OWN})
        self._page_later = []
        self._page_bookmarks = []
        self._startPage()

    def save(self) -> None:
        pages, self._pending_pages = self._pending_pages, []
        total = len(pages)
        for state in pages:
            self.__dict__.update(state)
            for key, kwargs in self._page_bookmarks:
                Canvas.bookmarkPage(self, key, **kwargs)
            for draw in self._page_later:
                draw(self, total)
            if self.finish_page is not None:
                self.finish_page(self, total)
            Canvas.showPage(self)
        Canvas.save(self)


@lru_cache(maxsize=64)
def fit_text(text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with an ellipsis so it is at most ``width`` points wide (headers, footers)."""
    text = text[: int(width / (size * 0.2)) + 1]  # no glyph is narrower than a fifth of the size
    if stringWidth(text, font, size) <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if stringWidth(text[:mid].rstrip() + "\u2026", font, size) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "\u2026"


def pdf_date(when: datetime) -> Callable[..., str]:
    """A date formatter for the PDF's CreationDate/ModDate: the report's generation time."""
    offset = when.utcoffset()
    if offset is None:
        suffix = ""
    else:
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        suffix = f"{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"
    stamp = f"D:{when:%Y%m%d%H%M%S}{suffix}"

    def formatter(*_: int) -> str:
        return stamp

    return formatter


class AuditDocTemplate(BaseDocTemplate):
    """A4 report with a ``cover`` and a ``body`` page template (STYLE.md §2.8)."""

    def __init__(self, target: Any, chrome: Chrome, *, invariant: bool = True, generated_at: datetime | None = None,
                 **info: Any) -> None:
        fonts.register()
        self.chrome = chrome
        self.generated_at = generated_at
        self.pages_built = 0
        self.pass_number = 0
        self._outline_level = -1
        self._keys: set[str] = set()
        super().__init__(
            target, pagesize=S.PAGE_SIZE, leftMargin=S.MARGIN_LEFT, rightMargin=S.MARGIN_RIGHT,
            topMargin=S.MARGIN_TOP, bottomMargin=S.MARGIN_BOTTOM, invariant=1 if invariant else 0,
            initialFontName=fonts.REGULAR, initialFontSize=S.BODY_SIZE, displayDocTitle=1, **info,
        )
        page_w, page_h = S.PAGE_SIZE
        body = Frame(S.MARGIN_LEFT, S.MARGIN_BOTTOM, S.FRAME_WIDTH, S.FRAME_HEIGHT, id="body",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        cover_top = S.COVER_BAND + 14 * S.mm
        cover = Frame(S.MARGIN_LEFT, S.MARGIN_BOTTOM, S.FRAME_WIDTH, page_h - cover_top - S.MARGIN_BOTTOM,
                      id="cover", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate(COVER, [cover], onPage=self._draw_cover_page, onPageEnd=self._draw_watermark,
                         pagesize=S.PAGE_SIZE),
            PageTemplate(BODY, [body], onPage=self._draw_body_page, onPageEnd=self._draw_watermark,
                         pagesize=S.PAGE_SIZE),
        ])

    # -- the build --------------------------------------------------------------------------------
    def handle_documentBegin(self) -> None:  # noqa: N802 - reportlab's name
        super().handle_documentBegin()
        self.pass_number += 1
        self._outline_level = -1
        self._keys = set()

    def build(self, flowables: list[Flowable], filename: Any = None, canvasmaker: Any = AuditCanvas) -> None:
        super().build(flowables, filename=filename, canvasmaker=canvasmaker)
        self.pages_built = self.page

    def _makeCanvas(self, filename: Any = None, canvasmaker: Any = AuditCanvas) -> Canvas:  # noqa: N802
        def make(*args: Any, **kwargs: Any) -> Canvas:
            return AuditCanvas(*args, finish_page=self._draw_page_number, **kwargs)

        canv = super()._makeCanvas(filename=filename, canvasmaker=make)
        if self.generated_at is not None:
            canv.setDateFormatter(pdf_date(self.generated_at))
        return canv

    # -- headings → bookmarks, outline, contents ----------------------------------------------------
    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - reportlab's name
        if isinstance(flowable, (Heading, OutlineMark)):
            key = flowable.key
            if not key or key in self._keys:  # a later part of a split heading
                return
            self._keys.add(key)
            top = self.frame._y + flowable.height + 10  # noqa: SLF001 - where the heading was drawn
            self.canv.bookmark_later(key, fit="XYZ", left=0, top=top)
            if flowable.outline_level is not None:
                level = max(0, min(flowable.outline_level, self._outline_level + 1))
                self.canv.addOutlineEntry(flowable.outline_text, key, level, closed=level >= 1)
                self._outline_level = level
            if isinstance(flowable, Heading) and flowable.toc_level is not None:
                self.notify("TOCEntry", (flowable.toc_level, flowable.toc_markup, self.page, key))

    # -- page decoration --------------------------------------------------------------------------
    _LABEL_FONT, _LABEL_SIZE = fonts.BOLD, 7.5

    def _footer_y(self) -> float:
        return S.FOOTER_RULE - 4.6 * S.mm

    def _draw_page_number(self, canv: Canvas, total: int) -> None:
        """"Seite x von y", drawn when the document is saved and y is known."""
        label = self.chrome.page_label.format(page=canv.getPageNumber(), pages=total)
        canv.saveState()
        canv.setFont(self._LABEL_FONT, self._LABEL_SIZE)
        canv.setFillColor(S.SLATE)
        canv.drawRightString(S.PAGE_SIZE[0] - S.MARGIN_RIGHT, self._footer_y(), label)
        canv.restoreState()

    def _draw_footer(self, canv: Canvas) -> None:
        chrome = self.chrome
        page_w, _ = S.PAGE_SIZE
        left, right = S.MARGIN_LEFT, page_w - S.MARGIN_RIGHT
        canv.setStrokeColor(S.RULE)
        canv.setLineWidth(S.RULE_WIDTH)
        canv.line(left, S.FOOTER_RULE, right, S.FOOTER_RULE)
        y = self._footer_y()
        widest = chrome.page_label.format(page=8888, pages=8888)
        label_w = stringWidth(widest, self._LABEL_FONT, self._LABEL_SIZE)
        canv.setFont(fonts.REGULAR, 7.2)
        canv.setFillColor(S.MUTED)
        canv.drawString(left, y, fit_text(chrome.footer_left, fonts.REGULAR, 7.2, right - left - label_w - 6 * S.mm))
        if chrome.footer_fingerprint:
            canv.setFont(fonts.REGULAR, 6.8)
            canv.setFillColor(S.FAINT)
            canv.drawString(left, y - 3.5 * S.mm, chrome.footer_fingerprint)

    def _draw_body_page(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        canv.saveState()
        page_w, page_h = S.PAGE_SIZE
        left, right = S.MARGIN_LEFT, page_w - S.MARGIN_RIGHT
        y = S.HEADER_BASELINE
        width = right - left
        canv.setFont(fonts.REGULAR, 7.5)
        canv.setFillColor(S.MUTED)
        org = fit_text(self.chrome.header_right, fonts.REGULAR, 7.5, width * 0.4)
        canv.drawRightString(right, y, org)
        title_w = width - stringWidth(org, fonts.REGULAR, 7.5) - 8 * S.mm
        canv.setFont(fonts.BOLD, 7.5)
        canv.setFillColor(S.SLATE)
        canv.drawString(left, y, fit_text(self.chrome.header_left, fonts.BOLD, 7.5, title_w))
        canv.setStrokeColor(S.ACCENT)
        canv.setLineWidth(0.8)
        canv.line(left, y - 2.6 * S.mm, right, y - 2.6 * S.mm)
        self._draw_footer(canv)
        canv.restoreState()

    def _draw_cover_page(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        canv.saveState()
        page_w, page_h = S.PAGE_SIZE
        canv.setFillColor(S.ACCENT)
        canv.rect(0, page_h - S.COVER_BAND, page_w, S.COVER_BAND, stroke=0, fill=1)
        canv.setFillColor(S.ACCENT_DARK)
        canv.rect(0, page_h - S.COVER_BAND - 1.2 * S.mm, page_w * 0.28, 1.2 * S.mm, stroke=0, fill=1)
        self._draw_footer(canv)
        canv.restoreState()

    def _draw_watermark(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        text = self.chrome.watermark
        if not text:
            return
        canv.saveState()
        page_w, page_h = S.PAGE_SIZE
        size = 96
        width = stringWidth(text, fonts.BOLD, size)
        diagonal = (page_w ** 2 + page_h ** 2) ** 0.5
        if width > diagonal * 0.7:
            size = size * diagonal * 0.7 / width
        canv.translate(page_w / 2, page_h / 2)
        canv.rotate(54.7)  # along the page's diagonal
        canv.setFillColor(S.WATERMARK)
        canv.setFillAlpha(S.WATERMARK_ALPHA)
        canv.setFont(fonts.BOLD, size)
        canv.drawCentredString(0, -size * 0.35, text)
        canv.restoreState()
