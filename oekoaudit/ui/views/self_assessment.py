"""The guided self-assessment: one question at a time, in plain words, for the owner of a business.

Shown for audits whose checklist offers the mode ``self_assessment`` (every item has a plain
block: question, why it matters, what counts as proof, what to do). Each page asks one question
with the answer choices in everyday words; the answer is saved at once through the undo manager
(Ctrl+Z restores the old one), the note after a pause in typing or when the page changes.

Keys (not while typing the note): the scale's shortcuts (``1`` … ``4``, ``0``) answer, Enter or
Page Down goes on, Backspace or Page Up goes back.

A question left without an answer when the user goes on counts as skipped; after the last
question the skipped ones are offered again. The summary lists what is fulfilled, what is
missing and what is still open, and turns the to-dos of the missing items into measures of the
environmental programme. It can be printed or saved as a PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QPageLayout, QPageSize, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from oekoaudit import i18n
from oekoaudit.domain.audit import Answer, AuditDetail, AuditKind
from oekoaudit.domain.checklist import AnswerOption, Checklist, Item, Rating
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import _, describe, ngettext
from oekoaudit.services import Services
from oekoaudit.ui import prompts, style
from oekoaudit.ui.qtcompat import emit
from oekoaudit.ui.tasks import ChangeNotifier, DbWorker
from oekoaudit.ui.undo import UndoManager, push_answer, push_note
from oekoaudit.ui.widgets.flow_layout import FlowLayout
from oekoaudit.ui.widgets.item_detail import NoteEdit

NOTE_IDLE_MS = 800
#: the widest the text column grows (longer lines are hard to read)
CONTENT_WIDTH = 780
#: a measure's title: the to-do's first sentence, at most this long
TITLE_LIMIT = 110

QUESTION = "question"
SKIPPED = "skipped"
SUMMARY = "summary"

_OPEN_COLOUR = "#5f6368"
_HAVE_COLOUR = style.RATING_TEXT_COLOURS[Rating.CONFORM]
_MISSING_COLOUR = style.RATING_TEXT_COLOURS[Rating.MINOR_NC]
_CARD_STYLE = "background: #f3f6f4; border: 1px solid #dde5e0; border-radius: 6px;"


# ---- the summary as plain data --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SummaryLine:
    item: Item
    #: the chosen option (None for an unknown result)
    option: AnswerOption | None
    note: str


@dataclass(frozen=True, slots=True)
class Todo:
    item: Item
    #: the measure's title: the to-do shortened to its first sentence
    title: str
    #: the whole to-do
    text: str


@dataclass(frozen=True, slots=True)
class Summary:
    have: tuple[SummaryLine, ...]
    missing: tuple[SummaryLine, ...]
    open: tuple[SummaryLine, ...]
    not_relevant: tuple[SummaryLine, ...]
    todos: tuple[Todo, ...]

    @property
    def total(self) -> int:
        return len(self.have) + len(self.missing) + len(self.open) + len(self.not_relevant)

    @property
    def answered(self) -> int:
        return self.total - len(self.open)


def option_of(checklist: Checklist, answers: dict[str, Answer], key: str) -> AnswerOption | None:
    answer = answers.get(key)
    return checklist.scale.option(answer.result) if answer else checklist.scale.open_option


def rating_of(checklist: Checklist, answers: dict[str, Answer], key: str) -> Rating:
    """An answer carried over from last year's self-assessment counts once it is given again."""
    answer = answers.get(key)
    if answer is not None and answer.carried_over:
        return Rating.OPEN
    option = option_of(checklist, answers, key)
    return option.rating if option is not None else Rating.OPEN


def short_title(text: str, limit: int = TITLE_LIMIT) -> str:
    """A measure's title from a to-do: its first sentence, cut at a word if still too long."""
    text = " ".join(text.split())
    first = re.split(r"(?<=[^\s.]{3}[.!?])\s+(?=[A-ZÄÖÜ0-9])", text, maxsplit=1)[0]
    if len(first) <= limit:
        return first.rstrip(" .") if first.endswith(".") and not first.endswith("..") else first
    cut = first[:limit - 1]
    if " " in cut:
        cut = cut[:cut.rfind(" ")]
    return cut.rstrip(" ,;:–-") + "…"


def build_summary(checklist: Checklist, answers: dict[str, Answer], lang: str) -> Summary:
    have: list[SummaryLine] = []
    missing: list[SummaryLine] = []
    open_: list[SummaryLine] = []
    not_relevant: list[SummaryLine] = []
    todos: list[Todo] = []
    for item in checklist.items():
        option = option_of(checklist, answers, item.key)
        rating = rating_of(checklist, answers, item.key)
        answer = answers.get(item.key)
        line = SummaryLine(item, option, answer.note if answer else "")
        if rating is Rating.CONFORM:
            have.append(line)
        elif rating is Rating.NOT_APPLICABLE:
            not_relevant.append(line)
        elif rating is Rating.OPEN:
            open_.append(line)
        else:
            missing.append(line)
            todo = item.plain.todo.get(lang) if item.plain is not None and item.plain.todo else ""
            if todo.strip():
                todos.append(Todo(item, short_title(todo), " ".join(todo.split())))
    return Summary(tuple(have), tuple(missing), tuple(open_), tuple(not_relevant), tuple(todos))


def plain_label(option: AnswerOption, lang: str) -> str:
    return (option.plain_label or option.label).get(lang)


def plain_question(item: Item, lang: str) -> str:
    if item.plain is not None:
        return item.plain.question.get(lang)
    return item.questions[0].get(lang) if item.questions else item.title.get(lang)


def measure_description(todo: Todo, lang: str) -> str:
    source = _("From the self-assessment: {ref} {title}").format(ref=todo.item.ref,
                                                                 title=todo.item.title.get(lang))
    return f"{todo.text}\n\n{source}"


def format_date(day: date) -> str:
    return day.strftime("%d.%m.%Y") if i18n.get_language() == "de" else day.isoformat()


