"""Environmental figures: what can be recorded, in which units, and what follows from it.

API summary (everything here is pure and works on :class:`~decimal.Decimal`; nothing is
rounded — rounding happens only where a figure is shown):

* ``Category`` — energy, water, waste, materials, hazardous substances, refrigerants, land use,
  air emissions, reference figures.
* ``Quantity`` / ``QUANTITIES`` / ``quantity(key)`` / ``quantities(category)`` — the catalogue
  of recordable figures: stable key, category, bilingual label, canonical unit, accepted units,
  which details a row needs (waste code, name, gas), energy basis (Hs/Hi).
* ``IndicatorValue`` — one recorded figure (site, year, quantity key, value, unit, source,
  details). ``IndicatorValue.series`` is what identifies "the same figure" across years.
* ``normalize_unit(text)``, ``to_canonical(quantity, value, unit, *, gas_kwh_per_m3=…)``,
  ``hs_to_hi(kwh_hs, carrier)`` — unit conversion; an unknown unit is a ``UserInputError``.
* ``parse_waste_code(text)`` / ``format_waste_code(code, hazardous)`` — AVV/EWC codes.
* ``check_value(quantity, value, unit, year, details, *, current_year)`` — refuses what cannot
  be right (negative, a year in the future, a share above 100 %, missing details) and returns
  the cleaned details; ``detail_key(quantity, details)``.
* ``plausibility(values, year)`` → ``PlausibilityWarning``s (≥ 10× or ≤ 1/10 of last year).
* ``deltas(series)`` / ``trend(series)`` — year-over-year changes and the direction.
* ``ReferenceChoice``, ``core_indicators(values, years, figure_b, *, ghg_t=…)`` →
  ``CoreIndicatorTable`` with figures A, B and R per EMAS key area (Annex IV section C).

Why canonical units: values are stored as the user typed them (unit included), so a spreadsheet
round-trips unchanged; every computation first brings a value to its quantity's canonical unit.
Natural gas is the one energy carrier whose canonical kWh are *gross* (Brennwert, Hs), because
that is what gas bills state; every other fuel is recorded in net kWh (Heizwert, Hi). The CO2
balance converts gas Hs → Hi before applying Hi-based factors (see :mod:`oekoaudit.domain.co2`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from oekoaudit.domain.checklist import Text
from oekoaudit.errors import N_, UserInputError


class Category(StrEnum):
    ENERGY = "energy"
    WATER = "water"
    WASTE = "waste"
    MATERIALS = "materials"
    HAZARDOUS_SUBSTANCES = "hazardous_substances"
    REFRIGERANTS = "refrigerants"
    LAND_USE = "land_use"
    AIR = "air"
    REFERENCE = "reference"


CATEGORY_LABELS: dict[Category, Text] = {
    Category.ENERGY: Text("Energie", "Energy"),
    Category.WATER: Text("Wasser", "Water"),
    Category.WASTE: Text("Abfall", "Waste"),
    Category.MATERIALS: Text("Material", "Materials"),
    Category.HAZARDOUS_SUBSTANCES: Text("Gefahrstoffe", "Hazardous substances"),
    Category.REFRIGERANTS: Text("Kältemittel", "Refrigerants"),
    Category.LAND_USE: Text("Flächennutzung", "Land use"),
    Category.AIR: Text("Luftemissionen", "Air emissions"),
    Category.REFERENCE: Text("Bezugsgrößen", "Reference figures"),
}


class Basis(StrEnum):
    """Whether energy is counted gross (Brennwert, Hs) or net (Heizwert, Hi)."""

    HS = "Hs"
    HI = "Hi"


class WasteRoute(StrEnum):
    RECYCLING = "recycling"
    RECOVERY = "recovery"
    DISPOSAL = "disposal"


WASTE_ROUTE_LABELS: dict[WasteRoute, Text] = {
    WasteRoute.RECYCLING: Text("Recycling", "Recycling"),
    WasteRoute.RECOVERY: Text("Sonstige Verwertung", "Other recovery"),
    WasteRoute.DISPOSAL: Text("Beseitigung", "Disposal"),
}

# Detail fields a row may carry (``IndicatorValue.details``).
WASTE_CODE = "waste_code"   # six digits, no spaces, no star: "120109"
HAZARDOUS = "hazardous"     # bool; for waste it follows the code's star
ROUTE = "route"             # WasteRoute value
NAME = "name"               # free name of a material, substance or waste
GAS = "gas"                 # refrigerant, normalised: "R-410A"

# ---- units --------------------------------------------------------------------------------

KWH, MWH, GWH, GJ = "kWh", "MWh", "GWh", "GJ"
M3, LITRE, KG, TONNE = "m³", "l", "kg", "t"
M2, HA, PERCENT = "m²", "ha", "%"
EUR, KEUR, MEUR = "€", "T€", "Mio. €"
PERSONS = "persons"

#: How people write units in spreadsheets → the spelling used here (looked up lower-case,
#: without spaces). Anything not listed is kept as written and refused where it is not accepted.
_UNIT_ALIASES: dict[str, str] = {
    "kwh": KWH, "mwh": MWH, "gwh": GWH, "gj": GJ,
    "m³": M3, "m3": M3, "cbm": M3, "kubikmeter": M3,
    "l": LITRE, "liter": LITRE, "litre": LITRE, "litres": LITRE, "liters": LITRE, "ltr": LITRE,
    "kg": KG, "t": TONNE, "tonne": TONNE, "tonnes": TONNE, "tonnen": TONNE, "to": TONNE,
    "m²": M2, "m2": M2, "qm": M2, "ha": HA, "hektar": HA, "hectare": HA, "hectares": HA,
    "%": PERCENT, "prozent": PERCENT, "percent": PERCENT,
    "€": EUR, "eur": EUR, "euro": EUR, "t€": KEUR, "teur": KEUR, "k€": KEUR, "keur": KEUR,
    "mio.€": MEUR, "mio€": MEUR, "mioeur": MEUR, "mio.eur": MEUR,
    "persons": PERSONS, "personen": PERSONS, "people": PERSONS, "employees": PERSONS,
    "beschäftigte": PERSONS, "mitarbeitende": PERSONS, "mitarbeiter": PERSONS, "ma": PERSONS,
    "fte": PERSONS, "vzä": PERSONS, "köpfe": PERSONS,
}


def normalize_unit(unit: str) -> str:
    """The usual spelling of a unit (``"m3"`` → ``"m³"``, ``"MWH"`` → ``"MWh"``); unknown text as given."""
    text = " ".join((unit or "").split())
    return _UNIT_ALIASES.get(text.replace(" ", "").lower(), text)


#: Default energy content of natural gas per cubic metre as billed: Brennwert (Hs) × Zustandszahl.
#: German H-gas bills typically show 10–12 kWh/m³ Hs and a Zustandszahl of about 0.95; 10.0 is
#: the common rule of thumb. Organisations should set the value from their bill.
GAS_KWH_PER_M3 = Decimal("10.0")
#: the energy content of natural gas as billed that is plausible (kWh per m³; H gas about 10–12,
#: L gas about 8.5–10)
GAS_KWH_PER_M3_RANGE = (Decimal(8), Decimal(13))

#: Hs/Hi ratio per carrier (gross ÷ net calorific value). Used to bring gross-basis kWh to the
#: net basis of the emission factors. Natural gas 1.11 is the value gas suppliers and BAFA use.
HS_PER_HI: dict[str, Decimal] = {
    "natural_gas": Decimal("1.11"),
    "heating_oil": Decimal("1.06"),
    "lpg": Decimal("1.09"),
    "wood_pellets": Decimal("1.08"),
    "wood_chips": Decimal("1.08"),
    "log_wood": Decimal("1.08"),
}

# (multiplier, divisor) to the canonical unit; a pair keeps GJ → kWh exact (× 1000 ÷ 3.6).
_Conv = tuple[Decimal, Decimal]
_ONE: _Conv = (Decimal(1), Decimal(1))
_ENERGY: dict[str, _Conv] = {KWH: _ONE, MWH: (Decimal(1000), Decimal(1)),
                             GWH: (Decimal(1_000_000), Decimal(1)), GJ: (Decimal(1000), Decimal("3.6"))}
_MASS_T: dict[str, _Conv] = {TONNE: _ONE, KG: (Decimal(1), Decimal(1000))}
_MASS_KG: dict[str, _Conv] = {KG: _ONE, TONNE: (Decimal(1000), Decimal(1))}
_VOLUME: dict[str, _Conv] = {M3: _ONE, LITRE: (Decimal(1), Decimal(1000))}
_AREA: dict[str, _Conv] = {M2: _ONE, HA: (Decimal(10_000), Decimal(1))}
_MONEY: dict[str, _Conv] = {EUR: _ONE, KEUR: (Decimal(1000), Decimal(1)), MEUR: (Decimal(1_000_000), Decimal(1))}


def _per_litre(kwh: str) -> dict[str, _Conv]:
    return {**_ENERGY, LITRE: (Decimal(kwh), Decimal(1)), M3: (Decimal(kwh) * 1000, Decimal(1))}


# ---- the catalogue --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quantity:
    """A figure that can be recorded per site and year."""

    key: str
    category: Category
    label: Text
    #: the unit every computation uses
    unit: str
    #: units accepted on entry, each with (multiplier, divisor) to ``unit``; gas m³ is special
    conversions: Mapping[str, tuple[Decimal, Decimal]] = field(default_factory=dict, compare=False)
    #: detail fields a row must have (waste: code and route; materials: name; refrigerants: gas)
    details: tuple[str, ...] = ()
    #: Hs or Hi for energy carriers (how ``unit`` is to be read), None otherwise
    basis: Basis | None = None
    #: counts as renewable energy (wood; own generation, see ``electricity_own_generation``)
    renewable: bool = False
    #: the reference figure "output" takes whatever unit the organisation measures output in
    free_unit: bool = False

    @property
    def units(self) -> tuple[str, ...]:
        """Accepted units, canonical first."""
        others = sorted(u for u in self.conversions if u != self.unit)
        return (self.unit, *others) if not self.free_unit else ()

    @property
    def is_share(self) -> bool:
        return self.unit == PERCENT


def _q(key: str, category: Category, de: str, en: str, unit: str, conversions: Mapping[str, _Conv],
       **kw: Any) -> Quantity:
    return Quantity(key, category, Text(de, en), unit, dict(conversions), **kw)


_E, _W = Category.ENERGY, Category.WATER
QUANTITIES: dict[str, Quantity] = {q.key: q for q in (
    # energy: all canonical in kWh; gas gross (Hs, as billed), the rest net (Hi)
    _q("electricity_grid", _E, "Strom aus dem Netz", "Electricity from the grid", KWH, _ENERGY),
    _q("electricity_green_share", _E, "Ökostromanteil am Netzstrom", "Green share of grid electricity",
       PERCENT, {PERCENT: _ONE}),
    _q("electricity_own_generation", _E, "Eigenerzeugter Strom (selbst genutzt)",
       "Own electricity generation (used on site)", KWH, _ENERGY, renewable=True),
    _q("natural_gas", _E, "Erdgas", "Natural gas", KWH, {**_ENERGY, M3: _ONE}, basis=Basis.HS),
    _q("heating_oil", _E, "Heizöl", "Heating oil", KWH, _per_litre("10.0"), basis=Basis.HI),
    _q("lpg", _E, "Flüssiggas", "LPG", KWH, {**_per_litre("6.7"), KG: (Decimal("12.8"), Decimal(1)),
                                             TONNE: (Decimal(12_800), Decimal(1))}, basis=Basis.HI),
    _q("district_heating", _E, "Fernwärme", "District heating", KWH, _ENERGY),
    _q("wood_pellets", _E, "Holzpellets", "Wood pellets", KWH,
       {**_ENERGY, KG: (Decimal("4.9"), Decimal(1)), TONNE: (Decimal(4900), Decimal(1))},
       basis=Basis.HI, renewable=True),
    _q("wood_chips", _E, "Holzhackschnitzel", "Wood chips", KWH, _ENERGY, basis=Basis.HI, renewable=True),
    _q("log_wood", _E, "Scheitholz", "Log wood", KWH, _ENERGY, basis=Basis.HI, renewable=True),
    _q("diesel", _E, "Diesel", "Diesel", KWH, _per_litre("9.9"), basis=Basis.HI),
    _q("petrol", _E, "Benzin", "Petrol", KWH, _per_litre("8.9"), basis=Basis.HI),
    # water by source
    _q("water_mains", _W, "Trinkwasser (öffentliches Netz)", "Mains water", M3, _VOLUME),
    _q("water_well", _W, "Brunnenwasser", "Well water", M3, _VOLUME),
    _q("water_rain", _W, "Regenwasser", "Rainwater", M3, _VOLUME),
    _q("water_surface", _W, "Oberflächenwasser", "Surface water", M3, _VOLUME),
    # one row per waste type
    _q("waste", Category.WASTE, "Abfall", "Waste", TONNE, _MASS_T, details=(WASTE_CODE, HAZARDOUS, ROUTE)),
    _q("material", Category.MATERIALS, "Material", "Material", TONNE, _MASS_T, details=(NAME,)),
    _q("hazardous_substance", Category.HAZARDOUS_SUBSTANCES, "Gefahrstoff", "Hazardous substance", KG,
       _MASS_KG, details=(NAME,)),
    _q("refrigerant", Category.REFRIGERANTS, "Kältemittel (nachgefüllt)", "Refrigerant (refilled)", KG,
       _MASS_KG, details=(GAS,)),
    # land use (EMAS: biodiversity)
    _q("land_total", Category.LAND_USE, "Flächenverbrauch gesamt", "Total use of land", M2, _AREA),
    _q("land_sealed", Category.LAND_USE, "Versiegelte Fläche", "Sealed area", M2, _AREA),
    _q("land_nature_on_site", Category.LAND_USE, "Naturnahe Fläche am Standort", "Nature-oriented area on site",
       M2, _AREA),
    _q("land_nature_off_site", Category.LAND_USE, "Naturnahe Fläche außerhalb des Standorts",
       "Nature-oriented area off site", M2, _AREA),
    # air emissions (only where measured or calculated)
    _q("air_so2", Category.AIR, "Schwefeldioxid (SO₂)", "Sulphur dioxide (SO₂)", KG, _MASS_KG),
    _q("air_nox", Category.AIR, "Stickoxide (NOx)", "Nitrogen oxides (NOx)", KG, _MASS_KG),
    _q("air_pm", Category.AIR, "Feinstaub (PM)", "Particulate matter (PM)", KG, _MASS_KG),
    # reference figures (EMAS figure B)
    _q("employees", Category.REFERENCE, "Beschäftigte", "Employees", PERSONS, {PERSONS: _ONE}),
    _q("output", Category.REFERENCE, "Produktionsmenge", "Output", "", {}, free_unit=True),
    _q("turnover", Category.REFERENCE, "Umsatz", "Turnover", EUR, _MONEY),
    _q("floor_area", Category.REFERENCE, "Nutzfläche", "Floor area", M2, _AREA),
)}

#: Energy carriers whose kWh add up to the total energy use (the share is not a quantity of energy).
ENERGY_CARRIERS: tuple[str, ...] = tuple(
    k for k, q in QUANTITIES.items() if q.category is Category.ENERGY and not q.is_share)


def quantity(key: str | Quantity) -> Quantity:
    """The quantity with this key; ``UserInputError`` naming it if there is none."""
    if isinstance(key, Quantity):
        return key
    found = QUANTITIES.get((key or "").strip())
    if found is None:
        raise UserInputError(N_("{quantity} is not a known figure."), quantity=key)
    return found


def quantities(category: Category | None = None) -> list[Quantity]:
    return [q for q in QUANTITIES.values() if category is None or q.category is category]


def find_quantity(text: str) -> Quantity | None:
    """A quantity by key or by its German or English label (case-insensitive), for imports."""
    wanted = " ".join((text or "").split()).lower()
    for q in QUANTITIES.values():
        if wanted in (q.key, q.label.de.lower(), q.label.en.lower()):
            return q
    return None


# ---- conversion ------------------------------------------------------------------------------


def to_canonical(quantity_key: str | Quantity, value: Decimal, unit: str, *,
                 gas_kwh_per_m3: Decimal = GAS_KWH_PER_M3) -> Decimal:
    """``value`` in ``unit`` expressed in the quantity's canonical unit (exact, not rounded).

    Natural gas in m³ becomes gross kWh (Hs) with ``gas_kwh_per_m3`` (Brennwert × Zustandszahl
    from the gas bill). Litres of oil, diesel, petrol and LPG become net kWh (Hi) with the usual
    energy contents (10.0, 9.9, 8.9 and 6.7 kWh/l). A unit the quantity does not accept is a
    ``UserInputError`` that names the unit and lists the accepted ones.
    """
    q = quantity(quantity_key)
    if q.free_unit:
        return value
    spelled = normalize_unit(unit)
    if q.key == "natural_gas" and spelled == M3:
        if gas_kwh_per_m3 <= 0:
            raise UserInputError(N_("The energy content of natural gas must be more than 0 kWh/m³."))
        return value * gas_kwh_per_m3
    conv = q.conversions.get(spelled)
    if conv is None:
        raise UserInputError(N_("{unit} is not a unit for this figure; use one of: {units}."),
                             unit=unit or "-", quantity=q.key, units=", ".join(q.units))
    multiplier, divisor = conv
    return value * multiplier / divisor


def hs_to_hi(kwh_hs: Decimal, carrier: str = "natural_gas", *, ratio: Decimal | None = None) -> Decimal:
    """Gross (Brennwert) kWh → net (Heizwert) kWh: divide by the carrier's Hs/Hi ratio (gas 1.11)."""
    return kwh_hs / (ratio if ratio is not None else HS_PER_HI[carrier])


