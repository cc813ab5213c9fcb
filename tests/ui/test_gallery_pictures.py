"""The evidence screens with real photos, as a user sees them: the gallery with a dozen photos of
varied colours, the details pane, the viewer with annotations, the import result, the strips of
an item and a finding, the link dialog. With ``OEKOAUDIT_SHOTS=<dir>`` each screen is saved as a
PNG (German, with the new texts of build/tr_gallery.json), for looking at them; the test itself
checks that each screen is laid out (nothing empty or cut off that should show)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from evidence_support import COLOURS, Shots, settle, tiny_pdf, with_new_translations
from PIL import Image, ImageDraw, ImageFilter

from PySide6.QtGui import QImage

from oekoaudit.domain.evidence import Origin, Shape, ShapeKind, Target

REPO = Path(__file__).resolve().parents[2]
ITEM = "8.1"


def _scene(colour: tuple[int, int, int], n: int, taken: date | None, gps: bool = False) -> bytes:
    """A photo-like picture: a sky-to-floor gradient in ``colour``, a few shapes, soft edges."""
    w, h = (1200, 900) if n % 4 else (900, 1200)
    image = Image.new("RGB", (w, h))
    draw = ImageDraw.Draw(image)
    for y in range(h):
        t = y / h
        draw.line([(0, y), (w, y)], fill=tuple(int(c * (0.55 + 0.6 * t)) % 256 for c in colour))
    draw.rectangle((w * 0.1, h * 0.55, w * 0.45, h * 0.9), fill=(200, 200, 190))
    draw.ellipse((w * 0.55, h * 0.2, w * 0.85, h * 0.6), fill=tuple(255 - c for c in colour))
    draw.rectangle((w * 0.6, h * 0.65, w * 0.95, h * 0.72), fill=(40, 40, 40))
    image = image.filter(ImageFilter.GaussianBlur(2))
    exif = image.getexif()
    exif[0x010F] = "Fairphone"
    exif[0x0110] = "FP5"
    if taken is not None:
        stamp = taken.strftime("%Y:%m:%d") + f" 10:{10 + n:02d}:00"
        exif.get_ifd(0x8769)[0x9003] = stamp
        exif[0x0132] = stamp
    if gps:
        exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 18.0, 42.5), 3: "E", 4: (9.0, 29.0, 51.2)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, exif=exif)
    return buffer.getvalue()


@pytest.fixture
def shots(qtbot):  # type: ignore[no-untyped-def]
    shots = Shots(qtbot)
    if shots.on:
        with_new_translations()
    return shots


@pytest.fixture
def scene(qtbot, shots, make_window, services, tmp_path):  # type: ignore[no-untyped-def]
    from oekoaudit.services.demo import create_demo

    demo = create_demo(services.organisations, services.audits)
    audit = services.audits.get(demo.audit_id)
    folder = tmp_path / "Begehung"
    folder.mkdir()
    names = ["Druckluft_Leck", "Fasslager", "Container_Papier", "Zähler_Halle2", "Kühlanlage", "Beleuchtung",
             "Auffangwanne", "Lösemittel", "Heizung", "Dach_PV", "Abfallinsel", "Ölabscheider"]
    for n, (colour, name) in enumerate(zip(COLOURS, names, strict=True)):
        taken = audit.start_date if n % 3 != 2 else date(2024, 3, 5)
        (folder / f"{name}.jpg").write_bytes(_scene(colour, n, taken, gps=n == 0))
    tiny_pdf(folder / "Genehmigung_BImSchG.pdf", "Genehmigung nach BImSchG")
    report = services.evidence.import_files(audit.id, [folder], workers=0)
    assert not report.failed
    rows = services.evidence.list(audit.id)
    first = next(e for e in rows if e.original_name.startswith("Druckluft"))
    services.evidence.set_caption(first.id, "Undichte Kupplung an der Druckluftleitung, Halle 2")
    services.evidence.link(first.id, Target.item(ITEM))
    finding = demo.findings[0]
    services.evidence.link(first.id, Target.finding(finding.id))
    services.evidence.set_annotations(first.id, [
        Shape(ShapeKind.ARROW, ((0.2, 0.2), (0.52, 0.38))),
        Shape(ShapeKind.ELLIPSE, ((0.53, 0.18), (0.87, 0.62))),
        Shape(ShapeKind.MARKER, ((0.15, 0.75),), number=1),
        Shape(ShapeKind.TEXT, ((0.05, 0.06),), text="Leck"),
        Shape(ShapeKind.REDACT_BLUR, ((0.62, 0.64), (0.94, 0.74))),
    ])
    second = next(e for e in rows if e.original_name.startswith("Fasslager"))
    services.evidence.set_caption(second.id, "Fasslager ohne Auffangwanne")
    services.evidence.link(second.id, Target.item(ITEM))
    window = make_window(size=(1280, 800))
    window.workspace.evidence_ui.importer.workers = 0
    assert window.open_audit(audit.id, "evidence")
    settle(qtbot, window)
    return window, services, audit, first, finding, folder


def test_the_evidence_screens(qtbot, scene, shots, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window, services, audit, first, finding, folder = scene
    gallery = window.workspace.gallery
    assert gallery.model.rowCount() == 13
    assert gallery.select(first.id)
    settle(qtbot, window)
    details = gallery.details
    assert details.caption_edit.toPlainText().startswith("Undichte Kupplung")
    assert details.hide_check.isVisible() and "51" in details.position_value.text()
    assert len(details.link_rows) == 2
    assert details.origin_badge.text() and details.evidence.origin is Origin.ON_SITE
    # later photos (captured a year before the audit) carry the other badge
    later = [e for e in gallery.model.rows if e.origin is Origin.IMPORTED_LATER and e.is_photo]
    assert later
    shots("gallery", window)
    shots("details", details.body)

    # the viewer, with the annotations over the preview
    viewer = gallery.open_current()
    viewer.resize(1100, 780)
    qtbot.waitExposed(viewer)
    settle(qtbot, window)
    assert max(viewer.canvas.image.width(), viewer.canvas.image.height()) == 1200 and viewer.canvas.shapes
    shots("viewer", viewer)
    viewer.close()

    # the import result with a file that is no photo
    (folder / "Notiz.jpg").write_text("nur Text")
    extra = folder.parent / "Nachtrag"
    extra.mkdir()
    (extra / "Notiz.jpg").write_text("nur Text")
    (extra / "Fasslager.jpg").write_bytes((folder / "Fasslager.jpg").read_bytes())
    (extra / "Waschplatz.jpg").write_bytes(_scene((90, 120, 160), 5, None))
    job = window.workspace.evidence_ui.importer.import_paths(audit.id, [extra], None, window)
    dialog = window.workspace.evidence_ui.importer.dialogs[-1]
    settle(qtbot, window)
    assert job.report is not None and len(job.report.outcomes) == 3
    assert len(dialog.result_lines()) == 3
    shots("import-result", dialog)
    dialog.accept()

    # the link dialog
    link = gallery.link_current()
    link.resize(640, 520)
    qtbot.waitExposed(link)
    shots("link-dialog", link)
    link.reject()

    # the checklist item with its strip
    window.workspace.show_view("checklist")
    window.workspace.checklist.select_item(ITEM)
    settle(qtbot, window)
    strip = window.workspace.checklist.detail.evidence_strip
    assert strip.isVisible() and len(strip.rows) == 2
    shots("checklist-strip", window)
    window.workspace.checklist.select_item("8.2")
    assert strip.isVisible() and strip.rows == [] and strip.hint.text()
    shots("checklist-strip-empty", window.workspace.checklist.detail)

    # the finding dialog with its strip
    window.workspace.show_view("findings")
    dialog = window.workspace.findings.edit_finding(finding)
    qtbot.waitExposed(dialog)
    settle(qtbot, window)
    assert dialog.evidence_strip.isVisible() and len(dialog.evidence_strip.rows) == 1
    shots("finding-strip", dialog)
    dialog.reject()


def test_the_empty_gallery(qtbot, make_window, audit, shots) -> None:  # type: ignore[no-untyped-def]
    window = make_window(size=(1280, 800))
    assert window.open_audit(audit.id, "evidence")
    gallery = window.workspace.gallery
    assert gallery.stack.currentWidget() is gallery.empty and gallery.empty.text()
    shots("empty", window)


def test_screenshot_command_shows_the_evidence_view(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith("OEKOAUDIT_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    folder = str(tmp_path / "data")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "oekoaudit", "--data-dir", folder, *args], cwd=REPO, env=env,
                              text=True, capture_output=True, timeout=120)

    done = run("demo", "--json")
    assert done.returncode == 0, done.stderr
    audit_id = json.loads(done.stdout)["audit"]["id"]
    photos = tmp_path / "fotos"
    photos.mkdir()
    for n, colour in enumerate(COLOURS[:4]):
        (photos / f"F{n}.jpg").write_bytes(_scene(colour, n, None))
    done = run("photos", "add", audit_id, str(photos))
    assert done.returncode == 0, done.stderr
    png = tmp_path / "evidence.png"
    done = run("screenshot", "--audit", audit_id[:8], "--view", "evidence", "--size", "1100x720", "-o", str(png))
    assert done.returncode == 0, done.stderr
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1100, 720)
    colours = {image.pixel(x, y) for x in range(0, 1100, 23) for y in range(0, 720, 19)}
    assert len(colours) > 30  # the photos are in it, not placeholders only
