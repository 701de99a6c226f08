"""Archives and a denouncer's identity (Luật Tố cáo 2018 Art. 8(3), 47): the findings of the archive review.

1. every archival text field (title, summary, notes, keywords — derived or an archivist's) is masked for a reader
   not cleared to see the denouncer, in the archive JSON, the dossier page and the XMP / text of an export;
2. `/luu-tru` (and the register sheet's dossier choices, `records.archival.visible_dossiers`) neither lists a
   restricted dossier to a reader who may not open it nor shows a denouncer's name in a title;
3. one refusal class (`donthu.access.NotAllowed`), and an export's redacted page is the page image the same
   reader is served (the same redaction, not a second one);
4. an export reads each record once and parses each PDF once.

Input: letters drawn here with DejaVu Sans (the truth: every word and its pixel box as drawn), stored with those
words as their OCR words (no OCR runs), the denouncer's name, ID number and address known from the drawing; the
identity is looked for in the outputs after folding (case and diacritics do not hide it).
"""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from accounts import bearer, logged_in
from donthu.access import Principal, Role
from donthu.config import Settings
from donthu.schema import PageText, Party, Record
from donthu.text import fold
from donthu.types import PageResult
from test_archives import _export, draw  # _export(world, …): settings are world[0] as there

NAME = "Lê Thị Xuân Mai"
ID_NUMBER = "089123456789"
ADDRESS = "ấp Hòa Long, xã Hòa Bình"
ACCUSED = "Phạm Văn Đức"
#: what must never reach a reader not cleared to see the denouncer (folded)
SECRETS = (fold(NAME), ID_NUMBER, fold("Hòa Long"))


def _letter(title: str) -> list[str]:
    return [title, "Kính gửi Thanh tra tỉnh An Giang", f"Tôi tên là {NAME} trú tại {ADDRESS}",
            f"CCCD số {ID_NUMBER}", f"tố cáo ông {ACCUSED} cán bộ địa chính", "Người tố cáo", NAME]


def _parties() -> list[Party]:
    return [Party(name=NAME, role="denouncer", address=ADDRESS, id_number=ID_NUMBER),
            Party(name=ACCUSED, role="subject")]


def _save(store, name: str, data: bytes, pages: list[tuple[list[str], list, tuple[int, int]]], *,
          dossier: int | None, type_: str, parties: list[Party]) -> int:
    """A document of `pages` (lines, drawn words, size) stored with those words as its OCR words."""
    from ingest.sniff import sniff

    sha = store.put_original(data)
    doc = store.add_document(name, sha, len(data), mime=sniff(data), dossier_id=dossier)
    texts = ["\n".join(lines) for lines, _, _ in pages]
    record = Record(file=name, sha256=sha, mime=sniff(data), type=type_, kind="petition", parties=parties,
                    date="2024-06-01", text="\n\n".join(texts),
                    pages=[PageText(number=n, source="ocr", confidence=94.0, text=t)
                           for n, t in enumerate(texts, start=1)])
    store.save_result(doc, record, [PageResult(n, "ocr", t, 94.0, words, size[0], size[1])
                                    for n, (t, (_, words, size)) in enumerate(zip(texts, pages), start=1)])
    return doc


def _png(lines: list[str]) -> tuple[bytes, list, tuple[int, int]]:
    page, words = draw(lines)
    buf = io.BytesIO()
    page.save(buf, "PNG", dpi=(150, 150))
    return buf.getvalue(), words, page.size


