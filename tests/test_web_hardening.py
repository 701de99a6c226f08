"""The clerks' intake page under the hardened service, in a real browser (the fixtures of tests/test_web.py):
its scripts run under the Content-Security-Policy (no inline script), its uploads pass the same-origin
check, and when the server takes fewer uploads at once than the clerk drops files, every file is still
taken (the page sends two at a time and waits out a 503)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from conftest import start_serve, stop
from tests.test_web import (PASSWORD, USERNAME, _by, _wait, browser, chromium_installed, cli_token,  # noqa: F401
                            server,
                            needs_chromium)


NARROW_AUTH: dict[str, str] = {}


@pytest.fixture(scope="module")
def narrow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`donthu serve` that receives one upload at a time."""
    tmp = tmp_path_factory.mktemp("narrow")
    NARROW_AUTH.update(cli_token(tmp / "data", "officer", USERNAME))  # the same officer as tests/test_web.py's
    proc, base = start_serve(tmp / "data", tmp / "serve.log",
                             env={"DONTHU_WORKERS": "1", "DONTHU_MAX_CONCURRENT_UPLOADS": "1"})
    try:
        yield base
    finally:
        stop(proc)


@pytest.mark.slow
@needs_chromium
def test_dropping_more_files_than_the_server_takes_at_once(narrow_server: str, browser, tmp_path: Path) -> None:
    paths = []
    for i in range(4):
        path = tmp_path / f"trang-{i}.png"
        image = Image.new("L", (1200, 900), 250)
        image.paste(0, (100 + 50 * i, 100, 300 + 50 * i, 140))  # different content: four documents
        image.save(path)
        paths.append(path)
    browser.get(narrow_server + "/dang-nhap")  # its own data folder signs its own sessions: log in there
    browser.find_element(*_by("input[name=username]")).send_keys(USERNAME)
    browser.find_element(*_by("input[name=password]")).send_keys(PASSWORD)
    browser.find_element(*_by(".login button[type=submit]")).click()
    _wait(lambda: "/dang-nhap" not in browser.current_url, 20, "the login")
    browser.get(narrow_server + "/")
    csp = httpx.get(narrow_server + "/", timeout=10, headers=NARROW_AUTH).headers["content-security-policy"]
    assert "script-src 'self';" in csp
    browser.find_element(*_by("#files")).send_keys("\n".join(str(p) for p in paths))
    accepted = _wait(lambda: len(browser.find_elements(*_by("#cards .card[data-id]"))) == 4 and
                     browser.find_elements(*_by("#cards .card[data-id]")), 120, "four accepted uploads")
    assert not browser.find_elements(*_by("#cards .card[data-status=rejected]"))
    ids = {int(card.get_attribute("data-id")) for card in accepted}
    assert len(ids) == 4
    listed = httpx.get(narrow_server + "/documents", timeout=10, headers=NARROW_AUTH).json()
    assert listed["total"] == 4 and {d["file"] for d in listed["items"]} == {p.name for p in paths}
