"""The clerks' web pages.

End to end: the real service (`donthu serve`: uvicorn + worker pool) on a free localhost port with a
temporary data dir, driven by headless Chromium through Selenium. Needs Debian's `chromium` and
`chromium-driver` (`make system`): without them those tests fail with what to install. They share one server
and one browser; each test uploads or finds what it needs (a document fixture), so they pass alone and in any
order.

Corrections (forms → `records.corrections` → every reader) are also checked without a browser, with
FastAPI's TestClient on a stored record.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from conftest import start_serve, stop, wait_healthy
from donthu.text import fold
from tests.scans import make_scan
from tests.accounts import PASSWORD, cli_token, logged_in

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ROOT = Path(__file__).resolve().parents[1]

needs_chromium = pytest.mark.usefixtures("chromium_installed")


@pytest.fixture(scope="module")
def chromium_installed() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(p)]
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed: `make system` (apt-get install chromium chromium-driver)",
                    pytrace=False)

@contextmanager
def headless_chromium(window: str) -> Iterator[object]:
    """Debian's Chromium through its chromedriver, headless, in Vietnamese, with a profile of its own that is
    removed afterwards."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="donthu-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", f"--user-data-dir={profile}", f"--window-size={window}", "--lang=vi"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


TYPE_LABELS = {
    "complaint": "Khiếu nại",
    "denunciation": "Tố cáo",
    "recommendation": "Kiến nghị, phản ánh",
    "land_dispute": "Tranh chấp đất đai",
    "unknown": "Chưa xác định",
}


def _wait(predicate, timeout: float, what: str, interval: float = 0.3):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


