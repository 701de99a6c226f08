"""Issue 20: searchable PDF/A exports with archival metadata, multi-photo letters, a full disk.

Input: pages drawn here with DejaVu Sans at known places (the truth: every word's text and pixel box as drawn),
stored as originals (a JPEG photographed sideways — EXIF orientation 6 —, a gray PNG, a denunciation PNG) with
those words saved as their OCR words, so no OCR runs and the expected values are the drawing's, not the code's.
The PDFs are read back with pikepdf, poppler's pdftotext / pdftoppm and qpdf.
"""

from __future__ import annotations

import errno
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont

from accounts import bearer, logged_in, session_csrf
from donthu.access import Principal, Role
from donthu.config import Settings
from donthu.schema import PageText, Party, Record
from donthu.types import PageResult, Word

REPO = Path(__file__).resolve().parents[1]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DENOUNCER = "Lê Thị Xuân Mai"
LETTERS = {
    "photo": ["ĐƠN KHIẾU NẠI về việc thu hồi đất", "Tôi tên là Trần Văn Bình trú tại ấp Mỹ Thọ",
              "thửa đất số 45 tờ bản đồ số 12"],
    "scan": ["QUYẾT ĐỊNH giải quyết khiếu nại lần đầu", "Chủ tịch Ủy ban nhân dân huyện Chợ Mới"],
    "secret": ["ĐƠN TỐ CÁO", "Kính gửi Thanh tra tỉnh An Giang", f"Tôi tên là {DENOUNCER} trú tại ấp Hòa Long", "tố cáo ông Phạm Văn Đức cán bộ địa chính",
               "Người tố cáo", DENOUNCER],
}


def draw(lines: list[str], size=(1240, 1754)) -> tuple[Image.Image, list[Word]]:
    """A white page with `lines` drawn; the words as drawn (text, ink box in pixels, line)."""
    font = ImageFont.truetype(FONT, 34)
    im = Image.new("L", size, 255)
    d = ImageDraw.Draw(im)
    words, y = [], 160
    for number, line in enumerate(lines):
        x = 120
        for text in line.split():
            left, top, right, bottom = d.textbbox((x, y), text, font=font)
            d.text((x, y), text, font=font, fill=0)
            words.append(Word(text, left, top, right - left, bottom - top, 94.0, number, 0))
            x = right + 18
        y += 90
    return im, words


