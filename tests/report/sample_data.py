"""A realistic report snapshot (German) for the report tests and the sample renders.

``make_report_data(folder)`` writes six JPEG photos (one portrait) and a logo into ``folder``
with Pillow and returns a :class:`ReportData` of an EMAS audit: ~40 checklist rows in seven
sections, five findings (one of every class), six measures with totals, core indicators for
three years, a CO₂ balance, two signatures (one drawn). ``dataclasses.replace`` changes anything.
"""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFilter

from oekoaudit.report.data import (
    ALL_PARTS,
    BalanceRow,
    ChecklistRow,
    ChecklistSection,
    Count,
    Cover,
    Details,
    FindingEntry,
    IndicatorRow,
    Indicators,
    MeasureRow,
    Person,
    Photo,
    PhotoRef,
    PhotoSize,
    Programme,
    ReportData,
    ReportOptions,
    SectionResult,
    SignatureEntry,
    Summary,
)

RATING_LABELS = {
    "conform": "konform",
    "improvement": "Verbesserungspotenzial",
    "observation": "Beobachtung",
    "minor_nc": "Nebenabweichung",
    "major_nc": "Hauptabweichung",
    "not_applicable": "nicht anwendbar",
    "open": "offen",
}
RESULT_LABELS = {
    "conform": "erfüllt",
    "improvement": "erfüllt, verbesserbar",
    "observation": "erfüllt, Hinweis",
    "minor_nc": "teilweise erfüllt",
    "major_nc": "nicht erfüllt",
    "not_applicable": "nicht anwendbar",
    "open": "",
}
CLASS_LABELS = {
    "major_nc": "Hauptabweichung",
    "minor_nc": "Nebenabweichung",
    "observation": "Beobachtung",
    "improvement": "Verbesserungspotenzial",
    "positive": "Positive Feststellung",
}

