"""The annotation editor: arrows, boxes, ellipses, freehand lines, labels, numbered markers and
redactions (blurred or blacked out) drawn over a picture, as vectors.

The picture is never changed: the editor returns :class:`~oekoaudit.domain.evidence.Shape`\\ s in
coordinates relative to the displayed picture (:meth:`AnnotationEditor.shapes`), which the caller
stores; every rendering that leaves the app burns them in. Redactions are shown here as they will
look (black, or a coarse blurred mosaic of the area).

Keys: V select, A arrow, R rectangle, E ellipse, F freehand, T text, M marker, B blur, X black
box; Ctrl+Z / Ctrl+Shift+Z undo and redo, Del deletes the selection, the arrow keys nudge it,
Ctrl+wheel or Ctrl+plus/minus zoom, Ctrl+0 fits the picture into the window, Ctrl+1 shows it at
100 %.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QFont,
    QIcon,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from oekoaudit.domain.evidence import DEFAULT_COLOUR, DEFAULT_WIDTH, Shape, parse_shapes, shapes_json
from oekoaudit.errors import UserInputError
from oekoaudit.i18n import N_, _
from oekoaudit.ui import prompts, style
from oekoaudit.ui.widgets.annotation_canvas import AnnotationCanvas, Tool, load_image

#: The palette: colour, name.
COLOURS: tuple[tuple[str, str], ...] = (
    (DEFAULT_COLOUR, N_("Red")),
    ("#fdd835", N_("Yellow")),
    ("#43a047", N_("Green")),
    ("#1e88e5", N_("Blue")),
    ("#ffffff", N_("White")),
    ("#000000", N_("Black")),
)
#: Line widths (relative to the picture's shorter side): width, name.
WIDTHS: tuple[tuple[float, str], ...] = (
    (0.003, N_("Thin")),
    (DEFAULT_WIDTH, N_("Medium")),
    (0.010, N_("Thick")),
)

#: Each tool: its name, key, and what the status line says while it is chosen.
TOOLS: tuple[tuple[Tool, str, str, str], ...] = (
    (Tool.SELECT, N_("Select"), "V",
     N_("Click a shape to select it, drag it to move it, drag a handle to resize it. Double-click a label "
        "to change its text; Del deletes the selection.")),
    (Tool.ARROW, N_("Arrow"), "A", N_("Drag from where the arrow starts to the spot it points to.")),
    (Tool.RECT, N_("Rectangle"), "R", N_("Drag a rectangle around what should stand out.")),
    (Tool.ELLIPSE, N_("Ellipse"), "E", N_("Drag an ellipse around what should stand out.")),
    (Tool.FREEHAND, N_("Freehand"), "F", N_("Hold the mouse button down and draw.")),
    (Tool.TEXT, N_("Text"), "T",
     N_("Click where the label should go, type its text and press Enter. Click a label to change its text.")),
    (Tool.MARKER, N_("Number"), "M",
     N_("Click to place marker number {number}; every further click places the next number.")),
    (Tool.REDACT_BLUR, N_("Blur"), "B",
     N_("Drag a rectangle over the area that should be made unrecognisable (faces, names, number plates). "
        "Every copy that leaves the app shows it blurred.")),
    (Tool.REDACT_BLACK, N_("Black box"), "X",
     N_("Drag a rectangle over the area that should be blacked out. Every copy that leaves the app shows "
        "it covered in black.")),
)

_ICON_INK = QColor("#3c4043")
_PANEL_STYLE = (
    "QFrame#annotation_tools { background: #f6f7f8; border: none; border-right: 1px solid #dadce0; }"
    "QToolButton { padding: 4px 10px 4px 6px; border: 1px solid transparent; border-radius: 4px; }"
    "QToolButton:hover { background: #e8eaed; }"
    "QToolButton:checked { background: #dbe8df; border: 1px solid #9cc3a9; }"
    "QFrame#tool_separator { border: none; border-bottom: 1px solid #dadce0; margin: 0 4px 4px 4px; }"
    f"QLabel#tool_heading {{ color: {style.MUTED_TEXT}; padding: 0 0 0 4px; }}"
)
_BAR_STYLE = (
    "QToolBar { background: #f6f7f8; border: none; border-bottom: 1px solid #dadce0; spacing: 2px;"
    " padding: 4px 6px; }"
    "QToolButton { padding: 3px 6px; border: 1px solid transparent; border-radius: 4px; }"
    "QToolButton#compact { padding: 3px; }"
    "QToolButton:hover { background: #e8eaed; }"
    "QToolButton:checked { background: #dbe8df; border: 1px solid #9cc3a9; }"
)


class AnnotationEditor(QDialog):
    """Draw on a picture; after :meth:`accept` :meth:`shapes` are what to store."""

    def __init__(self, image_path: Path, shapes: Sequence[Shape], parent: QWidget | None = None,
                 title: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("annotation_editor")
        self.setWindowTitle(title or _("Annotate picture"))
        self.setSizeGripEnabled(True)
        self._initial = _normalised(shapes)
        self._notice = ""

        self.canvas = AnnotationCanvas(self)
        # the tools: a column of full-width buttons (a vertical QToolBar would centre them)
        self.tool_bar = QFrame(self)
        self.tool_bar.setObjectName("annotation_tools")
        self.tool_bar.setAccessibleName(_("Tools"))
        self.tool_bar.setStyleSheet(_PANEL_STYLE)
        self.option_bar = QToolBar(_("Colour and line"), self)
        self.option_bar.setObjectName("annotation_options")
        self.option_bar.setIconSize(QSize(20, 20))
        self.option_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.option_bar.setStyleSheet(_BAR_STYLE)

        self.tool_actions: dict[Tool, QAction] = {}
        self._tool_group = QActionGroup(self)
        self._tool_group.setExclusive(True)
        self._build_tools()
        self.colour_actions: dict[str, QAction] = {}
        self.width_actions: dict[float, QAction] = {}
        self._build_options()

        self.hint_label = QLabel(self)
        self.hint_label.setObjectName("hint_label")
        self.hint_label.setWordWrap(True)
        self.hint_label.setTextFormat(Qt.TextFormat.RichText)
        self.hint_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.hint_label.setMinimumHeight(self.hint_label.fontMetrics().lineSpacing() * 2 + 4)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Apply"))
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.option_bar)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.tool_bar)
        body.addWidget(self.canvas, 1)
        layout.addLayout(body, 1)
        footer = QHBoxLayout()
        footer.setContentsMargins(14, 8, 12, 10)
        footer.setSpacing(16)
        footer.addWidget(self.hint_label, 1)
        footer.addWidget(self.buttons, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addLayout(footer)

        self.canvas.changed.connect(self._on_canvas_changed)
        self.canvas.selection_changed.connect(self._on_canvas_selection_changed)
        self.canvas.zoom_changed.connect(self._on_canvas_zoom_changed)
        self.canvas.notice.connect(self._on_canvas_notice)
        self.canvas.undo_stack.canUndoChanged.connect(self.action_undo.setEnabled)
        self.canvas.undo_stack.canRedoChanged.connect(self.action_redo.setEnabled)

        image, reason = load_image(Path(image_path))
        self.canvas.load(image, self._initial)
        self.action_undo.setEnabled(False)
        self.action_redo.setEnabled(False)
        self.action_delete.setEnabled(False)
        self._load_error = ""
        if image.isNull():
            self._load_error = _("The picture could not be opened: {reason}").format(
                reason=reason or _("unknown reason"))
            self.canvas.empty_text = self._load_error
            for bar in (self.tool_bar, self.option_bar):
                bar.setEnabled(False)
            self.ok_button.setEnabled(False)
        self.set_tool(Tool.SELECT)
        self._select_colour(self.canvas.colour)
        self._select_width(self.canvas.line_width)
        # the option bar never hides buttons behind an overflow arrow
        self.setMinimumWidth(self.option_bar.sizeHint().width() + 24)
        self._fit_to_screen()
        self.canvas.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- building -------------------------------------------------------------------------

    def _action(self, text: str, icon: QIcon, slot: Callable[[], Any], shortcuts: Sequence[QKeySequence | str] = (),
                tooltip: str = "") -> QAction:
        action = QAction(icon, text, self)
        keys = []
        for key in shortcuts:
            sequence = key if isinstance(key, QKeySequence) else QKeySequence(key)
            if not sequence.isEmpty() and sequence not in keys:
                keys.append(sequence)
        action.setShortcuts(keys)
        shown = keys[0].toString(QKeySequence.SequenceFormat.NativeText) if keys else ""
        tip = tooltip or text
        action.setToolTip(f"{tip} ({shown})" if shown else tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_tools(self) -> None:
        column = QVBoxLayout(self.tool_bar)
        column.setContentsMargins(6, 6, 6, 6)
        column.setSpacing(2)
        for index, (tool, name, key, hint) in enumerate(TOOLS):
            action = QAction(tool_icon(tool), _(name), self)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(key))
            action.setData(tool.value)
            tip = _("{tool} (key {key})").format(tool=_(name), key=key)
            action.setToolTip(f"<b>{html.escape(tip)}</b><br>{html.escape(self._hint(tool, hint))}")
            action.triggered.connect(self._on_tool_action_triggered)
            self._tool_group.addAction(action)
            self.addAction(action)
            self.tool_actions[tool] = action
            if index == 1 or tool is Tool.REDACT_BLUR:
                line = QFrame(self.tool_bar)
                line.setObjectName("tool_separator")
                line.setFixedHeight(9)
                column.addWidget(line)
            if tool is Tool.REDACT_BLUR:
                heading = QLabel(_("Redact"), self.tool_bar)
                heading.setObjectName("tool_heading")
                column.addWidget(heading)
            button = QToolButton(self.tool_bar)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setIconSize(QSize(20, 20))
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setAccessibleName(_(name))
            column.addWidget(button)
        column.addStretch(1)

    def _build_options(self) -> None:
        bar = self.option_bar
        self.action_undo = self._action(_("Undo"), symbol_icon("undo"), self.canvas.undo,
                                        [QKeySequence.StandardKey.Undo])
        self.action_redo = self._action(_("Redo"), symbol_icon("redo"), self.canvas.redo,
                                        [QKeySequence("Ctrl+Shift+Z"), *QKeySequence.keyBindings(
                                            QKeySequence.StandardKey.Redo)])
        self.action_delete = self._action(_("Delete"), symbol_icon("delete"), self.delete_selection,
                                          [QKeySequence.StandardKey.Delete, QKeySequence("Backspace")],
                                          _("Delete the selected shapes"))
        for action in (self.action_undo, self.action_redo):
            self._icon_only(bar, action)
        bar.addSeparator()
        bar.addAction(self.action_delete)
        bar.addSeparator()

        bar.addWidget(_bar_label(_("Colour:"), bar))
        colours = QActionGroup(self)
        for colour, name in COLOURS:
            action = QAction(swatch_icon(colour), _(name), self)
            action.setCheckable(True)
            action.setData(colour)
            action.setToolTip(_("Colour: {name}").format(name=_(name)))
            action.triggered.connect(self._on_colour_action_triggered)
            colours.addAction(action)
            self._icon_only(bar, action)
            self.colour_actions[colour] = action
        bar.addSeparator()
        bar.addWidget(_bar_label(_("Line:"), bar))
        widths = QActionGroup(self)
        for width, name in WIDTHS:
            action = QAction(width_icon(width), _(name), self)
            action.setCheckable(True)
            action.setData(width)
            action.setToolTip(_("Line width and text size: {name}").format(name=_(name)))
            action.triggered.connect(self._on_width_action_triggered)
            widths.addAction(action)
            self._icon_only(bar, action)
            self.width_actions[width] = action

        spacer = QWidget(bar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        self.action_zoom_out = self._action(_("Zoom out"), symbol_icon("minus"), self._on_zoom_out,
                                            [QKeySequence.StandardKey.ZoomOut, QKeySequence("Ctrl+-")])
        self.action_zoom_in = self._action(_("Zoom in"), symbol_icon("plus"), self._on_zoom_in,
                                           [QKeySequence.StandardKey.ZoomIn, QKeySequence("Ctrl+="),
                                            QKeySequence("Ctrl++")])
        self.action_fit = self._action(_("Fit"), symbol_icon("fit"), self.canvas.fit, [QKeySequence("Ctrl+0")],
                                       _("Fit the picture into the window"))
        self.action_actual_size = self._action("100 %", symbol_icon("actual"), self.canvas.actual_size,
                                               [QKeySequence("Ctrl+1")], _("Show the picture at 100 %"))
        self._icon_only(bar, self.action_zoom_out)
        self.zoom_label = QLabel(bar)
        self.zoom_label.setObjectName("zoom_label")
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("1600 %") + 8)
        self.zoom_label.setAccessibleName(_("Zoom"))
        bar.addWidget(self.zoom_label)
        self._icon_only(bar, self.action_zoom_in)
        bar.addAction(self.action_fit)
        self._icon_only(bar, self.action_actual_size)

    @staticmethod
    def _icon_only(bar: QToolBar, action: QAction) -> None:
        bar.addAction(action)
        button = bar.widgetForAction(action)
        if isinstance(button, QToolButton):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            button.setObjectName("compact")
            button.setAccessibleName(action.text())

    def _fit_to_screen(self) -> None:
        screen = self.screen()
        available = screen.availableGeometry() if screen is not None else None
        width, height = 1180, 820
        if available is not None and available.width() > 200:
            width = min(width, int(available.width() * 0.92))
            height = min(height, int(available.height() * 0.92))
        self.resize(width, height)

    # ---- the result -----------------------------------------------------------------------

    def shapes(self) -> tuple[Shape, ...]:
        """The annotations as drawn now, in the form storage gives back (parse_shapes)."""
        return _normalised(self.canvas.shapes())

    def is_modified(self) -> bool:
        return self.shapes() != self._initial

    # ---- tools and options ------------------------------------------------------------------

    @property
    def tool(self) -> Tool:
        return self.canvas.tool

    def set_tool(self, tool: Tool) -> None:
        self.tool_actions[tool].setChecked(True)
        self.canvas.set_tool(tool)
        self._notice = ""
        self._show_hint()

    def delete_selection(self) -> None:
        self.canvas.delete_selected()

    @staticmethod
    def _hint(tool: Tool, hint: str, number: int = 1) -> str:
        text = _(hint)
        return text.format(number=number) if tool is Tool.MARKER else text

    def _show_hint(self) -> None:
        if self._load_error:
            self.hint_label.setText(f'<span style="color: {style.ERROR_TEXT};">{html.escape(self._load_error)}</span>')
            return
        if self._notice:
            self.hint_label.setText(f'<span style="color: {style.ERROR_TEXT};">{html.escape(self._notice)}</span>')
            return
        tool = self.canvas.tool
        name, hint = next((_(n), h) for t, n, _k, h in TOOLS if t is tool)
        text = self._hint(tool, hint, self.canvas.next_marker_number())
        self.hint_label.setText(f'<b>{html.escape(name)}:</b> '
                                f'<span style="color: {style.MUTED_TEXT};">{html.escape(text)}</span>')

    def _select_colour(self, colour: str) -> None:
        for value, action in self.colour_actions.items():
            action.setChecked(value == colour.lower())

    def _select_width(self, width: float) -> None:
        nearest = min(self.width_actions, key=lambda w: abs(w - width))
        for value, action in self.width_actions.items():
            action.setChecked(value == nearest and abs(nearest - width) < 1e-6)

    def _on_tool_action_triggered(self) -> None:
        action = self._tool_group.checkedAction()
        if action is not None:
            self.set_tool(Tool(action.data()))

    def _on_colour_action_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.canvas.set_colour(str(action.data()))
            self._select_colour(self.canvas.colour)

    def _on_width_action_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.canvas.set_width(float(action.data()))
            self._select_width(self.canvas.line_width)

    def _on_zoom_in(self) -> None:
        self.canvas.zoom_by(1)

    def _on_zoom_out(self) -> None:
        self.canvas.zoom_by(-1)

    # ---- canvas signals -------------------------------------------------------------------

    def _on_canvas_changed(self) -> None:
        self._notice = ""
        self._show_hint()

    def _on_canvas_selection_changed(self) -> None:
        indices = self.canvas.selected_indices()
        self.action_delete.setEnabled(bool(indices))
        models = [self.canvas.shapes()[i] for i in indices]
        drawn = [m for m in models if not m.kind.redacts]
        if drawn:
            # the selection's colour and width become the current ones (what the bar shows is what you get)
            if len({m.colour for m in drawn}) == 1:
                self.canvas.colour = drawn[0].colour
            if len({m.width for m in drawn}) == 1:
                self.canvas.line_width = drawn[0].width
        self._select_colour(self.canvas.colour)
        self._select_width(self.canvas.line_width)

    def _on_canvas_zoom_changed(self, factor: float) -> None:
        self.zoom_label.setText(_("{percent} %").format(percent=round(factor * 100)))

    def _on_canvas_notice(self, message: str) -> None:
        self._notice = message
        self._show_hint()

    # ---- closing ----------------------------------------------------------------------------

    def accept(self) -> None:
        self.canvas.finish_text(True)
        super().accept()

    def reject(self) -> None:
        self.canvas.finish_text(True)
        if self.is_modified() and not prompts.confirm(
                self, _("Discard the changes to the annotations?"), _("Annotate picture")):
            return
        super().reject()


def _normalised(shapes: Sequence[Shape]) -> tuple[Shape, ...]:
    try:
        return parse_shapes(shapes_json(shapes))
    except UserInputError:
        return tuple(shapes)


def _bar_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setStyleSheet(f"color: {style.MUTED_TEXT}; padding: 0 4px 0 6px;")
    return label


# ---- icons (painted, no resources) -----------------------------------------------------------


def _paint_icon(draw: Callable[[QPainter], None], size: int = 20) -> QIcon:
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    draw(painter)
    painter.end()
    return QIcon(pixmap)


def _ink(width: float = 1.8) -> QPen:
    pen = QPen(_ICON_INK, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def tool_icon(tool: Tool) -> QIcon:
    def draw(p: QPainter) -> None:
        p.setPen(_ink())
        p.setBrush(Qt.BrushStyle.NoBrush)
        if tool is Tool.SELECT:
            p.setBrush(_ICON_INK)
            p.setPen(_ink(1.2))
            p.drawPolygon(QPolygonF([QPointF(5, 2.5), QPointF(5, 16), QPointF(8.5, 12.6), QPointF(11, 18),
                                     QPointF(13, 17.1), QPointF(10.6, 11.8), QPointF(15.2, 11.6)]))
        elif tool is Tool.ARROW:
            p.drawLine(QPointF(3.5, 16.5), QPointF(14.5, 5.5))
            p.setBrush(_ICON_INK)
            p.drawPolygon(QPolygonF([QPointF(17, 3), QPointF(9.5, 5.2), QPointF(14.8, 10.5)]))
        elif tool is Tool.RECT:
            p.drawRect(QRectF(3, 5, 14, 10))
        elif tool is Tool.ELLIPSE:
            p.drawEllipse(QRectF(2.5, 4.5, 15, 11))
        elif tool is Tool.FREEHAND:
            path = QPainterPath(QPointF(2.5, 14))
            path.cubicTo(QPointF(5, 3), QPointF(8, 4), QPointF(9, 10))
            path.cubicTo(QPointF(10, 16), QPointF(14, 17), QPointF(17.5, 5))
            p.drawPath(path)
        elif tool is Tool.TEXT:
            font = QFont()
            font.setPixelSize(17)
            font.setBold(True)
            p.setFont(font)
            p.drawText(QRectF(0, 0, 20, 20), int(Qt.AlignmentFlag.AlignCenter), "T")
        elif tool is Tool.MARKER:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(DEFAULT_COLOUR))
            p.drawEllipse(QRectF(2, 2, 16, 16))
            font = QFont()
            font.setPixelSize(11)
            font.setBold(True)
            p.setFont(font)
            p.setPen(QColor("#ffffff"))
            p.drawText(QRectF(2, 2, 16, 16), int(Qt.AlignmentFlag.AlignCenter), "1")
        elif tool is Tool.REDACT_BLUR:
            shades = ("#9aa0a6", "#c4c7c5", "#80868b", "#dadce0", "#70757a", "#bdc1c6",
                      "#a8adb2", "#8a8f94", "#d2d5d8")
            for i, shade in enumerate(shades):
                p.fillRect(QRectF(3 + (i % 3) * 4.7, 3 + (i // 3) * 4.7, 4.7, 4.7), QColor(shade))
            p.setPen(_ink(1.0))
            p.drawRect(QRectF(3, 3, 14.1, 14.1))
        elif tool is Tool.REDACT_BLACK:
            p.fillRect(QRectF(3, 5, 14, 10), QColor("#000000"))
    return _paint_icon(draw)


def symbol_icon(name: str) -> QIcon:
    def draw(p: QPainter) -> None:
        p.setPen(_ink())
        p.setBrush(Qt.BrushStyle.NoBrush)
        if name in ("undo", "redo"):
            if name == "redo":
                p.translate(20, 0)
                p.scale(-1, 1)
            path = QPainterPath(QPointF(6, 8))
            path.lineTo(QPointF(12, 8))
            path.cubicTo(QPointF(18, 8), QPointF(18, 16.5), QPointF(12, 16.5))
            path.lineTo(QPointF(7, 16.5))
            p.drawPath(path)
            p.drawPolyline(QPolygonF([QPointF(9, 4.5), QPointF(5.5, 8), QPointF(9, 11.5)]))
        elif name == "delete":
            p.drawLine(QPointF(4, 5.5), QPointF(16, 5.5))
            p.drawLine(QPointF(8, 5.5), QPointF(8.5, 3))
            p.drawLine(QPointF(8.5, 3), QPointF(11.5, 3))
            p.drawLine(QPointF(11.5, 3), QPointF(12, 5.5))
            p.drawPolyline(QPolygonF([QPointF(5.5, 5.5), QPointF(6.5, 17), QPointF(13.5, 17), QPointF(14.5, 5.5)]))
            p.drawLine(QPointF(8.7, 8.5), QPointF(8.9, 14))
            p.drawLine(QPointF(11.3, 8.5), QPointF(11.1, 14))
        elif name in ("plus", "minus"):
            p.drawEllipse(QRectF(3, 3, 10, 10))
            p.drawLine(QPointF(11.7, 11.7), QPointF(17, 17))
            p.drawLine(QPointF(5.5, 8), QPointF(10.5, 8))
            if name == "plus":
                p.drawLine(QPointF(8, 5.5), QPointF(8, 10.5))
        elif name == "fit":
            for x, y, dx, dy in ((3, 3, 1, 1), (17, 3, -1, 1), (17, 17, -1, -1), (3, 17, 1, -1)):
                p.drawPolyline(QPolygonF([QPointF(x, y + 4 * dy), QPointF(x, y), QPointF(x + 4 * dx, y)]))
            p.drawRect(QRectF(7, 7.5, 6, 5))
        elif name == "actual":
            font = QFont()
            font.setPixelSize(10)
            font.setBold(True)
            p.setFont(font)
            p.drawRect(QRectF(2.5, 4, 15, 12))
            p.drawText(QRectF(0, 0, 20, 20), int(Qt.AlignmentFlag.AlignCenter), "1:1")
    return _paint_icon(draw)


def swatch_icon(colour: str) -> QIcon:
    def draw(p: QPainter) -> None:
        p.setPen(QPen(QColor("#80868b"), 1))
        p.setBrush(QColor(colour))
        p.drawEllipse(QRectF(2.5, 2.5, 15, 15))
    return _paint_icon(draw)


def width_icon(width: float) -> QIcon:
    pixels = {0.003: 1.5, DEFAULT_WIDTH: 3.5, 0.010: 6.0}.get(width, 3.0)

    def draw(p: QPainter) -> None:
        p.setPen(_ink(pixels))
        p.drawLine(QPointF(4, 10), QPointF(16, 10))
    return _paint_icon(draw)
