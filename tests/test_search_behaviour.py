"""Behaviour of a search backend, one suite for every backend.

SQLite FTS5 and tantivy (embedded, installed from PyPI: never skipped) always run; Elasticsearch runs when DONTHU_ES_URL points at a server (each run uses a
fresh index named donthu-test-<random>, deleted afterwards).
"""

from __future__ import annotations

import os
import re
import unicodedata
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.backend import IndexDocument, IndexPage, SearchBackend, SearchQuery, SearchResults

BACKENDS = ["sqlite", "tantivy", "elasticsearch"]


def _page(number: int, text: str) -> IndexPage:
    return IndexPage(number=number, text=text)


def corpus() -> list[IndexDocument]:
    docs = [
        IndexDocument(
            doc_id=1, file="don-khieu-nai-nguyen-van-binh.pdf", kind="petition", type="complaint",
            date="2021-03-05", communes=["Xã Mỹ Hội Đông"], districts=["Chợ Mới"],
            parcels=[("45", "12")], parties=["Nguyễn Văn Bình"],
            pages=[
                _page(1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nĐƠN KHIẾU NẠI\n"
                         "Kính gửi: Chủ tịch Ủy ban nhân dân huyện Chợ Mới"),
                _page(2, "Tôi là Nguyễn Văn Bình, ngụ ấp Mỹ Thạnh, xã Mỹ Hội Đông, huyện Chợ Mới. "
                         "Tôi khiếu nại Quyết định số 123/QĐ-UBND ngày 05/01/2021 về việc thu hồi đất đai "
                         "của gia đình tôi tại thửa đất số 45, tờ bản đồ số 12."),
                _page(3, "Đề nghị xem xét lại phương án bồi thường, hỗ trợ và tái định cư cho hộ gia đình tôi."),
            ],
        ),
        IndexDocument(
            doc_id=2, file="qd-tranh-chap-tran-van-hung.pdf", kind="decision", type="land_dispute",
            date="2019-07-10", communes=["Long Điền A"], districts=["Chợ Mới"],
            parcels=[("45", "13")], parties=["Trần Văn Hùng", "Lê Thị Hoa"],
            pages=[
                _page(1, "QUYẾT ĐỊNH\nVề việc giải quyết tranh chấp đất đai giữa ông Trần Văn Hùng "
                         "và bà Lê Thị Hoa, cùng ngụ xã Long Điền A."),
                _page(2, "Thửa đất số 45, tờ bản đồ số 13, diện tích 1.234,5 m², loại đất LUC. "
                         "Hòa giải ở xã không thành."),
            ],
        ),
        IndexDocument(  # OCR lost every diacritic: matches only after folding
            doc_id=3, file="ket-luan-to-cao-scan.pdf", kind="conclusion", type="denunciation",
            date="2022-11-20", communes=["Bình Mỹ"], districts=["Châu Phú"],
            parcels=[("7", "3")], parties=[],
            pages=[
                _page(1, "KET LUAN noi dung to cao doi voi can bo dia chinh xa Binh My"),
                _page(2, "Can bo da lam sai lech ho so dat, nguoi dan dat trau qua ruong. "
                         "Ve tranh chap dat dai va khieu nai cua cong dan, xem xet sau."),
            ],
        ),
        IndexDocument(  # has đất and đai, but never next to each other; & must be escaped
            doc_id=4, file="don-kien-nghi-duong.pdf", kind="petition", type="recommendation",
            date="2023-06-01", communes=["Vọng Thê"], districts=["Thoại Sơn"],
            parcels=[], parties=["Công ty A & B"],
            pages=[
                _page(1, "ĐƠN KIẾN NGHỊ về việc sửa chữa đường giao thông nông thôn bị ngập nước."),
                _page(2, "Đường đất bị sạt lở, ống cống có đai sắt bị gãy. Công ty A & B <thi công> chậm."),
            ],
        ),
        IndexDocument(  # near-homograph of khiếu nại
            doc_id=5, file="don-xin-ho-tro.pdf", kind="petition", type="unknown",
            date="2020-02-14", communes=["Vọng Đông"], districts=["Thoại Sơn"],
            parcels=[("102", None)], parties=["Phạm Thị Lan"],
            pages=[_page(1, "Bà Phạm Thị Lan khiêu nài xin được hỗ trợ vì nhà bị dắt nghiêng.")],
        ),
    ]
    # seven minutes of mediation, for pagination and facets
    for i in range(7):
        docs.append(IndexDocument(
            doc_id=100 + i, file=f"bien-ban-hoa-giai-{i}.pdf", kind="minutes", type="land_dispute",
            date=f"{2015 + i}-09-0{1 + i % 9}", communes=["Hòa Bình"], districts=["Chợ Mới"],
            parcels=[(str(200 + i), "8")], parties=[],
            pages=[_page(1, f"BIÊN BẢN hòa giải tranh chấp lần {i + 1} tại trụ sở xã Hòa Bình."),
                   _page(2, "Các bên không thống nhất. Biên bản lập thành ba bản.")],
        ))
    return docs


