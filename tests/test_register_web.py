"""The register's pages and API (issue 17): the list with filters, a letter's sheet, the due list, entering a
letter from a processed document, decisions and duplicate answers — on the real app (TestClient), the real store
(SQLite), real users (argon2 hashes, API tokens, login form with CSRF).

Roles and units come from `donthu.access.POLICY`: the tests prove the denials (not logged in, wrong role,
another unit, missing CSRF) as well as the permissions, and that a duplicate proposal never shows a
denouncer's identity to a reader not cleared to see it nor a letter of another unit. Expected deadlines are
counted by hand from the calendar (the count beside each), as in test_register_deadlines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from donthu.access import POLICY, Action, Role
from donthu.config import Settings
from donthu.schema import Record
from records import audit
from records.register import book
from tests.accounts import add_user, bearer, log_in, session_csrf

D = dt.date
COMMUNE_A = "an-giang/cho-moi/my-hoi-dong"
COMMUNE_B = "an-giang/cho-moi/long-dien-a"
DISTRICT = "an-giang/cho-moi"

#: a denunciation as citizens write them (the denouncer's name, CCCD and address are confidential)
DENOUNCER, DENOUNCER_ID = "Trần Thị Mai", "089175004321"
DENUNCIATION = f"""CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
ĐƠN TỐ CÁO
Kính gửi: Thanh tra huyện Chợ Mới
Tôi tên là {DENOUNCER}, sinh năm 1975, CCCD số {DENOUNCER_ID}, trú tại ấp Mỹ Hòa, xã Mỹ Hội Đông, huyện Chợ Mới,
tỉnh An Giang.
Tôi làm đơn này tố cáo ông Lê Văn Tâm, cán bộ địa chính xã Mỹ Hội Đông, đã nhận của hộ ông Phan Văn Út
số tiền 50.000.000 đồng để xác nhận sai nguồn gốc thửa đất số 112, tờ bản đồ số 7, xã Mỹ Hội Đông, làm hồ sơ
cấp giấy chứng nhận quyền sử dụng đất trái pháp luật vào tháng 8 năm 2026, lấn sang phần đất của gia đình tôi.
Đề nghị Thanh tra huyện xác minh, xử lý nghiêm hành vi của ông Lê Văn Tâm theo quy định của pháp luật.
Tôi xin cam đoan những nội dung tố cáo trên là đúng sự thật.
Người tố cáo
{DENOUNCER}"""
DENOUNCER_SENDER = {"name": DENOUNCER, "id_number": DENOUNCER_ID,
                    "address": "ấp Mỹ Hòa, xã Mỹ Hội Đông, huyện Chợ Mới, tỉnh An Giang"}

COMPLAINANT = "Nguyễn Văn Bình"
COMPLAINT = f"""CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
ĐƠN KHIẾU NẠI
Kính gửi: Chủ tịch Ủy ban nhân dân huyện Chợ Mới
Tôi tên là {COMPLAINANT}, sinh năm 1962, CCCD số 089062001234, trú tại ấp Long Hòa, xã Long Điền A,
huyện Chợ Mới, tỉnh An Giang.
Tôi khiếu nại Quyết định số 1520/QĐ-UBND ngày 12/01/2026 của Ủy ban nhân dân huyện Chợ Mới về việc thu hồi
thửa đất số 45, tờ bản đồ số 12, diện tích 1.250 m² đất trồng lúa, vì giá bồi thường thấp hơn giá thị trường
và gia đình tôi chưa được hỗ trợ chuyển đổi nghề nghiệp.
Đề nghị hủy Quyết định số 1520/QĐ-UBND và xem xét bồi thường lại cho gia đình tôi.
Người khiếu nại
{COMPLAINANT}"""


def complaint_record(name: str, commune: str) -> Record:
    return Record.model_validate({
        "file": name, "sha256": hashlib.sha256(name.encode()).hexdigest(), "mime": "image/png",
        "pages": [{"number": 1, "source": "ocr", "confidence": 91.0, "text": COMPLAINT}], "text": COMPLAINT,
        "kind": "petition", "type": "complaint", "type_confidence": 0.9, "type_evidence": ["khiếu nại"],
        "parties": [{"name": COMPLAINANT, "role": "complainant", "id_number": "089062001234",
                     "address": "ấp Long Hòa, xã Long Điền A, huyện Chợ Mới, tỉnh An Giang"}],
        "parcels": [{"parcel_no": "45", "map_sheet": "12", "area_m2": 1250.0, "land_use": "LUC",
                     "commune": commune, "district": "Chợ Mới", "province": "An Giang"}],
        "references": [{"number": "1520/QĐ-UBND", "date": "2026-01-12"}], "date": "2026-02-09", "errors": [],
    })


def store_document(services, name: str, unit: str) -> int:
    """A processed letter of `unit` in the document store (original stored, record saved)."""
    data = name.encode() * 8
    sha = services.store.put_original(data)
    doc_id = services.store.add_document(name, sha, len(data), mime="image/png", unit=unit)
    services.store.save_result(doc_id, complaint_record(name, "Long Điền A"), [])
    return doc_id


def _denunciation(engine, unit: str, received: D, text: str = DENUNCIATION, officer: str | None = None) -> int:
    entry, _ = book.register(engine, unit=unit, received=received, channel="post", type="denunciation", text=text,
                             senders=[DENOUNCER_SENDER], subjects=["Lê Văn Tâm"], who="clerk", officer=officer,
                             parcels=[{"parcel_no": "112", "map_sheet": "7", "commune": "Mỹ Hội Đông"}])
    return entry.id


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(data_dir=tmp_path / "data", workers=1), submit=lambda _id: None)
    with TestClient(app) as c:
        yield c


@pytest.fixture
def register(client: TestClient) -> dict[str, int]:
    """Commune A's register: a denunciation received Thu 26/11/2026 and its rescan (planted duplicate);
    commune B: the same denunciation copied to it (another body) and a complaint."""
    engine = client.app.state.services.store.engine
    first = _denunciation(engine, COMMUNE_A, D(2026, 11, 26), officer="officer-lan")
    rescan = _denunciation(engine, COMMUNE_A, D(2026, 11, 30), DENUNCIATION.replace("Mỹ Hòa", "My Hoa")
                           .replace("nghiêm", "nghiem"))
    copy = _denunciation(engine, COMMUNE_B, D(2026, 11, 27))
    complaint, _ = book.register(engine, unit=COMMUNE_B, received=D(2026, 2, 10), channel="in_person",
                                 type="complaint", text=COMPLAINT, who="clerk",
                                 senders=[{"name": COMPLAINANT, "id_number": "089062001234", "address": None}])
    return {"first": first, "rescan": rescan, "copy": copy, "complaint": complaint.id}


# ------------------------------------------------------------------------------------------ the API
def test_register_from_a_document_and_decide(client: TestClient) -> None:
    services = client.app.state.services
    doc = store_document(services, "don-khieu-nai-binh.png", COMMUNE_B)
    clerk = bearer(client, Role.INTAKE, COMMUNE_B)
    answer = client.post("/register/letters", json={"document_id": doc, "received": "2026-02-10",
                                                    "channel": "in_person"}, headers=clerk)
    assert answer.status_code == 201, answer.text
    sheet = answer.json()
    assert sheet["register_number"] == "1/2026" and sheet["unit"] == COMMUNE_B
    assert sheet["type"] == "complaint" and sheet["senders"][0]["name"] == COMPLAINANT
    assert sheet["recipient"] == "Chủ tịch Ủy ban nhân dân huyện Chợ Mới"
    # received Tue 10/02/2026: Luật Khiếu nại Art. 27, 10 days → Fri 20/02, inside the Tết break (14–22/02)
    # → the next working day, Mon 23/02; Circular 05's 10 working days would end later (11,12,13 | Tết |
    # 23,24,25,26,27, 2/3, 3/3 → 03/03), so the earlier one is shown
    assert sheet["next_deadline"]["due"] == "2026-02-23"
    assert "Art. 27" in sheet["next_deadline"]["article"]
    assert [h["status"] for h in sheet["history"]] == ["received"]
    letter = sheet["id"]
    # the same document again: a second letter, proposed as the same matter (same text, same sender)
    again = client.post("/register/letters", json={"document_id": doc, "received": "2026-03-02"}, headers=clerk)
    assert again.status_code == 201
    proposals = again.json()["proposals"]
    assert [p["other"]["id"] for p in proposals] == [letter] and proposals[0]["state"] == "proposed"
    assert proposals[0]["score"] >= 0.6 and proposals[0]["reasons"]
    # the intake clerk may not decide; the commune's officer may
    body = {"decision": "accept", "on": "2026-02-12"}
    assert client.post(f"/register/letters/{letter}/decision", json=body, headers=clerk).status_code == 403
    officer = bearer(client, Role.OFFICER, COMMUNE_B)
    judged = client.post(f"/register/letters/{letter}/judgement", json={"processable": True}, headers=officer)
    assert judged.status_code == 200 and judged.json()["status"] == "processing"
    decided = client.post(f"/register/letters/{letter}/decision", json=body, headers=officer).json()
    assert decided["status"] == "decided" and decided["decision"] == "accept"
    assert decided["officer"] == f"officer-{COMMUNE_B.replace('/', '-')}"  # the deciding officer takes it
    # accepted Thu 12/02/2026: Art. 28, 30 days → Sat 14/03 → the next working day Mon 16/03
    assert decided["next_deadline"]["due"] == "2026-03-16" and "Art. 28" in decided["next_deadline"]["article"]
    bad = client.post(f"/register/letters/{letter}/decision", json={"decision": "forward"}, headers=officer)
    assert bad.status_code == 400  # forwarding needs the competent body
    # the earlier letter's sheet shows the proposal too; the clerk answers it there: both letters, one matter
    later = again.json()["id"]
    seen = client.get(f"/register/letters/{letter}", headers=clerk).json()["proposals"]
    assert [(p["other"]["id"], p["state"]) for p in seen] == [(later, "proposed")]
    joined = client.post(f"/register/letters/{letter}/proposals/{later}", json={"confirm": True}, headers=clerk)
    assert joined.status_code == 200 and joined.json()["proposals"][0]["state"] == "confirmed"
    later_sheet = client.get(f"/register/letters/{later}", headers=clerk).json()
    assert later_sheet["matter_id"] == letter and later_sheet["proposals"][0]["state"] == "confirmed"
    assert len(book.links(services.store.engine, later)) == 1  # the stored proposal answered, none added
    assert book.matters_count(services.store.engine, unit=COMMUNE_B) == 1
    # each step is in the audit trail
    actions = [r.action for r in audit.rows(services.store, limit=50)]
    for action in ("register", "decide", "link"):
        assert action in actions, action
    # a document of another commune cannot be registered by this clerk (hidden: 404)
    other = store_document(services, "don-cua-xa-khac.png", COMMUNE_A)
    assert client.post("/register/letters", json={"document_id": other}, headers=clerk).status_code == 404
    # nor into another commune's register
    assert client.post("/register/letters", json={"document_id": doc, "unit": COMMUNE_A},
                       headers=clerk).status_code == 403


def test_list_filters_sheet_and_due_list(client: TestClient, register: dict[str, int]) -> None:
    leader = bearer(client, Role.LEADER, DISTRICT)
    everything = client.get("/register/letters", headers=leader).json()
    assert everything["total"] == 4
    def ids(**params) -> set[int]:
        return {i["id"] for i in client.get("/register/letters", params=params, headers=leader).json()["items"]}
    assert ids(unit=COMMUNE_A) == {register["first"], register["rescan"]}
    assert ids(type="complaint") == {register["complaint"]}
    assert ids(channel="in_person") == {register["complaint"]}
    assert ids(year=2026, status="received") == set(register.values())
    # the complaint of 10/02/2026 is long overdue; the denunciations' deadlines (Art. 24, 7 working days from
    # 26/11: 27, 30/11, 1, 2, 3, 4, 7/12 → Mon 07/12/2026) are not before today's date 07/12/2026 at the earliest
    overdue = ids(overdue="true")
    assert register["complaint"] in overdue
    sheet = client.get(f"/register/letters/{register['first']}", headers=leader).json()
    assert sheet["next_deadline"]["due"] == "2026-12-07" and "Art. 24" in sheet["next_deadline"]["article"]
    # the due list on Tue 01/12/2026: nothing of commune A is overdue; the first letter is due on 07/12
    # (within 7 days); the rescan of Mon 30/11 is due on 1, 2, 3, 4, 7, 8, 9/12 → Wed 09/12 (8 days: not yet)
    due = client.get("/register/due", params={"on": "2026-12-01", "unit": COMMUNE_A}, headers=leader).json()
    assert due["overdue"] == []
    assert [(i["letter"]["id"], i["due"]) for i in due["this_week"]] == [(register["first"], "2026-12-07")]
    # on Tue 08/12 both are late or due: 07/12 passed; 09/12 within the week
    due = client.get("/register/due", params={"on": "2026-12-08", "unit": COMMUNE_A}, headers=leader).json()
    assert [i["letter"]["id"] for i in due["overdue"]] == [register["first"]]
    assert [(i["letter"]["id"], i["due"]) for i in due["this_week"]] == [(register["rescan"], "2026-12-09")]
    # per officer
    due = client.get("/register/due", params={"on": "2026-12-08", "officer": "officer-lan"}, headers=leader).json()
    assert [i["letter"]["officer"] for i in due["overdue"] + due["this_week"]] == ["officer-lan"]


def test_units_roles_and_anonymous_are_refused(client: TestClient, register: dict[str, int]) -> None:
    first, copy = register["first"], register["copy"]
    officer_a = bearer(client, Role.OFFICER, COMMUNE_A)
    # another commune's letter does not exist for this officer: sheet, writes, answers
    assert client.get(f"/register/letters/{copy}", headers=officer_a).status_code == 404
    assert client.post(f"/register/letters/{copy}/decision", json={"decision": "file"},
                       headers=officer_a).status_code == 404
    assert client.post(f"/register/letters/{copy}/proposals/{first}", json={"confirm": True},
                       headers=officer_a).status_code == 404
    listed = client.get("/register/letters", headers=officer_a).json()
    assert {i["id"] for i in listed["items"]} == {first, register["rescan"]}
    # asking for the other commune lists nothing (not an error that would tell it exists)
    assert client.get("/register/letters", params={"unit": COMMUNE_B}, headers=officer_a).json()["total"] == 0
    assert client.get("/register/due", params={"on": "2026-12-08", "unit": COMMUNE_B},
                      headers=officer_a).json()["overdue"] == []
    # the district's leader sees both communes and may decide; another district's leader sees neither
    leader = bearer(client, Role.LEADER, DISTRICT)
    assert client.get(f"/register/letters/{copy}", headers=leader).status_code == 200
    assert client.post(f"/register/letters/{copy}/judgement", json={"processable": False, "reason": "not_competent"},
                       headers=leader).json()["unprocessable_reason"] == "not_competent"
    elsewhere = bearer(client, Role.LEADER, "an-giang/long-xuyen")
    assert client.get("/register/letters", headers=elsewhere).json()["total"] == 0
    assert client.get(f"/register/letters/{first}", headers=elsewhere).status_code == 404
    # leaders do not register letters nor answer proposals (REGISTER is the clerks' and officers')
    assert client.post(f"/register/letters/{register['rescan']}/proposals/{first}", json={"confirm": True},
                       headers=leader).status_code == 403
    # archivists (and verifiers and administrators: test_auth's role × route matrix, every register route) have
    # no register access at all, even within their unit
    token = bearer(client, Role.ARCHIVIST, COMMUNE_A)
    for url in ("/register/letters", f"/register/letters/{first}", "/register/due", "/so-don", f"/so-don/{first}"):
        assert client.get(url, headers=token).status_code == 403, url
    # not logged in: 401 for the API, the login page for the pages
    assert client.get("/register/letters").status_code == 401
    assert client.post("/register/letters", json={"document_id": 1}).status_code == 401
    page = client.get(f"/so-don/{first}", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/dang-nhap")


def test_proposals_never_reveal_a_denouncer(client: TestClient, register: dict[str, int],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    first, copy = register["first"], register["copy"]
    # commune B's officer sees the copy's proposal to commune A's letter as a number, a unit and a date only
    officer_b = bearer(client, Role.OFFICER, COMMUNE_B)
    answer = client.get(f"/register/letters/{copy}", headers=officer_b)
    proposals = answer.json()["proposals"]
    assert {p["other"]["id"] for p in proposals} == {first, register["rescan"]}  # the letter and its rescan
    for p in proposals:
        other = p["other"]
        assert other["visible"] is False and other["senders"] == [] and other["summary"] is None
        assert other["unit"] == COMMUNE_A and p["reasons"]
    assert {p["other"]["register_number"] for p in proposals} == {"1/2026", "2/2026"}
    # the copy is commune B's own letter, which its officer (cleared) reads in full; the proposal's part holds
    # nothing of commune A's letter beyond its number
    assert DENOUNCER_ID not in str(proposals) and DENOUNCER not in str(proposals)
    page = client.get(f"/so-don/{copy}", headers=officer_b).text
    assert f'href="/so-don/{first}"' not in page
    # should the policy ever let a reader without READ_IDENTITY read the register, the read path masks the
    # denouncer everywhere: senders, summary, and the other letter of each proposal
    monkeypatch.setitem(POLICY, Role.ARCHIVIST, POLICY[Role.ARCHIVIST] | {Action.READ_REGISTER})
    archivist = bearer(client, Role.ARCHIVIST, DISTRICT)
    for url in (f"/register/letters/{copy}", f"/register/letters/{first}", "/register/letters",
                "/register/due?on=2026-12-08", f"/so-don/{first}", "/so-don", "/so-don/den-han?ngay=2026-12-08"):
        answer = client.get(url, headers=archivist)
        assert answer.status_code == 200, url
        text = answer.text
        assert DENOUNCER_ID not in text and "089175004321" not in text, url
        assert DENOUNCER not in text and "Trần Thị" not in text, url
        assert "[đã ẩn]" in text, url
    sheet = client.get(f"/register/letters/{copy}", headers=archivist).json()
    assert sheet["senders"][0]["name"] == "[đã ẩn]"
    assert sheet["proposals"][0]["other"]["visible"] is True
    assert sheet["proposals"][0]["other"]["senders"][0]["name"] == "[đã ẩn]"
    # the accused (not confidential) stays readable
    assert "Lê Văn Tâm" in client.get(f"/so-don/{first}", headers=archivist).text


# ------------------------------------------------------------------------------------------ the pages
def test_pages_list_sheet_due_and_forms(client: TestClient, register: dict[str, int]) -> None:
    store = client.app.state.services.store
    name = add_user(store, Role.OFFICER, COMMUNE_A, name="officer-lan")
    log_in(client, name)
    listed = client.get("/so-don")
    assert listed.status_code == 200
    assert 'href="/so-don"' in listed.text and "Sổ xử lý đơn" in listed.text  # the nav link
    assert listed.text.count('href="/so-don/') >= 2 and f'href="/so-don/{register["copy"]}"' not in listed.text
    assert DENOUNCER in listed.text  # an officer is cleared to see the denouncer
    assert listed.headers["content-security-policy"].startswith("default-src 'self'")
    assert listed.headers["x-content-type-options"] == "nosniff"
    only_complaints = client.get("/so-don", params={"loai": "complaint"}).text
    assert "Không có đơn nào khớp bộ lọc" in only_complaints
    # the sheet: fields, next deadline with its article, the proposal with its reasons and the two buttons
    sheet = client.get(f"/so-don/{register['rescan']}").text
    assert "Phiếu đơn số 2/2026" in sheet and "Luật Tố cáo 2018 (25/2018/QH14) Điều 24" in sheet
    assert "09/12/2026" in sheet  # Art. 24 from Mon 30/11: 1, 2, 3, 4, 7, 8, 9/12
    assert f'action="/so-don/{register["rescan"]}/de-xuat/{register["first"]}"' in sheet
    token = session_csrf(client)
    assert f'name="csrf" value="{token}"' in sheet
    # a form without the CSRF token is refused
    client.headers.pop("X-CSRF-Token")
    refused = client.post(f"/so-don/{register['rescan']}/de-xuat/{register['first']}", data={"xac_nhan": "1"},
                          follow_redirects=False)
    assert refused.status_code == 403
    assert book.get(store.engine, register["rescan"]).matter_id == register["rescan"]
    # with it: confirmed, the rescan joins the first letter's matter
    done = client.post(f"/so-don/{register['rescan']}/de-xuat/{register['first']}",
                       data={"xac_nhan": "1", "csrf": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/so-don/{register['rescan']}"
    assert book.get(store.engine, register["rescan"]).matter_id == register["first"]
    assert "Đã xác nhận cùng vụ việc" in client.get(f"/so-don/{register['rescan']}").text
    # the decision form
    decided = client.post(f"/so-don/{register['first']}/xu-ly", follow_redirects=False,
                          data={"csrf": token, "buoc": "decide", "huong": "accept", "ngay": "2026-12-03"})
    assert decided.status_code == 303
    entry = book.get(store.engine, register["first"])
    assert entry.decision == "accept" and entry.accepted == D(2026, 12, 3)
    # accepted Thu 03/12/2026: Luật Tố cáo Art. 30, 30 days → Sat 02/01/2027 → the next working day Mon 04/01
    assert book.next_deadline(entry).due == D(2027, 1, 4)
    # another commune's letter: as if it did not exist, for reading and for the forms
    assert client.get(f"/so-don/{register['copy']}").status_code == 404
    assert client.post(f"/so-don/{register['copy']}/xu-ly", data={"csrf": token, "buoc": "resolve"},
                       follow_redirects=False).status_code == 404
    # the due list on 08/12/2026, per unit and officer (the first letter is now accepted: not due)
    due = client.get("/so-don/den-han", params={"ngay": "2026-12-08"}).text
    assert "1 đơn quá hạn" not in due and "0 đơn quá hạn" in due
    assert "09/12/2026" in due and "chưa phân công cán bộ" in due
    # entering a letter from a document, from the list page's form
    doc = store_document(client.app.state.services, "don-moi.png", COMMUNE_A)
    entered = client.post("/so-don/vao-so", data={"csrf": token, "van_ban": str(doc), "kenh": "online",
                                                   "ngay_nhan": "2026-12-07"}, follow_redirects=False)
    assert entered.status_code == 303 and entered.headers["location"].startswith("/so-don/")
    new = book.get(store.engine, int(entered.headers["location"].rsplit("/", 1)[1]))
    assert (new.unit, new.register_number, new.channel) == (COMMUNE_A, "3/2026", "online")
    reads = [r for r in audit.rows(store, limit=100, action="read_register") if r.username == name]
    assert len(reads) >= 4


def test_intake_clerk_pages(client: TestClient, register: dict[str, int]) -> None:
    log_in(client, add_user(client.app.state.services.store, Role.INTAKE, COMMUNE_A))
    sheet = client.get(f"/so-don/{register['rescan']}").text
    assert "de-xuat" in sheet and "/xu-ly" not in sheet  # answers proposals; no decision forms
    refused = client.post(f"/so-don/{register['rescan']}/xu-ly", data={"buoc": "judge"}, follow_redirects=False)
    assert refused.status_code == 403
    assert re.search(r"Vào sổ đơn từ văn bản", client.get("/so-don").text)


def test_the_service_index_sees_letters_registered_by_the_cli(client: TestClient) -> None:
    """The service keeps one duplicate index; a letter entered meanwhile by another process (the CLI: straight
    into the store) is still proposed to the next letter registered through the service."""
    services = client.app.state.services
    doc = store_document(services, "don-khieu-nai-binh.png", COMMUNE_B)
    clerk = bearer(client, Role.INTAKE, COMMUNE_B)
    first = client.post("/register/letters", json={"document_id": doc, "received": "2026-02-10"}, headers=clerk)
    by_cli, _ = book.register(services.store.engine, unit=COMMUNE_B, received=D(2026, 2, 20), channel="post",
                              type="complaint", text=COMPLAINT, who="cli",
                              senders=[{"name": COMPLAINANT, "id_number": "089062001234", "address": None}])
    again = client.post("/register/letters", json={"document_id": doc, "received": "2026-03-02"}, headers=clerk)
    assert {p["other"]["id"] for p in again.json()["proposals"]} == {first.json()["id"], by_cli.id}
    assert again.json()["register_number"] == "3/2026"


# ------------------------------------------------------------------ paging in SQL, edits, archived dossiers
def test_list_and_due_list_are_paged_with_totals(client: TestClient, register: dict[str, int],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    engine = client.app.state.services.store.engine
    # a unit whose path starts like commune A's but is not below it: never counted as commune A's
    sibling = _denunciation(engine, COMMUNE_A + "-moi", D(2026, 12, 1))
    leader = bearer(client, Role.LEADER, DISTRICT)

    def listed(**params) -> tuple[int, list[int]]:
        answer = client.get("/register/letters", params=params, headers=leader).json()
        return answer["total"], [i["id"] for i in answer["items"]]
    # newest first by date received: sibling 01/12, rescan 30/11, copy 27/11, first 26/11, complaint 10/02
    assert listed(limit=2) == (5, [sibling, register["rescan"]])
    assert listed(limit=2, offset=2) == (5, [register["copy"], register["first"]])
    assert listed(limit=2, offset=4) == (5, [register["complaint"]])
    assert listed(limit=2, offset=9) == (5, [])
    assert listed(unit=COMMUNE_A) == (2, [register["rescan"], register["first"]])
    assert listed(unit=COMMUNE_A + "-moi") == (1, [sibling])
    # commune A's officer: the count holds only what they may see
    officer_a = bearer(client, Role.OFFICER, COMMUNE_A)
    answer = client.get("/register/letters", params={"limit": 1}, headers=officer_a).json()
    assert (answer["total"], [i["id"] for i in answer["items"]]) == (2, [register["rescan"]])
    # the due list on Tue 08/12/2026 (Art. 24, 7 working days): first 26/11 → 07/12 (overdue); copy Fri 27/11 →
    # 30/11, 1, 2, 3, 4, 7, 8/12 → 08/12 (today: this week); rescan 30/11 → 09/12; sibling Tue 01/12 → 2, 3, 4,
    # 7, 8, 9, 10/12 → 10/12; the complaint of 10/02 is long overdue and comes first
    due = client.get("/register/due", params={"on": "2026-12-08", "limit": 1}, headers=leader).json()
    assert (due["overdue_total"], due["this_week_total"]) == (2, 3)
    assert [i["letter"]["id"] for i in due["overdue"]] == [register["complaint"]]
    assert [(i["letter"]["id"], i["due"]) for i in due["this_week"]] == [(register["copy"], "2026-12-08")]
    due = client.get("/register/due", params={"on": "2026-12-08"}, headers=leader).json()
    assert [i["letter"]["id"] for i in due["overdue"]] == [register["complaint"], register["first"]]
    assert [(i["letter"]["id"], i["due"]) for i in due["this_week"]] == [
        (register["copy"], "2026-12-08"), (register["rescan"], "2026-12-09"), (sibling, "2026-12-10")]
    # the stored next deadline follows the decisions: accepted Thu 03/12/2026 → Luật Tố cáo Art. 30, 30 days →
    # Sat 02/01/2027 → Mon 04/01/2027; resolved → nothing pending
    book.decide(engine, register["first"], decision="accept", on=D(2026, 12, 3), who="officer")
    book.decide(engine, register["rescan"], decision="accept", on=D(2026, 12, 4), who="officer")
    book.resolve(engine, register["rescan"], on=D(2026, 12, 4), who="officer")
    due = client.get("/register/due", params={"on": "2026-12-08"}, headers=leader).json()
    assert [i["letter"]["id"] for i in due["overdue"] + due["this_week"]] == [
        register["complaint"], register["copy"], sibling]
    due = client.get("/register/due", params={"on": "2026-12-28"}, headers=leader).json()
    assert (register["first"], "2027-01-04") in [(i["letter"]["id"], i["due"]) for i in due["this_week"]]
    # the list page, 2 letters a page: page 2 of 3 links back and forth
    monkeypatch.setattr("api.routes.register.PAGE_SIZE", 2)
    log_in(client, add_user(client.app.state.services.store, Role.LEADER, DISTRICT))
    page = client.get("/so-don", params={"trang": 2}).text
    assert "trang 2/3" in page and 'href="/so-don"' in page and 'href="/so-don?trang=3"' in page
    assert f'href="/so-don/{register["copy"]}"' in page and f'href="/so-don/{sibling}"' not in page


def test_senders_and_summary_are_edited_and_audited(client: TestClient, register: dict[str, int],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    store = client.app.state.services.store
    complaint, rescan = register["complaint"], register["rescan"]
    officer_b = bearer(client, Role.OFFICER, COMMUNE_B)
    body = {"senders": [{"name": COMPLAINANT, "id_number": "089062001234", "address": "ấp Long Hòa"},
                        {"name": "Nguyễn Thị Hoa"}],
            "summary": "Khiếu nại Quyết định 1520/QĐ-UBND về giá bồi thường thửa 45."}
    sheet = client.post(f"/register/letters/{complaint}/entry", json=body, headers=officer_b)
    assert sheet.status_code == 200, sheet.text
    sheet = sheet.json()
    assert [s["name"] for s in sheet["senders"]] == [COMPLAINANT, "Nguyễn Thị Hoa"]
    assert sheet["senders"][0]["address"] == "ấp Long Hòa" and sheet["senders"][1]["id_number"] is None
    assert sheet["summary"] == body["summary"] and sheet["sender_count"] == 2 and sheet["status"] == "received"
    # the history says what changed and how many senders, never a name
    last = sheet["history"][-1]
    assert last["note"] == "sửa thông tin vào sổ: người gửi (2 người), số người ký: 2, tóm tắt nội dung"
    assert last["who"].startswith("officer") and "Hoa" not in str(sheet["history"])
    assert any("letter %d edited" % complaint in r.target for r in audit.rows(store, limit=50, action="register"))
    # denials: another commune (404, as if missing), a leader (no REGISTER: 403), an empty summary (400),
    # no login (401)
    officer_a = bearer(client, Role.OFFICER, COMMUNE_A)
    assert client.post(f"/register/letters/{complaint}/entry", json={"summary": "x"},
                       headers=officer_a).status_code == 404
    leader = bearer(client, Role.LEADER, DISTRICT)
    assert client.post(f"/register/letters/{complaint}/entry", json={"summary": "x"},
                       headers=leader).status_code == 403
    assert client.post(f"/register/letters/{complaint}/entry", json={"summary": ""},
                       headers=officer_b).status_code == 422
    assert client.post(f"/register/letters/{complaint}/entry", json={"summary": "   "},
                       headers=officer_b).status_code == 400
    assert client.post(f"/register/letters/{complaint}/entry", json={"summary": "x"}).status_code == 401
    assert book.get(store.engine, complaint).summary == body["summary"]
    # a reader not cleared to see a denouncer (were the policy to let one register) may not write the masked
    # senders back over a denunciation's
    monkeypatch.setitem(POLICY, Role.ARCHIVIST, POLICY[Role.ARCHIVIST] | {Action.READ_REGISTER, Action.REGISTER})
    archivist = bearer(client, Role.ARCHIVIST, COMMUNE_A)
    assert client.post(f"/register/letters/{rescan}/entry", json={"summary": "x"},
                       headers=archivist).status_code == 403
    assert book.get(store.engine, rescan).senders == [DENOUNCER_SENDER]
    # the sheet's form (officer of commune A, CSRF token): one sender a line, name | ID number | address
    log_in(client, add_user(store, Role.OFFICER, COMMUNE_A))
    page = client.get(f"/so-don/{rescan}").text
    assert f'action="/so-don/{rescan}/sua"' in page and f"{DENOUNCER} | {DENOUNCER_ID} | ấp Mỹ Hòa" in page
    token = session_csrf(client)
    form = {"nguoi_gui": f"{DENOUNCER} | {DENOUNCER_ID} | ấp Mỹ Hòa, xã Mỹ Hội Đông\nLê Thị Cúc",
            "so_nguoi_ky": "3", "tom_tat": "Tố cáo cán bộ địa chính xã nhận tiền xác nhận sai nguồn gốc đất."}
    client.headers.pop("X-CSRF-Token")
    assert client.post(f"/so-don/{rescan}/sua", data=form, follow_redirects=False).status_code == 403
    done = client.post(f"/so-don/{rescan}/sua", data={**form, "csrf": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/so-don/{rescan}"
    entry = book.get(store.engine, rescan)
    assert entry.senders == [{"name": DENOUNCER, "id_number": DENOUNCER_ID, "address": "ấp Mỹ Hòa, xã Mỹ Hội Đông"},
                             {"name": "Lê Thị Cúc", "id_number": None, "address": None}]
    assert entry.sender_count == 3 and entry.summary == form["tom_tat"]
    assert client.post(f"/so-don/{register['copy']}/sua", data={**form, "csrf": token},
                       follow_redirects=False).status_code == 404


def test_a_letter_is_linked_to_its_archived_dossier(client: TestClient, register: dict[str, int]) -> None:
    services = client.app.state.services
    store = services.store
    first = register["first"]
    dossier_a = store.create_dossier("Hồ sơ tố cáo cán bộ địa chính xã Mỹ Hội Đông")
    dossier_b = store.create_dossier("Hồ sơ khiếu nại thu hồi đất Long Điền A")
    for name, unit, dossier in (("ho-so-a.png", COMMUNE_A, dossier_a), ("ho-so-b.png", COMMUNE_B, dossier_b)):
        data = name.encode() * 8
        doc = store.add_document(name, store.put_original(data), len(data), mime="image/png", unit=unit,
                                 dossier_id=dossier)
        store.save_result(doc, complaint_record(name, "Long Điền A"), [])
    officer_a = bearer(client, Role.OFFICER, COMMUNE_A)
    # commune B's dossier is not commune A's officer's to see: as if missing; a dossier that does not exist too
    for missing in (dossier_b, 999):
        answer = client.post(f"/register/letters/{first}/dossier", json={"dossier_id": missing}, headers=officer_a)
        assert answer.status_code == 404
    assert book.get(store.engine, first).dossier_id is None
    sheet = client.post(f"/register/letters/{first}/dossier", json={"dossier_id": dossier_a}, headers=officer_a)
    assert sheet.status_code == 200 and sheet.json()["dossier_id"] == dossier_a
    assert sheet.json()["history"][-1]["note"] == f"gắn với hồ sơ lưu trữ mã {dossier_a}"
    # denials: another commune's letter (404), a leader (no REGISTER, 403), no login (401)
    officer_b = bearer(client, Role.OFFICER, COMMUNE_B)
    assert client.post(f"/register/letters/{first}/dossier", json={"dossier_id": dossier_b},
                       headers=officer_b).status_code == 404
    assert client.post(f"/register/letters/{register['copy']}/dossier", json={"dossier_id": dossier_b},
                       headers=bearer(client, Role.LEADER, DISTRICT)).status_code == 403
    assert client.post(f"/register/letters/{first}/dossier", json={"dossier_id": None}).status_code == 401
    # shown on both: the sheet links the dossier, the dossier's page the letter
    log_in(client, add_user(store, Role.OFFICER, COMMUNE_A))
    page = client.get(f"/so-don/{first}").text
    assert f'href="/ho-so/{dossier_a}"' in page and f'<option value="{dossier_a}" selected>' in page
    assert f'<option value="{dossier_b}"' not in page
    assert f'href="/so-don/{first}"' in client.get(f"/ho-so/{dossier_a}").text
    # unlinked from the sheet's form
    token = session_csrf(client)
    done = client.post(f"/so-don/{first}/ho-so", data={"ho_so": "", "csrf": token}, follow_redirects=False)
    assert done.status_code == 303 and book.get(store.engine, first).dossier_id is None
    assert f'href="/so-don/{first}"' not in client.get(f"/ho-so/{dossier_a}").text


# ------------------------------------------------------- handling steps: one implementation behind every surface
def test_every_surface_refuses_an_illegal_step_and_records_the_officer(client: TestClient,
                                                                       register: dict[str, int]) -> None:
    """judge / decide / resolve through the API and the sheet's forms go through `book.take_step`: a step the
    letter's state does not allow is refused with a clear message (API 409, the form's flash) and nothing is
    written; the officer who takes a step on an unassigned letter becomes its officer (resolve included); each
    step and each refusal is in the audit trail."""
    store = client.app.state.services.store
    engine = store.engine
    officer_a = bearer(client, Role.OFFICER, COMMUNE_A)
    officer_name = f"officer-{COMMUNE_A.replace('/', '-')}"
    leader = bearer(client, Role.LEADER, DISTRICT)
    rescan = register["rescan"]  # commune A, received, no officer
    # API: resolving a letter never accepted is a conflict with its state, not a server error
    refused = client.post(f"/register/letters/{rescan}/resolution", json={"on": "2026-12-04"}, headers=officer_a)
    assert refused.status_code == 409, refused.text
    assert "thụ lý" in refused.json()["detail"]
    assert book.get(engine, rescan).status == "received" and book.get(engine, rescan).officer is None
    # judged not processable: accepting it is refused; filing it is taken, by the officer who becomes its officer
    judged = client.post(f"/register/letters/{rescan}/judgement",
                         json={"processable": False, "reason": "already_handled"}, headers=officer_a)
    assert judged.status_code == 200 and judged.json()["officer"] == officer_name
    accept = client.post(f"/register/letters/{rescan}/decision", json={"decision": "accept", "on": "2026-12-03"},
                         headers=officer_a)
    assert accept.status_code == 409 and "không đủ điều kiện" in accept.json()["detail"]
    filed = client.post(f"/register/letters/{rescan}/decision", json={"decision": "file", "on": "2026-12-03",
                                                                      "documents": ["12/TB-TTr"]},
                        headers=officer_a).json()
    assert filed["status"] == "decided" and filed["decision_documents"] == ["12/TB-TTr"]
    assert "văn bản: 12/TB-TTr" in filed["history"][-1]["note"]
    # a decided letter is not judged or decided again; a filed one is not resolved
    for url, body in (("judgement", {"processable": True}), ("decision", {"decision": "guide"}),
                      ("resolution", {})):
        answer = client.post(f"/register/letters/{rescan}/{url}", json=body, headers=officer_a)
        assert answer.status_code == 409, (url, answer.text)
        assert "đơn 2/2026" in answer.json()["detail"]
    # a wrong value stays a 400 (forwarding needs the body), checked before the state
    assert client.post(f"/register/letters/{register['first']}/decision", json={"decision": "forward"},
                       headers=officer_a).status_code == 400
    # resolve through the API records the officer too: the district's leader accepts the unassigned copy
    # (a leader does not become the officer), commune B's officer resolves it and becomes its officer
    copy = register["copy"]
    accepted = client.post(f"/register/letters/{copy}/decision", json={"decision": "accept", "on": "2026-12-01"},
                           headers=leader).json()
    assert accepted["status"] == "decided" and accepted["officer"] is None
    officer_b = bearer(client, Role.OFFICER, COMMUNE_B)
    resolved = client.post(f"/register/letters/{copy}/resolution", json={"on": "2026-12-20"},
                           headers=officer_b).json()
    assert resolved["status"] == "resolved" and resolved["officer"] == f"officer-{COMMUNE_B.replace('/', '-')}"
    assert [h["note"] for h in resolved["history"]][-2:] == [
        "đã giải quyết ngày 2026-12-20", f"phân công cán bộ xử lý: officer-{COMMUNE_B.replace('/', '-')}"]
    # the pages: the same refusals as a flash message, the same officer
    log_in(client, add_user(store, Role.OFFICER, COMMUNE_A, name="officer-thu"))
    token = session_csrf(client)
    first = register["first"]  # assigned to officer-lan at entry: stays hers
    page = client.post(f"/so-don/{first}/xu-ly", data={"csrf": token, "buoc": "resolve", "ngay": "2026-12-04"})
    assert page.status_code == 200 and "Chưa lưu" in page.text and "thụ lý" in page.text
    assert book.get(engine, first).status == "received"
    sheet = client.get(f"/so-don/{first}").text
    assert 'value="judge"' in sheet and 'value="decide"' in sheet and 'value="resolve"' not in sheet
    client.post(f"/so-don/{first}/xu-ly", data={"csrf": token, "buoc": "decide", "huong": "accept",
                                                "ngay": "2026-12-03"})
    sheet = client.get(f"/so-don/{first}").text
    assert 'value="resolve"' in sheet and 'value="decide"' not in sheet and 'value="judge"' not in sheet
    again = client.post(f"/so-don/{first}/xu-ly", data={"csrf": token, "buoc": "decide", "huong": "file"})
    assert "Chưa lưu" in again.text and "không ghi lại hướng xử lý" in again.text
    assert book.get(engine, first).decision == "accept" and book.get(engine, first).officer == "officer-lan"
    odd = client.post(f"/so-don/{first}/xu-ly", data={"csrf": token, "buoc": "skip"})
    assert "Chưa lưu" in odd.text and "bước xử lý không hợp lệ" in odd.text
    # an unassigned letter decided from the form: the officer of the form becomes its officer
    sibling = _denunciation(engine, COMMUNE_A, D(2026, 12, 2))
    client.post(f"/so-don/{sibling}/xu-ly", data={"csrf": token, "buoc": "decide", "huong": "guide",
                                                  "ngay": "2026-12-04"})
    assert book.get(engine, sibling).officer == "officer-thu"
    # the audit trail: every step taken and every refusal, as `decide`
    rows = [(r.username, r.target, r.result) for r in audit.rows(store, limit=200, action="decide")]
    assert (officer_name, f"letter {rescan} judged not: already_handled", "ok") in rows
    assert (officer_name, f"letter {rescan} decision file", "ok") in rows
    assert any(u == officer_name and t.startswith(f"letter {rescan} resolve:") and r == "refused"
               for u, t, r in rows)
    assert ("officer-thu", f"letter {first} decision accept", "ok") in rows
    assert audit.verify(store).ok


def test_a_denunciation_is_registered_with_its_real_senders_and_shown_masked(
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """The register stores the system's full view of the document, whoever enters it; masking is applied only
    on output. Were the policy to let a reader not cleared to see a denouncer (Luật Tố cáo 2018 Art. 47) enter
    letters, the senders stored would still be the real ones — not the `[đã ẩn]` of that reader's copy — and
    that reader would still see them masked."""
    services = client.app.state.services
    name = "don-to-cao.png"
    record = Record.model_validate({
        "file": name, "sha256": hashlib.sha256(name.encode()).hexdigest(), "mime": "image/png",
        "pages": [{"number": 1, "source": "ocr", "confidence": 90.0, "text": DENUNCIATION}], "text": DENUNCIATION,
        "kind": "petition", "type": "denunciation", "type_confidence": 0.9, "type_evidence": ["tố cáo"],
        "parties": [{"name": DENOUNCER, "role": "denouncer", "id_number": DENOUNCER_ID,
                     "address": DENOUNCER_SENDER["address"]},
                    {"name": "Lê Văn Tâm", "role": "subject"}],
        "parcels": [{"parcel_no": "112", "map_sheet": "7", "commune": "Mỹ Hội Đông"}], "date": "2026-11-25",
        "errors": [],
    })
    data = name.encode() * 8
    doc = services.store.add_document(name, services.store.put_original(data), len(data), mime="image/png",
                                      unit=COMMUNE_A)
    services.store.save_result(doc, record, [])
    monkeypatch.setitem(POLICY, Role.ARCHIVIST, POLICY[Role.ARCHIVIST] | {Action.READ_REGISTER, Action.REGISTER})
    uncleared = bearer(client, Role.ARCHIVIST, COMMUNE_A)
    answer = client.post("/register/letters", json={"document_id": doc, "received": "2026-11-26"},
                         headers=uncleared)
    assert answer.status_code == 201, answer.text
    letter = answer.json()["id"]
    stored = book.get(services.store.engine, letter)
    assert stored.type == "denunciation"
    assert stored.senders == [{"name": DENOUNCER, "id_number": DENOUNCER_ID, "address": DENOUNCER_SENDER["address"]}]
    assert stored.subjects == ["Lê Văn Tâm"]
    # the uncleared reader sees the senders masked, in the answer to the entry and in the sheet afterwards
    for shown in (answer, client.get(f"/register/letters/{letter}", headers=uncleared)):
        assert shown.json()["senders"] == [{"name": "[đã ẩn]", "id_number": "[đã ẩn]", "address": "[đã ẩn]"}]
        assert DENOUNCER not in shown.text and DENOUNCER_ID not in shown.text
    # a cleared officer of the unit sees the real senders
    officer = bearer(client, Role.OFFICER, COMMUNE_A)
    assert client.get(f"/register/letters/{letter}", headers=officer).json()["senders"][0]["name"] == DENOUNCER
    # another commune's document stays hidden from the uncleared reader (404), as before
    other = store_document(services, "don-cua-xa-khac.png", COMMUNE_B)
    assert client.post("/register/letters", json={"document_id": other}, headers=uncleared).status_code == 404


def test_a_sheet_reads_its_letter_once(client: TestClient, register: dict[str, int],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The sheet (API and page) reads the letter once through the register's read path
    (`register_read.read_sheet`) and passes it down to its history and proposals; the proposals' other letters
    are read once each. (It read the letter three times: the sheet, its history, its proposals.)"""
    reads: list[int] = []
    real = book.get

    def counted(engine, letter_id):
        reads.append(letter_id)
        return real(engine, letter_id)

    monkeypatch.setattr(book, "get", counted)
    officer = bearer(client, Role.OFFICER, COMMUNE_A)
    rescan = register["rescan"]
    sheet = client.get(f"/register/letters/{rescan}", headers=officer).json()
    assert {p["other"]["id"] for p in sheet["proposals"]} == {register["first"], register["copy"]}
    assert sorted(reads) == sorted([rescan, register["first"], register["copy"]])
    reads.clear()
    log_in(client, add_user(client.app.state.services.store, Role.OFFICER, COMMUNE_A))
    assert "Phiếu đơn số 2/2026" in client.get(f"/so-don/{rescan}").text
    assert reads.count(rescan) == 1
