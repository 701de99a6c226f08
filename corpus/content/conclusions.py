"""Conclusions on the content of a denunciation (KẾT LUẬN nội dung tố cáo; kind conclusion)."""

from __future__ import annotations

import datetime as dt
import random

from corpus.content import refs
from corpus.content.agencies import committee, inspectorate
from corpus.content.blocks import official_header, official_signature
from corpus.content.builder import DocBuilder, pick
from corpus.content.dates import after, fmt_long, fmt_short
from corpus.content.land import describe
from corpus.content.letters import vnd
from corpus.content.matter import Matter
from corpus.content.names import official_name
from corpus.content.people import mention
from corpus.content.rulings import bases
from corpus.model import GeneratedDoc


def denunciation_conclusion(rng: random.Random, m: Matter, doc_id: str, date: dt.date | None = None,
                            prior: dict | None = None, dossier_id: str | None = None) -> tuple[GeneratedDoc, refs.Ref]:
    prior = prior or {}
    b = DocBuilder()
    date = date or after(rng, m.date, 45, 150)
    by_inspectorate = rng.random() < 0.4
    if "notice" in prior and prior["notice"].issuer:
        by_inspectorate = prior["notice"].issuer.startswith("Thanh tra")
    agency = inspectorate(m.place, "district") if by_inspectorate else committee(m.place, "district")
    code = "KL-TTr" if by_inspectorate else "KL-UBND"
    own = refs.Ref(refs.number(rng, code), date, agency.name, "Kết luận", "nội dung tố cáo")
    official_header(b, rng, agency, own.number, date)
    b.ref({"number": own.number})
    h = "ông" if m.accused_male else "bà"
    acc = f"{h} {m.accused}"
    b.heading("KẾT LUẬN", size=1.25, space_before=1.0)
    b.heading(pick(rng, [f"Nội dung tố cáo đối với {acc}, {m.accused_post}",
                         f"Về nội dung tố cáo {acc}",
                         "Nội dung tố cáo"]))
    b.heading("-----------", bold=False)
    b.party(m.accused, "subject")
    named = rng.random() < 0.5
    d_recv = after(rng, m.date, 2, 10)
    if named:
        who = "; ".join(mention(rng, b, p, "denouncer", detail=0.5) for p in m.petitioners)
        b.para(pick(rng, [
            f"Ngày {fmt_short(d_recv)}, {agency.head} nhận được đơn tố cáo của {who}.",
            f"{agency.name} nhận được đơn tố cáo đề ngày {fmt_short(m.date)} của {who}.",
            f"Theo đơn tố cáo đề {fmt_long(m.date)}, người tố cáo: {who}.",
            f"Xét đơn tố cáo đề ngày {fmt_short(m.date)} của {who}.",
        ]))
    else:
        b.para(pick(rng, [
            f"Ngày {fmt_short(d_recv)}, {agency.head} nhận được đơn tố cáo (thông tin người tố cáo được giữ bí mật "
            "theo quy định tại Điều 47 Luật Tố cáo).",
            f"{agency.name} nhận được đơn tố cáo đề ngày {fmt_short(m.date)}; họ tên, địa chỉ người tố cáo được giữ bí mật.",
            f"Thực hiện nhiệm vụ giải quyết tố cáo, {agency.name} đã xác minh đơn tố cáo đề ngày {fmt_short(m.date)} "
            "(người tố cáo đề nghị giữ bí mật danh tính).",
        ]))
    b.para(f"Người bị tố cáo: {acc}, {m.accused_post}.")
    accept = prior.get("notice") or refs.Ref(refs.number(rng, "QĐ-UBND" if not by_inspectorate else "QĐ-TTr"),
                                             after(rng, m.date, 5, 15), agency.name if rng.random() < 0.5 else None,
                                             "Quyết định")
    team = refs.Ref(refs.number(rng, "QĐ-UBND" if not by_inspectorate else "QĐ-TTr"), accept.date,
                    None, "Quyết định")
    options = [
        lambda: f"Căn cứ {b.cite(refs.cite(rng, accept))} về việc thụ lý giải quyết tố cáo và "
                f"{b.cite(refs.cite(rng, team, with_issuer=False))} về việc thành lập Tổ xác minh nội dung tố cáo;",
    ]
    if "notice" not in prior:
        options.append(lambda: f"Thực hiện {b.cite(refs.cite(rng, team, with_issuer=False))}, Tổ xác minh đã tiến "
                               "hành xác minh nội dung tố cáo;")
    b.para(pick(rng, options))
    if "minutes" in prior:
        b.para(f"Căn cứ {b.cite(refs.cite(rng, prior['minutes']))};")
    if rng.random() < 0.6:
        bases(rng, b, {"denunciation"}, date)
    b.para(f"Xét báo cáo kết quả xác minh của Tổ xác minh, {agency.head} kết luận như sau:")
    b.heading("I. NỘI DUNG TỐ CÁO", align="left", space_before=0.5)
    behaviour = {
        "bribe": f"{acc} nhận tiền của người dân khi giải quyết hồ sơ cấp Giấy chứng nhận quyền sử dụng đất",
        "falsify": f"{acc} xác nhận sai nguồn gốc đất và chỉnh sửa hồ sơ địa chính",
        "abuse": f"{acc} lợi dụng chức vụ, quyền hạn cho người thân lấn chiếm đất công, làm ngơ cho xây dựng trái phép",
        "embezzle": f"{acc} lập danh sách khống, chiếm đoạt tiền hỗ trợ của người dân",
    }[m.topic]
    b.para(f"Người tố cáo cho rằng {behaviour}.")
    if m.parcels:
        ptext, pt = describe(rng, m.parcels)
        b.parcels(pt)
        b.para(f"Phần đất liên quan đến nội dung tố cáo là {ptext}.")
    b.heading("II. KẾT QUẢ XÁC MINH", align="left")
    found = rng.choice(["true", "false", "partly"])
    money = vnd(m.amount)
    b.para({
        "true": rng.choice({
            "bribe": [f"Qua làm việc với các hộ dân có liên quan, Tổ xác minh xác định {acc} có nhận của người dân số "
                      f"tiền {money} đồng.",
                      f"{acc[:1].upper() + acc[1:]} thừa nhận có nhận tiền \"bồi dưỡng\" khi giải quyết hồ sơ."],
            "falsify": ["Kết quả đối chiếu hồ sơ cho thấy có việc chỉnh sửa số liệu trên sổ mục kê mà không có căn cứ "
                        "pháp lý.",
                        f"Biên bản xác minh nguồn gốc đất do {acc} lập có chữ ký không phải của các hộ giáp ranh."],
            "abuse": [f"Thực tế có 03 căn nhà xây dựng trên đất công nhưng không bị lập biên bản; {acc} không chỉ đạo xử lý.",
                      f"Việc cho thuê đất công ích không qua đấu giá do {acc} ký hợp đồng là trái quy định."],
            "embezzle": [f"Có {rng.randint(4, 20)} trường hợp trong danh sách nhận hỗ trợ không nhận được tiền; chữ ký "
                         "nhận tiền không phải của người có tên.",
                         f"Số tiền đóng góp của người dân do {acc} thu không được nộp vào quỹ, không có sổ sách theo dõi."],
        }[m.topic]),
        "false": rng.choice([
            "Tổ xác minh đã làm việc với người bị tố cáo, các cá nhân có liên quan; không có chứng cứ chứng minh nội dung tố cáo.",
            f"Các hồ sơ do {acc} giải quyết đều đúng trình tự, thủ tục, đúng thời hạn theo quy định.",
        ]),
        "partly": f"Một phần nội dung tố cáo đối với {acc} có cơ sở (vi phạm về trình tự, thủ tục); các nội dung còn "
                  "lại không có căn cứ chứng minh.",
    }[found])
    b.heading("III. KẾT LUẬN", align="left")
    b.para({"true": "Nội dung tố cáo là đúng.", "false": "Nội dung tố cáo là sai.",
            "partly": "Nội dung tố cáo là đúng một phần."}[found])
    b.heading("IV. BIỆN PHÁP XỬ LÝ", align="left")
    b.para({
        "true": f"Giao Trưởng Phòng Nội vụ tham mưu xem xét xử lý kỷ luật đối với {acc}; " + {
            "bribe": "buộc hoàn trả số tiền đã nhận cho người dân.",
            "falsify": "kiến nghị thu hồi, điều chỉnh hồ sơ địa chính và giấy chứng nhận đã cấp không đúng.",
            "abuse": "xử lý dứt điểm các công trình xây dựng trái phép trên đất công.",
            "embezzle": "buộc hoàn trả đầy đủ số tiền hỗ trợ cho các hộ dân.",
        }[m.topic],
        "false": f"Khôi phục quyền và lợi ích hợp pháp của {acc} bị xâm phạm do việc tố cáo không đúng sự thật.",
        "partly": f"Yêu cầu {acc} nghiêm túc rút kinh nghiệm; chấn chỉnh việc tiếp nhận, giải quyết hồ sơ tại Bộ phận một cửa.",
    }[found])
    signer, _ = official_name(rng, exclude=m.names())
    official_signature(b, rng, agency, signer, ["Thanh tra tỉnh An Giang", "Người bị tố cáo", "Người tố cáo",
                                                 "Lưu: VT, HS"])
    return b.build(doc_id, "denunciation_conclusion", "conclusion", "denunciation", True, date, dossier_id), own
