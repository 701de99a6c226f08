"""The learned type component (classify.textcat) and its reproducible training (corpus.training)."""

from __future__ import annotations

import random

import pytest

import classify
from classify.doctype import decide_type
from classify.normalize import normalize_text
from classify.pipeline import blank_nlp, folded_view, get_nlp
from classify.textcat import PIPE, TYPES, add_type_textcat, has_model, model_meta, type_probabilities
from corpus.training import EVAL_SEEDS, ocr_noise, samples, train_type_model

# hand-written letters (not from the corpus generator): what the textcat must generalise to
HANDWRITTEN = [
    ("Tôi khiếu nại Quyết định số 123/QĐ-UBND về việc thu hồi đất của gia đình tôi, đề nghị hủy bỏ quyết định.",
     "complaint"),
    ("Phương án bồi thường áp giá đất nông nghiệp là không đúng, gia đình tôi không đồng ý với quyết định này.",
     "complaint"),
    ("UBND xã từ chối cấp giấy chứng nhận quyền sử dụng đất cho tôi mà không nêu lý do, tôi không đồng ý.",
     "complaint"),
    ("Ông Trần Văn Bình, cán bộ địa chính xã, đã nhận của tôi 20 triệu đồng mới chịu làm hồ sơ.", "denunciation"),
    ("Bà Lê Thị Hằng, kế toán xã, lập danh sách khống để chiếm đoạt tiền hỗ trợ của người dân.", "denunciation"),
    ("Ông Trưởng ấp nhũng nhiễu, đòi tiền người dân khi xác nhận hồ sơ, đề nghị xử lý nghiêm.", "denunciation"),
    ("Tuyến đường liên ấp đã xuống cấp nghiêm trọng, nhiều ổ gà, mong quý cấp sớm sửa chữa.", "recommendation"),
    ("Cơ sở chăn nuôi heo xả nước thải ra kênh gây ô nhiễm, mùi hôi nồng nặc suốt ngày đêm.", "recommendation"),
    ("Nước sinh hoạt thường xuyên bị cúp, nước đục có mùi phèn, bà con rất bức xúc.", "recommendation"),
    ("Ông Lê Văn Cường tự ý dời trụ đá ranh, lấn sang khoảng 50 m2 đất của tôi, xã hòa giải không thành.",
     "land_dispute"),
    ("Gia đình ông C xây hàng rào lấn ranh giới sang đất của tôi, hai bên không thống nhất ranh giới.",
     "land_dispute"),
    ("Năm 1995 cha tôi cho ông D mượn đất canh tác, nay đòi lại thì ông D không trả.", "land_dispute"),
]
PREAMBLE = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nĐƠN\n"
            "Kính gửi: Chủ tịch UBND huyện Chợ Mới\nTôi tên là Nguyễn Văn An, trú tại ấp 1, xã Kiến An.\n")


def probabilities(text: str) -> dict[str, float]:
    return type_probabilities(get_nlp()(folded_view(normalize_text(text))))


def test_the_shipped_model_is_loaded_once_and_never_saw_the_evaluation_seeds():
    assert has_model()
    assert PIPE in get_nlp().pipe_names and get_nlp() is get_nlp()
    meta = model_meta()
    assert meta["train"]["generator_seed"] not in EVAL_SEEDS
    assert meta["held_out"]["generator_seed"] not in EVAL_SEEDS
    assert meta["train"]["generator_seed"] != meta["held_out"]["generator_seed"]
    assert 2026 in meta["never_trained_on_seeds"]
    assert meta["held_out"]["macro_f1"] >= 0.95


def test_the_textcat_alone_generalises_to_handwritten_letters():
    right = 0
    for body, doc_type in HANDWRITTEN:
        p = probabilities(PREAMBLE + body)
        assert set(p) == set(TYPES) and abs(sum(p.values()) - 1) < 1e-4
        right += max(p, key=p.get) == doc_type
    assert right >= len(HANDWRITTEN) - 1, right


