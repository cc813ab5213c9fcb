"""Audit packages: export, verify, import and merge, open for review, conflicts.

An audit travels as one ``.oekoaudit`` file (docs/package-format.md). This service is the only
door to it for the window and the command line:

* :meth:`PackageService.export` writes one package of one or several audits, atomically
  (``exchange/container.py``), optionally signed (Ed25519) and with the photos' positions removed;
* :meth:`PackageService.verify` checks a package without importing it;
* :meth:`PackageService.prepare_import` runs the import pipeline up to the plan (RELIABILITY.md
  C.2, stages 1–7: limits, manifest, hashes, schema, references, pictures, the merge planned record
  by record) without writing anything to the store; :meth:`PackageService.commit_import` then
  writes the plan in **one** transaction, after a backup, with the new originals moved into the
  blob store first (inert until referenced);
* :meth:`PackageService.open_for_review` builds a separate, sealed store from a package so the
  window can show the audit, its photos and its report without touching the user's data;
* :meth:`PackageService.conflicts` / :meth:`PackageService.resolve` — values both copies changed
  differently since they last met, kept side by side until the user decides.

Policy for refused packages: nothing in the data folder changes (the staging folder of the
import is removed; the database and the blob store are byte for byte as before).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oekoaudit import __version__
from oekoaudit.domain.changes import Changes
from oekoaudit.errors import N_, NotFoundError, OekoauditError, PackageCancelled, PackageError, UserInputError
from oekoaudit.evidence.blobs import BlobStore
from oekoaudit.exchange import container, signing, strict_json
from oekoaudit.exchange.document import canonical_json
from oekoaudit.exchange.document import fingerprint as document_fingerprint
from oekoaudit.exchange.limits import DEFAULT_LIMITS, Limits
from oekoaudit.exchange.records import FORMAT, FORMAT_VERSION, parse_document
from oekoaudit.storage import sync

if TYPE_CHECKING:
    from oekoaudit.services.audits import AuditService
    from oekoaudit.services.container import Services
    from oekoaudit.services.reports import ReportService
    from oekoaudit.storage.store import Store

Progress = Callable[[int, int], None]

#: Kinds of records as the summary and ``--json`` name them (stable keys).
KINDS = {"organisations": "organisation", "sites": "site", "audits": "audit", "answers": "answer",
         "findings": "finding", "measures": "measure", "indicator_values": "figure", "evidence": "evidence",
         "evidence_links": "link", "signatures": "signature"}


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    size: int
    package_id: str
    sha256: str
    audits: tuple[dict[str, Any], ...]  # {id, title, fingerprint}
    evidence: int
    signer_key_id: str | None
    location_removed: bool


@dataclass(frozen=True, slots=True)
class ConflictInfo:
    """A field both copies changed differently: the local value stays until the user decides."""

    id: str
    kind: str  # answer, finding, measure, …
    record_id: str
    field: str
    audit_id: str | None
    label: str  # which record: an item key, a finding's statement, a measure's title …
    local: Any
    incoming: Any
    incoming_device: str
    package_id: str
    detected_at: datetime


@dataclass
class PreparedImport:
    """A verified package and what importing it would do; nothing is written yet. Pass it to
    :meth:`PackageService.commit_import` or :meth:`PackageService.discard`."""

    path: Path
    staging: Path
    verification: container.Verification
    manifest: dict[str, Any]
    documents: list[dict[str, Any]]
    snapshots: dict[str, tuple[str, str, str]]
    blobs: dict[str, Path]  # sha256 → staged original, for originals this store does not have
    plan: sync.SyncPlan
    audits: list[dict[str, Any]] = field(default_factory=list)

    @property
    def location_removed(self) -> bool:
        return bool(self.manifest.get("location_removed"))

    def summary(self) -> dict[str, Any]:
        """What the import would do (or did): stable keys, used by ``--json``."""
        by_kind = {KINDS[t]: counts for t, counts in self.plan.counts().items()}
        totals = self.plan.totals()
        conflicts = [{"kind": KINDS[p.table], "id": p.merge.id, "field": c.field}
                     for p in self.plan.records for c in p.merge.conflicts]
        signature = self.verification.signature
        return {
            "package_id": self.manifest.get("package_id"),
            "created_at": self.manifest.get("created_at"),
            "producer": self.manifest.get("producer"),
            "audits": self.audits,
            "new": totals["new"], "changed": totals["changed"], "unchanged": totals["unchanged"],
            "conflicts": totals["conflict"], "conflict_fields": len(conflicts),
            "by_kind": by_kind, "conflict_list": conflicts,
            "blobs_new": len(self.blobs), "location_removed": self.location_removed,
            "signature": {"status": signature.status, "key_id": signature.key_id, "name": signature.name,
                          "signed_at": signature.signed_at},
            "nothing_to_do": not self.plan.writes,
        }


class PackageService:
    def __init__(self, store: Store, audits: AuditService, reports: ReportService,
                 user_name: Callable[[], str], limits: Limits = DEFAULT_LIMITS) -> None:
        self._store = store
        self._audits = audits
        self._reports = reports
        self._user_name = user_name
        self.limits = limits
        self._blobs = BlobStore(store.blobs_dir, store.cache_dir)

    # ---- export ----------------------------------------------------------------------------------

    def export(self, audit_refs: Sequence[str], target: Path, *, key_file: Path | None = None,
               without_location: bool = False, signer_name: str | None = None,
               progress: Progress | None = None, cancel: threading.Event | None = None) -> ExportResult:
        """Write the audits into one package at ``target`` (atomically: a complete file or none)."""
        if not audit_refs:
            raise UserInputError(N_("Name at least one audit to export."))
        target = Path(target)
        audit_ids = list(dict.fromkeys(self._audits.resolve(ref) for ref in audit_refs))
        key = signing.load_private_key(Path(key_file)) if key_file is not None else None
        with self._store.read() as session:
            dumps = [sync.dump(session, audit_id) for audit_id in audit_ids]
            snapshots: dict[str, bytes] = {}
            for d in dumps:
                record = sync.snapshot(session, d.catalogue_fingerprint)
                if record is None:
                    raise NotFoundError(N_("The checklist snapshot {id} of this audit is missing."),
                                        id=d.catalogue_fingerprint[:12])
                snapshots[d.catalogue_fingerprint] = record.content.encode("utf-8")
            sequence = sync.next_sequence(session, audit_ids)
        with tempfile.TemporaryDirectory(prefix="export-", dir=self._scratch()) as scratch:
            blobs, replaced = self._export_blobs(dumps, Path(scratch), without_location, cancel)
            members: list[container.Member] = []
            audits_info = []
            for d in dumps:
                document = self._reports.document(d.audit_id)
                records = d.records
                if without_location:
                    records = _without_location(records, replaced)
                    document = _document_without_location(document, replaced)
                audit = records["audits"][0]["fields"]
                fp = document_fingerprint(document)
                audits_info.append({"id": d.audit_id, "title": audit["title"], "fingerprint": fp})
                body = {"format": FORMAT, "format_version": FORMAT_VERSION, "audit_id": d.audit_id,
                        "fingerprint": fp, "catalogue": d.catalogue_fingerprint, "records": records,
                        "change_log": d.change_log}
                members.append(container.Member(container.audit_member(d.audit_id), "application/json",
                                                data=canonical_json(body)))
            for fp, content in snapshots.items():
                members.append(container.Member(container.catalogue_member(fp), "application/json", data=content))
            for sha, (path, media_type, known) in sorted(blobs.items()):
                members.append(container.Member(container.blob_member(sha), media_type, source=path,
                                                sha256=sha if known else None, compress=False))
            header = {
                "package_id": str(uuid.uuid4()),
                "audit_ids": audit_ids,
                "audits": audits_info,
                "created_at": datetime.now(UTC).isoformat(),
                "producer": {"app": "oekoaudit", "app_version": __version__, "device_id": self._store.device_id},
                "sequence": sequence,
                "location_removed": without_location,
            }
            name = signer_name if signer_name is not None else self._user_name()
            written = container.write_package(target, members, header, key=key, signer_name=name,
                                              progress=progress, cancel=cancel)
        signer = written.manifest.get("signer") or {}
        with contextlib.suppress(OekoauditError), self._store.write() as session:
            sync.log_package(session, direction="export", package_id=written.package_id, file_sha256=written.sha256,
                             audit_ids=audit_ids, sequence=sequence, signer_key_id=signer.get("key_id"),
                             signer_name=signer.get("name") or "", device_id=self._store.device_id,
                             summary={"audits": audits_info, "evidence": len(blobs),
                                      "location_removed": without_location})
        return ExportResult(written.path, written.size, written.package_id, written.sha256, tuple(audits_info),
                            len(blobs), signer.get("key_id"), without_location)

    def _scratch(self) -> Path:
        folder = self._blobs.staging_dir
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _export_blobs(self, dumps: Sequence[sync.AuditRecords], scratch: Path, without_location: bool,
                      cancel: threading.Event | None) -> tuple[dict[str, tuple[Path, str, bool]], dict[str, tuple[str, int]]]:
        """The originals to pack: sha → (file, media type, hash known). Without location, photos
        are rewritten without their position (``replaced``: old sha → (new sha, size))."""
        from oekoaudit.evidence.location import strip_location

        blobs: dict[str, tuple[Path, str, bool]] = {}
        replaced: dict[str, tuple[str, int]] = {}
        for d in dumps:
            for e in d.records["evidence"]:
                sha, media_type = e["fields"]["sha256"], e["fields"]["media_type"]
                if sha in blobs or sha in replaced:
                    continue
                if cancel is not None and cancel.is_set():
                    raise PackageCancelled()
                path = self._blobs.path(sha)
                if not path.is_file():
                    raise PackageError(N_("The original of {name} is missing in the data folder; "
                                          "the package was not written."), name=e["fields"]["original_name"] or sha[:12])
                if without_location and e["fields"]["kind"] == "photo":
                    original = path.read_bytes()
                    data = strip_location(original, media_type)
                    if data != original:
                        new_sha = hashlib.sha256(data).hexdigest()
                        copy = scratch / new_sha
                        copy.write_bytes(data)
                        replaced[sha] = (new_sha, len(data))
                        blobs[new_sha] = (copy, media_type, True)
                        continue
                blobs[sha] = (path, media_type, True)
        return blobs, replaced

    # ---- verify ------------------------------------------------------------------------------------

    def verify(self, path: Path, *, trust: Sequence[Path] = (), progress: Progress | None = None,
               cancel: threading.Event | None = None) -> container.Verification:
        """Check a package without importing it: structure, every member's hash, the signature
        (against the given public keys, if any). Never raises for a bad package: see ``problems``."""
        return verify_file(path, trust=trust, limits=self.limits, progress=progress, cancel=cancel)

    # ---- import ------------------------------------------------------------------------------------

    def prepare_import(self, path: Path, *, trust: Sequence[Path] = (), require_trusted: bool = False,
                       progress: Progress | None = None, cancel: threading.Event | None = None) -> PreparedImport:
        """Stages 1–7: verify, extract into a staging folder, validate every document, reference and
        picture, and plan the merge. Nothing is written to the store. Raises PackageError."""
        path = Path(path)
        keys = [signing.load_public_key(Path(p)) for p in trust]
        staging = self._scratch() / f"package-{uuid.uuid4().hex}"
        try:
            opened = container.open_package(path, staging, trust=keys, require_trusted=require_trusted,
                                            limits=self.limits, progress=progress, cancel=cancel)
            return self._prepare(path, staging, opened, cancel)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def _prepare(self, path: Path, staging: Path, opened: container.OpenedPackage,
                 cancel: threading.Event | None) -> PreparedImport:
        manifest = opened.manifest
        audit_ids = manifest.get("audit_ids")
        if not isinstance(audit_ids, list) or not audit_ids or len(set(audit_ids)) != len(audit_ids):
            raise PackageError(N_("The package's manifest does not list its audits."))
        documents = []
        for audit_id in audit_ids:
            member = container.audit_member(str(audit_id))
            if member not in opened.staged:
                raise PackageError(N_("The package has no document for the audit {id}."), id=str(audit_id)[:8])
            documents.append(parse_document(opened.json(member, self.limits), member))
        listed = {container.audit_member(a) for a in audit_ids}
        if any(container.AUDIT_RE.match(m) and m not in listed for m in opened.staged):
            raise PackageError(N_("The package holds a document for an audit its manifest does not list."))
        if cancel is not None and cancel.is_set():
            raise PackageCancelled()
        snapshots = self._snapshots(opened, documents)
        blobs = self._check_blobs(opened, documents, cancel)
        location_removed = bool(manifest.get("location_removed"))
        with self._store.read() as session:
            self._check_references(session, documents, snapshots)
            plan = sync.plan(session, [(d["audit_id"], d["records"]) for d in documents],
                             location_removed=location_removed,
                             change_log=[e for d in documents for e in d["change_log"]],
                             snapshots=snapshots)
        needed = {sha: p for sha, p in blobs.items() if not self._blobs.has(sha)}
        audits = [{"id": d["audit_id"], "title": d["records"]["audits"][0]["fields"]["title"],
                   "fingerprint": d["fingerprint"],
                   "organisation": d["records"]["organisations"][0]["fields"]["name"]} for d in documents]
        return PreparedImport(path, staging, opened.verification, manifest, documents, snapshots, needed, plan,
                              audits)

    def _snapshots(self, opened: container.OpenedPackage, documents: list[dict[str, Any]]
                   ) -> dict[str, tuple[str, str, str]]:
        from oekoaudit.catalogue.loader import checklist_from_snapshot

        out: dict[str, tuple[str, str, str]] = {}
        for member, staged in opened.staged.items():
            if not container.CATALOGUE_RE.match(member):
                continue
            fp = member.removeprefix("catalogues/").removesuffix(".json")
            data = staged.read_bytes()
            if hashlib.sha256(data).hexdigest() != fp:
                raise PackageError(N_("The catalogue {member} does not match its name."), member=member)
            raw = strict_json.loads(data, self.limits, what=member)
            try:
                checklist = checklist_from_snapshot(raw, origin=member)
            except OekoauditError:
                raise PackageError(N_("The catalogue {member} is not valid."), member=member) from None
            out[fp] = (checklist.id, checklist.edition, data.decode("utf-8"))
        used = {d["catalogue"] for d in documents}
        with self._store.read() as session:
            for fp in used:
                if fp not in out and sync.snapshot(session, fp) is None:
                    raise PackageError(N_("The package lacks the catalogue {id} its audit uses."), id=fp[:12])
        return {fp: value for fp, value in out.items() if fp in used}

    def _check_blobs(self, opened: container.OpenedPackage, documents: list[dict[str, Any]],
                     cancel: threading.Event | None) -> dict[str, Path]:
        """Every evidence's original is in the package (its bytes match the name and the size)
        or in this store; pictures pass the picture limits by their header (never decoded here)."""
        from oekoaudit.evidence import imaging

        staged = {m.removeprefix("blobs/"): p for m, p in opened.staged.items() if container.BLOB_RE.match(m)}
        listed = {m["path"]: m for m in opened.manifest.get("members", ())}
        sizes = {path: m["size"] for path, m in listed.items()}
        for sha in staged:
            if listed.get(f"blobs/{sha}", {}).get("sha256") != sha:
                raise PackageError(N_("The evidence {member} does not match its name."), member=f"blobs/{sha}")
        used: set[str] = set()
        for d in documents:
            for e in d["records"]["evidence"]:
                if cancel is not None and cancel.is_set():
                    raise PackageCancelled()
                f = e["fields"]
                sha = f["sha256"]
                used.add(sha)
                if sha in staged:
                    if sizes.get(f"blobs/{sha}") != f["size"]:
                        raise PackageError(N_("The evidence {name} does not have the size its record names."),
                                           name=f["original_name"] or sha[:12])
                    if f["media_type"].startswith("image/"):
                        with staged[sha].open("rb") as fh:
                            try:
                                imaging.open_image(fh, f["original_name"] or sha[:12])
                            except OekoauditError as exc:
                                raise PackageError(N_("The package was refused: {reason}"),
                                                   reason=exc.english()) from None
                elif not self._blobs.has(sha):
                    raise PackageError(N_("The original of {name} is missing in the package."),
                                       name=f["original_name"] or sha[:12])
        unused = set(staged) - used
        if unused:
            raise PackageError(N_("The package holds evidence no record refers to ({member})."),
                               member="blobs/" + sorted(unused)[0])
        return {sha: staged[sha] for sha in used if sha in staged}

    def _check_references(self, session: Any, documents: list[dict[str, Any]],
                          snapshots: dict[str, tuple[str, str, str]]) -> None:
        """Links point at an answer, a finding or a measure in the package or in this store."""
        in_package = {(t, r["id"]) for d in documents for t, rows in d["records"].items() for r in rows}
        for d in documents:
            for link in d["records"]["evidence_links"]:
                f = link["fields"]
                table = {"answer": "answers", "finding": "findings", "measure": "measures"}[f["target_kind"]]
                if (table, f["target_id"]) in in_package:
                    continue
                if session.get(sync.TABLES[table], f["target_id"]) is None:
                    raise PackageError(N_("A link in the package points at a record that is neither in the "
                                          "package nor here ({kind} {id})."), kind=f["target_kind"],
                                       id=f["target_id"][:8])

    def commit_import(self, prepared: PreparedImport, *, progress: Progress | None = None,
                      cancel: threading.Event | None = None) -> dict[str, Any]:
        """Write a prepared import: a backup, then the new originals, then one transaction with every
        record, conflict and change-log entry. Returns the summary of what was done."""
        try:
            if not prepared.plan.writes and not prepared.blobs:
                return {**prepared.summary(), "imported": False}
            if cancel is not None and cancel.is_set():
                raise PackageCancelled()
            self._store.backup("pre-import")
            total = len(prepared.blobs)
            for done, (sha, staged) in enumerate(sorted(prepared.blobs.items()), start=1):
                self._blobs.commit(staged, sha)  # inert until a record refers to it
                if progress is not None:
                    progress(done, total + 1)
            with self._store.write() as session:
                # planned again inside the transaction: the store may have changed since the preview
                plan = sync.plan(session, [(d["audit_id"], d["records"]) for d in prepared.documents],
                                 location_removed=prepared.location_removed,
                                 change_log=[e for d in prepared.documents for e in d["change_log"]],
                                 snapshots=prepared.snapshots)
                prepared.plan = plan
                package_id = str(prepared.manifest.get("package_id"))
                sync.apply(session, plan, device_id=self._store.device_id, package_id=package_id)
                signer = prepared.manifest.get("signer") or {}
                summary = prepared.summary()
                sync.log_package(session, direction="import", package_id=package_id,
                                 file_sha256=prepared.verification.sha256 or "",
                                 audit_ids=[d["audit_id"] for d in prepared.documents],
                                 sequence=int(prepared.manifest.get("sequence") or 0),
                                 signer_key_id=signer.get("key_id"), signer_name=signer.get("name") or "",
                                 device_id=self._store.device_id,
                                 summary={k: summary[k] for k in ("new", "changed", "unchanged", "conflicts")})
            if progress is not None:
                progress(total + 1, total + 1)
            return {**prepared.summary(), "imported": True}
        finally:
            self.discard(prepared)

    def discard(self, prepared: PreparedImport) -> None:
        shutil.rmtree(prepared.staging, ignore_errors=True)

    def import_package(self, path: Path, *, dry_run: bool = False, trust: Sequence[Path] = (),
                       require_trusted: bool = False, progress: Progress | None = None,
                       cancel: threading.Event | None = None) -> dict[str, Any]:
        """Prepare and (unless ``dry_run``) commit; returns the summary (``imported``: written)."""
        prepared = self.prepare_import(path, trust=trust, require_trusted=require_trusted, progress=progress,
                                       cancel=cancel)
        if dry_run:
            self.discard(prepared)
            return {**prepared.summary(), "imported": False}
        return self.commit_import(prepared, cancel=cancel)

    # ---- conflicts ---------------------------------------------------------------------------------

    def conflicts(self, audit_ref: str | None = None) -> list[ConflictInfo]:
        audit_id = self._audits.resolve(audit_ref) if audit_ref else None
        with self._store.read() as session:
            found = sync.conflicts(session, audit_id)
            return [ConflictInfo(c.id, KINDS.get(c.entity, c.entity), c.record_id, c.field, c.audit_id,
                                 _label(session, c.entity, c.record_id), c.local, c.incoming, c.incoming_device,
                                 c.package_id, c.detected_at) for c in found]

    def resolve_conflict_id(self, ref: str) -> str:
        ref = ref.strip().lower()
        if len(ref) < 4:
            raise UserInputError(N_("A conflict id needs at least 4 characters."))
        with self._store.read() as session:
            found = sync.conflict_ids(session, ref)
        if not found:
            raise NotFoundError(N_("There is no open conflict {ref}."), ref=ref)
        if len(found) > 1:
            from oekoaudit.errors import AmbiguousError

            raise AmbiguousError(N_("{ref} matches several conflicts; give more characters."), ref=ref)
        return found[0]

    def resolve(self, conflict_ref: str, keep: str) -> Changes:
        """Keep the ``local`` or the ``incoming`` value of a conflict."""
        if keep not in ("local", "incoming"):
            raise UserInputError(N_("Keep either local or incoming."))
        conflict_id = self.resolve_conflict_id(conflict_ref)
        with self._store.write() as session:
            done = sync.resolve(session, conflict_id, keep, self._store.device_id)
        if done is None:
            raise NotFoundError(N_("There is no open conflict {ref}."), ref=conflict_ref)
        kind = KINDS.get(done.entity, done.entity)
        return Changes(organisations=kind in ("organisation", "site", "audit"), audits=kind == "audit",
                       answers=kind == "answer", findings=kind == "finding",
                       evidence=kind in ("evidence", "link"), measures=kind == "measure",
                       indicators=kind == "figure", audit_id=done.audit_id)

    # ---- review ---------------------------------------------------------------------------------------

    def open_for_review(self, path: Path, *, catalogue_folders: tuple[Path, ...] = (), trust: Sequence[Path] = (),
                        progress: Progress | None = None, cancel: threading.Event | None = None) -> Review:
        """:func:`open_review` with this service's limits (the user's store is not touched)."""
        return open_review(path, catalogue_folders=catalogue_folders, trust=trust, limits=self.limits,
                           progress=progress, cancel=cancel)


def open_review(path: Path, *, catalogue_folders: tuple[Path, ...] = (), trust: Sequence[Path] = (),
                limits: Limits = DEFAULT_LIMITS, progress: Progress | None = None,
                cancel: threading.Event | None = None) -> Review:
    """A package opened for review: verified, then imported into a separate store in a temporary
    folder, which is then sealed (nothing can change it). No store of the user's is opened or
    touched. Raises PackageError for a package that is not in order. Close the review when done."""
    from oekoaudit.services.container import open_services

    verification = verify_file(path, trust=trust, limits=limits, cancel=cancel)
    if not verification.ok:
        first = verification.problems[0] if verification.problems else None
        raise PackageError(first.template if first is not None else N_("The package cannot be used."),
                           problems=verification.problems, **(first.params if first is not None else {}))
    folder = Path(tempfile.mkdtemp(prefix="oekoaudit-review-"))
    try:
        services = open_services(folder, catalogue_folders)
        try:
            services.packages.limits = limits
            services.packages.import_package(path, trust=trust, progress=progress, cancel=cancel)
            services._store.seal()
        except BaseException:
            services.close()
            raise
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Review(path=Path(path), folder=folder, services=services, verification=verification,
                  audit_ids=tuple(str(a) for a in (verification.manifest or {}).get("audit_ids", ())))


@dataclass
class Review:
    """A package opened for review: its own sealed store in a temporary folder."""

    path: Path
    folder: Path
    services: Services
    verification: container.Verification
    audit_ids: tuple[str, ...]

    def close(self) -> None:
        self.services.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def _label(session: Any, table: str, record_id: str) -> str:
    record = session.get(sync.TABLES[table], record_id)
    if record is None:
        return record_id[:8]
    for name in ("item_key", "statement", "title", "name", "original_name", "quantity"):
        value = getattr(record, name, None)
        if value:
            text = " ".join(str(value).split())
            return text if len(text) <= 80 else text[:79] + "…"
    return record_id[:8]


def _without_location(records: dict[str, list[dict[str, Any]]], replaced: dict[str, tuple[str, int]]
                      ) -> dict[str, list[dict[str, Any]]]:
    out = dict(records)
    evidence = []
    for e in records["evidence"]:
        f = dict(e["fields"])
        if f["sha256"] in replaced:
            f["sha256"], f["size"] = replaced[f["sha256"]]
        f["latitude"] = f["longitude"] = f["altitude"] = None
        evidence.append({**e, "fields": f})
    out["evidence"] = evidence
    return out


def _document_without_location(document: dict[str, Any], replaced: dict[str, tuple[str, int]]) -> dict[str, Any]:
    doc = json.loads(json.dumps(document))
    for e in doc.get("evidence", ()):
        if e.get("sha256") in replaced:
            e["sha256"], e["size"] = replaced[e["sha256"]]
        e["location"] = None
    return doc


# ---- without a store: keys and verification --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyPair:
    private_path: Path
    public_path: Path
    key_id: str


def new_key_pair(path: Path) -> KeyPair:
    """A new Ed25519 key pair: ``path`` (private, PEM, readable only by its owner) and ``path.pub``."""
    from cryptography.hazmat.primitives import serialization

    key = signing.new_key()
    public = signing.write_key_pair(Path(path), key)
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return KeyPair(Path(path), Path(public), signing.key_id(raw))


def verify_file(path: Path, *, trust: Sequence[Path] = (), limits: Limits = DEFAULT_LIMITS,
                progress: Progress | None = None, cancel: threading.Event | None = None) -> container.Verification:
    """:meth:`PackageService.verify` for a front end that has no store open (an auditor's check)."""
    keys = [signing.load_public_key(Path(p)) for p in trust]
    return container.verify_package(Path(path), trust=keys, limits=limits, progress=progress, cancel=cancel)
