"""Acceptance notices (THÔNG BÁO thụ lý …; kind notice, type of the accepted matter)."""

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
from corpus.content.people import mention
from corpus.model import GeneratedDoc

SUBJECT = {
    "complaint": ["Về việc thụ lý giải quyết khiếu nại", "V/v thụ lý đơn khiếu nại", "Thụ lý giải quyết khiếu nại lần đầu"],
    "denunciation": ["Về việc thụ lý tố cáo", "V/v thụ lý giải quyết tố cáo", "Về việc thụ lý đơn tố cáo"],
    "land_dispute": ["Về việc thụ lý đơn đề nghị giải quyết tranh chấp đất đai", "V/v thụ lý giải quyết tranh chấp đất đai"],
    "recommendation": ["Về việc tiếp nhận, xử lý đơn kiến nghị, phản ánh", "V/v trả lời đơn phản ánh"],
}
MATTER_WORD = {"complaint": "khiếu nại", "denunciation": "tố cáo", "land_dispute": "đề nghị giải quyết tranh chấp đất đai",
               "recommendation": "kiến nghị, phản ánh"}


def acceptance_notice(rng: random.Random, m: Matter, doc_id: str, date: dt.date | None = None,
                      prior: dict | None = None, dossier_id: str | None = None) -> tuple[GeneratedDoc, refs.Ref]:
    prior = prior or {}
    b = DocBuilder()
    date = date or after(rng, m.date, 5, 20)
    if m.type == "recommendation":
        agency = committee(m.place, rng.choice(["commune", "district"]))
    elif m.type == "denunciation" and rng.random() < 0.4:
        agency = inspectorate(m.place, "district")
    elif m.type == "complaint":
        agency = committee(m.place, m.decision_agency.level)
    else:
        agency = committee(m.place, "district")
    own = refs.Ref(refs.number(rng, f"TB-{agency.code}"), date, agency.name, "Thông báo", "thụ lý")
    official_header(b, rng, agency, own.number, date)
    b.ref({"number": own.number})
    b.heading("THÔNG BÁO", size=1.25, space_before=1.0)
    b.heading(rng.choice(SUBJECT[m.type]))
    b.heading("-----------", bold=False)
    role = {"complaint": "complainant", "denunciation": "denouncer", "recommendation": "petitioner",
            "land_dispute": "disputant"}[m.type]
    who = "; ".join(mention(rng, b, p, role, detail=0.8) for p in m.petitioners[:3])
    if len(m.petitioners) > 3:
        for p in m.petitioners[3:]:
            b.party(p.name, role)
        who += "; cùng " + ", ".join(f"{p.hon} {p.name}" for p in m.petitioners[3:])
    word = MATTER_WORD[m.type]
    d_recv = after(rng, m.date, 1, 6)
    b.para(pick(rng, [
        f"Ngày {fmt_short(d_recv)}, {agency.name} nhận được đơn {word} đề ngày {fmt_short(m.date)} của {who}.",
        f"{agency.head} đã nhận đơn {word} đề {fmt_long(m.date)} của {who}.",
        f"Ngày {fmt_short(d_recv)}, {agency.name} tiếp nhận đơn (gửi đến ngày {fmt_short(d_recv)}) của {who}.",
        f"Xét đơn {word} đề ngày {fmt_short(m.date)} của {who}.",
        f"{agency.name} nhận được đơn đề {fmt_long(m.date)}; người có đơn: {who}.",
    ]))
    if m.type == "complaint":
        dec = m.decision
        subj = rng.choice([m.decision_agency.name, m.decision_agency.short])
        b.party(subj, "subject")
        b.para(f"Nội dung đơn: khiếu nại {b.cite(refs.cite(rng, dec, with_issuer=True, short_issuer=subj if subj != dec.issuer else None))} "
               f"về việc {dec.about}.")
    elif m.type == "denunciation":
        h = "ông" if m.accused_male else "bà"
        b.party(m.accused, "subject")
        b.para(pick(rng, [
            f"Nội dung đơn: tố cáo {h} {m.accused}, {m.accused_post}, có hành vi vi phạm pháp luật trong quản lý đất đai.",
            f"Người bị tố cáo: {h} {m.accused}, {m.accused_post}.",
        ]))
    elif m.type == "land_dispute":
        o = m.opponent
        ptext, pt = describe(rng, m.parcels, details=rng.random() < 0.5)
        b.parcels(pt)
        b.para(f"Nội dung đơn: đề nghị giải quyết tranh chấp quyền sử dụng {ptext} với "
               f"{mention(rng, b, o, 'disputant', detail=0.4)}.")
    else:
        b.para(pick(rng, [
            "Nội dung đơn: phản ánh về tình trạng hạ tầng, môi trường tại địa phương ảnh hưởng đến đời sống người dân.",
            "Nội dung đơn: kiến nghị đầu tư sửa chữa công trình công cộng và khắc phục ô nhiễm môi trường.",
        ]))
    if m.type == "recommendation":
        circular = refs.Ref("05/2021/TT-TTCP", dt.date(2021, 10, 1), "Thanh tra Chính phủ", "Thông tư")
        b.para(pick(rng, [
            lambda: (f"Căn cứ {b.cite(refs.cite(rng, circular, with_issuer=True))}, " if date >= dt.date(2021, 11, 15) else "")
            + f"{agency.name} đã tiếp nhận và giao cơ quan chuyên môn kiểm tra, xử lý theo thẩm quyền.",
            f"{agency.name} ghi nhận nội dung phản ánh và sẽ trả lời bằng văn bản sau khi kiểm tra thực tế.",
        ]))
        b.para(f"{agency.name} thông báo để người có đơn được biết./.")
    else:
        law = {"complaint": "Điều 27 Luật Khiếu nại", "denunciation": "Điều 29 Luật Tố cáo",
               "land_dispute": ("Điều 236 " if date >= dt.date(2024, 8, 1) else "Điều 203 ") + refs.land_law_name(date)}[m.type]
        b.para(pick(rng, [
            f"Sau khi xem xét nội dung đơn và các điều kiện thụ lý theo quy định tại {law}, {agency.head} thụ lý "
            f"giải quyết đơn của {m.petitioners[0].hon} {m.petitioners[0].name}.",
            f"Xét thấy đơn đủ điều kiện thụ lý và thuộc thẩm quyền giải quyết, {agency.name} thông báo thụ lý "
            "giải quyết theo quy định.",
            f"Đơn thuộc thẩm quyền và đủ điều kiện thụ lý theo {law}. Nay thông báo thụ lý giải quyết.",
        ]))
        insp = inspectorate(m.place, "district")
        b.para(pick(rng, [
            f"Giao {insp.name} xác minh, báo cáo kết quả và đề xuất hướng giải quyết trong thời hạn quy định.",
            f"Thời hạn giải quyết là {rng.choice([30, 45, 60])} ngày kể từ ngày thụ lý.",
            f"Giao Phòng Tài nguyên và Môi trường {m.place.district_full} chủ trì, phối hợp Ủy ban nhân dân "
            f"{m.place.commune_full} kiểm tra, xác minh.",
        ]))
        b.para(f"{agency.name} thông báo để {m.petitioners[0].hon} {m.petitioners[0].name} và các cơ quan, đơn vị có "
               "liên quan biết, thực hiện./.")
    signer, _ = official_name(rng, exclude=m.names())
    official_signature(b, rng, agency, signer, ["Người có đơn", "Thanh tra huyện", "Lưu: VT"])
    return b.build(doc_id, "acceptance_notice", "notice", m.type, True, date, dossier_id), own