def _sqlite(tmp: Path) -> Iterator[SearchBackend]:
    from search.sqlite_fts import SqliteFtsBackend

    backend = SqliteFtsBackend(tmp / "index.sqlite")
    yield backend
    backend.close()


def _tantivy(tmp: Path) -> Iterator[SearchBackend]:
    from search.tantivy_index import TantivyBackend

    backend = TantivyBackend(tmp / "tantivy")
    yield backend
    backend.close()


def _elastic() -> Iterator[SearchBackend]:
    url = os.environ.get("DONTHU_ES_URL")
    if not url:
        pytest.skip("Elasticsearch: no server can run on the build machine; set DONTHU_ES_URL=http://host:9200 "
                    "to run this suite against one")
    from search.elastic import ElasticBackend

    name = f"donthu-test-{uuid.uuid4().hex[:10]}"
    backend = ElasticBackend(url, index=name, refresh=True)
    yield backend
    backend._es.indices.delete(index=name, ignore_unavailable=True)
    backend._es.indices.delete_index_template(name=name)
    backend.close()


def _open(kind: str, tmp: Path) -> Iterator[SearchBackend]:
    if kind == "tantivy":
        return _tantivy(tmp)
    return _sqlite(tmp) if kind == "sqlite" else _elastic()


@pytest.fixture(scope="module", params=BACKENDS)
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchBackend]:
    """A backend holding `corpus()` (read-only tests)."""
    gen = _open(request.param, tmp_path_factory.mktemp(request.param))
    backend = next(gen)
    backend.index_many(corpus())
    yield backend
    next(gen, None)


@pytest.fixture(params=BACKENDS)
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    """A fresh empty backend (tests that write)."""
    gen = _open(request.param, tmp_path)
    yield next(gen)
    next(gen, None)


def ids(results: SearchResults) -> list[int]:
    return [h.doc_id for h in results.hits]


def find(backend: SearchBackend, text: str = "", **filters: object) -> SearchResults:
    return backend.search(SearchQuery(text=text, **filters))  # type: ignore[arg-type]


# -- matching ------------------------------------------------------------------------------------

def test_count(loaded: SearchBackend) -> None:
    assert loaded.count() == 12


def test_query_without_diacritics_finds_diacritic_text(loaded: SearchBackend) -> None:
    assert 1 in ids(find(loaded, "khieu nai dat dai"))
    assert 1 in ids(find(loaded, "phuong an boi thuong"))


def test_d_folds_to_d(loaded: SearchBackend) -> None:
    assert {1, 2, 3} <= set(ids(find(loaded, "dat")))
    assert 1 in ids(find(loaded, "my hoi dong"))
    assert 3 in ids(find(loaded, "Địa Chính"))  # diacritic query finds OCR text without any


def test_uppercase_and_decomposed_queries(loaded: SearchBackend) -> None:
    expected = ids(find(loaded, "đất đai"))
    assert expected
    assert ids(find(loaded, "ĐẤT ĐAI")) == expected
    assert ids(find(loaded, unicodedata.normalize("NFD", "đất đai"))) == expected


def test_decomposed_page_text_is_found(empty: SearchBackend) -> None:
    text = unicodedata.normalize("NFD", "Biên bản xác minh thửa đất của ông Huỳnh Ngọc Ẩn")
    empty.index(IndexDocument(doc_id=9, file="nfd.pdf", kind="minutes", type="unknown",
                              pages=[IndexPage(1, text)]))
    assert ids(find(empty, "Huỳnh Ngọc Ẩn")) == [9]
    assert ids(find(empty, "huynh ngoc an")) == [9]


