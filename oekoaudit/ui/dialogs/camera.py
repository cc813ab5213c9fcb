"""Taking a photo with the device's camera (Qt Multimedia).

Qt Multimedia is imported only when a camera is looked for: it needs system libraries (PulseAudio,
FFmpeg) that a machine may lack. Without it, or without a camera, :func:`availability` says why
and the action "Take photo…" is disabled with that reason as its tooltip. Each picture taken is
handed to ``on_image`` (the importer stores it with source "camera": on site by definition).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from oekoaudit.i18n import _, ngettext
from oekoaudit.ui import style

PictureTaken = Callable[[QImage], None]


def _video_inputs() -> list[Any]:
    """The cameras Qt Multimedia knows; ImportError when it cannot be loaded."""
    from PySide6.QtMultimedia import QMediaDevices

    return list(QMediaDevices.videoInputs())


def availability() -> tuple[bool, str]:
    """(True, "") when a camera can be used, else (False, why not) for the action's tooltip."""
    try:
        inputs = _video_inputs()
    except (ImportError, OSError) as exc:
        return False, _("The camera cannot be used: Qt Multimedia is not available on this computer ({reason}).").format(
            reason=str(exc) or type(exc).__name__)
    except RuntimeError as exc:
        return False, _("The camera cannot be used: {reason}").format(reason=str(exc))
    if not inputs:
        return False, _("No camera found on this computer.")
    return True, ""


class CameraDialog(QDialog):
    """The viewfinder and a shutter button; every picture goes to ``on_image`` at once."""

    def __init__(self, on_image: PictureTaken, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._on_image = on_image
        self.taken = 0
        self.camera: Any = None
        self.capture: Any = None
        self.session: Any = None
        self.setObjectName("camera_dialog")
        self.setWindowTitle(_("Take photo"))
        self.setMinimumSize(720, 560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        top = QHBoxLayout()
        self.device_combo = QComboBox(self)
        self.device_combo.setObjectName("camera_combo")
        self.device_combo.setVisible(False)
        top.addWidget(self.device_combo)
        top.addStretch(1)
        layout.addLayout(top)
        self.viewfinder_box = QVBoxLayout()
        layout.addLayout(self.viewfinder_box, 1)
        self.status = QLabel(self)
        self.status.setObjectName("camera_status")
        self.status.setWordWrap(True)
        self.status.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.last_shot = QLabel(self)
        self.last_shot.setFixedSize(QSize(96, 72))
        self.last_shot.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bottom = QHBoxLayout()
        bottom.addWidget(self.last_shot)
        bottom.addWidget(self.status, 1)
        layout.addLayout(bottom)
        self.buttons = QDialogButtonBox(self)
        self.shutter = QPushButton(_("Take photo"), self)
        self.shutter.setObjectName("camera_shutter")
        self.shutter.setStyleSheet(style.primary_button_style())
        self.shutter.setToolTip(_("Take a photo (Space)"))
        self.buttons.addButton(self.shutter, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(self.buttons)
        self.shutter.clicked.connect(self.shoot)
        self.buttons.rejected.connect(self.reject)
        self._space = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
        self._space.activated.connect(self.shoot)
        self.device_combo.currentIndexChanged.connect(self._on_device_combo_changed)
        self.status.setText(_("Each photo is added to the audit as soon as it is taken."))

    # ---- the camera ---------------------------------------------------------------------

    def start(self) -> bool:
        """Open the camera (the first one, or the one chosen); False and a message if it cannot be."""
        try:
            from PySide6.QtMultimedia import QCamera, QImageCapture, QMediaCaptureSession, QMediaDevices
            from PySide6.QtMultimediaWidgets import QVideoWidget
        except ImportError as exc:
            self._show_problem(_("Qt Multimedia is not available: {reason}").format(reason=str(exc)))
            return False
        inputs = list(QMediaDevices.videoInputs())
        if not inputs:
            self._show_problem(_("No camera found on this computer."))
            return False
        if self.device_combo.count() == 0:
            blocked = self.device_combo.blockSignals(True)
            for device in inputs:
                self.device_combo.addItem(device.description(), device.id())
            self.device_combo.blockSignals(blocked)
            self.device_combo.setVisible(len(inputs) > 1)
            default = QMediaDevices.defaultVideoInput()
            index = self.device_combo.findData(default.id())
            if index >= 0:
                self.device_combo.setCurrentIndex(index)
        device = inputs[max(self.device_combo.currentIndex(), 0)]
        if self.session is None:
            self.viewfinder = QVideoWidget(self)
            self.viewfinder.setMinimumSize(640, 400)
            self.viewfinder_box.addWidget(self.viewfinder)
            self.session = QMediaCaptureSession(self)
            self.capture = QImageCapture(self)
            self.capture.imageCaptured.connect(self.handle_captured)
            self.capture.errorOccurred.connect(self._on_capture_error_occurred)
            self.session.setImageCapture(self.capture)
            self.session.setVideoOutput(self.viewfinder)
        self.stop()
        self.camera = QCamera(device, self)
        self.camera.errorOccurred.connect(self._on_camera_error_occurred)
        self.session.setCamera(self.camera)
        self.camera.start()
        return True

    def stop(self) -> None:
        if self.camera is not None:
            self.camera.stop()
            self.camera.deleteLater()
            self.camera = None

    def _on_device_combo_changed(self, _index: int) -> None:
        if self.session is not None:
            self.start()

    def _show_problem(self, text: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {style.ERROR_TEXT};")
        self.shutter.setEnabled(False)

    def shoot(self) -> None:
        if self.capture is None or not self.capture.isReadyForCapture():
            self.status.setText(_("The camera is not ready yet."))
            return
        self.capture.capture()

    def _on_capture_error_occurred(self, _id: int, _error: Any, text: str) -> None:
        self._show_problem(_("The photo could not be taken: {reason}").format(reason=text))
        self.shutter.setEnabled(True)

    def _on_camera_error_occurred(self, _error: Any, text: str) -> None:
        self._show_problem(_("The camera reports a problem: {reason}").format(reason=text))

    # ---- a picture taken ----------------------------------------------------------------

    def handle_captured(self, _request_id: int, image: QImage) -> bool:
        """A picture arrived from the camera: hand it on to be stored, and show it small."""
        if image.isNull():
            return False
        self._on_image(image)
        self.taken += 1
        self.last_shot.setPixmap(QPixmap.fromImage(image).scaled(
            self.last_shot.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))
        self.status.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.status.setText(ngettext("{n} photo taken and added to the audit.",
                                     "{n} photos taken and added to the audit.", self.taken).format(n=self.taken))
        return True

    # ---- opening and closing ------------------------------------------------------------

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self.camera is None:
            self.start()

    def done(self, result: int) -> None:
        self.stop()
        super().done(result)
