"""New organisation: name (required), address, contact and the name of its first site."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from oekoaudit.i18n import _
from oekoaudit.services import Services
from oekoaudit.ui.dialogs.base import FormDialog
from oekoaudit.ui.tasks import DbWorker


class NewOrganisationDialog(FormDialog):
    """On success ``result_value`` is the new :class:`~oekoaudit.domain.audit.Organisation`."""

    def __init__(self, services: Services, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(worker, _("New organisation"), parent)
        self._services = services
        self.set_intro(_("The organisation you audit. Address and contact appear in the report."))
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("name_edit")
        self.name_edit.setPlaceholderText(_("e.g. Muster Metallbau GmbH"))
        self.name_edit.setMaxLength(200)
        self.address_edit = QPlainTextEdit(self)
        self.address_edit.setObjectName("address_edit")
        self.address_edit.setTabChangesFocus(True)
        self.address_edit.setFixedHeight(self.address_edit.fontMetrics().lineSpacing() * 3 + 14)
        self.address_edit.setPlaceholderText(_("Street, postcode and town"))
        self.contact_edit = QLineEdit(self)
        self.contact_edit.setObjectName("contact_edit")
        self.contact_edit.setPlaceholderText(_("Contact person, role, phone"))
        self.site_edit = QLineEdit(self)
        self.site_edit.setObjectName("site_edit")
        self.site_edit.setPlaceholderText(_("Main site"))
        self.site_edit.setMaxLength(200)
        self.form.addRow(_("Name") + " *", self.name_edit)
        self.form.addRow(_("Address"), self.address_edit)
        self.form.addRow(_("Contact"), self.contact_edit)
        self.form.addRow(_("First site"), self.site_edit)
        self.name_edit.setFocus()

    def validate(self) -> bool:
        if not self.name_edit.text().strip():
            self.show_error(_("Please enter the organisation's name."), focus=self.name_edit)
            return False
        return True

    def write(self) -> Callable[[], Any]:
        organisations = self._services.organisations
        name = self.name_edit.text()
        address = self.address_edit.toPlainText().strip()
        contact = self.contact_edit.text().strip()
        site = self.site_edit.text().strip() or None
        return lambda: organisations.create(name, address=address, contact=contact, site_name=site)
