"""The HTTP API with FastAPI's TestClient on the real store, sniffing, page images, search and worker pool."""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont

from api.app import create_app
from donthu.config import Settings
from tests.accounts import logged_in

# Liberation Serif has no glyphs for most Vietnamese letters (ơ, ư, ạ, ễ ...); FreeSerif has them all
FONT = "/usr/share/fonts/truetype/freefont/FreeSerif.ttf"
DPI = 200
LETTER = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "ĐƠN KHIẾU NẠI",
    "Kính gửi: Chủ tịch Ủy ban nhân dân huyện Chợ Mới, tỉnh An Giang",
    "Tôi tên là Nguyễn Văn Bình, ngụ tại ấp Long Hòa, xã Long Điền A.",
    "Tôi khiếu nại Quyết định số 123/QĐ-UBND ngày 05 tháng 3 năm 2021",
    "của Ủy ban nhân dân huyện Chợ Mới về việc thu hồi đất tại thửa đất",
    "số 45, tờ bản đồ số 12, vì quyết định trái pháp luật, xâm phạm",
    "quyền và lợi ích hợp pháp của tôi. Kính đề nghị giải quyết khiếu nại.",
    "Chợ Mới, ngày 10 tháng 4 năm 2021",
]


def letter_png(lines: list[str] = LETTER, dpi: int = DPI) -> tuple[bytes, tuple[int, int]]:
    """A short typed letter scanned at `dpi` (12 pt FreeSerif), as PNG bytes and its pixel size."""
    px = round(12 * dpi / 72)
    size = (round(8.27 * dpi), round(px * (len(lines) * 1.6 + 6)))
    im = Image.new("L", size, 248)
    draw = ImageDraw.Draw(im)
    font = ImageFont.truetype(FONT, px)
    y = px * 3
    for line in lines:
        draw.text((px * 3, y), line, font=font, fill=25)
        y += int(px * 1.6)
    out = io.BytesIO()
    im.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue(), size


def as_jpeg(png: bytes) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).save(out, format="JPEG", quality=90)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(user="mat-khau", owner="chu-so-huu", R=6))
    return out.getvalue()


# ------------------------------------------------------------------------------------ without processing
@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", workers=1)


@pytest.fixture
def submitted() -> list[int]:
    return []


@pytest.fixture
def client(settings: Settings, submitted: list[int]) -> Iterator[TestClient]:
    """The app with a recording submit (documents stay queued: nothing runs in the request)."""
    with TestClient(create_app(settings, submit=submitted.append)) as c:
        logged_in(c)
        yield c


def upload(client: TestClient, data: bytes, name: str = "don.png", **form: str):
    return client.post("/documents", files={"file": (name, data, "application/octet-stream")}, data=form)


def test_upload_queues_and_submits(client: TestClient, submitted: list[int]) -> None:
    data, _ = letter_png()
    r = upload(client, data, "Đơn khiếu nại.png", dossier="Hồ sơ thửa 45", batch="lô 1")
    assert r.status_code == 202
    body = r.json()
    assert body == {"id": body["id"], "status": "queued", "sha256": hashlib.sha256(data).hexdigest(),
                    "duplicate": False}
    assert submitted == [body["id"]]

    doc = client.get(f"/documents/{body['id']}").json()
    assert doc["file"] == "Đơn khiếu nại.png" and doc["status"] == "queued" and doc["record"] is None
    assert doc["mime"] == "image/png" and doc["pages_total"] == 0

    listed = client.get("/documents", params={"status": "queued"}).json()
    assert listed["total"] == 1 and [d["id"] for d in listed["items"]] == [body["id"]]
    assert client.get("/documents", params={"status": "done"}).json()["total"] == 0
    assert client.get("/documents", params={"status": "exploded"}).status_code == 422

    original = client.get(f"/documents/{body['id']}/original")
    assert original.status_code == 200 and original.content == data
    assert original.headers["content-type"] == "image/png"
    assert "attachment" in original.headers["content-disposition"]


