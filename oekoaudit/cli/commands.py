"""The headless commands. Exit codes: 0 success, 1 a user error (one line on stderr), 2 usage."""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oekoaudit import i18n
from oekoaudit.cli import output
from oekoaudit.cli.parser import EXIT_CANCELLED, EXIT_OK, EXIT_USER_ERROR
from oekoaudit.domain.evidence import Evidence, FileOutcome, ImportProgress, OutcomeStatus, Target
from oekoaudit.domain.indicators import (
    CATEGORY_LABELS,
    KEY_AREA_LABELS,
    QUANTITIES,
    Category,
    format_waste_code,
)
from oekoaudit.domain.programme import MeasureStatus
from oekoaudit.domain.reuse import GAP_ORDER, ChangeKind, GapStatus
from oekoaudit.errors import (
    N_,
    CatalogueError,
    OekoauditError,
    PackageCancelled,
    PackageError,
    TableImportError,
    UserInputError,
)
from oekoaudit.i18n import _, ngettext, pick
from oekoaudit.services import labels
from oekoaudit.services.catalogue import CatalogueService
from oekoaudit.services.measures import status_label

if TYPE_CHECKING:
    from oekoaudit.services.container import Services


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _lang() -> str:
    return i18n.get_language()


# ---- commands that need the store ----------------------------------------------------


def cmd_demo(args: argparse.Namespace, services: Services) -> int:
    from oekoaudit.services.demo import create_demo

    result = create_demo(services.organisations, services.audits, indicators=services.indicators,
                         measures=services.measures)
    if args.json:
        _print_json({
            "organisation": {"id": result.organisation_id, "name": result.organisation_name},
            "site": {"id": result.site_id},
            "audit": {"id": result.audit_id, "answered": result.answered},
            "findings": [{"id": f.id, "class": f.finding_class.value, "item_key": f.item_key}
                         for f in result.findings],
            "previous_audit": {"id": result.previous_audit_id},
            "figures": {"count": result.figures, "years": list(result.figure_years)},
            "measures": [{"id": m.id, "title": m.title, "status": m.status.value, "audit_id": m.audit_id}
                         for m in result.measures],
        })
    else:
        print(_("Demo created: {organisation}, audit {audit} ({answered} items answered, {findings} findings).")
              .format(organisation=result.organisation_name, audit=result.audit_id, answered=result.answered,
                      findings=len(result.findings)))
        if result.figure_years:
            print(_("With figures for {first}–{last} and an environmental programme of {n} measures.").format(
                first=result.figure_years[0], last=result.figure_years[-1], n=len(result.measures)))
    return EXIT_OK


def cmd_audits_list(args: argparse.Namespace, services: Services) -> int:
    summaries = services.audits.list()
    if args.json:
        _print_json([output.summary(s) for s in summaries])
        return EXIT_OK
    if not summaries:
        print(_("No audits yet. Create one with: oekoaudit audit new --org NAME --scheme iso14001-2015"))
        return EXIT_OK
    for s in summaries:
        a = s.audit
        title = a.title or (a.catalogue_title_en if _lang() == "en" else a.catalogue_title_de)
        print(f"{a.id[:8]}  {a.organisation_name} / {a.site_name}  {title}  "
              f"[{labels.status(a.status)}]  {s.answered}/{s.total}")
    return EXIT_OK


def cmd_audit_new(args: argparse.Namespace, services: Services) -> int:
    from oekoaudit.services.audits import parse_kind

    kind = parse_kind(args.kind)  # checked before anything is written
    checklist = services.catalogues.get(args.scheme)
    organisation, created = services.organisations.ensure(args.org)
    audit = services.audits.create(organisation.id, checklist.id, kind=kind, title=args.title,
                                   lead_auditor=args.lead_auditor, scope=args.scope, objectives=args.objectives,
                                   carry_from=args.carry_from, modules=args.modules)
    carried = _carried(services, audit.id) if audit.carried_from_audit_id else None
    if args.json:
        data = output.audit(audit)
        data["organisation"]["created"] = created
        data["carried_over"] = carried
        _print_json(data)
    else:
        if created:
            print(_("Organisation created: {name}").format(name=organisation.name))
        print(_("Audit created: {id}").format(id=audit.id))
        if carried is not None:
            print(_("Carried over from {audit}: {answers} answers ({results} with a result), {findings} open "
                    "findings. Each answer is marked until it is confirmed or changed.").format(
                audit=carried["from"], answers=carried["answers"], results=carried["with_result"],
                findings=carried["findings"]))
            if carried["measures"]:
                print(ngettext("{n} open measure of the environmental programme continues in this audit.",
                               "{n} open measures of the environmental programme continue in this audit.",
                               carried["measures"]).format(n=carried["measures"]))
    return EXIT_OK


def _carried(services: Services, audit_id: str) -> dict[str, Any]:
    detail = services.audits.detail(audit_id)
    open_key = detail.checklist.scale.open_option.key
    carried = [a for a in detail.answers.values() if a.carried_over]
    source = services.audits.get(detail.audit.carried_from_audit_id or "")
    return {"from": source.title or source.id[:8], "answers": len(carried), "with_result": sum(1 for a in carried if a.result != open_key),
            "findings": sum(1 for f in detail.findings if f.carried_from_finding_id),
            "measures": sum(1 for m in services.measures.list(audit_id=audit_id) if m.carried_from_measure_id)}


def cmd_audit_extend(args: argparse.Namespace, services: Services) -> int:
    for module in args.modules:
        services.audits.add_module(args.audit_id, module)
    audit = services.audits.get(args.audit_id)
    if args.json:
        _print_json(output.audit(audit))
    else:
        print(_("Added to the audit: {catalogues}").format(catalogues=", ".join(audit.modules)))
    return EXIT_OK


