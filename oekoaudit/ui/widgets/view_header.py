"""The top of a workspace tab: margins, a bold heading, a muted count beside it, room for buttons.

Every list-like view (findings, photos, programme, figures, open actions, report) starts the same
way, so the tabs line up when one switches between them::

    frame = view_frame(self, _("Environmental programme"))
    frame.top.addWidget(self.new_button)      # buttons go after the stretch, right-aligned
    frame.layout.addWidget(self.table, 1)

``segments()`` makes the joined toggle buttons that switch between pages of one view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from oekoaudit.ui import style
from oekoaudit.ui.widgets.tables import heading_label

#: the margins of a workspace tab's content (left, top, right, bottom)
VIEW_MARGINS = (14, 12, 14, 12)


@dataclass(frozen=True, slots=True)
class ViewFrame:
    layout: QVBoxLayout
    top: QHBoxLayout
    heading: QLabel
    #: the muted text beside the heading ("6 Maßnahmen")
    count_label: QLabel


def view_frame(view: QWidget, title: str = "", *, stretch: bool = True) -> ViewFrame:
    """Lay out ``view`` as a tab page: its main layout and the heading row (heading, count, stretch)."""
    layout = QVBoxLayout(view)
    layout.setContentsMargins(*VIEW_MARGINS)
    layout.setSpacing(8)
    top = QHBoxLayout()
    top.setSpacing(8)
    heading = heading_label(view)
    heading.setText(title)
    count_label = QLabel(view)
    count_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
    top.addWidget(heading)
    top.addSpacing(6)
    top.addWidget(count_label, 0, Qt.AlignmentFlag.AlignBottom)
    if stretch:
        top.addStretch(1)
    layout.addLayout(top)
    return ViewFrame(layout, top, heading, count_label)


def segment_style() -> str:
    return ("QPushButton { border: 1px solid #c4c8cc; padding: 4px 12px; background: #ffffff; color: #202124; }"
            "QPushButton:hover { background: #f1f3f4; }"
            f"QPushButton:checked {{ background: {style.ACCENT}; border-color: {style.ACCENT}; color: #ffffff; }}")


def segments(parent: QWidget, pages: Sequence[tuple[str, str]], row: QHBoxLayout) -> QButtonGroup:
    """Joined, exclusive toggle buttons (object names ``page_<name>_button``), ids 0, 1, …;
    the first is checked. They are added to ``row``."""
    group = QButtonGroup(parent)
    group.setExclusive(True)
    box = QHBoxLayout()
    box.setSpacing(0)
    for number, (name, text) in enumerate(pages):
        button = QPushButton(text, parent)
        button.setObjectName(f"page_{name}_button")
        button.setCheckable(True)
        button.setStyleSheet(segment_style())
        group.addButton(button, number)
        box.addWidget(button)
    group.button(0).setChecked(True)
    row.addLayout(box)
    return group
