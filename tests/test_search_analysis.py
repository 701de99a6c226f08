"""Vietnamese query analysis, snippets, and the pure parts of both backends (no server needed)."""

from __future__ import annotations

import json
import sqlite3
import unicodedata

import pytest

from search.analysis import (
    Term, highlight, matched_tokens, parse_parcel, parse_query, place_key, place_keys, tokenize, value_key,
)
from search.backend import IndexDocument, IndexPage, SearchQuery


def units(text: str) -> list[tuple[str, str, bool]]:
    return [(t.exact, t.folded, t.phrase) for t in parse_query(text).terms]


def test_terms_have_exact_and_folded_forms() -> None:
    assert units("Khiếu nại ĐẤT") == [
        ("khiếu", "khieu", False), ("nại", "nai", False), ("đất", "dat", False),
    ]


def test_decomposed_input_is_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Quyền sử dụng đất")
    assert units(decomposed) == units("Quyền sử dụng đất")
    assert all(unicodedata.is_normalized("NFC", t.exact) for t in parse_query(decomposed).terms)


def test_quoted_phrases() -> None:
    assert units('thu hồi "đất đai" tỉnh') == [
        ("thu", "thu", False), ("hồi", "hoi", False), ("đất đai", "dat dai", True), ("tỉnh", "tinh", False),
    ]


def test_word_with_inner_punctuation_becomes_phrase() -> None:
    assert units("123/QĐ-UBND") == [("123 qđ ubnd", "123 qd ubnd", True)]
    assert units("45/12") == [("45 12", "45 12", True)]


@pytest.mark.parametrize("text", ['"', "*", "AND (", "()", "^-:", '""', "   ", "", "{exact}:", "%_\\"])
def test_punctuation_and_operators_leave_no_syntax(text: str) -> None:
    for term in parse_query(text).terms:
        assert all(ch.isalnum() or ch == " " for ch in term.exact), term


def test_unbalanced_quote_is_ignored_and_duplicates_dropped() -> None:
    assert units('"đất đai') == [("đất", "dat", False), ("đai", "dai", False)]
    assert units("đất Đất đất") == [("đất", "dat", False)]


def test_fts_keywords_are_plain_words() -> None:
    assert units("đất AND NEAR OR") == [
        ("đất", "dat", False), ("and", "and", False), ("near", "near", False), ("or", "or", False),
    ]


def test_has_diacritics() -> None:
    assert Term("đất", "dat").has_diacritics
    assert not Term("dat", "dat").has_diacritics


def test_tokenize_matches_fts5_unicode61() -> None:
    text = "Thửa đất số 45, tờ 12; diện tích 1.234,5 m² (LUC) — ông_Bình"
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'unicode61 remove_diacritics 0')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    db.execute("INSERT INTO t VALUES (?)", (text,))
    fts_tokens = [row[0] for row in db.execute("SELECT term FROM v ORDER BY offset")]
    assert [w.lower() for w in tokenize(text)] == fts_tokens


@pytest.mark.parametrize("name, key", [
    ("Xã Mỹ Hội Đông", "my hoi dong"),
    ("my hoi dong", "my hoi dong"),
    ("huyện  Chợ Mới", "cho moi"),
    ("Thị trấn Chợ Mới", "cho moi"),
    ("TP. Long Xuyên", "long xuyen"),
    ("Phường Mỹ Bình", "my binh"),
    ("Xã", "xa"),
])
def test_place_key(name: str, key: str) -> None:
    assert place_key(name) == key


def test_place_keys_keep_names_that_start_like_a_prefix() -> None:
    assert place_keys("Huyện Quan Sơn") == ["quan son"]
    assert place_keys("Quan Sơn") == ["quan son"]
    assert place_keys("Xã Phương Trà") == ["phuong tra"]
    assert place_keys("quan son") == ["son", "quan son"]  # no diacritics: both readings
    assert place_keys("xa my hoi dong") == ["my hoi dong", "xa my hoi dong"]
    assert place_keys("Quận 1") == ["1"]
    assert place_keys("  ") == []


