"""Photos and documents of an audit: import, captions, links, gallery order, annotations,
renderings with the annotations burnt in, copies for export, and checking the stored originals.

An import stores each file on its own: the original (staged by the pipeline in a worker
process) is committed into ``blobs/`` inside the same write transaction as its evidence record
and link, after the record was written, so a file either lands completely or leaves nothing
behind. Evidence with the same content as evidence already in the audit is not stored again
(the same record, linked to the new target too); the same content in another audit gets a
record of its own over the same blob.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from oekoaudit.domain.audit import Audit
from oekoaudit.domain.checklist import Checklist
from oekoaudit.domain.evidence import (
    MAX_CAPTION,
    Evidence,
    EvidenceLink,
    FileOutcome,
    ImportProgress,
    ImportReport,
    OutcomeStatus,
    Shape,
    Source,
    Target,
    TargetKind,
    origin_of,
    parse_shapes,
    shapes_json,
)
from oekoaudit.errors import N_, AmbiguousError, NotFoundError, OekoauditError, UserInputError
from oekoaudit.evidence.blobs import BlobStore
from oekoaudit.evidence.imaging import jpeg_size
from oekoaudit.i18n import _, get_language
from oekoaudit.services.audits import AuditService, _is_uuid, _StoreService, find_item
from oekoaudit.storage.repositories import Repository
from oekoaudit.storage.store import Store

if TYPE_CHECKING:
    from oekoaudit.evidence.pipeline import Failed, Prepared

#: Problems :meth:`EvidenceService.verify` reports.
MISSING = "missing"
ALTERED = "altered"

#: Longest side of the preview the window and the report use.
PREVIEW_RENDER_PX = 1600
#: A report's photo may come out this much smaller than asked for when the preview's JPEG then
#: decodes at a DCT scale without resampling (a 2000 px preview at 1200 px: 1000 px, still
#: 310 dpi at the medium print width of 8.2 cm); see ``render.render_jpeg_sized``.
REPORT_SLACK = 1.25
#: How many " (n)" names export_copy tries before it gives up.
_MAX_COPIES = 10_000


@dataclass(frozen=True, slots=True)
class _Place:
    """A target checked against an audit: the domain's name for it and where links point in the store."""

    target: Target  # normalised: the item's key, the full finding or measure id
    kind: str  # stored target kind: answer | finding | measure
    record_id: str | None  # the finding or measure; for an item its answer (None: none yet)
    open_result: str = ""  # for an item: the result an answer created for a link gets


def clean_caption(text: str | None) -> str:
    """A caption on one line, runs of white space made one space; at most MAX_CAPTION characters."""
    caption = " ".join((text or "").split())
    if len(caption) > MAX_CAPTION:
        raise UserInputError(N_("The {what} is too long (at most {max} characters)."), what=_("caption"),
                             max=MAX_CAPTION)
    return caption


