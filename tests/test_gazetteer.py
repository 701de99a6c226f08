"""classify.gazetteer: the An Giang / Kiên Giang rows before and after 1 July 2025 against the tables of the
pinned `vietnamadminunits` package (read here independently, straight from its files; the shipped
classify/places_2025.json must equal what bench/build_gazetteer.py extracts from them), known conversions
(checked in both that package and `vietnam-address-converter` 1.0.5, docs/gazetteer.md), the split communes,
names repeated across districts, the province and commune code traps, abbreviations, and no network."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import subprocess
import sys
import textwrap
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from classify import gazetteer as g

_spec = importlib.util.spec_from_file_location("build_gazetteer", Path(__file__).parent.parent / "bench" /
                                               "build_gazetteer.py")
builder = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(builder)


def _raw():
    folder = builder.data_dir()
    db = sqlite3.connect(f"file:{folder / 'dataset.db'}?mode=ro", uri=True)
    new = db.execute("SELECT ward, wardType, wardCode, provinceCode FROM admin_units"
                     " WHERE province = 'Tỉnh An Giang'").fetchall()
    old = db.execute("SELECT province, provinceCode, district, ward, wardCode FROM admin_units_legacy"
                     " WHERE province IN ('Tỉnh An Giang', 'Tỉnh Kiên Giang')").fetchall()
    db.close()
    conv = json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))
    return new, old, conv


# -- the tables ---------------------------------------------------------------------------------------------

def test_shipped_rows_are_the_packages():
    assert g.DATA_FILE.read_text(encoding="utf-8") == builder.render(builder.tables_from_package())
    assert "Tran Ngoc Minh Hieu" in json.loads(g.DATA_FILE.read_text(encoding="utf-8"))["licence"]


def test_new_an_giang_has_102_units_85_xa_14_phuong_3_dac_khu():
    units = g.new_units()
    assert len(units) == 102
    assert Counter(u.commune_type for u in units) == {"xã": 85, "phường": 14, "đặc khu": 3}
    assert {u.province for u in units} == {"An Giang"}
    assert {u.province_code for u in units} == {"91"}
    assert len({u.commune_code for u in units}) == 102
    new_raw, _, _ = _raw()
    assert sorted(f"{u.commune_type.capitalize()} {u.commune}" for u in units) == sorted(r[0] for r in new_raw)
    assert {u.commune for u in units if u.commune_type == "đặc khu"} == {"Phú Quốc", "Kiên Hải", "Thổ Châu"}


def test_old_units_of_both_provinces_with_their_codes():
    units = g.old_units()
    by_province = Counter((u.province, u.province_code) for u in units)
    assert by_province == {("An Giang", "89"): 155, ("Kiên Giang", "91"): 143}
    districts = {(u.province, u.district_type, u.district) for u in units}
    assert len([d for d in districts if d[0] == "An Giang"]) == 11
    assert len([d for d in districts if d[0] == "Kiên Giang"]) == 15
    assert ("An Giang", "thị xã", "Tịnh Biên") in districts
    assert ("An Giang", "huyện", "Chợ Mới") in districts
    _, old_raw, _ = _raw()
    assert sorted(u.commune_code for u in units) == sorted(r[4] for r in old_raw)


def test_every_old_unit_converts_and_every_new_unit_has_predecessors():
    olds, news = g.old_units(), g.new_units()
    targets = [n for o in olds for n in g.converts_to(o)]
    assert all(g.converts_to(o) for o in olds)
    assert {n.commune_code for n in targets} == {n.commune_code for n in news}
    assert all(g.merged_into(n) for n in news)
    # the conversion is the package's: every (old key → new key) pair of converter_2025.json is ours
    _, _, conv = _raw()
    pairs = {(o, n) for n, os in conv["DICT_PROVINCE_WARD_NO_DIVIDED"]["tinhangiang"].items() for o in os}
    pairs |= {(o, t["newWardKey"]) for o, ts in conv["DICT_PROVINCE_WARD_DIVIDED"]["tinhangiang"].items()
              for t in ts}
    gz = g.gazetteer()
    ours = {(o, n) for o, ns in gz.conversion.items() for n in ns}
    assert ours == pairs
    assert len({o for o, _ in pairs}) == 298


KNOWN = [  # (written old place, new commune) — the same in vietnamadminunits and vietnam-address-converter
    ("xã Mỹ Hội Đông, huyện Chợ Mới, tỉnh An Giang", "xã Nhơn Mỹ"),
    ("xã Long Giang, huyện Chợ Mới, tỉnh An Giang", "xã Nhơn Mỹ"),
    ("xã Hòa An, huyện Chợ Mới, tỉnh An Giang", "xã Hội An"),
    ("xã Hòa Bình, huyện Chợ Mới, tỉnh An Giang", "xã Hội An"),
    ("thị trấn Hội An, huyện Chợ Mới, tỉnh An Giang", "xã Hội An"),
    ("xã Kiến Thành, huyện Chợ Mới, tỉnh An Giang", "xã Chợ Mới"),
    ("phường Mỹ Bình, thành phố Long Xuyên, tỉnh An Giang", "phường Long Xuyên"),
    ("phường Bình Khánh, thành phố Long Xuyên, tỉnh An Giang", "phường Bình Đức"),
    ("xã Mỹ Khánh, thành phố Long Xuyên, tỉnh An Giang", "phường Bình Đức"),
    ("phường Vĩnh Mỹ, thành phố Châu Đốc, tỉnh An Giang", "phường Châu Đốc"),
    ("phường Núi Voi, thị xã Tịnh Biên, tỉnh An Giang", "phường Chi Lăng"),
    ("xã Tân Lập, thị xã Tịnh Biên, tỉnh An Giang", "xã Núi Cấm"),
    ("xã Phú Xuân, huyện Phú Tân, tỉnh An Giang", "xã Phú An"),
    ("xã Long Điền B, huyện Chợ Mới, tỉnh An Giang", "xã Long Điền"),
    ("phường Vĩnh Thanh Vân, thành phố Rạch Giá, tỉnh Kiên Giang", "phường Rạch Giá"),
    ("xã Bình Trị, huyện Kiên Lương, tỉnh Kiên Giang", "xã Kiên Lương"),
    ("thị trấn Gò Quao, huyện Gò Quao, tỉnh Kiên Giang", "xã Gò Quao"),
    ("xã Mỹ Thái, huyện Hòn Đất, tỉnh Kiên Giang", "xã Sơn Kiên"),
    ("phường Dương Đông, thành phố Phú Quốc, tỉnh Kiên Giang", "đặc khu Phú Quốc"),
    ("xã Thổ Châu, thành phố Phú Quốc, tỉnh Kiên Giang", "đặc khu Thổ Châu"),
    ("xã Hòn Tre, huyện Kiên Hải, tỉnh Kiên Giang", "đặc khu Kiên Hải"),
]


@pytest.mark.parametrize("written,new", KNOWN)
def test_known_conversions(written, new):
    r = g.resolve_place(written)
    assert r.status == "resolved", r
    assert r.era == "old"
    assert f"{r.new.commune_type} {r.new.commune}" == new
    assert r.new.province == "An Giang" and r.new.province_code == "91"
    assert g.old_label(r.old) == written


def test_the_example_of_issue_18_follows_the_mapping_not_the_name():
    # the issue's "Hội An finds Mỹ Hội Đông, Chợ Mới": in the official mapping (both packages) Mỹ Hội Đông went
    # to Nhơn Mỹ; the old communes of the new xã Hội An are Hội An, Hòa Bình and Hòa An
    r = g.resolve_place("xã Mỹ Hội Đông, huyện Chợ Mới")
    assert r.new.commune == "Nhơn Mỹ"
    hoi_an = next(u for u in g.new_units() if u.commune == "Hội An")
    assert sorted(u.commune for u in g.merged_into(hoi_an)) == ["Hòa An", "Hòa Bình", "Hội An"]


# -- splits ---------------------------------------------------------------------------------------------

SPLITS = {
    ("Phú Hội", "An Phú"): {"An Phú", "Nhơn Hội"},
    ("Phước Hưng", "An Phú"): {"An Phú", "Nhơn Hội", "Phú Hữu"},
    ("Vĩnh Châu", "Châu Đốc"): {"Châu Đốc", "Vĩnh Tế"},
}


def test_exactly_three_split_communes():
    split = {(o.commune, o.district): {n.commune for n in g.converts_to(o)}
             for o in g.old_units() if len(g.converts_to(o)) > 1}
    assert split == SPLITS


@pytest.mark.parametrize("commune,district", list(SPLITS))
def test_a_split_commune_is_flagged_with_its_candidates_not_guessed(commune, district):
    r = g.resolve_place(f"123 đường Trần Hưng Đạo, xã {commune}, {district}, An Giang")
    assert r.status == "split"
    assert r.old.commune == commune and r.old.district == district
    assert r.new is None
    assert {c.new.commune for c in r.candidates} == SPLITS[(commune, district)]


# -- repeated names, spelling, levels ---------------------------------------------------------------------

def test_names_repeated_across_districts_need_the_district():
    r = g.resolve_place("xã Vĩnh Hòa")
    assert r.status == "ambiguous" and r.old is None
    assert {(c.old.district, c.old.province) for c in r.candidates if c.old} == {
        ("Tân Châu", "An Giang"), ("U Minh Thượng", "Kiên Giang")}
    assert g.resolve_place("xã Vĩnh Hòa, thị xã Tân Châu").old.province_code == "89"
    assert g.resolve_place("xã Vĩnh Hòa, huyện U Minh Thượng").old.province_code == "91"
    three = g.resolve_place("xã Vĩnh Phú, tỉnh Kiên Giang")
    assert three.status == "ambiguous"
    assert {c.old.district for c in three.candidates} == {"Giồng Riềng", "Giang Thành"}
    # An Phú: an old district of An Giang, a commune of Tịnh Biên, a township of An Phú and a new commune
    r = g.resolve_place("xã An Phú, tỉnh An Giang")
    assert r.status == "ambiguous" and r.old is None and r.new is None
    assert g.resolve_place("xã An Phú, thị xã Tịnh Biên").new.commune == "Tịnh Biên"


def test_same_folded_name_in_one_district_is_told_apart_by_diacritics_only():
    assert g.resolve_place("xã Phú Thạnh, huyện Phú Tân").old.commune_code == "30427"
    assert g.resolve_place("xã Phú Thành, huyện Phú Tân").old.commune_code == "30433"
    r = g.resolve_place("xa Phu Thanh, huyen Phu Tan")
    assert r.status == "ambiguous" and r.old is None
    assert {c.old.commune for c in r.candidates} == {"Phú Thạnh", "Phú Thành"}
    assert r.new.commune == "Chợ Vàm"  # both went to the same new commune, which is therefore known


def test_level_word_separates_township_and_commune_of_the_same_name():
    town = g.resolve_place("thị trấn Vĩnh Thuận, huyện Vĩnh Thuận, tỉnh Kiên Giang")
    commune = g.resolve_place("xã Vĩnh Thuận, huyện Vĩnh Thuận, tỉnh Kiên Giang")
    assert town.old.commune_type == "thị trấn" and commune.old.commune_type == "xã"
    assert town.old.commune_code != commune.old.commune_code
    assert g.resolve_place("Vĩnh Thuận, Vĩnh Thuận, Kiên Giang").status == "ambiguous"


@pytest.mark.parametrize("written", [
    "X. Mỹ Hội Đông, H. Chợ Mới, T. An Giang",
    "X.Mỹ Hội Đông, H.Chợ Mới",
    "xa My Hoi Dong, huyen Cho Moi, tinh An Giang",
    "ấp Mỹ Hòa, Mỹ Hội Đông, Chợ Mới, An Giang",
    "Xã Mỹ Hội Đông huyện Chợ Mới tỉnh An Giang",
    "XÃ MỸ HỘI ĐÔNG, HUYỆN CHỢ MỚI, TỈNH AN GIANG",
    unicodedata.normalize("NFD", "xã Mỹ Hội Đông, huyện Chợ Mới"),
])
def test_abbreviations_diacritics_and_case(written):
    r = g.resolve_place(written)
    assert r.status == "resolved", (written, r)
    assert (r.old.commune, r.old.district, r.old.province_code) == ("Mỹ Hội Đông", "Chợ Mới", "89")
    assert r.new.commune == "Nhơn Mỹ"


def test_city_and_ward_abbreviations_and_tinh_bien_is_not_tinh():
    r = g.resolve_place("P. Bình Khánh, TP. Long Xuyên")
    assert (r.old.commune_type, r.old.commune, r.old.district_type) == ("phường", "Bình Khánh", "thành phố")
    r = g.resolve_place("TT. Nhà Bàng, Tịnh Biên, An Giang")  # a township until 2021, a ward since
    assert (r.old.commune, r.old.district, r.new.commune) == ("Nhà Bàng", "Tịnh Biên", "Thới Sơn")
    assert g.resolve_place("xã Tân Lập, huyện Tịnh Biên").old.district_type == "thị xã"
    district = g.resolve_place("TP. Long Xuyên, tỉnh An Giang")
    assert district.status == "partial" and district.old.district == "Long Xuyên" and district.new is None


# -- eras and the code traps ----------------------------------------------------------------------------

def test_new_address_without_district_after_the_merger():
    r = g.resolve_place("xã Nhơn Mỹ, tỉnh An Giang", on="2025-09-12")
    assert (r.status, r.era, r.new.commune, r.new.commune_code) == ("resolved", "new", "Nhơn Mỹ", "30658")
    assert sorted(u.commune for u in r.formerly) == ["Long Giang", "Mỹ Hội Đông", "Nhơn Mỹ"]
    before = g.resolve_place("xã Nhơn Mỹ, tỉnh An Giang", on="2024-03-01")
    assert (before.era, before.old.district, before.new.commune) == ("old", "Chợ Mới", "Nhơn Mỹ")
    undated = g.resolve_place("xã Nhơn Mỹ, tỉnh An Giang")
    assert undated.status == "ambiguous" and undated.new.commune == "Nhơn Mỹ" and undated.old is None
    # an old name in a letter after the merger is still read as the old unit
    late = g.resolve_place("xã Mỹ Hội Đông, tỉnh An Giang", on="2026-01-05")
    assert (late.status, late.era, late.new.commune) == ("resolved", "old", "Nhơn Mỹ")
    assert g.resolve_place("đặc khu Phú Quốc, tỉnh An Giang").new.commune_type == "đặc khu"
    assert g.resolve_place("phường Rạch Giá, tỉnh An Giang", on="2025-08-01").formerly


def test_province_code_91_means_kien_giang_before_and_an_giang_after():
    assert g.province_for_code("91", "2025-06-30") == "Kiên Giang"
    assert g.province_for_code("91", "2025-07-01") == "An Giang"
    assert g.province_for_code("89", "2024-01-01") == "An Giang"
    assert g.province_for_code("89", "2025-07-01") is None
    assert g.province_for_code("91", None) is None  # a code alone is not enough
    kg = g.resolve_place("xã Bình Trị, huyện Kiên Lương, tỉnh Kiên Giang")
    assert (kg.old.province, kg.old.province_code) == ("Kiên Giang", "91")
    assert (kg.new.province, kg.new.province_code) == ("An Giang", "91")
    # "Kiên Giang" names only the old province: no new unit is read from it
    assert g.resolve_place("xã Núi Cấm, tỉnh Kiên Giang").status == "unknown"
    assert g.resolve_place("xã Núi Cấm, tỉnh An Giang").new.commune_code


def test_new_commune_codes_are_reused_old_codes_of_other_communes():
    old_by_code = {u.commune_code: u for u in g.old_units()}
    new = g.new_units()
    assert all(u.commune_code in old_by_code for u in new)
    other = [u for u in new if old_by_code[u.commune_code].commune != u.commune]
    assert len(other) == 45  # of 102
    long_xuyen = next(u for u in new if u.commune == "Long Xuyên")
    assert old_by_code[long_xuyen.commune_code].commune == "Mỹ Hòa"


def test_outside_the_gazetteer():
    assert g.resolve_place("xã Tân Hòa, huyện Lai Vung, tỉnh Đồng Tháp").status == "unknown"
    assert g.resolve_place("").status == "unknown"


# -- no network ------------------------------------------------------------------------------------------

_BLOCK = textwrap.dedent("""
    import socket
    attempts = []
    def _blocked(*args, **kwargs):
        attempts.append(args[:1])
        raise OSError("network blocked by the test")
    socket.socket.connect = _blocked
    socket.socket.connect_ex = _blocked
    socket.create_connection = _blocked
    socket.getaddrinfo = _blocked
