"""Helpers of the evidence UI tests: small photos made with Pillow, imports without worker
processes, drops as a file manager sends them, waiting for the background work."""

from __future__ import annotations

import io
import os
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from oekoaudit.ui.evidence_import import file_urls

#: colours of the test photos (varied, so that screenshots show them apart)
COLOURS = [(198, 57, 43), (41, 128, 185), (39, 174, 96), (241, 196, 15), (142, 68, 173), (44, 62, 80),
           (236, 240, 241), (211, 84, 0), (22, 160, 133), (127, 140, 141), (192, 57, 120), (52, 73, 94)]


def photo_bytes(colour: tuple[int, int, int], size: tuple[int, int] = (64, 48), orientation: int | None = None,
                fmt: str = "JPEG", taken: str | None = None, mark: bool = True, serial: int = 0) -> bytes:
    """A picture: ``colour`` with a lighter disc and a dark bar at the top (so that up and down can
    be told); ``serial`` tints the bar, so that pictures of the same colour differ."""
    image = Image.new("RGB", size, colour)
    if mark:
        draw = ImageDraw.Draw(image)
        w, h = size
        light = tuple(min(255, c + 90) for c in colour)
        draw.ellipse((w * 0.3, h * 0.25, w * 0.7, h * 0.75), fill=light)
        draw.rectangle((0, 0, w - 1, max(1, h // 10)), fill=(20 + serial % 40, 20 + serial // 40 % 40, 20 + serial // 1600 % 40))
    exif = image.getexif()
    if orientation:
        exif[0x0112] = orientation
    if taken:
        exif[0x0132] = taken  # DateTime
        exif.get_ifd(0x8769)[0x9003] = taken  # DateTimeOriginal
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, "JPEG", quality=88, exif=exif)
    else:
        image.save(buffer, fmt)
    return buffer.getvalue()


def write_photos(folder: Path, count: int, size: tuple[int, int] = (64, 48), prefix: str = "IMG_",
                 fmt: str = "JPEG") -> list[Path]:
    """``count`` photos of distinct content (PNG for tiny ones: JPEG blurs tiny differences away)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    suffix = "jpg" if fmt == "JPEG" else fmt.lower()
    start = 0 if prefix == "IMG_" else zlib.crc32(prefix.encode()) % 1000  # other names, other pictures
    for n in range(count):
        path = folder / f"{prefix}{1000 + n}.{suffix}"
        path.write_bytes(photo_bytes(COLOURS[n % len(COLOURS)], size, fmt=fmt, serial=start + n))
        paths.append(path)
    return paths


def import_photos(services: Any, audit_id: str, folder: Path, count: int, **kwargs: Any) -> list[Any]:
    """``count`` small photos imported in this process; the evidence in gallery order."""
    paths = write_photos(folder, count, **kwargs)
    report = services.evidence.import_files(audit_id, paths, workers=0)
    assert not report.failed, report.failed
    return services.evidence.list(audit_id)


def tiny_pdf(path: Path, text: str = "Genehmigung") -> Path:
    """A one-page PDF (reportlab) with a coloured box and a line of text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFillColorRGB(0.1, 0.4, 0.7)
    pdf.rect(60, 600, 470, 180, fill=1, stroke=0)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont("Helvetica", 28)
    pdf.drawString(72, 540, text)
    pdf.showPage()
    pdf.save()
    return path


def drop_files(widget: QWidget, paths: Sequence[Path | str] | QMimeData, pos: QPoint | None = None) -> bool:
    """Drag ``paths`` over ``widget`` and drop them there, as a file manager would; True if it was taken."""
    mime = paths if isinstance(paths, QMimeData) else file_urls(paths)
    point = QPointF(pos if pos is not None else widget.rect().center())
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point.toPoint(), actions, mime, buttons, modifiers)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    move = QDragMoveEvent(point.toPoint(), actions, mime, buttons, modifiers, QEvent.Type.DragMove)
    QApplication.sendEvent(widget, move)
    drop = QDropEvent(point, actions, mime, buttons, modifiers)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


def settle(qtbot: Any, window: Any, timeout: int = 15_000) -> None:
    """Wait for imports, thumbnails and writes of the window to be done and shown."""
    ui = window.workspace.evidence_ui

    def idle() -> bool:
        window.worker.flush()
        return not ui.importer.busy and not ui.thumbnails.busy and ui.tasks.active == 0

    qtbot.waitUntil(idle, timeout=timeout)
    window.worker.flush()


class Shots:
    """Saves widgets as ``gallery-NN-name.png`` when OEKOAUDIT_SHOTS names a folder (else nothing)."""

    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot
        folder = os.environ.get("OEKOAUDIT_SHOTS")
        self.folder = Path(folder) if folder else None
        self.count = 0
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)

    @property
    def on(self) -> bool:
        return self.folder is not None

    def __call__(self, name: str, widget: QWidget) -> Path | None:
        if self.folder is None:
            return None
        self.qtbot.wait(80)
        QApplication.processEvents()
        self.count += 1
        path = self.folder / f"gallery-{self.count:02d}-{name}.png"
        assert widget.grab().save(str(path)), path
        return path


def with_new_translations() -> None:
    """Use build/tr_gallery.json on top of the German catalogue (screenshots before the lead merges it)."""
    import gettext
    import json

    from oekoaudit import i18n

    repo = Path(__file__).resolve().parents[2]
    extra = json.loads((repo / "build" / "tr_gallery.json").read_text(encoding="utf-8"))
    base = i18n._active()

    class Merged(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            value = extra.get(message)
            if isinstance(value, str) and value:
                return value
            return base.gettext(message)

        def ngettext(self, singular: str, plural: str, n: int) -> str:
            value = extra.get(singular)
            if isinstance(value, list) and len(value) == 2:
                return value[0] if n == 1 else value[1]
            return base.ngettext(singular, plural, n)

    i18n._translations = Merged()