def test_the_textcat_reads_ocr_damaged_text():
    body, doc_type = HANDWRITTEN[3]
    noisy = ocr_noise(PREAMBLE + body, random.Random(3), rate=0.05)
    p = probabilities(noisy)
    assert max(p, key=p.get) == doc_type


def test_rules_and_textcat_combine_as_a_product_of_experts():
    # no rule evidence at all: the textcat alone decides, with its own confidence
    confident = decide_type("", [], [], {"complaint": 0.9, "denunciation": 0.04, "recommendation": 0.03,
                                         "land_dispute": 0.03})
    assert confident.type == "complaint" and 0.6 < confident.confidence < 0.99
    unsure = decide_type("", [], [], {t: 0.25 for t in TYPES})
    assert unsure.type == "unknown"
    torn = decide_type("", [], [], {"complaint": 0.5, "denunciation": 0.4, "recommendation": 0.05,
                                    "land_dispute": 0.05})
    assert torn.type == "unknown" and torn.confidence < 0.6  # a person decides
    # without a textcat the rules behave as before
    assert decide_type("", [], []).type == "unknown"


def test_analyse_agrees_with_both_parts_on_a_neutral_title():
    a = classify.analyse(PREAMBLE.replace("ĐƠN\n", "ĐƠN TRÌNH BÀY\n")
                         + "Ông Trần Văn Bình, cán bộ địa chính xã, đã nhận hối lộ của tôi 10 triệu đồng.")
    assert a.type == "denunciation" and a.type_confidence >= 0.5


def test_training_is_reproducible_and_refuses_evaluation_seeds(tmp_path):
    with pytest.raises(ValueError):
        samples(5, 2026)
    metas = []
    for name in ("a", "b"):
        metas.append(train_type_model(tmp_path / name, n=120, seed=31, dev_n=40, dev_seed=32, epochs=2,
                                      log=lambda *_: None))
    assert (tmp_path / "a/textcat/model").read_bytes() == (tmp_path / "b/textcat/model").read_bytes()
    assert metas[0]["held_out"]["accuracy"] >= 0.7
    # the written component loads into a fresh pipeline and predicts
    fresh = blank_nlp()
    add_type_textcat(fresh, tmp_path / "a")
    doc = fresh(folded_view(normalize_text(PREAMBLE + HANDWRITTEN[0][0])))
    assert set(doc.cats) == set(TYPES)


def test_a_dossier_attachment_that_is_not_about_a_letter_has_no_type():
    # a page of a purchase contract (kind other): its "tranh chấp" clause, "Bên A/Bên B", "từ chối", "bồi thường"
    # are evidence words and the textcat is sure of something, but the page is not about a citizen's letter
    contract = ("- Thời gian giao hàng: Bên B giao hàng trong vòng 24 giờ sau khi Bên A thanh toán 100% giá trị Hợp "
                "đồng.\n- Bên B cung cấp Hóa đơn giá trị gia tăng hợp lệ, Phiếu bảo hành, Biên bản giao nhận hàng "
                "hóa.\nĐIỀU 5. GIẢI QUYẾT TRANH CHẤP\nMọi tranh chấp phát sinh giữa các Bên được giải quyết bằng "
                "thương lượng. Bên A từ chối thanh toán khi hàng không đúng chủng loại; Bên B bồi thường thiệt hại.")
    a = classify.analyse(contract)
    assert (a.kind, a.type, a.type_confidence) == ("other", "unknown", 0.0)
    # a reply to a letter (kind other as well) is about the letter and keeps its type
    reply = ("ỦY BAN NHÂN DÂN\nHUYỆN CHỢ MỚI\nSố: 449/UBND-TNMT\nV/v trả lời đơn của ông Lê Hoàng Phúc\n"
             "Kính gửi: Ông Lê Hoàng Phúc.\nỦy ban nhân dân huyện Chợ Mới nhận được đơn đề nghị giải quyết tranh "
             "chấp đất đai của ông Lê Hoàng Phúc với bà Lê Thị Cúc. Hồ sơ chưa có biên bản hòa giải tại xã.")
    b = classify.analyse(reply)
    assert (b.kind, b.type) == ("other", "land_dispute")