# (ref, title, level, [(ref, title, rating, note, photos)])
_SECTIONS: list[tuple[str, str, int, list[tuple[str, str, str, str, tuple[int, ...]]]]] = [
    ("4", "Kontext der Organisation", 1, [
        ("4.1", "Verstehen der Organisation und ihres Kontextes", "conform",
         "Kontextanalyse vom 12.01.2026 liegt vor, interne und externe Themen vollständig.", ()),
        ("4.2", "Erfordernisse und Erwartungen interessierter Parteien", "conform",
         "Stakeholder-Matrix mit 14 Parteien, jährlich überprüft.", ()),
        ("4.3", "Anwendungsbereich des Umweltmanagementsystems", "observation",
         "Außenlager Nord ist im Anwendungsbereich nicht ausdrücklich genannt.", (1,)),
        ("4.4", "Umweltmanagementsystem", "conform", "", ()),
    ]),
    ("5", "Führung", 1, [
        ("5.1", "Führung und Verpflichtung", "conform", "Interview mit der Geschäftsführung (Hr. Brandt).", ()),
        ("5.2", "Umweltpolitik", "conform", "Umweltpolitik vom 03/2025, im Intranet und am Empfang ausgehängt.", ()),
        ("5.3", "Rollen, Verantwortlichkeiten und Befugnisse", "improvement",
         "Stellvertretung der Umweltmanagementbeauftragten nicht schriftlich geregelt.", ()),
    ]),
    ("6", "Planung", 1, []),
    ("6.1", "Maßnahmen zum Umgang mit Risiken und Chancen", 2, [
        ("6.1.1", "Allgemeines", "conform", "", ()),
        ("6.1.2", "Umweltaspekte", "minor_nc",
         "Bewertung der indirekten Umweltaspekte (Lieferkette, Dienstreisen) fehlt.", (2, 3)),
        ("6.1.3", "Bindende Verpflichtungen", "major_nc",
         "Rechtskataster zuletzt 2023 aktualisiert; AwSV-Prüfpflichten nicht erfasst.", (4,)),
        ("6.1.4", "Planung von Maßnahmen", "conform", "", ()),
    ]),
    ("6.2", "Umweltziele und Planung zu deren Erreichung", 2, [
        ("6.2.1", "Umweltziele", "conform", "Sieben Ziele mit Kennzahlen und Terminen.", ()),
        ("6.2.2", "Planung von Maßnahmen zur Erreichung der Umweltziele", "conform", "", ()),
    ]),
    ("7", "Unterstützung", 1, [
        ("7.1", "Ressourcen", "conform", "", ()),
        ("7.2", "Kompetenz", "conform", "Schulungsmatrix aktuell, Nachweise stichprobenhaft geprüft.", ()),
        ("7.3", "Bewusstsein", "observation",
         "Zwei von fünf befragten Mitarbeitenden kannten die Umweltpolitik nicht.", ()),
        ("7.4", "Kommunikation", "conform", "", ()),
        ("7.5.1", "Dokumentierte Information – Allgemeines", "conform", "", ()),
        ("7.5.2", "Erstellen und Aktualisieren", "conform", "", ()),
        ("7.5.3", "Lenkung dokumentierter Information", "not_applicable", "", ()),
    ]),
    ("8", "Betrieb", 1, [
        ("8.1", "Betriebliche Planung und Steuerung", "conform",
         "Betriebsanweisungen für Lackiererei und Galvanik vorhanden.", (5,)),
        ("8.1.a", "Lagerung wassergefährdender Stoffe", "minor_nc",
         "Auffangwanne im Chemikalienlager ohne Prüfnachweis; Leckage-Bindemittel fehlt.", (6,)),
        ("8.1.b", "Abfalltrennung und -entsorgung", "conform", "Entsorgungsnachweise 2025 vollständig.", ()),
        ("8.1.c", "Energieverbrauch Drucklufterzeugung", "improvement",
         "Leckageortung zuletzt 2022; Einsparpotenzial geschätzt 18 MWh/a.", ()),
        ("8.2", "Notfallvorsorge und Gefahrenabwehr", "conform", "Notfallübung am 04.11.2025 dokumentiert.", ()),
    ]),
    ("9", "Bewertung der Leistung", 1, [
        ("9.1.1", "Überwachung, Messung, Analyse und Bewertung", "conform", "", ()),
        ("9.1.2", "Bewertung der Einhaltung von Verpflichtungen", "minor_nc",
         "Einhaltungsbewertung ohne Ergebnisdokumentation für 2025.", ()),
        ("9.2.1", "Internes Audit – Allgemeines", "conform", "", ()),
        ("9.2.2", "Internes Auditprogramm", "conform", "", ()),
        ("9.3", "Managementbewertung", "conform", "Managementbewertung vom 15.12.2025 mit allen Eingaben.", ()),
    ]),
    ("10", "Verbesserung", 1, [
        ("10.1", "Allgemeines", "conform", "", ()),
        ("10.2", "Nichtkonformität und Korrekturmaßnahmen", "observation",
         "Wirksamkeitsprüfung von Korrekturmaßnahmen nicht durchgängig dokumentiert.", ()),
        ("10.3", "Fortlaufende Verbesserung", "conform", "", ()),
        ("10.4", "Umwelterklärung (EMAS Anhang IV)", "open", "", ()),
        ("10.5", "Validierung der Umwelterklärung", "open", "", ()),
    ]),
]

_TOP = {"4": "4", "5": "5", "6": "6", "6.1": "6", "6.2": "6", "7": "7", "8": "8", "9": "9", "10": "10"}


def _photo(path: Path, size: tuple[int, int], hue: int, seed: int) -> None:
    """A JPEG that looks like a photo from a distance: a sky/ground gradient with a few shapes."""
    w, h = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    horizon = int(h * (0.45 + 0.1 * math.sin(seed)))
    for y in range(h):
        t = y / h
        if y < horizon:
            colour = (int(150 + 60 * t), int(180 + 40 * t), int(215 + 20 * t))
        else:
            colour = (int(90 + hue * 0.3 + 40 * t), int(95 + 30 * t), int(80 + 20 * t))
        draw.line([(0, y), (w, y)], fill=colour)
    for i in range(4):
        x0 = int(w * (0.08 + 0.22 * i + 0.03 * math.sin(seed + i)))
        top = int(horizon - h * (0.12 + 0.05 * ((seed + i) % 3)))
        draw.rectangle([x0, top, x0 + int(w * 0.16), horizon + int(h * 0.08)],
                       fill=(140 + 20 * i, 120 + hue % 60, 100 + 15 * i), outline=(60, 60, 60), width=3)
    draw.ellipse([int(w * 0.7), int(h * 0.08), int(w * 0.82), int(h * 0.08) + int(w * 0.12)], fill=(250, 235, 190))
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    image.save(path, "JPEG", quality=82)