def canonical_unit(quantity_key: str | Quantity, unit: str = "") -> str:
    """The unit of the canonical value; for ``output`` the organisation's own unit."""
    q = quantity(quantity_key)
    return (unit.strip() if q.free_unit else q.unit)


# ---- waste codes --------------------------------------------------------------------------

_WASTE_CODE = re.compile(r"^(\d{2})\s*(\d{2})\s*(\d{2})\s*(\*)?$")


def parse_waste_code(text: str) -> tuple[str, bool]:
    """``"12 01 09*"`` → ``("120109", True)``: the AVV/EWC code and whether it is hazardous.

    In the AVV (the German form of the European waste list) the star *is* the hazardous flag,
    so it is taken from the code and not asked separately.
    """
    match = _WASTE_CODE.match(" ".join(str(text or "").split()))
    if match is None:
        raise UserInputError(N_("{value} is not a waste code; write six digits as in the AVV, "
                                "e.g. 15 01 01 or 12 01 09* (with a star for hazardous waste)."),
                             value=text or "-")
    return "".join(match.group(1, 2, 3)), match.group(4) is not None


def format_waste_code(code: str, hazardous: bool = False) -> str:
    """``"120109", True`` → ``"12 01 09*"`` (the way the code is printed on consignment notes)."""
    return f"{code[0:2]} {code[2:4]} {code[4:6]}" + ("*" if hazardous else "")