def test_value_key() -> None:
    assert value_key("Land_Dispute") == "land_dispute"
    assert value_key("PETITION") == "petition"


@pytest.mark.parametrize("text, parcel", [
    ("45/12", ("45", "12")),
    ("45", ("45", None)),
    (" 045 / 012 ", ("45", "12")),
    ("thửa 45 tờ 12", ("45", "12")),
    ("Thửa đất số 45, tờ bản đồ số 12", ("45", "12")),
    ("12a/3", ("12a", "3")),
    ("", None),
    ("/", None),
])
def test_parse_parcel(text: str, parcel: tuple[str, str | None] | None) -> None:
    assert parse_parcel(text) == parcel


# -- snippets ------------------------------------------------------------------------------------

def test_highlight_marks_original_spelling_of_folded_matches() -> None:
    out = highlight("Gia đình tôi khiếu nại về việc thu hồi đất.", parse_query("khieu nai dat"))
    assert out == "Gia đình tôi <mark>khiếu</mark> <mark>nại</mark> về việc thu hồi <mark>đất</mark>."


def test_highlight_phrase_marks_only_adjacent_words() -> None:
    out = highlight("đất ở, đất đai và đai lưng", parse_query('"đất đai"'))
    assert out == "đất ở, <mark>đất</mark> <mark>đai</mark> và đai lưng"


def test_highlight_escapes_html() -> None:
    out = highlight("Công ty A & B <script> đất", parse_query("dat"))
    assert out == "Công ty A &amp; B &lt;script&gt; <mark>đất</mark>"


def test_highlight_windows_around_matches() -> None:
    words = [f"từ{i}" for i in range(200)]
    words[120] = "tranh"
    words[121] = "chấp"
    out = highlight(" ".join(words), parse_query("tranh chap"), words=20)
    assert out.startswith("… ") and out.endswith(" …")
    assert "<mark>tranh</mark> <mark>chấp</mark>" in out
    assert len(out.split()) <= 24


def test_highlight_by_pattern_equals_word_by_word() -> None:
    """`highlight` cuts the page into folded words with one `str.translate` and `str.split`; the word-by-word
    path (every word folded and compared, `_highlight_by_words`) is the reference. Same snippet on pages with
    many matches, upper case, đ/Đ, pages without diacritics, matches at the end of longer words, HTML,
    underscores, tabs, and on overlapping units and characters outside the table (those go word by word)."""
    from search.analysis import _highlight_by_words, _highlight_located

    lines = ["Ủy ban nhân dân xã Mỹ Hội Đông, huyện Chợ Mới, tỉnh An Giang.",
             "UY BAN NHAN DAN XA HOA BINH — ĐƠN KHIẾU NẠI về đất đai & <thửa> số 45/12.",
             "Ông Trần Văn Bân, bà Lê Thị Ban ngụ ấp Bình Hòa; ban ban ban nhân dân.",
             "Tranh chấp quyền sử dụng đất đối với thửa đất số 1534 tờ bản đồ số 43.",
             "Nghị định số 43/2014/NĐ-CP ngày 15/5/2014 của Chính phủ, đất ở đô thị."]
    pages = [" ".join(lines[i % 5] for i in range(k, k + 9)) for k in range(5)]
    pages += [lines[0], "", "— … —", "Straße Ωmega đất đai", "Đất ĐẤT đất dat DAT",
              "ủy_ban nhân\tdân\n\nxã _xã_ ủy ban_nhân dân-xã"]
    queries = ["ủy ban nhân dân xã", "dat", "đất", "an", "ban ban", 'ủy ban "ban nhân"', '"tranh chấp" đất',
               "Nghị định số 43/2014/NĐ-CP", "thửa 45/12", "xyzzy", "binh hoa", "ĐẤT ĐAI", "omega đất", "nhân"]
    located = 0
    for text in pages:
        for query in queries:
            parsed = parse_query(query)
            for words in (5, 30):
                assert highlight(text, parsed, words=words) == _highlight_by_words(text, parsed, words), (text, query)
                located += _highlight_located(text, parsed, words) is not None
    assert located > 100  # most of them took the pattern path


