"""The catalogue format: shipped catalogues load; broken files get precise messages."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from oekoaudit import i18n, paths
from oekoaudit.catalogue import (
    CatalogueRegistry,
    check_file,
    checklist_from_snapshot,
    checklist_snapshot,
    load_catalogue,
)
from oekoaudit.catalogue.schema import CatalogueModel
from oekoaudit.domain.checklist import DocumentedInformation, Rating
from oekoaudit.errors import CatalogueError, NotFoundError

ISO_ITEMS = [
    "4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3",
    "6.1.1", "6.1.2", "6.1.3", "6.1.4", "6.2.1", "6.2.2",
    "7.1", "7.2", "7.3", "7.4.1", "7.4.2", "7.4.3", "7.5.1", "7.5.2", "7.5.3",
    "8.1", "8.2", "9.1.1", "9.1.2", "9.2.1", "9.2.2", "9.3", "10.1", "10.2", "10.3",
]
MAINTAIN = {"4.3", "5.2", "6.1.1", "6.1.2", "6.1.3", "6.2.1", "8.1", "8.2"}
RETAIN = {"7.2", "7.4.1", "9.1.1", "9.1.2", "9.2.2", "9.3", "10.2"}


def test_every_shipped_catalogue_is_valid() -> None:
    files = sorted(paths.forms_dir().glob("*.yaml"))
    assert files
    for path in files:
        checklist, problems = check_file(path)
        assert problems == [], [p.english() for p in problems]
        assert checklist is not None


def test_iso14001_2015_is_complete_and_bilingual() -> None:
    checklist = load_catalogue(paths.forms_dir() / "iso14001-2015.yaml")
    assert (checklist.id, checklist.scheme, checklist.edition, checklist.status) == \
        ("iso14001-2015", "iso14001", "2015", "published")
    assert [s.key for s in checklist.sections] == ["4", "5", "6", "7", "8", "9", "10"]
    items = list(checklist.items())
    assert [i.key for i in items] == ISO_ITEMS
    for item in items:
        assert item.ref == item.key
        assert item.title.de and item.title.en
        assert item.questions and all(q.de.strip() and q.en.strip() for q in item.questions)
        assert item.guidance is not None and item.guidance.de and item.guidance.en
        assert item.evidence and all(e.de and e.en for e in item.evidence)
        expected = (DocumentedInformation.MAINTAIN if item.key in MAINTAIN
                    else DocumentedInformation.RETAIN if item.key in RETAIN else DocumentedInformation.NONE)
        assert item.documented_information is expected, item.key
    assert checklist.item("6.1.2").title.de == "Umweltaspekte"  # type: ignore[union-attr]
    # nesting: 9 holds the sections 9.1 and 9.2 and then the item 9.3
    nine = checklist.sections[5]
    assert [c.key for c in nine.children] == ["9.1", "9.2", "9.3"]
    assert [o.key for o in checklist.scale.options] == [
        "conform", "minor_nc", "major_nc", "observation", "improvement", "not_applicable", "open"]
    assert checklist.scale.open_option.rating is Rating.OPEN


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "test.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


GOOD = """\
    schema_version: 1
    id: test-1
    scheme: test
    edition: "1"
    status: draft
    title: {de: Test, en: Test}
    answer_scale: standard
    sections:
      - key: A
        title: {de: Abschnitt, en: Section}
        items:
          - key: A.1
            title: {de: Punkt, en: Item}
            questions: [{de: Frage?, en: Question?}]
    """


def _messages(path: Path) -> list[tuple[str, str | None, str]]:
    _checklist, problems = check_file(path)
    return [(p.location, p.item_key, p.english()) for p in problems]


def test_minimal_catalogue_is_valid(tmp_path: Path) -> None:
    assert _messages(_write(tmp_path, GOOD)) == []


@pytest.mark.parametrize(
    ("change", "location", "key", "fragment"),
    [
        (('edition: "1"', "edition: 1"), "edition", None, "must be text"),
        (("title: {de: Punkt, en: Item}", "title: {de: Punkt}"), "sections[0].items[0].title.en", "A.1",
         "required but missing"),
        (("questions: [{de: Frage?, en: Question?}]", "questions: []"), "sections[0].items[0].questions", "A.1",
         "at least 1"),
        (("- key: A.1", "- key: A 1"), "sections[0].items[0].key", "A 1", "not a valid key"),
        (("status: draft", "status: final"), "status", None, "one of"),
        (("answer_scale: standard", "answer_scale: nope"), "answer_scale", None, "does not exist"),
        (("questions: [{de: Frage?, en: Question?}]", "questions: [{de: Frage?, en: Question?}]\n"
          "            evidenz: []"), "sections[0].items[0].evidenz", "A.1", "unknown field"),
        (("title: {de: Punkt, en: Item}", "title: {de: '  ', en: Item}"), "sections[0].items[0].title.de",
         "A.1", "must not be empty"),
    ],
)
def test_problems_name_the_location_the_key_and_what_is_wrong(
    tmp_path: Path, change: tuple[str, str], location: str, key: str | None, fragment: str
) -> None:
    body = GOOD.replace(*change)
    assert body != GOOD
    messages = _messages(_write(tmp_path, body))
    assert any(loc == location and k == key and fragment in text for loc, k, text in messages), messages


def test_duplicate_keys_are_reported(tmp_path: Path) -> None:
    body = GOOD.rstrip(" ") + """\
          - key: A.1
            title: {de: Nochmal, en: Again}
            questions: [{de: Frage?, en: Question?}]
    """
    messages = _messages(_write(tmp_path, body))
    assert messages == [("sections[0].items[1]", "A.1",
                         "the key A.1 is already used at sections[0].items[0]; keys must be unique.")]


def test_duplicate_yaml_mapping_keys_are_not_silently_overwritten(tmp_path: Path) -> None:
    body = GOOD.replace("status: draft", "status: draft\n    status: published")
    (location, key, text), = _messages(_write(tmp_path, body))
    assert "status" in text and "appears twice" in text and location.startswith("line ")


def test_yaml_syntax_errors_name_the_line(tmp_path: Path) -> None:
    body = GOOD.replace("title: {de: Test, en: Test}", "title: {de: Test, en: Test")
    (location, _key, text), = _messages(_write(tmp_path, body))
    assert location.startswith("line ") and "not valid YAML" in text


def test_inline_scale_rules(tmp_path: Path) -> None:
    body = GOOD.replace("answer_scale: standard", textwrap.dedent("""\
        answer_scale:
          key: own
          options:
            - {key: yes, label: {de: ja, en: yes}, shortcut: "1", rating: conform}
            - {key: no, label: {de: nein, en: no}, shortcut: "1", rating: major_nc}
        """).replace("\n", "\n    "))
    texts = [t for _l, _k, t in _messages(_write(tmp_path, body))]
    # yes/no are YAML booleans: the schema insists on text keys
    assert any("must be text" in t for t in texts)
    body = body.replace("key: yes", "key: 'ja'").replace("key: no", "key: 'nein'").replace(
        "en: yes", "en: 'yes'").replace("en: no", "en: 'no'")
    texts = [t for _l, _k, t in _messages(_write(tmp_path, body))]
    assert any("exactly one option rated 'open'" in t for t in texts)
    assert any("shortcut 1 is used twice" in t for t in texts)


def test_messages_are_translated(tmp_path: Path) -> None:
    _c, problems = check_file(_write(tmp_path, GOOD.replace('edition: "1"', "edition: 1")))
    i18n.set_language("de")
    german = i18n.describe(problems[0])
    i18n.set_language("en")
    english = i18n.describe(problems[0])
    assert english.startswith("must be text")
    assert german != english


def test_load_raises_with_all_problems(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(_write(tmp_path, GOOD.replace("status: draft", "status: x").replace('"1"', "1")))
    assert len(caught.value.problems) == 2


def test_snapshot_round_trip_keeps_the_fingerprint() -> None:
    checklist = load_catalogue(paths.forms_dir() / "iso14001-2015.yaml")
    data = json.loads(json.dumps(checklist_snapshot(checklist)))
    again = checklist_from_snapshot(data)
    assert again == checklist
    assert again.fingerprint == checklist.fingerprint and len(checklist.fingerprint) == 64


def test_registry_resolves_ids_schemes_and_editions(tmp_path: Path) -> None:
    registry = CatalogueRegistry(paths.forms_dir())
    assert registry.get("iso14001-2015").id == "iso14001-2015"
    assert registry.get("ISO14001:2015").id == "iso14001-2015"
    assert registry.get("iso14001").edition >= "2015"
    with pytest.raises(NotFoundError) as caught:
        registry.get("emas-1999")
    assert "iso14001-2015" in caught.value.english()


def test_json_schema_file_is_current() -> None:
    shipped = json.loads((paths.forms_dir() / "schema" / "catalogue.schema.json").read_text(encoding="utf-8"))
    assert shipped == CatalogueModel.model_json_schema(), "run: python build/build_schema.py"