def test_exact_spelling_ranks_above_folded_match(loaded: SearchBackend) -> None:
    hits = ids(find(loaded, "khiếu nại"))
    assert {1, 3, 5} <= set(hits)  # khiếu nại, khieu nai, khiêu nài
    assert hits.index(1) < hits.index(3) and hits.index(1) < hits.index(5)

    hits = ids(find(loaded, "đất"))
    assert hits.index(1) < hits.index(3) and hits.index(2) < hits.index(3)  # 3 has only dat/dắt


def test_phrase_requires_adjacent_words(loaded: SearchBackend) -> None:
    loose = set(ids(find(loaded, "đất đai")))
    phrase = set(ids(find(loaded, '"đất đai"')))
    assert 4 in loose and 4 not in phrase
    assert {1, 2} <= phrase
    assert {1, 2, 3} <= set(ids(find(loaded, '"dat dai"')))  # folded phrase
    assert 4 not in set(ids(find(loaded, '"dat dai"')))


def test_reference_number_matches_as_phrase(loaded: SearchBackend) -> None:
    results = find(loaded, "123/QĐ-UBND")
    assert ids(results) == [1]
    assert results.hits[0].page == 2


def test_no_match(loaded: SearchBackend) -> None:
    results = find(loaded, "xyzzy quux")
    assert results.total == 0 and results.hits == []


@pytest.mark.parametrize("text", ['"', 'AND (', "*", "NEAR(", "^", "-", ":", '""', "'", "OR", ")", "{exact}:",
                                  'exact : "đất', "đất AND (", "NOT", "[", "\\", "%_"])
def test_syntax_characters_do_not_crash(loaded: SearchBackend, text: str) -> None:
    results = find(loaded, text)
    assert isinstance(results, SearchResults)
    assert results.total >= 0


# -- hits: page, snippet, matched pages ---------------------------------------------------------

def test_hit_page_is_the_page_with_the_words(loaded: SearchBackend) -> None:
    hit = find(loaded, "phuong an boi thuong").hits[0]
    assert (hit.doc_id, hit.page) == (1, 3)
    hit = find(loaded, "diện tích").hits[0]
    assert (hit.doc_id, hit.page) == (2, 2)


def test_matched_pages_lists_every_matching_page(loaded: SearchBackend) -> None:
    hit = next(h for h in find(loaded, "khieu nai").hits if h.doc_id == 1)
    assert hit.matched_pages == [1, 2]


def test_snippet_marks_original_spelling(loaded: SearchBackend) -> None:
    hit = next(h for h in find(loaded, "thu hoi dat").hits if h.doc_id == 1)
    assert hit.page == 2
    assert "<mark>thu</mark>" in hit.snippet and "<mark>hồi</mark>" in hit.snippet
    assert "<mark>đất</mark>" in hit.snippet
    assert "<mark>dat</mark>" not in hit.snippet


def test_snippet_is_html_escaped(loaded: SearchBackend) -> None:
    hit = find(loaded, "thi công").hits[0]
    assert hit.doc_id == 4
    assert "&amp;" in hit.snippet and "&lt;" in hit.snippet
    assert re.sub(r"</?mark>", "", hit.snippet).count("<") == 0


def test_hit_fields(loaded: SearchBackend) -> None:
    hit = find(loaded, "tranh chấp", type="land_dispute", kind="decision").hits[0]
    assert (hit.doc_id, hit.file, hit.kind, hit.type, hit.date) == (
        2, "qd-tranh-chap-tran-van-hung.pdf", "decision", "land_dispute", "2019-07-10")
    assert hit.score > 0


# -- filters ------------------------------------------------------------------------------------

@pytest.mark.parametrize("filters, expected", [
    ({"type": "complaint"}, {1}),
    ({"type": "denunciation"}, {3}),
    ({"kind": "decision"}, {2}),
    ({"kind": "PETITION"}, {1, 4, 5}),
    ({"commune": "my hoi dong"}, {1}),
    ({"commune": "Xã Mỹ Hội Đông"}, {1}),
    ({"commune": "long dien a"}, {2}),
    ({"commune": "xa my hoi dong"}, {1}),
    ({"commune": "Mỹ Hội"}, set()),
    ({"district": "huyện chợ mới", "commune": "hoa binh"}, set(range(100, 107))),
    ({"district": "Thoại Sơn"}, {4, 5}),
    ({"district": "chau phu"}, {3}),
    ({"parcel": "45/12"}, {1}),
    ({"parcel": "45/13"}, {2}),
    ({"parcel": "45"}, {1, 2}),
    ({"parcel": "045/012"}, {1}),
    ({"parcel": "45/99"}, set()),
    ({"parcel": "102"}, {5}),
    ({"year_from": 2020, "year_to": 2022}, {1, 3, 5, 105, 106}),
    ({"year_from": 2023}, {4}),
    ({"year_to": 2015}, {100}),
])
def test_filter_alone(loaded: SearchBackend, filters: dict, expected: set[int]) -> None:
    results = find(loaded, **filters, limit=50)
    assert set(ids(results)) == expected
    assert results.total == len(expected)