_GAS = re.compile(r"^R[\s-]?(\d+)([A-Za-z]*)$", re.IGNORECASE)


def normalize_gas(text: str) -> str:
    """The usual spelling of a refrigerant: ``"r410a"`` → ``"R-410A"``, ``"R134A"`` → ``"R-134a"``.

    ASHRAE numbering: blends (the 400 and 500 series) carry an upper-case letter (R-410A,
    R-507A), isomers a lower-case one (R-134a, R-1234yf). Other gases (``sf6``) upper-case.
    """
    raw = " ".join((text or "").split())
    match = _GAS.match(raw)
    if match:
        number, suffix = match.groups()
        blend = len(number) == 3 and number[0] in "45"
        return f"R-{number}{suffix.upper() if blend else suffix.lower()}"
    return raw.upper()


# ---- recorded values ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    """One recorded figure of a site for a year, as the user entered it (value and unit)."""

    id: str
    site_id: str
    year: int
    quantity: str
    value: Decimal
    unit: str
    source: str = ""
    #: waste_code / hazardous / route / name / gas, depending on the quantity
    details: dict[str, Any] = field(default_factory=dict, hash=False)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    revision: int = 1

    @property
    def series(self) -> tuple[str, str, str]:
        """(site, quantity, detail key): the same figure in different years."""
        return self.site_id, self.quantity, detail_key(self.quantity, self.details)

    def canonical(self, *, gas_kwh_per_m3: Decimal = GAS_KWH_PER_M3) -> Decimal:
        return to_canonical(self.quantity, self.value, self.unit, gas_kwh_per_m3=gas_kwh_per_m3)


