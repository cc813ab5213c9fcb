"""The environmental programme's measures (the full programme — costs, savings, CO2 — grows here)."""

from __future__ import annotations

from datetime import date

from oekoaudit.domain.programme import Measure, MeasureStatus
from oekoaudit.errors import N_, NotFoundError, UserInputError
from oekoaudit.services.audits import MAX_NOTE, _StoreService


class MeasureService(_StoreService):
    def list(self, organisation_id: str | None = None, audit_id: str | None = None) -> list[Measure]:
        with self._store.read() as s:
            return self._repo(s).measures(organisation_id, audit_id)

    def create(self, organisation_id: str, title: str, description: str = "", audit_id: str | None = None,
               area: str = "", owner: str = "", due_date: date | None = None,
               status: MeasureStatus = MeasureStatus.PLANNED) -> Measure:
        title = " ".join((title or "").split())
        if not title:
            raise UserInputError(N_("A measure needs a title."))
        if len(title) > 300 or len(description) > MAX_NOTE:
            raise UserInputError(N_("The measure's text is too long."))
        with self._store.write() as s:
            repo = self._repo(s)
            if repo.organisation(organisation_id) is None:
                raise NotFoundError(N_("There is no organisation {id}."), id=organisation_id)
            if audit_id is not None and repo.audit(audit_id) is None:
                raise NotFoundError(N_("There is no audit {ref}."), ref=audit_id)
            return repo.add_measure(organisation_id, title, description=description.strip(), audit_id=audit_id,
                                    area=area.strip()[:100], owner=" ".join(owner.split())[:200], due_date=due_date,
                                    status=MeasureStatus(status).value)