@pytest.mark.parametrize("text, filters, expected", [
    ("đất", {"district": "Chợ Mới"}, {1, 2}),
    ("đất", {"district": "cho moi", "type": "land_dispute"}, {2}),
    ("dat", {"year_from": 2021}, {1, 3, 4}),
    ("tranh chap", {"commune": "hoa binh", "year_from": 2019, "year_to": 2020}, {104, 105}),
    ("khieu nai", {"kind": "conclusion"}, {3}),
    ("thửa đất", {"parcel": "45/13"}, {2}),
])
def test_filters_combined_with_text(loaded: SearchBackend, text: str, filters: dict, expected: set[int]) -> None:
    results = find(loaded, text, **filters, limit=50)
    assert set(ids(results)) == expected
    assert results.total == len(expected)


def test_empty_query_browses_by_filters_newest_first(loaded: SearchBackend) -> None:
    results = find(loaded, district="cho moi", limit=50)
    assert results.total == 9
    dates = [h.date for h in results.hits]
    assert dates == sorted(dates, reverse=True)
    assert ids(results)[:2] == [106, 1]  # 2021-09-07, 2021-03-05
    assert all(h.snippet for h in results.hits)


def test_empty_query_without_filters_lists_everything(loaded: SearchBackend) -> None:
    assert find(loaded, limit=50).total == 12


# -- pagination, facets ---------------------------------------------------------------------------

def test_pagination_and_total(loaded: SearchBackend) -> None:
    seen: list[int] = []
    for offset in range(0, 9, 3):
        results = find(loaded, "biên bản", limit=3, offset=offset)
        assert results.total == 7
        seen += ids(results)
    assert sorted(seen) == list(range(100, 107))
    assert find(loaded, "biên bản", limit=3, offset=6).hits[0].doc_id in range(100, 107)
    assert find(loaded, "biên bản", limit=3, offset=30).hits == []


def test_facets_count_all_matches(loaded: SearchBackend) -> None:
    results = find(loaded, "tranh chấp", limit=1)
    assert results.total == 9  # 2, 3 (folded), 100-106
    assert len(results.hits) == 1
    f = results.facets
    assert f["type"] == {"land_dispute": 8, "denunciation": 1}
    assert f["kind"] == {"minutes": 7, "decision": 1, "conclusion": 1}
    assert f["district"] == {"Chợ Mới": 8, "Châu Phú": 1}
    assert f["commune"]["Hòa Bình"] == 7 and f["commune"]["Long Điền A"] == 1
    assert f["year"]["2019"] == 2 and f["year"]["2022"] == 1
    assert sum(f["year"].values()) == 9


# -- writing ------------------------------------------------------------------------------------

def _doc(doc_id: int, *texts: str, **fields: object) -> IndexDocument:
    base = dict(file=f"d{doc_id}.pdf", kind="petition", type="complaint", date="2024-01-02",
                communes=["Mỹ Hội Đông"], districts=["Chợ Mới"], parcels=[], parties=[])
    base.update(fields)
    return IndexDocument(doc_id=doc_id, pages=[IndexPage(i + 1, t) for i, t in enumerate(texts)], **base)  # type: ignore[arg-type]


def test_reindex_replaces_document(empty: SearchBackend) -> None:
    empty.index(_doc(1, "đơn khiếu nại lần đầu", "trang hai về bồi thường", "trang ba tái định cư"))
    empty.index(_doc(2, "đơn tố cáo cán bộ"))
    empty.index(_doc(1, "đơn khiếu nại lần hai", type="land_dispute", communes=["Bình Mỹ"]))
    assert empty.count() == 2
    assert ids(find(empty, "bồi thường")) == []
    assert ids(find(empty, "tái định cư")) == []
    assert ids(find(empty, "lần hai")) == [1]
    assert ids(find(empty, "lần đầu")) == []
    assert ids(find(empty, type="land_dispute")) == [1]
    assert ids(find(empty, commune="my hoi dong")) == [2]