def _store(store, name: str, data: bytes, words: list[Word], size: tuple[int, int], lines: list[str], *,
           dossier: int | None, type_: str, kind: str, parties: list[Party], date: str, unit: str = "") -> int:
    from ingest.sniff import sniff

    sha = store.put_original(data)
    doc = store.add_document(name, sha, len(data), mime=sniff(data), dossier_id=dossier, unit=unit)
    text = "\n".join(lines)
    record = Record(file=name, sha256=sha, mime=sniff(data), type=type_, kind=kind, parties=parties, date=date,
                    pages=[PageText(number=1, source="ocr", confidence=94.0, text=text)], text=text)
    store.save_result(doc, record, [PageResult(1, "ocr", text, 94.0, words, size[0], size[1])])
    return doc


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Two dossiers: 1 (a sideways JPEG photo, a PNG scan) and 2 (a denunciation); the truth of each page."""
    from records.store import Store

    settings = Settings(data_dir=tmp_path_factory.mktemp("archives") / "data", workers=1)
    store = Store(settings)
    truth = {}
    land = store.create_dossier("Hồ sơ khiếu nại thu hồi đất ấp Mỹ Thọ")
    secret = store.create_dossier("Hồ sơ tố cáo cán bộ địa chính")
    # a phone photo taken sideways: pixels stored turned, EXIF orientation 6 says "turn 90° clockwise"
    upright, words = draw(LETTERS["photo"])
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    upright.rotate(90, expand=True).save(buf, "JPEG", quality=88, dpi=(150, 150), exif=exif)
    jpeg = buf.getvalue()
    truth["photo"] = (_store(store, "anh-don.jpg", jpeg, words, upright.size, LETTERS["photo"], dossier=land,
                             type_="complaint", kind="petition", date="2024-03-15",
                             parties=[Party(name="Trần Văn Bình", role="complainant")]), jpeg, words, upright)
    scan, words = draw(LETTERS["scan"])
    buf = io.BytesIO()
    scan.save(buf, "PNG", dpi=(150, 150))
    truth["scan"] = (_store(store, "quyet-dinh.png", buf.getvalue(), words, scan.size, LETTERS["scan"],
                            dossier=land, type_="complaint", kind="decision", date="2024-05-20", parties=[]),
                     buf.getvalue(), words, scan)
    letter, words = draw(LETTERS["secret"])
    buf = io.BytesIO()
    letter.save(buf, "PNG", dpi=(150, 150))
    truth["secret"] = (_store(store, "to-cao.png", buf.getvalue(), words, letter.size, LETTERS["secret"],
                              dossier=secret, type_="denunciation", kind="petition", date="2024-06-01",
                              parties=[Party(name=DENOUNCER, role="denouncer"),
                                       Party(name="Phạm Văn Đức", role="subject")]),
                       buf.getvalue(), words, letter)
    store.close()
    return settings, {"land": land, "secret": secret}, truth


@pytest.fixture(scope="module")
def client(archive):
    from api.app import create_app

    settings, _, _ = archive
    with TestClient(create_app(settings, submit=lambda _id: None, resume=False)) as c:
        yield c


def _bbox_words(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [(m.group(5), *map(float, m.group(1, 2, 3, 4))) for m in
            re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                        out)]


def _export(archive, what: str, target_id: int, principal: Principal | None = None):
    from ingest.archive import export_document, export_dossier
    from records.read import SYSTEM, reader_for
    from records.store import Store

    settings = archive[0]
    store = Store(settings)
    try:
        reader = reader_for(principal) if principal else SYSTEM
        return (export_document if what == "document" else export_dossier)(store, target_id, reader, settings)
    finally:
        store.close()


# ------------------------------------------------------------------------------------------------ the PDF/A
def test_document_pdfa_keeps_the_photo_and_its_words_where_they_are(archive, tmp_path: Path) -> None:
    _, _, truth = archive
    doc_id, jpeg, words, upright = truth["photo"]
    export = _export(archive, "document", doc_id)
    assert export.name == "HS00001.001" and export.verdict == "pass" and export.pages == 1
    path = tmp_path / "doc.pdf"
    path.write_bytes(export.pdf)
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 1
        images = list(pdf.pages[0].get_images().values())
        assert len(images) == 1 and images[0].Filter == "/DCTDecode"
        assert images[0].read_raw_bytes() == jpeg  # the photo's bytes as stored, not re-encoded
        assert str(pdf.pdf_version) >= "1.4"
    assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0
    # the text layer: every drawn word, in order, where it was drawn (150 dpi: 1 px = 0.48 pt)
    found = _bbox_words(path)
    assert [w[0] for w in found] == [w.text for w in words]
    for (text, x0, y0, x1, y1), w in zip(found, words):
        k = 72 / 150
        assert abs(x0 - w.left * k) < 1.5 and abs(x1 - (w.left + w.width) * k) < 3, (text, x0, x1, w)
        assert y0 - 3 < (w.top + w.height / 2) * k < y1 + 3, (text, y0, y1, w)
    # the page shows the photo upright (the EXIF turn is the placement): rendered ≈ the drawn page
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", str(path), str(tmp_path / "page")], check=True)
    rendered = np.asarray(Image.open(next(tmp_path.glob("page*.png"))).convert("L"), dtype=np.float32)
    drawn = np.asarray(upright, dtype=np.float32)
    assert rendered.shape == drawn.shape
    assert float(np.abs(rendered - drawn).mean()) < 3.0


def test_dossier_pdfa_in_order_with_lossless_scan_and_metadata(archive, tmp_path: Path) -> None:
    _, dossiers, truth = archive
    export = _export(archive, "dossier", dossiers["land"])
    assert export.name == "HS00001" and export.pages == 2 and export.verdict == "pass"
    path = tmp_path / "HS00001.pdf"
    path.write_bytes(export.pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    assert all(line in pages[0] for line in LETTERS["photo"]) and all(line in pages[1] for line in LETTERS["scan"])
    with pikepdf.open(path) as pdf:
        image = pikepdf.PdfImage(list(pdf.pages[1].get_images().values())[0])
        assert image.filters == ["/FlateDecode"]  # lossless
        assert np.array_equal(np.asarray(image.as_pil_image()), np.asarray(truth["scan"][3]))  # same pixels
        with pdf.open_metadata() as meta:
            assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
            assert meta["dc:identifier"] == "HS00001"
            assert meta["dc:title"] == "Hồ sơ khiếu nại thu hồi đất ấp Mỹ Thọ"
            assert "Trần Văn Bình" in meta["dc:subject"] and "khiếu nại" in meta["dc:subject"]
            assert meta["dc:coverage"] == "2024-03-15 – 2024-05-20"
            description = meta["dc:description"]
            for label in ("Mã hồ sơ: HS00001", "Số lượng tài liệu: 2", "Số lượng trang: 2", "Ngôn ngữ: Tiếng Việt",
                          "Mức độ tiếp cận: Mở", "Mức độ tin cậy: Số hóa (độ tin cậy nhận dạng chữ trung bình 94/100)"):
                assert label in description, (label, description)
    fields = {f["key"]: f["value"] for f in export.metadata["dossier"]["fields"]}
    assert fields["start_date"] == "2024-03-15" and fields["end_date"] == "2024-05-20"
    assert [d["first_page"] for d in export.metadata["documents"]] == [1, 2]
    assert [d["fields"][0]["value"] for d in export.metadata["documents"]] == ["HS00001.001", "HS00001.002"]


def test_denunciation_is_exported_redacted_for_a_reader_not_cleared(archive, tmp_path: Path) -> None:
    _, _, truth = archive
    doc_id, _, words, letter = truth["secret"]
    archivist = Principal("luu-tru", Role.ARCHIVIST, "")
    seen = _export(archive, "document", doc_id, archivist)
    assert seen.redacted
    path = tmp_path / "redacted.pdf"
    path.write_bytes(seen.pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for part in DENOUNCER.split():
        assert part not in text.split(), (part, text)
    assert "ĐƠN TỐ CÁO" in text and "Kính gửi Thanh tra tỉnh An Giang" in text  # the rest stays searchable
    with pikepdf.open(path) as pdf:
        pixels = np.asarray(pikepdf.PdfImage(list(pdf.pages[0].get_images().values())[0]).as_pil_image())
        keywords = pdf.open_metadata()["dc:subject"]
    assert not any("Mai" in k for k in keywords)
    name_words = [w for w in words if w.line == 2 and w.text in DENOUNCER.split()]
    assert len(name_words) == 4
    for w in name_words:  # the name's ink is under a black box
        assert pixels[w.top:w.top + w.height, w.left:w.left + w.width].max() == 0
    officer = Principal("chuyen-vien", Role.OFFICER, "")
    clear = _export(archive, "document", doc_id, officer)
    assert not clear.redacted
    (tmp_path / "clear.pdf").write_bytes(clear.pdf)
    assert DENOUNCER in subprocess.run(["pdftotext", str(tmp_path / "clear.pdf"), "-"], capture_output=True,
                                       text=True, check=True).stdout


def test_a_scanned_pdf_page_keeps_its_jpeg(tmp_path: Path) -> None:
    """A scanner's PDF (one JPEG a page, placed upright): the JPEG goes into the PDF/A as the scanner wrote it."""
    import img2pdf

    from ingest.archive import export_document
    from records.read import SYSTEM
    from records.store import Store

    page, words = draw(LETTERS["scan"])
    buf = io.BytesIO()
    page.save(buf, "JPEG", quality=80, dpi=(150, 150))
    scan = img2pdf.convert(buf.getvalue())
    settings = Settings(data_dir=tmp_path / "data")
    store = Store(settings)
    doc = _store(store, "may-quet.pdf", scan, words, page.size, LETTERS["scan"], dossier=None, type_="complaint",
                 kind="decision", parties=[], date="2024-05-20")
    export = export_document(store, doc, SYSTEM, settings)
    store.close()
    assert export.name == f"VB{doc:06d}" and export.verdict == "pass"
    with pikepdf.open(io.BytesIO(export.pdf)) as pdf:
        assert [i.read_raw_bytes() for i in pdf.pages[0].get_images().values()] == [buf.getvalue()]
    (tmp_path / "out.pdf").write_bytes(export.pdf)
    assert [w[0] for w in _bbox_words(tmp_path / "out.pdf")] == [w.text for w in words]


