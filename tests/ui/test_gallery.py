"""The "Photos & evidence" tab: thumbnails from the cache for 300 photos, filters, caption, order,
links, delete and undo, drops of files onto the gallery, an item and a finding, pasting a picture,
PDF thumbnails, a closed audit."""

from __future__ import annotations

import time

import pytest
from evidence_support import drop_files, import_photos, photo_bytes, settle, tiny_pdf, write_photos

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import QLabel, QToolButton

from oekoaudit.domain.audit import Signer
from oekoaudit.domain.evidence import EvidenceKind, Shape, ShapeKind, Source, Target
from oekoaudit.domain.finding import FindingClass
from oekoaudit.i18n import _
from oekoaudit.ui.models.evidence_model import EvidenceFilter, Show, ThumbnailRole

ITEM = "6.1.2"


@pytest.fixture
def window(make_window, audit):  # type: ignore[no-untyped-def]
    window = make_window()
    window.workspace.evidence_ui.importer.workers = 0  # in this process: no worker processes to start
    assert window.open_audit(audit.id, "evidence")
    return window


def _gallery(window):  # type: ignore[no-untyped-def]
    return window.workspace.gallery


def _ids(services, audit_id, target=None):  # type: ignore[no-untyped-def]
    return [e.id for e in services.evidence.list(audit_id, target)]


def _show(qtbot, window, photos):  # type: ignore[no-untyped-def]
    """Reload the gallery with what the store holds now and wait for the thumbnails."""
    window.workspace.evidence_ui.forget()
    _gallery(window).reload()
    settle(qtbot, window)
    return photos


