#!/usr/bin/env python3
"""Sample renders of the PDF report for the docs: docs/images/report-{cover,summary,findings,photos}.png.

    python build/render_report_samples.py                 # the test fixture's audit (German)
    python build/render_report_samples.py --pdf REPORT.pdf  # any report, e.g. of the demo audit:
                                                          #   oekoaudit report AUDIT -o REPORT.pdf
    python build/render_report_samples.py --lang en --out /tmp/samples --dpi 80

The pages are found through the PDF's outline (the headings "Zusammenfassung"/"Summary",
"Feststellungen"/"Findings", "Fotoanhang"/"Photo appendix"); the cover is page 1. Needs
``pdftoppm`` (Debian: poppler-utils).
"""

from __future__ import annotations

import argparse
import gettext
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: sample name → outline titles (German, English) of the page to show
PAGES = {
    "summary": ("Zusammenfassung", "Summary"),
    "findings": ("Feststellungen", "Findings"),
    "photos": ("Fotoanhang", "Photo appendix"),
}


class _Pending(gettext.NullTranslations):
    """The German catalogue, with the report's words from build/tr_r1.json where it has none yet."""

    def __init__(self, base: gettext.NullTranslations, extra: dict[str, str]) -> None:
        super().__init__()
        self._base, self._extra = base, extra

    def gettext(self, message: str) -> str:
        translated = self._base.gettext(message)
        return self._extra.get(message, translated) if translated == message else translated

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._base.ngettext(singular, plural, n)


def _use_pending_translations() -> None:
    from oekoaudit import i18n

    pending = ROOT / "build" / "tr_r1.json"
    if not pending.is_file():
        return
    extra = {k: v for k, v in json.loads(pending.read_text(encoding="utf-8")).items() if isinstance(v, str)}
    i18n._loaded["de"] = _Pending(i18n._load("de"), extra)  # noqa: SLF001 - a build script's shortcut


def make_sample_pdf(target: Path, lang: str) -> Path:
    sys.path.insert(0, str(ROOT / "tests" / "report"))
    from dataclasses import replace

    from sample_data import make_report_data

    from oekoaudit.report.render import render_pdf

    _use_pending_translations()
    data = make_report_data(target.parent / "assets")
    if lang != "de":
        data = replace(data, lang=lang, options=replace(data.options, lang=lang))
    render_pdf(data, target)
    return target


def find_pages(pdf: Path) -> dict[str, int]:
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    pages = {"cover": 1}

    def walk(items: list) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item)
                continue
            for name, titles in PAGES.items():
                if name not in pages and item.title in titles:
                    pages[name] = reader.get_destination_page_number(item) + 1

    walk(reader.outline)
    return pages


def render(pdf: Path, pages: dict[str, int], out: Path, dpi: int) -> list[Path]:
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise SystemExit("pdftoppm is missing (apt-get install poppler-utils)")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, page in pages.items():
        stem = out / f"report-{name}"
        subprocess.run([exe, "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                        str(stem)], check=True)
        written.append(stem.with_suffix(".png"))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", type=Path, help="a report to take the pages from (default: render the fixture)")
    parser.add_argument("--lang", default="de", choices=("de", "en"), help="language of the fixture's report")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--dpi", type=int, default=72)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="oekoaudit-samples-") as tmp:
        pdf = args.pdf or make_sample_pdf(Path(tmp) / "report.pdf", args.lang)
        pages = find_pages(pdf)
        for path in render(pdf, pages, args.out, args.dpi):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
