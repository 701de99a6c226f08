"""Two people of one unit look at the same denunciation in a browser (issue 16): a handling officer, cleared to
see the denouncer (Luật Tố cáo 2018 Art. 8(3)), and an archivist, who is not.

End to end: a generated born-digital denunciation (the corpus generator; its truth gives the denouncer's name,
address and where the name's ink is on the page) is ingested by the real pipeline into unit `an-giang`, with
every log line of the ingest (and its worker processes) written to a file at DEBUG; the real service (`donthu
serve`) runs on it; headless Chromium (tests/test_web.py's set-up) logs in through the login page as each
person. The officer sees the name and address in the page text; the archivist sees masks in the page text and
the search snippet, black boxes over the name's ink in the page image, the original refused, and a search by
the name finds nothing. The logs of ingest and of the service hold neither the name nor the search terms.
The CLI's reading commands (`donthu show/list/search/stats`) mask the denouncer unless `--cleared`.

Screenshots of both views are written to `DONTHU_SCREENS_DIR` when set (docs/screens/ was made so).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote_plus

import httpx
import numpy as np
import pytest
from PIL import Image

from conftest import start_serve, stop, wait_healthy
from donthu.access import Role
from donthu.config import Settings
from donthu.text import fold
from records.confidential import MASK
from tests.accounts import PASSWORD
from tests.test_confidential import _contains, _ink_blacked, _letter, _street, _word_boxes
from tests.test_web import _by, _wait, chromium_installed, headless_chromium, needs_chromium  # noqa: F401

UNIT = "an-giang"
OFFICER, ARCHIVIST = "chuyen-vien-xu-ly", "luu-tru-vien"
#: the loggers of the project whose lines must never hold a party's name or a search term
PROJECT_LOGGERS = ("api", "ingest", "records", "search", "classify", "ocr", "donthu", "cli", "uvicorn")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    from ingest.batch import ingest_paths
    from records import accounts
    from records.store import Store

    tmp = tmp_path_factory.mktemp("access")
    (tmp / "in").mkdir()
    truth = _letter(tmp / "in" / "to-cao.pdf", 9, "digital")
    settings = Settings(data_dir=tmp / "data", workers=1)
    # every project logger at DEBUG into a file (worker processes forked by the ingest inherit the handler)
    handler = logging.FileHandler(tmp / "ingest.log", encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    saved = {}
    for name in PROJECT_LOGGERS:
        logger = logging.getLogger(name)
        saved[name] = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    try:
        logging.getLogger("ingest").debug("log capture on")  # the capture works (a successful ingest logs little)
        report = ingest_paths([tmp / "in"], settings, progress=False, workers=1, unit=UNIT)
    finally:
        for name in PROJECT_LOGGERS:
            logging.getLogger(name).removeHandler(handler)
            logging.getLogger(name).setLevel(saved[name])
        handler.close()
    assert report.count("done") == 1, report.items
    doc_id = report.items[0].document_id
    store = Store(settings)
    accounts.create_user(store, OFFICER, PASSWORD, Role.OFFICER, UNIT)
    accounts.create_user(store, ARCHIVIST, PASSWORD, Role.ARCHIVIST, UNIT)
    store.close()
    proc, base = start_serve(settings.data_dir, tmp / "serve.log", env={"DONTHU_WORKERS": "1"})
    try:
        wait_healthy(proc, base, tmp / "serve.log")
        yield {"base": base, "doc_id": doc_id, "truth": truth, "tmp": tmp, "settings": settings}
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def driver(served) -> Iterator[object]:
    with headless_chromium("1280,900") as browser:
        yield browser


def _log_in(driver, base: str, username: str) -> None:
    driver.delete_all_cookies()
    driver.get(f"{base}/dang-nhap")
    driver.find_element(*_by("input[name=username]")).send_keys(username)
    driver.find_element(*_by("input[name=password]")).send_keys(PASSWORD)
    driver.find_element(*_by(".login button[type=submit]")).click()
    _wait(lambda: "/dang-nhap" not in driver.current_url, 20, f"the login of {username}")


def _log_out(driver) -> None:
    driver.find_element(*_by("form.account button[type=submit]")).click()
    _wait(lambda: "/dang-nhap" in driver.current_url, 20, "the logout")


def _session(driver) -> httpx.Client:
    """An HTTP client carrying the browser's cookies (to fetch page images and originals as that person)."""
    return httpx.Client(cookies={c["name"]: c["value"] for c in driver.get_cookies()}, timeout=60)


