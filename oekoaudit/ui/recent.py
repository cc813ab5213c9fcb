"""File → Recent audits: the audits opened last, newest first, kept in settings.json.

The list changes in memory at once and is written shortly after (and when the window closes), so
that walking through the navigator with the arrow keys does not write the file at every step. It
is written on the GUI thread (a small JSON file, not the database): a job on the DbWorker would
make the workspace wait for a write that never announces a change.

Which audits still exist (and their titles) the window tells it whenever it reads the audit
list for the navigator (:meth:`RecentAudits.set_known`): the menu reads nothing itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from oekoaudit.domain.audit import Audit
from oekoaudit.i18n import _
from oekoaudit.services import Services
from oekoaudit.services.settings import MAX_RECENT, load_settings, update_settings, with_recent
from oekoaudit.ui.models.navigator_model import audit_title
from oekoaudit.ui.qtcompat import emit

SAVE_DELAY_MS = 1500


class RecentAudits(QObject):
    #: the user chose an audit in the menu (its id)
    open_requested = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        try:
            self._ids = list(load_settings(services.data_dir).recent_audits)
        except OSError:
            self._ids = []
        self._known: dict[str, Audit] = {}
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save)
        self.menu = QMenu(_("&Recent audits"), parent)
        self.menu.setObjectName("recent_audits_menu")
        self.menu.aboutToShow.connect(self.refresh)
        self.refresh()

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    def add(self, audit_id: str) -> None:
        """An audit was opened: first in the list."""
        ids = with_recent(self._ids, audit_id)
        if ids != self._ids:
            self._ids = ids
            self._dirty = True
            self._timer.start()
        self.refresh()

    def set_known(self, audits: Iterable[Audit]) -> None:
        """The audits that exist now (the navigator's list)."""
        self._known = {audit.id: audit for audit in audits}
        self.refresh()

    def audits(self) -> list[tuple[str, str, str]]:
        """(audit id, audit title, organisation) of the recent audits that still exist, newest first."""
        result = []
        for audit_id in self._ids:
            audit = self._known.get(audit_id)
            if audit is not None:
                result.append((audit_id, audit_title(audit), audit.organisation_name))
        return result[:MAX_RECENT]

    def entries(self) -> list[tuple[str, str]]:
        """(audit id, name) of the recent audits that still exist, newest first."""
        return [(audit_id, _("{audit} – {organisation}").format(audit=title, organisation=organisation))
                for audit_id, title, organisation in self.audits()]

    def refresh(self) -> None:
        self.menu.clear()
        entries = self.entries()
        for number, (audit_id, name) in enumerate(entries, start=1):
            label = name.replace("&", "&&")
            action = QAction(f"&{number}  {label}" if number < 10 else label, self.menu)
            action.setData(audit_id)
            action.triggered.connect(lambda _checked=False, a=audit_id: emit(self.open_requested, a))
            self.menu.addAction(action)
        if not entries:
            empty = QAction(_("No audit opened yet"), self.menu)
            empty.setEnabled(False)
            self.menu.addAction(empty)

    def save(self) -> None:
        """Write the list now (if it changed)."""
        self._timer.stop()
        if not self._dirty:
            return
        try:
            update_settings(self._services.data_dir, recent_audits=list(self._ids))
        except OSError:
            return  # only a convenience: tried again with the next audit opened
        self._dirty = False