def test_duplicate_upload_returns_existing(client: TestClient, submitted: list[int]) -> None:
    data, _ = letter_png()
    first = upload(client, data, "a.png").json()
    again = upload(client, data, "b-copy.png")
    assert again.status_code == 202
    assert again.json() == {**first, "duplicate": True}
    assert submitted == [first["id"]]  # not processed again


def test_empty_file_400(client: TestClient) -> None:
    r = upload(client, b"", "empty.pdf")
    assert r.status_code == 400
    assert "empty" in r.json()["detail"]


def test_random_bytes_415(client: TestClient, submitted: list[int]) -> None:
    r = upload(client, bytes(range(256)) * 8, "scan.pdf")
    assert r.status_code == 415
    assert "not a PDF, TIFF, PNG, JPEG or HEIC" in r.json()["detail"]
    r = upload(client, b"PK\x03\x04" + b"\x00" * 100, "don.docx")
    assert r.status_code == 415 and "Word" in r.json()["detail"]
    assert r.json()["detail_vi"].startswith("Không phải tệp PDF") and "Word" in r.json()["detail_vi"]
    assert submitted == []


def test_too_large_413(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", workers=1, max_file_bytes=1000)
    with TestClient(create_app(settings, submit=lambda _id: None)) as client:
        logged_in(client)
        r = upload(client, b"\xff\xd8\xff" + b"\x00" * 2000, "big.jpg")  # read limit in the endpoint
        assert r.status_code == 413 and "too large" in r.json()["detail"]
        r = upload(client, b"\xff\xd8\xff" + b"\x00" * 200_000, "huge.jpg")  # refused by Content-Length
        assert r.status_code == 413 and "too large" in r.json()["detail"]


def test_pdf_named_jpeg_is_accepted(client: TestClient) -> None:
    png, _ = letter_png()
    r = upload(client, as_jpeg(png), "scan.pdf")
    assert r.status_code == 202
    doc = client.get(f"/documents/{r.json()['id']}").json()
    assert doc["mime"] == "image/jpeg" and doc["file"] == "scan.pdf"


def test_missing_document_404(client: TestClient) -> None:
    for url in ("/documents/999", "/documents/999/original", "/documents/999/pages/1/image"):
        r = client.get(url)
        assert r.status_code == 404, url
        assert "not found" in r.json()["detail"]


def test_page_image_of_queued_document(client: TestClient) -> None:
    data, size = letter_png()
    doc_id = upload(client, data).json()["id"]
    r = client.get(f"/documents/{doc_id}/pages/1/image")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(r.content)).size == size
    assert client.get(f"/documents/{doc_id}/pages/2/image").status_code == 404
    assert client.get(f"/documents/{doc_id}/pages/0/image").status_code == 422  # not a page number at all


def test_search_on_indexed_documents(client: TestClient, settings: Settings) -> None:
    from search import IndexDocument, IndexPage, open_backend

    backend = open_backend(settings)
    backend.index(IndexDocument(
        doc_id=7, file="don-7.pdf", kind="petition", type="complaint", date="2021-04-10",
        pages=[IndexPage(1, "Kính gửi Ủy ban"), IndexPage(2, "khiếu nại quyết định thu hồi đất thửa 45")],
        communes=["Long Điền A"], districts=["Chợ Mới"], parcels=[("45", "12")],
    ))
    backend.index(IndexDocument(
        doc_id=8, file="qd-8.pdf", kind="decision", type="land_dispute", date="2019-06-01",
        pages=[IndexPage(1, "Quyết định giải quyết tranh chấp đất đai, thu hồi đất")],
        districts=["Châu Phú"],
    ))
    backend.close()

    r = client.get("/search", params={"q": "thu hoi dat"})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 20
    assert {h["doc_id"] for h in body["hits"]} == {7, 8}
    hit7 = next(h for h in body["hits"] if h["doc_id"] == 7)
    assert hit7["page"] == 2 and hit7["matched_pages"] == [2] and "<mark>" in hit7["snippet"]
    assert hit7["page_image_url"] == "/documents/7/pages/2/image"
    assert body["facets"]["type"] == {"complaint": 1, "land_dispute": 1}

    only = client.get("/search", params={"q": "thu hoi dat", "type": "complaint"}).json()
    assert [h["doc_id"] for h in only["hits"]] == [7]
    years = client.get("/search", params={"q": "thu hoi dat", "from": 2020, "to": 2021}).json()
    assert [h["doc_id"] for h in years["hits"]] == [7]
    parcel = client.get("/search", params={"parcel": "45/12"}).json()
    assert [h["doc_id"] for h in parcel["hits"]] == [7]
    second = client.get("/search", params={"q": "thu hoi dat", "per_page": 1, "page": 2}).json()
    assert second["total"] == 2 and len(second["hits"]) == 1


