"""Documents of kind `other`: official reply letters (công văn trả lời đơn) and verification reports (BÁO CÁO
kết quả xác minh). Both carry the type of the matter they answer or report on."""

from __future__ import annotations

import datetime as dt
import random

from corpus.content import refs
from corpus.content.agencies import committee, inspectorate
from corpus.content.blocks import official_header, official_signature
from corpus.content.builder import DocBuilder, pick
from corpus.content.dates import after, fmt_long, fmt_short
from corpus.content.land import describe
from corpus.content.matter import Matter
from corpus.content.names import official_name
from corpus.content.people import cap, mention
from corpus.model import GeneratedDoc

_ROLE = {"complaint": "complainant", "denunciation": "denouncer", "recommendation": "petitioner",
         "land_dispute": "disputant"}
_WORD = {"complaint": "khiếu nại", "denunciation": "tố cáo", "recommendation": "kiến nghị, phản ánh",
         "land_dispute": "đề nghị giải quyết tranh chấp đất đai"}

_ANSWER = {
    "road": "Tuyến đường đã được đưa vào danh mục sửa chữa, nâng cấp trong kế hoạch đầu tư công năm tới.",
    "flood": "Ủy ban nhân dân đã giao đơn vị quản lý công trình nạo vét cống, khơi thông dòng chảy trước mùa mưa.",
    "pollution": "Qua kiểm tra, cơ sở đã bị lập biên bản và yêu cầu xây dựng hệ thống xử lý nước thải trong 60 ngày.",
    "water": "Trạm cấp nước đã được yêu cầu thay đường ống, bảo đảm cấp nước ổn định và kiểm định lại đồng hồ.",
    "landslide": "Khu vực đã được cắm biển cảnh báo; các hộ trong vùng nguy hiểm được bố trí di dời tạm thời.",
    "policy": "Việc bình xét sẽ được tổ chức lại công khai tại ấp với sự giám sát của Ban Thanh tra nhân dân.",
}


def reply_letter(rng: random.Random, m: Matter, doc_id: str) -> GeneratedDoc:
    """`Số: 123/UBND-TNMT` + `V/v trả lời đơn …`, no title word: a committee answers a recommendation or
    guides a land dispute back to commune mediation (kind other)."""
    b = DocBuilder()
    date = after(rng, m.date, 10, 40)
    agency = committee(m.place, rng.choice(["commune", "district"]) if m.type == "recommendation" else "district")
    own = refs.number(rng, rng.choice([f"{agency.code}-TNMT", agency.code, f"{agency.code}-VP"]))
    official_header(b, rng, agency, own, date)
    b.ref({"number": own})
    first = m.petitioners[0]
    b.add(pick(rng, [f"V/v trả lời đơn của {first.hon} {first.name}", f"V/v trả lời đơn {_WORD[m.type]}",
                     f"Về việc trả lời đơn {_WORD[m.type]} của {first.hon} {first.name}"]),
          align="center", italic=True, column="left", size=0.85)
    b.add(f"Kính gửi: {first.Hon} {first.name}.", align="center", space_before=1.0)
    who = "; ".join(mention(rng, b, p, _ROLE[m.type], detail=0.5, addr=False) for p in m.petitioners[:3])
    b.para(pick(rng, [
        f"{agency.name} nhận được đơn {_WORD[m.type]} đề ngày {fmt_short(m.date)} của {who}.",
        f"Ngày {fmt_short(after(rng, m.date, 1, 6))}, {agency.name} tiếp nhận đơn đề {fmt_long(m.date)} của {who}.",
        f"Qua Ban Tiếp công dân, {agency.name} đã nhận đơn {_WORD[m.type]} của {who}.",
        f"Trả lời đơn đề ngày {fmt_short(m.date)} của {who}, {agency.name} có ý kiến như sau.",
        f"Sau khi xem xét đơn {_WORD[m.type]} của {who}, {agency.name} trả lời như sau.",
    ]))
    if m.type == "recommendation":
        b.para(pick(rng, [
            "Nội dung đơn phản ánh tình trạng hạ tầng, môi trường tại địa phương ảnh hưởng đến sinh hoạt của người dân.",
            "Nội dung đơn kiến nghị sửa chữa công trình công cộng và khắc phục tình trạng đã nêu.",
        ]))
        b.para(f"Về nội dung này, {agency.name} có ý kiến như sau: {_ANSWER[m.topic]}")
        if m.parcels:
            ptext, pt = describe(rng, m.parcels, details=rng.random() < 0.5)
            b.parcels(pt)
            b.para(f"Đối với {ptext}, Ủy ban nhân dân {m.place.commune_full} sẽ kiểm tra hiện trạng và báo cáo.")
    else:  # land dispute: not yet mediated at the commune
        ptext, pt = describe(rng, m.parcels, details=rng.random() < 0.6)
        b.parcels(pt)
        o = m.opponent
        b.para(f"Nội dung đơn: đề nghị giải quyết tranh chấp quyền sử dụng {ptext} với "
               f"{mention(rng, b, o, 'disputant', detail=0.3, addr=False)}.")
        b.para(pick(rng, [
            f"Theo quy định của {refs.land_law_name(date)}, tranh chấp đất đai phải được hòa giải tại Ủy ban nhân dân "
            "cấp xã trước khi đề nghị cấp huyện giải quyết. Hồ sơ chưa có biên bản hòa giải nên chưa đủ điều kiện thụ lý.",
            f"Đơn chưa qua hòa giải tại Ủy ban nhân dân {m.place.commune_full}; đề nghị {first.hon} {first.name} liên "
            "hệ Ủy ban nhân dân xã để được hòa giải theo quy định.",
        ]))
    b.para(f"{agency.name} trả lời để {first.hon} {first.name} được biết./.")
    signer, _ = official_name(rng, exclude=m.names())
    official_signature(b, rng, agency, signer, ["Như trên", "Lưu: VT"])
    return b.build(doc_id, "official_reply", "other", m.type, False, date)