def detail_key(quantity_key: str, details: Mapping[str, Any]) -> str:
    """What tells two rows of one quantity, site and year apart ("" for most quantities).

    Waste: code and route (the same waste can go two ways); materials and substances: the name
    (case-insensitive); refrigerants: the gas. The storage keeps one row per (site, year,
    quantity, detail key).
    """
    q = QUANTITIES.get(quantity_key)
    if q is None or not q.details:
        return ""
    if WASTE_CODE in q.details:
        return f"{details.get(WASTE_CODE, '')}/{details.get(ROUTE, '')}"
    if GAS in q.details:
        return normalize_gas(str(details.get(GAS, "")))
    return " ".join(str(details.get(NAME, "")).split()).lower()


_TRUE = {"true", "1", "yes", "ja", "y", "j", "x", "*", "gefährlich", "hazardous"}
_FALSE = {"false", "0", "no", "nein", "n", "", "-", "nicht gefährlich", "not hazardous"}


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    text = str(value).strip().lower()
    return True if text in _TRUE else False if text in _FALSE else None


_ROUTES = {
    "recycling": WasteRoute.RECYCLING, "stoffliche verwertung": WasteRoute.RECYCLING,
    "recovery": WasteRoute.RECOVERY, "verwertung": WasteRoute.RECOVERY,
    "sonstige verwertung": WasteRoute.RECOVERY, "energetische verwertung": WasteRoute.RECOVERY,
    "disposal": WasteRoute.DISPOSAL, "beseitigung": WasteRoute.DISPOSAL,
}