def cmd_audit_confirm(args: argparse.Namespace, services: Services) -> int:
    keys = list(args.items)
    if args.all:
        keys += [k for k, a in services.audits.detail(args.audit_id).answers.items() if a.carried_over]
    if not keys:
        raise UserInputError(N_("Name the items to confirm, or give --all."))
    changes = services.audits.confirm(args.audit_id, keys)
    if args.json:
        _print_json({"audit_id": changes.audit_id, "confirmed": list(changes.item_keys)})
    else:
        print(ngettext("{n} answer confirmed", "{n} answers confirmed", len(changes.item_keys)).format(
            n=len(changes.item_keys)))
    return EXIT_OK


def cmd_gap(args: argparse.Namespace, services: Services) -> int:
    detail, target, result = services.reuse.gap(args.audit_id, args.to)
    if args.json:
        _print_json(output.gap(detail, target, result))
        return EXIT_OK
    lang = _lang()
    print(_("Gap from {audit} ({source}) to {target}").format(
        audit=detail.audit.title or detail.audit.id[:8], source=detail.audit.catalogue_id, target=target.title.get(lang)))
    counts = result.counts
    print(_("covered: {percent} %").format(percent=result.covered_percent) + " — " + ", ".join(
        f"{labels.gap_status(s)}: {counts[s]}" for s in GAP_ORDER_LIST))
    for item in sorted(result.items, key=lambda i: GAP_ORDER[i.status]):
        if item.status is GapStatus.COVERED and not args.all:
            continue
        title = target.item(item.key).title.get(lang)  # type: ignore[union-attr]
        via = ", ".join(f"{s.ref} ({labels.relation(s.relation)})" for s in item.sources)
        print(f"  {item.ref:<12} {title} — {labels.gap_status(item.status)}" + (f"  [{via}]" if via else ""))
    return EXIT_OK


def cmd_compare(args: argparse.Namespace, services: Services) -> int:
    result = services.reuse.compare(args.audit_a, args.audit_b)
    if args.json:
        _print_json(output.comparison(result))
        return EXIT_OK
    lang = _lang()
    earlier, later = result.earlier, result.later
    print(_("Comparison: {earlier} → {later}").format(
        earlier=f"{earlier.audit.title or earlier.audit.id[:8]} ({earlier.audit.start_date or ''})",
        later=f"{later.audit.title or later.audit.id[:8]} ({later.audit.start_date or ''})"))
    print(", ".join(f"{labels.change(k)}: {n}" for k, n in result.counts.items() if n))
    for row in result.items:
        if row.change is ChangeKind.UNCHANGED and not args.all:
            continue
        item = later.checklist.item(row.key) or earlier.checklist.item(row.key)
        before = _option_label(earlier.checklist, row.earlier_result, lang)
        after = _option_label(later.checklist, row.later_result, lang)
        print(f"  {row.ref:<12} {item.title.get(lang) if item else ''} — {labels.change(row.change)}"
              f" ({before} → {after})")
    return EXIT_OK


def _option_label(checklist: Any, result: str | None, lang: str) -> str:
    option = checklist.scale.option(result) if result else None
    return option.label.get(lang) if option else "–"


def cmd_award(args: argparse.Namespace, services: Services) -> int:
    detail, result = services.reuse.award(args.audit_id)
    if args.json:
        _print_json(output.award(detail, result))
        return EXIT_OK
    if result is None:
        print(_("The catalogue {id} has no award rules.").format(id=detail.checklist.id))
        return EXIT_OK
    print(_("Award rules met") if result.passed else _("Award rules not met yet"))
    for check in result.checks:
        mark = "✓" if check.passed else ("✗" if check.assessed else "?")
        print(f"  {mark} {labels.award_check(check.rule, check.key, check.required, check.actual)}")
    return EXIT_OK


def cmd_audit_show(args: argparse.Namespace, services: Services) -> int:
    detail = services.audits.detail(args.audit_id)
    if args.json:
        _print_json(output.audit_detail(detail))
        return EXIT_OK
    lang = _lang()
    a = detail.audit
    overall = detail.progress.overall
    print(a.title or detail.checklist.title.get(lang))
    print(f"  {_('Organisation')}: {a.organisation_name} / {a.site_name}")
    print(f"  {_('Catalogue')}: {detail.checklist.title.get(lang)} ({a.catalogue_id})")
    print(f"  {_('Kind')}: {labels.kind(a.kind)}   {_('Status')}: {labels.status(a.status)}")
    print(f"  {_('Id')}: {a.id}")
    print(f"  {_('Progress')}: {overall.answered}/{overall.total} ({overall.percent} %) — "
          f"{labels.verdict(overall.verdict)}")
    findings_by_item: dict[str | None, list] = {}
    for f in detail.findings:
        findings_by_item.setdefault(f.item_key, []).append(f)
    for section in detail.checklist.sections:
        p = detail.progress.sections[section.key]
        print()
        print(f"{section.ref} {section.title.get(lang)}  [{p.answered}/{p.total}, {labels.verdict(p.verdict)}]")
        for item in section.items():
            answer = detail.answers.get(item.key)
            option = detail.checklist.scale.option(answer.result) if answer else detail.checklist.scale.open_option
            label = option.label.get(lang) if option else answer.result  # type: ignore[union-attr]
            print(f"  {item.ref:<7} {label:<28} {item.title.get(lang)}")
            if answer and answer.note:
                print(f"          {_('Note')}: {answer.note}")
            for f in findings_by_item.get(item.key, []):
                print(f"          {labels.finding_class(f.finding_class)}: {f.statement}")
    loose = findings_by_item.get(None, [])
    if loose:
        print()
        print(_("Findings without a checklist item"))
        for f in loose:
            print(f"  {labels.finding_class(f.finding_class)}: {f.statement}")
    return EXIT_OK


def cmd_answer(args: argparse.Namespace, services: Services) -> int:
    changes = services.audits.answer(args.audit_id, args.item_key, args.result, args.note)
    if args.json:
        detail = services.audits.detail(changes.audit_id or args.audit_id)
        from oekoaudit.services.audits import find_item

        item = find_item(detail.checklist, args.item_key)
        answer = detail.answers.get(item.key) if item else None
        _print_json({"audit_id": detail.audit.id, "key": item.key if item else args.item_key,
                     "result": answer.result if answer else None, "note": answer.note if answer else "",
                     "changed": changes.answers})
    return EXIT_OK


