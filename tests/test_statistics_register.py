"""Statistics from the register (issue 18): a hand-made register of 8 letters in two units, across the 1 July
2025 reorganisation, with two confirmed duplicates and known deadlines; every expected number below is worked
out by hand from the table in this docstring (not from the code). Also: the page, `GET /api/stats` and
`donthu stats` give the same numbers; who may see them (leaders of the unit and above; not other roles, other
units, or anyone not logged in); no denouncer is named; the SVG charts' bars; the report form cell by cell.

    L  unit       received    channel    type            senders  parcel written as                  decision (date)    status
    1  cho-moi    2025-03-03  post       complaint       1        xã Mỹ Hội Đông, huyện Chợ Mới       accept 2025-03-10  resolved
    2  cho-moi    2026-03-02  in_person  complaint       1        xã Nhơn Mỹ (new)     = matter of 1   —                  processing
    3  cho-moi    2026-03-02  online     denunciation    1 (address Long Điền A, confidential)  forward 2026-03-06  decided
    4  cho-moi    2026-03-02  post       recommendation  3        xã Hội An (new)                     —                  processing
    5  cho-moi    2026-04-20  post       land_dispute    2        xã Hòa An, huyện Chợ Mới            —                  received
    6  rach-gia   2026-03-02  forwarded  complaint       1        phường Vĩnh Thanh Vân, TP Rạch Giá  accept 2026-03-20  decided
    7  rach-gia   2026-03-03  post       complaint       1        the same                = matter of 6  —               processing
    8  rach-gia   2025-12-01  post       recommendation  0 (anonymous)                             guide 2025-12-03   decided

Deadlines judged on 2026-04-30 (hand-counted; no holiday falls in the windows used):
- complaint received Mon 2026-03-02: accept within 10 days (Luật Khiếu nại Art. 27) → Thu 03-12; L2 still
  undecided → past; L6 accepted 03-20 → past. L7 (Tue 03-03) → Fri 03-13, undecided → past.
- L1 (Mon 2025-03-03) → Thu 2025-03-13, accepted 03-10 → within, then resolved.
- L3 denunciation (Mon 2026-03-02): 7 working days (Luật Tố cáo Art. 24) → Wed 03-11; forwarded 03-06 → within.
- L4 recommendation: 10 working days → Mon 03-16, undecided → past. L5 (04-20): due in May → within.
- L8 guided two days after receipt → within.
Conversion (docs/gazetteer.md): Mỹ Hội Đông (Chợ Mới) → xã Nhơn Mỹ; Hòa An (Chợ Mới) → xã Hội An; Vĩnh
Thanh Vân (Rạch Giá, Kiên Giang) → phường Rạch Giá.
Archive: three done documents; one (the scan of L4) is in the register, so two are counted as archive.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from accounts import add_user, bearer, log_in
from api.app import create_app
from api.charts import bar_chart, hbar_chart, line_chart
from api.hardening import CSP
from donthu.access import Role
from donthu.config import Settings
from donthu.schema import PageText, Record
from records import report_form
from records.register import book
from records.statistics import StatsQuery, report

D = dt.date
A, B = "an-giang/cho-moi", "an-giang/rach-gia"
AS_OF = "2026-04-30"
SECRET_NAME, SECRET_PLACE = "Trần Thị Bí Mật", "Long Điền A"
OLD_MY_HOI_DONG = "xã Mỹ Hội Đông, huyện Chợ Mới, tỉnh An Giang"
RACH_GIA_OLD = "phường Vĩnh Thanh Vân, thành phố Rạch Giá, tỉnh Kiên Giang"


def _sender(name: str, address: str = "") -> dict:
    return {"name": name, "id_number": None, "address": address}


def _parcel(commune: str) -> list[dict]:
    return [{"parcel_no": "45", "map_sheet": "12", "commune": commune}]


def _build(store) -> dict[int, int]:
    e = store.engine
    ids: dict[int, int] = {}

    def reg(n, unit, day, channel, type_, senders, parcels=None, text="", **kw):
        entry, _ = book.register(e, unit=unit, received=day, channel=channel, type=type_,
                                 text=text or f"Kính gửi: Thanh tra tỉnh. Đơn số {n} về việc {type_} thửa đất.",
                                 senders=senders, parcels=parcels or [], who="clerk", **kw)
        ids[n] = entry.id

    reg(1, A, D(2025, 3, 3), "post", "complaint", [_sender("Nguyễn Văn An")], _parcel(OLD_MY_HOI_DONG))
    reg(2, A, D(2026, 3, 2), "in_person", "complaint", [_sender("Nguyễn Văn An")],
        _parcel("xã Nhơn Mỹ, tỉnh An Giang"))
    reg(3, A, D(2026, 3, 2), "online", "denunciation",
        [_sender(SECRET_NAME, f"ấp Long Bình, xã {SECRET_PLACE}, huyện Chợ Mới, tỉnh An Giang")],
        subjects=["Lê Văn Cán Bộ"])
    reg(4, A, D(2026, 3, 2), "post", "recommendation",
        [_sender("Phạm Văn Một"), _sender("Phạm Văn Hai"), _sender("Phạm Văn Ba")], _parcel("xã Hội An, tỉnh An Giang"))
    reg(5, A, D(2026, 4, 20), "post", "land_dispute", [_sender("Võ Văn Tư"), _sender("Võ Thị Năm")],
        _parcel("xã Hòa An, huyện Chợ Mới, tỉnh An Giang"))
    reg(6, B, D(2026, 3, 2), "forwarded", "complaint", [_sender("Lý Văn Sáu")], _parcel(RACH_GIA_OLD),
        forwarded_by="UBND tỉnh An Giang")
    reg(7, B, D(2026, 3, 3), "post", "complaint", [_sender("Lý Văn Sáu")], _parcel(RACH_GIA_OLD))
    reg(8, B, D(2025, 12, 1), "post", "recommendation", [])
    book.judge(e, ids[1], processable=True, reason=None, who="officer")
    book.decide(e, ids[1], decision="accept", on=D(2025, 3, 10), who="officer")
    book.resolve(e, ids[1], on=D(2025, 4, 1), who="officer")
    book.judge(e, ids[2], processable=True, reason=None, who="officer")
    book.answer(e, ids[2], ids[1], confirm=True, who="officer")
    book.judge(e, ids[3], processable=False, reason="not_competent", who="officer")
    book.decide(e, ids[3], decision="forward", on=D(2026, 3, 6), to="Công an tỉnh", who="officer")
    book.judge(e, ids[4], processable=True, reason=None, who="officer")
    book.judge(e, ids[6], processable=True, reason=None, who="officer")
    book.decide(e, ids[6], decision="accept", on=D(2026, 3, 20), who="officer")
    book.judge(e, ids[7], processable=True, reason=None, who="officer")
    book.answer(e, ids[7], ids[6], confirm=True, who="officer")
    book.judge(e, ids[8], processable=False, reason="anonymous", who="officer")
    book.decide(e, ids[8], decision="guide", on=D(2025, 12, 3), who="officer")
    # the archive: a decision of cho-moi (2024), a conclusion of rach-gia (2026), and the scan of letter 4
    for name, unit, kind, type_, day, letter in [("qd-2024.pdf", A, "decision", "complaint", "2024-05-02", None),
                                                  ("kl-2026.pdf", B, "conclusion", "denunciation", "2026-02-02", None),
                                                  ("don-4.pdf", A, "petition", "recommendation", "2026-03-02", 4)]:
        text = f"{name} {day}"
        sha = hashlib.sha256(text.encode()).hexdigest()
        store.put_original(text.encode())
        doc = store.add_document(name, sha, len(text), mime="application/pdf", unit=unit)
        store.save_result(doc, Record(file=name, sha256=sha, mime="application/pdf", text=text, type=type_,
                                      kind=kind, date=day,
                                      pages=[PageText(number=1, source="text", confidence=None, text=text)]), [])
        if letter:
            from sqlalchemy import update
            from records.tables import register_letters
            with e.begin() as conn:
                conn.execute(update(register_letters).where(register_letters.c.id == ids[letter])
                             .values(document_id=doc))
    return ids


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> TestClient:
    data = tmp_path_factory.mktemp("stats") / "data"
    app = create_app(Settings(data_dir=data, workers=1), submit=lambda _id: None)
    with TestClient(app) as c:
        c.ids = _build(app.state.services.store)
        c.data_dir = data
        yield c


def _rows(table: dict) -> dict:
    return {tuple(r[:-2]): tuple(r[-2:]) for r in table["rows"]}


def _api(client, headers, **params) -> dict:
    r = client.get("/api/stats", params={"as_of": AS_OF, **params}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


# ------------------------------------------------------------------------------------------------ counts
def test_counts_from_the_register_by_hand(client):
    h = bearer(client, Role.LEADER, "an-giang", "counts")
    got = _api(client, h, period="year", by="type,channel,deadline")
    assert (got["letters"], got["matters"], got["archive_documents"]) == (8, 6, 2)
    t = got["tables"]
    assert _rows(t["by_period"]) == {("2025",): (2, 2), ("2026",): (6, 4)}
    assert _rows(t["by_type"]) == {("complaint",): (4, 2), ("denunciation",): (1, 1),
                                   ("recommendation",): (2, 2), ("land_dispute",): (1, 1)}
    # L7 (post) is in L6's matter, whose first letter came forwarded; L2 (in person) in L1's (post)
    assert _rows(t["by_channel"]) == {("post",): (5, 4), ("in_person",): (1, 0), ("online",): (1, 1),
                                      ("forwarded",): (1, 1)}
    assert _rows(t["by_deadline"]) == {("within",): (4, 4), ("past",): (4, 2)}
    assert t["by_period"]["totals"] == [8, 6]


def test_units_across_the_reorganisation(client):
    h = bearer(client, Role.LEADER, "an-giang", "units")
    t = _api(client, h, period="all", by="new_commune,old_commune,land")["tables"]
    # old Mỹ Hội Đông (2025) and new Nhơn Mỹ (2026): one commune, and one matter (confirmed duplicates)
    assert _rows(t["by_new_commune"]) == {("Nhơn Mỹ",): (2, 1), ("Hội An",): (2, 2), ("Rạch Giá",): (2, 1),
                                          ("(none)",): (2, 2)}
    assert _rows(t["by_old_commune"]) == {
        (OLD_MY_HOI_DONG,): (1, 1), ("(new address)",): (2, 1), ("xã Hòa An, huyện Chợ Mới, tỉnh An Giang",): (1, 1),
        (RACH_GIA_OLD,): (2, 1), ("(none)",): (2, 2)}
    assert _rows(t["by_land"]) == {(True,): (6, 4), (False,): (2, 2)}
    new = _api(client, h, period="all", by="type", commune="nhon my")
    assert (new["letters"], new["matters"]) == (2, 1)
    old = _api(client, h, period="all", by="type", commune=OLD_MY_HOI_DONG, era="old")
    assert (old["letters"], old["matters"]) == (1, 1)


def test_filters(client):
    h = bearer(client, Role.LEADER, "an-giang", "filters")
    assert _api(client, h, several_signers="true")["letters"] == 2
    got = _api(client, h, deadline="past", period="quarter", by="unit")
    assert _rows(got["tables"]["by_unit"]) == {(A,): (2, 2), (B,): (2, 1)}
    assert _rows(got["tables"]["by_period"]) == {("2026-Q1",): (4, 3)}
    assert got["archive_documents"] == 0 and got["notes"]  # archive documents have no deadline
    got = _api(client, h, period="custom", **{"from": "2026-03-01", "to": "2026-03-31"}, status="processing")
    assert _rows(got["tables"]["by_period"]) == {("2026-03-01 – 2026-03-31",): (3, 3)}  # L2, L4, L7
    got = _api(client, h, period="month", by="decision", land="false")
    assert _rows(got["tables"]["by_decision"]) == {("forward",): (1, 1), ("guide",): (1, 1)}
    assert _api(client, h, kind="decision")["archive_documents"] == 1 and _api(client, h, kind="decision")["letters"] == 0
    assert client.get("/api/stats", params={"by": "sender"}, headers=h).status_code == 422
    assert client.get("/api/stats", params={"channel": "fax"}, headers=h).status_code == 422


def test_a_leader_counts_only_their_unit(client):
    h = bearer(client, Role.LEADER, A, "own")
    got = _api(client, h, period="all", by="type")
    assert (got["letters"], got["matters"], got["archive_documents"]) == (5, 4, 1)
    r = client.get("/api/stats", params={"unit": B}, headers=h)
    assert r.status_code == 403
    assert client.get("/api/stats/form", params={"unit": B}, headers=h).status_code == 403
    page = log_in(TestClient(client.app), add_user(client.app.state.services.store, Role.LEADER, A))
    assert page.get("/thong-ke", params={"unit": B}).status_code == 403


@pytest.mark.parametrize("role", [Role.INTAKE, Role.OFFICER, Role.ARCHIVIST, Role.VERIFIER, Role.ADMIN])
def test_other_roles_are_refused(client, role):
    h = bearer(client, role, "", f"deny-{role.value}")
    for path in ("/api/stats", "/api/stats/form"):
        assert client.get(path, headers=h).status_code == 403
    browser = log_in(TestClient(client.app), add_user(client.app.state.services.store, role, ""))
    page = browser.get("/thong-ke")
    assert page.status_code == 403 and "Thống kê đơn thư" not in page.text
    assert 'href="/thong-ke"' not in browser.get("/tra-cuu").text


def test_not_logged_in(client):
    anonymous = TestClient(client.app)
    assert anonymous.get("/api/stats").status_code == 401
    assert anonymous.get("/api/stats/form").status_code == 401
    r = anonymous.get("/thong-ke", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/dang-nhap")


def test_no_denouncer_is_named(client):
    h = bearer(client, Role.LEADER, "", "names")
    dims = "new_commune,old_commune,unit"
    outputs = [client.get("/api/stats", params={"by": dims, "as_of": AS_OF}, headers=h).text]
    for fmt in ("csv", "xlsx"):
        outputs.append(client.get("/api/stats", params={"by": dims, "format": fmt, "table": "cross"},
                                  headers=h).content.decode("utf-8", "replace"))
    book_ = load_workbook(io.BytesIO(client.get("/api/stats", params={"by": dims, "format": "xlsx"},
                                                headers=h).content))
    outputs.append(" ".join(str(c.value) for s in book_.worksheets for row in s.iter_rows() for c in row))
    browser = log_in(TestClient(client.app), add_user(client.app.state.services.store, Role.LEADER, ""))
    outputs.append(browser.get("/thong-ke", params=[("by", "old_commune"), ("by", "new_commune")]).text)
    for text in outputs:
        assert SECRET_NAME not in text and SECRET_PLACE not in text and "Bí Mật" not in text


# ------------------------------------------------------------------------------------------------ exports
def test_csv_and_xlsx_of_a_table(client):
    h = bearer(client, Role.LEADER, "", "exports")
    r = client.get("/api/stats", params={"by": "type", "period": "year", "format": "csv", "table": "by_type",
                                         "as_of": AS_OF}, headers=h)
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["type", "letters", "matters"]
    assert sorted(rows[1:]) == sorted([["complaint", "4", "2"], ["denunciation", "1", "1"],
                                       ["land_dispute", "1", "1"], ["recommendation", "2", "2"]])
    r = client.get("/api/stats", params={"by": "type", "format": "xlsx", "table": "by_period"}, headers=h)
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet["A1"].value.startswith("Đơn theo kỳ")
    assert [c.value for c in sheet[2]] == ["period", "Số đơn (letters)", "Số vụ việc (matters)"]
    assert [c.value for c in sheet[3]] == ["2025", 2, 2]
    assert [c.value for c in sheet[4]] == ["2026", 6, 4]
    assert [c.value for c in sheet[5]] == ["Tổng (total)", 8, 6]
    assert sheet.max_row == 5


def test_report_form_cell_by_cell(client):
    h = bearer(client, Role.LEADER, "an-giang", "form")
    r = client.get("/api/stats/form", params={"from": "2026-01-01", "to": AS_OF}, headers=h)
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["A1"].value == "TỔNG HỢP KẾT QUẢ XỬ LÝ ĐƠN"
    assert ws["A2"].value.startswith("Số liệu tính từ ngày 01/01/2026 đến ngày 30/04/2026")
    assert "gần đúng" in ws["A3"].value and "06/2025/TT-TTCP" in ws["A3"].value
    assert (ws["A4"].value, ws["B4"].value, ws["C4"].value, ws["D4"].value) == ("MS", "Đơn vị", "Tổng số đơn",
                                                                                  "Kỳ trước chuyển sang")
    assert [ws.cell(row=6, column=j).value for j in range(3, 31)] == [str(i) for i in range(1, 29)]
    N = None  # a column the register cannot fill
    #         tot  carried  received proc fit  content     state            competent   guide fwd urge repl ret
    row_a = [1, A, 4, 0, 0, 0, 2, 2, 0, 1, 2, 2, 1, 0, 1, 0, 0, N, N, 0, 2, 0, 0, 0, 0, 0, 1, N, N, 0]
    row_b = [2, B, 2, 0, 0, 0, 2, 0, 0, 1, 2, 1, 2, 0, 0, 0, 0, N, N, 1, 1, 1, 0, 0, 0, 0, 0, N, N, 0]
    total = [N, "Tổng cộng", 6, 0, 0, 0, 4, 2, 0, 2, 4, 3, 3, 0, 1, 0, 0, N, N, 1, 3, 1, 0, 0, 0, 0, 1, N, N, 0]
    for r_, expected in zip((7, 8, 9), (row_a, row_b, total)):
        got = [ws.cell(row=r_, column=j).value for j in range(1, 31)]
        assert [None if v == "" else v for v in got] == expected, r_
    notes = " ".join(str(ws.cell(row=r_, column=1).value) for r_ in range(10, ws.max_row + 1))
    assert "lần đầu" in notes and "đôn đốc" in notes and "phúc đáp" in notes
    # letters carried over: L1 received 2025-03-03, decided 03-10, counted from 2025-03-05
    rows = report_form.fill(client.app.state.services.store, date_from=D(2025, 3, 5), date_to=D(2025, 12, 31))
    by_unit = {row.unit: row.values for row in rows}
    assert by_unit[A]["carried_one"] == 1 and by_unit[A]["received_one"] == 0 and by_unit[A]["processed"] == 1
    assert by_unit[B]["received_other"] == 1 and by_unit[B]["guided"] == 1
    assert by_unit["Tổng cộng"]["total"] == 2


# ---------------------------------------------------------------------------------------------- charts
def _svg(fragment: str) -> ET.Element:
    return ET.fromstring(fragment)


def test_bar_chart_bars_match_the_numbers():
    svg = _svg(bar_chart(["a", "b", "c"], [3, 0, 7], "t"))
    ns = "{http://www.w3.org/2000/svg}"
    bars = [e for e in svg.iter(f"{ns}rect") if e.get("class") == "bar"]
    assert [b.get("data-value") for b in bars] == ["3", "0", "7"]
    plot = 260 - 16 - 64  # the plot's height; the axis goes to 8 (ticks 2 apart: 0, 2, 4, 6, 8)
    assert [float(b.get("height")) for b in bars] == pytest.approx([plot * 3 / 8, 0, plot * 7 / 8], abs=0.01)
    ticks = [t.text for t in svg.iter(f"{ns}text")][:5]
    assert ticks == ["0", "2", "4", "6", "8"]
    for b in bars:  # bars stand on the axis
        assert float(b.get("y")) + float(b.get("height")) == pytest.approx(16 + plot, abs=0.01)
    line = _svg(line_chart(["2025", "2026"], {"x": [2, 6], "y": [2, 4]}, "t"))
    points = [e for e in line.iter(f"{ns}circle") if e.get("class") == "point"]
    assert [(p.get("data-series"), p.get("data-value")) for p in points] == [("x", "2"), ("x", "6"), ("y", "2"),
                                                                              ("y", "4")]
    assert float(points[1].get("cy")) == pytest.approx(16, abs=0.01)  # 6 is the axis' top (0, 2, 4, 6)
    assert float(points[2].get("cy")) == pytest.approx(16 + plot - plot * 2 / 6, abs=0.01)
    # horizontal bars: widths proportional; beyond 15 values the smallest are summed into one bar
    many = _svg(hbar_chart([f"xã {i}" for i in range(20)], list(range(20, 0, -1)), "t"))
    bars = [e for e in many.iter(f"{ns}rect") if e.get("class") == "bar"]
    assert len(bars) == 15 and bars[-1].get("data-label") == "Các giá trị khác (6)"
    assert bars[-1].get("data-value") == str(6 + 5 + 4 + 3 + 2 + 1)
    assert float(bars[-1].get("width")) / float(bars[0].get("width")) == pytest.approx(21 / 20)
    assert float(bars[1].get("width")) / float(bars[0].get("width")) == pytest.approx(19 / 20)


def test_page_charts_tables_and_csp(client):
    browser = log_in(TestClient(client.app), add_user(client.app.state.services.store, Role.LEADER, "an-giang"))
    r = browser.get("/thong-ke", params=[("period", "year"), ("by", "type"), ("by", "deadline"),
                                         ("as_of", AS_OF)])
    assert r.status_code == 200
    assert r.headers["content-security-policy"] == CSP
    assert "<script" not in r.text and not re.search(r'(src|href)="(https?:)?//', r.text)
    section = re.search(r'<section class="stats-block" id="by_type">(.*?)</section>', r.text, re.S).group(1)
    svg = _svg(re.search(r"<svg.*?</svg>", section, re.S).group(0))
    ns = "{http://www.w3.org/2000/svg}"
    bars = {b.get("data-label"): int(b.get("data-value")) for b in svg.iter(f"{ns}rect") if b.get("class") == "bar"}
    assert bars == {"Khiếu nại": 2, "Tố cáo": 1, "Kiến nghị, phản ánh": 2, "Tranh chấp đất đai": 1}  # matters
    widths = {b.get("data-label"): float(b.get("width")) for b in svg.iter(f"{ns}rect") if b.get("class") == "bar"}
    assert widths["Khiếu nại"] == pytest.approx(2 * widths["Tố cáo"]) == pytest.approx(2 * widths["Tranh chấp đất đai"])
    assert widths["Kiến nghị, phản ánh"] == pytest.approx(widths["Khiếu nại"])
    cells = re.findall(r"<td(?: class=\"num\")?>([^<]*)</td>", section)
    assert cells[:3] == ["Khiếu nại", "4", "2"]  # the table beside the chart: letters, matters
    deadline = re.search(r'id="by_deadline">(.*?)</section>', r.text, re.S).group(1)
    assert "Quá hạn" in deadline and "Trong hạn" in deadline
    assert 'href="/api/stats?' in r.text and "format=csv" in r.text and "/api/stats/form" in r.text
    assert 'href="/thong-ke"' in r.text  # the nav link
    download = browser.get("/api/stats", params={"by": "type", "format": "csv", "table": "by_type"})
    assert download.status_code == 200 and "complaint,4,2" in download.text


# ------------------------------------------------------------------------------------------------ the CLI
def test_cli_gives_the_same_numbers(client, tmp_path, capsys):
    """`donthu stats` (its `main`, in this process: the subprocess start alone would take seconds)."""
    from cli.main import main

    code = main(["--data-dir", str(client.data_dir), "stats", "--by", "type", "--period", "year", "--as-of", AS_OF,
                 "--deadline", "past", "--table", "by_type", "--csv", str(tmp_path / "t.csv"), "--form",
                 str(tmp_path / "f.xlsx"), "--from", "2026-01-01", "--to", AS_OF])
    out = capsys.readouterr().out
    assert code == 0
    # past deadline in 2026: L2, L4, L6, L7 → complaint 3 letters / 2 matters, recommendation 1 / 1
    assert "total: 4 letters, 3 matters" in out
    rows = list(csv.reader(io.StringIO((tmp_path / "t.csv").read_text())))
    assert sorted(rows[1:]) == [["complaint", "3", "2"], ["recommendation", "1", "1"]]
    ws = load_workbook(tmp_path / "f.xlsx").active
    assert ws["B9"].value == "Tổng cộng" and ws["C9"].value == 6
    direct = report(client.app.state.services.store, StatsQuery(period="year", by=("type",), deadline="past",
                                                                as_of=D(2026, 4, 30), date_from=D(2026, 1, 1),
                                                                date_to=D(2026, 4, 30)))
    assert (direct.letters, direct.matters) == (4, 3)


# ------------------------------------------------------------------------------------------ PostgreSQL
def test_the_same_numbers_on_postgresql(tmp_path):
    """The register and the documents on PostgreSQL (a schema of its own): the same hand-computed numbers."""
    from conftest import postgres_schema
    from records.store import Store

    with postgres_schema() as url:
        store = Store(Settings(data_dir=tmp_path / "data", workers=1, database_url=url))
        try:
            _build(store)
            result = report(store, StatsQuery(period="year", by=("deadline", "new_commune"), as_of=D(2026, 4, 30)))
            assert (result.letters, result.matters, result.archive) == (8, 6, 2)
            by_deadline = {r[0]: r[1:] for r in result.tables["by_deadline"].rows}
            assert by_deadline == {"within": (4, 4), "past": (4, 2)}
            assert {r[0]: r[1:] for r in result.tables["by_new_commune"].rows}["Nhơn Mỹ"] == (2, 1)
            total = report_form.fill(store, date_from=D(2026, 1, 1), date_to=D(2026, 4, 30))[-1].values
            assert (total["total"], total["fit_letters"], total["fit_matters"], total["forwarded"]) == (6, 4, 3, 1)
        finally:
            store.close()


# ------------------------------------------------------------------------------- one scope, one label table
def test_status_labels_are_one_table(client):
    """The statistics page, the register's pages and the report form name a status alike (book.STATUS_LABELS):
    the page said "Đã có kết quả xử lý" for what the register called "Đã có hướng xử lý"."""
    store = client.app.state.services.store
    assert book.STATUS_LABELS["decided"] == "Đã có hướng xử lý"
    browser = log_in(TestClient(client.app), add_user(store, Role.LEADER, "", "labels"))
    stats = browser.get("/thong-ke", params={"by": "status", "as_of": AS_OF}).text
    register_page = browser.get("/so-don").text
    for label in book.STATUS_LABELS.values():
        assert label in stats and label in register_page, label
    assert "Đã có kết quả xử lý" not in stats
    titles = {c.key: c.title for c in report_form.COLUMNS}
    assert titles["state_resolved"] == book.STATUS_LABELS["resolved"]


def test_the_form_and_the_statistics_count_the_same_letters(client):
    """`report` and `report_form.fill` take their letters from one function (`letters_in_scope`): the same
    letters for a scope, for a unit inside it, and none outside it."""
    from records.statistics import letters_in_scope

    store = client.app.state.services.store
    everyone = report(store, StatsQuery(period="all", by=("unit",), as_of=D(2026, 4, 30)))
    rows = report_form.fill(store, date_from=None, date_to=D(2026, 12, 31))
    assert rows[-1].values["total"] == everyone.letters == len(letters_in_scope(store, None)) == 8
    for scope, unit, expected in ((A, None, 5), ("an-giang", B, 3), (A, B, 0)):
        got = report_form.fill(store, date_from=None, date_to=D(2026, 12, 31), scope=scope, unit=unit)
        assert got[-1].values["total"] == len(letters_in_scope(store, scope, unit)) == expected
        if unit is None or unit.startswith(scope):
            assert report(store, StatsQuery(period="all", unit=unit, as_of=D(2026, 4, 30)),
                          scope=scope).letters == expected


def test_places_are_resolved_only_for_a_commune_breakdown(client, monkeypatch):
    """A letter's place (the gazetteer, across the 2025 reorganisation) is resolved only when the query splits
    or filters by commune; the counts are the same either way."""
    import records.statistics as statistics

    calls = []
    real = statistics.resolve_place

    def counted(*args, **kw):
        calls.append(args[0])
        return real(*args, **kw)

    monkeypatch.setattr(statistics, "resolve_place", counted)
    store = client.app.state.services.store
    plain = report(store, StatsQuery(period="year", by=("type", "status"), as_of=D(2026, 4, 30)))
    assert calls == [] and (plain.letters, plain.matters) == (8, 6)
    by_commune = report(store, StatsQuery(period="year", by=("type", "new_commune"), as_of=D(2026, 4, 30)))
    assert calls and (by_commune.letters, by_commune.matters) == (8, 6)
    calls.clear()
    filtered = report(store, StatsQuery(period="all", by=("type",), commune="Nhơn Mỹ", as_of=D(2026, 4, 30)))
    assert calls and filtered.letters >= 1