def parse_route(text: Any) -> WasteRoute:
    """The disposal route from its key or a German/English word ("Beseitigung", "recycling")."""
    found = _ROUTES.get(" ".join(str(text or "").split()).lower())
    if found is None:
        raise UserInputError(N_("{value} is not a disposal route; use recycling, recovery or disposal "
                                "(Recycling, Verwertung, Beseitigung)."), value=text or "-")
    return found


def check_value(quantity_key: str, value: Decimal, unit: str, year: int,
                details: Mapping[str, Any] | None = None, *, current_year: int) -> dict[str, Any]:
    """Refuse a figure that cannot be right; return its details cleaned up.

    Refused: an unknown quantity or unit, a negative value, a year after ``current_year``, a
    share above 100 %, a missing or malformed detail (waste code, route, name, gas), a waste
    whose hazardous flag contradicts the star of its code. Each refusal is a ``UserInputError``
    whose ``field`` parameter names what is wrong (``year``, ``value``, ``unit``, ``waste_code``,
    ``hazardous``, ``route``, ``name``, ``gas``), so importers can put it behind the row and column.
    """
    q = quantity(quantity_key)
    if year > current_year:
        raise UserInputError(N_("{year} lies in the future; figures can be entered up to {current}."),
                             field="year", year=year, current=current_year)
    if year < 1900:
        raise UserInputError(N_("{year} is not a plausible year."), field="year", year=year)
    if not value.is_finite():
        raise UserInputError(N_("{value} is not a number."), field="value", value=str(value))
    if value < 0:
        raise UserInputError(N_("A figure cannot be negative ({value})."), field="value", quantity=q.key,
                             value=str(value))
    if q.free_unit:
        if not unit.strip():
            raise UserInputError(N_("The output needs a unit (for example t, pieces or overnight stays)."),
                                 field="unit", quantity=q.key)
    else:
        with _about("unit"):
            to_canonical(q, value, unit)  # refuses an unknown unit
    if q.is_share and value > 100:
        raise UserInputError(N_("A share cannot be more than 100 % ({value})."), field="value", value=str(value))
    details = dict(details or {})
    cleaned: dict[str, Any] = {}
    if WASTE_CODE in q.details:
        with _about("waste_code"):
            code, starred = parse_waste_code(str(details.get(WASTE_CODE, "")))
        flag = _flag(details.get(HAZARDOUS))
        if details.get(HAZARDOUS) not in (None, "") and flag is None:
            raise UserInputError(N_("{value} is not a yes/no value for hazardous."), field="hazardous",
                                 value=str(details[HAZARDOUS]))
        if flag is not None and details.get(HAZARDOUS) not in (None, "") and flag != starred:
            raise UserInputError(N_("The waste code {code} is marked hazardous only with a star (*); "
                                    "the hazardous column says otherwise."), field="hazardous",
                                 code=format_waste_code(code, starred))
        cleaned[WASTE_CODE] = code
        cleaned[HAZARDOUS] = starred
        with _about("route"):
            cleaned[ROUTE] = parse_route(details.get(ROUTE)).value
        name = " ".join(str(details.get(NAME, "") or "").split())
        if name:
            cleaned[NAME] = name
    if NAME in q.details:
        name = " ".join(str(details.get(NAME, "") or "").split())
        if not name:
            raise UserInputError(N_("A material or substance needs a name."), field="name", quantity=q.key)
        cleaned[NAME] = name
    if GAS in q.details:
        gas = normalize_gas(str(details.get(GAS, "") or ""))
        if not gas:
            raise UserInputError(N_("A refrigerant needs the name of the gas (for example R-410A)."), field="gas")
        cleaned[GAS] = gas
    return cleaned


@contextmanager
def _about(field_name: str) -> Iterator[None]:
    """A refusal raised inside names ``field_name`` (unless it names a field already)."""
    try:
        yield
    except UserInputError as exc:
        if "field" in exc.params:
            raise
        raise UserInputError(exc.template, field=field_name, **exc.params) from exc


# ---- plausibility, deltas, trend ------------------------------------------------------------

#: A value this many times last year's (or its inverse) is worth a second look.
PLAUSIBILITY_RATIO = Decimal(10)