# ------------------------------------------------------------------------------------------------ API, pages, CLI
def test_api_exports_metadata_edits_and_denials(archive, client: TestClient) -> None:
    _, dossiers, truth = archive
    archivist, intake, verifier = (bearer(client, r) for r in (Role.ARCHIVIST, Role.INTAKE, Role.VERIFIER))
    other_unit = bearer(client, Role.OFFICER, "an-giang/cho-moi")
    land, secret = dossiers["land"], dossiers["secret"]
    answer = client.get(f"/dossiers/{land}/archive.pdf", headers=archivist)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert 'filename="HS00001.pdf"' in answer.headers["content-disposition"]
    assert answer.headers["x-pdfa-verdict"] == "pass"
    assert client.get(f"/documents/{truth['scan'][0]}/archive.pdf", headers=archivist).headers[
        "content-disposition"].endswith('filename="HS00001.002.pdf"')
    assert client.get(f"/dossiers/{land}/archive.pdf", headers=intake).status_code == 403  # no EXPORT
    assert client.get(f"/dossiers/{land}/archive.pdf", headers=verifier).status_code == 403
    assert client.get(f"/dossiers/{land}/archive.pdf", headers=other_unit).status_code == 404
    assert client.get("/dossiers/999/archive.pdf", headers=archivist).status_code == 404
    # a dossier holding a denunciation is restricted: intake may read open dossiers' metadata, not this one
    assert client.get(f"/dossiers/{land}/archive.json", headers=intake).status_code == 200
    assert client.get(f"/dossiers/{secret}/archive.json", headers=intake).status_code == 403
    meta = client.get(f"/dossiers/{secret}/archive.json", headers=archivist).json()
    fields = {f["key"]: f["value"] for f in meta["dossier"]["fields"]}
    assert fields["access_level"] == "restricted" and DENOUNCER not in json.dumps(meta, ensure_ascii=False)
    # the archivist edits; a derived field follows the edit (dossier code from the fonds code)
    edited = client.post(f"/dossiers/{land}/archive.json", headers=archivist,
                         json={"fonds_code": "TTT-AG", "retention": "Vĩnh viễn", "physical_condition": "Tốt"})
    assert edited.status_code == 200, edited.text
    fields = {f["key"]: f for f in edited.json()["fields"]}
    assert fields["dossier_code"]["value"] == "TTT-AG.HS00001" and fields["retention"]["set_by"] == "archivist"
    assert client.post(f"/dossiers/{land}/archive.json", headers=archivist,
                       json={"access_level": "secret"}).status_code == 422
    assert client.post(f"/dossiers/{land}/archive.json", headers=archivist, json={"bogus": 1}).status_code == 422
    assert client.post(f"/dossiers/{land}/archive.json", headers=intake, json={"retention": "5 năm"}).status_code == 403
    answer = client.get(f"/dossiers/{land}/archive.pdf", headers=archivist)
    assert 'filename="TTT-AG.HS00001.pdf"' in answer.headers["content-disposition"]
    with pikepdf.open(io.BytesIO(answer.content)) as pdf:
        assert "Thời hạn lưu trữ: Vĩnh viễn" in pdf.open_metadata()["dc:rights"]
    assert client.post(f"/dossiers/{land}/archive.json", headers=archivist,
                       json={"fonds_code": None, "retention": "", "physical_condition": ""}).status_code == 200
    # a cleared leader's keywords never show a denouncer's name to the archivist
    leader = bearer(client, Role.LEADER)
    assert client.post(f"/dossiers/{secret}/archive.json", headers=leader,
                       json={"keywords": ["tố cáo", DENOUNCER]}).status_code == 200

    def keywords(headers):
        fields = client.get(f"/dossiers/{secret}/archive.json", headers=headers).json()["dossier"]["fields"]
        return next(f["value"] for f in fields if f["key"] == "keywords")

    assert keywords(leader) == ["tố cáo", DENOUNCER] and keywords(archivist) == ["tố cáo"]
    # every export is in the audit trail, the refused ones too
    from records import audit

    rows = audit.rows(client.app.state.services.store, limit=200, action="export")
    assert any(r.target.startswith(f"dossier {land} archive.pdf") and r.result == "ok" for r in rows)
    redacted = client.get(f"/documents/{truth['secret'][0]}/archive.pdf", headers=archivist)
    assert redacted.status_code == 200 and redacted.headers["x-redacted"] == "1"
    rows = audit.rows(client.app.state.services.store, limit=200, action="export")
    assert any(r.target == f"document {truth['secret'][0]} archive.pdf (redacted)" for r in rows)