def _image(client: httpx.Client, url: str) -> np.ndarray:
    answer = client.get(url)
    assert answer.status_code == 200, answer.text[:300]
    return np.asarray(Image.open(io.BytesIO(answer.content)).convert("L"))


def _shoot(driver, name: str, tmp: Path) -> Path:
    """A screenshot of the current page, scaled to 900 px wide and saved as a small PNG (palette); also to
    DONTHU_SCREENS_DIR when set."""
    raw = tmp / f"{name}-full.png"
    driver.save_screenshot(str(raw))
    image = Image.open(raw).convert("RGB")
    image = image.resize((900, round(image.height * 900 / image.width)), Image.LANCZOS)
    out = tmp / f"{name}.png"
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)
    target = os.environ.get("DONTHU_SCREENS_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(out, Path(target) / out.name)
    return out


@pytest.mark.slow
@needs_chromium
def test_officer_sees_the_denouncer_and_the_archivist_does_not(served, driver) -> None:
    base, doc_id, truth, tmp = served["base"], served["doc_id"], served["truth"], served["tmp"]
    writer = truth["writers"][0]
    name, address = writer["name"], writer["address"]
    first_part = _street(truth, writer) or name  # the address's first part when only the address has it
    layout = truth["layout"]
    name_boxes = _word_boxes(layout, 0, name.split())
    assert name_boxes, "the generator drew the name on page 1"

    # the handling officer: the identity is there
    _log_in(driver, base, OFFICER)
    driver.get(f"{base}/van-ban/{doc_id}")
    text = _wait(lambda: driver.find_elements(*_by(".text-pane")), 20, "the page text")[0].text
    assert _contains(text, name) and _contains(text, first_part)
    assert driver.find_elements(*_by(f'a[href="/documents/{doc_id}/original"]'))  # the original's link
    shot = _shoot(driver, "officer-document", tmp)
    assert shot.stat().st_size < 200_000
    with _session(driver) as officer:
        shown = _image(officer, f"{base}/documents/{doc_id}/pages/1/image")
        assert officer.get(f"{base}/documents/{doc_id}/original").status_code == 200
    scale = shown.shape[1] / layout.width
    assert _ink_blacked(shown, truth["clean"][0], name_boxes, scale)[1] < 0.05  # the name is readable
    driver.get(f"{base}/tra-cuu?q={quote_plus(name)}")
    hits = _wait(lambda: driver.find_elements(*_by(".hits .hit")), 20, "the officer's search hit")
    assert any(f"/van-ban/{doc_id}?" in h.find_element(*_by(".hit-link")).get_attribute("href") for h in hits)
    _log_out(driver)

    # the archivist of the same unit: masks everywhere
    _log_in(driver, base, ARCHIVIST)
    driver.get(f"{base}/van-ban/{doc_id}")
    pane = _wait(lambda: driver.find_elements(*_by(".text-pane")), 20, "the page text")[0].text
    body = driver.find_element(*_by("body")).text
    assert MASK in pane
    assert not driver.find_elements(*_by(f'a[href="/documents/{doc_id}/original"]'))  # no link to a refusal
    for secret in (name, first_part, address):
        assert not _contains(body, secret), secret
    subject = next(p["name"] for p in truth["doc"].parties if p["role"] == "subject")
    assert _contains(body, subject)  # the accused is not masked
    image = driver.find_element(*_by("#page-img"))
    assert driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image) > 0
    shot = _shoot(driver, "archivist-document", tmp)
    assert shot.stat().st_size < 200_000
    with _session(driver) as archivist:
        hidden = _image(archivist, f"{base}/documents/{doc_id}/pages/1/image")
        refused = archivist.get(f"{base}/documents/{doc_id}/original")
        assert refused.status_code == 403 and name not in refused.text
        assert archivist.get(f"{base}/documents/{doc_id}/redacted.pdf").status_code == 403  # verifiers' copy
    black, paper_black = _ink_blacked(hidden, truth["clean"][0], name_boxes, scale)
    assert black > 0.97 and paper_black > 0.9, (black, paper_black)
    Image.fromarray(hidden).save(tmp / "archivist-page1.png")
    # a search by the name finds nothing; a search by the letter's content shows a masked snippet
    driver.get(f"{base}/tra-cuu?q={quote_plus(name)}")
    _wait(lambda: driver.find_elements(*_by("main")), 20, "the search page")
    assert f"/van-ban/{doc_id}" not in driver.page_source
    driver.get(f"{base}/tra-cuu?q={quote_plus('tôi tên là')}")
    hits = _wait(lambda: driver.find_elements(*_by(".hits .hit")), 20, "the archivist's search hit")
    snippets = " ".join(h.find_element(*_by(".snippet")).text for h in hits)
    assert snippets and not _contains(snippets, name) and not _contains(snippets, first_part)
    _shoot(driver, "archivist-search", tmp)
    _log_out(driver)

    # the web server's log and the ingest's log at DEBUG: no name, no search terms
    served_log = (tmp / "serve.log").read_text(errors="replace")
    ingest_log = (tmp / "ingest.log").read_text(errors="replace")
    assert "GET /tra-cuu HTTP/1.1" in served_log  # the access log is on, its query strings are dropped
    assert "log capture on" in ingest_log
    for log in (served_log, ingest_log):
        for secret in (name, fold(name), quote_plus(name), quote_plus(fold(name)), "t%C3%B4i+t%C3%AAn", first_part):
            assert secret not in log, secret