def test_delete(empty: SearchBackend) -> None:
    empty.index_many([_doc(1, "thu hồi đất", "trang hai"), _doc(2, "thu hồi đất")])
    empty.delete(1)
    empty.delete(12345)  # absent: no error
    assert empty.count() == 1
    assert ids(find(empty, "thu hoi dat")) == [2]
    assert find(empty, "trang hai").total == 0
    assert find(empty).facets["type"] == {"complaint": 1}


def test_document_without_date_or_places(empty: SearchBackend) -> None:
    empty.index(_doc(1, "văn bản không ngày", date=None, communes=[], districts=[]))
    assert ids(find(empty, "van ban")) == [1]
    assert ids(find(empty, "van ban", year_from=2000)) == []
    assert find(empty, "van ban").facets["year"] == {}



# -- confidentiality: a searcher without clearance reads only the masked texts --------------------------------

def _denunciation() -> IndexDocument:
    return IndexDocument(
        doc_id=7, file="to-cao-nguyen-thi-trinh.pdf", masked_file="to-cao-[đã ẩn].pdf", kind="petition",
        type="denunciation", date="2024-03-04", communes=["Vĩnh Ngươn"], districts=["Châu Đốc"],
        parties=["Nguyễn Thị Trinh", "Lê Văn Sang"],
        pages=[IndexPage(1, "ĐƠN TỐ CÁO\nTôi tên là Nguyễn Thị Trinh, CCCD số 089068001234, trú tại khóm Mỹ Thọ.\n"
                            "Tôi tố cáo ông Lê Văn Sang nhận tiền của người dân.",
                         masked_text="ĐƠN TỐ CÁO\nTôi tên là [đã ẩn], CCCD số [đã ẩn], trú tại [đã ẩn].\n"
                                     "Tôi tố cáo ông Lê Văn Sang nhận tiền của người dân."),
               IndexPage(2, "Người tố cáo\nNguyễn Thị Trinh", masked_text="Người tố cáo\n[đã ẩn]")],
    )


def test_uncleared_search_matches_only_masked_text(empty: SearchBackend) -> None:
    empty.index_many([_denunciation(), _doc(8, "Bà Nguyễn Thị Trinh khiếu nại việc thu hồi đất.")])
    for query in ("Nguyễn Thị Trinh", "nguyen thi trinh", '"thị trinh"', "trinh", "089068001234", "Mỹ Thọ"):
        hidden = find(empty, query, cleared=False)
        assert 7 not in ids(hidden), query  # the denunciation is not found by its denouncer
        assert hidden.facets["type"].get("denunciation", 0) == 0, query
        assert 7 in ids(find(empty, query)), query  # the system (and a cleared reader) finds it
    assert ids(find(empty, "Nguyễn Thị Trinh", cleared=False)) == [8]  # a complaint is not confidential
    assert find(empty, "Nguyễn Thị Trinh", cleared=False).total == 1
    hit = find(empty, "tố cáo Lê Văn Sang", cleared=False).hits[0]
    assert hit.doc_id == 7 and "Trinh" not in hit.snippet and "0890" not in hit.snippet
    assert "<mark>Sang</mark>" in hit.snippet and hit.file == "to-cao-[đã ẩn].pdf"
    assert find(empty, "tố cáo Lê Văn Sang").hits[0].file == "to-cao-nguyen-thi-trinh.pdf"
    browse = find(empty, type="denunciation", cleared=False)
    assert ids(browse) == [7] and "Trinh" not in browse.hits[0].snippet
    assert find(empty, type="denunciation", cleared=False).facets["type"] == {"denunciation": 1}
    empty.index(_denunciation())  # re-indexed: still one masked copy per page
    assert find(empty, "tố cáo", cleared=False).total == 1
    empty.delete(7)
    assert find(empty, "tố cáo", cleared=False).total == 0


# -- SQLite only: several processes writing one index file -----------------------------------------

def _write_docs(path: str, first: int) -> None:
    from search.sqlite_fts import SqliteFtsBackend

    backend = SqliteFtsBackend(Path(path))
    for doc_id in range(first, first + 15):
        backend.index(_doc(doc_id, f"đơn số {doc_id} về tranh chấp đất", "trang hai"))
        backend.search(SearchQuery("tranh chấp"))
    backend.close()