class PlausibilityKind(StrEnum):
    JUMP_UP = "jump_up"
    JUMP_DOWN = "jump_down"


@dataclass(frozen=True, slots=True)
class PlausibilityWarning:
    """A figure that is possible but suspicious: ten times last year's, or a tenth of it."""

    kind: PlausibilityKind
    site_id: str
    quantity: str
    detail: str
    year: int
    value: Decimal  # canonical
    previous: Decimal  # canonical, the year before
    unit: str

    @property
    def template(self) -> str:
        if self.kind is PlausibilityKind.JUMP_UP:
            return N_("{quantity} {year}: {value} {unit} is at least ten times last year's {previous} {unit}. "
                      "Please check the figure and its unit.")
        return N_("{quantity} {year}: {value} {unit} is at most a tenth of last year's {previous} {unit}. "
                  "Please check the figure and its unit.")


def _sum_by_series(values: Iterable[IndicatorValue], gas_kwh_per_m3: Decimal
                   ) -> dict[tuple[str, str, str], dict[int, Decimal]]:
    out: dict[tuple[str, str, str], dict[int, Decimal]] = defaultdict(dict)
    for v in values:
        if v.quantity not in QUANTITIES:
            continue
        series = out[v.series]
        series[v.year] = series.get(v.year, Decimal(0)) + v.canonical(gas_kwh_per_m3=gas_kwh_per_m3)
    return out


def plausibility(values: Iterable[IndicatorValue], year: int, *,
                 gas_kwh_per_m3: Decimal = GAS_KWH_PER_M3) -> list[PlausibilityWarning]:
    """Warnings for ``year``: figures ≥ 10× or ≤ 1/10 of the same figure the year before.

    Compared in canonical units, so 180 MWh after 175 000 kWh is fine, while 180 000 MWh (a
    unit mix-up) is flagged. A figure without a previous year, or after a zero, is not judged.
    """
    warnings = []
    for (site_id, key, detail), by_year in sorted(_sum_by_series(values, gas_kwh_per_m3).items()):
        now, before = by_year.get(year), by_year.get(year - 1)
        if now is None or before is None or before == 0:
            continue
        unit = QUANTITIES[key].unit
        if now >= before * PLAUSIBILITY_RATIO:
            warnings.append(PlausibilityWarning(PlausibilityKind.JUMP_UP, site_id, key, detail, year, now, before, unit))
        elif now * PLAUSIBILITY_RATIO <= before:
            warnings.append(PlausibilityWarning(PlausibilityKind.JUMP_DOWN, site_id, key, detail, year, now, before,
                                                unit))
    return warnings


@dataclass(frozen=True, slots=True)
class YearDelta:
    year: int
    value: Decimal
    previous: Decimal | None
    #: value − previous; None for the first year
    delta: Decimal | None
    #: change in percent of the previous value; None for the first year or after a zero
    percent: Decimal | None


def deltas(series: Mapping[int, Decimal]) -> list[YearDelta]:
    """Each year against the year before it in the series (gaps compare with the last year recorded)."""
    out: list[YearDelta] = []
    previous: Decimal | None = None
    for year in sorted(series):
        value = series[year]
        if previous is None:
            out.append(YearDelta(year, value, None, None, None))
        else:
            delta = value - previous
            out.append(YearDelta(year, value, previous, delta, delta * 100 / previous if previous else None))
        previous = value
    return out


class TrendDirection(StrEnum):
    RISING = "rising"
    FALLING = "falling"
    FLAT = "flat"
    #: fewer than two years, or a start at zero
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Trend:
    direction: TrendDirection
    #: change from the first to the last year of the series in percent of the first
    percent: Decimal | None
    first_year: int | None
    last_year: int | None


#: Changes within ± this many percent over the whole series count as flat.
FLAT_WITHIN_PERCENT = Decimal(2)


def trend(series: Mapping[int, Decimal], *, flat_within: Decimal = FLAT_WITHIN_PERCENT) -> Trend:
    """Rising, falling or flat from the first to the last year, with the change in percent.

    First-to-last (not a fitted slope) because that is the figure a reader of an environmental
    statement checks by hand; within ±2 % the trend is flat (meter and billing noise).
    """
    years = sorted(series)
    if len(years) < 2:
        return Trend(TrendDirection.UNKNOWN, None, years[0] if years else None, years[-1] if years else None)
    first, last = series[years[0]], series[years[-1]]
    if first == 0:
        direction = TrendDirection.FLAT if last == 0 else TrendDirection.UNKNOWN
        return Trend(direction, None, years[0], years[-1])
    percent = (last - first) * 100 / first
    if abs(percent) <= flat_within:
        direction = TrendDirection.FLAT
    else:
        direction = TrendDirection.RISING if percent > 0 else TrendDirection.FALLING
    return Trend(direction, percent, years[0], years[-1])


# ---- EMAS core indicators (Annex IV, section C) ---------------------------------------------------


class KeyArea(StrEnum):
    ENERGY = "energy"
    MATERIALS = "materials"
    WATER = "water"
    WASTE = "waste"
    LAND_USE = "land_use"
    EMISSIONS = "emissions"