def cmd_audit_close(args: argparse.Namespace, services: Services) -> int:
    signature = services.audits.close(args.audit_id, args.signed_by, args.role, args.place)
    if args.json:
        _print_json({"audit_id": signature.audit_id, "status": "closed", "signature": output.signature(signature)})
    else:
        print(_("Audit closed, signed by {name} ({role}).").format(name=signature.name, role=signature.role))
    return EXIT_OK


def cmd_audit_reopen(args: argparse.Namespace, services: Services) -> int:
    changes = services.audits.reopen(args.audit_id, args.reason)
    if args.json:
        _print_json({"audit_id": changes.audit_id, "status": "in_progress"})
    else:
        print(_("Audit reopened; it must be signed again to close it."))
    return EXIT_OK


_FINDING_OPTIONS = {"evidence": "objective_evidence", "correction": "correction", "root_cause": "root_cause",
                    "corrective_action": "corrective_action", "owner": "owner", "due": "due_date",
                    "finding_class": "finding_class", "statement": "statement", "status": "status",
                    "verified_on": "verified_on", "verified_by": "verified_by",
                    "verification_result": "verification_result"}


def _given(args: argparse.Namespace, names: dict[str, str]) -> dict[str, Any]:
    """The options the user gave, under the service's field names."""
    return {field: getattr(args, option) for option, field in names.items()
            if getattr(args, option, None) is not None}


def cmd_finding_add(args: argparse.Namespace, services: Services) -> int:
    fields = _given(args, _FINDING_OPTIONS)
    fields.pop("finding_class", None)
    fields.pop("statement", None)
    finding = services.audits.add_finding(args.audit_id, args.finding_class, args.statement, item_key=args.item,
                                          **fields)
    if args.json:
        _print_json(output.finding(finding))
    else:
        print(_("Finding recorded: {id}").format(id=finding.id))
    return EXIT_OK


def cmd_finding_update(args: argparse.Namespace, services: Services) -> int:
    finding = services.audits.update_finding(args.finding_id, **_given(args, _FINDING_OPTIONS))
    if args.json:
        _print_json(output.finding(finding))
    else:
        print(_("Finding {id} changed.").format(id=finding.id[:8]))
    return EXIT_OK


def cmd_actions_list(args: argparse.Namespace, services: Services) -> int:
    organisation_id = None
    if args.org:
        organisation = services.organisations.find(args.org)
        if organisation is None:
            from oekoaudit.errors import N_, NotFoundError

            raise NotFoundError(N_("There is no organisation {id}."), id=args.org)
        organisation_id = organisation.id
    actions = services.audits.open_actions(organisation_id)
    if args.json:
        _print_json([output.open_action(a) for a in actions])
        return EXIT_OK
    if not actions:
        print(_("No open corrective actions."))
    for a in actions:
        f = a.finding
        due = f.due_date.isoformat() if f.due_date else "-"
        mark = _("OVERDUE") if a.overdue else labels.action_status(f.status)
        print(f"{f.id[:8]}  {due:<10}  {mark:<14} {a.organisation_name} / {a.audit_title or a.audit_id[:8]}  "
              f"{f.requirement_ref or '-'}  {f.corrective_action or f.statement}")
    return EXIT_OK


_PLAN_OPTIONS = {"title": "title", "kind": "kind", "objectives": "objectives", "scope": "scope",
                 "criteria": "criteria", "places": "location", "start": "start_date", "end": "end_date",
                 "lead_auditor": "lead_auditor"}


def _pairs(values: list[str] | None, key: str) -> list[dict[str, str]] | None:
    if values is None:
        return None
    pairs = []
    for value in values:
        name, _sep, rest = value.partition(":")
        pairs.append({"name": name.strip(), key: rest.strip()} if rest.strip() else {"name": name.strip()})
    return pairs


def cmd_audit_plan(args: argparse.Namespace, services: Services) -> int:
    fields = _given(args, _PLAN_OPTIONS)
    if (team := _pairs(args.team, "role")) is not None:
        fields["team"] = team
    if (met := _pairs(args.met, "function")) is not None:
        fields["people_met"] = met
    changes = services.audits.update_plan(args.audit_id, **fields)
    audit = services.audits.get(changes.audit_id or args.audit_id)
    if args.json:
        _print_json(output.audit(audit) | {"changed": changes.audits})
    else:
        print(_("Audit plan saved.") if changes.audits else _("Nothing changed."))
    return EXIT_OK


def cmd_audit_status(args: argparse.Namespace, services: Services) -> int:
    changes = services.audits.set_status(args.audit_id, args.status)
    audit = services.audits.get(changes.audit_id or args.audit_id)
    if args.json:
        _print_json({"audit_id": audit.id, "status": audit.status.value, "changed": changes.audits})
    else:
        print(_("The audit is now: {status}").format(status=labels.status(audit.status)))
    return EXIT_OK


def cmd_findings_list(args: argparse.Namespace, services: Services) -> int:
    findings = services.audits.findings(args.audit_id)
    if args.json:
        _print_json([output.finding(f) for f in findings])
        return EXIT_OK
    if not findings:
        print(_("No findings yet."))
    for f in findings:
        where = f.requirement_ref or "-"
        print(f"{f.id[:8]}  {labels.finding_class(f.finding_class):<28} {where:<22} {f.statement}")
    return EXIT_OK


def _target(args: argparse.Namespace) -> Target | None:
    if args.item:
        return Target.item(args.item)
    if args.finding:
        return Target.finding(args.finding)
    if args.measure:
        return Target.measure(args.measure)
    return None