def _logo(path: Path) -> None:
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([10, 20, 170, 180], fill=(13, 110, 110, 255))
    draw.ellipse([60, 50, 140, 150], fill=(255, 255, 255, 255))
    draw.rectangle([200, 60, 580, 95], fill=(30, 42, 51, 255))
    draw.rectangle([200, 115, 470, 140], fill=(95, 109, 120, 255))
    image.save(path, "PNG")


def signature_png() -> bytes:
    image = Image.new("RGBA", (420, 140), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [(20 + x, 80 + 35 * math.sin(x / 23.0) * math.cos(x / 71.0)) for x in range(0, 380, 4)]
    draw.line(points, fill=(20, 30, 90, 255), width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _checklist() -> tuple[tuple[ChecklistSection, ...], dict[str, dict[str, int]]]:
    sections = []
    per_top: dict[str, dict[str, int]] = {}
    for ref, title, level, rows in _SECTIONS:
        built = []
        for row_ref, row_title, rating, note, photos in rows:
            built.append(ChecklistRow(ref=row_ref, title=row_title, result=RESULT_LABELS[rating], rating_key=rating,
                                      note=note, photos=tuple(PhotoRef(n, f"Foto {n}") for n in photos)))
            counts = per_top.setdefault(_TOP[ref], {})
            counts[rating] = counts.get(rating, 0) + 1
        sections.append(ChecklistSection(ref=ref, title=title, level=level, rows=tuple(built)))
    return tuple(sections), per_top


_VERDICT = {"major_nc": 5, "minor_nc": 4, "observation": 3, "improvement": 2, "conform": 1}
_VERDICT_WORDS = {"major_nc": "Hauptabweichung", "minor_nc": "Nebenabweichung", "observation": "konform, mit Beobachtungen",
                  "improvement": "konform, mit Verbesserungspotenzial", "conform": "konform"}


def _summary(per_top: dict[str, dict[str, int]]) -> Summary:
    results = []
    titles = {ref: title for ref, title, level, _ in _SECTIONS if level == 1}
    answered_all = total_all = 0
    for ref, counts in per_top.items():
        total = sum(counts.values())
        answered = total - counts.get("open", 0)
        worst = max((k for k in counts if k in _VERDICT), key=_VERDICT.__getitem__, default="conform")
        results.append(SectionResult(ref=ref, title=titles[ref], answered=answered, total=total, ratings=dict(counts),
                                     verdict=_VERDICT_WORDS[worst], verdict_key=worst))
        answered_all += answered
        total_all += total
    counts = tuple(Count(key, CLASS_LABELS[key], 1) for key in CLASS_LABELS)
    return Summary(verdict="Abweichungen festgestellt (1 Haupt-, 1 Nebenabweichung)", verdict_key="major_nc",
                   answered=answered_all, total=total_all, percent=round(100 * answered_all / total_all),
                   finding_counts=counts, rating_labels=dict(RATING_LABELS), sections=tuple(results),
                   open_actions=3, overdue_actions=1,
                   award_checks=(("Rechtskonformität bestätigt", False), ("Umweltprogramm mit mindestens 3 Maßnahmen", True)))


def _findings() -> tuple[FindingEntry, ...]:
    return (
        FindingEntry("F-1", "major_nc", CLASS_LABELS["major_nc"], "EMAS Anh. II A.6.1.3 / ISO 14001 6.1.3",
                     "6.1.3 Bindende Verpflichtungen",
                     "Das Rechtskataster ist nicht aktuell. Die Prüfpflichten nach AwSV für die Heizöl- und "
                     "Chemikalienlager sind nicht erfasst; die letzte Aktualisierung erfolgte im Mai 2023.",
                     "Rechtskataster Stand 05/2023 eingesehen; Interview mit Frau Keller (UMB).",
                     "Rechtskataster bis 30.04.2026 aktualisieren.",
                     "Keine Zuständigkeit für die Rechtsrecherche seit dem Ausscheiden von Herrn Vogt.",
                     "Verantwortung festlegen, Abo eines Rechtsdienstes, halbjährliche Prüfung im Kalender.",
                     "Dr. Anna Keller", "30.04.2026", "offen", (PhotoRef(4, "Rechtskataster"),)),
        FindingEntry("F-2", "minor_nc", CLASS_LABELS["minor_nc"], "ISO 14001 6.1.2", "6.1.2 Umweltaspekte",
                     "Indirekte Umweltaspekte (Lieferkette, Dienstreisen, Produktnutzung) sind nicht bewertet.",
                     "Aspektliste 2025 enthält nur direkte Aspekte.", "Indirekte Aspekte ergänzen.",
                     "Vorlage der Aspektbewertung sieht keine indirekten Aspekte vor.",
                     "Vorlage überarbeiten und Bewertung im Umweltteam durchführen.", "Jonas Weber", "31.05.2026",
                     "in Bearbeitung", (PhotoRef(2, "Aspektliste"), PhotoRef(3, "Workshop"))),
        FindingEntry("F-3", "observation", CLASS_LABELS["observation"], "ISO 14001 7.3", "7.3 Bewusstsein",
                     "Zwei von fünf befragten Mitarbeitenden in der Fertigung kannten die Umweltpolitik nicht.",
                     "Befragung am Rundgang, Halle 2.", "", "", "", "", "", "", ()),
        FindingEntry("F-4", "improvement", CLASS_LABELS["improvement"], "EMAS Anh. IV", "8.1.c Energieverbrauch Drucklufterzeugung",
                     "Eine regelmäßige Leckageortung im Druckluftnetz könnte rund 18 MWh/a einsparen.",
                     "Letzter Leckagebericht 2022; Kompressorlaufzeiten 2025.", "", "", "", "Peter Brandt", "", "", ()),
        FindingEntry("F-5", "positive", CLASS_LABELS["positive"], "ISO 14001 8.2", "8.2 Notfallvorsorge und Gefahrenabwehr",
                     "Die Notfallübung vom 04.11.2025 war vorbildlich vorbereitet und ausgewertet.",
                     "Übungsprotokoll mit Maßnahmenliste.", "", "", "", "", "", "", (PhotoRef(5, "Übung"),)),
    )


def _programme() -> Programme:
    def row(number: str, title: str, area: str, owner: str, due: str, status: str, inv: str, eur: str, kwh: str,
            m3: str, t: str, co2: str, payback: str, description: str = "") -> MeasureRow:
        return MeasureRow(number, title, area, owner, due, status, inv, eur, kwh, m3, t, co2, payback, description)

    rows = (
        row("M-1", "LED-Beleuchtung Halle 2", "Energie", "P. Brandt", "30.06.2026", "geplant", "24 000 €",
            "6 100 €/a", "38 000 kWh", "–", "–", "14,4 t", "3,9 a"),
        row("M-2", "Leckageortung Druckluftnetz", "Energie", "P. Brandt", "31.03.2026", "in Umsetzung", "2 500 €",
            "3 400 €/a", "18 000 kWh", "–", "–", "6,8 t", "0,7 a", "Jährliche Ultraschall-Leckageortung durch Dienstleister."),
        row("M-3", "Regenwassernutzung Waschanlage", "Wasser", "J. Weber", "30.09.2026", "geplant", "18 500 €",
            "1 900 €/a", "–", "420 m³", "–", "–", "9,7 a"),
        row("M-4", "Mehrweg-Transportboxen mit Lieferanten", "Abfall", "S. Lorenz", "31.12.2026", "geplant",
            "7 800 €", "2 200 €/a", "–", "–", "3,2 t", "1,1 t", "3,5 a"),
        row("M-5", "Umstellung Dienstwagen auf E-Fahrzeuge", "Mobilität", "Geschäftsführung", "31.12.2027",
            "geprüft", "96 000 €", "8 900 €/a", "–", "–", "–", "21,5 t", "10,8 a"),
        row("M-6", "Wärmerückgewinnung Kompressoren", "Energie", "P. Brandt", "31.10.2026", "abgeschlossen",
            "12 000 €", "4 800 €/a", "52 000 kWh", "–", "–", "10,5 t", "2,5 a"),
    )
    total = row("", "Summe", "", "", "", "", "160 800 €", "27 300 €/a", "108 000 kWh", "420 m³", "3,2 t", "54,3 t", "5,9 a")
    by_area = (
        row("", "", "Energie", "", "", "", "38 500 €", "14 300 €/a", "108 000 kWh", "–", "–", "31,7 t", "2,7 a"),
        row("", "", "Wasser", "", "", "", "18 500 €", "1 900 €/a", "–", "420 m³", "–", "–", "9,7 a"),
        row("", "", "Abfall", "", "", "", "7 800 €", "2 200 €/a", "–", "–", "3,2 t", "1,1 t", "3,5 a"),
        row("", "", "Mobilität", "", "", "", "96 000 €", "8 900 €/a", "–", "–", "–", "21,5 t", "10,8 a"),
    )
    return Programme(rows=rows, total=total, by_area=by_area,
                     factor_note="CO₂-Einsparungen mit UBA 2024 Strommix (380 g/kWh) und Diesel (2,65 kg/l) berechnet.",
                     award_checks=(("Mindestens eine Maßnahme je Handlungsfeld", True),))


def _indicators() -> Indicators:
    years = ("2023", "2024", "2025")
    core = (
        IndicatorRow("Energieeffizienz (Gesamtenergieverbrauch)", "MWh",
                     (("1 412", "118", "11,97"), ("1 365", "121", "11,28"), ("1 298", "124", "10,47"))),
        IndicatorRow("davon erneuerbare Energien", "MWh", (("402", "118", "3,41"), ("455", "121", "3,76"),
                                                           ("512", "124", "4,13"))),
        IndicatorRow("Materialeffizienz", "t", (("860", "118", "7,29"), ("842", "121", "6,96"), ("815", "124", "6,57"))),
        IndicatorRow("Wasser", "m³", (("5 210", "118", "44,2"), ("4 980", "121", "41,2"), ("4 640", "124", "37,4"))),
        IndicatorRow("Abfall gesamt", "t", (("96,4", "118", "0,82"), ("91,0", "121", "0,75"), ("88,2", "124", "0,71"))),
        IndicatorRow("gefährliche Abfälle", "t", (("4,1", "118", "0,035"), ("3,8", "121", "0,031"), ("3,5", "124", "0,028"))),
        IndicatorRow("Flächenverbrauch (versiegelt)", "m²", (("12 400", "118", "105"), ("12 400", "121", "102"),
                                                              ("12 650", "124", "102"))),
        IndicatorRow("Treibhausgasemissionen", "t CO₂e", (("402", "118", "3,41"), ("371", "121", "3,07"),
                                                           ("338", "124", "2,73"))),
    )
    balance = (
        BalanceRow("Scope 1", "Erdgas", "612 000 kWh", "0,201 kg CO₂e/kWh (UBA 2024)", "123,0 t"),
        BalanceRow("Scope 1", "Diesel Fuhrpark", "14 800 l", "2,65 kg CO₂e/l (UBA 2024)", "39,2 t"),
        BalanceRow("Scope 2", "Strom (Netzbezug)", "462 000 kWh", "0,380 kg CO₂e/kWh (UBA 2024 Strommix)", "175,6 t"),
        BalanceRow("Scope 2", "Strom (PV-Eigenverbrauch)", "98 000 kWh", "0 kg CO₂e/kWh", "0,0 t"),
    )
    return Indicators(years=years, reference_label="Beschäftigte (Vollzeitäquivalente)",
                      reference_justification="Die Zahl der Beschäftigten bildet die Tätigkeit des Standorts besser ab "
                                              "als der Umsatz, der stark von Rohstoffpreisen abhängt.",
                      core=core, balance_year="2025", balance=balance, balance_total="337,8 t",
                      balance_by_scope=(("Scope 1", "162,2 t"), ("Scope 2", "175,6 t")),
                      notes=("Biologische Vielfalt: naturnahe Fläche nicht erhoben (Angabe folgt 2026).",
                             "Emissionen von SO₂, NOₓ und Feinstaub sind nicht wesentlich und werden nicht berichtet."))


PHOTO_SPECS: list[tuple[tuple[int, int], str, str]] = [
    ((1200, 900), "Außenlager Nord, Zufahrt", "4.3 Anwendungsbereich des Umweltmanagementsystems"),
    ((1200, 900), "Aspektliste 2025 (Ausdruck)", "6.1.2 Umweltaspekte; F-2"),
    ((1200, 675), "Workshop Umweltteam", "6.1.2 Umweltaspekte; F-2"),
    ((900, 1200), "Rechtskataster, Stand 05/2023", "6.1.3 Bindende Verpflichtungen; F-1"),
    ((1200, 900), "Notfallübung, Sammelplatz", "8.1 Betriebliche Planung und Steuerung; F-5"),
    ((1200, 900), "Auffangwanne Chemikalienlager", "8.1.a Lagerung wassergefährdender Stoffe"),
]


def make_report_data(folder: Path, **changes: Any) -> ReportData:
    folder.mkdir(parents=True, exist_ok=True)
    photos = []
    for i, (size, caption, refers_to) in enumerate(PHOTO_SPECS, start=1):
        path = folder / f"photo-{i}.jpg"
        if not path.exists():
            _photo(path, size, hue=37 * i, seed=i)
        photos.append(Photo(number=i, path=path, width_px=size[0], height_px=size[1], caption=caption,
                            refers_to=refers_to, taken=f"12.03.2026 {9 + i}:{10 + 3 * i:02d}, vor Ort aufgenommen",
                            location="48,1374° N, 11,5755° O" if i % 2 else ""))
    logo = folder / "logo.png"
    if not logo.exists():
        _logo(logo)
    checklist, per_top = _checklist()
    team = (Person("Dr. Miriam Sommer", "Leitende Auditorin"), Person("Tobias Haas", "Auditor"),
            Person("Lena Fischer", "Technische Expertin"))
    options = ReportOptions(lang="de", parts=ALL_PARTS, photo_size=PhotoSize.MEDIUM)
    data = ReportData(
        lang="de",
        options=options,
        title="Auditbericht – Umweltbetriebsprüfung 2026",
        organisation="Müller Metallbau GmbH & Co. KG",
        document_id="AUD-2026-007",
        version="3",
        generated_at=datetime(2026, 3, 14, 9, 30),
        generated="14.03.2026 09:30",
        fingerprint=hashlib.sha256(b"oekoaudit sample audit").hexdigest(),
        draft=False,
        cover=Cover(audit_title="Umweltbetriebsprüfung 2026", organisation="Müller Metallbau GmbH & Co. KG",
                    site="Werk Süd, Industriestraße 12, 86150 Augsburg", scheme="EMAS III (VO (EG) 1221/2009)",
                    edition="i. d. F. VO (EU) 2026/…", audit_kind="Interne Umweltbetriebsprüfung",
                    dates="12.03.2026 – 13.03.2026", lead_auditor="Dr. Miriam Sommer", team=team,
                    document_id="AUD-2026-007", version="3", status="abgeschlossen",
                    consultancy="Grünwerk Umweltberatung", logo=logo),
        details=Details(
            objectives="Bewertung der Konformität des Umweltmanagementsystems mit EMAS III und ISO 14001:2015 sowie "
                       "Vorbereitung der Validierung der Umwelterklärung 2026.",
            scope="Werk Süd mit Fertigung (Zuschnitt, Schweißen, Lackiererei), Außenlager Nord und Verwaltung.",
            criteria="VO (EG) 1221/2009 Anhänge I–IV, ISO 14001:2015, Rechtskataster Stand 05/2023.",
            team=team,
            people_met=(Person("Peter Brandt", "Geschäftsführer"), Person("Dr. Anna Keller", "Umweltmanagementbeauftragte"),
                        Person("Jonas Weber", "Leiter Instandhaltung"), Person("Sabine Lorenz", "Einkauf")),
            dates="12.03.2026 – 13.03.2026", location="Augsburg, Werk Süd und Außenlager Nord",
            modules=("Rechtsregister Bayern (Wasser, Abfall, Immissionsschutz)",)),
        summary=_summary(per_top),
        findings=_findings(),
        checklist=checklist,
        programme=_programme(),
        indicators=_indicators(),
        photos=tuple(photos),
        signatures=(SignatureEntry("Dr. Miriam Sommer", "Leitende Auditorin", "13.03.2026", "Augsburg", signature_png()),
                    SignatureEntry("Peter Brandt", "Geschäftsführer", "13.03.2026", "Augsburg", None)),
        distribution=(Person("Peter Brandt", "Geschäftsführer"), Person("Dr. Anna Keller", "Umweltmanagementbeauftragte"),
                      Person("Umweltgutachter (Validierung)", "extern")),
        author="Dr. Miriam Sommer",
        subject="Umweltbetriebsprüfung 2026 – Müller Metallbau GmbH & Co. KG",
        keywords=("EMAS", "ISO 14001", "Umweltbetriebsprüfung"),
    )
    return replace(data, **changes) if changes else data


def answered_rows(data: ReportData) -> list[ChecklistRow]:
    return [row for section in data.checklist for row in section.rows if row.result]
