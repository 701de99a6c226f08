"""The generated corpus content: determinism, NFC, truth derivable from the text, variety, speed."""

from __future__ import annotations

import dataclasses
import random
import re
import time
import unicodedata
from collections import Counter, defaultdict

import pytest

from corpus.content.dates import number_words
from corpus.content import FAMILIES, generate_doc, generate_docs, generate_dossier
from donthu.schema import Parcel, Party, Reference

N = 300


@pytest.fixture(scope="module")
def docs():
    return generate_docs(N, seed=11)


def text_of(doc) -> str:
    return "\n".join(line.text for line in doc.lines)


def is_nfc(s: str) -> bool:
    return unicodedata.normalize("NFC", s) == s


def test_deterministic():
    a = [dataclasses.asdict(d) for d in generate_docs(40, seed=5)]
    b = [dataclasses.asdict(d) for d in generate_docs(40, seed=5)]
    c = [dataclasses.asdict(d) for d in generate_docs(40, seed=6)]
    assert a == b
    assert a != c


def test_ids_and_count(docs):
    assert len(docs) == N
    assert [d.doc_id for d in docs] == [f"d11-{i:05d}" for i in range(N)]


def test_nfc_everywhere(docs):
    for d in docs:
        for line in d.lines:
            assert is_nfc(line.text)
        for p in d.parties:
            assert all(is_nfc(v) for v in p.values() if isinstance(v, str))
        for r in d.references:
            assert all(is_nfc(v) for v in r.values() if isinstance(v, str))


def test_truth_has_schema_shapes(docs):
    for d in docs:
        for p in d.parties:
            Party(**p)
        for p in d.parcels:
            Parcel(**p)
        for r in d.references:
            Reference(**r)
        assert d.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", d.date)


def test_truth_derivable_from_text(docs):
    for d in docs:
        text = text_of(d)
        compact = text.replace(" ", "")
        for p in d.parties:
            assert p["name"] in text, (d.doc_id, p)
            assert not p["name"].lower().startswith(("ông ", "bà ")), p
            if p["id_number"]:
                assert re.fullmatch(r"\d{9}|\d{12}", p["id_number"])
                assert p["id_number"] in text, (d.doc_id, p)
            if p["address"]:
                assert p["address"] in text, (d.doc_id, p)
        for p in d.parcels:
            assert re.search(rf"(?<!\d){p['parcel_no']}(?!\d)", text), (d.doc_id, p)
            assert re.search(rf"(?<!\d)0*{p['map_sheet']}(?!\d)", text), (d.doc_id, p)
            for key in ("commune", "district", "province"):
                assert p[key] is None or p[key] in text, (d.doc_id, key, p)
            assert p["commune"], p
        for r in d.references:
            assert r["number"].replace(" ", "") in compact, (d.doc_id, r)
            if r["issuer"]:
                assert r["issuer"] in text, (d.doc_id, r)
        year = int(d.date[:4])
        assert str(year) in text or number_words(year) in text, d.doc_id


def test_people_distinct_within_a_document(docs):
    for d in docs:
        names = [p["name"] for p in d.parties]
        assert len(names) == len(set(names)), (d.doc_id, names)


def _date_forms(iso: str) -> list[str]:
    y, m, d = (int(x) for x in iso.split("-"))
    return [f"{d:02d}/{m}/{y}", f"{d:02d}/{m:02d}/{y}", f"ngày {d:02d} tháng {m} năm {y}",
            f"ngày {d} tháng {m} năm {y}", f"ngày {d:02d} tháng {m:02d} năm {y}", f"ngày {d} tháng {m:02d} năm {y}"]


def test_reference_dates_and_issuers_follow_the_number(docs):
    for d in docs:
        text = text_of(d)
        for r in d.references:
            if r["date"]:
                ok = any(re.search(re.escape(r["number"]) + r",? (ngày )?" + re.escape(f.removeprefix("ngày ")), text)
                         for f in _date_forms(r["date"]))
                assert ok, (d.doc_id, r)
            if r["issuer"]:
                assert re.search(re.escape(r["number"]) + r"[^\n;]{0,40} của " + re.escape(r["issuer"]), text), (d.doc_id, r)


def test_one_parcel_entry_per_number(docs):
    for d in docs:
        keys = [(p["parcel_no"], p["map_sheet"]) for p in d.parcels]
        assert len(keys) == len(set(keys))


def test_party_roles_fit_type(docs):
    main_role = {"complaint": "complainant", "denunciation": "denouncer", "recommendation": "petitioner",
                 "land_dispute": "disputant"}
    for d in docs:
        roles = Counter(p["role"] for p in d.parties)
        if d.kind == "petition":
            assert roles[main_role[d.type]] >= 1, d.doc_id
        if d.type == "land_dispute" and d.kind in ("petition", "decision"):
            assert roles["disputant"] >= 2, d.doc_id
        if d.type == "complaint" and d.kind in ("petition", "decision"):
            assert roles["subject"] >= 1