class EvidenceService(_StoreService):
    def __init__(self, store: Store, audits: AuditService, user_name: Callable[[], str]) -> None:
        super().__init__(store)
        self._audits = audits
        self._user_name = user_name
        #: the originals and the cache (light: Pillow is imported only by the imaging functions)
        self.blobs = BlobStore(store.blobs_dir, store.cache_dir)

    # ---- look-ups -----------------------------------------------------------------------

    def _resolve(self, evidence_ref: str) -> str:
        """The full id of evidence given its id or a unique prefix of at least 4 characters."""
        ref = evidence_ref.strip().lower()
        if _is_uuid(ref):
            return ref
        if len(ref) < 4:
            raise UserInputError(N_("An evidence id needs at least 4 characters: {ref}"), ref=evidence_ref)
        with self._store.read() as s:
            ids = self._repo(s).evidence_ids(ref)
        return _one(ids, evidence_ref, N_("There is no evidence {ref}."),
                    N_("{ref} matches {count} pieces of evidence; give more of the id."))

    def _audit(self, repo: Repository, audit_id: str) -> tuple[Audit, Checklist]:
        found = repo.audit(audit_id)
        if found is None:
            raise NotFoundError(N_("There is no audit {ref}."), ref=audit_id)
        audit, fingerprint = found
        return audit, self._audits._checklist(repo, fingerprint)

    def _writable(self, repo: Repository, audit_id: str) -> tuple[Audit, Checklist]:
        """The audit and its checklist; ReadOnlyError if it is closed (as for answers and findings)."""
        return self._audits._writable(repo, audit_id)

    def _place(self, repo: Repository, audit: Audit, checklist: Checklist, target: Target) -> _Place:
        """Check that ``target`` exists in ``audit`` (NotFoundError otherwise) and name it fully."""
        if target.kind is TargetKind.ITEM:
            item = find_item(checklist, target.ref)
            if item is None:
                raise NotFoundError(N_("The checklist {catalogue} has no item {key}."), catalogue=checklist.id,
                                    key=target.ref)
            return _Place(Target.item(item.key), "answer", repo.item_answer_id(audit.id, item.key),
                          checklist.scale.open_option.key)
        if target.kind is TargetKind.FINDING:
            finding_id = _prefixed(repo.finding_ids, target.ref, N_("A finding id needs at least 4 characters: {ref}"),
                                   N_("There is no finding {ref}."),
                                   N_("{ref} matches {count} findings; give more of the id."))
            finding = repo.finding(finding_id)
            if finding is None:
                raise NotFoundError(N_("There is no finding {ref}."), ref=target.ref)
            if finding.audit_id != audit.id:
                raise NotFoundError(N_("The finding {ref} belongs to another audit."), ref=target.ref)
            return _Place(Target.finding(finding_id), "finding", finding_id)
        measure_id = _prefixed(repo.measure_ids, target.ref, N_("A measure id needs at least 4 characters: {ref}"),
                               N_("There is no measure {ref}."),
                               N_("{ref} matches {count} measures; give more of the id."))
        measure = repo.measure(measure_id)
        if measure is None:
            raise NotFoundError(N_("There is no measure {ref}."), ref=target.ref)
        if measure.organisation_id != audit.organisation_id:
            raise NotFoundError(N_("The measure {ref} belongs to another organisation."), ref=target.ref)
        return _Place(Target.measure(measure_id), "measure", measure_id)

    @staticmethod
    def _shown(evidence: Evidence, audit: Audit, checklist: Checklist) -> Evidence:
        """Evidence as the front ends show it: its origin from the audit's dates, items labelled."""
        lang = get_language()
        links = []
        for link in evidence.links:
            if link.target.kind is TargetKind.ITEM:
                item = checklist.item(link.target.ref)
                if item is not None:
                    link = EvidenceLink(link.target, f"{item.ref} {item.title.get(lang)}")
            links.append(link)
        origin = origin_of(evidence.source, evidence.captured_at, evidence.imported_at, audit.start_date,
                           audit.end_date)
        return replace(evidence, links=tuple(links), origin=origin)

    # ---- queries ------------------------------------------------------------------------

    def list(self, audit_id: str, target: Target | None = None, *, unlinked: bool = False,
             include_deleted: bool = False) -> list[Evidence]:
        """The audit's evidence in gallery order (position, then import), optionally only what is
        linked to ``target`` or only what is linked to nothing."""
        resolved = self._audits.resolve(audit_id)
        with self._store.read() as s:
            repo = self._repo(s)
            audit, checklist = self._audit(repo, resolved)
            place = self._place(repo, audit, checklist, target) if target is not None else None
            found = repo.evidence_list(resolved, include_deleted=include_deleted)
        shown = [self._shown(e, audit, checklist) for e in found]
        if place is not None:
            shown = [e for e in shown if e.linked_to(place.target)]
        if unlinked:
            shown = [e for e in shown if not e.links]
        return shown

    def get(self, evidence_id: str) -> Evidence:
        """One piece of evidence (full id or a unique prefix of at least 4 characters)."""
        resolved = self._resolve(evidence_id)
        with self._store.read() as s:
            repo = self._repo(s)
            found = repo.evidence(resolved, include_deleted=_is_uuid(evidence_id.strip().lower()))
            if found is None:
                raise NotFoundError(N_("There is no evidence {ref}."), ref=evidence_id)
            audit, checklist = self._audit(repo, found.audit_id)
        return self._shown(found, audit, checklist)

    # ---- import -------------------------------------------------------------------------

    def import_files(self, audit_id: str, paths: Sequence[Path | str], target: Target | None = None,
                     caption: str = "", source: Source = Source.FILE,
                     progress: Callable[[ImportProgress], None] | None = None,
                     cancel: threading.Event | None = None, workers: int | None = None) -> ImportReport:
        """Import files and folders (folders recursively) into the audit, each linked to ``target``.

        The audit and the target are checked before anything is read: a closed audit raises
        ReadOnlyError, an unknown item, finding or measure NotFoundError. Then each file gets an
        outcome: imported, duplicate (already evidence of this audit: no new record, linked to the
        target too), failed (why, as an English msgid with parameters) or, once ``cancel`` is set,
        cancelled (what was prepared but not stored is discarded). ``progress`` is called on the
        calling thread after every file. ``workers``: None = the pipeline's default pool, 0 = in this
        process.
        """
        from oekoaudit.evidence import pipeline

        resolved = self._audits.resolve(audit_id)
        caption = clean_caption(caption)
        with self._store.read() as s:
            repo = self._repo(s)
            audit, checklist = self._writable(repo, resolved)
            place = self._place(repo, audit, checklist, target) if target is not None else None
        files = pipeline.expand([Path(p) for p in paths])
        outcomes: list[FileOutcome] = []

        def on_result(result: Prepared | Failed) -> None:
            if cancel is not None and cancel.is_set():
                outcome = self._drop(result)
            else:
                outcome = self._take(resolved, result, place, caption, source)
            outcomes.append(outcome)
            if progress is not None:
                progress(ImportProgress(done=len(outcomes), total=len(files), outcome=outcome))

        try:
            cancelled = pipeline.run(files, self._store.blobs_dir, self._store.cache_dir, on_result, cancel=cancel,
                                     workers=workers)
        except KeyboardInterrupt:
            # Ctrl+C in a terminal reaches the worker processes too, and a worker's interrupt comes
            # back as this exception; the front end set ``cancel`` for the same key press
            if cancel is None or not cancel.is_set():
                raise
            cancelled = True
        outcomes += [FileOutcome(str(path), OutcomeStatus.CANCELLED) for path in files[len(outcomes):]]
        return ImportReport(tuple(outcomes), cancelled=bool(cancelled) or (cancel is not None and cancel.is_set()))

    def import_bytes(self, audit_id: str, data: bytes, name: str, target: Target | None = None,
                     caption: str = "", source: Source = Source.CLIPBOARD) -> FileOutcome:
        """Store a picture or document that is not a file (pasted, taken with the camera)."""
        from oekoaudit.evidence import pipeline

        resolved = self._audits.resolve(audit_id)
        caption = clean_caption(caption)
        with self._store.read() as s:
            repo = self._repo(s)
            audit, checklist = self._writable(repo, resolved)
            place = self._place(repo, audit, checklist, target) if target is not None else None
        name = Path(name.replace("\\", "/")).name or "evidence"
        result = pipeline.prepare_bytes(data, name, str(self._store.blobs_dir), str(self._store.cache_dir))
        return self._take(resolved, result, place, caption, source)

    def _drop(self, result: Prepared | Failed) -> FileOutcome:
        """A result delivered after cancelling: its staged original goes, nothing is stored."""
        staged = getattr(result, "staged", None)
        if staged is not None:
            self.blobs.discard(staged)
        return FileOutcome(str(result.path), OutcomeStatus.CANCELLED)

    def _take(self, audit_id: str, result: Prepared | Failed, place: _Place | None, caption: str,
              source: Source) -> FileOutcome:
        """Store one prepared file: record (+ link) and original in one transaction; or say why not."""
        from oekoaudit.evidence.pipeline import Failed

        if isinstance(result, Failed):
            return FileOutcome(str(result.path), OutcomeStatus.FAILED, template=result.template,
                               params=_params(result.params))
        prepared = result
        committed_new_blob = False
        try:
            with self._store.write() as s:
                repo = self._repo(s)
                self._writable(repo, audit_id)
                evidence_id = repo.evidence_with_content(audit_id, prepared.sha256)
                status = OutcomeStatus.DUPLICATE
                if evidence_id is None:
                    evidence_id = repo.add_evidence(audit_id, **self._fields(prepared, caption, source),
                                                    position=repo.next_evidence_position(audit_id))
                    status = OutcomeStatus.IMPORTED
                if place is not None:
                    self._link(repo, audit_id, evidence_id, place)
                s.flush()
                # the original goes into place only once its record is written; should the commit
                # still fail, the new blob is removed again below
                if prepared.staged is not None:
                    committed_new_blob = self.blobs.commit(prepared.staged, prepared.sha256)
        except (OekoauditError, SQLAlchemyError, OSError) as exc:
            self._forget(prepared, committed_new_blob)
            if isinstance(exc, OekoauditError):
                return FileOutcome(str(prepared.path), OutcomeStatus.FAILED, template=exc.template,
                                   params=_params(exc.params))
            return FileOutcome(str(prepared.path), OutcomeStatus.FAILED,
                               template=N_("{name} could not be stored ({reason})."),
                               params=(("name", prepared.original_name), ("reason", _reason(exc))))
        return FileOutcome(str(prepared.path), status, evidence_id=evidence_id)

    def _forget(self, prepared: Prepared, committed_new_blob: bool) -> None:
        """Undo the files of a result that was not stored: the staged or just committed original,
        and the previews made for a blob that is not kept."""
        with contextlib.suppress(OSError):
            if prepared.staged is not None:
                self.blobs.discard(prepared.staged)
            if committed_new_blob:
                self.blobs.path(prepared.sha256).unlink(missing_ok=True)
            if prepared.staged is not None and not self.blobs.has(prepared.sha256):
                self.blobs.preview_path(prepared.sha256).unlink(missing_ok=True)
                self.blobs.thumbnail_path(prepared.sha256).unlink(missing_ok=True)

    def _fields(self, prepared: Prepared, caption: str, source: Source) -> dict[str, Any]:
        meta = prepared.metadata
        location = meta.location
        return {
            "sha256": prepared.sha256, "media_type": meta.media_type[:100], "kind": meta.kind.value,
            "original_name": prepared.original_name[:500], "size": prepared.size,
            "width": meta.width, "height": meta.height, "captured_at": meta.captured_at,
            "camera": (meta.camera or "")[:200],
            "latitude": location.latitude if location else None,
            "longitude": location.longitude if location else None,
            "altitude": location.altitude if location else None,
            "imported_at": datetime.now(UTC), "imported_by": _imported_by(self._user_name),
            "source": Source(source).value, "caption": caption,
        }

    @staticmethod
    def _link(repo: Repository, audit_id: str, evidence_id: str, place: _Place) -> bool:
        record_id = place.record_id
        if place.kind == "answer":
            record_id = repo.ensure_answer(audit_id, place.target.ref, place.open_result)
        assert record_id is not None
        return repo.set_evidence_link(evidence_id, place.kind, record_id, True)

    # ---- changes ------------------------------------------------------------------------

    def _change(self, evidence_ref: str, change: Callable[[Repository, Evidence, Audit, Checklist], object],
                include_deleted: bool = False) -> Evidence:
        """Run ``change`` on one piece of evidence of a writable audit; returns it as it is then."""
        evidence_id = self._resolve(evidence_ref)
        with self._store.write() as s:
            repo = self._repo(s)
            current = repo.evidence(evidence_id, include_deleted=include_deleted)
            if current is None:
                raise NotFoundError(N_("There is no evidence {ref}."), ref=evidence_ref)
            audit, checklist = self._writable(repo, current.audit_id)
            change(repo, current, audit, checklist)
            updated = repo.evidence(evidence_id, include_deleted=True)
        assert updated is not None
        return self._shown(updated, audit, checklist)

    def set_caption(self, evidence_id: str, caption: str) -> Evidence:
        text = clean_caption(caption)
        return self._change(evidence_id, lambda repo, e, _a, _c: repo.update_evidence(e.id, caption=text))

    def link(self, evidence_id: str, target: Target) -> Evidence:
        """Attach to an item, a finding or a measure of the same audit (organisation); idempotent.
        An item without an answer gets an open one to carry the link."""

        def change(repo: Repository, e: Evidence, audit: Audit, checklist: Checklist) -> None:
            self._link(repo, audit.id, e.id, self._place(repo, audit, checklist, target))

        return self._change(evidence_id, change)

    def unlink(self, evidence_id: str, target: Target) -> Evidence:
        """Detach from a target (the link is kept as a tombstone); nothing happens if it was not linked."""

        def change(repo: Repository, e: Evidence, audit: Audit, checklist: Checklist) -> None:
            place = self._place(repo, audit, checklist, target)
            if place.record_id is not None:
                repo.set_evidence_link(e.id, place.kind, place.record_id, False)

        return self._change(evidence_id, change)

    def reorder(self, audit_id: str, evidence_ids: Sequence[str]) -> None:
        """Put the gallery in this order; evidence not named keeps its order after the named ones."""
        resolved = self._audits.resolve(audit_id)
        with self._store.write() as s:
            repo = self._repo(s)
            self._writable(repo, resolved)
            current = [e.id for e in repo.evidence_list(resolved)]
            wanted: list[str] = []
            for ref in evidence_ids:  # full ids or unique prefixes (4+) of this audit's live evidence
                prefix = ref.strip().lower()
                matches = [i for i in current if i.startswith(prefix)] if len(prefix) >= 4 else []
                if len(matches) != 1:
                    raise NotFoundError(N_("The audit has no evidence {ref}."), ref=ref)
                if matches[0] not in wanted:
                    wanted.append(matches[0])
            order = wanted + [i for i in current if i not in wanted]
            for position, evidence_id in enumerate(order):
                repo.update_evidence(evidence_id, position=position)

    def delete(self, evidence_id: str) -> None:
        """Remove evidence from the audit with its links (kept as tombstones; :meth:`restore` undoes)."""
        self._change(evidence_id, lambda repo, e, _a, _c: repo.set_evidence_deleted(e.id, True),
                     include_deleted=True)

    def restore(self, evidence_id: str) -> None:
        """Bring back removed evidence (full id) with the links removed with it."""
        ref = evidence_id.strip().lower()
        if not _is_uuid(ref):
            ref = self._resolve(ref)
        self._change(ref, lambda repo, e, _a, _c: repo.set_evidence_deleted(e.id, False), include_deleted=True)

    def set_annotations(self, evidence_id: str, shapes: Sequence[Shape]) -> Evidence:
        """Replace the annotations (vectors over the untouched original); renderings follow them."""
        stored = shapes_json(shapes)
        parse_shapes(stored)  # the limits (number of shapes, points, label length) hold

        def change(repo: Repository, e: Evidence, _a: Audit, _c: Checklist) -> None:
            if not e.is_photo and stored:
                raise UserInputError(N_("Only photos can be annotated."))
            repo.update_evidence(e.id, annotations=stored)

        return self._change(evidence_id, change)

    def set_hide_location(self, evidence_id: str, hide: bool) -> Evidence:
        """Keep the GPS position but leave it out of reports and exported copies (or not)."""
        return self._change(evidence_id, lambda repo, e, _a, _c: repo.update_evidence(e.id, hide_location=bool(hide)))

    # ---- files --------------------------------------------------------------------------

    def original(self, evidence: Evidence) -> Path:
        """Where the original is kept (it may be missing: see :meth:`verify`)."""
        return self.blobs.path(evidence.sha256)

    def thumbnail(self, evidence: Evidence) -> Path | None:
        """The ~256 px thumbnail in the cache, made again from the original if the cache was cleared;
        None for a document without one (the window makes those, see :meth:`store_thumbnail`)."""
        return self._derivative(evidence, self.blobs.thumbnail_path(evidence.sha256))

    def preview(self, evidence: Evidence) -> Path | None:
        """The ~1600 px preview (orientation applied, no metadata) in the cache; None for documents."""
        return self._derivative(evidence, self.blobs.preview_path(evidence.sha256))

    def _derivative(self, evidence: Evidence, path: Path) -> Path | None:
        if path.is_file():
            return path
        if not evidence.is_photo or not self.blobs.has(evidence.sha256):
            return None
        try:
            made = self.blobs.ensure_derivatives(evidence.sha256)
        except (OSError, OekoauditError, ValueError):
            return None
        return path if made and path.is_file() else None

    def store_thumbnail(self, evidence: Evidence, jpeg: bytes) -> Path:
        """Keep a thumbnail the window made for a document (the first page of a PDF)."""
        if not jpeg.startswith(b"\xff\xd8"):
            raise UserInputError(N_("A thumbnail must be a JPEG picture."))
        path = self.blobs.thumbnail_path(evidence.sha256)
        self.blobs.write_cache(path, jpeg)
        return path

    def rendering(self, evidence_id: str, max_px: int = PREVIEW_RENDER_PX) -> Path:
        """The photo as it leaves the app: oriented, annotations and redactions burnt in, no metadata,
        at most ``max_px`` on its longer side. Cached under a key of the annotations, so a change of
        the annotations makes a new rendering."""
        from oekoaudit.evidence import render

        evidence = self.get(evidence_id)
        self._check_renderable(evidence)
        path = self.blobs.rendering_path(evidence.sha256, render.rendering_key(evidence.annotations, max_px))
        if not path.is_file():
            with self.blobs.open(evidence.sha256) as original:
                data = render.render_jpeg(original, evidence.annotations, max_px)
            self.blobs.write_cache(path, data)
        return path

    def report_image(self, evidence: Evidence, max_px: int) -> tuple[Path, int, int]:
        """The photo as the report prints it: (JPEG path, width, height), made from the ~1600 px
        preview in the cache, never from the original (PERFORMANCE.md §2).

        Without annotations and at most ``max_px`` on its longer side, that is the preview itself
        (upright, no metadata). Otherwise a rendering of the preview, at most ``max_px`` (and at
        least ``max_px / REPORT_SLACK`` when the preview is larger), with the
        annotations and redactions burnt in, cached under a key of the annotations, the size and
        the source — made once, then read from the cache. Should the cache have lost the preview,
        it is made again from the original first (as for the gallery)."""
        from oekoaudit.evidence import render

        found = self.cached_report_image(evidence, max_px)
        if found is not None:
            return found
        preview = self.preview(evidence)
        if preview is None:
            raise NotFoundError(N_("The original of {name} is missing from the data folder."),
                                name=evidence.original_name)
        if not evidence.annotations:
            size = jpeg_size(preview)
            if size is not None and max(size) <= max_px:
                return preview, size[0], size[1]
        path = self.blobs.rendering_path(evidence.sha256, _report_key(evidence, max_px))
        with preview.open("rb") as fh:
            data, size = render.render_jpeg_sized(fh, evidence.annotations, max_px, slack=REPORT_SLACK)
        self.blobs.write_cache(path, data)
        return path, size[0], size[1]

    def cached_report_image(self, evidence: Evidence, max_px: int) -> tuple[Path, int, int] | None:
        """What :meth:`report_image` gives when nothing has to be made (the preview, or a rendering
        made before); None when it has to be made. Reads a few bytes per photo: a report asks this
        for every photo before it hands the others to worker threads."""
        self._check_photo(evidence)
        candidates = [self.blobs.rendering_path(evidence.sha256, _report_key(evidence, max_px))]
        if not evidence.annotations:
            candidates.insert(0, self.blobs.preview_path(evidence.sha256))
        for number, path in enumerate(candidates):
            size = jpeg_size(path)
            if size is not None and (number or evidence.annotations or max(size) <= max_px):
                return path, size[0], size[1]
        return None

    def _check_photo(self, evidence: Evidence) -> None:
        if not evidence.is_photo:
            raise UserInputError(N_("{name} is a document; only photos are rendered."), name=evidence.original_name)

    def _check_renderable(self, evidence: Evidence) -> None:
        if not evidence.is_photo:
            raise UserInputError(N_("{name} is a document; only photos are rendered."), name=evidence.original_name)
        if not self.blobs.has(evidence.sha256):
            raise NotFoundError(N_("The original of {name} is missing from the data folder."),
                                name=evidence.original_name)

    def export_copy(self, evidence_id: str, folder: Path, *, annotated: bool = True) -> Path:
        """Write a copy into ``folder`` and return its path; an existing file is never replaced
        (the copy is named "name (2).jpg" and so on).

        A photo with ``annotated``: the rendering at full size (annotations and redactions burnt
        in, no metadata). Otherwise the original byte for byte, except that a photo whose position
        is hidden loses its GPS data."""
        from oekoaudit.evidence import imaging, render

        evidence = self.get(evidence_id)
        folder = Path(folder)
        if not folder.is_dir():
            raise UserInputError(N_("The folder {path} does not exist."), path=str(folder))
        name = _safe_name(evidence.original_name) or f"evidence-{evidence.id[:8]}"
        if evidence.is_photo and annotated:
            self._check_renderable(evidence)
            full = max(evidence.width or 0, evidence.height or 0) or imaging.MAX_SIDE
            with self.blobs.open(evidence.sha256) as original:
                data = render.render_jpeg(original, evidence.annotations, full)
            name = Path(name).stem + ".jpg"
        else:
            if not self.blobs.has(evidence.sha256):
                raise NotFoundError(N_("The original of {name} is missing from the data folder."),
                                    name=evidence.original_name)
            data = self.blobs.read(evidence.sha256)
            if evidence.is_photo and evidence.hide_location:
                data = imaging.strip_location(data, evidence.media_type)
        return _write_new(folder, name, data)

    def verify(self, audit_id: str | None = None) -> list[tuple[str, str]]:
        """Re-hash the originals (of one audit or of all): (evidence id, "missing" | "altered") for
        each one that is not there or no longer has the content it was imported with."""
        resolved = self._audits.resolve(audit_id) if audit_id else None
        with self._store.read() as s:
            pairs = self._repo(s).evidence_hashes(resolved)
        checked: dict[str, str | None] = {}
        problems = []
        for evidence_id, sha256 in pairs:
            if sha256 not in checked:
                if not self.blobs.has(sha256):
                    checked[sha256] = MISSING
                else:
                    try:
                        checked[sha256] = None if self.blobs.verify(sha256) else ALTERED
                    except OSError:
                        checked[sha256] = MISSING
            problem = checked[sha256]
            if problem is not None:
                problems.append((evidence_id, problem))
        return problems


