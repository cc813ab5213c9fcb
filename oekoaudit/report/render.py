"""``render_pdf``: a :class:`ReportData` in, an A4 PDF out (reportlab platypus).

* The report's own words are translated into ``data.lang`` on this thread only.
* No ASCII85 (``rl_config.useA85 = 0`` for the build): binary streams and JPEGs stay binary,
  photos pass through byte for byte (PERFORMANCE.md §2).
* ``invariant=True`` (the default): the same data gives the same bytes (reportlab's invariant
  mode; the PDF's creation date is the report's generation time from the data).
* ``progress(done, total, what)`` is called as the work goes on, ``cancelled()`` is polled per
  flowable; when it turns true :class:`ReportCancelled` is raised and the target holds garbage.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from reportlab import rl_config

from oekoaudit import __version__, i18n
from oekoaudit.i18n import _
from oekoaudit.report import styles as S
from oekoaudit.report.builder import ReportImageError, ReportPhotoError, build_story, toc_entries
from oekoaudit.report.data import Progress, RenderResult, ReportCancelled, ReportData, fingerprint_groups
from oekoaudit.report.templates import AuditDocTemplate, Chrome
from oekoaudit.report.text import oneline

__all__ = ["ReportCancelled", "ReportImageError", "ReportPhotoError", "fingerprint_groups", "render_pdf"]

#: reportlab's configuration is process-wide: one report at a time
_lock = threading.Lock()
#: progress is reported at most every this many flowables
_PROGRESS_EVERY = 8
_PASSES = 1  # one pass (templates.AuditCanvas); multiBuild adds one only if the contents were mispredicted


def _meta(text: object) -> str:
    """A metadata string: one line, valid Unicode (emoji are fine here, no font is involved)."""
    value = str(text or "").encode("utf-8", "replace").decode("utf-8")
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())


def _chrome(data: ReportData) -> Chrome:
    doc_id = oneline(data.document_id or data.cover.document_id)
    version = oneline(data.version or data.cover.version)
    parts = []
    if doc_id:
        parts.append(_("Document ID {id}").format(id=doc_id))
    if version:
        parts.append(_("Version {version}").format(version=version))
    if data.generated.strip():
        parts.append(_("generated {date}").format(date=oneline(data.generated)))
    groups = fingerprint_groups(data.fingerprint)
    return Chrome(
        header_left=oneline(data.title or data.cover.audit_title),
        header_right=oneline(data.organisation or data.cover.organisation),
        footer_left="  \u00b7  ".join(parts),
        footer_fingerprint=_("Data fingerprint {value}").format(value=groups) if groups else "",
        page_label=_("Page {page} of {pages}"),
        watermark=_("DRAFT") if data.draft else "",
    )


def render_pdf(data: ReportData, target: Path | BinaryIO, *, invariant: bool = True,
               progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> RenderResult:
    """Write the report for ``data`` to ``target`` (a path or a binary file object)."""
    with _lock, i18n.language(data.lang):
        previous = rl_config.useA85
        rl_config.useA85 = 0
        try:
            return _render(data, target, invariant=invariant, progress=progress, cancelled=cancelled)
        finally:
            rl_config.useA85 = previous


class _Tracker:
    """Turns reportlab's progress callbacks into ``progress(done, total, what)`` and polls ``cancelled``."""

    def __init__(self, progress: Progress | None, cancelled: Callable[[], bool] | None, flowables: int) -> None:
        self.progress = progress
        self.cancelled = cancelled
        self.per_pass = max(1, flowables)
        self.total = _PASSES * self.per_pass + 2  # + preparing + writing
        self.done = 0
        self.passes = 0
        self._reported = -1

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ReportCancelled()

    def report(self, done: int, what: str, *, force: bool = False, final: bool = False) -> None:
        done = self.total if final else max(done, self.done)
        if done >= self.total and not final:
            self.total = done + 1
        self.done = done
        if self.progress is not None and done > self._reported and (force or done - self._reported >= _PROGRESS_EVERY):
            self._reported = done
            self.progress(done, self.total, what)

    def __call__(self, kind: str, value: int) -> None:
        self.check()
        if kind == "PASS":
            self.passes = value
            if value > _PASSES:  # an extra pass: make room for it
                self.total += self.per_pass
            self.report(1 + (value - 1) * self.per_pass, _("Laying out pages"), force=True)
        elif kind == "PROGRESS":
            handled = min(value, self.per_pass)
            self.report(1 + (self.passes - 1) * self.per_pass + handled, _("Laying out pages"))


def _render(data: ReportData, target: Path | BinaryIO, *, invariant: bool, progress: Progress | None,
            cancelled: Callable[[], bool] | None) -> RenderResult:
    if cancelled is not None and cancelled():
        raise ReportCancelled()
    if progress is not None:
        progress(0, 1, _("Preparing the report"))
    styles = S.build_styles()
    story = build_story(data, styles)
    tracker = _Tracker(progress, cancelled, len(story))
    tracker.check()
    tracker.report(1, _("Preparing the report"), force=True)

    keywords = [_meta(k) for k in data.keywords if _meta(k)]
    doc = AuditDocTemplate(
        str(target) if isinstance(target, (str, Path)) else target, _chrome(data), invariant=invariant,
        generated_at=data.generated_at,
        title=_meta(data.title or data.cover.audit_title), author=_meta(data.author or data.cover.lead_auditor),
        subject=_meta(data.subject or " \u2013 ".join(x for x in (data.organisation, data.cover.audit_title) if x)),
        keywords=keywords, creator=_meta(f"oekoaudit {__version__}"),
        lang="de-DE" if i18n.get_language() == "de" else "en-GB",
    )
    doc.setProgressCallBack(tracker)
    for flowable in story:  # the contents' lines are known before the first pass: lay them out right away
        if hasattr(flowable, "addEntries") and hasattr(flowable, "_lastEntries"):
            flowable.addEntries(toc_entries(story))
    doc.multiBuild(story)
    tracker.report(tracker.total, _("Writing the PDF"), force=True, final=True)
    size = _size(target)
    return RenderResult(pages=doc.pages_built, size=size, extra={"passes": doc.pass_number})


def _size(target: Path | BinaryIO) -> int:
    if isinstance(target, (str, Path)):
        return Path(target).stat().st_size
    try:
        return int(target.tell())
    except (OSError, AttributeError, ValueError):
        return 0