def summary_html(detail: AuditDetail, summary: Summary, today: date, created: set[str] | None = None) -> str:
    """The summary as a printable document (QTextDocument's HTML subset)."""
    lang = i18n.get_language()
    audit = detail.audit
    title = detail.checklist.title.get(lang)

    def lines(entries: tuple[SummaryLine, ...], with_answer: bool) -> str:
        if not entries:
            return "<p class='muted'>" + escape(_("Nothing here.")) + "</p>"
        rows = []
        for entry in entries:
            text = escape(entry.item.title.get(lang))
            if with_answer and entry.option is not None:
                text += f" – <i>{escape(plain_label(entry.option, lang))}</i>"
            if entry.note.strip():
                text += "<br><span class='note'>" + escape(_("Your note: {note}").format(
                    note=" ".join(entry.note.split()))) + "</span>"
            rows.append(f"<li>{text}</li>")
        return "<ul>" + "".join(rows) + "</ul>"

    meta = [
        (_("Business"), audit.organisation_name + (f", {audit.site_name}" if audit.site_name else "")),
        (_("Checklist"), title),
        (_("Date"), format_date(today)),
        (_("Status"), _("{answered} of {total} questions answered").format(answered=summary.answered,
                                                                            total=summary.total)),
    ]
    meta_rows = "".join(f"<tr><td class='key'>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in meta)
    parts = [
        "<h1>" + escape(_("Self-assessment")) + "</h1>",
        f"<table class='meta' cellspacing='0' cellpadding='2'>{meta_rows}</table>",
        "<h2 class='have'>" + escape(_("What you already have")) + f" ({len(summary.have)})</h2>",
        lines(summary.have, with_answer=False),
        "<h2 class='missing'>" + escape(_("Something is still missing here")) + f" ({len(summary.missing)})</h2>",
        lines(summary.missing, with_answer=True),
        "<h2 class='open'>" + escape(_("Still open")) + f" ({len(summary.open)})</h2>",
        lines(summary.open, with_answer=False),
    ]
    if summary.not_relevant:
        parts.append("<h2 class='open'>" + escape(_("Does not apply to you")) + f" ({len(summary.not_relevant)})</h2>")
        parts.append(lines(summary.not_relevant, with_answer=False))
    parts.append("<h2>" + escape(_("What to do next")) + "</h2>")
    if summary.todos:
        rows = []
        for todo in summary.todos:
            done = created is not None and todo.title in created
            mark = "☑" if done else "☐"
            extra = ("<br><span class='note'>" + escape(_("Already taken over as a measure.")) + "</span>") if done else ""
            rows.append(f"<tr><td class='box'>{mark}</td><td><b>{escape(todo.item.title.get(lang))}</b><br>"
                        f"{escape(todo.text)}{extra}</td></tr>")
        parts.append("<table class='todos' width='100%' cellspacing='0' cellpadding='3'>" + "".join(rows) + "</table>")
    else:
        parts.append("<p class='muted'>" + escape(_("Nothing to do at the moment.")) + "</p>")
    css = f"""
        body {{ color: #202124; }}
        h1 {{ color: {style.ACCENT}; font-size: 20pt; margin-bottom: 6px; }}
        h2 {{ font-size: 13pt; margin-top: 16px; margin-bottom: 4px; }}
        h2.have {{ color: {_HAVE_COLOUR}; }}
        h2.missing {{ color: {_MISSING_COLOUR}; }}
        h2.open {{ color: {_OPEN_COLOUR}; }}
        td.key {{ color: {style.MUTED_TEXT}; padding-right: 12px; }}
        td.box {{ font-size: 13pt; padding-right: 6px; }}
        table.todos td {{ padding-bottom: 7px; }}
        ul {{ margin-top: 0px; margin-bottom: 2px; }}
        li {{ margin-bottom: 3px; }}
        .note {{ color: {style.MUTED_TEXT}; font-style: italic; }}
        .muted {{ color: {style.MUTED_TEXT}; }}
    """
    return f"<html><head><style>{css}</style></head><body>{''.join(parts)}</body></html>"


def summary_document(html: str) -> QTextDocument:
    document = QTextDocument()
    font = QFont("DejaVu Sans")
    font.setPointSizeF(10)
    document.setDefaultFont(font)
    document.setHtml(html)
    return document


def setup_printer(printer: Any) -> None:
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageMargins(QMarginsF(18, 16, 18, 16), QPageLayout.Unit.Millimeter)
    printer.setDocName(_("Self-assessment"))


# ---- small widgets --------------------------------------------------------------------------


def _scaled_font(widget: QWidget, factor: float, weight: QFont.Weight | None = None) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    if weight is not None:
        font.setWeight(weight)
    return font


def _wrapping_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _scroll_above_buttons(page: QWidget, scroll: QWidget, left: QWidget, right: tuple[QWidget, ...]) -> None:
    """A page's layout: the scrolling content, a thin line, and a row of buttons (one left, the rest right)."""
    nav = QHBoxLayout()
    nav.setContentsMargins(24, 10, 24, 14)
    nav.addWidget(left)
    nav.addStretch(1)
    for index, button in enumerate(right):
        if index:
            nav.addSpacing(8)
        nav.addWidget(button)
    separator = QFrame(page)
    separator.setFrameShape(QFrame.Shape.HLine)
    separator.setStyleSheet("color: #dadce0;")
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(scroll, 1)
    layout.addWidget(separator)
    layout.addLayout(nav)


def _big_button(text: str, parent: QWidget, primary: bool = False) -> QPushButton:
    button = QPushButton(text, parent)
    button.setMinimumHeight(44)
    button.setMinimumWidth(120)
    button.setFont(_scaled_font(button, 1.08))
    if primary:
        button.setStyleSheet(
            f"QPushButton {{ background: {style.ACCENT}; color: #ffffff; border: 1px solid {style.ACCENT};"
            " border-radius: 5px; padding: 6px 18px; }"
            "QPushButton:hover { background: #245a41; }"
            "QPushButton:focus { border: 2px solid #5b8def; }"
            "QPushButton:disabled { background: #c9d3ce; border-color: #c9d3ce; }")
    else:
        button.setStyleSheet(
            "QPushButton { background: #ffffff; color: #202124; border: 1px solid #b9bec3;"
            " border-radius: 5px; padding: 6px 16px; }"
            "QPushButton:hover { background: #f3f5f6; }"
            "QPushButton:focus { border: 2px solid #5b8def; }"
            "QPushButton:disabled { color: #9aa0a6; border-color: #d5d8db; }")
    return button


def _centred(inner: QWidget, parent: QWidget) -> QWidget:
    """``inner`` in a column at most CONTENT_WIDTH wide, centred."""
    outer = QWidget(parent)
    row = QHBoxLayout(outer)
    row.setContentsMargins(24, 0, 24, 0)
    row.addStretch(1)
    inner.setMaximumWidth(CONTENT_WIDTH)
    row.addWidget(inner, 100)
    row.addStretch(1)
    return outer


def _scroll(content: QWidget, parent: QWidget) -> QScrollArea:
    area = QScrollArea(parent)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    content.setObjectName("scroll_content")
    return area


class _Card(QFrame):
    """A light box with a small heading: "why it matters", "what counts as proof"."""

    def __init__(self, heading: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setStyleSheet(f"QFrame#card {{ {_CARD_STYLE} }}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(4)
        self.heading = QLabel(heading, self)
        self.heading.setFont(_scaled_font(self.heading, 1.0, QFont.Weight.Bold))
        self.heading.setStyleSheet(f"color: {style.ACCENT}; background: transparent; border: none;")
        self.text = _wrapping_label("", self)
        self.text.setFont(_scaled_font(self.text, 1.08))
        self.text.setStyleSheet("background: transparent; border: none;")
        layout.addWidget(self.heading)
        layout.addWidget(self.text)

    def set_text(self, text: str) -> None:
        self.text.setText(text)
        self.setVisible(bool(text.strip()))


class _Tile(QFrame):
    """A count with its caption, on the summary page."""

    def __init__(self, caption: str, colour: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setStyleSheet(f"QFrame#tile {{ background: #ffffff; border: 1px solid #d7dbdf;"
                           f" border-top: 4px solid {colour}; border-radius: 6px; }}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 10)
        layout.setSpacing(0)
        self.count = QLabel("0", self)
        self.count.setFont(_scaled_font(self.count, 2.0, QFont.Weight.Bold))
        self.count.setStyleSheet(f"color: {colour}; border: none;")
        self.caption = _wrapping_label(caption, self)
        self.caption.setStyleSheet("border: none;")
        layout.addWidget(self.count)
        layout.addWidget(self.caption)

    def set_count(self, count: int) -> None:
        self.count.setText(str(count))


# ---- the pages ------------------------------------------------------------------------------


class QuestionPage(QWidget):
    """One question: the plain question, why, proof, the answer choices, the note."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("question_page")
        content = QWidget(self)
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 18, 0, 18)
        column.setSpacing(14)
        self.question = _wrapping_label("", content)
        self.question.setObjectName("question_label")
        self.question.setFont(_scaled_font(self.question, 1.55, QFont.Weight.DemiBold))
        self.question.setStyleSheet("color: #202124;")
        self.why = _Card(_("Why this matters"), content)
        self.proof = _Card(_("What counts as proof"), content)

        self.answers_box = QWidget(content)
        self.answers_layout = FlowLayout(self.answers_box, spacing=10)
        #: "don't know yet" (the scale's open option) on its own row, apart from the answers
        self.unsure_box = QWidget(content)
        self.unsure_layout = FlowLayout(self.unsure_box, spacing=10)
        self.answer_group = QButtonGroup(self)
        self.answer_group.setExclusive(True)
        self.answer_buttons: dict[str, QPushButton] = {}

        self.note_label = QLabel(_("Your note"), content)
        self.note_label.setFont(_scaled_font(self.note_label, 1.0, QFont.Weight.Bold))
        self.note_edit = NoteEdit(content)
        self.note_edit.setObjectName("self_assessment_note")
        self.note_edit.setPlaceholderText(_("For example: where the proof is kept, who takes care of it "
                                            "(optional)"))
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(self.note_edit.fontMetrics().lineSpacing() * 4 + 14)
        self.note_label.setBuddy(self.note_edit)
        self.closed_label = _wrapping_label(_("This self-assessment is closed and can no longer be changed."),
                                            content)
        self.closed_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.closed_label.setVisible(False)

        column.addWidget(self.question)
        column.addWidget(self.why)
        column.addWidget(self.proof)
        column.addSpacing(4)
        column.addWidget(self.answers_box)
        column.addWidget(self.unsure_box)
        column.addWidget(self.closed_label)
        column.addSpacing(4)
        column.addWidget(self.note_label)
        column.addWidget(self.note_edit)
        column.addStretch(1)

        self.scroll = _scroll(_centred(content, self), self)

        self.back_button = _big_button(_("Back"), self)
        self.back_button.setObjectName("back_button")
        self.back_button.setToolTip(_("The previous question (Backspace)"))
        self.skip_button = _big_button(_("Answer later"), self)
        self.skip_button.setObjectName("skip_button")
        self.skip_button.setToolTip(_("Leave this question open; it comes back at the end."))
        self.next_button = _big_button(_("Next"), self, primary=True)
        self.next_button.setObjectName("next_button")
        self.next_button.setToolTip(_("The next question (Enter)"))
        _scroll_above_buttons(self, self.scroll, self.back_button, (self.skip_button, self.next_button))

    def set_options(self, options: list[AnswerOption], lang: str) -> None:
        for button in self.answer_buttons.values():
            self.answer_group.removeButton(button)
            self.answers_layout.removeWidget(button)
            self.unsure_layout.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.answer_buttons = {}
        for option in options:
            text = plain_label(option, lang)
            unsure = option.rating is Rating.OPEN
            box = self.unsure_box if unsure else self.answers_box
            button = QPushButton(f"{option.shortcut}   {text}" if option.shortcut else text, box)
            button.setCheckable(True)
            button.setProperty("option_key", option.key)
            button.setAccessibleName(text)
            if option.shortcut:
                button.setToolTip(_("{answer} (key {shortcut})").format(answer=text, shortcut=option.shortcut))
            button.setMinimumHeight(52)
            button.setMinimumWidth(150)
            button.setFont(_scaled_font(button, 1.12))
            colour = style.RATING_COLOURS.get(option.rating, _OPEN_COLOUR)
            button.setStyleSheet(
                "QPushButton { text-align: left; padding: 8px 16px; border: 1px solid #b9bec3;"
                " border-radius: 6px; background: #ffffff; color: #202124; }"
                "QPushButton:hover { border-color: #80868b; background: #f6f8f9; }"
                "QPushButton:focus { border: 2px solid #5b8def; padding: 7px 15px; }"
                f"QPushButton:checked {{ background: {colour}; border-color: {colour}; color: #ffffff; }}"
                "QPushButton:disabled { color: #9aa0a6; }")
            self.answer_group.addButton(button)
            (self.unsure_layout if unsure else self.answers_layout).addWidget(button)
            self.answer_buttons[option.key] = button
        self.unsure_box.setVisible(any(o.rating is Rating.OPEN for o in options))
        self.answers_box.updateGeometry()

    def set_current(self, option_key: str | None) -> None:
        self.answer_group.setExclusive(False)
        for key, button in self.answer_buttons.items():
            button.setChecked(key == option_key)
        self.answer_group.setExclusive(True)

    def current(self) -> str | None:
        button = self.answer_group.checkedButton()
        return button.property("option_key") if button is not None else None


class SkippedPage(QWidget):
    """After the last question: "You skipped 3 questions – answer them now?"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("skipped_page")
        inner = QWidget(self)
        column = QVBoxLayout(inner)
        column.setSpacing(14)
        self.heading = _wrapping_label("", inner)
        self.heading.setFont(_scaled_font(self.heading, 1.55, QFont.Weight.DemiBold))
        self.heading.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text = _wrapping_label(_("You can also answer them another time: everything you have answered "
                                      "is saved."), inner)
        self.text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.answer_now_button = _big_button(_("Answer now"), inner, primary=True)
        self.answer_now_button.setObjectName("answer_now_button")
        self.to_summary_button = _big_button(_("To the summary"), inner)
        self.to_summary_button.setObjectName("to_summary_button")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.to_summary_button)
        buttons.addSpacing(10)
        buttons.addWidget(self.answer_now_button)
        buttons.addStretch(1)
        column.addWidget(self.heading)
        column.addWidget(self.text)
        column.addSpacing(10)
        column.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(_centred(inner, self))
        layout.addStretch(3)

    def set_count(self, count: int) -> None:
        self.heading.setText(ngettext("You skipped {n} question – answer it now?",
                                      "You skipped {n} questions – answer them now?", count).format(n=count))


class _TodoRow(QWidget):
    def __init__(self, todo: Todo, created: bool, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.todo = todo
        self.created = created
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(10)
        self.check = QCheckBox(self)
        self.check.setChecked(not created)
        self.check.setEnabled(not created)
        self.check.setAccessibleName(todo.title)
        self.check.setStyleSheet("QCheckBox::indicator { width: 22px; height: 22px; }")
        text = f"<b>{escape(todo.item.title.get(lang))}</b><br>{escape(todo.text)}"
        if created:
            text += f"<br><i style='color:{style.MUTED_TEXT}'>" + escape(_("Already taken over as a measure.")) + "</i>"
        self.label = _wrapping_label("", self)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setText(text)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.label.setFont(_scaled_font(self.label, 1.04))
        layout.addWidget(self.check, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)

    def mouseReleaseEvent(self, event: Any) -> None:  # noqa: N802 - clicking the text toggles the box
        if self.check.isEnabled() and event.button() == Qt.MouseButton.LeftButton:
            self.check.toggle()
        super().mouseReleaseEvent(event)


class SummaryPage(QWidget):
    """What is fulfilled, what is missing, what is open; the to-dos; print and PDF."""

    #: a title link was clicked: the item's key
    item_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("summary_page")
        content = QWidget(self)
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 18, 0, 18)
        column.setSpacing(10)
        self.heading = QLabel(_("Your summary"), content)
        self.heading.setFont(_scaled_font(self.heading, 1.6, QFont.Weight.Bold))
        self.heading.setStyleSheet(f"color: {style.ACCENT};")
        self.subline = _wrapping_label("", content)
        self.subline.setStyleSheet(f"color: {style.MUTED_TEXT};")
        tiles = QHBoxLayout()
        tiles.setSpacing(10)
        self.have_tile = _Tile(_("What you already have"), _HAVE_COLOUR, content)
        self.missing_tile = _Tile(_("Something is still missing here"), _MISSING_COLOUR, content)
        self.open_tile = _Tile(_("Still open"), _OPEN_COLOUR, content)
        for tile in (self.have_tile, self.missing_tile, self.open_tile):
            tiles.addWidget(tile, 1)

        self.have_heading = self._heading(_("What you already have"), _HAVE_COLOUR, content)
        self.have_list = self._list(content)
        self.missing_heading = self._heading(_("Something is still missing here"), _MISSING_COLOUR, content)
        self.missing_list = self._list(content)
        self.open_heading = self._heading(_("Still open"), _OPEN_COLOUR, content)
        self.open_list = self._list(content)
        self.not_relevant_label = _wrapping_label("", content)
        self.not_relevant_label.setStyleSheet(f"color: {style.MUTED_TEXT};")

        self.todo_heading = self._heading(_("What to do next"), style.ACCENT, content)
        self.todo_intro = _wrapping_label(_("Tick what you want to take over as measures into your "
                                            "environmental programme."), content)
        self.todo_box = QWidget(content)
        self.todo_layout = QVBoxLayout(self.todo_box)
        self.todo_layout.setContentsMargins(0, 0, 0, 0)
        self.todo_layout.setSpacing(4)
        self.todo_rows: list[_TodoRow] = []
        #: to-dos the user un-ticked (kept when the page is rebuilt after a change)
        self._unticked: set[str] = set()
        self.create_button = _big_button(_("Take over as measures"), content, primary=True)
        self.create_button.setObjectName("create_measures_button")
        self.create_result = _wrapping_label("", content)
        self.create_result.setStyleSheet(f"color: {_HAVE_COLOUR};")
        create_row = QHBoxLayout()
        create_row.addWidget(self.create_button)
        create_row.addSpacing(12)
        create_row.addWidget(self.create_result, 1)

        column.addWidget(self.heading)
        column.addWidget(self.subline)
        column.addSpacing(4)
        column.addLayout(tiles)
        for widget in (self.have_heading, self.have_list, self.missing_heading, self.missing_list,
                       self.open_heading, self.open_list, self.not_relevant_label):
            column.addWidget(widget)
        column.addSpacing(8)
        column.addWidget(self.todo_heading)
        column.addWidget(self.todo_intro)
        column.addWidget(self.todo_box)
        column.addLayout(create_row)
        column.addStretch(1)
        self.scroll = _scroll(_centred(content, self), self)

        self.questions_button = _big_button(_("Back to the questions"), self)
        self.questions_button.setObjectName("questions_button")
        self.pdf_button = _big_button(_("Save as PDF…"), self)
        self.pdf_button.setObjectName("pdf_button")
        self.print_button = _big_button(_("Print…"), self)
        self.print_button.setObjectName("print_button")
        _scroll_above_buttons(self, self.scroll, self.questions_button, (self.pdf_button, self.print_button))
        for label in (self.have_list, self.missing_list, self.open_list):
            label.linkActivated.connect(self._on_list_link_activated)

    @staticmethod
    def _heading(text: str, colour: str, parent: QWidget) -> QLabel:
        label = QLabel(text, parent)
        label.setFont(_scaled_font(label, 1.2, QFont.Weight.Bold))
        label.setStyleSheet(f"color: {colour};")
        label.setContentsMargins(0, 10, 0, 0)
        return label

    @staticmethod
    def _list(parent: QWidget) -> QLabel:
        label = _wrapping_label("", parent)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                      | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        label.setFont(_scaled_font(label, 1.04))
        return label

    def _on_list_link_activated(self, link: str) -> None:
        if link.startswith("item:"):
            emit(self.item_chosen, link[5:])

    def show_summary(self, detail: AuditDetail, summary: Summary, created: set[str], today: date) -> None:
        lang = i18n.get_language()
        audit = detail.audit
        self.subline.setText(" · ".join(x for x in (audit.organisation_name, detail.checklist.title.get(lang),
                                                    format_date(today)) if x))
        self.have_tile.set_count(len(summary.have))
        self.missing_tile.set_count(len(summary.missing))
        self.open_tile.set_count(len(summary.open))
        self._fill(self.have_heading, self.have_list, _("What you already have"), summary.have, lang,
                   _("Nothing yet – that will change."), with_answer=False)
        self._fill(self.missing_heading, self.missing_list, _("Something is still missing here"), summary.missing,
                   lang, _("Nothing is missing among your answers."), with_answer=True)
        self._fill(self.open_heading, self.open_list, _("Still open"), summary.open, lang,
                   _("Every question is answered."), with_answer=False)
        if summary.not_relevant:
            names = ", ".join(e.item.title.get(lang) for e in summary.not_relevant)
            self.not_relevant_label.setText(_("Does not apply to you: {items}").format(items=names))
        self.not_relevant_label.setVisible(bool(summary.not_relevant))

        for row in self.todo_rows:
            self.todo_layout.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.todo_rows = []
        for todo in summary.todos:
            row = _TodoRow(todo, todo.title in created, lang, self.todo_box)
            if not row.created and todo.title in self._unticked:
                row.check.setChecked(False)
            row.check.toggled.connect(self._on_todo_check_toggled)
            self.todo_layout.addWidget(row)
            self.todo_rows.append(row)
        if summary.todos:
            self.todo_intro.setText(_("Tick what you want to take over as measures into your "
                                      "environmental programme."))
        else:
            self.todo_intro.setText(_("Nothing to do at the moment. As soon as something is missing for a "
                                      "question, you will find here what you can do about it."))
        self.create_button.setVisible(bool(summary.todos))
        self._update_create_button()

    def _fill(self, heading: QLabel, label: QLabel, title: str, entries: tuple[SummaryLine, ...], lang: str,
              empty: str, with_answer: bool) -> None:
        heading.setText(f"{title} ({len(entries)})")
        if not entries:
            label.setText(f"<p style='color:{style.MUTED_TEXT}'>{escape(empty)}</p>")
            return
        rows = []
        for entry in entries:
            text = (f"<a href='item:{escape(entry.item.key)}' style='color:#202124; text-decoration:none'>"
                    f"{escape(entry.item.title.get(lang))}</a>")
            if with_answer and entry.option is not None:
                text += f" <span style='color:{style.MUTED_TEXT}'>– {escape(plain_label(entry.option, lang))}</span>"
            rows.append(f"<li style='margin-bottom:4px'>{text}</li>")
        label.setText("<ul style='margin-left:0px; -qt-list-indent:1'>" + "".join(rows) + "</ul>")

    def checked_todos(self) -> list[Todo]:
        return [row.todo for row in self.todo_rows if row.check.isChecked() and not row.created]

    def _on_todo_check_toggled(self, _checked: bool) -> None:
        for row in self.todo_rows:
            if not row.created:
                (self._unticked.discard if row.check.isChecked() else self._unticked.add)(row.todo.title)
        self._update_create_button()

    def forget_choices(self) -> None:
        """Another audit: every to-do starts ticked again."""
        self._unticked = set()
        self.create_result.setText("")

    def _update_create_button(self) -> None:
        self.create_button.setEnabled(bool(self.checked_todos()))


# ---- the view -------------------------------------------------------------------------------


class SelfAssessmentView(QWidget):
    #: a short message for the status bar
    message = Signal(str)
    #: a write failed (the exception)
    write_failed = Signal(object)
    #: measures were created (the list of measures)
    measures_created = Signal(object)

    def __init__(self, services: Services, worker: DbWorker, notifier: ChangeNotifier, undo: UndoManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("self_assessment_view")
        self._services = services
        self._worker = worker
        self._notifier = notifier
        self._undo = undo
        self._detail: AuditDetail | None = None
        self._answers: dict[str, Answer] = {}
        self._items: list[Item] = []
        self._sections: dict[str, str] = {}  # item key → its section's title
        self._pos = 0
        self._reviewing = False  # going through the skipped questions
        self._page = QUESTION
        self._note_key: str | None = None
        self._note_dirty = False
        self._creating = False
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_IDLE_MS)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._build()
        self._connect_signals()

    # ---- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        header = QWidget(self)
        header.setObjectName("self_assessment_header")
        header.setStyleSheet("QWidget#self_assessment_header { background: #f7f9f8;"
                             " border-bottom: 1px solid #dde3df; }")
        head = QVBoxLayout(header)
        head.setContentsMargins(24, 10, 24, 10)
        head.setSpacing(6)
        top = QHBoxLayout()
        self.section_label = QLabel(header)
        self.section_label.setObjectName("section_label")
        self.section_label.setStyleSheet(f"color: {style.ACCENT}; background: transparent;")
        self.section_label.setFont(_scaled_font(self.section_label, 1.0, QFont.Weight.Bold))
        self.section_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.position_label = QLabel(header)
        self.position_label.setObjectName("position_label")
        self.position_label.setStyleSheet("background: transparent;")
        self.position_label.setFont(_scaled_font(self.position_label, 1.0, QFont.Weight.Bold))
        self.summary_button = QPushButton(_("Summary"), header)
        self.summary_button.setObjectName("summary_button")
        self.summary_button.setMinimumHeight(34)
        self.summary_button.setToolTip(_("What is done, what is missing, what to do next"))
        policy = self.summary_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the header keeps its height on the summary page
        self.summary_button.setSizePolicy(policy)
        top.addWidget(self.section_label, 1)
        top.addWidget(self.position_label)
        top.addSpacing(16)
        top.addWidget(self.summary_button)
        self.progress = QProgressBar(header)
        self.progress.setObjectName("self_assessment_progress")
        self.progress.setStyleSheet(style.progress_bar_style())
        self.progress.setTextVisible(True)
        head.addLayout(top)
        head.addWidget(self.progress)

        self.question_page = QuestionPage(self)
        self.skipped_page = SkippedPage(self)
        self.summary_page = SummaryPage(self)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.question_page)
        self.pages.addWidget(self.skipped_page)
        self.pages.addWidget(self.summary_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.pages, 1)

    def _connect_signals(self) -> None:
        page = self.question_page
        page.answer_group.buttonClicked.connect(self._on_answer_group_button_clicked)
        page.back_button.clicked.connect(self.go_back)
        page.skip_button.clicked.connect(self.skip)
        page.next_button.clicked.connect(self.go_next)
        page.note_edit.textChanged.connect(self._on_note_edit_text_changed)
        page.note_edit.focus_left.connect(self.commit_note)
        page.note_edit.done.connect(self._on_note_edit_done)
        self._note_timer.timeout.connect(self.commit_note)
        self.summary_button.clicked.connect(self.show_summary)
        self.skipped_page.answer_now_button.clicked.connect(self.review_skipped)
        self.skipped_page.to_summary_button.clicked.connect(self.show_summary)
        self.summary_page.questions_button.clicked.connect(self._on_questions_button_clicked)
        self.summary_page.create_button.clicked.connect(self.create_measures)
        self.summary_page.print_button.clicked.connect(self.print_summary)
        self.summary_page.pdf_button.clicked.connect(self.save_pdf)
        self.summary_page.item_chosen.connect(self.go_to_item)

    # ---- state --------------------------------------------------------------------------

    @property
    def audit_id(self) -> str | None:
        return self._detail.audit.id if self._detail else None

    @property
    def read_only(self) -> bool:
        return self._detail is None or self._detail.audit.read_only

    @property
    def page(self) -> str:
        return self._page

    @property
    def position(self) -> int:
        """The current question's index (0-based)."""
        return self._pos

    def current_item(self) -> Item | None:
        return self._items[self._pos] if 0 <= self._pos < len(self._items) else None

    def has_unsaved_note(self) -> bool:
        return self._note_dirty

    @staticmethod
    def available(detail: AuditDetail | None) -> bool:
        """Whether an audit can be self-assessed (its checklist offers the mode)."""
        return detail is not None and detail.checklist.self_assessment

    @staticmethod
    def opens_first(detail: AuditDetail | None) -> bool:
        """Whether the audit is a self-assessment that opens on this view."""
        return SelfAssessmentView.available(detail) and detail is not None \
            and detail.audit.kind is AuditKind.SELF_ASSESSMENT

    def set_detail(self, detail: AuditDetail | None) -> None:
        """Show an audit; the same one again keeps the place and a note being typed."""
        same = detail is not None and detail.audit.id == self.audit_id
        if not same:
            self.commit_note()
        self._detail = detail
        self._answers = dict(detail.answers) if detail else {}
        if not same:
            self.summary_page.forget_choices()
            self._load_checklist()
        self._refresh()

    def _load_checklist(self) -> None:
        detail = self._detail
        self._items = []
        self._sections = {}
        self._reviewing = False
        self._note_key = None
        self._set_note_dirty(False)
        if detail is None or not self.available(detail):
            self._pos = 0
            return
        lang = i18n.get_language()
        for section in detail.checklist.all_sections():
            for child in section.children:
                if isinstance(child, Item):
                    self._sections[child.key] = section.title.get(lang)
        self._items = list(detail.checklist.items())
        scale = detail.checklist.scale
        options = [o for o in scale.options if o.rating is not Rating.OPEN] + \
                  [o for o in scale.options if o.rating is Rating.OPEN]
        self.question_page.set_options(options, lang)
        first_open = self._next_open(-1)
        if first_open is None and self._items:
            self._pos = 0
            self._page = SUMMARY  # everything is answered: start with the result
        else:
            self._pos = first_open or 0
            self._page = QUESTION

    # ---- navigation ---------------------------------------------------------------------

    def _is_open(self, item: Item) -> bool:
        assert self._detail is not None
        return rating_of(self._detail.checklist, self._answers, item.key) is Rating.OPEN

    def _next_open(self, after: int) -> int | None:
        for index in range(after + 1, len(self._items)):
            if self._is_open(self._items[index]):
                return index
        return None

    def open_count(self) -> int:
        return sum(1 for item in self._items if self._is_open(item)) if self._detail else 0

    def go_next(self) -> None:
        """On to the next question (an unanswered one counts as skipped); after the last: the end."""
        if not self._items:
            return
        self.commit_note()
        if self._reviewing:
            following = self._next_open(self._pos)
            if following is None:
                self._reviewing = False
                self.show_summary()
                return
            self._show_question(following)
            return
        if self._pos + 1 < len(self._items):
            self._show_question(self._pos + 1)
            return
        self._finish()

    def skip(self) -> None:
        """Leave the question open for now; it is offered again at the end."""
        self.go_next()

    def go_back(self) -> None:
        if self._pos > 0:
            self.commit_note()
            self._show_question(self._pos - 1)

    def _finish(self) -> None:
        count = self.open_count()
        if count:
            self.skipped_page.set_count(count)
            self._set_page(SKIPPED)
            self.skipped_page.answer_now_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.show_summary()

    def review_skipped(self) -> None:
        """Go through the questions still open, from the first."""
        first = self._next_open(-1)
        if first is None:
            self.show_summary()
            return
        self._reviewing = True
        self._show_question(first)

    def go_to_item(self, key: str) -> None:
        for index, item in enumerate(self._items):
            if item.key == key:
                self.commit_note()
                self._reviewing = False
                self._show_question(index)
                return

    def show_summary(self) -> None:
        self.commit_note()
        self._set_page(SUMMARY)

    def _on_questions_button_clicked(self) -> None:
        self._reviewing = False
        self._show_question(self._pos)

    def _show_question(self, index: int) -> None:
        self._pos = max(0, min(index, len(self._items) - 1))
        self._set_page(QUESTION)
        self.question_page.scroll.verticalScrollBar().setValue(0)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_page(self, page: str) -> None:
        self._page = page
        self._refresh()

    # ---- showing ------------------------------------------------------------------------

    def _refresh(self) -> None:
        detail = self._detail
        if detail is None or not self._items:
            self.section_label.setText("")
            self.position_label.setText("")
            self.progress.setRange(0, 1)
            self.progress.setValue(0)
            self.pages.setCurrentWidget(self.question_page)
            self.question_page.question.setText(
                _("This checklist has no self-assessment.") if detail is not None else "")
            self.question_page.why.set_text("")
            self.question_page.proof.set_text("")
            return
        total = len(self._items)
        answered = total - self.open_count()
        self.progress.setRange(0, total)
        self.progress.setValue(answered)
        self.progress.setFormat(_("{answered} of {total} answered").format(answered=answered, total=total))
        if self._page == QUESTION:
            self.pages.setCurrentWidget(self.question_page)
            self._refresh_question()
        elif self._page == SKIPPED:
            self.pages.setCurrentWidget(self.skipped_page)
            self.section_label.setText("")
            self.position_label.setText("")
            self.skipped_page.set_count(self.open_count())
        else:
            self.pages.setCurrentWidget(self.summary_page)
            self.section_label.setText(detail.checklist.title.get(i18n.get_language()))
            self.position_label.setText("")
            self._refresh_summary()
        self.summary_button.setVisible(self._page != SUMMARY)

    def _refresh_question(self) -> None:
        detail = self._detail
        item = self.current_item()
        if detail is None or item is None:
            return
        lang = i18n.get_language()
        page = self.question_page
        self.section_label.setText(self._sections.get(item.key, ""))
        self.position_label.setText(_("Question {n} of {total}").format(n=self._pos + 1, total=len(self._items)))
        page.question.setText(plain_question(item, lang))
        plain = item.plain
        page.why.set_text(plain.why.get(lang) if plain and plain.why else "")
        page.proof.set_text(plain.proof.get(lang) if plain and plain.proof else "")
        option = option_of(detail.checklist, self._answers, item.key)
        page.set_current(option.key if option is not None and item.key in self._answers else None)
        answer = self._answers.get(item.key)
        if self._note_key != item.key or not self._note_dirty:
            page.note_edit.blockSignals(True)
            page.note_edit.setPlainText(answer.note if answer else "")
            page.note_edit.blockSignals(False)
            self._note_key = item.key
        read_only = self.read_only
        for button in page.answer_buttons.values():
            button.setEnabled(not read_only)
        page.note_edit.setReadOnly(read_only)
        page.closed_label.setVisible(read_only)
        page.back_button.setEnabled(self._pos > 0)
        page.skip_button.setEnabled(True)

    def _refresh_summary(self) -> None:
        detail = self._detail
        if detail is None:
            return
        summary = self.summary()
        self.summary_page.show_summary(detail, summary, self._created_titles(), date.today())

    def summary(self) -> Summary:
        assert self._detail is not None
        return build_summary(self._detail.checklist, self._answers, i18n.get_language())

    def _created_titles(self) -> set[str]:
        """Titles of the measures already taken over from this audit."""
        if self._detail is None:
            return set()
        try:
            measures = self._services.measures.list(audit_id=self._detail.audit.id)
        except OekoauditError as exc:
            emit(self.message, describe(exc))
            return set()
        return {" ".join(m.title.split()) for m in measures}

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._page == QUESTION:
            QTimer.singleShot(0, self, self._focus_page)

    def _focus_page(self) -> None:
        if self.isVisible() and self._page == QUESTION and not self.question_page.note_edit.hasFocus():
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def hideEvent(self, event: Any) -> None:  # noqa: N802
        self.commit_note()
        super().hideEvent(event)

    # ---- answering ----------------------------------------------------------------------

    def answer(self, option_key: str) -> None:
        """Answer the current question (saved at once; undo restores the old answer)."""
        detail = self._detail
        item = self.current_item()
        if detail is None or item is None or self._page != QUESTION:
            return
        if self.read_only:
            emit(self.message, _("This self-assessment is closed and can no longer be changed."))
            return
        scale = detail.checklist.scale
        option = scale.option(option_key)
        if option is None:
            return
        old = self._answers.get(item.key)
        old_result = old.result if old else scale.open_option.key
        self.question_page.set_current(option.key)
        if old_result == option.key and not (old is not None and old.carried_over):
            return  # the same answer again; a carried-over one is confirmed by giving it again
        self._set_local(item.key, result=option.key)
        audits = self._services.audits
        audit_id = detail.audit.id
        key = item.key
        new_result = option.key
        push_answer(self._undo, audits, audit_id, key, new_result, old_result, _("Answer {ref}").format(ref=item.ref))
        self._refresh()

    def _set_local(self, key: str, result: str | None = None, note: str | None = None) -> None:
        """Show a change before the store confirms it (the reload replaces it)."""
        assert self._detail is not None
        scale = self._detail.checklist.scale
        old = self._answers.get(key) or Answer(item_key=key, result=scale.open_option.key,
                                               rating=Rating.OPEN, note="", carried_over=False,
                                               updated_at=None, revision=0)
        option = scale.option(result) if result is not None else None
        self._answers[key] = Answer(item_key=key, result=option.key if option else old.result,
                                    rating=option.rating if option else old.rating,
                                    note=old.note if note is None else note, carried_over=False,
                                    updated_at=old.updated_at, revision=old.revision)

    def _on_answer_group_button_clicked(self, button: QAbstractButton) -> None:
        self.answer(button.property("option_key"))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if self._handle_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def _handle_key(self, event: QKeyEvent) -> bool:
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return False
        key = event.key()
        if self._page == SKIPPED and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.review_skipped()
            return True
        if self._page != QUESTION or self._detail is None:
            return False
        text = event.text()
        if text and not text.isspace():
            option = self._detail.checklist.scale.by_shortcut(text.lower())
            if option is not None:
                self.answer(option.key)
                return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_PageDown):
            self.go_next()
            return True
        if key in (Qt.Key.Key_Backspace, Qt.Key.Key_PageUp):
            self.go_back()
            return True
        return False

    # ---- the note -----------------------------------------------------------------------

    def _set_note_dirty(self, dirty: bool) -> None:
        self._note_dirty = dirty

    def _on_note_edit_text_changed(self) -> None:
        if self._note_key is None or self.question_page.note_edit.isReadOnly():
            return
        self._set_note_dirty(True)
        self._note_timer.start()

    def _on_note_edit_done(self) -> None:
        self.commit_note()
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def commit_note(self) -> None:
        """Write the note being typed (through the undo manager; consecutive edits are one step)."""
        self._note_timer.stop()
        detail = self._detail
        key = self._note_key
        if not self._note_dirty or key is None or detail is None:
            return
        self._set_note_dirty(False)
        note = self.question_page.note_edit.toPlainText()
        old = self._answers.get(key)
        old_note = old.note if old else ""
        if note == old_note:
            return
        self._set_local(key, note=note)
        item = detail.checklist.item(key)
        audits = self._services.audits
        audit_id = detail.audit.id
        push_note(self._undo, audits, audit_id, key, note, old_note,
                  _("Note {ref}").format(ref=item.ref if item else key))

    # ---- measures -----------------------------------------------------------------------

    def create_measures(self) -> None:
        """Take the ticked to-dos over as measures (on the writer; none twice for this audit)."""
        detail = self._detail
        todos = self.summary_page.checked_todos()
        if detail is None or not todos or self._creating:
            return
        lang = i18n.get_language()
        wanted = [(todo.title, measure_description(todo, lang)) for todo in todos]
        measures = self._services.measures
        organisation_id = detail.audit.organisation_id
        audit_id = detail.audit.id

        def write() -> list[Any]:
            existing = {" ".join(m.title.split()) for m in measures.list(audit_id=audit_id)}
            created = []
            for title, description in wanted:
                if " ".join(title.split()) in existing:
                    continue
                created.append(measures.create(organisation_id, title=title, description=description,
                                               audit_id=audit_id))
                existing.add(" ".join(title.split()))
            return created

        self._creating = True
        self.summary_page.create_button.setEnabled(False)
        self._worker.submit(write, self._on_measures_created, self._on_measures_failed)

    def _on_measures_created(self, created: Any) -> None:
        self._creating = False
        count = len(created)
        if count:
            text = ngettext("{n} measure created.", "{n} measures created.", count).format(n=count)
        else:
            text = _("These to-dos are already measures; nothing new was created.")
        self._refresh()
        self.summary_page.create_result.setText(text)
        emit(self.message, text)
        emit(self.measures_created, created)
        prompts.information(self, text)

    def _on_measures_failed(self, exc: BaseException) -> None:
        self._creating = False
        self._refresh()
        prompts.error(self, _("The measures could not be created.\n\n{message}").format(
            message=prompts.error_text(exc)))

    # ---- printing -----------------------------------------------------------------------

    def summary_html(self) -> str:
        assert self._detail is not None
        return summary_html(self._detail, self.summary(), date.today(), self._created_titles())

    def write_pdf(self, path: str | Path) -> bool:
        """The summary as a PDF file; False if it could not be written."""
        from PySide6.QtPrintSupport import QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        setup_printer(printer)
        printer.setCreator("oekoaudit")
        document = summary_document(self.summary_html())
        document.print_(printer)
        target = Path(path)
        return target.is_file() and target.stat().st_size > 0

    def save_pdf(self) -> None:
        if self._detail is None:
            return
        self.commit_note()
        name = _("Self-assessment {organisation}").format(organisation=self._detail.audit.organisation_name)
        name = re.sub(r"[\\/:*?\"<>|]+", "-", name).strip() + ".pdf"
        path = prompts.save_file(self, _("Save as PDF"), _("PDF files (*.pdf)"), str(Path.home() / name))
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            written = self.write_pdf(path)
        except OSError:
            written = False
        if written:
            emit(self.message, _("Saved as PDF: {path}").format(path=path))
        else:
            prompts.error(self, _("The PDF could not be written to {path}.").format(path=path))

    def print_summary(self) -> None:
        if self._detail is None:
            return
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        self.commit_note()
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        setup_printer(printer)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print the summary"))
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        summary_document(self.summary_html()).print_(printer)
        emit(self.message, _("The summary was sent to the printer."))