def test_highlight_without_query_is_the_start() -> None:
    text = "Dòng một\n\nDòng   hai " + "chữ " * 100
    out = highlight(text, parse_query(""), words=5)
    assert out == "Dòng một Dòng hai chữ …"


def test_matched_tokens_phrase_and_terms() -> None:
    tokens = ["thu", "hoi", "dat", "dai", "dat"]
    assert matched_tokens(tokens, parse_query('"dat dai"')) == {2, 3}
    assert matched_tokens(tokens, parse_query("dat")) == {2, 4}


# -- SQLite: the MATCH expression ----------------------------------------------------------------

def test_match_expression() -> None:
    from search.sqlite_fts import match_expression

    assert match_expression(parse_query('khieu "đất đai"')) == (
        'folded : "khieu" AND (exact : "đất đai" OR folded : "dat dai")'
    )


# -- Elasticsearch: request and response handling, checked without a server ----------------------

def _doc() -> IndexDocument:
    return IndexDocument(
        doc_id=7, file="a.pdf", kind="decision", type="land_dispute", date="2021-02-30",
        communes=["Xã Mỹ Hội Đông"], districts=["Chợ Mới"], parcels=[("045", "12"), ("7", None)],
        parties=["Trần Văn Hùng"], pages=[IndexPage(1, "trang một"), IndexPage(3, "trang ba")],
    )


def test_es_page_sources() -> None:
    from search.elastic import MAPPINGS, page_sources

    sources = page_sources(_doc())
    assert [(s["ordinal"], s["page"], s["text"]) for s in sources] == [(0, 1, "trang một"), (1, 3, "trang ba")]
    first = sources[0]
    assert first["page_count"] == 2 and "page_count" not in sources[1]
    assert first["commune_keys"] == ["my hoi dong"] and first["district_keys"] == ["cho moi"]
    assert first["parcels"] == ["45/12", "7"] and first["parcel_nos"] == ["45", "7"]
    assert first["date"] is None and first["year"] == 2021  # invalid day: no date, year kept
    assert set().union(*sources) <= set(MAPPINGS["properties"])  # mapping is strict


def test_es_document_without_pages_gets_one_empty_page() -> None:
    from search.elastic import page_sources

    doc = _doc()
    doc.pages = []
    assert [(s["ordinal"], s["page"], s["text"], s["page_count"]) for s in page_sources(doc)] == [(0, 1, "", 1)]


def test_es_request() -> None:
    from search.elastic import build_request

    q = SearchQuery(text='khiếu "dat dai"', commune="my hoi dong", parcel="45/12", year_from=2020, limit=5, offset=10)
    req = build_request(parse_query(q.text), q)
    text, places = req["query"]["bool"]["must"][0]["bool"]["should"]  # every unit on a page, or in the places
    must = text["bool"]["must"]
    assert must[0]["multi_match"]["fields"] == ["text^3", "text.folded"]
    assert must[1]["bool"]["should"][1] == {"match_phrase": {"text.folded": {"query": "dat dai", "boost": 1}}}
    assert places["bool"]["must"][0]["multi_match"]["fields"] == ["places^3", "places.folded"]
    assert len(req["query"]["bool"]["should"]) == 1  # exact bonus only for the term typed with diacritics
    assert {"bool": {"should": [{"terms": {"commune_keys": ["my hoi dong"]}},
                                {"terms": {"old_commune_keys": ["my hoi dong"]}},
                                {"terms": {"new_commune_keys": ["my hoi dong"]}}],
                     "minimum_should_match": 1}} in req["query"]["bool"]["filter"]
    assert {"term": {"parcels": "45/12"}} in req["query"]["bool"]["filter"]
    assert {"range": {"year": {"gte": 2020}}} in req["query"]["bool"]["filter"]
    assert (req["from_"], req["size"], req["collapse"]["field"]) == (10, 5, "doc_id")
    assert req["highlight"]["pre_tags"] == ["<mark>"]

    browse = build_request(parse_query(""), SearchQuery(parcel="45"))
    assert "highlight" not in browse and browse["sort"][0] == {"date": {"order": "desc", "missing": "_last"}}
    assert browse["query"]["bool"]["filter"] == [{"term": {"parcel_nos": "45"}}]