def test_all_kinds_types_families_present(docs):
    assert {d.kind for d in docs} == {"petition", "decision", "conclusion", "notice", "minutes", "other"}
    assert {d.type for d in docs} == {"complaint", "denunciation", "recommendation", "land_dispute"}
    assert set(FAMILIES) <= {d.family for d in docs}
    letters = [d for d in docs if d.kind == "petition"]
    assert 0.35 <= len(letters) / len(docs) <= 0.6
    assert {d.type for d in letters} == {"complaint", "denunciation", "recommendation", "land_dispute"}


def test_neutral_titles_share(docs):
    letters = [d for d in docs if d.kind == "petition"]
    neutral = sum(not d.title_names_type for d in letters) / len(letters)
    assert 0.3 <= neutral <= 0.5


def test_title_names_type_matches_the_title(docs):
    keyword = {"complaint": "KHIẾU NẠI", "denunciation": "TỐ CÁO", "recommendation": ("KIẾN NGHỊ", "PHẢN ÁNH"),
               "land_dispute": "TRANH CHẤP ĐẤT ĐAI"}
    for d in docs:
        if d.kind != "petition":
            continue
        title = next(line.text for line in d.lines if line.text.startswith("ĐƠN"))
        words = keyword[d.type] if isinstance(keyword[d.type], tuple) else (keyword[d.type],)
        assert d.title_names_type == any(w in title for w in words), (d.doc_id, title, d.type)


def _opening(doc) -> str:
    """The first body paragraph's first words (after the `Căn cứ` lines), digits masked."""
    for line in doc.lines:
        if line.align == "justify" and not line.text.startswith(("Kính gửi", "Căn cứ")):
            return " ".join(re.sub(r"\d+", "#", line.text).split()[:3])
    return ""


def test_variety_of_openings_and_parcels():
    rng = random.Random(3)
    by_family = defaultdict(set)
    for fam in FAMILIES:
        for _ in range(40):
            by_family[fam].add(_opening(generate_doc(rng, fam)))
    for fam, openings in by_family.items():
        assert len(openings) >= 4, (fam, openings)
    docs = generate_docs(200, seed=4)
    text = "\n".join(text_of(d) for d in docs)
    styles = {
        "thửa đất số N, tờ bản đồ số N": r"thửa đất số \d+, tờ bản đồ số \d+",
        "thửa N tờ N": r"thửa \d+ tờ \d+",
        "thửa số N (tờ bản đồ N)": r"thửa số \d+ \(tờ bản đồ \d+\)",
        "tờ bản đồ số N, thửa đất số N": r"tờ bản đồ số \d+, thửa đất số \d+",
        "các thửa đất số N, N": r"các thửa (đất )?số \d+(, \d+)* (và|,) ?\d+",
    }
    found = {k for k, pat in styles.items() if re.search(pat, text)}
    assert len(found) >= 4, found
    areas = {k for k, pat in {"1.234,5 m²": r"\d\.\d{3}(,\d+)? m²", "m2": r"\d+m2", "mét vuông": r"mét vuông",
                              "ha": r"\d+(,\d+)? ha\b"}.items() if re.search(pat, text)}
    assert len(areas) >= 3, areas


def test_letters_have_motto_kinh_gui_and_signature(docs):
    for d in docs:
        if d.kind != "petition":
            continue
        texts = [line.text for line in d.lines]
        assert texts[0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        assert d.lines[0].bold and d.lines[0].align == "center"
        assert any(t.startswith("Kính gửi") for t in texts)
        tail = "\n".join(texts[-12:])
        assert d.signature_names and all(n in tail for n in d.signature_names)


def test_official_headers_two_columns(docs):
    for d in docs:
        if d.kind in ("decision", "conclusion", "notice"):
            cols = [line.column for line in d.lines[:10]]
            assert "left" in cols and "right" in cols
            own = [line.text for line in d.lines if line.column == "left" and line.text.startswith("Số: ")]
            assert own and own[0][4:] in {r["number"] for r in d.references}


def test_dossier_shares_parties_and_cites_earlier():
    rng = random.Random(8)
    for k in range(15):
        dossier = generate_dossier(rng, dossier_id=f"h{k}")
        assert len(dossier) == 4
        assert {d.dossier_id for d in dossier} == {f"h{k}"}
        dates = [d.date for d in dossier]
        assert dates == sorted(dates)
        names = [{p["name"] for p in d.parties} for d in dossier]
        assert set.intersection(*names), names
        notice = next(d for d in dossier if d.kind == "notice")
        own = next(line.text[4:] for line in notice.lines if line.text.startswith("Số: "))
        last = dossier[-1]
        assert own in text_of(last)
        assert own in {r["number"] for r in last.references}


def test_speed():
    t = time.perf_counter()
    generate_docs(500, seed=2)
    assert time.perf_counter() - t < 5.0
