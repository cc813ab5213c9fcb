"""The audit's overview: who, what, when; progress and result overall and per section; findings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from oekoaudit import i18n
from oekoaudit.domain.audit import AuditDetail, Signature
from oekoaudit.domain.award import AwardResult
from oekoaudit.domain.checklist import Rating
from oekoaudit.domain.finding import FindingClass
from oekoaudit.domain.scoring import Verdict
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import _, ngettext
from oekoaudit.services import labels
from oekoaudit.ui import style
from oekoaudit.ui.models.navigator_model import audit_title

_FINDING_ORDER = (FindingClass.MAJOR_NC, FindingClass.MINOR_NC, FindingClass.OBSERVATION,
                  FindingClass.IMPROVEMENT, FindingClass.POSITIVE)
_FINDING_RATING = {
    FindingClass.MAJOR_NC: Rating.MAJOR_NC, FindingClass.MINOR_NC: Rating.MINOR_NC,
    FindingClass.OBSERVATION: Rating.OBSERVATION, FindingClass.IMPROVEMENT: Rating.IMPROVEMENT,
}


#: The drawn signature is shown at most this large.
SIGNATURE_WIDTH = 240
SIGNATURE_HEIGHT = 64


def format_date(value: date | None) -> str:
    if value is None:
        return "–"
    return value.strftime("%d.%m.%Y") if i18n.get_language() == "de" else value.isoformat()


def _value_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return label


class OverviewView(QScrollArea):
    def __init__(self, parent: QWidget | None = None,
                 award_of: Callable[[AuditDetail], AwardResult | None] | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        #: how the award rules of the audit's scheme are checked (they need the organisation's measures)
        self._award_of = award_of
        self._build()

    def _build(self) -> None:
        page = QWidget(self)
        page.setObjectName("overview_page")
        outer = QVBoxLayout(page)
        outer.setContentsMargins(18, 14, 18, 14)
        outer.setSpacing(12)

        self.title_label = QLabel(page)
        self.title_label.setWordWrap(True)
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.title_label.setFont(font)
        self.subtitle_label = QLabel(page)
        self.subtitle_label.setWordWrap(True)
        self.subtitle_label.setStyleSheet(f"color: {style.MUTED_TEXT};")
        outer.addWidget(self.title_label)
        outer.addWidget(self.subtitle_label)

        # ---- facts and result, side by side
        row = QHBoxLayout()
        row.setSpacing(12)
        facts_box = QGroupBox(_("Audit"), page)
        facts = QFormLayout(facts_box)
        facts.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        facts.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        facts.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        facts.setHorizontalSpacing(14)
        facts.setVerticalSpacing(6)
        self.fields: dict[str, QLabel] = {}
        for key, label in (("organisation", _("Organisation")), ("site", _("Site")),
                           ("catalogue", _("Catalogue")), ("kind", _("Kind")), ("status", _("Status")),
                           ("lead_auditor", _("Lead auditor")), ("team", _("Audit team")), ("dates", _("Date")),
                           ("location", _("Places")), ("scope", _("Scope")),
                           ("id", _("Audit id"))):
            value = _value_label(facts_box)
            self.fields[key] = value
            facts.addRow(label + ":", value)
        row.addWidget(facts_box, 3)

        result_box = QGroupBox(_("Result"), page)
        result = QVBoxLayout(result_box)
        result.setSpacing(8)
        self.progress_bar = QProgressBar(result_box)
        self.progress_bar.setStyleSheet(style.progress_bar_style())
        self.progress_bar.setTextVisible(False)
        self.progress_label = QLabel(result_box)
        self.progress_label.setWordWrap(True)
        self.verdict_label = QLabel(result_box)
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setTextFormat(Qt.TextFormat.RichText)
        findings_heading = QLabel(_("Findings"), result_box)
        findings_heading.setStyleSheet("font-weight: bold;")
        self.findings_grid = QGridLayout()
        self.findings_grid.setHorizontalSpacing(10)
        self.findings_grid.setVerticalSpacing(3)
        self.findings_grid.setColumnStretch(1, 1)
        result.addWidget(self.progress_bar)
        result.addWidget(self.progress_label)
        result.addWidget(self.verdict_label)
        result.addSpacing(4)
        result.addWidget(findings_heading)
        result.addLayout(self.findings_grid)
        result.addStretch(1)
        row.addWidget(result_box, 2)
        outer.addLayout(row)

        # ---- award rules (ÖKOPROFIT): must criteria and measures
        self.award_box = QGroupBox(_("Award rules"), page)
        self.award_box.setObjectName("award_box")
        award_layout = QVBoxLayout(self.award_box)
        award_layout.setSpacing(4)
        self.award_verdict = QLabel(self.award_box)
        self.award_verdict.setObjectName("award_verdict")
        self.award_verdict.setTextFormat(Qt.TextFormat.RichText)
        self.award_list = QLabel(self.award_box)
        self.award_list.setObjectName("award_list")
        self.award_list.setTextFormat(Qt.TextFormat.RichText)
        self.award_list.setWordWrap(True)
        self.award_note = QLabel(self.award_box)
        self.award_note.setWordWrap(True)
        self.award_note.setStyleSheet(f"color: {style.MUTED_TEXT};")
        award_layout.addWidget(self.award_verdict)
        award_layout.addWidget(self.award_list)
        award_layout.addWidget(self.award_note)
        self.award_box.setVisible(False)
        outer.addWidget(self.award_box)

        # ---- the signatures (a closed audit)
        self.signatures_box = QGroupBox(_("Signatures"), page)
        self.signatures_box.setObjectName("signatures_box")
        self.signatures_layout = QHBoxLayout(self.signatures_box)
        self.signatures_layout.setSpacing(24)
        self.signatures_box.setVisible(False)
        outer.addWidget(self.signatures_box)

        # ---- per section
        sections_box = QGroupBox(_("Sections"), page)
        sections_layout = QVBoxLayout(sections_box)
        self.sections_table = QTableWidget(0, 4, sections_box)
        self.sections_table.setObjectName("sections_table")
        self.sections_table.setHorizontalHeaderLabels([_("Section"), _("Answered"), _("Progress"), _("Result")])
        self.sections_table.verticalHeader().setVisible(False)
        self.sections_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.sections_table.verticalHeader().setDefaultSectionSize(self.sections_table.fontMetrics().height() + 12)
        self.sections_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sections_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.sections_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sections_table.setShowGrid(False)
        self.sections_table.setAlternatingRowColors(True)
        self.sections_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sections_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.sections_table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(2, 130)
        sections_layout.addWidget(self.sections_table)
        outer.addWidget(sections_box)
        outer.addStretch(1)
        self.setWidget(page)

    # ---- content ------------------------------------------------------------------------

    def set_detail(self, detail: AuditDetail | None) -> None:
        if detail is None:
            self.title_label.setText("")
            self.subtitle_label.setText("")
            for value in self.fields.values():
                value.setText("")
            self.sections_table.setRowCount(0)
            self._set_findings({})
            self._set_signatures(())
            self._set_award(None, None)
            return
        lang = i18n.get_language()
        audit = detail.audit
        catalogue = detail.checklist.title.get(lang)
        self.title_label.setText(audit_title(audit))
        self.subtitle_label.setText(_("{organisation} · {site} · {catalogue}").format(
            organisation=audit.organisation_name, site=audit.site_name, catalogue=catalogue))
        self.fields["organisation"].setText(audit.organisation_name)
        self.fields["site"].setText(audit.site_name)
        self.fields["catalogue"].setText(_("{title} (edition {edition})").format(
            title=catalogue, edition=audit.catalogue_edition))
        self.fields["kind"].setText(labels.kind(audit.kind))
        self.fields["status"].setText(labels.status(audit.status))
        self.fields["lead_auditor"].setText(audit.lead_auditor or "–")
        self.fields["team"].setText(", ".join(_("{name} ({role})").format(name=m.name, role=labels.team_role(m.role))
                                              for m in audit.team) or "–")
        self.fields["location"].setText(audit.location or "–")
        if audit.end_date and audit.end_date != audit.start_date:
            dates = _("{start} to {end}").format(start=format_date(audit.start_date), end=format_date(audit.end_date))
        else:
            dates = format_date(audit.start_date)
        self.fields["dates"].setText(dates)
        self.fields["scope"].setText(audit.scope or "–")
        self.fields["id"].setText(audit.id[:8])
        self.fields["id"].setToolTip(audit.id)

        overall = detail.progress.overall
        self.progress_bar.setRange(0, max(overall.total, 1))
        self.progress_bar.setValue(overall.answered)
        progress = _("{answered} of {total} items answered ({percent} %)").format(
            answered=overall.answered, total=overall.total, percent=overall.percent)
        carried = sum(1 for a in detail.answers.values() if a.carried_over)
        if carried:
            progress += "\n" + ngettext("{n} carried-over answer still to confirm",
                                         "{n} carried-over answers still to confirm", carried).format(n=carried)
        self.progress_label.setText(progress)
        self.verdict_label.setText(self._verdict_html(overall.verdict, final=audit.read_only))
        self._set_signatures(detail.signatures if audit.read_only else ())
        self._set_sections(detail, lang)
        self._set_findings(Counter(f.finding_class for f in detail.findings))
        award = None
        if self._award_of is not None and detail.checklist.award is not None:
            try:
                award = self._award_of(detail)
            except OekoauditError:
                award = None
        self._set_award(detail, award)

    def _set_award(self, detail: AuditDetail | None, result: AwardResult | None) -> None:
        self.award_box.setVisible(result is not None)
        if detail is None or result is None:
            return
        lang = i18n.get_language()
        if result.passed:
            verdict = f"<b style='color:{style.ACCENT}'>✓ " + escape(_("All award rules are met.")) + "</b>"
        else:
            verdict = f"<b style='color:{style.ERROR_TEXT}'>" + escape(ngettext(
                "{n} award rule is not met yet.", "{n} award rules are not met yet.", len(result.failed)).format(
                n=len(result.failed))) + "</b>"
        self.award_verdict.setText(verdict)
        rows = []
        for check in result.checks:
            mark, colour = ("✓", style.ACCENT) if check.passed else (("✗", style.ERROR_TEXT) if check.assessed
                                                                    else ("?", style.MUTED_TEXT))
            text = labels.award_check(check.rule, check.key, check.required, check.actual)
            if check.key is not None:
                item = detail.checklist.item(check.key)
                if item is not None:
                    text = _("must criterion {ref} {title}").format(ref=item.ref, title=item.title.get(lang))
                    if not check.assessed:
                        text += " – " + _("not assessed yet")
            rows.append(f"<span style='color:{colour}'><b>{mark}</b></span>&nbsp;{escape(text)}")
        self.award_list.setText("<br>".join(rows))
        rules = detail.checklist.award
        note = rules.note.get(lang) if rules is not None and rules.note is not None else ""
        self.award_note.setText(note)
        self.award_note.setVisible(bool(note))

    @staticmethod
    def _verdict_html(verdict: Verdict, final: bool = False) -> str:
        rating = style.verdict_rating(verdict)
        colour = style.RATING_TEXT_COLOURS.get(rating, style.MUTED_TEXT) if rating else style.MUTED_TEXT
        dot = f"<span style='color:{style.RATING_COLOURS[rating]}'>●</span> " if rating else ""
        heading = _("Result") + ":" if final else _("Result so far:")
        return (escape(heading) + "<br>" + dot
                + f"<b style='color:{colour}'>{escape(labels.verdict(verdict))}</b>")

    def _set_signatures(self, signatures: tuple[Signature, ...] | tuple[()]) -> None:
        """Who signed, in which role, when and where; the drawn signature above the name."""
        layout = self.signatures_layout
        while layout.count():
            item = layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.signatures_box.setVisible(bool(signatures))
        for signature in signatures:
            block = QWidget(self.signatures_box)
            block.setObjectName("signature_block")
            block_layout = QVBoxLayout(block)
            block_layout.setContentsMargins(0, 0, 0, 0)
            block_layout.setSpacing(2)
            picture = QLabel(block)
            picture.setObjectName("signature_picture")
            picture.setFixedHeight(SIGNATURE_HEIGHT)
            picture.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
            image = QImage.fromData(signature.image_png) if signature.image_png else QImage()
            if not image.isNull():
                pixmap = QPixmap.fromImage(image)
                ratio = self.devicePixelRatioF()
                pixmap = pixmap.scaled(int(SIGNATURE_WIDTH * ratio), int(SIGNATURE_HEIGHT * ratio),
                                       Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
                pixmap.setDevicePixelRatio(ratio)
                picture.setPixmap(pixmap)
            else:
                picture.setText(_("(signed by typed name)"))
                picture.setStyleSheet(f"color: {style.MUTED_TEXT}; font-style: italic;")
            line = QFrame(block)
            line.setFrameShape(QFrame.Shape.HLine)
            line.setStyleSheet("color: #9aa0a6;")
            name = QLabel(f"<b>{escape(signature.name)}</b><br>{escape(signature.role)}", block)
            when = format_date(signature.signed_at.date())
            where = _("{place}, {date}").format(place=signature.place, date=when) if signature.place else when
            place = QLabel(where, block)
            place.setStyleSheet(f"color: {style.MUTED_TEXT};")
            for widget in (picture, line, name, place):
                block_layout.addWidget(widget)
            block.setMinimumWidth(SIGNATURE_WIDTH)
            layout.addWidget(block)
        layout.addStretch(1)

    def _set_sections(self, detail: AuditDetail, lang: str) -> None:
        table = self.sections_table
        sections = detail.checklist.sections
        table.setRowCount(len(sections))
        for row, section in enumerate(sections):
            progress = detail.progress.sections[section.key]
            title = QTableWidgetItem(f"{section.ref}  {section.title.get(lang)}")
            title.setToolTip(title.text())
            answered = QTableWidgetItem(f"{progress.answered}/{progress.total}")
            answered.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, 0, title)
            table.setItem(row, 1, answered)
            bar = QProgressBar(table)
            bar.setRange(0, max(progress.total, 1))
            bar.setValue(progress.answered)
            bar.setTextVisible(False)
            bar.setMaximumHeight(12)
            bar.setStyleSheet(style.progress_bar_style().replace("min-height: 16px;", "min-height: 8px;"))
            holder = QWidget(table)
            holder_layout = QHBoxLayout(holder)
            holder_layout.setContentsMargins(6, 0, 10, 0)
            holder_layout.addWidget(bar)
            table.setCellWidget(row, 2, holder)
            verdict = QTableWidgetItem()
            if progress.verdict is not Verdict.NOT_ASSESSED:
                verdict.setText(labels.verdict(progress.verdict))
                verdict.setIcon(style.verdict_icon(progress.verdict))
                colour = style.rating_text_colour(style.verdict_rating(progress.verdict))
                if colour is not None:
                    verdict.setForeground(colour)
            else:
                verdict.setText(labels.verdict(progress.verdict))
                verdict.setForeground(QColor(style.MUTED_TEXT))
            table.setItem(row, 3, verdict)
        height = table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(table.rowCount())) + 4
        table.setFixedHeight(height)

    def _set_findings(self, counts: Counter | dict) -> None:
        while self.findings_grid.count():
            item = self.findings_grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        parent = self.findings_grid.parentWidget() or self
        shown = [(cls, counts.get(cls, 0)) for cls in _FINDING_ORDER if counts.get(cls, 0)]
        if not shown:
            none = QLabel(_("No findings yet."), parent)
            none.setStyleSheet(f"color: {style.MUTED_TEXT};")
            self.findings_grid.addWidget(none, 0, 0, 1, 2)
            return
        for row, (cls, count) in enumerate(shown):
            number = QLabel(str(count), parent)
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            number.setStyleSheet("font-weight: bold;")
            name = QLabel(labels.finding_class(cls), parent)
            name.setWordWrap(True)
            rating = _FINDING_RATING.get(cls)
            if rating is not None:
                name.setStyleSheet(f"color: {style.RATING_TEXT_COLOURS[rating]};")
            self.findings_grid.addWidget(number, row, 0)
            self.findings_grid.addWidget(name, row, 1)