def test_sqlite_several_processes_write_one_file(tmp_path: Path) -> None:
    import multiprocessing

    from search.sqlite_fts import SqliteFtsBackend

    path = str(tmp_path / "shared.sqlite")  # not created yet: the processes race to create the schema
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_write_docs, args=(path, first)) for first in (1, 101, 201)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    backend = SqliteFtsBackend(Path(path))
    try:
        assert backend.count() == 45
        assert backend.search(SearchQuery("tranh chap dat", limit=0)).total == 45
        assert backend._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        backend.close()


# -- tantivy only: the counting path of large result sets, on the small corpus -------------------------------

def test_tantivy_large_result_path_counts_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above EXACT_COUNT_PAGES matching pages tantivy counts with cardinality aggregations and ranks from the
    top pages only; forced here on the small corpus, whose answers are known."""
    import search.tantivy_index as tv

    monkeypatch.setattr(tv, "EXACT_COUNT_PAGES", 0)
    backend = tv.TantivyBackend(tmp_path / "tantivy")
    backend.index_many(corpus())
    results = find(backend, "tranh chấp", limit=1)
    assert results.total == 9 and len(results.hits) == 1
    assert results.facets["type"] == {"land_dispute": 8, "denunciation": 1}
    assert results.facets["district"] == {"Chợ Mới": 8, "Châu Phú": 1}
    assert sum(results.facets["year"].values()) == 9
    seen = [h.doc_id for offset in range(0, 9, 3) for h in find(backend, "biên bản", limit=3, offset=offset).hits]
    assert sorted(seen) == list(range(100, 107))
    hits = ids(find(backend, "khiếu nại"))
    assert hits.index(1) < hits.index(3) and hits.index(1) < hits.index(5)
    hit = next(h for h in find(backend, "khieu nai").hits if h.doc_id == 1)
    assert hit.matched_pages == [1, 2]
    backend.close()


def test_tantivy_sampled_counts_are_flagged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above SAMPLE_ABOVE_PAGES matching pages the total and facets are estimates from a sample of the
    documents (flagged `approximate`); the hits and their order are still the exact ranking."""
    import search.tantivy_index as tv

    monkeypatch.setattr(tv, "EXACT_COUNT_PAGES", 0)
    monkeypatch.setattr(tv, "SAMPLE_ABOVE_PAGES", 1)
    backend = tv.TantivyBackend(tmp_path / "tantivy")
    backend.index_many(corpus())
    results = find(backend, "khiếu nại")
    assert results.approximate
    hits = ids(results)
    assert {1, 3, 5} <= set(hits) and hits.index(1) < hits.index(3) and hits.index(1) < hits.index(5)
    assert not find(backend, district="cho moi").approximate  # browsing counts first pages: exact
    assert find(backend, district="cho moi").total == 9
    backend.close()