def test_search_bad_parameters_422(client: TestClient) -> None:
    r = client.get("/search", params={"q": "dat", "from": 2022, "to": 2020})
    assert r.status_code == 422 and "must not be after" in r.json()["detail"]
    for params in ({"page": 0}, {"per_page": 101}, {"type": "pizza"}, {"from": "last year"}):
        r = client.get("/search", params=params)
        assert r.status_code == 422, params
        assert isinstance(r.json()["detail"], str)


def test_health(client: TestClient) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["database"] and body["index"]
    assert body["tesseract"] and body["tesseract"][0].isdigit()
    assert body["workers"] == 1


def test_openapi_docs(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/documents", "/documents/{document_id}", "/search", "/health"} <= set(spec["paths"])
    schemas = spec["components"]["schemas"]
    assert schemas["UploadResponse"]["examples"] and schemas["SearchResponse"]["examples"]
    assert spec["paths"]["/documents"]["post"]["description"]


# ------------------------------------------------------------------------------ end to end (worker pool)
@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app as `donthu serve` runs it: its own local worker pool (one process)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("live") / "data", workers=1)
    with TestClient(create_app(settings)) as c:
        logged_in(c)
        yield c


def wait_until_finished(client: TestClient, doc_id: int, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        doc = client.get(f"/documents/{doc_id}").json()
        if doc["status"] in ("done", "failed"):
            return doc
        assert time.monotonic() < deadline, f"document {doc_id} still {doc['status']} after {timeout} s"
        time.sleep(0.25)


def hits_once_indexed(client: TestClient, params: dict, doc_id: int, timeout: float = 30.0) -> list[dict]:
    """The hits of a search once `doc_id` is among them. A document is `done` when its record is stored; it is
    indexed right after, from the stored record (ingest.tasks), and searchable once that commit is visible:
    a fraction of a second later (tantivy commits each document: 0.2–0.6 s on a loaded 2-core machine)."""
    deadline = time.monotonic() + timeout
    while True:
        hits = client.get("/search", params=params).json()["hits"]
        if doc_id in [h["doc_id"] for h in hits] or time.monotonic() > deadline:
            return hits
        time.sleep(0.1)


@pytest.mark.slow
def test_end_to_end_scan(live: TestClient) -> None:
    data, size = letter_png()
    r = upload(live, data, "don-khieu-nai.png")
    assert r.status_code == 202
    doc_id = r.json()["id"]
    doc = wait_until_finished(live, doc_id)
    assert doc["status"] == "done", doc["error"]
    record = doc["record"]
    assert (doc["pages_done"], doc["pages_total"]) == (1, 1)
    assert record["mime"] == "image/png" and len(record["pages"]) == 1
    text = record["pages"][0]["text"]
    assert "Chợ Mới" in text and "Long Điền" in text
    assert record["type"] == "complaint"

    image = live.get(f"/documents/{doc_id}/pages/1/image")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size == size
    assert live.get(f"/documents/{doc_id}/pages/2/image").status_code == 404

    hits = [h for h in hits_once_indexed(live, {"q": "Long Dien"}, doc_id) if h["doc_id"] == doc_id]
    assert hits and hits[0]["page"] == 1 and hits[0]["matched_pages"] == [1]

    listed = live.get("/documents", params={"status": "done"}).json()
    (item,) = [d for d in listed["items"] if d["id"] == doc_id]
    assert (item["kind"], item["type"], item["date"]) == (record["kind"], record["type"], record["date"])


@pytest.mark.slow
def test_end_to_end_encrypted_pdf_fails_readably(live: TestClient) -> None:
    r = upload(live, encrypted_pdf(), "bi-mat.pdf")
    assert r.status_code == 202
    doc = wait_until_finished(live, r.json()["id"])
    assert doc["status"] == "failed"
    assert "encrypted PDF" in doc["error"], doc["error"]
    assert doc["record"] is None


def test_api_docs_are_served_from_local_files(tmp_path: Path) -> None:
    """/docs (Swagger UI) and /redoc work on an office network without internet: every script, style sheet
    and icon they load is served by the app itself, and Swagger UI's online validator is off."""
    import re

    with TestClient(create_app(Settings(data_dir=tmp_path / "data"), submit=lambda _id: None)) as client:
        logged_in(client)
        for page in ("/docs", "/redoc"):
            r = client.get(page)
            assert r.status_code == 200
            html = r.text
            assert "http://" not in html and "https://" not in html and "//cdn" not in html, html
            assets = re.findall(r'(?:src|href)="([^"]+)"', html)
            assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
            for asset in assets:
                got = client.get(asset)
                assert got.status_code == 200 and len(got.content) > 1000, asset
            assert "/openapi.json" in html
        assert '"validatorUrl": null' in client.get("/docs").text
        assert client.get("/openapi.json").json()["info"]["title"] == "donthu"


@pytest.mark.slow
def test_retry_reprocesses_a_failed_document(live: TestClient) -> None:
    """A document that failed for a reason that has gone away (its original was not readable: missing from
    the originals folder) is processed again by the archive page's retry button, through the app's own
    worker pool, to a full record (hand-checked truth: LETTER)."""
    services = live.app.state.services
    data, _ = letter_png(dpi=240)  # other bytes than the other tests' uploads: a document of its own
    sha = hashlib.sha256(data).hexdigest()
    doc_id = services.store.add_document("don-that-lac.png", sha, len(data), mime="image/png")
    services.submit(doc_id)  # a real run of the pipeline, which cannot read the original
    first = wait_until_finished(live, doc_id)
    assert first["status"] == "failed" and "FileNotFoundError" in first["error"], first

    services.store.put_original(data)  # the original is back
    retry = live.post(f"/van-ban/{doc_id}/thu-lai", data={"next": "/luu-tru"}, follow_redirects=True)
    assert retry.status_code == 200 and f"Đã gửi xử lý lại: don-that-lac.png (văn bản số {doc_id})" in retry.text
    doc = wait_until_finished(live, doc_id)
    assert doc["status"] == "done" and doc["error"] is None, doc
    record = doc["record"]
    assert record["type"] == "complaint" and record["kind"] == "petition"
    assert "Tôi tên là Nguyễn Văn Bình, ngụ tại ấp Long Hòa" in record["text"]
    assert ("45", "12") in [(p["parcel_no"], p["map_sheet"]) for p in record["parcels"]]
    assert "123/QĐ-UBND" in [r["number"] for r in record["references"]]
    assert doc_id in [h["doc_id"] for h in hits_once_indexed(live, {"q": "nguyen van binh"}, doc_id)]

    # retrying a document that is done changes nothing: no second run
    again = live.post(f"/van-ban/{doc_id}/thu-lai", data={"next": "/luu-tru"}, follow_redirects=True)
    assert "không ở trạng thái lỗi" in again.text
    assert live.get(f"/documents/{doc_id}").json()["status"] == "done"
