"""`donthu register …` end to end on a SQLite data dir: add two copies of one denunciation to two units, the
second is proposed as the same matter (sent to several bodies), link, decide, list a page at a time, and the due
list; `refresh-deadlines` puts right stored deadlines made wrong by hand, and is audited."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from cli.main import main
from donthu.config import Settings
from records import audit
from records.store import Store
from records.tables import register_letters

LETTER = """ĐƠN TỐ CÁO
Kính gửi: {to}.
Tôi tên là Lê Văn Tám, CCCD số 089083391500, trú tại ấp Tây Khánh, xã Lê Chánh, thị xã Tân Châu, tỉnh An Giang.
Tôi tố cáo ông Thạch Hữu Toàn, cán bộ Lao động - Thương binh và Xã hội xã Lê Chánh, thu tiền đóng góp làm đường
giao thông nông thôn năm 2018 mỗi hộ 500.000 đồng nhưng không công khai thu chi; nhiều hộ nghèo ấp Tây Khánh có
tên trong danh sách nhận hỗ trợ nhưng không nhận được tiền.
"""


def test_register_commands(tmp_path, capsys):
    data = str(tmp_path / "data")
    for i, to in enumerate(["Thanh tra tỉnh An Giang", "Ủy ban Kiểm tra Huyện ủy Tân Châu"]):
        (tmp_path / f"l{i}.txt").write_text(LETTER.format(to=to), encoding="utf-8")
    sender = "Lê Văn Tám|089083391500|ấp Tây Khánh, xã Lê Chánh, thị xã Tân Châu"
    assert main(["--data-dir", data, "register", "add", "--unit", "an-giang/thanh-tra-tinh", "--received",
                 "2026-02-12", "--text-file", str(tmp_path / "l0.txt"), "--type", "denunciation", "--sender",
                 sender, "--officer", "cv.lan"]) == 0
    assert main(["--data-dir", data, "register", "add", "--unit", "an-giang/tan-chau", "--received", "2026-02-13",
                 "--channel", "forwarded", "--forwarded-by", "Văn phòng Tỉnh ủy", "--text-file",
                 str(tmp_path / "l1.txt"), "--type", "denunciation", "--sender", sender]) == 0
    out = capsys.readouterr().out
    assert "number 1/2026 of an-giang/tan-chau" in out
    assert "possibly the same matter as letter 1" in out and "several bodies" in out
    assert "089083391500" not in out.split("possibly")[1]  # reasons never quote the identity
    assert main(["--data-dir", data, "register", "link", "2", "1"]) == 0
    assert main(["--data-dir", data, "register", "decide", "1", "--decision", "accept", "--on", "2026-02-23"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", data, "register", "show", "2"]) == 0
    sheet = json.loads(capsys.readouterr().out)
    assert sheet["matter_id"] == 1 and sheet["recipient"] == "Ủy ban Kiểm tra Huyện ủy Tân Châu"
    # received Friday 13 Feb 2026: 7 working days after the Tết break (14-22 Feb) → Tuesday 3 March
    assert sheet["next_deadline"]["due"] == "2026-03-03"
    assert [p["state"] for p in sheet["proposals"]] == ["confirmed"]
    # the list: newest first (letter 2 received 13 Feb, letter 1 on 12 Feb), a page at a time, with the total
    assert main(["--data-dir", data, "register", "list", "--limit", "1"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 2 and rows[0].split()[:3] == ["2", "1/2026", "2026-02-13"]
    assert rows[1] == "2 letters; shown 1-1"
    assert main(["--data-dir", data, "register", "list", "--limit", "1", "--offset", "1"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].split()[:4] == ["1", "1/2026", "2026-02-12", "denunciation"] and "2026-03-25" in rows[0]
    assert "Lê Văn Tám" in rows[0] and rows[1] == "2 letters; shown 2-2"
    assert main(["--data-dir", data, "register", "list", "--unit", "an-giang/tan-chau", "--json"]) == 0
    out = capsys.readouterr()
    assert [e["id"] for e in json.loads(out.out)] == [2] and out.err.strip() == "1 letters"
    assert main(["--data-dir", data, "register", "list", "--offset", "5"]) == 0
    assert capsys.readouterr().out.splitlines() == ["2 letters; shown none"]
    assert main(["--data-dir", data, "register", "due", "--today", "2026-03-20"]) == 0
    due = capsys.readouterr().out
    overdue, week = due.split("DUE WITHIN 7 DAYS")
    assert "2026-03-03" in overdue and "2026-03-25" in week and "Art. 30" in week
    assert main(["--data-dir", data, "register", "decide", "2", "--decision", "forward"]) == 2  # needs --to


def _stored_due(data) -> dict[int, str | None]:
    store = Store(Settings(data_dir=data, workers=1))
    try:
        with store.engine.connect() as conn:
            return dict(conn.execute(select(register_letters.c.id, register_letters.c.next_due)).all())
    finally:
        store.close()


def test_refresh_deadlines_corrects_stale_days(tmp_path, capsys):
    data = tmp_path / "data"
    d = ["--data-dir", str(data), "register"]
    letters = {  # unrelated letters, so that no duplicate is proposed
        "a": "Kính gửi: Thanh tra tỉnh.\nTôi tố cáo cán bộ địa chính xã Hòa Bình nhận tiền khi cấp giấy chứng nhận.",
        "b": "Kính gửi: Thanh tra tỉnh.\nĐề nghị sửa con đường liên ấp Phú Hữu bị sạt lở sau mùa nước nổi.",
        "c": "Kính gửi: Thanh tra tỉnh.\nPhản ánh việc trường tiểu học Long Điền thu thêm tiền học thêm.",
        "d": "Kính gửi: Thanh tra huyện.\nKiến nghị về việc chậm chi trả tiền bồi thường dự án kênh Mương Khai.",
    }
    for name, text in letters.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    unit = "an-giang/thanh-tra-tinh"
    # a: a denunciation received Fri 13/02/2026; 7 working days (Luật Tố cáo Art. 24), Tết break Sat 14 – Sun 22
    #    off: Mon 23 (1), 24, 25, 26, Fri 27 (5), Mon 2/3 (6), Tue 3/3 (7) → 2026-03-03
    assert main(d + ["add", "--unit", unit, "--received", "2026-02-13", "--text-file", str(tmp_path / "a.txt"),
                     "--type", "denunciation", "--sender", "Trần Văn Một"]) == 0
    # b: a recommendation received Wed 22/04/2026; 10 working days (Circular 05): Thu 23 (1), Fri 24 (2); Sat 25,
    #    Sun 26, Mon 27 (Giỗ Tổ observed) off; Tue 28 (3), Wed 29 (4); 30/4 – Sun 3/5 off; Mon 4/5 (5) … Fri 8/5
    #    (9), Mon 11/5 (10) → 2026-05-11
    assert main(d + ["add", "--unit", unit, "--received", "2026-04-22", "--text-file", str(tmp_path / "b.txt"),
                     "--type", "recommendation", "--sender", "Nguyễn Thị Hai"]) == 0
    # c: resolved: no deadline pending
    assert main(d + ["add", "--unit", unit, "--received", "2026-03-02", "--text-file", str(tmp_path / "c.txt"),
                     "--type", "recommendation", "--sender", "Lê Văn Ba"]) == 0
    assert main(d + ["decide", "3", "--decision", "accept", "--on", "2026-03-05"]) == 0
    assert main(d + ["resolve", "3", "--on", "2026-03-10"]) == 0
    # d: another unit, its day left right: received Mon 07/12/2026, 10 working days: Tue 8 (1) … Fri 11 (4),
    #    Mon 14 (5) … Fri 18 (9), Mon 21/12 (10) → 2026-12-21
    assert main(d + ["add", "--unit", "an-giang/tan-chau", "--received", "2026-12-07", "--text-file",
                     str(tmp_path / "d.txt"), "--type", "recommendation", "--sender", "Phạm Văn Bốn"]) == 0
    right = {1: "2026-03-03", 2: "2026-05-11", 3: None, 4: "2026-12-21"}
    assert _stored_due(data) == right
    store = Store(Settings(data_dir=data, workers=1))
    with store.engine.begin() as conn:  # as if the calendar had changed since they were stored
        for letter_id, wrong in ((1, "2026-02-20"), (2, None), (3, "2026-03-16")):
            conn.execute(update(register_letters).where(register_letters.c.id == letter_id).values(next_due=wrong))
    store.close()
    capsys.readouterr()

    assert main(d + ["refresh-deadlines", "--unit", "an-giang/tan-chau"]) == 0  # only letter 4, already right
    assert capsys.readouterr().out.strip() == "0 deadlines changed (1 letters checked)"
    assert _stored_due(data)[1] == "2026-02-20"
    assert main(d + ["refresh-deadlines"]) == 0
    assert capsys.readouterr().out.strip() == "3 deadlines changed (4 letters checked)"
    assert _stored_due(data) == right
    assert main(d + ["refresh-deadlines"]) == 0
    assert capsys.readouterr().out.strip() == "0 deadlines changed (3 letters checked)"  # 3 resolved, no day
    assert main(d + ["due", "--today", "2026-03-01"]) == 0
    assert "2026-03-03" in capsys.readouterr().out.split("DUE WITHIN 7 DAYS")[1]

    store = Store(Settings(data_dir=data, workers=1))
    trail = audit.rows(store, action="register_refresh_deadlines")
    store.close()
    assert [r.target for r in trail] == ["unit=(all) checked=3 changed=0", "unit=(all) checked=4 changed=3",
                                         "unit=an-giang/tan-chau checked=1 changed=0"]
    assert all(r.client == "cli" and r.username.startswith("cli") and r.result == "ok" for r in trail)


def test_refresh_deadlines_in_batches(tmp_path):
    """Several transactions: a batch of 2 over 3 letters made wrong still corrects all three."""
    from records.register import book

    data = tmp_path / "data"
    for i, day in enumerate(["2026-02-13", "2026-02-12", "2026-02-11"]):
        (tmp_path / f"{i}.txt").write_text(f"Kính gửi: Thanh tra tỉnh.\nTố cáo số {i} về việc khác nhau "
                                           f"{'xyz' * i} ở ấp {i}.", encoding="utf-8")
        assert main(["--data-dir", str(data), "register", "add", "--unit", "an-giang/x", "--received", day,
                     "--text-file", str(tmp_path / f"{i}.txt"), "--type", "denunciation", "--sender",
                     f"Người {i}"]) == 0
    store = Store(Settings(data_dir=data, workers=1))
    with store.engine.begin() as conn:
        conn.execute(update(register_letters).values(next_due="2000-01-01"))
    assert book.refresh_all(store.engine, batch=2) == (3, 3)
    store.close()
    # 7 working days, Tết break 14–22/02/2026 off: from Fri 13/2 → Tue 3/3 (Mon 23 … Fri 27, Mon 2, Tue 3);
    # from Thu 12/2 → Mon 2/3 (Fri 13, then Mon 23 … Fri 27, Mon 2); from Wed 11/2 → Fri 27/2 (Thu 12, Fri 13,
    # Mon 23 … Fri 27)
    assert _stored_due(data) == {1: "2026-03-03", 2: "2026-03-02", 3: "2026-02-27"}


def test_cli_steps_refuse_illegal_transitions_record_the_officer_and_are_audited(tmp_path, capsys):
    """`donthu register judge|decide|resolve` go through `book.take_step` as the API and the pages do: a step
    the letter's state does not allow exits 2 with the reason and changes nothing; `--officer` is recorded on
    an unassigned letter; each step and each refusal is in the audit trail (client "cli")."""
    data = tmp_path / "data"
    d = ["--data-dir", str(data), "register"]
    (tmp_path / "l.txt").write_text(LETTER.format(to="Thanh tra tỉnh An Giang"), encoding="utf-8")
    assert main(d + ["add", "--unit", "an-giang/thanh-tra-tinh", "--received", "2026-02-12", "--text-file",
                     str(tmp_path / "l.txt"), "--type", "denunciation", "--sender", "Lê Văn Tám"]) == 0
    capsys.readouterr()
    # resolving a letter never accepted: refused, with the reason
    assert main(d + ["resolve", "1", "--on", "2026-03-10", "--who", "cv.lan"]) == 2
    assert "thụ lý" in capsys.readouterr().err
    assert main(d + ["judge", "1", "--who", "cv.lan", "--officer", "cv.lan"]) == 0
    assert "officer cv.lan" in capsys.readouterr().out
    assert main(d + ["decide", "1", "--decision", "accept", "--on", "2026-02-23", "--who", "cv.lan",
                     "--document-issued", "05/TB-TTr"]) == 0
    # decided: not judged or decided again
    assert main(d + ["judge", "1", "--reason", "anonymous", "--who", "cv.lan"]) == 2
    assert "không xét lại" in capsys.readouterr().err
    assert main(d + ["decide", "1", "--decision", "file", "--who", "cv.lan"]) == 2
    assert "không ghi lại hướng xử lý" in capsys.readouterr().err
    # the officer given later does not replace the one recorded
    assert main(d + ["resolve", "1", "--on", "2026-03-10", "--who", "cv.hoa", "--officer", "cv.hoa"]) == 0
    capsys.readouterr()
    assert main(d + ["show", "1"]) == 0
    sheet = json.loads(capsys.readouterr().out)
    assert sheet["status"] == "resolved" and sheet["officer"] == "cv.lan" and sheet["decision"] == "accept"
    assert [h["status"] for h in sheet["history"]] == ["received", "processing", "processing", "decided", "resolved"]
    assert sheet["history"][2]["note"] == "phân công cán bộ xử lý: cv.lan"
    store = Store(Settings(data_dir=data))
    try:
        rows = [(r.username, r.client, r.target, r.result) for r in audit.rows(store, action="decide")][::-1]
    finally:
        store.close()
    assert [(u, t.split(":")[0], r) for u, c, t, r in rows if c == "cli"] == [
        ("cv.lan", "letter 1 resolve", "refused"), ("cv.lan", "letter 1 judged processable", "ok"),
        ("cv.lan", "letter 1 decision accept", "ok"), ("cv.lan", "letter 1 judge", "refused"),
        ("cv.lan", "letter 1 decide", "refused"), ("cv.hoa", "letter 1 resolved", "ok")]