#: the handling officer the browser logs in as, and the Authorization header of their API token (filled by `server`)
USERNAME = "officer"
AUTH: dict[str, str] = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`donthu serve` on a port the OS chose and uvicorn holds (tests/conftest.py), with a handling officer
    made by `donthu user add` and an API token by `donthu token add`."""
    tmp = tmp_path_factory.mktemp("web")
    AUTH.update(cli_token(tmp / "data", "officer", USERNAME))
    proc, base = start_serve(tmp / "data", tmp / "serve.log", env={"DONTHU_WORKERS": "1"})
    try:
        wait_healthy(proc, base, tmp / "serve.log")
        yield base
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    """Headless Chromium logged in as `USERNAME` through the login page."""
    with headless_chromium("1366,768") as driver:
        driver.get(f"{server}/dang-nhap")
        driver.find_element(*_by("input[name=username]")).send_keys(USERNAME)
        driver.find_element(*_by("input[name=password]")).send_keys(PASSWORD)
        driver.find_element(*_by(".login button[type=submit]")).click()
        _wait(lambda: "/dang-nhap" not in driver.current_url, 20, "the login")
        yield driver


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("scans") / "Đơn tranh chấp.png"
    doc, texts = make_scan(path, family="land_dispute_letter", seed=1, dpi=200, fmt="png")
    return path, doc, texts[0]


@pytest.fixture(scope="module")
def stored_scan(tmp_path_factory: pytest.TempPathFactory):
    """Another letter, for the tests that start from a processed document (search, correction)."""
    path = tmp_path_factory.mktemp("stored") / "Đơn tranh chấp 2.png"
    doc, texts = make_scan(path, family="land_dispute_letter", seed=2, dpi=200, fmt="png")
    return path, doc, texts[0]


@pytest.fixture(scope="module")
def document(server: str, stored_scan) -> int:
    """`stored_scan` uploaded over HTTP and processed, by whichever test asks first; no test relies on
    another having run (the browser upload test uploads its own file, so a correction made here never
    shows on its card)."""
    path, _, _ = stored_scan
    with path.open("rb") as f:
        answer = httpx.post(f"{server}/documents", files={"file": (path.name, f, "image/png")}, timeout=30, headers=AUTH)
    assert answer.status_code in (200, 202), answer.text
    doc_id = answer.json()["id"]

    def done() -> bool:
        status = httpx.get(f"{server}/documents/{doc_id}", timeout=10, headers=AUTH).json()["status"]
        assert status != "failed", status
        return status == "done"

    _wait(done, 150, f"document {doc_id} to be processed")
    return doc_id


def _by(css: str):
    from selenium.webdriver.common.by import By

    return By.CSS_SELECTOR, css


def _card(browser, status: str, timeout: float = 150):
    return _wait(lambda: browser.find_elements(*_by(f"#cards .card[data-status={status}]")), timeout,
                 f"a card with status {status}")[0]


@pytest.mark.slow
@needs_chromium
def test_intake_upload_shows_card(server, browser, scan) -> None:
    path, doc, _ = scan
    browser.get(server + "/")
    assert browser.find_element(*_by("nav a[aria-current=page]")).text == "Tiếp nhận"
    browser.find_element(*_by("#files")).send_keys(str(path))
    card = _card(browser, "done")
    doc_id = int(card.get_attribute("data-id"))
    text = card.text
    type_label = card.find_element(*_by(".type-label")).text
    assert type_label == TYPE_LABELS[doc.type], text
    assert "độ tin cậy" in text
    names = [p["name"] for p in doc.parties]
    assert any(name in text for name in names), (names, text)
    assert "Trang 1" in text  # OCR confidence per page
    assert doc.parcels[0]["parcel_no"] in text
    # the URL keeps the card (so a correction can come back to it)
    assert f"docs={doc_id}" in browser.current_url


@pytest.mark.slow
@needs_chromium
def test_search_without_diacritics_opens_page_with_boxes(server, browser, stored_scan, document) -> None:
    _, doc, _ = stored_scan
    browser.get(server + "/tra-cuu")
    assert "Gõ từ khoá" in browser.find_element(*_by(".empty-state")).text  # helpful empty state
    name = doc.parties[0]["name"]
    query = fold(name)  # e.g. "vo huu hieu": typed without diacritics
    box = browser.find_element(*_by("input[name=q]"))
    box.send_keys(query)
    box.submit()
    hit = _wait(lambda: browser.find_elements(*_by(".hit")), 20, "search hits")[0]
    marks = [m.text for m in hit.find_elements(*_by(".snippet mark"))]
    assert marks and any(fold(m) in query.split() for m in marks), marks
    assert "trang 1" in hit.find_element(*_by(".page-no")).text
    link = hit.find_element(*_by("a.hit-link"))
    assert f"/van-ban/{document}" in link.get_attribute("href")  # the letter whose party was typed
    link.click()
    _wait(lambda: "/van-ban/" in browser.current_url, 20, "the document view")
    img = browser.find_element(*_by("#page-img"))
    _wait(lambda: browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img), 30,
          "the page image to load")
    boxes = browser.find_elements(*_by(".page-image .hit-box"))
    assert len(boxes) >= len(query.split()), "matched words are boxed on the image"
    # every box lies on the image
    rect = img.rect
    for b in boxes:
        r = b.rect
        assert r["width"] > 2 and r["height"] > 2
        assert rect["x"] - 3 <= r["x"] <= rect["x"] + rect["width"] and rect["y"] - 3 <= r["y"] <= rect["y"] + rect["height"]
    assert browser.find_elements(*_by(".page-text mark"))
    assert browser.find_element(*_by("a[href$='/original']"))


@pytest.mark.slow
@needs_chromium
def test_correct_type_persists(server, browser, document) -> None:
    doc_id = document
    browser.get(f"{server}/van-ban/{doc_id}")
    before = browser.find_element(*_by(".fields-pane .type-label")).text
    new_type = "denunciation" if before != TYPE_LABELS["denunciation"] else "complaint"
    browser.find_element(*_by(".fields-pane details.edit summary")).click()
    form = browser.find_element(*_by(".fields-pane form.edit-form"))
    from selenium.webdriver.support.ui import Select

    Select(form.find_element(*_by("select[name=type]"))).select_by_value(new_type)
    assert USERNAME in form.text  # signed by the logged-in user, no name to type
    form.find_element(*_by("button[type=submit]")).click()
    _wait(lambda: browser.find_elements(*_by(".flash")), 20, "the confirmation")
    assert "Đã lưu" in browser.find_element(*_by(".flash")).text
    browser.refresh()
    assert browser.find_element(*_by(".fields-pane .type-label")).text == TYPE_LABELS[new_type]
    assert USERNAME in browser.find_element(*_by(".history")).text
    record = httpx.get(f"{server}/documents/{doc_id}", timeout=10, headers=AUTH).json()["record"]
    assert record["type"] == new_type and record["type_confidence"] == 1.0
    # the intake card shows the corrected record too
    browser.get(f"{server}/?docs={doc_id}")
    assert browser.find_element(*_by(f"#van-ban-{doc_id} .type-label")).text == TYPE_LABELS[new_type]


@pytest.mark.slow
@needs_chromium
def test_corrupt_uploads_show_the_reason(server, browser, tmp_path: Path) -> None:
    not_a_scan = tmp_path / "ghi-chu.pdf"
    not_a_scan.write_bytes(b"Day khong phai la ban quet, chi la chu thuong.\n")
    broken_png = tmp_path / "anh-hong.png"
    # a PNG header and end chunk around garbage: accepted at upload, fails when decoded
    broken_png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + os.urandom(600) + b"\x00\x00\x00\x00IEND\xaeB`\x82")
    browser.get(server + "/")
    browser.find_element(*_by("#files")).send_keys(str(not_a_scan))
    rejected = _card(browser, "rejected", 20)
    assert "Không tiếp nhận được tệp" in rejected.text and "Không phải tệp PDF, TIFF, PNG, JPEG hay HEIC" in rejected.text
    assert "văn bản thường" in rejected.text  # what the file looks like, in Vietnamese too
    browser.find_element(*_by("#files")).send_keys(str(broken_png))
    failed = _card(browser, "failed", 60)
    reason = failed.find_element(*_by(".reason")).text
    assert reason and "Không xử lý được" in failed.text
    # the archive lists it with its reason and a retry button
    browser.get(server + "/luu-tru")
    item = _wait(lambda: [li for li in browser.find_elements(*_by(".failed-list li")) if "anh-hong.png" in li.text],
                 10, "the failed file in the archive")[0]
    assert reason in item.text
    item.find_element(*_by("button")).click()
    # the click posts a form; the page that answers may not have loaded yet when click() returns
    flash = _wait(lambda: browser.find_elements(*_by(".flash")), 20, "the retry confirmation")[0]
    assert "Đã gửi xử lý lại" in flash.text


@pytest.mark.slow
@needs_chromium
def test_missing_document_404_page(server, browser) -> None:
    assert httpx.get(f"{server}/van-ban/99999", timeout=10, headers=AUTH).status_code == 404
    browser.get(f"{server}/van-ban/99999")
    assert "Không tìm thấy" in browser.find_element(*_by("h1")).text
    assert httpx.get(f"{server}/documents/99999", timeout=10, headers=AUTH).json()["detail"] == "document 99999 not found"


@pytest.mark.slow
@needs_chromium
def test_search_without_results_and_archive(server, browser) -> None:
    browser.get(server + "/tra-cuu?q=xyzkhongcotu")
    assert "Không tìm thấy văn bản nào" in browser.find_element(*_by(".empty-state")).text
    browser.get(server + "/luu-tru")
    text = browser.find_element(*_by("main")).text
    assert "Lô hồ sơ" in text and "Tiếp nhận" in text and "Cần kiểm tra" in text


# ------------------------------------------------------------------------ corrections, without a browser
RECORD = {
    "file": "don.png", "sha256": "0" * 64, "mime": "image/png",
    "pages": [{"number": 1, "source": "ocr", "confidence": 91.0,
               "text": "ĐƠN KHIẾU NẠI\nTôi tên là Nguyễn Văn Bình, thửa đất số 45, tờ bản đồ số 12."}],
    "text": "ĐƠN KHIẾU NẠI\nTôi tên là Nguyễn Văn Bình, thửa đất số 45, tờ bản đồ số 12.",
    "kind": "petition", "type": "complaint", "type_confidence": 0.8, "type_evidence": ["khiếu nại"],
    "parties": [{"name": "Nguyễn Văn Bình", "role": "complainant", "id_number": None, "address": "ấp Long Hòa"}],
    "parcels": [{"parcel_no": "45", "map_sheet": "12", "area_m2": None, "land_use": None,
                 "commune": "Long Điền A", "district": "Chợ Mới", "province": "An Giang"}],
    "references": [], "date": "2021-04-10", "errors": [],
}


@pytest.fixture
def stored(tmp_path: Path):
    """A TestClient app with two processed documents (records saved directly, nothing OCR'd)."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from donthu.config import Settings
    from donthu.schema import Record
    from ingest.indexing import index_document

    app = create_app(Settings(data_dir=tmp_path / "data", workers=1), submit=lambda _id: None)
    with TestClient(app) as client:
        logged_in(client)
        services = app.state.services
        ids = []
        for n in range(2):
            record = Record.model_validate({**RECORD, "file": f"don-{n}.png", "sha256": str(n) * 64})
            doc_id = services.store.add_document(record.file, record.sha256, 10, mime="image/png")
            services.store.save_result(doc_id, record, [])
            services.backend().index(index_document(doc_id, record))
            ids.append(doc_id)
        yield client, services, ids


def test_corrections_apply_everywhere(stored) -> None:
    client, services, (first, second) = stored
    form = {
        "who": "Lê Thị Hoa", "next": f"/van-ban/{first}", "type": "land_dispute",  # a typed name is ignored
        "party_name": ["Nguyễn Văn Bình", "Trần Văn Cường", ""],
        "party_role": ["disputant", "disputant", "complainant"],
        "party_id_number": ["", "089083391500", ""],
        "party_address": ["ấp Long Hòa", "", ""],
        "parcel_no": ["46", ""], "parcel_sheet": ["12", ""], "parcel_area": ["1.250,5", ""],
        "parcel_use": ["ONT", ""], "parcel_commune": ["Long Điền A", ""], "parcel_district": ["Chợ Mới", ""],
        "parcel_province": ["An Giang", ""],
    }
    r = client.post(f"/van-ban/{first}/sua", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/van-ban/{first}#van-ban-{first}"
    record = client.get(f"/documents/{first}").json()["record"]
    assert record["type"] == "land_dispute" and record["type_confidence"] == 1.0 and record["type_evidence"] == []
    assert [(p["name"], p["role"], p["id_number"]) for p in record["parties"]] == [
        ("Nguyễn Văn Bình", "disputant", None), ("Trần Văn Cường", "disputant", "089083391500")]
    assert record["parties"][0]["address"] == "ấp Long Hòa"  # kept from the extracted party
    assert record["parcels"] == [{"parcel_no": "46", "map_sheet": "12", "area_m2": 1250.5, "area_text": None,
                                  "area_value": None, "area_unit": None, "land_use": "ONT",
                                  "commune": "Long Điền A", "district": "Chợ Mới", "province": "An Giang"}]
    # the other document is untouched
    assert client.get(f"/documents/{second}").json()["record"]["type"] == "complaint"
    # derived rows follow: lists, related documents, the search index
    assert services.store.get(first).type == "land_dispute"
    shared = services.store.documents_sharing(second)
    assert [s.shared for s in shared] == [["party: Nguyễn Văn Bình"]]  # parcel 45 is no longer on the first
    hits = client.get("/search", params={"q": "khieu nai", "type": "land_dispute"}).json()["hits"]
    assert [h["doc_id"] for h in hits] == [first]
    page = client.get(f"/van-ban/{first}").text
    assert "Tranh chấp đất đai" in page and "Lê Thị Hoa" not in page and "Trần Văn Cường" in page
    assert "<strong>officer</strong> sửa" in page  # signed by the logged-in user
    assert "1\u202f250,5 m²" in page
    # the same form again changes nothing
    r = client.post(f"/van-ban/{first}/sua", data=form, follow_redirects=True)
    assert "Không có gì thay đổi" in r.text
    from records.corrections import corrections_for

    assert [c.field for c in corrections_for(services.store, first)] == ["type", "parties", "parcels"]


def test_correction_needs_valid_values(stored) -> None:
    client, _, (first, _) = stored
    r = client.post(f"/van-ban/{first}/sua", data={"who": "Hoa", "type": "exploded"}, follow_redirects=True)
    assert "loại đơn không hợp lệ" in r.text
    r = client.post(f"/van-ban/{first}/sua", data={"who": "Hoa", "parcel_no": [""], "parcel_commune": ["Mỹ Hội"]},
                    follow_redirects=True)
    assert "mỗi thửa đất cần có số thửa" in r.text
    assert client.get(f"/documents/{first}").json()["record"]["type"] == "complaint"
    assert client.post("/van-ban/999/sua", data={"who": "Hoa"}).status_code == 404


def test_area_as_written_shown_and_kept_through_a_correction(stored) -> None:
    """A parcel of "3 công" (no m²: the công's size varies by place) shows as written, and a correction that
    leaves its area alone keeps it."""
    from donthu.schema import Record

    client, services, _ = stored
    parcel = {**RECORD["parcels"][0], "area_text": "3 công", "area_value": 3.0, "area_unit": "công"}
    record = Record.model_validate({**RECORD, "file": "don-cong.png", "sha256": "c" * 64, "parcels": [parcel]})
    doc = services.store.add_document(record.file, record.sha256, 10, mime="image/png")
    services.store.save_result(doc, record, [])
    page = client.get(f"/van-ban/{doc}").text
    assert "3 công" in page and "chưa quy đổi m²" in page
    form = {"who": "Lê Thị Hoa", "next": f"/van-ban/{doc}", "type": "land_dispute",
            "parcel_no": ["45"], "parcel_sheet": ["12"], "parcel_area": [""], "parcel_use": [""],
            "parcel_commune": ["Long Điền A"], "parcel_district": ["Chợ Mới"], "parcel_province": ["An Giang"]}
    assert client.post(f"/van-ban/{doc}/sua", data=form, follow_redirects=False).status_code == 303
    got = client.get(f"/documents/{doc}").json()["record"]
    assert got["type"] == "land_dispute"
    assert [(p["area_text"], p["area_value"], p["area_unit"], p["area_m2"]) for p in got["parcels"]] == [
        ("3 công", 3.0, "công", None)]


def test_pages_answer_without_a_browser(stored) -> None:
    client, _, (first, _) = stored
    assert "Tiếp nhận đơn thư" in client.get("/").text
    r = client.get("/tra-cuu", params={"q": "nguyen van binh"})
    assert r.status_code == 200 and "<mark>Nguyễn</mark>" in r.text and f"/van-ban/{first}?page=1" in r.text
    assert "Năm không hợp lệ" in client.get("/tra-cuu", params={"from": "abc"}).text
    r = client.get(f"/van-ban/{first}", params={"q": "thua dat"})
    assert r.status_code == 200 and "<mark>thửa</mark> <mark>đất</mark>" in r.text
    assert client.get("/van-ban/abc").status_code == 404
    assert "Lô hồ sơ" in client.get("/luu-tru").text
    assert client.get("/static/style.css").status_code == 200
    assert "/van-ban/{document_id}" not in client.get("/openapi.json").text  # pages stay out of the API docs
