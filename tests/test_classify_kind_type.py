"""classify.kind (title lines) and classify.doctype (by content) through classify.analyse."""

import pytest

import classify
from classify.kind import detect_kind

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
HEADER = "ỦY BAN NHÂN DÂN\nHUYỆN CHỢ MỚI\nSố: 15/{code}\n" + MOTTO + "Chợ Mới, ngày 05 tháng 3 năm 2021\n"


@pytest.mark.parametrize("title, kind", [
    ("ĐƠN KHIẾU NẠI", "petition"), ("ĐƠN TRÌNH BÀY", "petition"), ("ĐƠN", "petition"),
    ("ĐƠN ĐỀ NGHỊ GIẢI QUYẾT TRANH CHẤP ĐẤT ĐAI", "petition"), ("DON TO CAO", "petition"),
    ("QUYẾT ĐỊNH", "decision"), ("QUYÊT ĐINH", "decision"), ("QUYET DlNH", "decision"),
    ("KẾT LUẬN", "conclusion"), ("KẾT LUẬN NỘI DUNG TỐ CÁO", "conclusion"), ("THÔNG BÁO", "notice"),
    ("THONG BAO", "notice"), ("BIÊN BẢN", "minutes"), ("BIÊN BẢN HÒA GIẢI", "minutes"), ("BÁO CÁO", "other"),
    ("CÔNG VĂN", "other"),
])
def test_kind_from_title(title, kind):
    assert detect_kind(MOTTO + title + "\nKính gửi: UBND xã Kiến An\nNội dung.") == kind


def test_kind_body_citing_a_decision_is_still_a_letter():
    text = (MOTTO + "Kính gửi: Chủ tịch UBND huyện Chợ Mới\nTôi tên là Nguyễn Văn An.\n"
            "Căn cứ Quyết định số 123/QĐ-UBND ngày 05/3/2021, tôi khiếu nại.\nQuyết định số 123/QĐ-UBND là sai.")
    assert detect_kind(text) == "petition"


def test_kind_official_header_lines_are_skipped():
    assert detect_kind(HEADER.format(code="TB-UBND") + "THÔNG BÁO\nVề việc thụ lý giải quyết khiếu nại") == "notice"
    assert detect_kind(HEADER.format(code="QĐ-UBND") + "QUYẾT ĐỊNH\nVề việc giải quyết khiếu nại") == "decision"


def test_kind_from_own_number_when_the_title_is_lost():
    assert detect_kind("ỦY BAN NHÂN DÂN\nSố: 15/KL-UBND\n~~~\nCăn cứ Luật Tố cáo") == "conclusion"


def analyse(body, title="ĐƠN"):
    return classify.analyse(MOTTO + title + "\nKính gửi: Chủ tịch UBND huyện Chợ Mới\n"
                            "Tôi tên là Nguyễn Văn An, sinh năm 1960, trú tại ấp 1, xã Kiến An.\n" + body)


@pytest.mark.parametrize("body, doc_type", [
    # complaint
    ("Tôi khiếu nại Quyết định số 123/QĐ-UBND về việc thu hồi đất của gia đình tôi, đề nghị hủy bỏ quyết định.",
     "complaint"),
    ("Phương án bồi thường, hỗ trợ tái định cư áp giá đất nông nghiệp là không đúng, gia đình tôi không đồng ý "
     "với quyết định hành chính này.", "complaint"),
    ("Tôi không đồng ý với Quyết định giải quyết khiếu nại lần đầu nên nay khiếu nại lần hai.", "complaint"),
    ("UBND xã từ chối cấp giấy chứng nhận quyền sử dụng đất cho tôi là hành vi hành chính trái pháp luật, "
     "tôi khiếu nại hành vi này.", "complaint"),
    # denunciation
    ("Tôi tố cáo ông Trần Văn Bình, cán bộ địa chính xã, đã nhận hối lộ 20.000.000 đồng.", "denunciation"),
    ("Ông Trần Văn Bình đã lợi dụng chức vụ, quyền hạn làm sai lệch hồ sơ địa chính để cấp giấy cho người thân.",
     "denunciation"),
    ("Bà Lê Thị Hằng, kế toán xã, đã lập danh sách khống để chiếm đoạt tiền hỗ trợ của người dân, có dấu hiệu "
     "tham nhũng.", "denunciation"),
    ("Ông Trưởng ấp nhũng nhiễu, đòi tiền người dân khi xác nhận hồ sơ. Đề nghị xử lý nghiêm hành vi vi phạm.",
     "denunciation"),
    # recommendation
    ("Tuyến đường liên ấp đã xuống cấp nghiêm trọng, nhiều ổ gà, kiến nghị quý cấp sớm nâng cấp.", "recommendation"),
    ("Cơ sở chăn nuôi heo xả nước thải ra kênh gây ô nhiễm môi trường, mùi hôi, xin phản ánh để xử lý.",
     "recommendation"),
    ("Mỗi mùa mưa khu dân cư bị ngập úng do cống thoát nước bị bồi lấp.", "recommendation"),
    ("Nước sinh hoạt thường xuyên bị cúp, nước đục có mùi phèn; kiến nghị trạm cấp nước khắc phục.",
     "recommendation"),
    # land dispute
    ("Ông Lê Văn Cường tự ý dời trụ đá ranh, lấn chiếm khoảng 50 m2 đất của tôi. UBND xã đã hòa giải không thành.",
     "land_dispute"),
    ("Đề nghị giải quyết tranh chấp quyền sử dụng đất giữa tôi và bà Lê Thị Mai đối với thửa đất số 45.",
     "land_dispute"),
    ("Gia đình ông C xây hàng rào lấn ranh giới sang đất của tôi, hai bên không thống nhất ranh giới.",
     "land_dispute"),
])
def test_type_by_content(body, doc_type):
    a = analyse(body)
    assert a.type == doc_type
    assert 0.4 <= a.type_confidence <= 1.0
    assert a.type_evidence and all(e in MOTTO + body + "ĐƠN" for e in a.type_evidence)