def test_dossier_page_and_the_archivists_form(archive, client: TestClient) -> None:
    _, dossiers, _ = archive
    land = dossiers["land"]
    page = logged_in(TestClient(client.app), Role.ARCHIVIST)
    assert f'href="/ho-so/{land}"' in page.get("/luu-tru").text  # listed on the archive page
    assert f'href="/ho-so/{land}"' not in logged_in(TestClient(client.app), Role.OFFICER, "an-giang/x").get(
        "/luu-tru").text  # not to another unit
    html = page.get(f"/ho-so/{land}").text
    assert "Mã phông" in html and "Mức độ tin cậy" in html and f"/dossiers/{land}/archive.pdf" in html
    assert 'name="fonds_name"' in html
    form = {"csrf": session_csrf(page), "fonds_name": "Thanh tra tỉnh An Giang", "keywords": "đất đai; thu hồi"}
    assert page.post(f"/ho-so/{land}/sua", data=form, follow_redirects=False).status_code == 303
    html = page.get(f"/ho-so/{land}").text
    assert 'value="Thanh tra tỉnh An Giang"' in html and 'value="đất đai; thu hồi"' in html
    reader = logged_in(TestClient(client.app), Role.INTAKE, "")
    html = reader.get(f"/ho-so/{land}").text
    assert "Thanh tra tỉnh An Giang" in html and 'name="fonds_name"' not in html  # read-only for intake
    assert reader.post(f"/ho-so/{land}/sua", data={"csrf": session_csrf(reader), "fonds_name": "x"},
                       follow_redirects=False).status_code == 403
    assert reader.get(f"/ho-so/{dossiers['secret']}").status_code == 403  # restricted
    # emptied fields go back to what donthu fills in (the other tests of this module read those)
    blank = {"csrf": session_csrf(page), "fonds_name": "", "keywords": ""}
    assert page.post(f"/ho-so/{land}/sua", data=blank, follow_redirects=False).status_code == 303
    assert 'value="Thanh tra tỉnh An Giang"' not in page.get(f"/ho-so/{land}").text


