"""A PDF shown in the window (QtPdf): every page one below the other, as wide as the view at
first; zoom out and in, the page shown ("Seite 3 von 12"), earlier and later page.

The document keeps its file open while it is shown (pdfium reads it lazily), so whoever wants to
overwrite or move the file calls :meth:`PdfPreview.release` first and :meth:`PdfPreview.load`
again afterwards (Windows refuses to replace a file that is open).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMargins, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from oekoaudit.i18n import _
from oekoaudit.ui import style
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.widgets.tables import empty_label

ZOOM_STEP = 1.25
ZOOM_LEAST = 0.2
ZOOM_MOST = 5.0
#: room around the pages (px)
MARGIN = 14
PAGE_SPACING = 14
#: the grey the pages lie on
BACKGROUND = "#e8eaed"


class PdfPreview(QWidget):
    """A PDF file, or a text saying why there is none."""

    #: the page shown or the document changed: (page starting at 1 or 0 for none, pages)
    page_changed = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdf_preview")
        self.document = QPdfDocument(self)
        self._path: Path | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        #: the page and zoom controls: hidden while there is no document (their room kept)
        self.toolbar_box = QWidget(self)
        self.toolbar_box.setObjectName("pdf_toolbar")
        policy = self.toolbar_box.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.toolbar_box.setSizePolicy(policy)
        self.toolbar = QHBoxLayout(self.toolbar_box)
        self.toolbar.setContentsMargins(0, 0, 0, 0)
        self.toolbar.setSpacing(4)
        self.previous_button = self._tool_button("\u2039", _("Previous page"), "pdf_previous")
        self.next_button = self._tool_button("\u203a", _("Next page"), "pdf_next")
        self.page_label = QLabel(self.toolbar_box)
        self.page_label.setObjectName("pdf_page_label")
        self.page_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.page_label.setMinimumWidth(self.page_label.fontMetrics().horizontalAdvance(
            _("Page {page} of {pages}").format(page=888, pages=888)) + 8)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_out_button = self._tool_button("\u2212", _("Zoom out"), "pdf_zoom_out")
        self.zoom_in_button = self._tool_button("+", _("Zoom in"), "pdf_zoom_in")
        self.fit_button = QToolButton(self.toolbar_box)
        self.fit_button.setObjectName("pdf_fit_width")
        self.fit_button.setText(_("Page width"))
        self.fit_button.setToolTip(_("Show the pages as wide as the preview"))
        self.fit_button.setCheckable(True)
        self.toolbar.addWidget(self.previous_button)
        self.toolbar.addWidget(self.page_label)
        self.toolbar.addWidget(self.next_button)
        self.toolbar.addSpacing(12)
        self.toolbar.addWidget(self.zoom_out_button)
        self.toolbar.addWidget(self.zoom_in_button)
        self.toolbar.addWidget(self.fit_button)
        self.toolbar.addStretch(1)
        layout.addWidget(self.toolbar_box)

        self.view = QPdfView(self)
        self.view.setObjectName("pdf_view")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(PAGE_SPACING)
        self.view.setDocumentMargins(QMargins(MARGIN, MARGIN, MARGIN, MARGIN))
        palette = self.view.palette()
        palette.setColor(QPalette.ColorRole.Dark, QColor(BACKGROUND))  # what QPdfView paints around the pages
        self.view.setPalette(palette)
        self.view.setFrameShape(QFrame.Shape.StyledPanel)
        self.placeholder = empty_label(self)
        self.placeholder.setObjectName("pdf_placeholder")
        self.placeholder.setStyleSheet(f"color: {style.MUTED_TEXT}; padding: 40px; background: #f7f8f9;"
                                       " border: 1px dashed #d0d4d8; border-radius: 6px;")
        self.placeholder.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.view)
        layout.addWidget(self.stack, 1)

        self.previous_button.clicked.connect(lambda: self.go_to(self.current_page() - 1))
        self.next_button.clicked.connect(lambda: self.go_to(self.current_page() + 1))
        self.zoom_in_button.clicked.connect(lambda: self.zoom_by(ZOOM_STEP))
        self.zoom_out_button.clicked.connect(lambda: self.zoom_by(1 / ZOOM_STEP))
        self.fit_button.clicked.connect(self.fit_width)
        self.view.pageNavigator().currentPageChanged.connect(self._update_page)
        self.view.zoomModeChanged.connect(self._update_buttons)
        self.show_placeholder("")

    def _tool_button(self, text: str, tip: str, name: str) -> QToolButton:
        button = QToolButton(self.toolbar_box)
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setAutoRaise(False)
        button.setMinimumWidth(28)
        return button

    # ---- the document ----------------------------------------------------------------------

    @property
    def path(self) -> Path | None:
        """The file shown (None: none)."""
        return self._path

    def page_count(self) -> int:
        return self.document.pageCount() if self._path is not None else 0

    def load(self, path: Path | str) -> bool:
        """Show ``path``; False (and the placeholder stays) if it cannot be read as a PDF."""
        self.release()
        path = Path(path)
        error = self.document.load(str(path))
        if error != QPdfDocument.Error.None_ or self.document.pageCount() < 1:
            self.document.close()
            return False
        self._path = path
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.stack.setCurrentWidget(self.view)
        self.view.pageNavigator().jump(0, QPointF(), 0)
        self._update_page()
        return True

    def release(self) -> None:
        """Close the file (it may then be replaced); the preview shows nothing until the next load."""
        if self._path is not None or self.document.status() != QPdfDocument.Status.Null:
            self.document.close()
        self._path = None
        self._update_page()

    def show_placeholder(self, text: str) -> None:
        """No document: ``text`` (rich text) in its place."""
        self.release()
        self.placeholder.setText(text)
        self.stack.setCurrentWidget(self.placeholder)

    # ---- pages and zoom ----------------------------------------------------------------------

    def current_page(self) -> int:
        """The page shown, starting at 0."""
        return self.view.pageNavigator().currentPage()

    def go_to(self, page: int) -> None:
        pages = self.page_count()
        if not pages:
            return
        page = max(0, min(page, pages - 1))
        self.view.pageNavigator().jump(page, QPointF(), 0)
        self._update_page()

    def effective_zoom(self) -> float:
        """The zoom the pages are drawn at (in "page width" mode the one that fills the width)."""
        if self.view.zoomMode() != QPdfView.ZoomMode.FitToWidth or not self.page_count():
            return self.view.zoomFactor()
        size = self.document.pagePointSize(0)
        resolution = self.view.logicalDpiX() / 72.0
        margins = self.view.documentMargins()
        room = self.view.viewport().width() - margins.left() - margins.right()
        if size.width() <= 0 or room <= 0:
            return 1.0
        return room / (size.width() * resolution)

    def zoom_by(self, step: float) -> None:
        if not self.page_count():
            return
        factor = max(ZOOM_LEAST, min(ZOOM_MOST, self.effective_zoom() * step))
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(factor)
        self._update_buttons()

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._update_buttons()

    def _update_page(self, *_args: object) -> None:
        pages = self.page_count()
        page = self.current_page() + 1 if pages else 0
        self.page_label.setText(_("Page {page} of {pages}").format(page=page, pages=pages) if pages else "")
        self._update_buttons()
        emit(self.page_changed, page, pages)

    def _update_buttons(self, *_args: object) -> None:
        pages = self.page_count()
        page = self.current_page()
        self.previous_button.setEnabled(pages > 0 and page > 0)
        self.next_button.setEnabled(pages > 0 and page < pages - 1)
        fitted = self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
        zoom = self.effective_zoom() if pages else 1.0
        self.zoom_in_button.setEnabled(pages > 0 and zoom < ZOOM_MOST)
        self.zoom_out_button.setEnabled(pages > 0 and zoom > ZOOM_LEAST)
        self.fit_button.setEnabled(pages > 0)
        self.fit_button.setChecked(pages > 0 and fitted)
        self.toolbar_box.setVisible(pages > 0)
