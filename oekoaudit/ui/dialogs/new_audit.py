"""New audit: organisation, site, checklist catalogue, kind, title, lead auditor and start date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QLabel, QLineEdit, QVBoxLayout, QWidget

from oekoaudit import i18n
from oekoaudit.domain.audit import AuditKind
from oekoaudit.errors import OekoauditError
from oekoaudit.i18n import _, describe, ngettext
from oekoaudit.services import Services, labels
from oekoaudit.ui import style
from oekoaudit.ui.dialogs.base import FormDialog
from oekoaudit.ui.tasks import DbWorker


class NewAuditDialog(FormDialog):
    """On success ``result_value`` is the new :class:`~oekoaudit.domain.audit.Audit`."""

    def __init__(self, services: Services, worker: DbWorker, organisation_id: str | None = None,
                 site_id: str | None = None, lead_auditor: str = "", parent: QWidget | None = None) -> None:
        super().__init__(worker, _("New audit"), parent)
        self._services = services
        lang = i18n.get_language()
        self.set_intro(_("The checklist is fixed when the audit is created: later editions of the catalogue "
                         "do not change it."))

        self.organisation_combo = QComboBox(self)
        self.organisation_combo.setObjectName("organisation_combo")
        for organisation in sorted(services.organisations.list(), key=lambda o: o.name.casefold()):
            self.organisation_combo.addItem(organisation.name, organisation.id)
        self.site_combo = QComboBox(self)
        self.site_combo.setObjectName("site_combo")

        self.catalogue_combo = QComboBox(self)
        self.catalogue_combo.setObjectName("catalogue_combo")
        try:
            catalogues = services.catalogues.list()
        except OekoauditError as exc:
            catalogues = []
            self.show_error(describe(exc))
        for info in catalogues:
            text = info.title.get(lang)
            if info.status != "published":
                text = _("{title} (draft)").format(title=text)
            self.catalogue_combo.addItem(text, info.id)
            self.catalogue_combo.setItemData(self.catalogue_combo.count() - 1, _items(info.item_count),
                                             Qt.ItemDataRole.ToolTipRole)
        #: the catalogues that offer a guided self-assessment
        self._self_assessment = {info.id for info in catalogues if _offers_self_assessment(services, info)}

        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("kind_combo")
        for kind in AuditKind:
            self.kind_combo.addItem(labels.kind(kind), kind.value)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(AuditKind.INTERNAL.value))
        self.kind_hint = QLabel(_("Self-assessment: the business answers the questions itself, one at a time, "
                                  "in everyday words."), self)
        self.kind_hint.setObjectName("kind_hint")
        self.kind_hint.setWordWrap(True)
        self.kind_hint.setStyleSheet(f"color: {style.MUTED_TEXT};")

        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("title_edit")
        self.title_edit.setPlaceholderText(_("e.g. Surveillance audit 2026 (optional)"))
        self.title_edit.setMaxLength(300)
        self.lead_edit = QLineEdit(lead_auditor, self)
        self.lead_edit.setObjectName("lead_edit")
        self.date_edit = QDateEdit(QDate.currentDate(), self)
        self.date_edit.setObjectName("date_edit")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd.MM.yyyy" if lang == "de" else "yyyy-MM-dd")

        self.form.addRow(_("Organisation") + " *", self.organisation_combo)
        self.form.addRow(_("Site") + " *", self.site_combo)
        self.form.addRow(_("Checklist") + " *", self.catalogue_combo)
        kind_box = QWidget(self)
        kind_layout = QVBoxLayout(kind_box)
        kind_layout.setContentsMargins(0, 0, 0, 0)
        kind_layout.setSpacing(3)
        kind_layout.addWidget(self.kind_combo)
        kind_layout.addWidget(self.kind_hint)
        self.form.addRow(_("Kind of audit"), kind_box)
        self.form.addRow(_("Title"), self.title_edit)
        self.form.addRow(_("Lead auditor"), self.lead_edit)
        self.form.addRow(_("Start date"), self.date_edit)

        # what is already known: an earlier audit of the organisation, and the legal register
        self.carry_combo = QComboBox(self)
        self.carry_combo.setObjectName("carry_combo")
        self.carry_hint = QLabel(_("Answers, notes, evidence and open findings come over through the mappings "
                                   "between the catalogues. Each carried-over answer stays marked until you "
                                   "confirm or change it."), self)
        self.carry_hint.setObjectName("carry_hint")
        self.carry_hint.setWordWrap(True)
        self.carry_hint.setStyleSheet(f"color: {style.MUTED_TEXT};")
        self.form.addRow(_("Carry over from"), self.carry_combo)
        self.form.addRow("", self.carry_hint)
        self._legal = services.catalogues.legal_register()
        self.legal_check = QCheckBox(_("Add the legal register (legal compliance check)"), self)
        self.legal_check.setObjectName("legal_check")
        if self._legal is not None:
            self.legal_check.setToolTip(self._legal.title.get(lang))
        self.form.addRow("", self.legal_check)

        self.organisation_combo.currentIndexChanged.connect(self._on_organisation_combo_current_index_changed)
        self.catalogue_combo.currentIndexChanged.connect(self._on_catalogue_combo_current_index_changed)
        self._fill_kinds()
        if organisation_id is not None:
            index = self.organisation_combo.findData(organisation_id)
            if index >= 0:
                self.organisation_combo.setCurrentIndex(index)
        self._fill_sites(site_id)
        self._fill_carry()
        self._on_catalogue_combo_current_index_changed(self.catalogue_combo.currentIndex())
        self.title_edit.setFocus()

    def _on_organisation_combo_current_index_changed(self, _index: int) -> None:
        self._fill_sites(None)
        self._fill_carry()

    def _on_catalogue_combo_current_index_changed(self, _index: int) -> None:
        self._fill_kinds()
        self.legal_check.setVisible(self._legal is not None and self.catalogue_combo.currentData() != self._legal.id)

    def _fill_carry(self) -> None:
        """The organisation's earlier audits, newest first; the newest is proposed."""
        self.carry_combo.clear()
        self.carry_combo.addItem(_("nothing (start empty)"), None)
        organisation_id = self.organisation_combo.currentData()
        earlier = []
        if organisation_id is not None:
            try:
                earlier = self._services.audits.list(organisation_id)
            except OekoauditError as exc:
                self.show_error(describe(exc))
        earlier.sort(key=lambda s: (s.audit.start_date or s.audit.created_at.date(), s.audit.created_at),
                     reverse=True)
        lang = i18n.get_language()
        for summary in earlier:
            a = summary.audit
            when = a.start_date.strftime("%d.%m.%Y" if lang == "de" else "%Y-%m-%d") if a.start_date else ""
            name = a.title or (a.catalogue_title_de if lang == "de" else a.catalogue_title_en) or a.catalogue_id
            self.carry_combo.addItem(f"{name} · {when} · {a.catalogue_id}", a.id)
        if earlier:
            self.carry_combo.setCurrentIndex(1)
        self.carry_combo.setEnabled(bool(earlier))
        self.carry_hint.setVisible(bool(earlier))

    def _fill_kinds(self) -> None:
        """Offer the kind "self-assessment" only for catalogues that have it."""
        offered = self.catalogue_combo.currentData() in self._self_assessment
        index = self.kind_combo.findData(AuditKind.SELF_ASSESSMENT.value)
        if offered and index < 0:
            self.kind_combo.addItem(labels.kind(AuditKind.SELF_ASSESSMENT), AuditKind.SELF_ASSESSMENT.value)
        elif not offered and index >= 0:
            if self.kind_combo.currentIndex() == index:
                self.kind_combo.setCurrentIndex(self.kind_combo.findData(AuditKind.INTERNAL.value))
            self.kind_combo.removeItem(index)
        self.kind_hint.setVisible(offered)

    def _fill_sites(self, site_id: str | None) -> None:
        self.site_combo.clear()
        organisation_id = self.organisation_combo.currentData()
        if organisation_id is None:
            return
        for site in self._services.organisations.sites(organisation_id):
            self.site_combo.addItem(site.name, site.id)
        if site_id is not None:
            index = self.site_combo.findData(site_id)
            if index >= 0:
                self.site_combo.setCurrentIndex(index)

    def validate(self) -> bool:
        if self.organisation_combo.currentData() is None:
            self.show_error(_("Please create an organisation first."))
            return False
        if self.catalogue_combo.currentData() is None:
            self.show_error(_("Please choose a checklist."), focus=self.catalogue_combo)
            return False
        return True

    def write(self) -> Callable[[], Any]:
        audits = self._services.audits
        organisation_id = self.organisation_combo.currentData()
        site_id = self.site_combo.currentData()
        catalogue = self.catalogue_combo.currentData()
        kind = self.kind_combo.currentData()
        title = self.title_edit.text().strip()
        lead = self.lead_edit.text().strip()
        qdate = self.date_edit.date()
        start = date(qdate.year(), qdate.month(), qdate.day())
        carry_from = self.carry_combo.currentData()
        modules = [self._legal.id] if (self._legal is not None and not self.legal_check.isHidden()
                                       and self.legal_check.isChecked()) else []
        return lambda: audits.create(organisation_id, catalogue, kind=kind, title=title, site_id=site_id,
                                     lead_auditor=lead, start_date=start, carry_from=carry_from, modules=modules)


def _offers_self_assessment(services: Services, info: Any) -> bool:
    modes = getattr(info, "modes", None)
    if modes is not None:
        return "self_assessment" in modes
    try:
        return services.catalogues.get(info.id).self_assessment
    except OekoauditError:
        return False


def _items(count: int) -> str:
    return ngettext("{n} item", "{n} items", count).format(n=count)