@pytest.mark.parametrize("title, body, doc_type", [
    ("ĐƠN TRÌNH BÀY", "Ông Trần Văn Bình, cán bộ địa chính xã, đã nhận hối lộ của tôi 10 triệu đồng để làm hồ sơ.",
     "denunciation"),
    ("ĐƠN KHIẾU NẠI", "Tuyến đường vào ấp xuống cấp, ổ gà, ngập úng mỗi mùa mưa; kiến nghị nâng cấp đường.",
     "recommendation"),
    ("ĐƠN KHIẾU NẠI", "Ông Lê Văn Cường lấn chiếm đất của tôi, UBND xã hòa giải không thành, đề nghị giải quyết "
     "tranh chấp đất đai.", "land_dispute"),
    ("ĐƠN PHẢN ÁNH", "Tôi tố cáo ông Trần Văn Bình nhận hối lộ, làm sai lệch hồ sơ địa chính.", "denunciation"),
    ("ĐƠN KIẾN NGHỊ", "Tôi khiếu nại Quyết định số 123/QĐ-UBND về việc thu hồi đất vì không đúng quy định, "
     "đề nghị hủy quyết định hành chính này.", "complaint"),
])
def test_content_overrides_misleading_title(title, body, doc_type):
    assert analyse(body, title).type == doc_type


def test_boilerplate_citation_is_weak_evidence():
    text = (HEADER.format(code="QĐ-UBND") + "QUYẾT ĐỊNH\nVề việc giải quyết tranh chấp đất đai\n"
            "Căn cứ Luật Khiếu nại số 02/2011/QH13;\nCăn cứ Luật Tố cáo số 25/2018/QH14;\n"
            "Căn cứ Luật Đất đai số 45/2013/QH13;\n"
            "Xét đơn đề nghị giải quyết tranh chấp đất đai của ông Võ Văn Phúc đối với bà Đặng Thị Giàu; hòa giải tại "
            "xã không thành.\nQUYẾT ĐỊNH:\nĐiều 1. Công nhận ranh giới. Trường hợp không đồng ý, các bên có quyền "
            "khiếu nại hoặc khởi kiện.")
    a = classify.analyse(text)
    assert (a.kind, a.type) == ("decision", "land_dispute")


def test_negated_phrase_does_not_count():
    a = analyse("Đây không phải đơn tố cáo. Tuyến đường liên ấp xuống cấp, xin kiến nghị sửa chữa.")
    assert a.type == "recommendation"


def test_unknown_when_there_is_no_evidence():
    a = classify.analyse("ĐƠN\nKính gửi: UBND xã\nTôi tên là Nguyễn Văn An. Xin cảm ơn.")
    assert a.type == "unknown"
    assert a.type_confidence < 0.5


def test_diacritics_lost():
    a = analyse("Toi to cao ong Tran Van Binh, can bo dia chinh xa, da nhan hoi lo va lam sai lech ho so.")
    assert a.type == "denunciation"


@pytest.mark.parametrize("text", ["a  b", "\n\nkhiếu nại\n\n\ntố cáo  ", " x", "", "đơn,khiếu nại;  \t tố cáo\n"])
def test_pipeline_doc_keeps_offsets(text):
    from classify.pipeline import get_nlp

    assert get_nlp()(text).text == text


def test_evidence_quotes_the_text_after_blank_lines():
    text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\n\n\nĐƠN\n\n\nKính gửi: UBND xã\n\n\nTôi tố cáo ông Trần Văn Bình nhận hối lộ."
    a = classify.analyse(text)
    assert a.type == "denunciation"
    assert set(a.type_evidence) <= {"tố cáo", "nhận hối lộ", "hối lộ", "Tôi tố cáo"}


@pytest.mark.parametrize("title, kind", [
    ("- QUYẾT ĐỊNH", "decision"), ("QUYÊ T ĐỊNH", "decision"), ("_ BIÊN BẢN LÀM VIỆC ¬", "minutes"),
    ("| THÔNGBÁO", "notice"), ("KẾT LUẬ N", "conclusion"),
])
def test_kind_from_an_ocr_damaged_title(title, kind):
    header = "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nXÃ TÂN TUYẾN Độc lập - Tự do - Hạnh phúc\n"
    assert detect_kind(header + title + "\nV/v giải quyết đơn\nCăn cứ Luật Khiếu nại") == kind
