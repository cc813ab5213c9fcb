"""The catalogues of every scheme: complete, bilingual, mapped to existing keys; includes, mappings,
award rules and applicability questions in the format."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from oekoaudit import paths
from oekoaudit.catalogue import CatalogueRegistry, check_file, checklist_from_snapshot, checklist_snapshot
from oekoaudit.domain.checklist import Checklist, Item, Relation, Section, Text
from oekoaudit.domain.mapping import MappingIndex

ISO_2015 = [
    "4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3",
    "6.1.1", "6.1.2", "6.1.3", "6.1.4", "6.2.1", "6.2.2",
    "7.1", "7.2", "7.3", "7.4.1", "7.4.2", "7.4.3", "7.5.1", "7.5.2", "7.5.3",
    "8.1", "8.2", "9.1.1", "9.1.2", "9.2.1", "9.2.2", "9.3", "10.1", "10.2", "10.3",
]
#: the 2026 edition: 6.1 restructured (6.1.4 risks and opportunities, new 6.1.5 planning action),
#: new 6.3 planning of changes
ISO_2026 = [
    "4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3",
    "6.1.1", "6.1.2", "6.1.3", "6.1.4", "6.1.5", "6.2.1", "6.2.2", "6.3",
    "7.1", "7.2", "7.3", "7.4.1", "7.4.2", "7.4.3", "7.5.1", "7.5.2", "7.5.3",
    "8.1", "8.2", "9.1.1", "9.1.2", "9.2.1", "9.2.2", "9.3", "10.1", "10.2", "10.3",
]
SHIPPED = {"iso14001-2015", "iso14001-2026", "emas-2009", "oekoprofit-2026", "qub-2024", "rechtskataster-2026"}


@pytest.fixture(scope="module")
def catalogues() -> dict[str, Checklist]:
    registry = CatalogueRegistry(paths.forms_dir())
    return {c.id: c for c in registry.checklists()}


def _texts(checklist: Checklist) -> list[tuple[str, Text]]:
    found: list[tuple[str, Text]] = [("title", checklist.title)]
    found += [(f"option {o.key}", o.label) for o in checklist.scale.options]

    def walk(node: Section | Item) -> None:
        found.append((node.key, node.title))
        if isinstance(node, Section):
            if node.intro:
                found.append((node.key, node.intro))
            for child in node.children:
                walk(child)
            return
        found.extend((node.key, t) for t in (*node.questions, *node.evidence, node.guidance, node.applicability,
                                               node.documented_information_note) if t is not None)
        if node.plain:
            found.extend((node.key, t) for t in (node.plain.question, node.plain.why, node.plain.proof,
                                                   node.plain.todo) if t is not None)

    for section in checklist.sections:
        walk(section)
    return found


def test_every_scheme_has_a_valid_catalogue(catalogues: dict[str, Checklist]) -> None:
    assert SHIPPED <= set(catalogues)
    registry = CatalogueRegistry(paths.forms_dir())
    assert registry.problems() == [], [p.english() for p in registry.problems()]


@pytest.mark.parametrize("catalogue_id", sorted(SHIPPED))
def test_every_text_exists_in_both_languages(catalogues: dict[str, Checklist], catalogue_id: str) -> None:
    for where, text in _texts(catalogues[catalogue_id]):
        assert text.de.strip() and text.en.strip(), (catalogue_id, where)
    # German is German: the umlauts are spelt as such somewhere in every catalogue
    assert any(ch in t.de for _w, t in _texts(catalogues[catalogue_id]) for ch in "äöüß")


def test_every_mapping_points_at_existing_keys(catalogues: dict[str, Checklist]) -> None:
    index = MappingIndex(catalogues.values())
    assert index.problems == []
    for checklist in catalogues.values():
        keys = {i.key for i in checklist.items()}
        for mapping in checklist.mappings:
            assert mapping.key in keys
            assert catalogues[mapping.target].item(mapping.to) is not None, (checklist.id, mapping)


def test_iso_editions_and_their_cross_walk(catalogues: dict[str, Checklist]) -> None:
    old, new = catalogues["iso14001-2015"], catalogues["iso14001-2026"]
    assert [i.key for i in old.items()] == ISO_2015 and len(ISO_2015) == 32
    assert [i.key for i in new.items()] == ISO_2026
    assert (new.scheme, new.edition, old.scheme) == ("iso14001", "2026", "iso14001")
    assert "Änderungen" in new.item("6.3").title.de or "nderung" in new.item("6.3").title.de  # type: ignore[union-attr]
    links = MappingIndex(catalogues.values()).links("iso14001-2015", "iso14001-2026")
    # every 2015 clause leads somewhere in 2026, and 6.1.4 (planning action) became 6.1.5
    assert {link.source_key for link in links} == set(ISO_2015)
    assert any(x.source_key == "6.1.4" and x.target_key == "6.1.5" and x.relation is Relation.EQUAL for x in links)
    # the new clause has no equal in 2015
    assert not any(x.target_key == "6.3" and x.relation is Relation.EQUAL for x in links)


def test_emas_takes_iso_14001_by_reference_and_adds_its_annexes(catalogues: dict[str, Checklist]) -> None:
    emas, iso = catalogues["emas-2009"], catalogues["iso14001-2015"]
    keys = [i.key for i in emas.items()]
    assert set(ISO_2015) <= set(keys)
    assert emas.item("6.1.2") == iso.item("6.1.2")  # the same text, from the included file
    text = (paths.forms_dir() / "emas-2009.yaml").read_text(encoding="utf-8")
    assert "include: iso14001-2015" in text  # referenced, not copied:
    assert not any(f'key: "{k}"' in text or f"key: {k}\n" in text for k in ISO_2015)
    sections = [s.key for s in emas.sections]
    for prefix in ("emas.I", "emas.IIB", "emas.III", "emas.IV", "emas.CI"):
        assert any(k.startswith(prefix + ".") for k in keys), prefix
    assert len(sections) >= 6
    # the included items are equal to ISO 14001:2015 without a written mapping
    equal = {(m.key, m.to) for m in emas.mappings if m.target == "iso14001-2015" and m.relation is Relation.EQUAL}
    assert {(k, k) for k in ISO_2015} <= equal
    # core indicators: energy, material, water, waste, land use, emissions
    ci = " ".join(k for k in keys if k.startswith("emas.CI"))
    for area in ("energy", "material", "water", "waste", "land", "emission"):
        assert area in ci.lower(), area


def test_oekoprofit_has_its_scale_must_criteria_and_award_rules(catalogues: dict[str, Checklist]) -> None:
    oeko = catalogues["oekoprofit-2026"]
    assert [o.key for o in oeko.scale.options] == [
        "fulfilled", "partly_fulfilled", "not_fulfilled", "not_relevant", "open"]
    assert [s.ref for s in oeko.sections] == ["A", "B", "C", "D", "E", "F"]
    assert oeko.award is not None and oeko.award.must_items
    assert all(oeko.item(k) is not None for k in oeko.award.must_items)
    assert oeko.award.measures_implemented and oeko.award.measures_planned
    # the snapshot keeps the award rules
    assert checklist_from_snapshot(checklist_snapshot(oeko)).award == oeko.award


def test_qub_is_a_draft_self_assessment_mapped_to_iso_and_oekoprofit(catalogues: dict[str, Checklist]) -> None:
    qub = catalogues["qub-2024"]
    assert qub.status == "draft" and qub.self_assessment
    assert {m.target for m in qub.mappings} == {"iso14001-2015", "oekoprofit-2026"}
    text = (paths.forms_dir() / "qub-2024.yaml").read_text(encoding="utf-8")
    assert "verified" in text.lower() or "bestätigt" in text  # the unconfirmed parts are marked


def test_legal_register_asks_whether_each_obligation_applies(catalogues: dict[str, Checklist]) -> None:
    register = catalogues["rechtskataster-2026"]
    items = list(register.items())
    assert len(items) >= 30
    for item in items:
        assert item.key.startswith("rk."), item.key
        assert item.applicability is not None and item.applicability.de.endswith("?"), item.key
        assert item.legal_refs, item.key
    refs = " ".join(r for i in items for r in i.legal_refs)
    for law in ("KrWG", "WHG", "AwSV", "BImSchG", "GefStoffV", "EnEfG"):
        assert law in refs, law


# ---- the format: includes, mappings, award ----------------------------------------------------


BASE = """\
    schema_version: 1
    id: base-1
    scheme: base
    edition: "1"
    status: published
    title: {de: Basis, en: Base}
    answer_scale: standard
    sections:
      - key: B
        title: {de: Abschnitt, en: Section}
        items:
          - key: B.1
            title: {de: Punkt, en: Item}
            questions: [{de: Frage?, en: Question?}]
    """

WITH_INCLUDE = """\
    schema_version: 1
    id: ext-1
    scheme: ext
    edition: "1"
    status: draft
    title: {de: Erweitert, en: Extended}
    answer_scale: standard
    sections:
      - key: X
        title: {de: Eigenes, en: Own}
        items:
          - key: X.1
            title: {de: Punkt, en: Item}
            applicability: {de: Trifft das zu?, en: Does it apply?}
            legal_refs: ["KrWG § 9"]
            questions: [{de: Frage?, en: Question?}]
      - key: INC
        title: {de: Basis, en: Base}
        include: base-1
    mappings:
      - target: base-1
        relations:
          - {key: X.1, to: B.1, type: intersect}
    award:
      must_items: [X.1]
      min_fulfilled_share: 0.5
      measures: {implemented: 2, planned: 1}
    """


def _folder(tmp_path: Path, **files: str) -> Path:
    (tmp_path / "scales").mkdir(exist_ok=True)
    shutil.copy(paths.forms_dir() / "scales" / "standard.yaml", tmp_path / "scales")
    shutil.copy(paths.forms_dir() / "scales" / "fulfilment.yaml", tmp_path / "scales")
    for name, body in files.items():
        (tmp_path / f"{name}.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
    return tmp_path


def _problems(path: Path) -> list[str]:
    _c, problems = check_file(path, path.parent)
    return [p.english() for p in problems]


def test_include_mapping_award_and_applicability(tmp_path: Path) -> None:
    folder = _folder(tmp_path, **{"base-1": BASE, "ext-1": WITH_INCLUDE})
    checklist, problems = check_file(folder / "ext-1.yaml", folder)
    assert problems == [] and checklist is not None
    assert [i.key for i in checklist.items()] == ["X.1", "B.1"]
    assert checklist.item("X.1").applicability.de == "Trifft das zu?"  # type: ignore[union-attr]
    assert checklist.item("X.1").legal_refs == ("KrWG § 9",)  # type: ignore[union-attr]
    assert {(m.key, m.to, m.relation) for m in checklist.mappings} == {
        ("X.1", "B.1", Relation.INTERSECT), ("B.1", "B.1", Relation.EQUAL)}
    assert checklist.award is not None and checklist.award.measures_implemented == 2
    # the snapshot holds the included text in full, and the fingerprint survives the round trip
    again = checklist_from_snapshot(checklist_snapshot(checklist))
    assert again.fingerprint == checklist.fingerprint and again.item("B.1") == checklist.item("B.1")


@pytest.mark.parametrize(("change", "fragment"), [
    (("include: base-1", "include: nope-1"), "does not exist"),
    (("to: B.1, type", "to: B.1, type"), None),
    (("{key: X.1, to: B.1", "{key: X.9, to: B.1"), "does not have"),
    (("must_items: [X.1]", "must_items: [Z.1]"), "must criterion Z.1"),
    (("min_fulfilled_share: 0.5", "min_fulfilled_share: 1.5"), "at most 1"),
    (("type: intersect", "type: similar"), "one of"),
    (("- key: X.1\n", "- key: B.1\n"), "also used here: B.1"),
    (("answer_scale: standard\n    sections:\n      - key: X", "answer_scale: fulfilment\n    sections:\n      - key: X"),
     "same"),
])
def test_include_and_mapping_problems(tmp_path: Path, change: tuple[str, str], fragment: str | None) -> None:
    folder = _folder(tmp_path, **{"base-1": BASE, "ext-1": WITH_INCLUDE.replace(*change)})
    messages = _problems(folder / "ext-1.yaml")
    if fragment is None:
        assert messages == []
    else:
        assert any(fragment in m for m in messages), messages


def test_an_included_catalogue_may_not_include_another(tmp_path: Path) -> None:
    nested = WITH_INCLUDE.replace("id: ext-1", "id: outer-1").replace("include: base-1", "include: ext-1") \
        .replace("target: base-1", "target: ext-1").replace("- key: X.1\n", "- key: O.1\n") \
        .replace("{key: X.1,", "{key: O.1,").replace("[X.1]", "[O.1]")
    folder = _folder(tmp_path, **{"base-1": BASE, "ext-1": WITH_INCLUDE, "outer-1": nested})
    assert any("not valid" in m or "cannot include" in m for m in _problems(folder / "outer-1.yaml"))


def test_registry_reports_mappings_to_unknown_items(tmp_path: Path) -> None:
    folder = _folder(tmp_path, **{"base-1": BASE, "ext-1": WITH_INCLUDE.replace("to: B.1, type", "to: B.7, type")})
    messages = [p.english() for p in CatalogueRegistry(folder).problems()]
    assert any("B.7" in m and "base-1" in m for m in messages), messages


def test_published_catalogues_never_change(catalogues: dict[str, Checklist]) -> None:
    """A published catalogue is immutable: a change is a new edition. Publishing one adds it here."""
    import json

    locked = json.loads((Path(__file__).resolve().parent.parent / "fixtures" / "published_catalogues.json")
                        .read_text(encoding="utf-8"))
    published = {c.id: c.fingerprint for c in catalogues.values() if c.status == "published"}
    assert published == locked