def test_es_response() -> None:
    from search.elastic import parse_response

    resp = {
        "hits": {"hits": [{
            "_score": 4.5,
            "_source": {"doc_id": 7, "page": 3, "file": "a.pdf", "kind": "decision", "type": "land_dispute",
                        "date": "2021-02-03", "text": "..."},
            "highlight": {"text.folded": ["thu hồi <mark>đất</mark>"]},
            "inner_hits": {"pages": {"hits": {"hits": [{"fields": {"page": [1]}}, {"fields": {"page": [3]}}]}}},
        }]},
        "aggregations": {
            "total": {"value": 42},
            "type": {"buckets": [{"key": "land_dispute", "doc_count": 9, "docs": {"value": 3}}]},
            "kind": {"buckets": []}, "district": {"buckets": []}, "commune": {"buckets": []},
            "year": {"buckets": [{"key": 2021, "doc_count": 5, "docs": {"value": 2}}]},
        },
    }
    results = parse_response(resp, parse_query("dat"))
    assert results.total == 42
    hit = results.hits[0]
    assert (hit.doc_id, hit.page, hit.matched_pages, hit.score) == (7, 3, [1, 3], 4.5)
    assert hit.snippet == "thu hồi <mark>đất</mark>"
    assert results.facets["type"] == {"land_dispute": 3} and results.facets["year"] == {"2021": 2}


def test_open_backend_sqlite_and_the_default_tantivy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from donthu.config import Settings
    from search import open_backend
    from search.backend import SearchBackend
    from search.sqlite_fts import SqliteFtsBackend
    from search.tantivy_index import TantivyBackend

    backend = open_backend(Settings(data_dir=tmp_path, search_backend="sqlite"))
    try:
        assert isinstance(backend, SearchBackend) and isinstance(backend, SqliteFtsBackend)
        assert backend.count() == 0
        assert (tmp_path / "index.sqlite").exists()
    finally:
        backend.close()
    backend = open_backend(Settings(data_dir=tmp_path))  # the default: made beside the records
    try:
        assert isinstance(backend, TantivyBackend) and backend.count() == 0
        assert (tmp_path / "index.tantivy" / "meta.json").is_file()
    finally:
        backend.close()
    with pytest.raises(ValueError):
        open_backend(Settings(data_dir=tmp_path, search_backend="elasticsearch"))


# -- Elasticsearch: the calls the client really makes (transport faked, real client code) -----------

class FakeTransport:
    """Stands in for `Elasticsearch.perform_request`: records calls, answers like a server would."""

    def __init__(self, page_counts: dict[str, int]) -> None:
        self.page_counts = page_counts  # "7-0" -> page_count stored on page 0
        self.calls: list[tuple[str, str, str, dict, object]] = []

    def __call__(self, client, method, path, *, params=None, headers=None, body=None,  # type: ignore[no-untyped-def]
                 endpoint_id=None, path_parts=None):
        import json

        from elastic_transport import ApiResponseMeta, HeadApiResponse, HttpHeaders, NodeConfig, ObjectApiResponse

        self.calls.append((endpoint_id or "", method, path, dict(params or {}), body))
        meta = ApiResponseMeta(status=200, http_version="1.1", headers=HttpHeaders(), duration=0.0,
                               node=NodeConfig("http", "localhost", 9200))
        if endpoint_id == "indices.exists":
            return HeadApiResponse(meta=meta)
        answer: dict = {"acknowledged": True}
        if endpoint_id == "mget":
            answer = {"docs": [
                {"_id": i, "found": i in self.page_counts, "_source": {"page_count": self.page_counts.get(i)}}
                for i in body["ids"]]}
        elif endpoint_id == "bulk":
            lines = [json.loads(line) for line in body]
            items, skip = [], False
            for line in lines:
                if skip:
                    skip = False
                    continue
                (op, header), = line.items()
                skip = op in ("index", "create", "update")
                status = 404 if op == "delete" and header["_id"] not in self.page_counts else 200
                items.append({op: {"_id": header["_id"], "status": status}})
            answer = {"errors": any(i[next(iter(i))]["status"] >= 300 for i in items), "items": items}
        elif endpoint_id == "count":
            answer = {"count": 3}
        elif endpoint_id == "search":
            answer = {"hits": {"hits": []}, "aggregations": {"total": {"value": 0}}}
        return ObjectApiResponse(body=answer, meta=meta)

    def of(self, endpoint: str) -> list[tuple[str, str, str, dict, object]]:
        return [c for c in self.calls if c[0] == endpoint]