def test_cli_export_names_files_by_dossier_code(archive, tmp_path: Path) -> None:
    """Like `show` / `search`, the command line exports without clearance unless `--cleared` (audited)."""
    from records import audit
    from records.store import Store

    settings, dossiers, _ = archive

    def export(out: Path, *flags: str) -> str:
        done = subprocess.run([sys.executable, "-m", "cli", "--data-dir", str(settings.data_dir), "export",
                               "dossier", str(dossiers["secret"]), "--out", str(out), *flags],
                              capture_output=True, text=True, cwd=REPO, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "PDF/A-2b pass" in done.stdout
        pdf, meta = out / "HS00002.pdf", out / "HS00002.json"
        assert pdf.is_file() and json.loads(meta.read_text())["dossier"]["fields"][2]["value"] == "HS00002"
        return done.stdout + subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout

    masked = export(tmp_path / "masked")
    assert "redacted copy" in masked and DENOUNCER not in masked
    assert DENOUNCER in export(tmp_path / "cleared", "--cleared")
    store = Store(settings)
    try:
        assert any(r.result == "cleared" for r in audit.rows(store, limit=50, action="read"))
    finally:
        store.close()


# ------------------------------------------------------------------------------------------------ multi-photo
def _photo(text: str, orientation: int = 1) -> bytes:
    im, _ = draw([text], size=(600, 800))
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    (im.rotate(90, expand=True) if orientation == 6 else im).save(buf, "JPEG", quality=85, exif=exif)
    return buf.getvalue()


def test_photos_uploaded_together_are_one_document_one_page_each(client: TestClient) -> None:
    from ingest.pages import iter_pages

    officer = bearer(client, Role.OFFICER)
    photos = [_photo("Trang một", 1), _photo("Trang hai", 6), _photo("Trang ba", 1)]
    files = [("file", (f"anh-{i}.jpg", data, "image/jpeg")) for i, data in enumerate(photos)]
    assert client.post("/documents", files=files, headers=officer).status_code == 400  # without the flag
    answer = client.post("/documents", files=files, data={"as_one": "true"}, headers=officer)
    assert answer.status_code == 202, answer.text
    services = client.app.state.services
    info = services.store.get(answer.json()["id"])
    assert info.file == "anh-0.jpg (+2 ảnh)" and info.mime == "application/pdf"
    data = services.store.read_original(info.sha256)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 3
        raw = [list(p.get_images().values())[0].read_raw_bytes() for p in pdf.pages]
        assert raw == photos  # each photo's bytes as taken, in order
        assert [int(p.obj.get("/Rotate", 0)) for p in pdf.pages] == [0, 90, 0]
    pages = list(iter_pages(data, info.mime, services.settings))
    assert [p.image.shape[:2] for p in pages] == [(800, 600)] * 3  # all upright (EXIF 6 turned)


def test_cli_as_one_queues_one_document(tmp_path: Path) -> None:
    from ingest.batch import _queue_files
    from ingest.sources import walk
    from records.store import Store

    for i, text in enumerate(("Trang một", "Trang hai")):
        (tmp_path / f"p{i}.jpg").write_bytes(_photo(text))
    draw(["Trang ba"], size=(300, 400))[0].save(tmp_path / "p2.png")
    subprocess.run(["heif-enc", "-q", "90", "-o", str(tmp_path / "p2.heic"), str(tmp_path / "p2.png")], check=True,
                   capture_output=True, timeout=120)  # a phone's HEIC photo (libheif-examples)
    (tmp_path / "not-a-photo.txt").write_text("x")
    store = Store(Settings(data_dir=tmp_path / "data"))
    sources = walk([tmp_path / "p0.jpg", tmp_path / "p1.jpg", tmp_path / "p2.heic"])
    items, to_run = _queue_files(store, store.create_batch("t"), sources, Settings(data_dir=tmp_path / "data"),
                                 False, "", as_one=True)
    assert len(items) == 1 and len(to_run) == 1 and items[0].pages == 3
    info = store.get(items[0].document_id)
    with pikepdf.open(io.BytesIO(store.read_original(info.sha256))) as pdf:
        sizes = [(int(i.Width), int(i.Height)) for p in pdf.pages for i in p.get_images().values()]
    assert sizes == [(600, 800), (600, 800), (300, 400)]
    items, _ = _queue_files(store, store.create_batch("t2"), walk([tmp_path / "p0.jpg", tmp_path / "not-a-photo.txt"]),
                            Settings(data_dir=tmp_path / "data"), False, "", as_one=True)
    assert items[0].outcome == "failed" and "not-a-photo.txt" in items[0].error
    store.close()


# ------------------------------------------------------------------------------------------------ a full disk
def _fill_and_ingest(settings: Settings) -> tuple[list, bytes]:
    from ingest.intake import admit
    from records.store import Store

    store = Store(settings)
    small = _photo("Đơn nhỏ")
    first = admit(store, small, "nho.jpg", settings, batch_id=store.create_batch("b"))
    big = np.random.default_rng(1).integers(0, 255, (900, 900, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(big).save(buf, "PNG")
    batch = store.create_batch("b2")
    second = admit(store, buf.getvalue(), "lon.png", settings, batch_id=batch)
    items = store.batch_items(batch)
    out = [first, second, items, store.read_original(first.sha256), store.get(first.document_id)]
    store.close()
    return out, small


def test_a_full_disk_fails_the_file_with_a_reason_and_keeps_what_was_stored(tmp_path: Path, monkeypatch) -> None:
    """On a 2 MB tmpfs when this machine lets the test mount one (root), else with the storage layer's write
    failing with ENOSPC (the same error a full disk gives)."""
    target = tmp_path / "small"
    target.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(target)],
                             capture_output=True).returncode == 0
    try:
        if not mounted:
            from records import blobs

            real = blobs.BlobStore.put

            def put(self, data: bytes) -> str:
                if len(data) > 1_000_000:
                    raise OSError(errno.ENOSPC, "No space left on device")
                return real(self, data)

            monkeypatch.setattr(blobs.BlobStore, "put", put)
        (first, second, items, kept, info), small = _fill_and_ingest(Settings(data_dir=target / "data"))
        print("disk full by", "a 2 MB tmpfs" if mounted else "a simulated ENOSPC", "-", second.reason)
        assert first.action == "new" and kept == small and info.status == "queued"
        assert second.action == "refused" and second.reason.startswith("disk full")
        assert [(i.outcome, i.error) for i in items] in ([("failed", second.reason)], [])  # [] only if the row too
        assert not list((target / "data" / "originals").rglob(".tmp-*"))  # no partial file left
    finally:
        if mounted:
            subprocess.run(["umount", str(target)], check=False)


def test_enospc_at_the_storage_layer_is_a_recorded_refusal(tmp_path: Path, monkeypatch) -> None:
    from ingest.intake import DiskFull, admit
    from records import blobs
    from records.store import Store

    settings = Settings(data_dir=tmp_path / "data")
    store = Store(settings)
    kept = admit(store, _photo("Đơn cũ"), "cu.jpg", settings)
    real_fdopen = blobs.os.fdopen

    class Full(io.RawIOBase):
        def __init__(self, fd: int) -> None:
            self.fd = fd

        def write(self, _b) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            blobs.os.close(self.fd)

    monkeypatch.setattr(blobs.os, "fdopen", lambda fd, mode="r": Full(fd))
    batch = store.create_batch("full")
    refused = admit(store, _photo("Đơn mới"), "moi.jpg", settings, batch_id=batch)
    monkeypatch.setattr(blobs.os, "fdopen", real_fdopen)
    assert refused.action == "refused" and isinstance(refused.error, DiskFull)
    assert [(i.outcome, i.error) for i in store.batch_items(batch)] == [("failed", refused.reason)]
    assert store.read_original(kept.sha256) == _photo("Đơn cũ") and store.count_documents() == 1
    assert not list((tmp_path / "data" / "originals").rglob(".tmp-*"))
    store.close()