KEY_AREA_LABELS: dict[KeyArea, Text] = {
    KeyArea.ENERGY: Text("Energie", "Energy"),
    KeyArea.MATERIALS: Text("Material", "Materials"),
    KeyArea.WATER: Text("Wasser", "Water"),
    KeyArea.WASTE: Text("Abfall", "Waste"),
    KeyArea.LAND_USE: Text("Flächenverbrauch in Bezug auf die biologische Vielfalt",
                           "Land use with regard to biodiversity"),
    KeyArea.EMISSIONS: Text("Emissionen", "Emissions"),
}

#: Reference quantities an organisation may choose as figure B.
REFERENCE_QUANTITIES = ("employees", "output", "turnover", "floor_area")


@dataclass(frozen=True, slots=True)
class ReferenceChoice:
    """Figure B: the organisation's reference value and why it represents its activity.

    EMAS lets each organisation choose the reference that best describes its activity (output,
    employees, turnover, …) but asks for the reason; the justification is part of the choice.
    """

    quantity: str = "employees"
    justification: str = ""

    def __post_init__(self) -> None:
        if self.quantity not in REFERENCE_QUANTITIES:
            raise UserInputError(N_("{quantity} cannot be figure B; choose one of: {choices}."),
                                 quantity=self.quantity, choices=", ".join(REFERENCE_QUANTITIES))


@dataclass(frozen=True, slots=True)
class CoreIndicatorRow:
    """One core indicator over the years: A (total), B (reference) and R = A ÷ B."""

    key: str
    area: KeyArea
    label: Text
    unit: str  # of A
    a: dict[int, Decimal | None]
    b: dict[int, Decimal | None]
    #: A ÷ B, unrounded; None where A or B is missing or B is 0, and for shares
    r: dict[int, Decimal | None]
    r_unit: str
    #: a breakdown row (one energy carrier, one waste code) under the row before it
    level: int = 0


@dataclass(frozen=True, slots=True)
class CoreIndicatorTable:
    years: tuple[int, ...]
    reference: ReferenceChoice
    reference_unit: str
    rows: tuple[CoreIndicatorRow, ...]

    def row(self, key: str) -> CoreIndicatorRow | None:
        return next((r for r in self.rows if r.key == key), None)

    @property
    def years_with_data(self) -> tuple[int, ...]:
        return tuple(y for y in self.years if any(r.a.get(y) is not None for r in self.rows))

    @property
    def enough_years(self) -> bool:
        """EMAS statements show at least three years so a trend can be read."""
        return len(self.years_with_data) >= 3


_THOUSAND = Decimal(1000)


def _add(total: dict[int, Decimal], year: int, amount: Decimal) -> None:
    total[year] = total.get(year, Decimal(0)) + amount


#: The names of the core indicators that are sums (the rows of single quantities use their labels).
CORE_LABELS: dict[str, Text] = {
    "energy_total": Text("Gesamter Energieverbrauch", "Total energy use"),
    "energy_renewable_share": Text("Anteil erneuerbarer Energien", "Share of renewable energy"),
    "materials_total": Text("Materialeinsatz", "Material use"),
    "water_total": Text("Wasserverbrauch", "Water use"),
    "waste_total": Text("Abfallaufkommen gesamt", "Total waste"),
    "waste_hazardous": Text("Gefährliche Abfälle", "Hazardous waste"),
    "ghg_total": Text("Treibhausgasemissionen", "Greenhouse gas emissions"),
}