def _scanned_pdf(pages_lines: list[list[str]]) -> tuple[bytes, list]:
    """A scanner's PDF: one 150 dpi JPEG a page (img2pdf places each upright, as its bytes)."""
    import img2pdf

    jpegs, pages = [], []
    for lines in pages_lines:
        page, words = draw(lines)
        buf = io.BytesIO()
        page.save(buf, "JPEG", quality=80, dpi=(150, 150))
        jpegs.append(buf.getvalue())
        pages.append((lines, words, page.size))
    return img2pdf.convert(jpegs), pages


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Dossier "named": its name holds the denouncer's name (nothing set by an archivist); dossier "edited": a
    neutral name, and a cleared leader's title, notes, document summary and notes that hold the name, the ID
    number and the address; dossier "scans": two scanned PDFs of two pages each, one a denunciation; dossier
    "open": a complaint (open access)."""
    from records import archival
    from records.store import Store

    settings = Settings(data_dir=tmp_path_factory.mktemp("archives-privacy") / "data", workers=1)
    store = Store(settings)
    ids: dict[str, int] = {}
    ids["named"] = store.create_dossier(f"Hồ sơ tố cáo của bà {NAME}")
    data, words, size = _png(_letter("ĐƠN TỐ CÁO"))
    ids["named_doc"] = _save(store, "to-cao-1.png", data, [(_letter("ĐƠN TỐ CÁO"), words, size)],
                             dossier=ids["named"], type_="denunciation", parties=_parties())
    ids["edited"] = store.create_dossier("Hồ sơ tố cáo cán bộ địa chính xã Hòa Bình")
    lines = _letter("ĐƠN TỐ CÁO (lần hai)")
    data, words, size = _png(lines)
    ids["edited_doc"] = _save(store, "to-cao-2.png", data, [(lines, words, size)], dossier=ids["edited"],
                              type_="denunciation", parties=_parties())
    archival.set_fields(store, "dossier", ids["edited"], {
        "title": f"Hồ sơ tố cáo — người tố cáo {NAME}, CCCD {ID_NUMBER}, {ADDRESS}",
        "notes": f"Bà {NAME} (CCCD {ID_NUMBER}) trú tại {ADDRESS} đề nghị giữ bí mật"}, "leader")
    archival.set_fields(store, "document", ids["edited_doc"], {
        "summary": f"Đơn của {NAME}, {ADDRESS}, tố cáo ông {ACCUSED}",
        "notes": f"Người tố cáo {NAME}, số CCCD {ID_NUMBER}"}, "leader")
    ids["scans"] = store.create_dossier("Hồ sơ quét")
    pdf, pages = _scanned_pdf([_letter("ĐƠN TỐ CÁO (bản quét)")[:4], _letter("x")[4:]])
    ids["scan_secret"] = _save(store, "quet-to-cao.pdf", pdf, pages, dossier=ids["scans"], type_="denunciation",
                               parties=_parties())
    pdf, pages = _scanned_pdf([["QUYẾT ĐỊNH giải quyết khiếu nại", "Chủ tịch Ủy ban nhân dân huyện"],
                               ["Nơi nhận", "Lưu VT"]])
    ids["scan_open"] = _save(store, "quet-quyet-dinh.pdf", pdf, pages, dossier=ids["scans"], type_="complaint",
                             parties=[])
    ids["open"] = store.create_dossier("Hồ sơ khiếu nại thu hồi đất")
    lines = ["ĐƠN KHIẾU NẠI về việc thu hồi đất", "Tôi tên là Trần Văn Bình"]
    data, words, size = _png(lines)
    _save(store, "khieu-nai.png", data, [(lines, words, size)], dossier=ids["open"], type_="complaint",
          parties=[Party(name="Trần Văn Bình", role="complainant")])
    store.close()
    return settings, ids


@pytest.fixture(scope="module")
def client(world):
    from api.app import create_app

    with TestClient(create_app(world[0], submit=lambda _id: None, resume=False)) as c:
        yield c


def _leaks(text: str) -> list[str]:
    folded = fold(text)
    return [secret for secret in SECRETS if secret in folded]


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """Everything an export tells in words: its XMP packet, its DocInfo and its text layer (pdftotext)."""
    path = tmp_path / "export.pdf"
    path.write_bytes(pdf)
    with pikepdf.open(path) as doc:
        xmp = doc.Root.Metadata.read_bytes().decode("utf-8")
        info = " ".join(str(v) for v in doc.docinfo.values())
    layer = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "\n".join((xmp, info, layer))


# ------------------------------------------------------------------------------------------------ finding 1
def test_archival_text_fields_are_masked_for_a_reader_not_cleared(world, client: TestClient,
                                                                   tmp_path: Path) -> None:
    _, ids = world
    archivist, leader = bearer(client, Role.ARCHIVIST), bearer(client, Role.LEADER)
    for url in (f"/dossiers/{ids['edited']}/archive.json", f"/documents/{ids['edited_doc']}/archive.json",
                f"/dossiers/{ids['named']}/archive.json", f"/documents/{ids['named_doc']}/archive.json"):
        seen = client.get(url, headers=archivist)
        assert seen.status_code == 200, (url, seen.text)
        assert _leaks(seen.text) == [], (url, seen.text)
        assert fold(NAME) in _leaks(client.get(url, headers=leader).text), url  # cleared: the name
    assert _leaks(client.get(f"/dossiers/{ids['edited']}/archive.json", headers=leader).text) == list(SECRETS)
    meta = client.get(f"/documents/{ids['edited_doc']}/archive.json", headers=archivist).json()
    fields = {f["key"]: f["value"] for f in meta["document"]["fields"]}
    assert ACCUSED in fields["summary"] and "[đã ẩn]" in fields["summary"]  # masked, not blanked
    dossier = {f["key"]: f["value"] for f in meta["dossier"]["fields"]}
    assert dossier["title"].startswith("Hồ sơ tố cáo — người tố cáo [đã ẩn]") and "[đã ẩn]" in dossier["notes"]
    # the dossier page an archivist opens
    page = logged_in(TestClient(client.app), Role.ARCHIVIST)
    for dossier_id in (ids["edited"], ids["named"]):
        html = page.get(f"/ho-so/{dossier_id}")
        assert html.status_code == 200 and _leaks(html.text) == [], html.text
    # the exports: metadata JSON, XMP, DocInfo, text layer
    archivist_principal = Principal("luu-tru", Role.ARCHIVIST, "")
    for what, target in (("dossier", ids["edited"]), ("document", ids["edited_doc"]), ("dossier", ids["named"])):
        export = _export(world, what, target, archivist_principal)
        assert export.redacted
        assert _leaks(json.dumps(export.metadata, ensure_ascii=False)) == [], export.metadata
        assert _leaks(_pdf_text(export.pdf, tmp_path)) == [], (what, target)
    cleared = _export(world, "dossier", ids["edited"], Principal("lanh-dao", Role.LEADER, ""))
    assert _leaks(_pdf_text(cleared.pdf, tmp_path)) == list(SECRETS)


# ------------------------------------------------------------------------------------------------ finding 2
def test_the_archive_list_hides_restricted_dossiers_and_masks_titles(world, client: TestClient) -> None:
    from records import archival
    from records.read import reader_for
    from records.store import Store

    _, ids = world
    link = f'href="/ho-so/{ids["named"]}"'
    intake = logged_in(TestClient(client.app), Role.INTAKE).get("/luu-tru").text  # may not open restricted ones
    assert link not in intake and _leaks(intake) == [], intake
    archivist = logged_in(TestClient(client.app), Role.ARCHIVIST).get("/luu-tru").text
    assert link in archivist and _leaks(archivist) == [], archivist
    assert "Hồ sơ tố cáo của bà [đã ẩn]" in archivist
    leader = logged_in(TestClient(client.app), Role.LEADER).get("/luu-tru").text
    assert link in leader and f"Hồ sơ tố cáo của bà {NAME}" in leader
    # the register sheet of a letter linked to that dossier: its choices come from the same list
    import datetime as dt

    from api.routes.register import RESTRICTED_TITLE
    from records.register import book

    letter, _ = book.register(client.app.state.services.store.engine, unit="", received=dt.date(2026, 3, 2),
                              channel="post", type="complaint", text="Đơn khiếu nại về việc thu hồi đất",
                              senders=[{"name": "Trần Văn Bình"}], who="clerk", dossier_id=ids["named"])
    sheet = logged_in(TestClient(client.app), Role.INTAKE).get(f"/so-don/{letter.id}")
    assert sheet.status_code == 200 and _leaks(sheet.text) == [], sheet.text
    assert f'<option value="{ids["named"]}" selected>{RESTRICTED_TITLE}' in sheet.text  # kept linked
    # the same list feeds the register sheet's dossier choices
    store = Store(world[0])
    try:
        listed = archival.visible_dossiers(store, reader_for(Principal("tiep-nhan", Role.INTAKE, "")))
        assert ids["named"] not in [i for i, _, _ in listed] and [i for i, _, _ in listed] == [ids["open"]]
        titles = {i: t for i, t, _ in archival.visible_dossiers(store, reader_for(
            Principal("luu-tru", Role.ARCHIVIST, "")))}
        assert _leaks(" ".join(titles.values())) == [] and titles[ids["named"]] == "Hồ sơ tố cáo của bà [đã ẩn]"
    finally:
        store.close()


# ------------------------------------------------------------------------------------------------ finding 3
def test_one_refusal_class() -> None:
    import api.auth
    import donthu.access
    import records.archival
    import records.redaction

    assert records.archival.NotAllowed is donthu.access.NotAllowed
    assert records.redaction.NotAllowed is donthu.access.NotAllowed
    assert issubclass(api.auth.NotAllowed, donthu.access.NotAllowed)


def test_the_exported_redacted_page_is_the_served_page_image(world, client: TestClient) -> None:
    """The export burns in the same boxes the page image route serves the same reader (one redaction)."""
    _, ids = world
    archivist = bearer(client, Role.ARCHIVIST)
    served = client.get(f"/documents/{ids['named_doc']}/pages/1/image", headers=archivist)
    assert served.status_code == 200
    served_pixels = np.asarray(Image.open(io.BytesIO(served.content)).convert("L"))
    export = _export(world, "document", ids["named_doc"], Principal("luu-tru", Role.ARCHIVIST, ""))
    with pikepdf.open(io.BytesIO(export.pdf)) as pdf:
        image = pikepdf.PdfImage(list(pdf.pages[0].get_images().values())[0])
        assert image.filters == ["/FlateDecode"]
        exported = np.asarray(image.as_pil_image().convert("L"))
    assert exported.shape == served_pixels.shape
    assert np.array_equal(exported, served_pixels)
    assert (exported == 0).sum() > 5000  # boxes were burnt in


# ------------------------------------------------------------------------------------------------ finding 4
def test_an_export_reads_each_record_once_and_parses_each_pdf_once(world, monkeypatch, tmp_path: Path) -> None:
    """Counted on the real store and parser: SQL statements that fetch `documents.record_json`, and PDFs
    opened (`ingest.pages._PdfPages`, which every page-serving function opens a PDF with)."""
    from sqlalchemy import event

    import ingest.pages
    from ingest.archive import export_document, export_dossier
    from records.read import reader_for
    from records.store import Store

    settings, ids = world
    opened = []
    original_init = ingest.pages._PdfPages.__init__

    def counting_init(self, data, settings_):
        opened.append(len(data))
        original_init(self, data, settings_)

    monkeypatch.setattr(ingest.pages._PdfPages, "__init__", counting_init)
    statements: list[str] = []
    store = Store(settings)

    def count(conn, cursor, statement, parameters, context, executemany):
        if "documents.record_json" in statement and statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        archivist = reader_for(Principal("luu-tru", Role.ARCHIVIST, ""))
        export = export_dossier(store, ids["scans"], archivist, settings)
        assert export.pages == 4 and export.redacted and export.verdict == "pass"
        record_reads, pdf_opens = len(statements), len(opened)
        statements.clear()
        opened.clear()
        single = export_document(store, ids["scan_secret"], archivist, settings)
        assert single.pages == 2 and single.redacted
        assert (record_reads, pdf_opens) == (1, 2), (record_reads, pdf_opens)  # 2 documents, 4 pages
        assert (len(statements), len(opened)) == (1, 1), (len(statements), len(opened))
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
        store.close()
    # what was read once is still what the reader may have: no identity in the redacted scans
    assert _leaks(_pdf_text(export.pdf, tmp_path)) == []
