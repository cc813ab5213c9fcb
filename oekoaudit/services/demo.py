"""A realistic demo: a metalworking SME in its ISO 14001 surveillance audit, partly answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from oekoaudit.domain.audit import Signer
from oekoaudit.domain.finding import ActionStatus, Finding, FindingClass
from oekoaudit.services.audits import AuditService, OrganisationService

DEMO_ORGANISATION = "Muster Metallbau GmbH"

# (item key, result, note) — a surveillance audit half way through day one.
_ANSWERS: list[tuple[str, str, str]] = [
    ("4.1", "conform", "Kontextanalyse vom 12.01. liegt vor; Klimawandel als relevantes Thema bewertet "
                       "(Starkregen, Kühlbedarf Halle 2)."),
    ("4.2", "conform", "Interessierte Parteien in Matrix erfasst, u. a. Nachbarschaft (Lärm), Landratsamt, "
                       "Hauptkunde mit CO2-Anforderungen."),
    ("4.3", "conform", "Anwendungsbereich: Standort Werk Nord, Blechbearbeitung und Pulverbeschichtung."),
    ("4.4", "conform", ""),
    ("5.1", "conform", "Geschäftsführer Herr Brandt im Interview gut informiert; Umweltziele im "
                       "Jahresgespräch verankert."),
    ("5.2", "improvement", "Umweltpolitik aktuell (03/2026), aber im Pausenraum Halle 2 noch alte Fassung "
                           "ausgehängt."),
    ("5.3", "conform", "Umweltmanagementbeauftragte Frau Kaya schriftlich benannt."),
    ("6.1.1", "conform", ""),
    ("6.1.2", "minor_nc", "Umweltaspekte-Register nicht fortgeschrieben: neue Pulverbeschichtungsanlage "
                          "(seit 05/2026) fehlt."),
    ("6.1.3", "conform", "Rechtskataster über Dienstleister, letzter Abgleich 09/2026."),
    ("6.1.4", "conform", ""),
    ("6.2.1", "conform", "Ziel: Stromverbrauch je t Blech −5 % bis 2027; Stand −3,1 %."),
    ("6.2.2", "observation", "Maßnahmenplan ohne Termine für zwei Maßnahmen (Druckluftleckagen, LED Halle 1)."),
    ("7.1", "conform", ""),
    ("7.2", "conform", "Schulungsnachweise Gefahrstoffe für Beschichtung vollständig."),
    ("7.3", "conform", ""),
    ("8.1", "major_nc", "Gefahrstofflager: zwei IBC ohne Auffangwanne, Betriebsanweisung fehlt "
                        "(Foto 014–016)."),
    ("8.2", "observation", "Notfallübung Ölaustritt zuletzt 2024; Bindemittel vorhanden."),
]

_FINDINGS = [
    dict(item_key="8.1", finding_class=FindingClass.MAJOR_NC,
         statement="Im Gefahrstofflager Halle 2 stehen zwei IBC mit Kühlschmierstoff-Konzentrat ohne "
                   "Auffangwanne; eine Betriebsanweisung für den Umgang liegt nicht aus.",
         objective_evidence="Begehung Halle 2 mit Herrn Brandt, Fotos 014–016; Sicherheitsdatenblatt KSS "
                            "(WGK 2) im Lager vorhanden.",
         correction="IBC noch während des Audits in die Auffangwanne des Öllagers umgesetzt.",
         root_cause="Lieferung größerer Gebinde seit Umstellung des Lieferanten; Lagerkonzept nicht angepasst.",
         corrective_action="Auffangwannen beschaffen, IBC umsetzen; Betriebsanweisung erstellen und "
                           "unterweisen; Lagerkonzept prüfen.",
         owner="F. Kaya", due_days=14, status=ActionStatus.IN_PROGRESS),
    dict(item_key="6.1.2", finding_class=FindingClass.MINOR_NC,
         statement="Das Umweltaspekte-Register berücksichtigt die im Mai 2026 in Betrieb genommene "
                   "Pulverbeschichtungsanlage nicht.",
         corrective_action="Aspekte der Anlage (Energie, Pulverreste, Abluft) bewerten und Register "
                           "fortschreiben; Änderungsprozess um Schritt 'Umweltaspekte' ergänzen.",
         owner="F. Kaya", due_days=42),
    dict(item_key="6.2.2", finding_class=FindingClass.OBSERVATION,
         statement="Zwei Maßnahmen des Umweltprogramms haben keinen Termin und keine Verantwortlichen.",
         corrective_action="", owner="", due_days=None),
    dict(item_key="5.2", finding_class=FindingClass.IMPROVEMENT,
         statement="Aushänge der Umweltpolitik zentral pflegen (Verteiler, Austausch bei neuer Fassung).",
         corrective_action="", owner="", due_days=None),
]


@dataclass(frozen=True, slots=True)
class DemoResult:
    organisation_id: str
    organisation_name: str
    site_id: str
    audit_id: str
    answered: int
    findings: tuple[Finding, ...]


def create_demo(organisations: OrganisationService, audits: AuditService, catalogue: str = "iso14001-2015",
                today: date | None = None) -> DemoResult:
    """Create the demo organisation (or a numbered one if it exists) with its audit."""
    today = today or date.today()
    names = {o.name for o in organisations.list()}
    name, n = DEMO_ORGANISATION, 1
    while name in names:
        n += 1
        name = f"{DEMO_ORGANISATION} ({n})"
    organisation = organisations.create(name, address="Industriestraße 12, 34117 Kassel",
                                        contact="Frank Brandt, Geschäftsführer", site_name="Werk Nord")
    site = organisations.sites(organisation.id)[0]
    audit = audits.create(organisation.id, catalogue, kind="surveillance",
                          title=f"Überwachungsaudit ISO 14001 {today.year}", site_id=site.id,
                          lead_auditor="Dr. Maria Lehmann", start_date=today,
                          scope="Blechbearbeitung, Pulverbeschichtung und Versand am Standort Werk Nord",
                          objectives="Wirksamkeit des UMS und Umsetzung der Korrekturmaßnahmen aus 2025 "
                                     "bestätigen")
    for key, result, note in _ANSWERS:
        audits.answer(audit.id, key, result, note or None)
    findings = []
    for spec in _FINDINGS:
        spec = dict(spec)
        due_days = spec.pop("due_days")
        findings.append(audits.add_finding(audit.id, spec.pop("finding_class"), spec.pop("statement"),
                                           due_date=today + timedelta(days=due_days) if due_days else None,
                                           **spec))
    _previous_audit(organisation.id, site.id, audits, catalogue, today)
    return DemoResult(organisation_id=organisation.id, organisation_name=organisation.name, site_id=site.id,
                      audit_id=audit.id, answered=len(_ANSWERS), findings=tuple(findings))


# Last year's audit, signed and closed: one corrective action verified as effective, one overdue.
_PREVIOUS_FINDINGS = [
    dict(item_key="7.5.3", finding_class=FindingClass.MINOR_NC,
         statement="Die Betriebsanweisungen der Lackiererei lagen in einer veralteten Fassung aus; die gültige "
                   "Fassung war nicht freigegeben.",
         correction="Alte Fassungen eingezogen, gültige Fassung freigegeben und ausgehängt.",
         root_cause="Kein festgelegter Ablauf für die Freigabe und Verteilung von Betriebsanweisungen.",
         corrective_action="Lenkung dokumentierter Information im QM-/UM-Handbuch um Freigabe und "
                           "Verteilerliste ergänzen.",
         owner="F. Kaya", due_days=-300, status=ActionStatus.VERIFIED, verified_days=-200,
         verified_by="Dr. Maria Lehmann",
         verification_result="Wirksam: Stichprobe von fünf Betriebsanweisungen, alle gültig und freigegeben."),
    dict(item_key="9.1.2", finding_class=FindingClass.MINOR_NC,
         statement="Die Bewertung der Einhaltung der Verpflichtungen für die Abwassersatzung ist nicht "
                   "nachgewiesen.",
         correction="Abwasseranalysen 2024 nachgefordert.",
         root_cause="Zuständigkeit für die Abwassersatzung nach Personalwechsel nicht neu vergeben.",
         corrective_action="Zuständigkeit festlegen; Bewertung der Einhaltung jährlich im Rechtskataster "
                           "terminieren.",
         owner="H. Brandt", due_days=-120, status=ActionStatus.IN_PROGRESS),
]


def _previous_audit(organisation_id: str, site_id: str, audits: AuditService, catalogue: str,
                    today: date) -> str:
    start = today - timedelta(days=364)
    audit = audits.create(organisation_id, catalogue, kind="initial",
                          title=f"Zertifizierungsaudit ISO 14001 {start.year}", site_id=site_id,
                          lead_auditor="Dr. Maria Lehmann", start_date=start,
                          scope="Blechbearbeitung und Versand am Standort Werk Nord")
    detail = audits.detail(audit.id)
    with_findings = {spec["item_key"] for spec in _PREVIOUS_FINDINGS}
    for item in detail.checklist.items():
        audits.answer(audit.id, item.key, "minor_nc" if item.key in with_findings else "conform")
    for spec in _PREVIOUS_FINDINGS:
        spec = dict(spec)
        due_days = spec.pop("due_days")
        verified_days = spec.pop("verified_days", None)
        audits.add_finding(audit.id, spec.pop("finding_class"), spec.pop("statement"),
                           due_date=today + timedelta(days=due_days),
                           verified_on=today + timedelta(days=verified_days) if verified_days else None, **spec)
    audits.set_status(audit.id, "in_review")
    audits.sign_and_close(audit.id, [Signer("Dr. Maria Lehmann", "Auditleiterin", "Kassel")])
    return audit.id
