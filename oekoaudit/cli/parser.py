"""The command-line grammar. Help texts are translated, so the language is set first."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from oekoaudit import i18n, paths
from oekoaudit.i18n import _

#: Commands that need Qt; ``oekoaudit.__main__`` hands them to the UI package.
GUI_COMMANDS = frozenset({"gui", "screenshot"})

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_USAGE = 2
EXIT_CANCELLED = 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, _("{prog}: error: {message}").format(prog=self.prog, message=message) + "\n")


def _preselect_language(argv: list[str]) -> None:
    """Set the language before the parser is built (``--lang`` / data folder settings)."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang")
    pre.add_argument("--data-dir")
    known, _rest = pre.parse_known_args(argv)
    configured = None
    if i18n.known_language(known.lang) is None:
        from oekoaudit.services.settings import load_settings

        try:
            configured = load_settings(paths.resolve_data_dir(known.data_dir)).language
        except OSError:
            configured = None
    i18n.set_language(i18n.initial_language(known.lang, configured))


def _common(parser: argparse.ArgumentParser, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--data-dir", metavar="DIR", default=default,
                        help=_("data folder (default: $OEKOAUDIT_DATA_DIR or the user data folder)"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, default=default,
                        help=_("language of the program's text: de (default) or en"))


def _action(actions: argparse._SubParsersAction, name: str, help_text: str) -> argparse.ArgumentParser:
    """A sub-command's action (``audit new``) that also takes the common options."""
    parser = actions.add_parser(name, help=help_text, description=help_text)
    _common(parser, top=False)
    return parser


def _audit_id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("audit_id", metavar="AUDIT_ID", help=_("audit id (or its first characters)"))


def _json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=_("print the result as JSON"))


