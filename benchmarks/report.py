#!/usr/bin/env python3
"""The PDF report against its floor, measured in the same run (issue 7, PERFORMANCE.md §2).

    .venv/bin/python benchmarks/report.py             # 300 items + 200 photos, 3 rounds
    .venv/bin/python benchmarks/report.py --quick     # 300 items + 12 photos, 1 round (smoke run)
    .venv/bin/python benchmarks/report.py --photos 100 --rounds 5 --keep /tmp/report-bench

Builds a data folder once: a catalogue of 300 items in 15 sections (imported from a generated
spreadsheet), an audit with every item answered (notes of every length, a finding for each
nonconformity), twelve measures, and N photos imported from synthetic 12 MP JPEGs made with
``photo_import.make_photo`` (≈ 4.3 MB each, orientation cycling 1, 6, 1, 8), each linked to an
item, every fifth annotated (an arrow and a redaction). Then, per round, each in a fresh child
process:

- **cold**: ``ReportService.generate`` with the report renderings removed from the cache: every
  photo is prepared from its preview (a 12 MP photo's preview is 2000 px; for the report's medium
  size, at most 1200 px, it is decoded at half scale to 1000 px — ``REPORT_SLACK``), then the
  PDF is built;
- **floor**: bare reportlab platypus building the same content from the same ``ReportData``
  (taken untimed), in one pass, with the report's fonts, type sizes, margins and photo boxes; cover lines, details, the summary's tables,
  every field of every finding, a heading and a table of Paragraph cells with a repeated header
  row per checklist section (notes and photo numbers), the programme and the indicators as
  tables, ``Image(path)`` of the same prepared JPEGs two to a row with caption, references, time
  and position, signatures and distribution; ``useA85 = 0``;
- **warm**: ``ReportService.generate`` again, renderings cached (what a user sees the second time):
  reading the audit, checking the prepared photos, the fingerprint, and the report's layout
  (contents with page numbers in two passes, header and footer on every page, chart, bookmarks).

In every child the modules (reportlab, Pillow, Babel) and the German translation catalogue are
loaded before the clock starts: that is the program's start-up, not the report's work.

Prints median seconds, warm ÷ floor and cold ÷ floor (medians of the rounds' ratios), PDF size,
bytes of the embedded photos and peak RSS of each child (``ru_maxrss``), and where a warm
report's time goes (one more child: ``ReportService.data``, ``render_pdf``, the fsync). Exits 1 with a
"TARGET MISSED" line when warm ÷ floor exceeds 2.0 (the issue's target) or a warm child's peak
RSS exceeds 4 × the PDF's size + 200 MB (bounded memory; PERFORMANCE.md §2).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

ITEMS = 300
SECTIONS = 15
MEASURES = 12
WHEN = datetime(2026, 3, 12, 14, 5, tzinfo=UTC)
#: Targets (issue 7).
MAX_WARM_RATIO = 2.0
RSS_PER_PDF_MB = 4.0
RSS_BASE_MB = 200.0


# -- the data folder ---------------------------------------------------------------------------

_WORDS = ("Gefahrstofflager", "Auffangwanne", "Betriebsanweisung", "Druckluft", "Leckage", "Kältemittel",
          "Abfallbilanz", "Unterweisung", "Notfallplan", "Rechtskataster", "Energieverbrauch", "Beleuchtung")


def _text(seed: int, words: int) -> str:
    return " ".join(_WORDS[(seed * 7 + i * 3) % len(_WORDS)] for i in range(words)) + "."


def _catalogue_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Abschnitt", "Schlüssel", "Titel", "Frage", "Hinweise"])
        per_section = ITEMS // SECTIONS
        for n in range(ITEMS):
            section = n // per_section + 1
            writer.writerow([f"{section} Bereich {section}: {_WORDS[section % len(_WORDS)]}" if n % per_section == 0
                             else "", f"B{section}.{n % per_section + 1}", f"Anforderung {section}.{n % per_section + 1}",
                             f"Ist {_text(n, 6)[:-1]} geregelt und nachgewiesen?", _text(n + 1, 12)])


def build_store(data_dir: Path, photos_dir: Path, count: int) -> dict[str, Any]:
    """The audit of the benchmark; returns its id and the counts."""
    import photo_import

    from oekoaudit.domain.evidence import Shape, ShapeKind, Target
    from oekoaudit.services import open_services

    start = time.perf_counter()
    photos_dir.mkdir(parents=True, exist_ok=True)
    photos = photo_import.generate(photos_dir, count, workers=2)
    generated = time.perf_counter() - start
    sheet = data_dir.parent / "bench-300.csv"
    _catalogue_csv(sheet)
    with open_services(data_dir) as services:
        services.catalogues.import_result(sheet, id="bench-300", title="Benchmark 300", edition="2026")
        organisation = services.organisations.create("Benchmark Metall GmbH", contact="Frank Brandt, Geschäftsführer")
        audit = services.audits.create(organisation.id, "bench-300", kind="internal", title="Benchmark-Audit",
                                       lead_auditor="Dr. Maria Lehmann", scope="Alles", objectives="Messen")
        checklist = services.audits.detail(audit.id).checklist
        keys = [item.key for item in checklist.items()]
        assert len(keys) == ITEMS, len(keys)
        for n, key in enumerate(keys):
            result = "major_nc" if n % 37 == 5 else "minor_nc" if n % 11 == 3 else "observation" if n % 13 == 4 \
                else "not_applicable" if n % 17 == 6 else "conform"
            note = _text(n, (n * 7) % 60) if n % 3 else ""
            services.audits.answer(audit.id, key, result, note or None)
            if result in ("major_nc", "minor_nc"):
                services.audits.add_finding(audit.id, result, _text(n, 25), item_key=key,
                                            corrective_action=_text(n + 2, 15), owner="F. Kaya")
        for n in range(MEASURES):
            services.measures.create(organisation.id, f"Maßnahme {n + 1}: {_text(n, 4)}", audit_id=audit.id,
                                     area="energy", investment_eur=str(1000 * (n + 1)),
                                     savings_eur_per_year=str(300 * (n % 4)), savings_kwh_per_year=str(2000 * n),
                                     energy_carrier="electricity_grid" if n % 2 else "")
        report = services.evidence.import_files(audit.id, photos)
        ids = list(report.evidence_ids)
        assert len(ids) == count, report.failed
        for n, evidence_id in enumerate(ids):
            services.evidence.link(evidence_id, Target.item(keys[(n * 3) % ITEMS]))
            if n % 5 == 0:
                services.evidence.set_annotations(evidence_id, [
                    Shape(ShapeKind.ARROW, ((0.1, 0.9), (0.45, 0.5))),
                    Shape(ShapeKind.REDACT_BLUR, ((0.6, 0.1), (0.85, 0.3)))])
            if n % 4 == 0:
                services.evidence.set_caption(evidence_id, _text(n, 8))
    shutil.rmtree(photos_dir)  # the store keeps the originals
    return {"audit_id": audit.id, "photos": count, "generated_s": generated,
            "built_s": time.perf_counter() - start - generated,
            "photo_mb": sum(p.stat().st_size for p in (data_dir / "blobs").glob("??/*")) / count / 1e6}


# -- the floor: the same content, bare platypus --------------------------------------------------

def floor_build(data: Any, target: Path) -> int:
    """Lay out the report's content with bare platypus; returns the number of pages."""
    from xml.sax.saxutils import escape

    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    from oekoaudit.report import builder, fonts
    from oekoaudit.report import styles as S

    rl_config.useA85 = 0
    fonts.register()
    # the same type sizes, page margins and photo boxes as the report, so the floor places the same
    # tables and images on as many pages (what it leaves out: contents, header and footer, links,
    # bookmarks, watermark, chart, colours)
    sheet = S.build_styles()
    body, small, h1, h2 = sheet["body"], sheet["td"], sheet["h1"], sheet["h2"]
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)])

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text), style)

    def table(rows: list[list[str]], widths: list[float], style: ParagraphStyle = small) -> Table:
        return Table([[p(cell, style) for cell in row] for row in rows], colWidths=widths, repeatRows=1, style=grid)

    def refs(photos: Any) -> str:
        return ", ".join(f"Foto {ref.number}" for ref in photos)

    width = S.FRAME_WIDTH
    cover, details, summary = data.cover, data.details, data.summary
    story: list[Any] = [p(data.title, h1), p(data.organisation), p(cover.site), p(cover.scheme),
                        p(f"{cover.audit_kind} · {cover.dates} · {cover.lead_auditor}"),
                        p(f"{cover.document_id} · {cover.version} · {cover.status}"), PageBreak()]
    story += [p("Auditdetails", h1), p(details.objectives), p(details.scope), p(details.criteria),
              p(details.dates), p(details.location),
              table([["Name", "Rolle"], *[[x.name, x.role] for x in (*details.team, *details.people_met)]],
                    [60 * mm, width - 60 * mm])]
    story += [p("Zusammenfassung", h1), p(f"{summary.verdict} · {summary.answered}/{summary.total} ({summary.percent} %)"),
              table([["Klasse", "Anzahl"], *[[c.label, str(c.count)] for c in summary.finding_counts]],
                    [80 * mm, 20 * mm]),
              table([["Nr.", "Abschnitt", "Bewertet", "Ergebnis"],
                     *[[x.ref, x.title, f"{x.answered}/{x.total}", x.verdict] for x in summary.sections]],
                    [14 * mm, width - 84 * mm, 20 * mm, 50 * mm])]
    story.append(p("Feststellungen", h1))
    for f in data.findings:
        story += [p(f"{f.number} {f.class_label} — {f.requirement_ref} — {f.item}", h2), p(f.statement),
                  p(f.objective_evidence, small), p(f.correction, small), p(f.root_cause, small),
                  p(f.corrective_action, small), p(f"{f.owner} · {f.due_date} · {f.status} · {refs(f.photos)}", small)]
    story.append(p("Checkliste", h1))
    for section in data.checklist:
        story.append(p(f"{section.ref} {section.title}", h2))
        if section.rows:
            story.append(table([["Nr.", "Anforderung", "Ergebnis", "Bemerkung"],
                                *[[r.ref, r.title, r.result, f"{r.note} {refs(r.photos)}"] for r in section.rows]],
                               [14 * mm, 50 * mm, 28 * mm, width - 92 * mm]))
    if data.programme is not None:
        story.append(p("Umweltprogramm", h1))
        story.append(table([["Nr.", "Maßnahme", "Invest.", "€/a", "kWh/a", "t CO₂", "Amort."],
                            *[[r.number, f"{r.title} {r.area} {r.owner} {r.due_date} {r.status} {r.description}",
                               r.investment, r.savings_eur, r.savings_kwh, r.savings_t_co2, r.payback]
                              for r in (*data.programme.rows, data.programme.total)]],
                           [12 * mm, width - 112 * mm, 20 * mm, 20 * mm, 22 * mm, 18 * mm, 20 * mm]))
    if data.indicators is not None:
        story.append(p("Kennzahlen", h1))
        story.append(table([["Kennzahl", "Einheit", *data.indicators.years],
                            *[[r.label, r.unit, *[" / ".join(v) for v in r.values]] for r in data.indicators.core]],
                           [60 * mm, 16 * mm, *[(width - 76 * mm) / max(1, len(data.indicators.years))]
                            * len(data.indicators.years)]))
    if data.photos:
        story += [PageBreak(), p("Fotos", h1)]
        per_row = builder.PHOTOS_PER_ROW[data.options.photo_size]
        cell = (width - builder.PHOTO_GAP * (per_row - 1)) / per_row
        box_h = min(cell * 0.75, builder.PHOTO_MAX_HEIGHT[data.options.photo_size])
        rows = []
        for i in range(0, len(data.photos), per_row):
            row = []
            for photo in data.photos[i:i + per_row]:
                scale = min(cell / photo.width_px, box_h / photo.height_px)
                row.append([Image(str(photo.path), photo.width_px * scale, photo.height_px * scale),
                            p(f"Foto {photo.number}: {photo.caption}", small), p(photo.refers_to, small),
                            p(f"{photo.taken} {photo.location}", small)])
            rows.append(row + [""] * (per_row - len(row)))
        story.append(Table(rows, colWidths=[cell + builder.PHOTO_GAP / 2] * per_row,
                           style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")])))
    story += [p("Unterschriften", h1),
              table([["Name", "Rolle", "Datum", "Ort"], *[[x.name, x.role, x.date, x.place] for x in data.signatures]],
                    [50 * mm, 50 * mm, 30 * mm, width - 130 * mm]),
              table([["Verteiler", ""], *[[x.name, x.role] for x in data.distribution]], [60 * mm, width - 60 * mm])]
    doc = SimpleDocTemplate(str(target), pagesize=A4, leftMargin=S.MARGIN_LEFT, rightMargin=S.MARGIN_RIGHT,
                            topMargin=S.MARGIN_TOP, bottomMargin=S.MARGIN_BOTTOM, invariant=1, title=data.title)
    doc.build(story)
    return doc.page


# -- one measurement, in a fresh child process -------------------------------------------------

def _rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def measure(kind: str, data_dir: Path, audit_id: str, target: Path) -> dict[str, Any]:
    import babel.dates  # noqa: F401 - start-up, not the report's work (as reportlab below)
    import babel.numbers  # noqa: F401
    import PIL.Image  # noqa: F401

    from oekoaudit import i18n
    from oekoaudit.report.data import ReportOptions
    from oekoaudit.services import open_services

    with i18n.language("de"):  # the German catalogue is loaded once per process (here: compiled from
        pass  # the .po when the .mo of a checkout is older; a built app ships the .mo)
    with open_services(data_dir) as services:
        if kind == "floor":
            data = services.reports.data(audit_id, ReportOptions(), generated_at=WHEN)
            import reportlab.platypus  # noqa: F401 - imported before the clock starts, as in the other rows

            from oekoaudit.report import render  # noqa: F401

            start = time.perf_counter()
            pages = floor_build(data, target)
            seconds = time.perf_counter() - start
            photo_bytes = sum(p.path.stat().st_size for p in data.photos)
        elif kind == "parts":  # where a warm report's time goes: reading + photos, layout, the file
            from oekoaudit.report import render

            start = time.perf_counter()
            data = services.reports.data(audit_id, ReportOptions(), generated_at=WHEN)
            data_s = time.perf_counter() - start
            with target.open("wb") as fh:
                start = time.perf_counter()
                result = render.render_pdf(data, fh, invariant=True)
                render_s = time.perf_counter() - start
                start = time.perf_counter()
                fh.flush()
                os.fsync(fh.fileno())
            fsync_s = time.perf_counter() - start
            return {"seconds": data_s + render_s + fsync_s, "data_s": data_s, "render_s": render_s,
                    "fsync_s": fsync_s, "pages": result.pages, "pdf_mb": target.stat().st_size / 1e6,
                    "rss_mb": _rss_mb()}
        else:
            from oekoaudit.report import render  # noqa: F401 - importing reportlab is not part of the time

            start = time.perf_counter()
            report = services.reports.generate(audit_id, target, ReportOptions(), generated_at=WHEN)
            seconds = time.perf_counter() - start
            pages, photo_bytes = report.pages, 0
    pdf = target.read_bytes()
    return {"seconds": seconds, "pages": pages, "pdf_mb": len(pdf) / 1e6, "photo_mb": photo_bytes / 1e6,
            "a85": b"/ASCII85Decode" in pdf, "rss_mb": _rss_mb()}


def measure_in_child(kind: str, data_dir: Path, audit_id: str, target: Path) -> dict[str, Any]:
    if kind == "cold":
        shutil.rmtree(data_dir / "cache" / "renders", ignore_errors=True)
    mode = kind if kind in ("floor", "parts") else "generate"
    proc = subprocess.run([sys.executable, __file__, "--measure", mode,
                           "--data", str(data_dir), "--audit", audit_id, "--target", str(target)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"measuring {kind} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- the run -----------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=200, help="photos to import (default 200; --quick 12)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds (default 3; --quick 1)")
    parser.add_argument("--quick", action="store_true", help="12 photos, one round: a smoke run")
    parser.add_argument("--keep", type=Path, help="build the data folder here and reuse it on the next run")
    parser.add_argument("--measure", choices=("floor", "generate", "parts"), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--audit", help=argparse.SUPPRESS)
    parser.add_argument("--target", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.data, args.audit, args.target)))
        return 0
    count = 12 if args.quick else args.photos
    rounds = args.rounds or (1 if args.quick else 3)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        return _benchmark(args.keep, count, rounds)
    with tempfile.TemporaryDirectory(prefix="oekoaudit-report-bench-") as tmp:
        return _benchmark(Path(tmp), count, rounds)


def _benchmark(work: Path, count: int, rounds: int) -> int:
    data_dir = work / f"data-{count}"
    setup_file = work / f"setup-{count}.json"
    if setup_file.is_file() and data_dir.is_dir():
        setup = json.loads(setup_file.read_text(encoding="utf-8"))
        print(f"reusing the data folder {data_dir}")
    else:
        shutil.rmtree(data_dir, ignore_errors=True)
        setup = build_store(data_dir, work / "photos", count)
        setup_file.write_text(json.dumps(setup), encoding="utf-8")
        print(f"data folder: {ITEMS} items answered, {count} photos of {setup['photo_mb']:.1f} MB (12 MP) "
              f"generated in {setup['generated_s']:.0f} s, imported with the audit in {setup['built_s']:.0f} s")
    audit_id = setup["audit_id"]
    rows: dict[str, list[dict[str, Any]]] = {"cold": [], "floor": [], "warm": []}
    for n in range(rounds):
        for kind in ("cold", "floor", "warm"):  # cold first: it prepares the photos the others print
            result = measure_in_child(kind, data_dir, audit_id, work / f"{kind}.pdf")
            rows[kind].append(result)
        print(f"round {n + 1}: " + ", ".join(f"{k} {rows[k][-1]['seconds']:.2f} s" for k in rows), flush=True)
    ratios = {k: statistics.median(r["seconds"] / f["seconds"] for r, f in zip(rows[k], rows["floor"], strict=True))
              for k in ("warm", "cold")}
    print()
    print(f"report: {ITEMS} items + {count} photos (medium, ≤ 1200 px); {rounds} round(s), medians")
    print(f"{'build':<8} {'seconds':>8} {'× floor':>8} {'pages':>6} {'PDF MB':>8} {'peak RSS MB':>12}  ASCII85")
    for kind in ("floor", "warm", "cold"):
        r = rows[kind]
        ratio = "1.00" if kind == "floor" else f"{ratios[kind]:.2f}"
        print(f"{kind:<8} {statistics.median(x['seconds'] for x in r):>8.2f} {ratio:>8} {r[-1]['pages']:>6} "
              f"{r[-1]['pdf_mb']:>8.1f} {max(x['rss_mb'] for x in r):>12.0f}  {'yes' if r[-1]['a85'] else 'no'}")
    photo_mb = rows["floor"][-1]["photo_mb"]
    pdf_mb = rows["warm"][-1]["pdf_mb"]
    print(f"prepared photos: {photo_mb:.1f} MB; report PDF ÷ photo bytes = {pdf_mb / photo_mb if photo_mb else 0:.3f}")
    parts = measure_in_child("parts", data_dir, audit_id, work / "parts.pdf")
    print(f"a warm report's parts (one more child): reading the audit + checking the photos "
          f"{parts['data_s']:.2f} s, render_pdf {parts['render_s']:.2f} s "
          f"({parts['render_s'] / statistics.median(x['seconds'] for x in rows['floor']):.2f} × floor), "
          f"fsync {parts['fsync_s']:.2f} s")
    missed = []
    if ratios["warm"] > MAX_WARM_RATIO:
        missed.append(f"warm report ÷ floor = {ratios['warm']:.2f} > {MAX_WARM_RATIO}")
    rss = max(x["rss_mb"] for x in rows["warm"])
    limit = RSS_PER_PDF_MB * pdf_mb + RSS_BASE_MB
    if rss > limit:
        missed.append(f"peak RSS {rss:.0f} MB > {limit:.0f} MB (4 × PDF + {RSS_BASE_MB:.0f})")
    if any(x["a85"] for k in ("warm", "cold") for x in rows[k]):
        missed.append("the report's PDF uses ASCII85")
    for line in missed:
        print("TARGET MISSED: " + line)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