""")


def _run_blocked(body: str) -> str:
    code = _BLOCK + textwrap.dedent(body)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_resolution_makes_no_network_call_and_never_imports_the_package_code():
    out = _run_blocked("""
        import sys
        from classify import gazetteer as g
        for s in ["12 đường Lê Lợi, xã Phú Hội, huyện An Phú, tỉnh An Giang",
                  "ấp 3, xã Phước Hưng, huyện An Phú", "số 5 Nguyễn Huệ, xã Vĩnh Châu, TP. Châu Đốc",
                  "45 Trần Phú, xã Nhơn Mỹ, tỉnh An Giang"]:
            print(g.resolve_place(s).status)
        print(len(attempts), "vietnamadminunits" in sys.modules, "geopy" in sys.modules)
    """)
    assert out.split() == ["split", "split", "split", "ambiguous", "0", "False", "False"]


def test_the_guard_catches_the_packages_own_geocoder():
    # the package's converter, given a street in a split commune, asks an online geocoder: the blocked socket
    # sees it (which is why classify.gazetteer reads only its data files)
    out = _run_blocked("""
        from vietnamadminunits import convert_address
        try:
            convert_address("12 đường Lê Lợi, xã Phú Hội, huyện An Phú, tỉnh An Giang")
        except Exception as exc:
            print("raised", type(exc).__name__)
        print("attempts", len(attempts))
    """)
    assert "attempts 0" not in out, out


# -- the command -----------------------------------------------------------------------------------------

def test_donthu_place_command(tmp_path, capsys):
    from cli.main import main

    assert main(["--data-dir", str(tmp_path), "place", "X. Mỹ Hội Đông, H. Chợ Mới", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["status"], shown["old"]["province_code"], shown["new"]["commune"]) == ("resolved", "89", "Nhơn Mỹ")
    assert main(["--data-dir", str(tmp_path), "place", "xã Phước Hưng, huyện An Phú"]) == 0
    out = capsys.readouterr().out
    assert "split" in out and out.count("candidate:") == 3
    assert main(["--data-dir", str(tmp_path), "place", "xã Tân Hòa, huyện Lai Vung, tỉnh Đồng Tháp"]) == 1


def test_a_district_name_of_both_provinces_needs_the_province():
    both = g.resolve_place("huyện Châu Thành")
    assert both.status == "ambiguous"
    assert {(c.old.district, c.old.province_code) for c in both.candidates} == {("Châu Thành", "89"),
                                                                                ("Châu Thành", "91")}
    kg = g.resolve_place("huyện Châu Thành, tỉnh Kiên Giang")
    assert (kg.status, kg.old.province, kg.new) == ("partial", "Kiên Giang", None)
    assert g.resolve_place("huyện Lai Vung").status == "unknown"


# -- a letter written since 1 July 2025: the parcel's fields (extraction fills old districts) ------------------

def _letter(day: str, body: str) -> str:
    return (f"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nAn Giang, ngày {day}\n\n"
            f"ĐƠN KIẾN NGHỊ\n\nKính gửi: Ủy ban nhân dân\n\n{body}\n")


def test_a_parcel_of_a_new_letter_keeps_no_district_the_letter_does_not_write():
    from classify import analyse

    body = ("Tôi tên là Nguyễn Văn An, sinh năm 1970, địa chỉ: ấp Mỹ Hòa, xã Phú Tân, tỉnh An Giang. Thửa đất số "
            "45, tờ bản đồ số 12, tọa lạc tại ấp Mỹ Hòa, xã Chợ Vàm bị sạt lở.")
    new = analyse(_letter("15 tháng 9 năm 2025", body)).parcels[0]
    assert (new.commune, new.district, new.province) == ("Chợ Vàm", None, "An Giang")
    assert (new.place.era, new.place.new.commune) == ("new", "Chợ Vàm")
    old = analyse(_letter("15 tháng 9 năm 2024", body.replace("xã Phú Tân, tỉnh", "xã Phú Thạnh, huyện Phú Tân, "
                                                              "tỉnh"))).parcels[0]
    assert (old.commune, old.district) == ("Chợ Vàm", "Phú Tân")  # before: the old district, as before
    assert (old.place.era, old.place.old.district, old.place.new.commune) == ("old", "Phú Tân", "Chợ Vàm")


def test_another_persons_old_district_is_not_the_new_parcels():
    from classify import analyse

    body = ("Tôi tên là Nguyễn Văn An, sinh năm 1970, địa chỉ: ấp Kênh Xáng, xã Thạnh Yên, huyện U Minh Thượng, "
            "tỉnh Kiên Giang. Thửa đất số 45, tờ bản đồ số 12, tọa lạc tại xã U Minh Thượng, tỉnh An Giang bị "
            "ngập. Thửa đất số 7, tờ bản đồ số 3, tọa lạc tại ấp Bãi Nhà, đặc khu Kiên Hải, tỉnh An Giang.")
    a = analyse(_letter("02 tháng 3 năm 2026", body))
    parcels = {p.parcel_no: p for p in a.parcels}
    assert (parcels["45"].district, parcels["45"].place.status, parcels["45"].place.new.commune) == (
        None, "resolved", "U Minh Thượng")
    assert (parcels["7"].commune, parcels["7"].place.new.commune_type) == ("Kiên Hải", "đặc khu")
    address = a.parties[0].place
    assert (address.era, address.old.commune, address.old.province, address.new.province_code) == (
        "old", "Thạnh Yên", "Kiên Giang", "91")
