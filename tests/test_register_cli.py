"""`donthu register …` end to end on a SQLite data dir: add two copies of one denunciation to two units, the
second is proposed as the same matter (sent to several bodies), link, decide, and the due list."""

from __future__ import annotations

import json

from cli.main import main

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
    assert main(["--data-dir", data, "register", "due", "--today", "2026-03-20"]) == 0
    due = capsys.readouterr().out
    overdue, week = due.split("DUE WITHIN 7 DAYS")
    assert "2026-03-03" in overdue and "2026-03-25" in week and "Art. 30" in week
    assert main(["--data-dir", data, "register", "decide", "2", "--decision", "forward"]) == 2  # needs --to