def _cli(settings: Settings, *args: str) -> str:
    """`donthu --data-dir … ARGS` run in this process (the real entry point, `cli.main.main`); its output."""
    from cli.main import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--data-dir", str(settings.data_dir), *args]) == 0
    return out.getvalue()


def test_cli_reading_commands_mask_the_denouncer_unless_cleared(served, monkeypatch) -> None:
    for key in [k for k in os.environ if k.startswith("DONTHU_")]:
        monkeypatch.delenv(key)
    settings, doc_id, truth, tmp = served["settings"], served["doc_id"], served["truth"], served["tmp"]
    writer = truth["writers"][0]
    secrets = [writer["name"], _street(truth, writer) or writer["name"]]
    masked = {
        "show": _cli(settings, "show", str(doc_id)),
        "show --json": _cli(settings, "show", str(doc_id), "--json"),
        "list": _cli(settings, "list"),
        "list --json": _cli(settings, "list", "--json"),
        "search": _cli(settings, "search", "tôi tên là"),
        "search --json": _cli(settings, "search", "tôi tên là", "--json"),
        "search by name": _cli(settings, "search", writer["name"], "--json"),
        "stats": _cli(settings, "stats", "--by", "type,new_commune", "--csv", str(tmp / "s.csv"),
                      "--xlsx", str(tmp / "s.xlsx")),
    }
    masked["stats csv"] = (tmp / "s.csv").read_text(encoding="utf-8")
    from openpyxl import load_workbook

    sheet = load_workbook(tmp / "s.xlsx").active
    masked["stats xlsx"] = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    for what, out in masked.items():
        for secret in secrets:
            assert not _contains(out, secret), (what, secret)
    assert MASK in masked["show"] and f"#{doc_id}" in masked["search"]
    assert '"total": 0' in masked["search by name"]
    assert "denunciation" in masked["stats"]
    cleared = _cli(settings, "show", str(doc_id), "--cleared")
    assert _contains(cleared, writer["name"])
    assert _contains(_cli(settings, "search", writer["name"], "--cleared"), f"#{doc_id}")
    shown = _cli(settings, "audit", "show", "--action", "read")
    assert "cleared" in shown and f"document {doc_id}" in shown  # reading with --cleared is audited
