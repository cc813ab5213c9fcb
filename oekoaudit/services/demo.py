"""A realistic demo: a metalworking SME in its ISO 14001 surveillance audit, partly answered, with
three years of environmental figures and an environmental programme of ten measures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from oekoaudit.domain.audit import Signer
from oekoaudit.domain.finding import ActionStatus, Finding, FindingClass
from oekoaudit.domain.programme import Measure
from oekoaudit.services.audits import AuditService, OrganisationService

if TYPE_CHECKING:
    from oekoaudit.services.indicators import IndicatorService
    from oekoaudit.services.measures import MeasureService

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
    #: how many figures were recorded, and for which years
    figures: int = 0
    figure_years: tuple[int, ...] = ()
    measures: tuple[Measure, ...] = ()
    previous_audit_id: str = ""


def create_demo(organisations: OrganisationService, audits: AuditService, catalogue: str = "iso14001-2015",
                today: date | None = None, *, indicators: IndicatorService | None = None,
                measures: MeasureService | None = None) -> DemoResult:
    """Create the demo organisation (or a numbered one if it exists) with its audit; with
    ``indicators`` also three years of figures, with ``measures`` an environmental programme."""
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
    previous_id = _previous_audit(organisation.id, site.id, audits, catalogue, today)
    years: tuple[int, ...] = ()
    count = 0
    if indicators is not None:
        years, count = _figures(indicators, organisation.id, today)
    programme: tuple[Measure, ...] = ()
    if measures is not None:
        programme = _programme(measures, organisation.id, site.id, audit.id, previous_id, findings, today)
    return DemoResult(organisation_id=organisation.id, organisation_name=organisation.name, site_id=site.id,
                      audit_id=audit.id, answered=len(_ANSWERS), findings=tuple(findings), figures=count,
                      figure_years=years, measures=programme, previous_audit_id=previous_id)


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


# ---- figures: three full years before the audit ------------------------------------------------

# (quantity, unit, values of the three years, source, details) — a 40-person sheet-metal works with
# powder coating planned: electricity falls with the LED and PV measures, gas with the new boiler
# control, emulsions with the coolant care unit; the nature-oriented area grows by the meadow.
_FIGURES: list[tuple[str, str, tuple[str | None, str | None, str | None], str, dict[str, Any]]] = [
    ("electricity_grid", "kWh", ("186400", "181900", "168300"), "Stromrechnungen Stadtwerke", {}),
    ("electricity_green_share", "%", ("0", "0", "50"), "Stromkennzeichnung des Lieferanten", {}),
    ("electricity_own_generation", "kWh", (None, "6200", "19800"), "Zähler PV-Anlage Halle 2", {}),
    ("natural_gas", "m³", ("26800", "25100", "23900"), "Gasrechnungen (Zählerstände)", {}),
    ("diesel", "l", ("4200", "4050", "3880"), "Tankkarten Fuhrpark", {}),
    ("water_mains", "m³", ("940", "905", "870"), "Wasserrechnungen", {}),
    ("waste", "t", ("48.2", "51.6", "49.9"), "Wiegescheine Schrotthändler",
     {"waste_code": "12 01 01", "route": "recycling", "name": "Stahlschrott und Späne"}),
    ("waste", "t", ("6.4", "5.9", "4.8"), "Entsorgungsnachweise (eANV)",
     {"waste_code": "12 01 09*", "route": "disposal", "name": "Bearbeitungsemulsionen, halogenfrei"}),
    ("waste", "t", ("0.9", "0.8", "0.85"), "Entsorgungsnachweise (eANV)",
     {"waste_code": "13 02 05*", "route": "recovery", "name": "Maschinen- und Getriebeöle"}),
    ("waste", "t", ("0.42", "0.38", "0.35"), "Entsorgungsnachweise (eANV)",
     {"waste_code": "15 01 10*", "route": "recovery", "name": "Verpackungen mit schädlichen Rückständen"}),
    ("waste", "t", ("3.1", "3.3", "3.0"), "Rechnungen Entsorger",
     {"waste_code": "15 01 01", "route": "recycling", "name": "Papier und Pappe"}),
    ("waste", "t", ("7.8", "7.5", "7.1"), "Rechnungen Entsorger",
     {"waste_code": "20 03 01", "route": "recovery", "name": "Gemischte Siedlungsabfälle"}),
    ("material", "t", ("610", "632", "598"), "Wareneingang Warenwirtschaft", {"name": "Stahlblech"}),
    ("material", "t", ("38", "41", "37"), "Wareneingang Warenwirtschaft", {"name": "Aluminiumblech"}),
    ("hazardous_substance", "kg", ("1450", "1380", "1120"), "Gefahrstoffverzeichnis / Einkauf",
     {"name": "Kühlschmierstoff-Konzentrat"}),
    ("hazardous_substance", "kg", ("820", "790", "760"), "Gefahrstoffverzeichnis / Einkauf",
     {"name": "Alkalischer Industriereiniger"}),
    ("refrigerant", "kg", ("2.4", None, "1.1"), "Kältemittel-Logbuch Klimaanlage Büro", {"gas": "R-410A"}),
    ("land_total", "m²", ("12400", "12400", "12400"), "Liegenschaftskataster", {}),
    ("land_sealed", "m²", ("8900", "8900", "8900"), "Liegenschaftskataster", {}),
    ("land_nature_on_site", "m²", ("1350", "1350", "1650"), "Lageplan (Blühwiese ab Mai)", {}),
    ("employees", "persons", ("38", "40", "41"), "Personalstatistik (Jahresdurchschnitt)", {}),
    ("output", "t", ("560", "585", "551"), "Produktionsstatistik (verarbeitetes Blech)", {}),
    ("turnover", "€", ("5900000", "6250000", "6100000"), "Jahresabschluss", {}),
    ("floor_area", "m²", ("6200", "6200", "6200"), "Gebäudeverzeichnis", {}),
]


def _figures(indicators: IndicatorService, organisation_id: str, today: date) -> tuple[tuple[int, ...], int]:
    years = (today.year - 3, today.year - 2, today.year - 1)
    count = 0
    for key, unit, values, source, details in _FIGURES:
        for year, value in zip(years, values, strict=True):
            if value is not None:
                indicators.set_value(organisation_id, year, key, Decimal(value), unit, source=source,
                                     details=details, today=today)
                count += 1
    indicators.set_reference(organisation_id, "output",
                             "Die verarbeitete Blechmenge (t) bildet die Produktion am besten ab; die Zahl der "
                             "Beschäftigten schwankt mit Leiharbeit und Auftragslage.")
    indicators.set_gas_conversion(organisation_id, Decimal("10.3"))
    indicators.set_omitted(organisation_id, "land_nature_off_site",
                           "Keine Flächen außerhalb des Standorts (Umweltprüfung 2023).")
    return years, count


# ---- the environmental programme --------------------------------------------------------------


def _programme(measures: MeasureService, organisation_id: str, site_id: str, audit_id: str, previous_id: str,
               findings: list[Finding], today: date) -> tuple[Measure, ...]:
    """Ten measures across the ÖKOPROFIT areas: done ones of last year's audit, open and dropped ones of
    this year's; two without owner and date (the observation on 6.2.2), one for the major finding."""
    last, before = today.year - 1, today.year - 2
    major = next((f.id for f in findings if f.finding_class is FindingClass.MAJOR_NC), None)
    specs: list[dict[str, Any]] = [
        dict(audit_id=previous_id, title="Photovoltaikanlage 99 kWp auf dem Dach von Halle 2", area="energy",
             owner="H. Brandt", start_date=date(before, 3, 1), due_date=date(before, 6, 30),
             completed_on=date(before, 6, 28), status="done", priority=1, investment_eur="98000",
             savings_eur_per_year="5300", savings_kwh_per_year="19500", energy_carrier="electricity_grid",
             description="Eigenverbrauch in der Blechbearbeitung; Einspeisung des Überschusses."),
        dict(audit_id=previous_id, title="LED-Beleuchtung in Halle 2", area="energy", owner="H. Brandt",
             start_date=date(last, 1, 10), due_date=date(last, 3, 31), completed_on=date(last, 3, 14),
             status="done", priority=1, investment_eur="14800", savings_eur_per_year="3900",
             savings_kwh_per_year="16500", energy_carrier="electricity_grid"),
        dict(audit_id=previous_id, title="Kühlschmierstoff-Pflegeanlage: längere Standzeit der Emulsion",
             area="waste", owner="F. Kaya", start_date=date(last, 4, 1), due_date=date(last, 9, 30),
             completed_on=date(last, 9, 26), status="done", priority=2, investment_eur="12500",
             savings_eur_per_year="4300", savings_t_per_year="1.4",
             description="Zentrale Filtration und Konzentrationsüberwachung; weniger Emulsion zur Entsorgung "
                         "(AVV 12 01 09*) und weniger Konzentrat im Einkauf."),
        dict(audit_id=previous_id, title="Blühwiese statt Rasen an der Nordseite (300 m²)", area="biodiversity",
             owner="F. Kaya", due_date=date(last, 5, 31), completed_on=date(last, 5, 15), status="done",
             priority=3, investment_eur="1800", savings_eur_per_year="350",
             description="Zweimal im Jahr mähen statt alle zwei Wochen; Saatgut regionaler Herkunft."),
        dict(audit_id=audit_id, title="Druckluftleckagen beseitigen", area="energy", status="planned", priority=1,
             investment_eur="1200", savings_eur_per_year="2100", savings_kwh_per_year="9800",
             energy_carrier="electricity_grid",
             description="Leckageortung mit Ultraschall, Reparatur; danach jährliche Kontrolle."),
        dict(audit_id=audit_id, title="LED-Beleuchtung in Halle 1", area="energy", status="planned", priority=2,
             investment_eur="9500", savings_eur_per_year="2600", savings_kwh_per_year="11000",
             energy_carrier="electricity_grid"),
        dict(audit_id=audit_id, title="Brennwertkessel und hydraulischer Abgleich im Verwaltungsbau",
             area="energy", owner="H. Brandt", start_date=today - timedelta(days=60),
             due_date=today + timedelta(days=120), status="in_progress", priority=2, investment_eur="38000",
             savings_eur_once="9500", savings_eur_per_year="2900", savings_kwh_per_year="24000",
             energy_carrier="natural_gas",
             description="Einmalig: Zuschuss der Bundesförderung für effiziente Gebäude (BEG EM)."),
        dict(audit_id=audit_id, title="Auffangwannen für IBC beschaffen und Betriebsanweisung erstellen",
             area="hazardous_substances", owner="F. Kaya", start_date=today, due_date=today + timedelta(days=14),
             status="in_progress", priority=1, investment_eur="2400", finding_ids=[major] if major else [],
             description="Aus der Hauptabweichung zu 8.1: Lagerkonzept für größere Gebinde."),
        dict(audit_id=audit_id, title="Regenwasser für die Gleitschleifanlage nutzen", area="water",
             owner="H. Brandt", due_date=date(today.year + 1, 6, 30), status="planned", priority=3,
             investment_eur="7800", savings_eur_per_year="720", savings_m3_per_year="180"),
        dict(audit_id=audit_id, title="Zwei Dienstwagen auf Elektroantrieb umstellen", area="mobility",
             owner="H. Brandt", due_date=date(last, 12, 31), status="dropped", priority=3, investment_eur="0",
             savings_eur_per_year="1900", savings_kwh_per_year="14000", energy_carrier="diesel",
             description="Zurückgestellt: Förderprogramm ausgelaufen, Leasingverträge laufen bis 2027."),
    ]
    created = []
    for spec in specs:
        spec = dict(spec)
        created.append(measures.create(organisation_id, spec.pop("title"), site_id=site_id, **spec))
    return tuple(created)
