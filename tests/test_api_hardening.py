"""Issue 16 item 5, hardening: each item was found by probing the running service (docs/hardening.md has
the probes before and after) and each is a test here, on the real app (FastAPI's TestClient or an ASGI
client on `create_app`, the real store, intake and page rendering; a recording submit instead of the pool).
The two that need a real server and real processes (the body cut off as it arrives; the pool's workers
after `kill -9` of the server) are in tests/test_serve_hardening.py."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw

from accounts import bearer
from api.app import create_app
from api.hardening import CSP
from api.uploads import UploadGate
from donthu.config import Settings, load_settings

RLO = "\u202e"


def png(shade: int = 200, size: tuple[int, int] = (60, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("L", size, shade).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", workers=1)


@pytest.fixture
def submitted() -> list[int]:
    return []


@pytest.fixture
def client(settings: Settings, submitted: list[int]) -> Iterator[TestClient]:
    with TestClient(create_app(settings, submit=submitted.append)) as c:
        c.headers.update(bearer(c, "officer"))
        yield c


def upload(client: TestClient, data: bytes, name: str = "don.png", **headers: str) -> httpx.Response:
    return client.post("/documents", files={"file": (name, data, "image/png")}, headers=headers)


def stored_files(settings: Settings) -> list[Path]:
    return [p for p in settings.originals_dir.rglob("*") if p.is_file()] if settings.originals_dir.exists() else []


# ------------------------------------------------------------------------------------------------ CSRF
def test_cross_site_posts_are_refused(client: TestClient, settings: Settings, submitted: list[int]) -> None:
    """Probe: an upload and a correction posted with `Origin: http://evil.example` were accepted (202, 303)."""
    for headers in ({"origin": "http://evil.example"}, {"origin": "null"},
                    {"referer": "http://evil.example/page.html"}, {"sec-fetch-site": "cross-site"},
                    {"origin": "http://testserver.evil.example"}, {"origin": "http://testserver:8080"}):
        r = upload(client, png(), **headers)
        assert r.status_code == 403, headers
        assert r.json()["detail"].startswith("cross-site request refused")
    assert submitted == [] and stored_files(settings) == []
    # the same request from the service's own pages, and from a script (no browser headers), passes
    assert upload(client, png(), origin="http://testserver", **{"sec-fetch-site": "same-origin"}).status_code == 202
    assert upload(client, png(90), referer="http://testserver/?docs=1").status_code == 202
    assert upload(client, png(100)).status_code == 202
    # the clerks' forms: a correction and a retry from another site change nothing
    doc_id = submitted[0]
    for path in (f"/van-ban/{doc_id}/sua", f"/van-ban/{doc_id}/thu-lai", f"/nhap-tay/{doc_id}/1"):
        r = client.post(path, data={"who": "Kẻ lạ", "type": "denunciation", "text": "x"},
                        headers={"origin": "http://evil.example"}, follow_redirects=False)
        assert r.status_code == 403, path
    assert client.get(f"/documents/{doc_id}").json()["status"] == "queued"
    # reading is not refused: links from elsewhere still open the pages
    assert client.get("/tra-cuu", headers={"origin": "http://evil.example"}).status_code == 200


# --------------------------------------------------------------------------------------- DNS rebinding
def test_only_allowed_hosts_are_answered(tmp_path: Path) -> None:
    """Probe: `Host: evil.example` was answered 200 (a DNS-rebinding page could read every record)."""
    with TestClient(create_app(Settings(data_dir=tmp_path / "a"), submit=lambda _: None)) as c:
        c.headers.update(bearer(c, "officer"))
        assert c.get("/health", headers={"host": "evil.example"}).status_code == 400
        assert c.get("/documents", headers={"host": "donthu.evil.example:8000"}).status_code == 400
        for host in ("127.0.0.1:8000", "localhost", "testserver"):
            assert c.get("/documents", headers={"host": host}).status_code == 200, host
    settings = load_settings({"DONTHU_ALLOWED_HOSTS": " DonThu.ThanhTra.gov.vn, 10.0.0.5 ",
                              "DONTHU_DATA_DIR": str(tmp_path / "b")})
    assert settings.allowed_hosts == ("donthu.thanhtra.gov.vn", "10.0.0.5")
    assert load_settings({}).allowed_hosts == ("localhost", "127.0.0.1", "testserver")
    with TestClient(create_app(settings, submit=lambda _: None), base_url="http://10.0.0.5:8000") as c:
        c.headers.update(bearer(c, "officer"))
        assert c.get("/documents").status_code == 200
        assert c.get("/documents", headers={"host": "donthu.thanhtra.gov.vn"}).status_code == 200
        assert c.get("/documents", headers={"host": "127.0.0.1:8000"}).status_code == 400


# ------------------------------------------------------------------------------------ security headers
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
_INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
_JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def test_security_headers_and_no_inline_script(client: TestClient, submitted: list[int]) -> None:
    """Probe: no Content-Security-Policy, X-Content-Type-Options, frame-ancestors, Referrer-Policy or
    Cache-Control on any page or record; two templates had inline scripts and one an inline handler."""
    doc_id = upload(client, png()).json()["id"]
    pages = ["/", f"/?docs={doc_id}", "/tra-cuu", "/tra-cuu?q=dat", "/luu-tru", f"/van-ban/{doc_id}",
             f"/the/{doc_id}", "/van-ban/999"]
    records = [f"/documents/{doc_id}", "/documents", "/search?q=dat", f"/documents/{doc_id}/pages/1/image",
               f"/documents/{doc_id}/original", "/documents/999"]
    for url in pages + records:
        r = client.get(url)
        h = r.headers
        assert h["content-security-policy"] == CSP, url
        assert "frame-ancestors 'none'" in h["content-security-policy"] and "script-src 'self';" in CSP
        assert h["x-content-type-options"] == "nosniff" and h["x-frame-options"] == "DENY", url
        assert h["referrer-policy"] == "same-origin", url
        assert h["cache-control"] == "no-store", url
        if url in pages:  # the CSP holds for what the templates render
            assert not _INLINE_SCRIPT.search(r.text), url
            assert not _INLINE_HANDLER.search(r.text), url
            assert not _JS_URL.search(r.text), url
    # the scripts the pages load exist; static files are revalidated, not no-store
    for name in ("intake.js", "archive.js", "document.js", "style.css"):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and r.headers["cache-control"] == "no-cache", name
        assert r.headers["x-content-type-options"] == "nosniff"
    # refusals carry the headers too
    r = client.get("/health", headers={"host": "evil.example"})
    assert r.status_code == 400 and r.headers["x-frame-options"] == "DENY"
    # the API docs need their inline start-up script: allowed there only, still not framable
    docs = client.get("/docs")
    assert "'unsafe-inline'" in docs.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in docs.headers["content-security-policy"]


# ----------------------------------------------------------------------------------------------- uploads
def test_concurrent_uploads_are_bounded(settings: Settings, submitted: list[int]) -> None:
    """Probe: four 300 MB uploads at once were all received together (1.44 GB resident). Now a third upload
    while two bodies are still arriving is answered 503 with Retry-After, and taken once they are done."""
    app = create_app(settings, submit=submitted.append)
    assert settings.max_concurrent_uploads == 2
    auth = bearer(TestClient(app), "officer")  # a real user's token (the store only; no lifespan)

    async def scenario() -> list[httpx.Response]:
        release = asyncio.Event()
        started = 0

        async def slow_body(shade: int):
            nonlocal started
            head = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
                    b"Content-Type: image/png\r\n\r\n")
            yield head
            started += 1
            await release.wait()
            yield png(shade) + b"\r\n--b--\r\n"

        headers = {"content-type": "multipart/form-data; boundary=b"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=auth) as c:
            first = [asyncio.create_task(c.post("/documents", content=slow_body(s), headers=headers))
                     for s in (10, 20)]
            while started < 2:
                await asyncio.sleep(0.01)
            third = await c.post("/documents", files={"file": ("c.png", png(30), "image/png")})
            release.set()
            done = await asyncio.gather(*first)
            fourth = await c.post("/documents", files={"file": ("d.png", png(40), "image/png")})
            return [third, *done, fourth]

    third, one, two, fourth = asyncio.run(scenario())
    assert third.status_code == 503 and third.headers["retry-after"] == "5"
    assert third.json()["detail"].startswith("busy: 2 uploads")
    assert (one.status_code, two.status_code, fourth.status_code) == (202, 202, 202)
    assert len(submitted) == 3 and app.state.uploads.active == 0


def test_upload_quota_per_uploader(tmp_path: Path) -> None:
    """The per-user quota hook: bytes per uploader name in 24 hours (the login will name the uploader)."""
    gate = UploadGate(Settings(data_dir=tmp_path, upload_quota_bytes=1000))
    assert gate.charge("user:an", 600, now=0) is None
    assert "quota exceeded" in gate.charge("user:an", 600, now=10)
    assert gate.charge("user:binh", 600, now=10) is None  # another uploader has their own quota
    assert gate.charge("user:an", 600, now=24 * 3600 + 1) is None  # a day later
    settings = Settings(data_dir=tmp_path / "data", upload_quota_bytes=3 * len(png()) // 2)
    with TestClient(create_app(settings, submit=lambda _: None)) as c:
        c.headers.update(bearer(c, "officer"))
        assert upload(c, png(1)).status_code == 202
        r = upload(c, png(2))
        assert r.status_code == 429 and r.json()["detail"].startswith("upload quota exceeded")
        assert "hạn mức" in r.json()["detail_vi"]
    assert len(stored_files(settings)) == 1


def test_refused_uploads_are_not_kept(tmp_path: Path) -> None:
    """Every refusal leaves nothing in originals/ and no document (the body limit, counted as received)."""
    settings = Settings(data_dir=tmp_path / "data", max_file_bytes=200_000, max_pages=2)
    pages = io.BytesIO()
    frames = [Image.new("L", (40, 40), s) for s in (10, 20, 30)]
    frames[0].save(pages, format="TIFF", save_all=True, append_images=frames[1:])
    with TestClient(create_app(settings, submit=lambda _: None)) as c:
        c.headers.update(bearer(c, "officer"))
        assert upload(c, b"").status_code == 400
        assert upload(c, b"PK\x03\x04" + bytes(500)).status_code == 415
        assert upload(c, pages.getvalue(), "ba-trang.tif").status_code == 413
        big = bytes(300_000)
        assert upload(c, big).status_code == 413  # declared length over the limit: refused before reading

        def chunked():  # no Content-Length: counted as it arrives
            yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.png"\r\n\r\n'
            for _ in range(10):
                yield bytes(64 * 1024)
            yield b"\r\n--b--\r\n"

        r = c.post("/documents", content=chunked(), headers={"content-type": "multipart/form-data; boundary=b"})
        assert r.status_code == 413 and r.json()["detail"].startswith("file too large")
        assert c.get("/documents").json()["total"] == 0
    assert stored_files(settings) == []


def test_several_files_in_one_upload_are_refused(client: TestClient, settings: Settings,
                                                 submitted: list[int]) -> None:
    """Probe: five files in one POST /documents → 202 with one id, the other four silently dropped.
    Chosen: refuse with 400 (one file per request, as the web page sends them), nothing stored."""
    files = [("file", (f"to-{i}.png", png(40 + i), "image/png")) for i in range(5)]
    r = client.post("/documents", files=files)
    assert r.status_code == 400
    assert r.json()["detail"] == "one file per upload: this request has 5 files; send each in its own POST /documents"
    two_names = [("file", ("a.png", png(1), "image/png")), ("scan", ("b.png", png(2), "image/png"))]
    assert client.post("/documents", files=two_names).status_code == 400
    assert submitted == [] and stored_files(settings) == [] and client.get("/documents").json()["total"] == 0
    assert "/documents" in client.get("/openapi.json").json()["paths"]
    assert "One file per request" in client.get("/openapi.json").json()["paths"]["/documents"]["post"]["description"]


# ---------------------------------------------------------------------------------------- page images
def test_oversized_page_image_is_served_within_the_pixel_budget(client: TestClient, settings: Settings) -> None:
    """Probe: the image of a 13000 x 13000 px page cost 0.9–2.3 GB and seconds, served at full size. Now
    it is served within `preview_max_pixels` with `X-Page-Scale`, and the marks are where they were."""
    side = 13_000
    im = Image.new("L", (side, side), 255)
    draw = ImageDraw.Draw(im)
    draw.rectangle((1000, 2000, 3599, 2999), fill=0)  # a black box at a known place
    buffers = {}
    for fmt in ("PNG", "JPEG"):
        out = io.BytesIO()
        im.save(out, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
        buffers[fmt] = out.getvalue()
    del im, draw
    for fmt, data in buffers.items():
        doc_id = upload(client, data, f"to-lon.{fmt.lower()}").json()["id"]
        r = client.get(f"/documents/{doc_id}/pages/1/image")
        assert r.status_code == 200, r.text
        scale = float(r.headers["x-page-scale"])
        served = np.asarray(Image.open(io.BytesIO(r.content)).convert("L"))
        height, width = served.shape
        assert width * height <= settings.preview_max_pixels
        assert width == int(side * scale) and abs(scale - (settings.preview_max_pixels / side**2) ** 0.5) < 0.001
        box = served < 128
        ys, xs = np.nonzero(box)
        assert abs(xs.min() - 1000 * scale) <= 2 and abs(xs.max() - 3599 * scale) <= 2, fmt
        assert abs(ys.min() - 2000 * scale) <= 2 and abs(ys.max() - 2999 * scale) <= 2, fmt
    small = upload(client, png()).json()["id"]
    r = client.get(f"/documents/{small}/pages/1/image")
    assert r.headers["x-page-scale"] == "1" and Image.open(io.BytesIO(r.content)).size == (60, 40)


def test_page_number_checked_when_the_count_is_unknown(client: TestClient) -> None:
    """A queued document has no page count yet: the number is checked against the file before decoding."""
    doc_id = upload(client, png()).json()["id"]
    assert client.get(f"/documents/{doc_id}").json()["pages_total"] == 0
    r = client.get(f"/documents/{doc_id}/pages/5/image")
    assert r.status_code == 404 and r.json()["detail"] == f"document {doc_id} has 1 page(s), not 5"


# ----------------------------------------------------------------------------------------- bad input
HUGE = "99999999999999999999"


def test_huge_numbers_and_long_queries_are_422(client: TestClient) -> None:
    """Probe: 500 Internal Server Error (plain text) for each of these (SQLite integer overflow; FTS5
    'Expression tree is too large' for a query of 1,000 words)."""
    doc_id = upload(client, png()).json()["id"]
    long_query = " ".join(f"từ{i}" for i in range(1000))
    urls = [f"/documents?page={HUGE}", f"/documents?batch={HUGE}", f"/documents?per_page={HUGE}",
            "/documents?page=9223372036854775807", f"/documents/{HUGE}", f"/documents/{HUGE}/original",
            f"/documents/{HUGE}/pages/1/image", f"/documents/{doc_id}/pages/{HUGE}/image",
            f"/search?q=dat&page={HUGE}", f"/search?q=dat&per_page={HUGE}", f"/search?from={HUGE}",
            f"/search?q={long_query}", "/search?q=" + "+".join(["dat"] * 65), f"/search?commune={'x' * 300}"]
    for url in urls:
        r = client.get(url)
        assert r.status_code == 422, url
        body = r.json()
        assert isinstance(body["detail"], str) and body["detail"], url
    assert client.post(f"/documents/{HUGE}/pages/1/typed", json={"text": "x", "who": "An"}).status_code == 422
    assert client.get("/search?q=" + "+".join(["dat"] * 64)).status_code == 200
    # the clerks' search page says why instead of failing
    r = client.get("/tra-cuu", params={"q": long_query})
    assert r.status_code == 200 and "Câu tìm quá dài" in r.text
    for url in (f"/van-ban/{HUGE}", f"/the/{HUGE}", f"/nhap-tay/{HUGE}/1", f"/tra-cuu?trang={HUGE}&q=dat",
                f"/van-ban/{doc_id}?page={HUGE}", f"/luu-tru?nguong={HUGE}"):
        assert client.get(url).status_code in (200, 404), url


# ----------------------------------------------------------------------------------- control characters
def test_control_characters_in_file_names_are_neutralised(client: TestClient, settings: Settings) -> None:
    """Probe: a name with U+202E (right-to-left override) was stored and shown as is: "don<RLO>gnp.exe.png"
    reads as "donexe.png.png"-like text on the pages and in the JSON. Now each hidden control character is
    U+FFFD, in what is stored and in what is shown (also names stored before, e.g. by `donthu ingest`)."""
    name = f"don{RLO}gnp.exe\u200b\u2066.png"
    doc_id = upload(client, png(), name).json()["id"]
    shown = "don\ufffdgnp.exe\ufffd\ufffd.png"
    assert client.get(f"/documents/{doc_id}").json()["file"] == shown
    from records.store import Store

    store = Store(settings)
    try:
        assert store.get(doc_id).file == shown  # stored neutralised
        old = store.add_document(f"cu{RLO}fdp.png", "0" * 64, 10, mime="image/png")  # stored before the fix
    finally:
        store.close()
    for url in (f"/documents/{old}", "/documents", f"/van-ban/{old}", "/", "/luu-tru", f"/the/{old}"):
        text = client.get(url).text
        assert RLO not in text and "\\u202e" not in text, url
    assert client.get(f"/documents/{old}").json()["file"] == "cu\ufffdfdp.png"
    disposition = client.get(f"/documents/{doc_id}/original").headers["content-disposition"]
    assert "%E2%80%AE" not in disposition.upper() and RLO not in disposition


# ----------------------------------------------------------------------------------------- OpenAPI
def test_openapi_describes_what_is_sent(client: TestClient) -> None:
    """Probe: OpenAPI said a 422's `detail` is an array (FastAPI's HTTPValidationError) while the service
    sends a string; the original was documented as application/octet-stream and served as image/png."""
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert schemas["ValidationErrorResponse"]["properties"]["detail"]["type"] == "string"
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if "422" in operation["responses"]:
                ref = operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ValidationErrorResponse"), (method, path)
    body = client.get("/documents?page=0").json()
    assert set(body) == {"detail", "detail_vi", "errors"} and isinstance(body["detail"], str)
    assert body["errors"][0]["loc"] == ["query", "page"]
    doc_id = upload(client, png()).json()["id"]
    documented = spec["paths"]["/documents/{document_id}/original"]["get"]["responses"]["200"]["content"]
    served = client.get(f"/documents/{doc_id}/original").headers["content-type"]
    assert served == "image/png" and set(documented) >= {"application/pdf", "image/tiff", "image/png", "image/jpeg"}
