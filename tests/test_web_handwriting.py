"""A clerk types a handwritten page, in a browser: the real service (`donthu serve` with its worker pool, the
fixtures of tests/test_web.py) reads the real handwritten notebook page, lists it under "Cần nhập tay" on
/luu-tru; the clerk opens it, types the letter beside the page image, and then finds it in Tra cứu by a typed
word, classified from the typed text."""

from __future__ import annotations

import httpx
import pytest

from tests.test_handwriting import CLERK, TYPED_LETTER, _real
from tests.test_web import AUTH, _by, _wait, browser, chromium_installed, needs_chromium, server  # noqa: F401 - fixtures


@pytest.mark.slow
@needs_chromium
def test_clerk_types_a_handwritten_page_and_finds_it(server, browser) -> None:  # noqa: F811
    data = _real("handwritten_notebook.jpg")
    answer = httpx.post(f"{server}/documents", files={"file": ("thu-viet-tay.jpg", data, "image/jpeg")},
                        timeout=60, headers=AUTH)
    assert answer.status_code == 202, answer.text
    doc_id = answer.json()["id"]
    _wait(lambda: httpx.get(f"{server}/documents/{doc_id}", timeout=10, headers=AUTH).json()["status"] == "done", 180,
          "the handwritten page to be processed")

    browser.get(f"{server}/luu-tru")
    link = _wait(lambda: browser.find_elements(*_by(f'.to-type a[href="/nhap-tay/{doc_id}/1"]')), 20,
                 "the page in the 'Cần nhập tay' queue")[0]
    assert "thu-viet-tay.jpg" in link.text
    link.click()
    _wait(lambda: browser.find_elements(*_by("#typed-text")), 20, "the typing form")
    image = browser.find_element(*_by(".typing-grid img"))
    assert image.get_attribute("src").endswith(f"/documents/{doc_id}/pages/1/image")
    assert browser.execute_script("return arguments[0].naturalWidth", image) > 0
    browser.find_element(*_by("#typed-text")).send_keys(TYPED_LETTER)
    assert CLERK in browser.find_element(*_by(".typing-form")).text  # the logged-in user types
    browser.find_element(*_by(".typing-form button[type=submit]")).click()
    _wait(lambda: f"/van-ban/{doc_id}" in browser.current_url, 30, "the document view after saving")
    view = _wait(lambda: browser.find_elements(*_by(".text-pane")), 20, "the page text")[0].text
    assert f"nhập tay bởi {CLERK}" in view and "Lê Văn Tư" in view

    browser.get(f"{server}/tra-cuu?q=lan+chiem+dao+muong")
    hits = _wait(lambda: browser.find_elements(*_by(".hits .hit")), 20, "the search hit")
    assert len(hits) == 1
    assert hits[0].find_element(*_by(".hit-link")).get_attribute("href").split("/van-ban/")[1].startswith(f"{doc_id}?")
    assert "Tranh chấp đất đai" in hits[0].text