@pytest.fixture
def fake_es(monkeypatch: pytest.MonkeyPatch) -> FakeTransport:
    from elasticsearch import Elasticsearch

    fake = FakeTransport({"7-0": 3, "7-1": 3, "7-2": 3})
    monkeypatch.setattr(Elasticsearch, "perform_request", lambda self, *a, **k: fake(self, *a, **k))
    return fake


def test_es_open_puts_template_and_creates_index(fake_es: FakeTransport) -> None:
    from search.elastic import ElasticBackend

    ElasticBackend("http://localhost:9200", index="donthu-x")
    (_, method, path, _, body), = fake_es.of("indices.put_index_template")
    assert (method, path) == ("PUT", "/_index_template/donthu-x")
    assert body["index_patterns"] == ["donthu-x"]
    folded = body["template"]["settings"]["analysis"]["analyzer"]["vi_folded"]
    assert folded["char_filter"] == ["vi_d"] and "asciifolding" in folded["filter"]
    assert fake_es.of("indices.create") == []  # exists answered 200


def test_es_reindex_deletes_pages_the_document_no_longer_has(fake_es: FakeTransport) -> None:
    import json

    from search.elastic import ElasticBackend

    backend = ElasticBackend("http://localhost:9200", refresh=True)
    backend.index(_doc())  # doc 7 had 3 pages, now 2
    (_, _, _, _, mget_body), = fake_es.of("mget")
    assert mget_body["ids"] == ["7-0"]
    (_, method, path, params, lines), = fake_es.of("bulk")
    ops = [json.loads(line) for line in lines]
    assert [(next(iter(o)), o[next(iter(o))]["_id"]) for o in ops if "page" not in o] == [
        ("index", "7-0"), ("index", "7-1"), ("delete", "7-2")]
    assert params["refresh"] == "wait_for"

    backend.delete(7)
    _, _, _, _, lines = fake_es.of("bulk")[-1]
    assert [json.loads(line)["delete"]["_id"] for line in lines] == ["7-0", "7-1", "7-2"]
    backend.delete(8)  # unknown: falls back to delete-by-query
    (_, _, path, params, body), = fake_es.of("delete_by_query")
    assert body == {"query": {"term": {"doc_id": 8}}} and params["conflicts"] == "proceed"
    backend.count()  # documents are counted by their first page
    (_, method, path, _, body), = fake_es.of("count")
    assert (method, path) == ("POST", "/donthu-pages/_count") and body == {"query": {"term": {"ordinal": 0}}}