@contextlib.contextmanager
def _ctrl_c_sets(event: threading.Event) -> Iterator[None]:
    """While inside, Ctrl+C does not stop the program but asks the running work to stop cleanly."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, lambda _signum, _frame: event.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def cmd_photos_add(args: argparse.Namespace, services: Services) -> int:
    audit_id = services.audits.resolve(args.audit_id)
    target = _target(args)
    cancel = threading.Event()
    terminal = sys.stderr.isatty()

    def progress(p: ImportProgress) -> None:
        if terminal:
            sys.stderr.write("\r\033[K")
        if not args.json and p.outcome is not None:
            _print_outcome(p.outcome)
        if terminal:
            sys.stderr.write(_("{done} of {total} files").format(done=p.done, total=p.total))
            sys.stderr.flush()

    with _ctrl_c_sets(cancel):
        report = services.evidence.import_files(audit_id, args.files, target, caption=args.caption,
                                                progress=progress, cancel=cancel)
    if terminal:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()
    if args.json:
        _print_json(output.import_report(audit_id, target, report))
    else:
        print(_("Files: {imported} imported, {duplicate} already there, {failed} failed.").format(
            imported=report.count(OutcomeStatus.IMPORTED), duplicate=report.count(OutcomeStatus.DUPLICATE),
            failed=report.count(OutcomeStatus.FAILED)))
    if report.cancelled:
        left = report.count(OutcomeStatus.CANCELLED)
        sys.stderr.write(ngettext("Import cancelled; {n} file was not imported.",
                                  "Import cancelled; {n} files were not imported.", left).format(n=left) + "\n")
        return EXIT_CANCELLED
    return EXIT_USER_ERROR if report.failed else EXIT_OK


def _print_outcome(o: FileOutcome) -> None:
    if o.status is OutcomeStatus.IMPORTED:
        print(_("imported: {name}").format(name=o.path), flush=True)
    elif o.status is OutcomeStatus.DUPLICATE:
        print(_("already there: {name}").format(name=o.path), flush=True)
    elif o.status is OutcomeStatus.FAILED:
        print(_("failed: {reason}").format(reason=output.outcome_message(o) or o.path), flush=True)


def _size(n: int) -> str:
    if n < 1024:
        text = f"{n} B"
    elif n < 1024 * 1024:
        text = f"{n / 1024:.0f} KB"
    else:
        text = f"{n / 1024 / 1024:.1f} MB"
    return text.replace(".", ",") if _lang() == "de" else text


def _evidence_line(e: Evidence) -> str:
    pixels = f"{e.width}×{e.height}" if e.width and e.height else "-"
    captured = e.captured_at.astimezone().strftime("%Y-%m-%d %H:%M") if e.captured_at else "-"
    return (f"{e.id[:8]}  {labels.evidence_kind(e.kind):<9} {e.original_name}  {_size(e.size)}  {pixels}  "
            f"{captured}  {labels.origin(e.origin)}")


def _links_line(e: Evidence) -> str:
    return "; ".join(f"{labels.target_kind(link.target.kind)} {link.label or link.target.ref}" for link in e.links)


def cmd_evidence_list(args: argparse.Namespace, services: Services) -> int:
    found = services.evidence.list(args.audit_id)
    if args.json:
        _print_json([output.evidence(e) for e in found])
        return EXIT_OK
    if not found:
        print(_("No photos or documents yet. Add some with: oekoaudit photos add AUDIT_ID FILE_OR_DIR"))
    for e in found:
        print(_evidence_line(e))
        if e.caption:
            print(f"          {e.caption}")
        if e.links:
            print(f"          → {_links_line(e)}")
    return EXIT_OK


def cmd_evidence_show(args: argparse.Namespace, services: Services) -> int:
    e = services.evidence.get(args.evidence_id)
    if args.json:
        _print_json(output.evidence(e))
        return EXIT_OK
    print(e.original_name)
    hidden = " (" + _("hidden in reports") + ")" if e.hide_location else ""
    redacted = " (" + _("with redactions") + ")" if e.redacted else ""
    rows = [
        (_("Id"), e.id),
        (_("Kind"), f"{labels.evidence_kind(e.kind)} ({e.media_type})"),
        (_("Size"), _size(e.size) + (f", {e.width}×{e.height}" if e.width and e.height else "")),
        (_("Caption"), e.caption or "-"),
        (_("Captured"), e.captured_at.astimezone().strftime("%Y-%m-%d %H:%M") if e.captured_at else "-"),
        (_("Camera"), e.camera or "-"),
        (_("Location"), "-" if e.location is None else
         f"{e.location.latitude:.6f}, {e.location.longitude:.6f}{hidden}"),
        (_("Imported"), " ".join(filter(None, [e.imported_at.astimezone().strftime("%Y-%m-%d %H:%M")
                                               if e.imported_at else "", e.imported_by,
                                               f"({labels.evidence_source(e.source)})"]))),
        (_("Origin"), labels.origin(e.origin)),
        (_("Annotations"), f"{len(e.annotations)}{redacted}"),
        (_("Linked to"), _links_line(e) or "-"),
        ("SHA-256", e.sha256),
    ]
    for label, value in rows:
        print(f"  {label}: {value}")
    return EXIT_OK


# ---- figures and the environmental programme ------------------------------------------------------


def _year_option(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip()
    if not text.isdigit() or not 1900 <= int(text) <= 2200:
        raise UserInputError(N_("{value} is not a year."), value=value)
    return int(text)


def _print_warnings(warnings: Any) -> None:
    for w in warnings:
        print("  " + _("Check: {message}").format(message=output.warning_message(w)))


def cmd_indicators_import(args: argparse.Namespace, services: Services) -> int:
    organisation = services.indicators.organisation(args.org)
    result = services.indicators.import_file(Path(args.file), organisation.id)
    if args.json:
        _print_json(output.figures_import(result, organisation))
        return EXIT_OK
    years = ", ".join(str(y) for y in result.years)
    print(_("Figures imported for {organisation} ({years}): {created} new, {updated} changed, {unchanged} "
            "unchanged.").format(organisation=organisation.name, years=years, created=result.created,
                                 updated=result.updated, unchanged=result.unchanged))
    _print_warnings(result.warnings)
    return EXIT_OK


def _value_text(value: Any, unit: str) -> str:
    return f"{output.number(value)} {unit}".strip()


def _detail_text(v: Any) -> str:
    details = v.details
    if details.get("waste_code"):
        code = format_waste_code(str(details["waste_code"]), bool(details.get("hazardous")))
        return " ".join(filter(None, [code, str(details.get("name", ""))]))
    return str(details.get("name") or details.get("gas") or "")


def _print_figures(overview: Any) -> None:
    years = list(overview.years)
    several_sites = len({v.site_id for v in overview.values}) > 1
    sites = {s.id: s.name for s in overview.sites}
    rows: dict[tuple[Any, ...], dict[int, str]] = {}
    order = {key: index for index, key in enumerate(QUANTITIES)}
    for v in overview.values:
        q = QUANTITIES.get(v.quantity)
        label = (pick(q.label) if q else v.quantity) + (f" – {_detail_text(v)}" if _detail_text(v) else "")
        if several_sites:
            label += f" ({sites.get(v.site_id, '?')})"
        category = q.category if q else Category.REFERENCE
        rows.setdefault((list(Category).index(category), order.get(v.quantity, 999), label, category), {})[v.year] = \
            _value_text(v.value, v.unit)
    width = max([len(key[2]) for key in rows] + [10])
    print(f"  {'':<{width}}  " + "  ".join(f"{y:>16}" for y in years))
    current = None
    for key in sorted(rows):
        if key[3] is not current:
            current = key[3]
            print(f"  {pick(CATEGORY_LABELS[current])}")
        print(f"    {key[2]:<{width - 2}}  " + "  ".join(f"{rows[key].get(y, '–'):>16}" for y in years))


def _print_core(overview: Any) -> None:
    core = overview.core
    reference = core.reference
    print(_("EMAS core indicators (figure B: {reference}, {unit})").format(
        reference=pick(QUANTITIES[reference.quantity].label), unit=core.reference_unit or "–"))
    if reference.justification:
        print("  " + _("Why: {justification}").format(justification=reference.justification))
    if not core.enough_years:
        print("  " + _("An environmental statement shows at least three years; figures exist for {n}.").format(
            n=len(core.years_with_data)))
    width = max([len(pick(r.label)) + 2 * r.level for r in core.rows] + [10])
    print(f"  {'':<{width}}  " + "  ".join(f"{str(y) + ' A':>14} {'R':>10}" for y in core.years))
    area = None
    for r in core.rows:
        if r.area is not area:
            area = r.area
            print(f"  {pick(KEY_AREA_LABELS[area])}")
        label = "  " * r.level + pick(r.label)
        cells = []
        for y in core.years:
            a, ratio = r.a.get(y), r.r.get(y)
            cells.append(f"{(output.number(a) + ' ' + r.unit) if a is not None else '–':>14} "
                         f"{output.number(ratio, _ratio_places(ratio)) if ratio is not None else '–':>10}")
        print(f"    {label:<{width - 2}}  " + "  ".join(cells) + (f"   [{r.r_unit}]" if r.r_unit else ""))
    for key, justification in overview.settings.omitted.items():
        name = pick(QUANTITIES[key].label) if key in QUANTITIES else key
        print("  " + _("Left out: {indicator} – {justification}").format(indicator=name, justification=justification))


def _ratio_places(value: Any) -> int:
    size = abs(value)
    return 1 if size >= 100 else 2 if size >= 1 else 4


def _print_balance(b: Any) -> None:
    print(_("CO2 balance {year} (emission factors {set}): {total} t CO2e").format(
        year=b.year, set=b.factor_set, total=output.number(b.total, 1)))
    print("  " + " · ".join(_("Scope {scope}: {total} t CO2e").format(scope=scope, total=output.number(total, 1))
                            for scope, total in b.by_scope.items()))
    for line in b.lines:
        label = pick(QUANTITIES[line.quantity].label) if line.quantity in QUANTITIES else line.quantity
        if line.detail:
            label += f" {line.detail}"
        amount = f"{output.number(line.recorded)} {line.unit}"
        if line.amount != line.recorded:
            amount += f" → {output.number(line.amount)} {line.unit}"
        factor = line.factor
        source = f"{factor.source}, {factor.year}" if factor.year else factor.source
        note = ""
        template = factor.fallback_template
        if template:
            note = " — " + _(template).format(key=label, requested=factor.requested_year, year=factor.year)
        if factor.override:
            note += " — " + _("own factor")
        print(f"    Scope {line.scope}  {label}: {amount} × {output.number(factor.value)} {factor.unit} = "
              f"{output.number(line.t_co2e, 2)} t  ({source}){note}")
    for missing in b.missing:
        print("    " + _("Not counted, no emission factor: {quantity}").format(
            quantity=f"{missing.quantity} {missing.detail}".strip()))


def cmd_indicators_show(args: argparse.Namespace, services: Services) -> int:
    year = _year_option(args.year)
    organisation = services.indicators.organisation(args.org)
    years = None if year is None else [year - 2, year - 1, year]
    overview = services.indicators.overview(organisation.id, years)
    if year is not None:  # the figures of the year asked for; the core indicators with the two before
        overview = replace(overview, values=tuple(v for v in overview.values if v.year == year),
                           balances=tuple(b for b in overview.balances if b.year == year),
                           warnings=tuple(w for w in overview.warnings if w.year == year))
    if args.json:
        _print_json(output.figures(overview, year))
        return EXIT_OK
    if not overview.values:
        print(_("No figures for {organisation} yet. Import some with: oekoaudit indicators import FILE --org NAME")
              .format(organisation=organisation.name))
        return EXIT_OK
    shown = sorted({v.year for v in overview.values})
    print(_("Figures of {organisation}").format(organisation=organisation.name))
    _print_figures(replace(overview, years=tuple(shown)))
    print()
    _print_core(overview)
    for b in overview.balances:
        print()
        _print_balance(b)
    print()
    if overview.warnings:
        print(_("Plausibility"))
        _print_warnings(overview.warnings)
    else:
        print(_("Plausibility: no figure is ten times or a tenth of the year before."))
    return EXIT_OK


def cmd_indicators_export(args: argparse.Namespace, services: Services) -> int:
    organisation = services.indicators.organisation(args.org)
    count = services.indicators.export_file(organisation.id, Path(args.output))
    if args.json:
        _print_json({"organisation": {"id": organisation.id, "name": organisation.name}, "path": args.output,
                     "count": count})
    else:
        print(ngettext("{n} figure written to {path}.", "{n} figures written to {path}.", count).format(
            n=count, path=args.output))
    return EXIT_OK


def _money(value: Any) -> str:
    return f"{output.number(value, 0)} €"


def _totals_text(t: Any) -> str:
    parts = [_("investment {amount}").format(amount=_money(t.investment_eur)),
             _("savings {amount} per year").format(amount=_money(t.savings_eur_per_year))]
    if t.savings_eur_once:
        parts.append(_("one-off {amount}").format(amount=_money(t.savings_eur_once)))
    for value, unit in ((t.savings_kwh_per_year, "kWh"), (t.savings_m3_per_year, "m³"), (t.savings_t_per_year, "t"),
                        (t.savings_t_co2_per_year, "t CO2")):
        if value:
            parts.append(_("{amount} {unit} per year").format(amount=output.number(value), unit=unit))
    if t.payback_years is not None:
        parts.append(_("payback {years} years").format(years=output.number(t.payback_years, 1)))
    return ", ".join(parts)


def cmd_measures_list(args: argparse.Namespace, services: Services) -> int:
    programme = services.measures.programme(args.ref)
    if args.json:
        _print_json(output.programme(programme, services.measures.area_label))
        return EXIT_OK
    where = programme.organisation.name
    if programme.audit is not None:
        where += " / " + (programme.audit.title or programme.audit.id[:8])
    print(_("Environmental programme: {where}").format(where=where))
    if not programme.measures:
        print(_("No measures yet."))
        return EXIT_OK
    for view in programme.measures:
        m = view.measure
        due = (m.completed_on or m.due_date).isoformat() if (m.completed_on or m.due_date) else "-"
        area = services.measures.area_label(m.area) if m.area else "-"
        print(f"{m.id[:8]}  {status_label(m.status):<14} {due:<10}  {area:<24} {m.title}")
        facts = []
        if m.owner:
            facts.append(m.owner)
        if m.investment_eur is not None:
            facts.append(_("investment {amount}").format(amount=_money(m.investment_eur)))
        if m.savings_eur_per_year is not None:
            facts.append(_("savings {amount} per year").format(amount=_money(m.savings_eur_per_year)))
        if view.co2.t_co2 is not None:
            facts.append(_("{amount} t CO2 per year").format(amount=output.number(view.co2.t_co2, 1)) +
                         (" (" + _("derived from the kWh") + ")" if view.co2.origin.value == "derived" else ""))
        if view.payback_years is not None:
            facts.append(_("payback {years} years").format(years=output.number(view.payback_years, 1)))
        if view.superseded:
            facts.append(_("continued in a later audit"))
        if facts:
            print("          " + ", ".join(facts))
    print()
    print(_("Total ({n} measures, dropped ones left out): {totals}").format(
        n=programme.total.count, totals=_totals_text(programme.total)))
    print(_("By area"))
    for key, totals in programme.by_area.items():
        print(f"  {services.measures.area_label(key) if key else '-'}: {totals.count} – {_totals_text(totals)}")
    print(_("By year"))
    for year, totals in programme.by_year.items():
        print(f"  {year or '-'}: {totals.count} – {_totals_text(totals)}")
    print(_("By status"))
    for key, totals in programme.by_status.items():
        print(f"  {status_label(MeasureStatus(key))}: {totals.count}")
    return EXIT_OK


def cmd_measures_import(args: argparse.Namespace, services: Services) -> int:
    organisation = services.indicators.organisation(args.org)
    result = services.measures.import_file(Path(args.file), organisation.id, audit=args.audit)
    if args.json:
        _print_json(output.measures_import(result, organisation))
    else:
        print(_("Measures imported for {organisation}: {created} new, {updated} changed, {unchanged} unchanged.")
              .format(organisation=organisation.name, created=result.created, updated=result.updated,
                      unchanged=result.unchanged))
    return EXIT_OK


def cmd_measures_export(args: argparse.Namespace, services: Services) -> int:
    organisation, audit = services.measures.scope(args.ref)
    count = services.measures.export_file(audit.id if audit else organisation.id, Path(args.output))
    if args.json:
        _print_json({"organisation": {"id": organisation.id, "name": organisation.name},
                     "audit_id": audit.id if audit else None, "path": args.output, "count": count})
    else:
        print(ngettext("{n} measure written to {path}.", "{n} measures written to {path}.", count).format(
            n=count, path=args.output))
    return EXIT_OK


def cmd_report(args: argparse.Namespace, services: Services) -> int:
    from oekoaudit.report.data import ALL_PARTS, Part, PhotoSize, ReportCancelled, ReportOptions

    audit_id = services.audits.resolve(args.audit_id)
    options = ReportOptions(lang=_lang(), parts=ALL_PARTS - {Part.PHOTOS} if args.no_photos else ALL_PARTS,
                            only_nonconformities=args.only_nonconformities, photo_size=PhotoSize(args.photo_size))
    cancel = threading.Event()
    terminal = sys.stderr.isatty()

    def progress(done: int, total: int, what: str) -> None:
        if terminal:
            line = _("{done} of {total}").format(done=done, total=total) + (f"  {what}" if what else "")
            sys.stderr.write("\r\033[K" + line[:100])
            sys.stderr.flush()

    def clear() -> None:
        if terminal:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()

    try:
        with _ctrl_c_sets(cancel):
            report = services.reports.generate(audit_id, Path(args.output), options, progress=progress,
                                               cancelled=cancel.is_set)
    except ReportCancelled:
        clear()
        sys.stderr.write(_("Cancelled.") + "\n")
        return EXIT_CANCELLED
    finally:
        clear()
    if args.json:
        _print_json({"path": str(report.path), "pages": report.pages, "size": report.size,
                     "fingerprint": report.fingerprint, "document_id": report.document_id, "lang": report.lang,
                     "photos": report.photos})
    else:
        print(ngettext("Report written to {path}: {pages} page, {size}.",
                       "Report written to {path}: {pages} pages, {size}.", report.pages).format(
            path=report.path, pages=report.pages, size=_size(report.size)))
    return EXIT_OK


# ---- audit packages ---------------------------------------------------------------------


def _byte_progress(terminal: bool) -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        if terminal and total:
            sys.stderr.write("\r\033[K" + _("{percent} %").format(percent=min(100, done * 100 // total)))
            sys.stderr.flush()
    return progress


@contextlib.contextmanager
def _cancellable() -> Iterator[tuple[threading.Event, Callable[[int, int], None]]]:
    cancel = threading.Event()
    terminal = sys.stderr.isatty()
    try:
        with _ctrl_c_sets(cancel):
            yield cancel, _byte_progress(terminal)
    finally:
        if terminal:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def cmd_export(args: argparse.Namespace, services: Services) -> int:
    with _cancellable() as (cancel, progress):
        try:
            result = services.packages.export(args.audit_ids, Path(args.output),
                                              key_file=Path(args.sign) if args.sign else None,
                                              without_location=args.without_location, signer_name=args.signer,
                                              progress=progress, cancel=cancel)
        except PackageCancelled:
            sys.stderr.write(_("Cancelled.") + "\n")
            return EXIT_CANCELLED
    if args.json:
        _print_json(output.exported(result))
    else:
        print(ngettext("Package written to {path}: {n} audit, {evidence} originals, {size}.",
                       "Package written to {path}: {n} audits, {evidence} originals, {size}.",
                       len(result.audits)).format(path=result.path, n=len(result.audits), evidence=result.evidence,
                                                  size=_size(result.size)))
        if result.signer_key_id:
            print(_("Signed with the key {key}.").format(key=result.signer_key_id))
        if result.location_removed:
            print(_("The photos' GPS positions were removed from the package."))
    return EXIT_OK


def cmd_import(args: argparse.Namespace, services: Services) -> int:
    with _cancellable() as (cancel, progress):
        try:
            summary = services.packages.import_package(Path(args.file), dry_run=args.dry_run,
                                                       trust=[Path(t) for t in args.trust],
                                                       require_trusted=bool(args.trust), progress=progress,
                                                       cancel=cancel)
        except PackageCancelled:
            sys.stderr.write(_("Cancelled: nothing was imported.") + "\n")
            return EXIT_CANCELLED
    summary["dry_run"] = bool(args.dry_run)
    if args.json:
        _print_json(output.import_summary(summary))
        return EXIT_OK
    for line in output.import_lines(summary):
        print(line)
    return EXIT_OK


def cmd_conflicts_list(args: argparse.Namespace, services: Services) -> int:
    found = services.packages.conflicts(args.audit_id)
    if args.json:
        _print_json([output.conflict(c) for c in found])
        return EXIT_OK
    if not found:
        print(_("No open conflicts."))
        return EXIT_OK
    for c in found:
        print(output.conflict_line(c))
    return EXIT_OK


def cmd_conflicts_resolve(args: argparse.Namespace, services: Services) -> int:
    conflict_id = services.packages.resolve_conflict_id(args.conflict_id)
    services.packages.resolve(conflict_id, args.keep)
    if args.json:
        _print_json({"id": conflict_id, "keep": args.keep, "resolved": True})
    else:
        print(_("Conflict {id} resolved: the {which} value is kept.").format(
            id=conflict_id[:8], which=_("local") if args.keep == "local" else _("incoming")))
    return EXIT_OK


# ---- package commands that need no store --------------------------------------------------


def cmd_keys_new(args: argparse.Namespace) -> int:
    from oekoaudit.services.packages import new_key_pair

    key = new_key_pair(Path(args.output))
    if args.json:
        _print_json({"private_key": str(key.private_path), "public_key": str(key.public_path), "key_id": key.key_id})
    else:
        print(_("Key pair written: {private} (private: keep it safe, never pass it on) and {public} (public: give it "
                "to whoever checks your packages). Key id: {key}").format(
            private=key.private_path, public=key.public_path, key=key.key_id))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from oekoaudit.services.packages import verify_file

    with _cancellable() as (cancel, progress):
        try:
            verification = verify_file(Path(args.file), trust=[Path(t) for t in args.trust], progress=progress,
                                       cancel=cancel)
        except PackageCancelled:
            sys.stderr.write(_("Cancelled.") + "\n")
            return EXIT_CANCELLED
    holds = verification.ok and (not args.trust or verification.signature.status == "trusted")
    if args.json:
        _print_json({**output.verification(verification), "ok": holds})
    else:
        for line in output.verification_lines(verification, trust_given=bool(args.trust)):
            print(line)
    return EXIT_OK if holds else EXIT_USER_ERROR


GAP_ORDER_LIST = sorted(GapStatus, key=GAP_ORDER.__getitem__)


# ---- catalogue commands (no store needed) --------------------------------------------


def cmd_catalogue_list(args: argparse.Namespace, catalogues: CatalogueService) -> int:
    infos = catalogues.list()
    if args.json:
        _print_json([output.catalogue_info(c) for c in infos])
        return EXIT_OK
    for c in infos:
        print(f"{c.id:<20} {c.title.get(_lang())}  ({ngettext('{n} item', '{n} items', c.item_count).format(n=c.item_count)}, {c.status})")
    for problem in catalogues.problems():
        _print_problem(problem)
    return EXIT_OK


def cmd_catalogue_show(args: argparse.Namespace, catalogues: CatalogueService) -> int:
    checklist = catalogues.get(args.catalogue_id)
    if args.json:
        _print_json(output.checklist(checklist))
        return EXIT_OK
    lang = _lang()
    print(f"{checklist.title.get(lang)}  ({checklist.id}, {checklist.status})")
    if checklist.description:
        print(checklist.description.get(lang))

    def show(section: Any, depth: int) -> None:
        print(f"{'  ' * depth}{section.ref} {section.title.get(lang)}")
        for child in section.children:
            if hasattr(child, "children"):
                show(child, depth + 1)
            else:
                print(f"{'  ' * (depth + 1)}{child.ref} {child.title.get(lang)}  "
                      f"[{labels.documented_information(child.documented_information)}]")

    for section in checklist.sections:
        show(section, 0)
    return EXIT_OK


def _problem_text(problem: Any) -> str:
    message = i18n.describe(problem)
    where = problem.location
    if problem.item_key:
        where = _("item {key}, {location}").format(key=problem.item_key, location=where) if where else \
            _("item {key}").format(key=problem.item_key)
    return f"{problem.file}: {where}: {message}" if where else f"{problem.file}: {message}"


def _print_problem(problem: Any) -> None:
    sys.stderr.write(_problem_text(problem) + "\n")


def cmd_catalogue_check(args: argparse.Namespace, catalogues: CatalogueService) -> int:
    results = catalogues.check([Path(f) for f in args.files])
    failed = 0
    report = []
    for path, checklist, problems in results:
        if problems:
            failed += 1
        report.append({
            "file": str(path), "valid": not problems,
            "id": checklist.id if checklist else None,
            "items": sum(1 for _ in checklist.items()) if checklist else None,
            "problems": [{"location": p.location, "key": p.item_key, "message": i18n.describe(p)}
                         for p in problems],
        })
        if not args.json:
            if problems:
                for p in problems:
                    _print_problem(p)
            else:
                print(_("{file}: valid ({id}, {n} items)").format(file=path, id=checklist.id,  # type: ignore[union-attr]
                                                                  n=report[-1]["items"]))
    if args.json:
        _print_json(report)
    return EXIT_USER_ERROR if failed else EXIT_OK


def cmd_catalogue_import(args: argparse.Namespace, catalogues: CatalogueService) -> int:
    result = catalogues.import_result(Path(args.file), id=args.catalogue_id, title=args.title, edition=args.edition,
                                      scale=args.scale, status="published" if args.publish else None)
    c = result.checklist
    items = sum(1 for _ in c.items())
    if args.json:
        _print_json({"id": c.id, "scheme": c.scheme, "edition": c.edition, "status": c.status,
                     "title": output.text(c.title), "items": items, "path": str(result.path),
                     "outcome": result.outcome})
        return EXIT_OK
    message = {
        "created": _("Catalogue imported: {id} (edition {edition}, {status}, {n} items)"),
        "replaced": _("Catalogue replaced: {id} (edition {edition}, {status}, {n} items)"),
        "unchanged": _("The catalogue {id} (edition {edition}) is already there unchanged."),
    }[result.outcome]
    print(message.format(id=c.id, edition=c.edition, status=c.status, n=items))
    return EXIT_OK


# ---- dispatch -------------------------------------------------------------------------

_STORE_COMMANDS: dict[tuple[str, str | None], Callable[[argparse.Namespace, Services], int]] = {
    ("demo", None): cmd_demo,
    ("audits", "list"): cmd_audits_list,
    ("audit", "new"): cmd_audit_new,
    ("audit", "show"): cmd_audit_show,
    ("audit", "close"): cmd_audit_close,
    ("audit", "reopen"): cmd_audit_reopen,
    ("audit", "plan"): cmd_audit_plan,
    ("audit", "status"): cmd_audit_status,
    ("audit", "extend"): cmd_audit_extend,
    ("audit", "confirm"): cmd_audit_confirm,
    ("gap", None): cmd_gap,
    ("compare", None): cmd_compare,
    ("award", None): cmd_award,
    ("finding", "add"): cmd_finding_add,
    ("finding", "update"): cmd_finding_update,
    ("actions", "list"): cmd_actions_list,
    ("findings", "list"): cmd_findings_list,
    ("answer", None): cmd_answer,
    ("photos", "add"): cmd_photos_add,
    ("evidence", "list"): cmd_evidence_list,
    ("evidence", "show"): cmd_evidence_show,
    ("indicators", "import"): cmd_indicators_import,
    ("indicators", "show"): cmd_indicators_show,
    ("indicators", "export"): cmd_indicators_export,
    ("measures", "list"): cmd_measures_list,
    ("measures", "import"): cmd_measures_import,
    ("measures", "export"): cmd_measures_export,
    ("report", None): cmd_report,
    ("export", None): cmd_export,
    ("import", None): cmd_import,
    ("conflicts", "list"): cmd_conflicts_list,
    ("conflicts", "resolve"): cmd_conflicts_resolve,
}
_PLAIN_COMMANDS: dict[tuple[str, str | None], Callable[[argparse.Namespace], int]] = {
    ("keys", "new"): cmd_keys_new,
    ("verify", None): cmd_verify,
}
_CATALOGUE_COMMANDS: dict[str, Callable[[argparse.Namespace, CatalogueService], int]] = {
    "list": cmd_catalogue_list,
    "show": cmd_catalogue_show,
    "check": cmd_catalogue_check,
    "import": cmd_catalogue_import,
}


def run(args: argparse.Namespace) -> int:
    try:
        if args.command == "catalogue":
            from oekoaudit import paths

            return _CATALOGUE_COMMANDS[args.action](
                args, CatalogueService(user_dir=paths.user_catalogues_dir(args.data_dir)))
        plain = _PLAIN_COMMANDS.get((args.command, getattr(args, "action", None)))
        if plain is not None:
            return plain(args)
        handler = _STORE_COMMANDS[(args.command, getattr(args, "action", None))]
        from oekoaudit.services.container import open_services

        with open_services(args.data_dir) as services:
            return handler(args, services)
    except OekoauditError as exc:
        sys.stderr.write(_("Error: {message}").format(message=i18n.describe(exc)) + "\n")
        if isinstance(exc, CatalogueError | TableImportError):  # every problem, with its place
            for problem in exc.problems:
                _print_problem(problem)
        if isinstance(exc, PackageError):
            for problem in exc.problems[1:]:
                sys.stderr.write("  " + i18n.describe(problem) + "\n")
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # the reader went away (``| head``): nothing more to say
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        sys.stderr.write(_("Cancelled.") + "\n")
        return EXIT_CANCELLED
    except OSError as exc:
        sys.stderr.write(_("Error: {message}").format(message=f"{exc.strerror or exc}: {exc.filename or ''}".strip(": "))
                         + "\n")
        return EXIT_USER_ERROR