def verification_report(rng: random.Random, m: Matter, doc_id: str) -> GeneratedDoc:
    """BÁO CÁO kết quả xác minh (by the district inspectorate) on a complaint, a denunciation or a land
    dispute (kind other)."""
    b = DocBuilder()
    date = after(rng, m.date, 30, 90)
    agency = inspectorate(m.place, "district")
    own = refs.Ref(refs.number(rng, f"BC-{agency.code}"), date, agency.name, "Báo cáo")
    official_header(b, rng, agency, own.number, date)
    b.ref({"number": own.number})
    b.heading("BÁO CÁO", size=1.25, space_before=1.0)
    b.heading(pick(rng, [f"Kết quả xác minh nội dung đơn {_WORD[m.type]}", "Kết quả xác minh",
                         f"Về kết quả xác minh đơn của {m.petitioners[0].hon} {m.petitioners[0].name}"]))
    b.heading("-----------", bold=False)
    team = refs.Ref(refs.number(rng, f"QĐ-{agency.code}"), after(rng, m.date, 5, 15), None, "Quyết định")
    b.para(pick(rng, [
        lambda: f"Thực hiện {b.cite(refs.cite(rng, team, with_issuer=False))} về việc xác minh nội dung đơn, "
                "Tổ xác minh báo cáo kết quả như sau:",
        lambda: f"Căn cứ {b.cite(refs.cite(rng, team, with_issuer=False))} về việc thành lập Tổ xác minh, "
                f"{agency.name} báo cáo kết quả xác minh như sau:",
        lambda: f"Được giao xác minh nội dung đơn theo {b.cite(refs.cite(rng, team, with_issuer=False))}, "
                "Tổ xác minh đã làm việc với các bên và báo cáo như sau:",
        lambda: f"{agency.name} báo cáo kết quả xác minh nội dung đơn (theo "
                f"{b.cite(refs.cite(rng, team, with_issuer=False))}) như sau:",
    ]))
    b.heading("I. NỘI DUNG ĐƠN", align="left", space_before=0.5)
    role = _ROLE[m.type]
    who = cap("; ".join(mention(rng, b, p, role, detail=0.6) for p in m.petitioners[:3]))
    if m.type == "complaint":
        dec = m.decision
        b.party(dec.issuer, "subject")
        b.para(f"{who} khiếu nại {b.cite(refs.cite(rng, dec, with_issuer=True))} về việc {dec.about}.")
    elif m.type == "denunciation":
        h = "ông" if m.accused_male else "bà"
        b.party(m.accused, "subject")
        b.para(f"{who} tố cáo {h} {m.accused}, {m.accused_post}, có hành vi vi phạm pháp luật trong quản lý đất đai.")
    else:
        ptext, pt = describe(rng, m.parcels, details=True)
        b.parcels(pt)
        b.para(f"{who} đề nghị giải quyết tranh chấp quyền sử dụng {ptext} với "
               f"{mention(rng, b, m.opponent, 'disputant', detail=0.4)}.")
    b.heading("II. KẾT QUẢ XÁC MINH", align="left", space_before=0.5)
    b.para(pick(rng, [
        "Tổ xác minh đã làm việc với các bên liên quan, thu thập hồ sơ địa chính và đối chiếu thực địa.",
        "Qua kiểm tra hồ sơ lưu trữ và làm việc trực tiếp với các bên, Tổ xác minh ghi nhận như sau.",
    ]))
    b.heading("III. KIẾN NGHỊ", align="left", space_before=0.5)
    b.para(pick(rng, [
        f"Kiến nghị Chủ tịch Ủy ban nhân dân {m.place.district_full} xem xét, ban hành quyết định giải quyết theo quy định.",
        "Trên đây là báo cáo kết quả xác minh, kính trình lãnh đạo xem xét, quyết định.",
    ]))
    signer, _ = official_name(rng, exclude=m.names())
    official_signature(b, rng, agency, signer, [f"Chủ tịch UBND {m.place.district_full}", "Lưu: VT, hồ sơ"])
    return b.build(doc_id, "verification_report", "other", m.type, True, date)