def test_tantivy_pages_through_the_tier_and_the_rest_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On the large-result path the exact-spelling tier is ranked on its own and the other documents after it;
    paging one hit at a time gives the same order as one long page (each document once), spelled-exactly
    documents first."""
    import search.tantivy_index as tv

    monkeypatch.setattr(tv, "EXACT_COUNT_PAGES", 0)
    backend = tv.TantivyBackend(tmp_path / "tantivy")
    backend.index_many(corpus())
    for text in ("khiếu nại", "tranh chấp đất", '"tranh chấp"', "dat"):
        whole = ids(find(backend, text, limit=50))
        paged = [i for offset in range(len(whole) + 1) for i in ids(find(backend, text, limit=1, offset=offset))]
        assert paged == whole and len(set(whole)) == len(whole), text
        assert whole and find(backend, text).approximate
    whole = ids(find(backend, "khiếu nại", limit=50))
    assert whole.index(1) < whole.index(3) and whole.index(1) < whole.index(5)  # 3 has no diacritics
    backend.close()


@pytest.mark.parametrize("share", [0.0, 2.0])
def test_tantivy_tier_ranked_from_the_words_as_from_the_intersection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     share: float) -> None:
    """The exact-spelling tier of several words, or with a phrase, is ranked from the top pages of its words'
    union (block-max WAND; `share` 0: every word counts as common) or, for a phrase, their conjunction (`share`
    2), restricted to the pages of the tier: the same hits, pages and scores as ranking the tier's intersection
    itself, for every page of hits; widened when the words' top holds too few tier pages. A phrase typed without
    diacritics is ranked so too, its places rows added. A filter or a searcher without clearance keeps the
    intersection."""
    import random

    import search.tantivy_index as tv

    monkeypatch.setattr(tv, "EXACT_COUNT_PAGES", 0)
    monkeypatch.setattr(tv, "TOP_PAGES_MIN", 2)
    monkeypatch.setattr(tv, "UNION_TIER_SHARE", share)
    rnd = random.Random(3)
    words = ["ủy", "ban", "nhân", "dân", "xã", "uy", "nhan", "dan", "xa", "đất", "khiếu", "nại", "thửa", "số"]

    def page_text() -> str:  # most pages lack a few words: many of the words' best pages are not in the tier
        some = rnd.sample(words, rnd.randint(4, len(words)))
        return " ".join(rnd.choices(some, k=rnd.randint(3, 40)))

    docs = [IndexDocument(doc_id=300 + i, file=f"u{i}.pdf", kind="petition", type="complaint",
                          date=f"20{10 + i % 12}-01-0{1 + i % 9}", places=["Mỹ Hòa"],
                          pages=[IndexPage(n, page_text()) for n in (1, 2)])
            for i in range(120)]
    docs += [IndexDocument(doc_id=500 + i, file=f"p{i}.pdf", kind="petition", type="complaint", date="2015-01-01",
                           places=["Nhân Dân"], pages=[IndexPage(1, "đất số thửa")]) for i in range(3)]
    backend = tv.TantivyBackend(tmp_path / "tantivy")
    backend.index_many(docs)
    by_words = tv.TantivyBackend._top_by_words

    def answers(text: str, limit: int, offset: int) -> list[tuple[int, int, float, tuple[int, ...]]]:
        return [(h.doc_id, h.page, round(h.score, 4), tuple(h.matched_pages))
                for h in find(backend, text, limit=limit, offset=offset).hits]

    used = []
    monkeypatch.setattr(tv.TantivyBackend, "_top_by_words",
                        lambda self, *a, **k: used.append(a) or by_words(self, *a, **k))
    phrases = [('"nhân dân"', 5, 0), ('"nhân dân"', 10, 3), ('"ủy ban" xã', 5, 0), ('"số đất" thửa', 3, 1),
               ('"dân xã ủy"', 4, 0), ('"xã xã"', 2, 0), ('"nhan dan"', 6, 0), ('"nhan dan"', 5, 9),
               ('"uy ban" xa', 4, 0)]
    queries = phrases + [("ủy ban nhân dân xã", 5, 0), ("ủy ban nhân dân xã", 10, 7), ("nhân dân", 3, 0),
                         ("khiếu nại đất", 4, 2), ("xã thửa số", 20, 0)]
    got = {q: answers(*q) for q in queries}
    assert len(used) == (len(queries) if share == 0.0 else len(phrases))
    assert {a[3] for a in used} == ({"union"} if share == 0.0 else {"conjunction"})
    before = len(used)
    find(backend, '"ủy ban" xã', limit=5, type="complaint")
    backend.search(SearchQuery(text='"ủy ban" xã', limit=5, cleared=False))
    find(backend, "ủy ban nhân dân xã", limit=5, type="complaint")
    backend.search(SearchQuery(text="ủy ban nhân dân xã", limit=5, cleared=False))
    assert len(used) == before  # a filter, no clearance: the intersection
    monkeypatch.setattr(tv.TantivyBackend, "_top_by_words", lambda self, searcher, parsed, query, plan, wanted, add,
                        places=None: self._top_docs(searcher, query, wanted, add))
    for q in queries:
        assert got[q] == answers(*q) and got[q], q
    assert any(h[3] == () for q in phrases if "nhan" in q[0] for h in got[q])  # a places row among the hits
    backend.close()


def test_tantivy_phrase_scores_its_words_on_the_pages_holding_it(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A phrase matches exactly the pages holding its words in a row (every hit, every matched page: checked
    against the page texts), and a page scores the sum of its words' BM25 (tantivy's phrase score, from the
    phrase's frequency, needs the positions of every candidate page); exact spelling first. On both paths:
    every match read, and the sampled one ranking from the words."""
    import search.tantivy_index as tv
    from donthu.text import fold

    docs = corpus() + [
        IndexDocument(doc_id=500 + i, file=f"p{i}.pdf", kind="petition", type="complaint", date="2020-01-01",
                      pages=[IndexPage(1, text), IndexPage(2, "đất tranh chấp, đai sắt " * (i + 1))])
        for i, text in enumerate(["Tranh chấp đất đai kéo dài, tranh chấp đất đai.", "đất đai tranh chấp",
                                  "TRANH CHAP DAT DAI", "tranh chấp về đất, đai", "Tranh chấp đất-đai ở xã"])]
    for exact_count in (5000, 0):
        monkeypatch.setattr(tv, "EXACT_COUNT_PAGES", exact_count)
        backend = tv.TantivyBackend(tmp_path / f"tantivy{exact_count}")
        backend.index_many(docs)
        for text in ('"tranh chấp đất đai"', '"tranh chap dat dai"'):
            results = find(backend, text, limit=50)
            holding = {(d.doc_id, p.number) for d in docs for p in d.pages
                       if " tranh chap dat dai " in " " + " ".join(re.findall(r"[^\W_]+", fold(p.text))) + " "}
            assert {(h.doc_id, p) for h in results.hits for p in h.matched_pages} == holding, text
            assert results.total == len({d for d, _ in holding})
            searcher = backend._searcher()
            exact = "ấ" in text
            for h in results.hits:
                page_row = tantivy_row(backend, searcher, h.doc_id, h.page)
                spelled = exact and (h.doc_id, h.page) in {(d.doc_id, p.number) for d in docs for p in d.pages
                                                          if "tranh chấp đất đai" in " ".join(
                                                              re.findall(r"[^\W_]+", p.text.lower()))}
                # every match read: folded BM25 + the bonus; sampled: the tier by BM25 of the exact spelling
                field = "exact" if spelled and not exact_count else "folded"
                words = ["tranh", "chấp", "đất", "đai"] if field == "exact" else ["tranh", "chap", "dat", "dai"]
                bm25 = sum(word_score(backend, searcher, field, w, page_row) for w in words)
                assert h.score == pytest.approx(bm25 + (10_000.0 if spelled else 0.0), rel=1e-5), (text, h.doc_id)
        hits = ids(find(backend, '"tranh chấp đất đai"', limit=50))
        assert hits.index(2) < hits.index(3) and hits.index(500) < hits.index(502)  # exact spelling first
        backend.close()


