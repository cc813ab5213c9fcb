"""The right half of the checklist: what to ask, what to look for, the answer and the note."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QFont, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from oekoaudit import i18n
from oekoaudit.domain.checklist import AnswerScale, DocumentedInformation, Item, Rating, Section, Text
from oekoaudit.domain.evidence import Target
from oekoaudit.domain.finding import FINDING_CLASS_FOR_RATING, Finding, FindingClass
from oekoaudit.domain.scoring import Progress, Verdict
from oekoaudit.i18n import _
from oekoaudit.services import labels
from oekoaudit.ui import style
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.widgets.answer_bar import AnswerBar
from oekoaudit.ui.widgets.evidence_strip import EvidenceStrip

_DOC_CSS = f"""
h3 {{ color: {style.ACCENT}; font-size: medium; margin-top: 12px; margin-bottom: 4px; }}
p {{ margin-top: 0px; margin-bottom: 6px; }}
ul {{ margin-top: 0px; margin-bottom: 4px; margin-left: 0px; -qt-list-indent: 1; }}
li {{ margin-bottom: 5px; }}
.muted {{ color: {style.MUTED_TEXT}; }}
"""


class NoteEdit(QPlainTextEdit):
    """The note field: tells when focus leaves and when the user is done (Ctrl+Enter, Esc)."""

    focus_left = Signal()
    #: Ctrl+Enter or Escape: save and hand the keyboard back to the checklist
    done = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusOutEvent(event)
        emit(self.focus_left)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and ctrl) or event.key() == Qt.Key.Key_Escape:
            emit(self.done)
            event.accept()
            return
        super().keyPressEvent(event)


def _bullets(texts: tuple[Text, ...], lang: str) -> str:
    return "<ul>" + "".join(f"<li>{escape(t.get(lang))}</li>" for t in texts) + "</ul>"


class ItemDetail(QWidget):
    answer_chosen = Signal(str)
    #: "Record finding…" was clicked (for the item shown)
    finding_requested = Signal()
    #: "Confirm" was clicked on a carried-over answer
    confirm_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._item: Item | None = None
        self._scale: AnswerScale | None = None
        self._read_only = False
        self._findings_of: Callable[[str], list[Finding]] | None = None
        self._build()
        self._connect_signals()
        self.show_nothing()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 12, 10)
        layout.setSpacing(6)

        self.context_label = QLabel(self)
        self.context_label.setWordWrap(True)
        self.context_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.title_label = QLabel(self)
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)

        self.body = QTextBrowser(self)
        self.body.setFrameShape(QFrame.Shape.NoFrame)
        self.body.setOpenLinks(False)
        self.body.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.body.document().setDefaultStyleSheet(_DOC_CSS)
        self.body.document().setDocumentMargin(2)
        palette = self.body.palette()
        palette.setColor(QPalette.ColorRole.Base, palette.color(QPalette.ColorRole.Window))
        self.body.setPalette(palette)

        self.answer_heading = QLabel(_("Assessment"), self)
        self.answer_heading.setStyleSheet(f"color: {style.ACCENT}; font-weight: bold;")
        self.answer_bar = AnswerBar(self)

        self.note_heading = QLabel(_("Note"), self)
        self.note_heading.setStyleSheet(f"color: {style.ACCENT}; font-weight: bold;")
        self.note_edit = NoteEdit(self)
        self.note_edit.setPlaceholderText(
            _("What did you see, whom did you ask, which documents? Saved automatically."))
        self.note_edit.setTabChangesFocus(True)
        lines = self.note_edit.fontMetrics().lineSpacing()
        self.note_edit.setMinimumHeight(lines * 3 + 14)
        self.note_edit.setMaximumHeight(lines * 6 + 14)
        self.note_hint = QLabel(_("Ctrl+Enter or Esc: back to the checklist"), self)
        self.note_hint.setStyleSheet(f"color: {style.MUTED_TEXT}; font-size: small;")

        self.finding_button = QPushButton(_("Record finding…"), self)
        self.finding_button.setObjectName("record_finding_button")
        self.finding_button.setToolTip(_("Record a finding on this requirement (F)"))
        self.finding_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.finding_label = QLabel(self)
        self.finding_label.setObjectName("item_findings_label")
        self.finding_label.setWordWrap(True)
        self.finding_row = QWidget(self)
        finding_layout = QHBoxLayout(self.finding_row)
        finding_layout.setContentsMargins(0, 2, 0, 0)
        finding_layout.setSpacing(10)
        finding_layout.addWidget(self.finding_button)
        finding_layout.addWidget(self.finding_label, 1)

        # an answer carried over from an earlier audit: say so until it is confirmed or changed
        self.carried_row = QFrame(self)
        self.carried_row.setObjectName("carried_row")
        self.carried_row.setStyleSheet(
            f"QFrame#carried_row {{ background: {style.CARRIED_BACKGROUND}; border: 1px solid {style.CARRIED_BORDER};"
            " border-radius: 4px; }")
        carried_layout = QHBoxLayout(self.carried_row)
        carried_layout.setContentsMargins(8, 5, 6, 5)
        carried_layout.setSpacing(10)
        self.carried_label = QLabel(self.carried_row)
        self.carried_label.setObjectName("carried_label")
        self.carried_label.setWordWrap(True)
        self.confirm_button = QPushButton(_("Confirm"), self.carried_row)
        self.confirm_button.setObjectName("confirm_button")
        self.confirm_button.setToolTip(_("Take the carried-over answer as it is (B)"))
        self.confirm_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        carried_layout.addWidget(self.carried_label, 1)
        carried_layout.addWidget(self.confirm_button)
        self.carried_row.setVisible(False)

        # the item's photos and documents; files dropped anywhere on the detail are linked to the item
        self.evidence_strip = EvidenceStrip(self)
        self.evidence_strip.watch_drops(self, self.body, self.note_edit)

        self.separator = QFrame(self)
        self.separator.setFrameShape(QFrame.Shape.HLine)
        self.separator.setStyleSheet("color: #dadce0;")

        layout.addWidget(self.context_label)
        layout.addWidget(self.title_label)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.separator)
        layout.addWidget(self.answer_heading)
        layout.addWidget(self.carried_row)
        layout.addWidget(self.answer_bar)
        layout.addWidget(self.finding_row)
        layout.addWidget(self.evidence_strip)
        layout.addSpacing(4)
        layout.addWidget(self.note_heading)
        layout.addWidget(self.note_edit)
        layout.addWidget(self.note_hint)

    def _connect_signals(self) -> None:
        self.answer_bar.answer_chosen.connect(self.answer_chosen)
        self.finding_button.clicked.connect(self._on_finding_button_clicked)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)

    def _on_confirm_button_clicked(self) -> None:
        emit(self.confirm_requested)

    def set_carried(self, carried: bool, source: str = "") -> None:
        """Mark the answer shown as carried over from ``source`` (an earlier audit) until confirmed."""
        if carried:
            text = _("Carried over from {audit}, needs confirmation. Confirm it as it is, or choose another "
                     "answer.").format(audit=f"„{source}“" if source else _("an earlier audit"))
            self.carried_label.setText(text)
        self.carried_row.setVisible(carried and self._item is not None)
        self.confirm_button.setEnabled(not self._read_only)

    def _on_finding_button_clicked(self) -> None:
        emit(self.finding_requested)

    def set_findings_source(self, findings_of: Callable[[str], list[Finding]] | None) -> None:
        """Where the findings of an item are looked up (the checklist model)."""
        self._findings_of = findings_of

    @property
    def item(self) -> Item | None:
        return self._item

    def _set_answer_widgets_visible(self, visible: bool) -> None:
        for widget in (self.separator, self.answer_heading, self.answer_bar, self.finding_row, self.note_heading,
                       self.note_edit, self.note_hint):
            widget.setVisible(visible)
        if not visible:
            self.carried_row.setVisible(False)
            self.evidence_strip.set_target(None)

    def show_nothing(self) -> None:
        self._item = None
        self.context_label.setText("")
        self.context_label.setVisible(False)
        self.title_label.setText(_("Choose a requirement on the left."))
        self.body.setHtml("<p class='muted'>" + escape(
            _("Answer with the number keys, move with the arrow keys; N jumps to the next open item.")) + "</p>")
        self._set_answer_widgets_visible(False)

    def show_section(self, section: Section, progress: Progress | None, path: list[Section]) -> None:
        lang = i18n.get_language()
        self._item = None
        self._set_context(path, lang)
        self.title_label.setText(f"{section.ref}  {section.title.get(lang)}")
        parts = []
        if section.intro:
            parts.append(f"<p>{escape(section.intro.get(lang))}</p>")
        if progress is not None:
            parts.append("<h3>" + escape(_("Progress")) + "</h3>")
            parts.append("<p>" + escape(_("{answered} of {total} items answered").format(
                answered=progress.answered, total=progress.total)) + "</p>")
            if progress.verdict is not Verdict.NOT_ASSESSED:
                parts.append("<p>" + escape(_("Result: {verdict}").format(verdict=labels.verdict(progress.verdict)))
                             + "</p>")
        parts.append("<p class='muted'>" + escape(_("Press → or choose an item to answer it.")) + "</p>")
        self.body.setHtml("".join(parts))
        self._set_answer_widgets_visible(False)

    def show_item(self, item: Item, scale: AnswerScale, result: str | None, note: str, path: list[Section],
                  read_only: bool = False) -> None:
        lang = i18n.get_language()
        self._item = item
        self._set_context(path, lang)
        self.title_label.setText(f"{item.ref}  {item.title.get(lang)}")
        parts = []
        if item.applicability:
            parts.append("<h3>" + escape(_("Applies if")) + "</h3>"
                         f"<p>{escape(item.applicability.get(lang))}</p>"
                         "<p class='muted'>" + escape(_("If not, answer “not applicable”.")) + "</p>")
        if item.questions:
            parts.append("<h3>" + escape(_("Audit questions")) + "</h3>" + _bullets(item.questions, lang))
        if item.guidance:
            parts.append("<h3>" + escape(_("Guidance")) + "</h3>"
                         f"<p>{escape(item.guidance.get(lang))}</p>")
        if item.evidence:
            parts.append("<h3>" + escape(_("Typical evidence")) + "</h3>" + _bullets(item.evidence, lang))
        if item.legal_refs:
            parts.append("<h3>" + escape(_("Legal basis")) + "</h3>"
                         f"<p>{escape('; '.join(item.legal_refs))}</p>")
        doc = labels.documented_information(item.documented_information)
        if item.documented_information_note:
            doc = f"{doc}: {item.documented_information_note.get(lang)}"
        doc_class = "muted" if item.documented_information is DocumentedInformation.NONE else ""
        parts.append("<h3>" + escape(_("Documented information")) + "</h3>"
                     f"<p class='{doc_class}'>{escape(doc)}</p>")
        self.body.setHtml("".join(parts))
        self.body.verticalScrollBar().setValue(0)
        self.answer_bar.set_scale(scale)
        self.answer_bar.set_current(result)
        self._set_answer_widgets_visible(True)
        self.answer_bar.setEnabled(not read_only)
        self.note_edit.setReadOnly(read_only)
        self._scale = scale
        self._read_only = read_only
        self.set_note(note)
        self._update_findings(result)
        self.evidence_strip.set_read_only(read_only)
        self.evidence_strip.set_target(Target.item(item.key))

    def set_read_only(self, read_only: bool) -> None:
        """A closed audit: the answer buttons, the note and the finding button refuse changes."""
        self._read_only = read_only
        self.answer_bar.setEnabled(not read_only)
        self.note_edit.setReadOnly(read_only)
        self.finding_button.setEnabled(not read_only)
        self.confirm_button.setEnabled(not read_only)
        self.evidence_strip.set_read_only(read_only)
        self._update_findings(self.answer_bar.current())

    def set_result(self, result: str | None) -> None:
        self.answer_bar.set_current(result)
        self._update_findings(result)

    def _update_findings(self, result: str | None) -> None:
        """The findings on the item, and whether its answer asks for one."""
        item = self._item
        if item is None:
            return
        option = self._scale.option(result) if self._scale is not None and result is not None else None
        rating = option.rating if option else Rating.OPEN
        findings = self._findings_of(item.key) if self._findings_of else []
        suggested = FINDING_CLASS_FOR_RATING.get(rating)
        self.finding_button.setEnabled(not self._read_only)
        self.finding_button.setDefault(suggested is not None and not findings)
        if findings:
            names = ", ".join(labels.finding_class(f.finding_class) for f in findings)
            text = _("{count} findings: {classes}").format(count=len(findings), classes=names) \
                if len(findings) > 1 else _("Finding: {classes}").format(classes=names)
            self.finding_label.setText(text)
            self.finding_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        elif rating is Rating.MAJOR_NC:
            self.finding_label.setText(_("A major nonconformity needs a finding."))
            self.finding_label.setStyleSheet(f"color: {style.ERROR_TEXT}; font-weight: bold;")
        elif suggested is not None and not self._read_only:
            self.finding_label.setText(_("Press F to record it as a finding."))
            self.finding_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        else:
            self.finding_label.setText("")
        if findings and not any(f.finding_class is FindingClass.MAJOR_NC for f in findings) \
                and rating is Rating.MAJOR_NC:
            self.finding_label.setText(self.finding_label.text() + " – " + _("A major nonconformity needs a finding."))
            self.finding_label.setStyleSheet(f"color: {style.ERROR_TEXT}; font-weight: bold;")

    def set_note(self, note: str) -> None:
        """Replace the note's text without it counting as an edit."""
        if self.note_edit.toPlainText() != note:
            blocked = self.note_edit.blockSignals(True)
            try:
                self.note_edit.setPlainText(note)
            finally:
                self.note_edit.blockSignals(blocked)

    def _set_context(self, path: list[Section], lang: str) -> None:
        text = "  ›  ".join(f"{s.ref} {s.title.get(lang)}" for s in path)
        self.context_label.setText(text)
        self.context_label.setVisible(bool(text))
