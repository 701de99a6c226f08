"""Estimated counts are told as estimates: when the tantivy backend counts a very large result set
(`SearchResults.approximate`, search.tantivy_index), `GET /search` says `approximate: true`, the search page
says "khoảng N kết quả" with facet counts prefixed "~", and `donthu search` prints "about N documents".

The large-result path is forced on the small corpus of tests/test_search_behaviour.py (EXACT_COUNT_PAGES = 0,
as there): its counts are still the hand-known ones (9 documents match "tranh chấp": 8 land disputes and one
denunciation), only flagged as estimates; the exact path shows no "khoảng"."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.web import vn_count
from donthu.access import Role
from donthu.config import Settings
from tests.accounts import bearer, logged_in
from tests.test_search_behaviour import corpus


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The app on the tantivy backend, its index holding the behaviour suite's 12 documents."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("estimates") / "data", search_backend="tantivy", workers=1)
    with TestClient(create_app(settings, submit=lambda _id: None, resume=False)) as c:
        c.app.state.services.backend().index_many(corpus())
        yield c


@pytest.fixture(scope="module")
def officer(client: TestClient) -> TestClient:
    """A handling officer logged in through the login form (session cookie)."""
    return logged_in(TestClient(client.app))


@pytest.fixture
def large_path(monkeypatch: pytest.MonkeyPatch) -> None:
    import search.tantivy_index as tv

    monkeypatch.setattr(tv, "EXACT_COUNT_PAGES", 0)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_vn_count_groups_thousands_and_rounds_estimates() -> None:
    assert vn_count(9) == "9" and vn_count(999, True) == "999"
    assert vn_count(12345) == "12.345"
    assert vn_count(12345, True) == "12.300"
    assert vn_count(12350, True) == "12.400"
    assert vn_count(1_234_567, True) == "1.230.000"
    assert vn_count(1_000_000) == "1.000.000"


def test_api_flags_estimates(client: TestClient, large_path: None) -> None:
    headers = bearer(client, Role.OFFICER, label="estimates")
    body = client.get("/search", params={"q": "tranh chấp"}, headers=headers).json()
    assert body["approximate"] is True
    assert body["total"] == 9
    assert body["facets"]["type"] == {"land_dispute": 8, "denunciation": 1}
    schema = client.app.openapi()["components"]["schemas"]["SearchResponse"]
    assert "approximate" in schema["properties"] and "estimate" in schema["properties"]["approximate"]["description"]


def test_api_exact_result_is_not_flagged(client: TestClient) -> None:
    headers = bearer(client, Role.OFFICER, label="exact")
    body = client.get("/search", params={"q": "tranh chấp"}, headers=headers).json()
    assert body["approximate"] is False and body["total"] == 9


def test_page_says_khoang_and_tilde(officer: TestClient, large_path: None) -> None:
    page = officer.get("/tra-cuu", params={"q": "tranh chấp"})
    assert page.status_code == 200
    text = _text(page.text)
    assert "Tìm thấy khoảng 9 kết quả" in text
    assert re.search(r'<span class="count"[^>]*>~8</span>', page.text)  # land disputes
    assert re.search(r'<span class="count"[^>]*>~1</span>', page.text)  # the denunciation
    assert "Tranh chấp đất đai (~8)" in text  # the type filter's option


def test_page_exact_result_has_no_khoang(officer: TestClient) -> None:
    page = officer.get("/tra-cuu", params={"q": "tranh chấp"})
    text = _text(page.text)
    assert "Tìm thấy 9 văn bản" in text
    assert "khoảng" not in text and "~" not in text
    assert re.search(r'<span class="count">8</span>', page.text)


def test_denials_unchanged(client: TestClient, large_path: None) -> None:
    fresh = TestClient(client.app)
    assert fresh.get("/search", params={"q": "tranh chấp"}).status_code == 401
    verifier = bearer(fresh, Role.VERIFIER, label="denied")
    assert fresh.get("/search", params={"q": "tranh chấp"}, headers=verifier).status_code == 403
    anonymous = fresh.get("/tra-cuu", params={"q": "tranh chấp"}, follow_redirects=False)
    assert anonymous.status_code in (302, 303) and "khoảng" not in anonymous.text
    denied = logged_in(TestClient(client.app), Role.VERIFIER).get("/tra-cuu", params={"q": "tranh chấp"})
    assert denied.status_code == 403 and "khoảng" not in denied.text


def test_cli_prints_about(tmp_path: Path, large_path: None, capsys: pytest.CaptureFixture[str]) -> None:
    from cli.main import cmd_search
    from search import open_backend

    settings = Settings(data_dir=tmp_path / "data", search_backend="tantivy")
    backend = open_backend(settings)
    backend.index_many(corpus())
    backend.close()
    args = argparse.Namespace(query="tranh chấp", type=None, kind=None, commune=None, district=None, parcel=None,
                              year_from=None, year_to=None, limit=3, offset=0, json=False, cleared=False)
    assert cmd_search(args, settings) == 0
    assert capsys.readouterr().out.splitlines()[0] == "about 9 documents"