def tantivy_row(backend: SearchBackend, searcher: object, doc_id: int, page: int) -> tuple[int, int]:
    """(segment, doc) of a page's row in a tantivy index."""
    import tantivy

    term = backend._term  # type: ignore[attr-defined]
    q = tantivy.Query.boolean_query([(tantivy.Occur.Must, term("doc_id", doc_id)),
                                     (tantivy.Occur.Must, term("ordinal", page - 1))])
    (_, addr), = searcher.search(q, 2).hits  # type: ignore[attr-defined]
    return addr.segment_ord, addr.doc


def word_score(backend: SearchBackend, searcher: object, field: str, word: str, row: tuple[int, int]) -> float:
    """BM25 of one word on one row (tantivy's term query)."""
    hits = searcher.search(backend._term(field, word), 10_000).hits  # type: ignore[attr-defined]
    return next(score for score, a in hits if (a.segment_ord, a.doc) == row)


def test_tantivy_searches_run_concurrently(tmp_path: Path) -> None:
    """Searches take no lock (each its own searcher): many threads searching at once, while another thread
    re-indexes documents, get the answers one thread gets alone."""
    import threading

    from search.tantivy_index import TantivyBackend

    backend = TantivyBackend(tmp_path / "tantivy")
    docs = corpus()
    backend.index_many(docs)
    queries = [SearchQuery(text=t, cleared=c) for t in ("khiếu nại", "dat dai", '"tranh chấp"', "Nguyễn Văn Bình", "")
               for c in (True, False)]

    def answer(q: SearchQuery) -> tuple:
        r = backend.search(q)
        # the order may move with the scores' statistics while documents are re-written: compared as a set
        return r.total, sorted((h.doc_id, h.page, h.snippet, tuple(h.matched_pages)) for h in r.hits), r.facets

    expected = [answer(q) for q in queries]
    failures: list[str] = []

    def reader() -> None:
        for _ in range(5):
            for q, want in zip(queries, expected):
                if answer(q) != want:
                    failures.append(q.text)

    def writer() -> None:
        for _ in range(3):
            backend.index_many(docs[:3])  # the same documents again: answers unchanged

    threads = [threading.Thread(target=reader) for _ in range(4)] + [threading.Thread(target=writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    backend.close()