def test_es_search_builds_the_request(fake_es: FakeTransport) -> None:
    """No server here (a fake transport, FakeTransport): what is checked is the HTTP request the client
    library builds from a query; the Elasticsearch behaviour suite runs it against a server."""
    from search.elastic import ElasticBackend

    backend = ElasticBackend("http://localhost:9200")
    backend.search(SearchQuery(text="khiếu nại", district="Huyện Chợ Mới", limit=5, offset=5))
    (_, method, path, params, body), = fake_es.of("search")
    assert (method, path) == ("POST", "/donthu-pages/_search")
    assert (body["from"], body["size"]) == (5, 5)
    assert params["_source_includes"] == ["doc_id", "page", "file", "kind", "type", "date", "text", "places"]
    query = body["query"]["bool"]
    # both words, on the exact and the folded field; the district by its key, without its level word
    # (every unit on the page's text, or every unit in the document's places, old and new names)
    text, places = query["must"][0]["bool"]["should"]
    assert text["bool"]["must"] == [{"multi_match": {"query": word, "fields": ["text^3", "text.folded"],
                                                     "type": "most_fields", "operator": "and"}}
                                    for word in ("khiếu", "nại")]
    assert places["bool"]["must"] == [{"multi_match": {"query": word, "fields": ["places^3", "places.folded"],
                                                       "type": "most_fields", "operator": "and"}}
                                      for word in ("khiếu", "nại")]
    assert query["filter"] == [{"bool": {"should": [{"terms": {"district_keys": ["cho moi"]}},
                                                    {"terms": {"old_district_keys": ["cho moi"]}}],
                                         "minimum_should_match": 1}}]
    # a query with diacritics ranks pages that have them exactly first
    assert [c["constant_score"]["filter"] for c in query["should"]] == [{"match": {"text": "khiếu"}},
                                                                       {"match": {"text": "nại"}}]
    assert body["collapse"]["field"] == "doc_id" and "highlight" in body
    assert body["aggs"]["total"] == {"cardinality": {"field": "doc_id", "precision_threshold": 40000}}


def test_es_uncleared_query_reads_only_the_masked_fields() -> None:
    """A searcher without clearance (`cleared=False`): every text clause, the exact bonus and the highlight
    are on `text_masked`, and the file name comes from `file_masked` (the behaviour suite runs it on a server)."""
    from search.elastic import build_request, page_sources, parse_response

    doc = _doc()
    doc.masked_file = "[đã ẩn].pdf"
    doc.pages = [IndexPage(1, "Tôi tên là Trần Văn Hùng", masked_text="Tôi tên là [đã ẩn]")]
    source = page_sources(doc)[0]
    assert (source["text_masked"], source["file_masked"]) == ("Tôi tên là [đã ẩn]", "[đã ẩn].pdf")
    assert page_sources(_doc())[0]["text_masked"] == "trang một"  # nothing masked: the same text
    q = SearchQuery(text='hùng "trần văn"', cleared=False)
    body = json.dumps(build_request(parse_query(q.text), q), ensure_ascii=False)
    assert '"text"' not in body and '"text.folded"' not in body and '"text^3"' not in body
    assert "text_masked" in body and '"file"' not in body
    resp = {"hits": {"hits": [{"_score": 1.0, "_source": {"doc_id": 7, "page": 1, "file_masked": "[đã ẩn].pdf",
                                                          "kind": "petition", "type": "denunciation",
                                                          "text_masked": "Tôi tên là [đã ẩn]"},
                               "highlight": {"text_masked": ["Tôi <mark>tên</mark> là [đã ẩn]"]}}]},
            "aggregations": {"total": {"value": 1}}}
    hit = parse_response(resp, parse_query("tên"), cleared=False).hits[0]
    assert hit.file == "[đã ẩn].pdf" and hit.snippet == "Tôi <mark>tên</mark> là [đã ẩn]"


def test_fold_text_folds_a_page_like_fold() -> None:
    """`donthu.text.fold_text` (the per-character table the indexers and snippets use) against hand-folded text."""
    import unicodedata

    from donthu.text import fold_text

    page = "Tôi KHIẾU NẠI Quyết định số 123/QĐ-UBND — thửa đất 45, 1.234,5 m²; Huỳnh Ngọc Ẩn, Đặng Thị Ỷ."
    expected = "toi khieu nai quyet dinh so 123/qd-ubnd — thua dat 45, 1.234,5 m²; huynh ngoc an, dang thi y."
    assert fold_text(page) == expected
    assert fold_text(unicodedata.normalize("NFD", page)) == expected  # decomposed input: marks dropped too
    assert fold_text("") == ""