def _finding_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--evidence", metavar="TEXT", help=_("objective evidence"))
    parser.add_argument("--correction", metavar="TEXT", help=_("immediate correction"))
    parser.add_argument("--root-cause", metavar="TEXT", help=_("root cause"))
    parser.add_argument("--action", dest="corrective_action", metavar="TEXT", help=_("corrective action"))
    parser.add_argument("--owner", metavar="NAME", help=_("who is responsible for the action"))
    parser.add_argument("--due", metavar="YYYY-MM-DD", help=_("due date of the action"))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="oekoaudit",
        description=_("Environmental audits (EMAS, ISO 14001, ÖKOPROFIT, QuB) offline on your computer. "
                      "Without a command the window opens."),
    )
    _common(parser, top=True)
    from oekoaudit import __version__

    parser.add_argument("--version", action="version", version=f"oekoaudit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return _action(sub, name, help_text)

    gui = command("gui", _("open the window"))
    gui.add_argument("--audit", metavar="AUDIT_ID", help=_("open this audit"))
    gui.add_argument("--open", dest="open_package", metavar="FILE.oekoaudit",
                     help=_("open an audit package for review, without importing it (nothing is written to "
                            "your data)"))

    demo = command("demo", _("create a demo organisation with a partly answered ISO 14001 audit, three years of "
                             "figures and an environmental programme"))
    _json_flag(demo)

    audits = command("audits", _("list audits"))
    audits_sub = audits.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    audits_list = _action(audits_sub, "list", _("list every audit with its progress"))
    _json_flag(audits_list)

    audit = command("audit", _("create or show an audit"))
    audit_sub = audit.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    new = _action(audit_sub, "new", _("create an audit (and the organisation, if it is new)"))
    new.add_argument("--org", required=True, metavar="NAME", help=_("organisation name (or id)"))
    new.add_argument("--scheme", required=True, metavar="CATALOGUE_ID",
                     help=_("catalogue id, e.g. iso14001-2015 (see: catalogue list)"))
    new.add_argument("--kind", default="internal", metavar="KIND",
                     help=_("initial, surveillance, recertification, internal (default), self-assessment"))
    new.add_argument("--title", default="", help=_("title of the audit"))
    new.add_argument("--lead-auditor", default="", metavar="NAME", help=_("lead auditor"))
    new.add_argument("--scope", default="", metavar="TEXT", help=_("scope of the audit (sites, activities)"))
    new.add_argument("--objectives", default="", metavar="TEXT", help=_("objectives of the audit"))
    new.add_argument("--from", dest="carry_from", metavar="AUDIT_ID",
                     help=_("carry answers, notes, evidence and open findings over from this earlier audit of the "
                            "organisation (through the catalogue mappings; each to be confirmed)"))
    new.add_argument("--with", dest="modules", action="append", default=[], metavar="CATALOGUE_ID",
                     help=_("add this catalogue's items to the checklist, e.g. rechtskataster-2026; repeat for more"))
    _json_flag(new)
    extend = _action(audit_sub, "extend", _("add a catalogue's items to an audit, e.g. the legal register"))
    _audit_id(extend)
    extend.add_argument("--with", dest="modules", action="append", required=True, metavar="CATALOGUE_ID",
                        help=_("catalogue id, e.g. rechtskataster-2026; repeat for more"))
    _json_flag(extend)
    confirm = _action(audit_sub, "confirm", _("confirm carried-over answers as they are"))
    _audit_id(confirm)
    confirm.add_argument("items", nargs="*", metavar="ITEM_KEY", help=_("item keys or references"))
    confirm.add_argument("--all", action="store_true", help=_("confirm every carried-over answer"))
    _json_flag(confirm)
    show = _action(audit_sub, "show", _("show an audit with every answer, note and finding"))
    _audit_id(show)
    _json_flag(show)

    close = _action(audit_sub, "close", _("sign and close an audit (refused while something is missing)"))
    _audit_id(close)
    close.add_argument("--signed-by", required=True, metavar="NAME", help=_("name of the person who signs"))
    close.add_argument("--role", required=True, metavar="ROLE", help=_("role of the person who signs, e.g. lead auditor"))
    close.add_argument("--place", default="", metavar="PLACE", help=_("place of signing"))
    _json_flag(close)
    plan = _action(audit_sub, "plan", _("change the audit plan (only the options given)"))
    _audit_id(plan)
    plan.add_argument("--title", help=_("title of the audit"))
    plan.add_argument("--kind", metavar="KIND",
                      help=_("initial, surveillance, recertification, internal, self-assessment"))
    plan.add_argument("--objectives", metavar="TEXT", help=_("objectives of the audit"))
    plan.add_argument("--scope", metavar="TEXT", help=_("scope of the audit (sites, activities)"))
    plan.add_argument("--criteria", metavar="TEXT", help=_("audit criteria (standards, permits, own rules)"))
    plan.add_argument("--places", metavar="TEXT", help=_("where the audit takes place"))
    plan.add_argument("--start", metavar="YYYY-MM-DD", help=_("first day of the audit"))
    plan.add_argument("--end", metavar="YYYY-MM-DD", help=_("last day of the audit (empty: none)"))
    plan.add_argument("--lead-auditor", metavar="NAME", help=_("lead auditor"))
    plan.add_argument("--team", action="append", metavar="NAME[:ROLE]",
                      help=_("a member of the audit team; ROLE auditor (default), expert, observer, guide or "
                             "interpreter; repeat for more; replaces the team"))
    plan.add_argument("--met", action="append", metavar="NAME[:FUNCTION]",
                      help=_("a person met on site; repeat for more; replaces the list"))
    _json_flag(plan)
    status = _action(audit_sub, "status", _("move an audit to planned, in_progress or in_review"))
    _audit_id(status)
    status.add_argument("status", metavar="STATUS", help=_("planned, in_progress or in_review"))
    _json_flag(status)
    reopen = _action(audit_sub, "reopen", _("open a closed audit again (the reason is logged)"))
    _audit_id(reopen)
    reopen.add_argument("--reason", required=True, metavar="TEXT", help=_("why the audit is reopened"))
    _json_flag(reopen)

    finding = command("finding", _("record a finding"))
    finding_sub = finding.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    finding_add = _action(finding_sub, "add", _("add a finding to an audit"))
    _audit_id(finding_add)
    finding_add.add_argument("--item", metavar="KEY", help=_("the checklist item it concerns, e.g. 8.1"))
    finding_add.add_argument("--class", dest="finding_class", required=True, metavar="CLASS",
                             help=_("major_nc, minor_nc, observation, improvement or positive"))
    finding_add.add_argument("--statement", required=True, metavar="TEXT", help=_("what was found"))
    _finding_options(finding_add)
    _json_flag(finding_add)
    finding_update = _action(finding_sub, "update", _("change a finding or follow up its corrective action"))
    finding_update.add_argument("finding_id", metavar="FINDING_ID", help=_("finding id (or its first characters)"))
    finding_update.add_argument("--class", dest="finding_class", metavar="CLASS",
                                help=_("major_nc, minor_nc, observation, improvement or positive"))
    finding_update.add_argument("--statement", metavar="TEXT", help=_("what was found"))
    _finding_options(finding_update)
    finding_update.add_argument("--status", metavar="STATUS", help=_("open, in_progress, done or verified"))
    finding_update.add_argument("--verified-on", metavar="YYYY-MM-DD", help=_("date of the effectiveness check"))
    finding_update.add_argument("--verified-by", metavar="NAME", help=_("who checked the effectiveness"))
    finding_update.add_argument("--verification-result", metavar="TEXT", help=_("result of the effectiveness check"))
    _json_flag(finding_update)
    actions = command("actions", _("corrective actions that are not verified yet"))
    actions_sub = actions.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    actions_list = _action(actions_sub, "list", _("list open corrective actions across audits, overdue first"))
    actions_list.add_argument("--org", metavar="NAME", help=_("only this organisation (name or id)"))
    _json_flag(actions_list)
    findings = command("findings", _("list findings"))
    findings_sub = findings.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    findings_list = _action(findings_sub, "list", _("list an audit's findings"))
    _audit_id(findings_list)
    _json_flag(findings_list)

    photos = command("photos", _("add photos and documents to an audit"))
    photos_sub = photos.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    photos_add = _action(photos_sub, "add", _("import photos and documents (files or whole folders) into an audit"))
    _audit_id(photos_add)
    photos_add.add_argument("files", nargs="+", metavar="FILE_OR_DIR",
                            help=_("a file, or a folder (with its sub-folders)"))
    attach = photos_add.add_mutually_exclusive_group()
    attach.add_argument("--item", metavar="KEY", help=_("attach to this checklist item, e.g. 8.1"))
    attach.add_argument("--finding", metavar="ID", help=_("attach to this finding (id or its first characters)"))
    attach.add_argument("--measure", metavar="ID", help=_("attach to this measure (id or its first characters)"))
    photos_add.add_argument("--caption", default="", metavar="TEXT", help=_("caption of every file imported"))
    _json_flag(photos_add)
    evidence = command("evidence", _("list and show an audit's photos and documents"))
    evidence_sub = evidence.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    evidence_list = _action(evidence_sub, "list", _("list an audit's photos and documents in gallery order"))
    _audit_id(evidence_list)
    _json_flag(evidence_list)
    evidence_show = _action(evidence_sub, "show", _("show a photo or document with its details and links"))
    evidence_show.add_argument("evidence_id", metavar="EVIDENCE_ID", help=_("evidence id (or its first characters)"))
    _json_flag(evidence_show)

    answer = command("answer", _("answer a checklist item"))
    _audit_id(answer)
    answer.add_argument("item_key", metavar="ITEM_KEY", help=_("item key, e.g. 6.1.2"))
    answer.add_argument("result", metavar="RESULT",
                        help=_("conform, minor_nc, major_nc, observation, improvement, not_applicable, open"))
    answer.add_argument("--note", metavar="TEXT", help=_("note on the item (replaces the previous note)"))
    _json_flag(answer)

    catalogue = command("catalogue", _("list, show and check checklist catalogues"))
    cat_sub = catalogue.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    cat_list = _action(cat_sub, "list", _("list the available catalogues"))
    _json_flag(cat_list)
    cat_show = _action(cat_sub, "show", _("show a catalogue's sections and items"))
    cat_show.add_argument("catalogue_id", metavar="ID", help=_("catalogue id"))
    _json_flag(cat_show)
    cat_check = _action(cat_sub, "check", _("validate catalogue files (default: all shipped ones)"))
    cat_check.add_argument("files", nargs="*", metavar="FILE", help=_("catalogue file (YAML)"))
    _json_flag(cat_check)
    cat_import = _action(cat_sub, "import", _("import your own catalogue from a spreadsheet (CSV, XLSX) or YAML"))
    cat_import.add_argument("file", metavar="FILE", help=_("CSV, XLSX or YAML file"))
    cat_import.add_argument("--id", dest="catalogue_id", metavar="ID", help=_("catalogue id (default: from the file name)"))
    cat_import.add_argument("--title", metavar="TEXT", help=_("title (default: from the file name)"))
    cat_import.add_argument("--edition", metavar="TEXT", help=_("edition (default: this year)"))
    cat_import.add_argument("--scale", metavar="NAME",
                            help=_("answer scale of a spreadsheet: standard (default) or fulfilment"))
    cat_import.add_argument("--publish", action="store_true",
                            help=_("publish the catalogue: it can then no longer be changed, only replaced by a new edition"))
    _json_flag(cat_import)

    gap = command("gap", _("what is missing to reach another scheme, from an audit's answers"))
    _audit_id(gap)
    gap.add_argument("--to", required=True, metavar="CATALOGUE_ID", help=_("the scheme to reach, e.g. emas-2009"))
    gap.add_argument("--all", action="store_true", help=_("list covered items too"))
    _json_flag(gap)
    compare = command("compare", _("compare two audits item by item (recertification)"))
    compare.add_argument("audit_a", metavar="AUDIT_A", help=_("audit id (or its first characters)"))
    compare.add_argument("audit_b", metavar="AUDIT_B", help=_("audit id (or its first characters)"))
    compare.add_argument("--all", action="store_true", help=_("list unchanged items too"))
    _json_flag(compare)
    award = command("award", _("check an audit against its scheme's award rules (ÖKOPROFIT)"))
    _audit_id(award)
    _json_flag(award)

    indicators = command("indicators", _("environmental figures: import, show and export"))
    ind_sub = indicators.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    ind_import = _action(ind_sub, "import", _("import an organisation's figures from a spreadsheet (CSV, XLSX)"))
    ind_import.add_argument("file", metavar="FILE", help=_("CSV or XLSX file"))
    ind_import.add_argument("--org", required=True, metavar="NAME", help=_("organisation name (or id)"))
    _json_flag(ind_import)
    ind_show = _action(ind_sub, "show", _("show an organisation's figures, EMAS core indicators, CO2 balance and "
                                          "plausibility warnings"))
    ind_show.add_argument("org", metavar="ORG", help=_("organisation name (or id)"))
    ind_show.add_argument("--year", metavar="YEAR", help=_("only this year (the core indicators: it and the two "
                                                           "years before)"))
    _json_flag(ind_show)
    ind_export = _action(ind_sub, "export", _("export an organisation's figures to a spreadsheet (CSV, XLSX)"))
    ind_export.add_argument("org", metavar="ORG", help=_("organisation name (or id)"))
    ind_export.add_argument("-o", "--output", required=True, metavar="FILE",
                            help=_("where to write the file (.csv or .xlsx)"))
    _json_flag(ind_export)

    measures = command("measures", _("the environmental programme: list, import and export measures"))
    meas_sub = measures.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    meas_list = _action(meas_sub, "list", _("list the measures of an audit or an organisation with their totals"))
    meas_list.add_argument("ref", metavar="AUDIT_ID|ORG",
                           help=_("audit id (or its first characters), or organisation name (or id)"))
    _json_flag(meas_list)
    meas_import = _action(meas_sub, "import", _("import measures from a spreadsheet (CSV, XLSX)"))
    meas_import.add_argument("file", metavar="FILE", help=_("CSV or XLSX file"))
    meas_import.add_argument("--org", required=True, metavar="NAME", help=_("organisation name (or id)"))
    meas_import.add_argument("--audit", metavar="AUDIT_ID", help=_("new measures belong to this audit"))
    _json_flag(meas_import)
    meas_export = _action(meas_sub, "export", _("export the measures of an audit or an organisation to a "
                                                "spreadsheet (CSV, XLSX)"))
    meas_export.add_argument("ref", metavar="AUDIT_ID|ORG",
                             help=_("audit id (or its first characters), or organisation name (or id)"))
    meas_export.add_argument("-o", "--output", required=True, metavar="FILE",
                             help=_("where to write the file (.csv or .xlsx)"))
    _json_flag(meas_export)

    report = command("report", _("write an audit's report as a PDF (in the language of --lang)"))
    _audit_id(report)
    report.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help=_("where to write the PDF"))
    report.add_argument("--only-nonconformities", action="store_true",
                        help=_("list only the items answered as a nonconformity in the checklist part"))
    report.add_argument("--no-photos", action="store_true", help=_("leave out the photo appendix"))
    report.add_argument("--photo-size", choices=("small", "medium", "large"), default="medium",
                        help=_("photos in the appendix: small (three a row), medium (two, default) or large (one)"))
    _json_flag(report)

    export = command("export", _("write one or several audits into an audit package (.oekoaudit)"))
    export.add_argument("audit_ids", nargs="+", metavar="AUDIT_ID", help=_("audit id (or its first characters)"))
    export.add_argument("-o", "--output", required=True, metavar="FILE.oekoaudit",
                        help=_("where to write the package"))
    export.add_argument("--sign", metavar="KEYFILE", help=_("sign the package with this private key (see: keys new)"))
    export.add_argument("--signer", metavar="NAME",
                        help=_("the signer's name written into the package (default: the auditor's name)"))
    export.add_argument("--without-location", action="store_true",
                        help=_("remove the GPS position from the exported copies of the photos"))
    _json_flag(export)

    keys = command("keys", _("signing keys for audit packages"))
    keys_sub = keys.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    keys_new = _action(keys_sub, "new", _("make a new Ed25519 key pair: KEYFILE (private, keep it safe) and "
                                          "KEYFILE.pub (public, give it to whoever checks your packages)"))
    keys_new.add_argument("-o", "--output", required=True, metavar="KEYFILE", help=_("where to write the private key"))
    _json_flag(keys_new)

    verify = command("verify", _("check an audit package: structure, every member's hash, the signature"))
    verify.add_argument("file", metavar="FILE.oekoaudit", help=_("the package"))
    verify.add_argument("--trust", action="append", default=[], metavar="PUBKEY",
                        help=_("a public key (KEYFILE.pub) the package must be signed with; repeat for more"))
    _json_flag(verify)

    imp = command("import", _("import an audit package and merge it with your data"))
    imp.add_argument("file", metavar="FILE.oekoaudit", help=_("the package"))
    imp.add_argument("--dry-run", action="store_true", help=_("only show what the import would do; write nothing"))
    imp.add_argument("--trust", action="append", default=[], metavar="PUBKEY",
                     help=_("accept the package only if it is signed with this public key; repeat for more"))
    _json_flag(imp)

    conflicts = command("conflicts", _("values both copies of an audit changed differently (after an import)"))
    conflicts_sub = conflicts.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    conflicts_list = _action(conflicts_sub, "list", _("list the open conflicts with both values"))
    conflicts_list.add_argument("audit_id", nargs="?", metavar="AUDIT_ID", help=_("only the conflicts of this audit"))
    _json_flag(conflicts_list)
    conflicts_resolve = _action(conflicts_sub, "resolve", _("keep one of the two values of a conflict"))
    conflicts_resolve.add_argument("conflict_id", metavar="ID", help=_("conflict id (or its first characters)"))
    conflicts_resolve.add_argument("--keep", required=True, choices=("local", "incoming"),
                                   help=_("local: keep this computer's value; incoming: take the package's value"))
    _json_flag(conflicts_resolve)

    shot = command("screenshot", _("render the main window to a PNG image (offscreen)"))
    shot.add_argument("--audit", metavar="AUDIT_ID", help=_("show this audit"))
    shot.add_argument("--view", default=None, metavar="NAME",
                      help=_("overview, plan, checklist (default), findings, evidence, actions, programme, "
                             "indicators, self_assessment, gap or compare"))
    shot.add_argument("--size", default="1280x800", metavar="WxH", help=_("window size (default 1280x800)"))
    shot.add_argument("-o", "--output", required=True, metavar="FILE.png", help=_("where to write the PNG"))

    return parser


def _package_shorthand(argv: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """``oekoaudit FILE.oekoaudit`` (a double click, a file manager) means ``gui --open FILE``."""
    if not argv or not argv[-1].lower().endswith(".oekoaudit"):
        return argv
    commands: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            commands.update(action.choices)
    if any(a in commands for a in argv):
        return argv
    return [*argv[:-1], "gui", "--open", argv[-1]]


def parse_args(argv: list[str]) -> argparse.Namespace:
    _preselect_language(argv)
    parser = build_parser()
    args = parser.parse_args(_package_shorthand(list(argv), parser))
    for name in ("data_dir", "lang", "json"):
        if not hasattr(args, name):
            setattr(args, name, None if name != "json" else False)
    return args