# ---- helpers ----------------------------------------------------------------------------------


def _report_key(evidence: Evidence, max_px: int) -> str:
    from oekoaudit.evidence import render

    return render.rendering_key(evidence.annotations, max_px, f"{render.PREVIEW}/{REPORT_SLACK}")




def _one(ids: list[str], ref: str, none: str, many: str) -> str:
    if not ids:
        raise NotFoundError(none, ref=ref)
    wanted = ref.strip().lower()
    if wanted in ids:
        return wanted
    if len(ids) > 1:
        raise AmbiguousError(many, ref=ref, count=len(ids))
    return ids[0]


def _prefixed(ids_with_prefix: Callable[[str], list[str]], ref: str, short: str, none: str, many: str) -> str:
    """A full id given the id or a unique prefix of at least 4 characters (inside a session)."""
    wanted = ref.strip().lower()
    if _is_uuid(wanted):
        return wanted
    if len(wanted) < 4:
        raise UserInputError(short, ref=ref)
    return _one(ids_with_prefix(wanted), ref, none, many)


def _params(params: Any) -> tuple[tuple[str, Any], ...]:
    if isinstance(params, dict):
        return tuple(params.items())
    return tuple(tuple(p) for p in params or ())  # type: ignore[misc]


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(orig or exc).splitlines()[0][:200] if str(orig or exc) else type(exc).__name__


def _imported_by(user_name: Callable[[], str]) -> str:
    try:
        return " ".join((user_name() or "").split())[:200]
    except Exception:  # noqa: BLE001 - a name is nice to have; the import must not fail for it
        return ""


_FORBIDDEN = set('<>:"/\\|?*') | {chr(c) for c in range(32)}


def _safe_name(name: str) -> str:
    """A file name that is safe in any folder on any system (no path, no reserved characters)."""
    base = Path((name or "").replace("\\", "/")).name
    cleaned = "".join("_" if ch in _FORBIDDEN else ch for ch in base).strip().strip(".")
    return cleaned[:200]


def _write_new(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` as a new file in ``folder`` under ``name`` or "stem (n).ext"; never replaces a file."""
    stem, suffix = Path(name).stem, Path(name).suffix
    for n in range(1, _MAX_COPIES):
        target = folder / (name if n == 1 else f"{stem} ({n}){suffix}")
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        return target
    raise UserInputError(N_("There are too many copies of {name} in {path} already."), name=name, path=str(folder))