def test_300_photos_open_at_once_and_thumbnails_follow(qtbot, window, services, audit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    photos = import_photos(services, audit.id, tmp_path / "many", 300, size=(16, 12), fmt="PNG")
    assert len(photos) == 300
    gallery = _gallery(window)
    window.workspace.evidence_ui.forget()
    start = time.monotonic()
    gallery.reload()
    opened = time.monotonic() - start
    # every tile is there at once, as a placeholder: the thumbnails arrive through the event loop
    assert gallery.model.rowCount() == 300 and gallery.proxy.rowCount() == 300
    waiting = sum(1 for row in range(300) if gallery.proxy.index(row, 0).data(ThumbnailRole) is None)
    assert waiting > 250
    assert "300" in gallery.count_label.text()
    qtbot.waitUntil(lambda: all(isinstance(gallery.proxy.index(row, 0).data(ThumbnailRole), QPixmap)
                                for row in range(300)), timeout=10_000)
    filled = time.monotonic() - start
    assert opened < 2.0, opened
    assert filled < 10.0, filled
    assert len(window.workspace.evidence_ui.thumbnails.cache) == 300
    # the tiles are painted (no error in the delegate), the first one selected shows its details
    gallery.grid.viewport().repaint()
    assert gallery.select(photos[0].id)
    assert gallery.details.name_label.text() == photos[0].original_name


def test_filters_by_link_kind_and_by_item(qtbot, window, services, audit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    photos = import_photos(services, audit.id, tmp_path / "f", 4)
    finding = services.audits.add_finding(audit.id, FindingClass.OBSERVATION, "Fässer ohne Kennzeichnung")
    measure = services.measures.create(audit.organisation_id, "Auffangwanne beschaffen", audit_id=audit.id)
    services.evidence.link(photos[0].id, Target.item(ITEM))
    services.evidence.link(photos[1].id, Target.finding(finding.id))
    services.evidence.link(photos[2].id, Target.measure(measure.id))
    document = tiny_pdf(tmp_path / "Genehmigung.pdf")
    services.evidence.import_files(audit.id, [document], workers=0)
    _show(qtbot, window, photos)
    gallery = _gallery(window)
    assert gallery.model.rowCount() == 5

    def shown(flt):  # type: ignore[no-untyped-def]
        assert gallery.set_filter(flt)
        return [e.id for e in gallery.proxy.shown()]

    assert shown(EvidenceFilter(Show.ITEMS)) == [photos[0].id]
    assert shown(EvidenceFilter(Show.FINDINGS)) == [photos[1].id]
    assert shown(EvidenceFilter(Show.MEASURES)) == [photos[2].id]
    unlinked = shown(EvidenceFilter(Show.UNLINKED))
    assert photos[3].id in unlinked and len(unlinked) == 2  # the photo and the PDF
    assert len(shown(EvidenceFilter(Show.DOCUMENTS))) == 1
    assert len(shown(EvidenceFilter(Show.PHOTOS))) == 4
    # the combo offers the item that has evidence; choosing it filters and links new evidence to it
    index = gallery.filter_combo.findData(f"item:{ITEM}")
    assert index > 0 and ITEM in gallery.filter_combo.itemText(index)
    gallery.filter_combo.setCurrentIndex(index)
    assert [e.id for e in gallery.proxy.shown()] == [photos[0].id]
    assert gallery.current_target() == Target.item(ITEM)
    assert gallery.shown_label.text() == _("{shown} of {total} shown").format(shown=1, total=5)
    gallery.filter_combo.setCurrentIndex(0)
    assert gallery.proxy.rowCount() == 5 and gallery.current_target() is None


def test_caption_is_saved_and_undone(qtbot, window, services, audit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    photos = _show(qtbot, window, import_photos(services, audit.id, tmp_path / "c", 2))
    gallery = _gallery(window)
    assert gallery.select(photos[1].id)
    edit = gallery.details.caption_edit
    edit.setFocus()
    qtbot.keyClicks(edit, "Undichte Druckluftleitung  Halle 2")
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # a caption is one line: Enter saves it
    settle(qtbot, window)
    assert services.evidence.get(photos[1].id).caption == "Undichte Druckluftleitung Halle 2"
    # the tile shows the caption, the details keep showing it
    assert gallery.proxy.index(1, 0).data() == "Undichte Druckluftleitung Halle 2"
    window.undo.stack(audit.id).undo()
    settle(qtbot, window)
    assert services.evidence.get(photos[1].id).caption == ""
    assert gallery.details.caption_edit.toPlainText() == ""


def test_reorder_by_drag_and_by_actions_is_kept(qtbot, window, services, audit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    photos = _show(qtbot, window, import_photos(services, audit.id, tmp_path / "r", 4))
    a, b, c, d = (p.id for p in photos)
    gallery = _gallery(window)
    # drag the last tile before the second one (what a drop inside the grid ends in)
    gallery.select(d)
    gallery.grid.drop_ids([d], 1)
    assert gallery.model.ids() == [a, d, b, c]  # at once
    settle(qtbot, window)
    assert _ids(services, audit.id) == [a, d, b, c]  # and stored
    # the drop position comes from the pointer: the left half of a tile = before it
    rect = gallery.grid.visualRect(gallery.proxy.index(0, 0))
    assert gallery.grid.drop_row_at(QPoint(rect.left() + 5, rect.center().y())) == 0
    assert gallery.grid.drop_row_at(QPoint(rect.right() - 5, rect.center().y())) == 1
    # "Move forward" / "Move back" on the selected tile
    gallery.select(b)
    gallery.action_forward.trigger()
    settle(qtbot, window)
    assert _ids(services, audit.id) == [a, b, d, c]
    gallery.select(a)
    gallery.action_back.trigger()
    settle(qtbot, window)
    assert _ids(services, audit.id) == [b, a, d, c]
    assert [e.id for e in gallery.selected()] == [a]
    window.undo.stack(audit.id).undo()
    settle(qtbot, window)
    assert _ids(services, audit.id) == [a, b, d, c]
    assert gallery.model.ids() == [a, b, d, c]


def test_link_with_and_unlink(qtbot, window, services, audit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    photos = _show(qtbot, window, import_photos(services, audit.id, tmp_path / "l", 2))
    finding = services.audits.add_finding(audit.id, FindingClass.MINOR_NC, "Lager ohne Auffangwanne")
    window.workspace.reload()
    gallery = _gallery(window)
    gallery.select(photos[0].id)
    assert gallery.details.link_rows[0].text() == _("Not linked yet: attach it to an item, a finding or a measure.")
    dialog = gallery.link_current()
    assert dialog is not None and dialog.isVisible()
    assert not dialog.ok_button.isEnabled() or dialog.target() is not None
    qtbot.keyClicks(dialog.search, ITEM)
    assert dialog.target() == Target.item(ITEM)
    dialog.accept()
    settle(qtbot, window)
    assert services.evidence.get(photos[0].id).linked_to(Target.item(ITEM))
    dialog = gallery.link_current()
    assert dialog.choose(Target.finding(finding.id))
    assert not dialog.choose(Target.item(ITEM))  # linked already: offered, but not to choose again
    dialog.accept()
    settle(qtbot, window)
    linked = services.evidence.get(photos[0].id)
    assert {link.target for link in linked.links} == {Target.item(ITEM), Target.finding(finding.id)}
    assert len(gallery.details.link_rows) == 2
    # unlink the item with its button in the details
    row = next(r for r in gallery.details.link_rows if ITEM in r.findChild(QLabel).text())
    qtbot.mouseClick(row.findChild(QToolButton, "unlink_button"), Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert not services.evidence.get(photos[0].id).linked_to(Target.item(ITEM))
    assert services.evidence.get(photos[0].id).linked_to(Target.finding(finding.id))
    window.undo.stack(audit.id).undo()
    settle(qtbot, window)
    assert services.evidence.get(photos[0].id).linked_to(Target.item(ITEM))


def test_delete_with_undo(qtbot, window, services, audit, tmp_path, prompts) -> None:  # type: ignore[no-untyped-def]
    photos = _show(qtbot, window, import_photos(services, audit.id, tmp_path / "d", 3))
    gallery = _gallery(window)
    gallery.select(photos[1].id)
    gallery.grid.setFocus()
    qtbot.keyClick(gallery.grid, Qt.Key.Key_Delete)
    assert prompts.of("confirm") and photos[1].original_name in prompts.of("confirm")[-1]
    settle(qtbot, window)
    assert _ids(services, audit.id) == [photos[0].id, photos[2].id]
    assert gallery.model.ids() == [photos[0].id, photos[2].id]
    window.undo.stack(audit.id).undo()
    settle(qtbot, window)
    assert _ids(services, audit.id) == [p.id for p in photos]
    assert gallery.model.rowCount() == 3


def test_dropped_files_are_imported_into_the_gallery(qtbot, window, services, audit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    gallery = _gallery(window)
    assert gallery.stack.currentWidget() is gallery.empty  # nothing yet: says what to do
    paths = write_photos(tmp_path / "drop", 3)
    # the empty page takes the drop
    assert drop_files(gallery.empty, paths[:1])
    settle(qtbot, window)
    assert len(_ids(services, audit.id)) == 1
    assert gallery.stack.currentWidget() is gallery.grid
    # then the grid: two files and a folder with one more
    folder = tmp_path / "folder"
    write_photos(folder, 1, prefix="DIR_")
    assert drop_files(gallery.grid.viewport(), [*paths[1:], folder])
    settle(qtbot, window)
    stored = services.evidence.list(audit.id)
    assert len(stored) == 4 and all(e.source is Source.FILE for e in stored)
    assert gallery.model.rowCount() == 4
    assert gallery.current() is not None  # the new evidence is selected
    # text is not evidence
    from PySide6.QtCore import QMimeData

    text = QMimeData()
    text.setText("nur Text")
    assert not drop_files(gallery.grid.viewport(), text)


def test_files_dropped_onto_the_item_detail_are_linked_to_the_item(qtbot, window, services, audit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window.workspace.show_view("checklist")
    checklist = window.workspace.checklist
    assert checklist.select_item(ITEM)
    strip = checklist.detail.evidence_strip
    assert strip.isVisible() and strip.rows == []
    paths = write_photos(tmp_path / "item", 2)
    # onto the item's text (not the note: a file is not text)
    assert drop_files(checklist.detail.body.viewport(), paths[:1])
    settle(qtbot, window)
    assert len(_ids(services, audit.id, Target.item(ITEM))) == 1
    assert len(strip.rows) == 1
    # onto the note field: the file becomes evidence, not its path as text
    assert drop_files(checklist.detail.note_edit.viewport(), paths[1:])
    settle(qtbot, window)
    assert checklist.detail.note_edit.toPlainText() == ""
    assert len(_ids(services, audit.id, Target.item(ITEM))) == 2
    assert len(strip.rows) == 2
    # onto another item's row in the tree: linked to that item
    other = "6.1.3"
    index = checklist.proxy.mapFromSource(checklist.model.index_of_item(other))
    checklist.tree.scrollTo(index)
    extra = write_photos(tmp_path / "row", 1, prefix="ROW_")
    assert drop_files(checklist.tree.viewport(), extra, checklist.tree.visualRect(index).center())
    settle(qtbot, window)
    assert len(_ids(services, audit.id, Target.item(other))) == 1
    # a pasted picture on the checklist goes to the current item
    checklist.select_item(ITEM)
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366cc"))
    QGuiApplication.clipboard().setImage(image)
    checklist.tree.setFocus()
    window.action_paste_evidence.trigger()
    settle(qtbot, window)
    linked = services.evidence.list(audit.id, Target.item(ITEM))
    assert len(linked) == 3 and linked[-1].source is Source.CLIPBOARD and linked[-1].media_type == "image/png"
    assert len(strip.rows) == 3


def test_files_dropped_onto_a_finding_are_linked_to_it(qtbot, window, services, audit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    finding = services.audits.add_finding(audit.id, FindingClass.MINOR_NC, "Ölfass ohne Auffangwanne",
                                          item_key=ITEM)
    window.workspace.reload()
    window.workspace.show_view("findings")
    findings = window.workspace.findings
    table = findings.table
    rect = table.visualRect(findings.proxy.index(0, 0))
    assert drop_files(table.viewport(), write_photos(tmp_path / "row", 1), rect.center())
    settle(qtbot, window)
    assert len(_ids(services, audit.id, Target.finding(finding.id))) == 1
    # the finding dialog shows its evidence and takes drops too
    dialog = findings.edit_finding(finding)
    strip = dialog.evidence_strip
    assert strip.isVisible() and len(strip.rows) == 1
    assert drop_files(dialog.evidence_edit.viewport(), write_photos(tmp_path / "dlg", 1, prefix="D_"))
    settle(qtbot, window)
    assert len(_ids(services, audit.id, Target.finding(finding.id))) == 2
    assert len(strip.rows) == 2
    dialog.reject()
    # a new finding has no id yet: the strip waits for the first save
    new = findings.new_finding()
    assert not new.evidence_strip.isVisible() and new.evidence_hint.isVisible()
    new.reject()


def test_pasted_picture_in_the_gallery(qtbot, window, services, audit) -> None:  # type: ignore[no-untyped-def]
    gallery = _gallery(window)
    image = QImage(120, 80, QImage.Format.Format_RGB32)
    image.fill(QColor("#2e7d32"))
    QGuiApplication.clipboard().setImage(image)
    gallery.grid.setFocus()
    window.action_paste_evidence.trigger()
    settle(qtbot, window)
    stored = services.evidence.list(audit.id)
    assert len(stored) == 1
    assert (stored[0].source, stored[0].media_type, stored[0].width, stored[0].height) == (
        Source.CLIPBOARD, "image/png", 120, 80)
    assert gallery.model.rowCount() == 1
    # the same picture again: already there
    window.action_paste_evidence.trigger()
    settle(qtbot, window)
    assert len(services.evidence.list(audit.id)) == 1
    # nothing to paste
    QGuiApplication.clipboard().setText("nur Text")
    window.action_paste_evidence.trigger()
    assert window.statusBar().currentMessage() == _("The clipboard holds no picture and no files.")


def test_pdf_gets_a_thumbnail_of_its_first_page(qtbot, window, services, audit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pdf = tiny_pdf(tmp_path / "Abfallnachweis.pdf")
    (tmp_path / "Notizen.docx").write_bytes(b"PK\x03\x04" + b"\0" * 60)
    services.evidence.import_files(audit.id, [pdf, tmp_path / "Notizen.docx"], workers=0)
    stored = services.evidence.list(audit.id)
    assert [e.kind for e in stored] == [EvidenceKind.DOCUMENT, EvidenceKind.DOCUMENT]
    assert services.evidence.thumbnail(stored[0]) is None  # the core makes none for documents
    _show(qtbot, window, stored)
    gallery = _gallery(window)
    pdf_thumb = gallery.proxy.index(0, 0).data(ThumbnailRole)
    assert isinstance(pdf_thumb, QPixmap) and pdf_thumb.height() > pdf_thumb.width()  # a portrait page
    page = pdf_thumb.toImage()
    assert page.pixelColor(page.width() // 2, page.height() // 5).blue() > 120  # the blue box at the top
    # rendered once, then kept in the cache by the service
    assert services.evidence.thumbnail(stored[0]) is not None
    # any other document: an icon with its type
    icon = gallery.proxy.index(1, 0).data(ThumbnailRole)
    assert isinstance(icon, QPixmap) and not icon.isNull()
    gallery.select(stored[1].id)
    assert not gallery.details.annotate_button.isEnabled()


def test_a_closed_audit_shows_its_evidence_read_only(qtbot, make_window, services, audit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    photos = import_photos(services, audit.id, tmp_path / "closed", 2)
    services.audits.update_plan(audit.id, scope="Werk", lead_auditor="Dr. Lehmann")
    for item in services.audits.detail(audit.id).checklist.items():
        services.audits.answer(audit.id, item.key, "conform")
    services.audits.sign_and_close(audit.id, [Signer("Dr. Lehmann", "Auditleiterin")])
    window = make_window()
    assert window.open_audit(audit.id, "evidence")
    gallery = _gallery(window)
    assert gallery.model.rowCount() == 2
    assert not gallery.add_button.isEnabled() and not gallery.folder_button.isEnabled()
    gallery.select(photos[0].id)
    assert gallery.details.caption_edit.isReadOnly()
    assert not gallery.details.delete_button.isEnabled()
    assert not drop_files(gallery.grid.viewport(), write_photos(tmp_path / "late", 1, prefix="L_"))
    assert not window.action_add_evidence.isEnabled()


def test_photo_with_orientation_6_is_upright_in_the_grid(qtbot, window, services, audit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "rotated.jpg"
    path.write_bytes(photo_bytes((200, 40, 40), (80, 40), orientation=6))  # stored 80×40, shown 40×80
    services.evidence.import_files(audit.id, [path], workers=0)
    evidence = services.evidence.list(audit.id)[0]
    assert (evidence.width, evidence.height) == (40, 80)
    _show(qtbot, window, [evidence])
    thumb = _gallery(window).proxy.index(0, 0).data(ThumbnailRole)
    assert thumb.height() > thumb.width()
    # the dark bar at the top of the stored picture is on the right once turned upright
    image = thumb.toImage()
    right = image.pixelColor(image.width() - 2, image.height() // 2)
    left = image.pixelColor(1, image.height() // 2)
    assert right.lightness() < 60 < left.lightness()


def test_annotate_export_and_hide_the_position(qtbot, window, services, audit, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    photos = _show(qtbot, window, import_photos(services, audit.id, tmp_path / "a", 2, size=(320, 240)))
    gallery = _gallery(window)
    gallery.select(photos[0].id)
    # the annotation editor opens over the preview; what it returns on OK is stored (and undoable)
    editor = gallery.annotate_current()
    assert editor is not None and editor.isVisible()
    arrow = Shape(ShapeKind.ARROW, ((0.1, 0.1), (0.5, 0.5)))
    monkeypatch.setattr(editor, "shapes", lambda: (arrow,))
    editor.accept()
    settle(qtbot, window)
    assert services.evidence.get(photos[0].id).annotations == (arrow,)
    assert gallery.details.evidence.annotations == (arrow,)
    # a copy: with the annotations burnt in; the original of a photo without annotations
    out = tmp_path / "export"
    out.mkdir()
    monkeypatch.setattr("oekoaudit.ui.evidence_ui.choose_folder", lambda parent, caption: str(out))
    gallery.action_export.trigger()
    settle(qtbot, window)
    window.workspace.evidence_ui.tasks.wait()
    qtbot.waitUntil(lambda: len(list(out.iterdir())) == 1, timeout=5000)
    copy = next(out.iterdir())
    assert copy.suffix == ".jpg" and copy.read_bytes() != services.evidence.original(photos[0]).read_bytes()
    gallery.select(photos[1].id)
    gallery.action_export.trigger()
    # the status bar says where the copy is once it is written
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().endswith(photos[1].original_name), timeout=5000)
    assert (out / photos[1].original_name).read_bytes() == services.evidence.original(photos[1]).read_bytes()
    # undo takes the annotations away
    window.undo.stack(audit.id).undo()  # (the export is no edit: the annotations are the last one)
    settle(qtbot, window)
    assert services.evidence.get(photos[0].id).annotations == ()


def test_hide_the_position_of_a_photo(qtbot, window, services, audit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    path = tmp_path / "gps.jpg"
    image = Image.new("RGB", (64, 48), (90, 140, 60))
    exif = image.getexif()
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 18.0, 42.5), 3: "E", 4: (9.0, 29.0, 51.2)})
    image.save(path, "JPEG", exif=exif)
    services.evidence.import_files(audit.id, [path], workers=0)
    photo = services.evidence.list(audit.id)[0]
    assert photo.location is not None
    _show(qtbot, window, [photo])
    details = _gallery(window).details
    assert details.evidence.id == photo.id  # the first photo is chosen when the gallery opens
    assert details.hide_check.isVisible() and not details.hide_check.isChecked()
    assert details.position_value.text().startswith("51.31")
    details.hide_check.click()
    settle(qtbot, window)
    assert services.evidence.get(photo.id).hide_location
    assert details.hide_check.isChecked()