def core_indicators(values: Iterable[IndicatorValue], years: Sequence[int],
                    figure_b: ReferenceChoice | str, *, ghg_t: Mapping[int, Decimal] | None = None,
                    gas_kwh_per_m3: Decimal = GAS_KWH_PER_M3) -> CoreIndicatorTable:
    """The EMAS core indicators of the organisation (all sites added up) for ``years``.

    Rows (key → A in unit): ``energy_total`` MWh with a breakdown row per carrier
    (``energy.<carrier>``), ``energy_renewable_share`` % (of the total, no R),
    ``materials_total`` t, ``water_total`` m³, ``waste_total`` t with a row per waste code
    (``waste.<code>``), ``waste_hazardous`` t, ``land_total``/``land_sealed``/
    ``land_nature_on_site``/``land_nature_off_site`` m², ``ghg_total`` t CO2e (from ``ghg_t``,
    the CO2 balance per year), and ``air_so2``/``air_nox``/``air_pm`` kg when recorded. Rows
    without any value in ``years`` are left out, except energy, water and waste, which an
    environmental statement always shows.

    Renewable share: wood, own generation used on site, and grid electricity × its green share.
    District heating counts as not renewable unless the supplier says otherwise (then record it
    as such). Energy is added as recorded (gas as billed, Hs): that is what the bills the reader
    compares against show.
    """
    ref = figure_b if isinstance(figure_b, ReferenceChoice) else ReferenceChoice(figure_b)
    values = [v for v in values if v.year in set(years) and v.quantity in QUANTITIES]
    ref_q = QUANTITIES[ref.quantity]
    b: dict[int, Decimal] = {}
    ref_units: set[str] = set()
    sums: dict[str, dict[int, Decimal]] = defaultdict(dict)
    green_kwh: dict[int, Decimal] = {}
    waste_names: dict[str, str] = {}
    grid_by_site: dict[tuple[str, int], Decimal] = {}
    share_by_site: dict[tuple[str, int], Decimal] = {}
    for v in values:
        amount = v.canonical(gas_kwh_per_m3=gas_kwh_per_m3)
        q = QUANTITIES[v.quantity]
        if v.quantity == ref.quantity:
            _add(b, v.year, amount)
            ref_units.add(canonical_unit(q, v.unit))
        if v.quantity == "electricity_green_share":
            share_by_site[(v.site_id, v.year)] = amount
        elif v.quantity == "electricity_grid":
            grid_by_site[(v.site_id, v.year)] = grid_by_site.get((v.site_id, v.year), Decimal(0)) + amount
        if v.quantity == "waste":
            code = str(v.details.get(WASTE_CODE, ""))
            hazardous = bool(v.details.get(HAZARDOUS))
            _add(sums[f"waste.{format_waste_code(code, hazardous) if len(code) == 6 else code}"], v.year, amount)
            if v.details.get(NAME):
                waste_names.setdefault(code, str(v.details[NAME]))
            if hazardous:
                _add(sums["waste_hazardous"], v.year, amount)
        if q.category is Category.ENERGY and not q.is_share:
            _add(sums[f"energy.{q.key}"], v.year, amount)
            if q.renewable:
                _add(green_kwh, v.year, amount)
        else:
            _add(sums[q.key], v.year, amount)
    for (site_id, year), grid in grid_by_site.items():
        share = share_by_site.get((site_id, year))
        if share:
            _add(green_kwh, year, grid * share / 100)

    ref_unit = ref_q.unit if not ref_q.free_unit else (", ".join(sorted(ref_units)) or "")
    per = f"/{ref_unit}" if ref_unit else ""

    def row(key: str, area: KeyArea, label: Text, unit: str, a: Mapping[int, Decimal], *, scale: Decimal = Decimal(1),
            level: int = 0, ratio: bool = True, always: bool = False) -> CoreIndicatorRow | None:
        if not always and not any(y in a for y in years):
            return None
        a_years = {y: (a[y] / scale if y in a else None) for y in years}
        b_years: dict[int, Decimal | None] = {y: b.get(y) for y in years}
        r_years: dict[int, Decimal | None] = {}
        for y in years:
            ay, by = a_years[y], b_years[y]
            r_years[y] = ay / by if ratio and ay is not None and by else None
        return CoreIndicatorRow(key, area, label, unit, a_years, b_years, r_years, (unit + per) if ratio else "",
                                level)

    energy: dict[int, Decimal] = {}
    for carrier in ENERGY_CARRIERS:
        for y, amount in sums.get(f"energy.{carrier}", {}).items():
            _add(energy, y, amount)
    share = {y: green_kwh.get(y, Decimal(0)) * 100 / total for y, total in energy.items() if total}
    land = {k: QUANTITIES[k] for k in ("land_total", "land_sealed", "land_nature_on_site", "land_nature_off_site")}
    air = {k: QUANTITIES[k] for k in ("air_so2", "air_nox", "air_pm")}
    waste_codes = sorted(k for k in sums if k.startswith("waste."))
    candidates: list[CoreIndicatorRow | None] = [
        row("energy_total", KeyArea.ENERGY, CORE_LABELS["energy_total"], MWH, energy,
            scale=_THOUSAND, always=True),
        *(row(f"energy.{c}", KeyArea.ENERGY, QUANTITIES[c].label, MWH, sums[f"energy.{c}"], scale=_THOUSAND, level=1)
          for c in ENERGY_CARRIERS if f"energy.{c}" in sums),
        row("energy_renewable_share", KeyArea.ENERGY,
            CORE_LABELS["energy_renewable_share"], PERCENT, share, ratio=False,
            always=True),
        row("materials_total", KeyArea.MATERIALS, CORE_LABELS["materials_total"], TONNE,
            sums.get("material", {})),
        row("water_total", KeyArea.WATER, CORE_LABELS["water_total"], M3,
            _total(sums, ("water_mains", "water_well", "water_rain", "water_surface")), always=True),
        row("waste_total", KeyArea.WASTE, CORE_LABELS["waste_total"], TONNE,
            _total(sums, waste_codes), always=True),
        *(row(k, KeyArea.WASTE, Text(_waste_label(k, waste_names), _waste_label(k, waste_names)), TONNE, sums[k],
              level=1) for k in waste_codes),
        row("waste_hazardous", KeyArea.WASTE, CORE_LABELS["waste_hazardous"], TONNE,
            sums.get("waste_hazardous", {}), always=bool(waste_codes)),
        *(row(k, KeyArea.LAND_USE, q.label, M2, sums.get(k, {})) for k, q in land.items()),
        row("ghg_total", KeyArea.EMISSIONS, CORE_LABELS["ghg_total"], "t CO2e",
            dict(ghg_t or {})),
        *(row(k, KeyArea.EMISSIONS, q.label, KG, sums.get(k, {})) for k, q in air.items()),
    ]
    return CoreIndicatorTable(tuple(years), ref, ref_unit, tuple(r for r in candidates if r is not None))


def _total(sums: Mapping[str, Mapping[int, Decimal]], keys: Iterable[str]) -> dict[int, Decimal]:
    total: dict[int, Decimal] = {}
    for key in keys:
        for y, amount in sums.get(key, {}).items():
            _add(total, y, amount)
    return total


def _waste_label(row_key: str, names: Mapping[str, str]) -> str:
    code = row_key.removeprefix("waste.")
    name = names.get(code.replace(" ", "").rstrip("*"))
    return f"{code} {name}" if name else code
