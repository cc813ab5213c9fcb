"""Self-assessment in the catalogue format: modes, plain blocks, plain labels, the QuB catalogue."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from oekoaudit import paths
from oekoaudit.__main__ import main
from oekoaudit.catalogue import (
    CatalogueRegistry,
    check_file,
    checklist_from_snapshot,
    checklist_snapshot,
    load_catalogue,
)
from oekoaudit.domain.checklist import CatalogueMode, PlainText, Rating, Text

QUB_SECTIONS = ["qub.1", "qub.2", "qub.3", "qub.4", "qub.5", "qub.6", "qub.7"]
#: QUB-01 (legal compliance incl. occupational safety), QUB-02 (significant impacts, quantified),
#: QUB-03 (a measure a year, planned, implemented, documented), QUB-04 (responsibilities)
QUB_CORE = {f"qub.1.{n}" for n in range(1, 9)} | {f"qub.2.{n}" for n in range(1, 7)} | {
    "qub.3.1", "qub.3.2", "qub.4.1"}


def _texts(*texts: Text | None) -> None:
    for t in texts:
        assert t is not None and t.de.strip() and t.en.strip()


def _write(tmp_path: Path, body: str, name: str = "test.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def _messages(path: Path) -> list[tuple[str, str | None, str]]:
    _checklist, problems = check_file(path)
    return [(p.location, p.item_key, p.english()) for p in problems]


SELF = """\
    schema_version: 1
    id: self-1
    scheme: self
    edition: "1"
    status: draft
    title: {de: Test, en: Test}
    modes: [audit, self_assessment]
    answer_scale: fulfilment
    sections:
      - key: A
        title: {de: Abschnitt, en: Section}
        items:
          - key: A.1
            title: {de: Punkt, en: Item}
            questions: [{de: Frage?, en: Question?}]
            plain:
              question: {de: Einfach?, en: Plain?}
          - key: A.2
            title: {de: Punkt, en: Item}
            questions: [{de: Frage?, en: Question?}]
            plain:
              question: {de: Einfach?, en: Plain?}
              why: {de: Darum., en: Because.}
              proof: {de: Beleg., en: Proof.}
              todo: {de: Machen., en: Do it.}
    """


# --------------------------------------------------------------------------------------
# The QuB catalogue and the fulfilment scale
# --------------------------------------------------------------------------------------


def test_qub_catalogue_loads_with_both_modes() -> None:
    checklist = load_catalogue(paths.forms_dir() / "qub-2024.yaml")
    assert (checklist.id, checklist.scheme, checklist.edition, checklist.status) == \
        ("qub-2024", "qub", "2024", "draft")
    assert checklist.modes == ("audit", "self_assessment") and checklist.self_assessment
    _texts(checklist.title, checklist.description, checklist.source)
    # the draft status is explained: the official rules are not public, the extras are unverified
    assert "Technische Regelwerk" in checklist.source.de and "not public" in checklist.source.en  # type: ignore[union-attr]
    assert "abzugleichen" in checklist.description.de and "not yet confirmed" in checklist.description.en  # type: ignore[union-attr]
    assert [s.key for s in checklist.sections] == QUB_SECTIONS
    assert [s.ref for s in checklist.sections] == [str(n) for n in range(1, 8)]
    assert checklist.scale.key == "fulfilment"


def test_every_qub_item_is_complete_for_auditor_and_owner() -> None:
    checklist = load_catalogue(paths.forms_dir() / "qub-2024.yaml")
    items = list(checklist.items())
    assert 20 <= len(items) <= 25
    for section in checklist.sections:
        _texts(section.intro)
        for item in section.items():
            assert re.fullmatch(rf"{re.escape(section.key)}\.\d+", item.key), item.key
            assert item.ref == item.key.removeprefix("qub."), item.key
            _texts(item.title, item.guidance, *item.questions, *item.evidence)
            assert item.questions and item.evidence, item.key
            assert isinstance(item.plain, PlainText), item.key
            _texts(item.plain.question, item.plain.why, item.plain.proof, item.plain.todo)
            assert item.plain.question.de.endswith("?") and item.plain.question.en.endswith("?"), item.key
            # the plain German speaks to the owner with "Sie"
            assert re.search(r"\b(Sie|Ihnen|Ihr\w*)\b", item.plain.question.de), item.key
    assert {i.key for i in items if i.mandatory} == QUB_CORE


def test_unverified_qub_items_say_so() -> None:
    checklist = load_catalogue(paths.forms_dir() / "qub-2024.yaml")
    for section in checklist.sections:
        core = [i for i in section.items() if i.key in QUB_CORE]
        others = [i for i in section.items() if i.key not in QUB_CORE]
        if others:
            assert "abzugleichen" in section.intro.de and "verified" in section.intro.en, section.key  # type: ignore[union-attr]
        if core:
            assert "bestätigten Kern" in section.intro.de and "confirmed core" in section.intro.en, section.key  # type: ignore[union-attr]


def test_fulfilment_scale_has_plain_labels() -> None:
    scale = load_catalogue(paths.forms_dir() / "qub-2024.yaml").scale
    assert [(o.key, o.shortcut, o.rating) for o in scale.options] == [
        ("fulfilled", "1", Rating.CONFORM),
        ("partly_fulfilled", "2", Rating.MINOR_NC),
        ("not_fulfilled", "3", Rating.MAJOR_NC),
        ("not_relevant", "4", Rating.NOT_APPLICABLE),
        ("open", "0", Rating.OPEN),
    ]
    assert [o.label.de for o in scale.options] == [
        "erfüllt", "teilweise erfüllt", "nicht erfüllt", "nicht relevant", "offen"]
    for option in scale.options:
        _texts(option.label, option.plain_label)
        assert option.plain_label != option.label
    assert scale.option("fulfilled").plain_label == Text("Ja, erledigt", "Yes, done")  # type: ignore[union-attr]


def test_registry_lists_the_qub_catalogue() -> None:
    infos = {i.id: i for i in CatalogueRegistry(paths.forms_dir()).infos()}
    assert infos["qub-2024"].status == "draft" and infos["qub-2024"].item_count == len(
        list(load_catalogue(paths.forms_dir() / "qub-2024.yaml").items()))
    assert CatalogueRegistry(paths.forms_dir()).get("qub:2024").id == "qub-2024"


def test_cli_check_passes_on_every_shipped_catalogue(capsys) -> None:  # type: ignore[no-untyped-def]
    files = [str(p) for p in sorted(paths.forms_dir().glob("*.yaml"))]
    assert any(f.endswith("qub-2024.yaml") for f in files)
    code = main(["catalogue", "check", "--json", *files])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and len(report) == len(files) and all(entry["valid"] for entry in report), report
    assert main(["--lang", "en", "catalogue", "list"]) == 0
    assert "qub-2024" in capsys.readouterr().out


# --------------------------------------------------------------------------------------
# The format: modes, plain blocks, plain labels
# --------------------------------------------------------------------------------------


def test_self_assessment_catalogue_is_valid(tmp_path: Path) -> None:
    assert _messages(_write(tmp_path, SELF)) == []
    checklist = load_catalogue(_write(tmp_path, SELF))
    assert checklist.self_assessment and checklist.modes == (CatalogueMode.AUDIT, CatalogueMode.SELF_ASSESSMENT)
    first, second = checklist.items()
    assert first.plain == PlainText(question=Text("Einfach?", "Plain?"))
    assert first.plain.why is None and first.plain.proof is None and first.plain.todo is None
    assert second.plain == PlainText(Text("Einfach?", "Plain?"), Text("Darum.", "Because."),
                                     Text("Beleg.", "Proof."), Text("Machen.", "Do it."))


def test_modes_default_to_audit(tmp_path: Path) -> None:
    body = SELF.replace("    modes: [audit, self_assessment]\n", "")
    checklist = load_catalogue(_write(tmp_path, body))
    assert checklist.modes == ("audit",) and not checklist.self_assessment
    shipped = load_catalogue(paths.forms_dir() / "iso14001-2015.yaml")
    assert shipped.modes == ("audit",) and not shipped.self_assessment
    assert all(i.plain is None for i in shipped.items())
    assert all(o.plain_label is None for o in shipped.scale.options)


def test_missing_plain_block_in_self_assessment_mode_is_a_precise_problem(tmp_path: Path) -> None:
    body = SELF.replace("""\
            plain:
              question: {de: Einfach?, en: Plain?}
              why:""", """\
            why:""").replace("""\
            why: {de: Darum., en: Because.}
              proof: {de: Beleg., en: Proof.}
              todo: {de: Machen., en: Do it.}
    """, "")
    assert body.count("plain:") == 1
    path = _write(tmp_path, body)
    (location, key, text), = _messages(path)
    assert (location, key) == ("sections[0].items[1].plain", "A.2")
    assert "'plain' block" in text and "self_assessment" in text
    _checklist, (problem,) = check_file(path)
    assert problem.file == str(path)
    # the same catalogue without the self-assessment mode is fine
    assert _messages(_write(tmp_path, body.replace("[audit, self_assessment]", "[audit]"))) == []


def test_missing_plain_blocks_are_found_in_sub_sections(tmp_path: Path) -> None:
    body = SELF.replace("""\
          - key: A.1
            title: {de: Punkt, en: Item}
            questions: [{de: Frage?, en: Question?}]
            plain:
              question: {de: Einfach?, en: Plain?}
    """, """\
          - key: A.1
            title: {de: Unterabschnitt, en: Sub-section}
            items:
              - key: A.1.1
                title: {de: Punkt, en: Item}
                questions: [{de: Frage?, en: Question?}]
    """)
    assert _messages(_write(tmp_path, body)) == [
        ("sections[0].items[0].items[0].plain", "A.1.1",
         "this item needs a 'plain' block with at least a plain-language question, "
         "because the catalogue offers the mode self_assessment.")]


@pytest.mark.parametrize(
    ("change", "location", "key", "fragment"),
    [
        (("question: {de: Einfach?, en: Plain?}\n          - key: A.2", "why: {de: x, en: y}\n          - key: A.2"),
         "sections[0].items[0].plain.question", "A.1", "required but missing"),
        (("why: {de: Darum., en: Because.}", "why: {de: Darum.}"), "sections[0].items[1].plain.why.en", "A.2",
         "required but missing"),
        (("todo: {de: Machen., en: Do it.}", "todo: {de: Machen., en: Do it.}\n              measure: x"),
         "sections[0].items[1].plain.measure", "A.2", "unknown field"),
        (("[audit, self_assessment]", "[audit, selfassessment]"), "modes[1]", None, "one of"),
        (("[audit, self_assessment]", "[]"), "modes", None, "at least 1"),
        (("[audit, self_assessment]", "[audit, audit, self_assessment]"), "modes[1]", None,
         "the mode audit is listed twice."),
    ],
)
def test_problems_in_the_new_fields_name_location_and_reason(
    tmp_path: Path, change: tuple[str, str], location: str, key: str | None, fragment: str
) -> None:
    body = SELF.replace(*change)
    assert body != SELF
    messages = _messages(_write(tmp_path, body))
    assert any(loc == location and k == key and fragment in text for loc, k, text in messages), messages


def test_inline_scale_with_plain_labels(tmp_path: Path) -> None:
    body = SELF.replace("answer_scale: fulfilment", textwrap.dedent("""\
        answer_scale:
          key: own
          options:
            - {key: ja, label: {de: ja, en: 'yes'}, plain_label: {de: Klar!, en: Sure!}, shortcut: "1", rating: conform}
            - {key: offen, label: {de: offen, en: open}, shortcut: "0", rating: open}
        """).replace("\n", "\n    "))
    checklist = load_catalogue(_write(tmp_path, body))
    assert checklist.scale.option("ja").plain_label == Text("Klar!", "Sure!")  # type: ignore[union-attr]
    assert checklist.scale.option("offen").plain_label is None  # type: ignore[union-attr]
    again = checklist_from_snapshot(json.loads(json.dumps(checklist_snapshot(checklist))))
    assert again == checklist and again.fingerprint == checklist.fingerprint
    body = body.replace("plain_label: {de: Klar!, en: Sure!}", "plain_label: {de: Klar!}")
    assert ("answer_scale.options[0].plain_label.en", "ja", "this field is required but missing.") in \
        _messages(_write(tmp_path, body))


# --------------------------------------------------------------------------------------
# Snapshots keep the new fields, and leave old fingerprints alone
# --------------------------------------------------------------------------------------


def test_snapshot_round_trip_keeps_modes_plain_blocks_and_plain_labels() -> None:
    checklist = load_catalogue(paths.forms_dir() / "qub-2024.yaml")
    data = json.loads(json.dumps(checklist_snapshot(checklist)))
    assert data["modes"] == ["audit", "self_assessment"]
    assert all("plain_label" in o for o in data["answer_scale"]["options"])
    first = data["sections"][0]["items"][0]
    assert set(first["plain"]) == {"question", "why", "proof", "todo"}
    again = checklist_from_snapshot(data)
    assert again == checklist
    assert again.fingerprint == checklist.fingerprint
    assert again.modes == checklist.modes and again.self_assessment
    assert [i.plain for i in again.items()] == [i.plain for i in checklist.items()]
    assert [o.plain_label for o in again.scale.options] == [o.plain_label for o in checklist.scale.options]


def test_snapshot_leaves_out_what_is_not_used(tmp_path: Path) -> None:
    partial = load_catalogue(_write(tmp_path, SELF))
    data = checklist_snapshot(partial)
    assert data["sections"][0]["items"][0]["plain"] == {"question": {"de": "Einfach?", "en": "Plain?"}}
    assert checklist_from_snapshot(json.loads(json.dumps(data))) == partial
    # a catalogue without the new fields snapshots exactly as before they existed, so the
    # fingerprints of audits already stored stay valid
    iso = checklist_snapshot(load_catalogue(paths.forms_dir() / "iso14001-2015.yaml"))
    dumped = json.dumps(iso)
    assert "modes" not in iso and '"plain"' not in dumped and "plain_label" not in dumped


def test_changing_a_plain_text_changes_the_fingerprint(tmp_path: Path) -> None:
    before = load_catalogue(_write(tmp_path, SELF))
    after = load_catalogue(_write(tmp_path, SELF.replace("Machen.", "Jetzt machen."), "other.yaml"))
    audit_only = load_catalogue(_write(tmp_path, SELF.replace("[audit, self_assessment]", "[audit]"), "a.yaml"))
    assert len({before.fingerprint, after.fingerprint, audit_only.fingerprint}) == 3
