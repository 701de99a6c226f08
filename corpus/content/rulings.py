"""Decisions (kind decision): first- and second-instance complaint rulings, land-dispute rulings."""

from __future__ import annotations

import datetime as dt
import random

from corpus.content import refs
from corpus.content.agencies import committee, inspectorate
from corpus.content.blocks import official_header, official_signature
from corpus.content.builder import DocBuilder, pick
from corpus.content.dates import after, fmt_long, fmt_short
from corpus.content.land import describe, fmt_area, fmt_land_use
from corpus.content.matter import Matter
from corpus.content.names import official_name
from corpus.content.people import mention
from corpus.model import GeneratedDoc


def bases(rng: random.Random, b: DocBuilder, tags: set[str], on: dt.date) -> None:
    """`Căn cứ …;` lines citing laws and decrees in force on `on`."""
    chosen = refs.legal_bases(rng, tags, on)
    rng.shuffle(chosen)
    chosen = sorted(chosen[: rng.randint(2, 4)], key=lambda r: (r.title != "Luật", r.date))
    for r in chosen:
        b.para(f"Căn cứ {b.cite(refs.cite_basis(rng, r))};", italic=True)


def _prior(rng: random.Random, b: DocBuilder, prior: dict, key: str, lead: str) -> str | None:
    ref = prior.get(key)
    if ref is None:
        return None
    return f"{lead} {b.cite(refs.cite(rng, ref, with_date=True, with_issuer=rng.random() < 0.5))}"


def complaint_ruling(rng: random.Random, m: Matter, doc_id: str, second: bool = False, date: dt.date | None = None,
                     prior: dict | None = None, dossier_id: str | None = None) -> tuple[GeneratedDoc, refs.Ref]:
    prior = prior or {}
    b = DocBuilder()
    date = date or after(rng, m.date, 30, 120)
    level = m.decision_agency.level
    if second:
        level = {"commune": "district", "district": "province"}.get(level, "province")
    agency = committee(m.place, level)
    own = refs.Ref(refs.number(rng, "QĐ-UBND"), date, agency.name, "Quyết định",
                   f"giải quyết khiếu nại lần {'hai' if second else 'đầu'}")
    official_header(b, rng, agency, own.number, date)
    b.ref({"number": own.number})
    c = m.petitioners[0]
    many = len(m.petitioners) > 1
    names = c.hon + " " + c.name + (" và các hộ dân" if many else "")
    inst = "lần hai" if second else "lần đầu"
    b.heading("QUYẾT ĐỊNH", size=1.25, space_before=1.0)
    b.heading(pick(rng, [f"Về việc giải quyết khiếu nại ({inst}) của {names}",
                         f"Về việc giải quyết khiếu nại của {names} ({inst})",
                         f"V/v giải quyết đơn khiếu nại {inst} của {names}"]))
    b.heading("-----------", bold=False)
    b.heading(f"{agency.signer} {agency.name.upper()}", space_before=0.5)
    bases(rng, b, {"complaint", "land"} | ({"compensation"} if m.topic == "compensation" else set()), date)
    dec = m.decision
    subj = rng.choice([m.decision_agency.name, m.decision_agency.short])
    b.party(subj, "subject")
    dec_text = b.cite(refs.cite(rng, dec, with_issuer=True, short_issuer=subj if subj != dec.issuer else None))
    b.para(pick(rng, [
        f"Xét đơn khiếu nại đề ngày {fmt_short(m.date)} của {names}, khiếu nại {dec_text};",
        f"Theo đơn khiếu nại của {names} đề {fmt_long(m.date)} đối với {dec_text};",
        f"Giải quyết đơn khiếu nại của {names} (đơn đề ngày {fmt_short(m.date)}) về việc không đồng ý {dec_text};",
        f"{agency.head} nhận được đơn của {names} khiếu nại {dec_text};",
    ]), italic=rng.random() < 0.5)
    b.ref({"number": dec.number})
    for key, lead in (("notice", "Căn cứ"), ("minutes", "Căn cứ")):
        t = _prior(rng, b, prior, key, lead)
        if t:
            b.para(t + ";", italic=True)
    insp = inspectorate(m.place, "province" if agency.level == "province" else "district")
    report = refs.Ref(refs.number(rng, "BC-TTr"), after(rng, m.date, 10, 25), insp.name, "Báo cáo")
    if rng.random() < 0.7:
        b.para(f"Xét {b.cite(refs.cite(rng, report, with_issuer=True))} về kết quả xác minh nội dung khiếu nại,",
               italic=True)
    b.heading("I. NỘI DUNG KHIẾU NẠI", align="left", space_before=0.5)
    who = "; ".join(mention(rng, b, p, "complainant", detail=0.9) for p in m.petitioners)
    if m.representative is not None:
        who += "; người đại diện theo ủy quyền: " + mention(rng, b, m.representative, "representative", detail=0.5)
    b.para(pick(rng, [
        f"Người khiếu nại: {who}.",
        f"Ông (bà) khiếu nại gồm: {who}.",
    ]))
    ptext, pt = describe(rng, m.parcels)
    b.parcels(pt)
    reasons = {
        "recovery": "việc thu hồi đất không thông báo trước, diện tích thu hồi không đúng thực tế",
        "compensation": "đơn giá bồi thường thấp, không được hỗ trợ chuyển đổi nghề và tái định cư",
        "certificate": "việc từ chối cấp Giấy chứng nhận quyền sử dụng đất là không đúng",
        "penalty": "việc xử phạt vi phạm hành chính không đúng đối tượng và mức phạt",
    }[m.topic]
    b.para(pick(rng, [
        f"Nội dung: khiếu nại {dec.title} số {dec.number} liên quan đến {ptext}, cho rằng {reasons}.",
        f"Người khiếu nại cho rằng {reasons} đối với {ptext}; yêu cầu hủy {dec.title} số {dec.number}.",
        f"Đối tượng khiếu nại là {dec.title.lower()} số {dec.number}; phần đất liên quan là {ptext}. Lý do khiếu nại: {reasons}.",
    ]))
    if second:
        first = prior.get("first_ruling") or refs.Ref(refs.number(rng, "QĐ-UBND"), after(rng, m.date, -200, -60),
                                                      f"Chủ tịch {m.decision_agency.name}", "Quyết định")
        b.heading("II. KẾT QUẢ GIẢI QUYẾT KHIẾU NẠI LẦN ĐẦU", align="left")
        b.para(pick(rng, [
            lambda: f"Tại {b.cite(refs.cite(rng, first, with_issuer=True))}, người giải quyết khiếu nại lần đầu "
                    "không công nhận nội dung khiếu nại, giữ nguyên quyết định bị khiếu nại.",
            lambda: f"Khiếu nại đã được giải quyết lần đầu theo {b.cite(refs.cite(rng, first))}; người khiếu nại không "
                    "đồng ý nên tiếp tục khiếu nại lần hai.",
        ]))
    b.heading(f"{'III' if second else 'II'}. KẾT QUẢ XÁC MINH", align="left")
    p0 = m.parcels[0]
    options = ["Tổ xác minh đã làm việc với người khiếu nại, cơ quan có quyết định bị khiếu nại và các hộ giáp ranh, "
               "thu thập đầy đủ hồ sơ, tài liệu có liên quan.",
               f"Qua kiểm tra hồ sơ địa chính, phần đất nêu trên đã được cấp Giấy chứng nhận quyền sử dụng đất số "
               f"{p0.certificate} cho người khiếu nại." if m.topic != "certificate" else
               f"Qua kiểm tra hồ sơ địa chính, phần đất nêu trên chưa được cấp Giấy chứng nhận; người khiếu nại sử dụng "
               f"ổn định từ năm {rng.randint(1985, 2003)}."]
    if len(pt) == 1 and pt[0]["land_use"] and m.topic != "certificate":
        options.append(f"Qua kiểm tra hồ sơ địa chính, phần đất nêu trên đã được cấp Giấy chứng nhận quyền sử dụng đất "
                       f"số {p0.certificate}. Hiện trạng đất đang được sử dụng làm {fmt_land_use(rng, p0.land_use)}.")
    if len(pt) == 1 and pt[0]["area_m2"] and m.topic != "certificate":
        options.append(f"Theo hồ sơ lưu trữ tại Văn phòng Đăng ký đất đai - Chi nhánh {m.place.district_full}, phần đất "
                       f"của người khiếu nại có diện tích {fmt_area(rng, p0.area_m2)}; giấy chứng nhận số {p0.certificate}.")
    b.para(rng.choice(options))
    verdict = rng.choice(["wrong", "right", "partly"])
    b.para({
        "wrong": rng.choice([
            f"Việc ban hành {dec.title} số {dec.number} là đúng trình tự, thủ tục, đúng thẩm quyền theo quy định của pháp luật.",
            "Quá trình thu hồi, lập phương án đã thực hiện công khai, niêm yết đúng thời gian quy định; người khiếu "
            "nại đã được mời họp nhiều lần.",
        ]),
        "right": {
            "recovery": "Cơ quan chuyên môn chưa thực hiện việc thông báo thu hồi đất theo đúng thời hạn cho người có đất bị thu hồi.",
            "compensation": "Quá trình xác minh cho thấy việc áp dụng loại đất và đơn giá bồi thường đối với người khiếu nại chưa đúng quy định.",
            "certificate": "Phần đất không có tranh chấp, phù hợp quy hoạch; việc từ chối cấp giấy chứng nhận là chưa có căn cứ.",
            "penalty": "Biên bản vi phạm hành chính được lập không có người chứng kiến, hành vi vi phạm chưa được xác định rõ.",
        }[m.topic],
        "partly": "Một phần nội dung khiếu nại là có cơ sở, phần còn lại không có cơ sở để xem xét.",
    }[verdict])
    b.heading(f"{'IV' if second else 'III'}. KẾT LUẬN", align="left")
    b.para({
        "wrong": f"Nội dung khiếu nại của {names} là không có cơ sở (khiếu nại sai).",
        "right": f"Nội dung khiếu nại của {names} là có cơ sở (khiếu nại đúng).",
        "partly": f"Khiếu nại của {names} là đúng một phần.",
    }[verdict])
    b.para(f"Từ những nhận định và căn cứ trên, xét đề nghị của {insp.head},", space_before=0.3)
    b.heading("QUYẾT ĐỊNH:", space_before=0.5)
    art1 = {
        "wrong": f"Không công nhận nội dung khiếu nại của {names}; giữ nguyên {dec.title} số {dec.number}.",
        "right": f"Công nhận nội dung khiếu nại của {names}; hủy bỏ {dec.title} số {dec.number} và giao cơ quan chuyên "
                 "môn lập lại hồ sơ theo đúng quy định.",
        "partly": f"Công nhận một phần nội dung khiếu nại của {names}; sửa đổi, bổ sung {dec.title} số {dec.number} "
                  "đối với nội dung có cơ sở.",
    }[verdict]
    b.para(f"Điều 1. {art1}")
    office = f"Chánh Văn phòng {agency.name}" if agency.level != "commune" else "Công chức Văn phòng - Thống kê"
    upper = {"commune": f"Chủ tịch Ủy ban nhân dân {m.place.district_full}",
             "district": "Chủ tịch Ủy ban nhân dân tỉnh An Giang"}.get(agency.level)
    if second or upper is None:
        art2 = pick(rng, [
            "Đây là quyết định giải quyết khiếu nại lần hai. Trường hợp không đồng ý, người khiếu nại có quyền "
            "khởi kiện vụ án hành chính tại Tòa án theo quy định của Luật Tố tụng hành chính.",
            f"Quyết định này có hiệu lực pháp luật kể từ ngày ký. Nếu không đồng ý, {names} có quyền khởi kiện vụ án "
            "hành chính tại Tòa án nhân dân theo quy định.",
            "Quyết định giải quyết khiếu nại lần hai có hiệu lực thi hành kể từ ngày ban hành; người khiếu nại có "
            "quyền khởi kiện tại Tòa án.",
        ])
    else:
        art2 = pick(rng, [
            f"Trong thời hạn 30 ngày kể từ ngày nhận được Quyết định này, nếu không đồng ý, {names} có quyền khiếu "
            f"nại đến {upper} hoặc khởi kiện vụ án hành chính tại Tòa án.",
            f"Nếu không đồng ý với Quyết định này, người khiếu nại có quyền khiếu nại lần hai đến {upper} hoặc khởi "
            "kiện vụ án hành chính theo quy định của Luật Tố tụng hành chính.",
            f"Quyết định có hiệu lực kể từ ngày ký. Trường hợp không đồng ý, {names} được quyền khiếu nại đến "
            f"{upper} hoặc khởi kiện tại Tòa án nhân dân.",
        ])
    b.para(f"Điều 2. {art2}")
    b.para(pick(rng, [
        f"Điều 3. {office}, {insp.head}, Thủ trưởng các cơ quan, đơn vị có liên quan và "
        f"{names} chịu trách nhiệm thi hành Quyết định này./.",
        f"Điều 3. Quyết định này có hiệu lực kể từ ngày ký. {office}, Thủ trưởng các đơn vị "
        f"có liên quan và {names} chịu trách nhiệm thi hành./.",
        f"Điều 3. Giao {insp.head} theo dõi, kiểm tra việc thi hành Quyết định này. Các cơ quan, đơn vị và cá nhân "
        "có tên tại Điều 1 chịu trách nhiệm thi hành./.",
    ]))
    signer, _ = official_name(rng, exclude=m.names())
    official_signature(b, rng, agency, signer, [
        "Như Điều 3", "Thanh tra tỉnh An Giang" if agency.level != "province" else "Thanh tra Chính phủ",
        f"{c.Hon} {c.name}" if rng.random() < 0.5 else "Người khiếu nại", "Lưu: VT, HS"])
    fam = "complaint_ruling_second" if second else "complaint_ruling_first"
    return b.build(doc_id, fam, "decision", "complaint", True, date, dossier_id), own


def land_dispute_ruling(rng: random.Random, m: Matter, doc_id: str, date: dt.date | None = None,
                        prior: dict | None = None, dossier_id: str | None = None) -> tuple[GeneratedDoc, refs.Ref]:
    prior = prior or {}
    b = DocBuilder()
    date = date or after(rng, m.date, 30, 150)
    agency = committee(m.place, "district")  # households' disputes are ruled by the district chairman
    own = refs.Ref(refs.number(rng, "QĐ-UBND"), date, agency.name, "Quyết định", "giải quyết tranh chấp đất đai")
    official_header(b, rng, agency, own.number, date)
    b.ref({"number": own.number})
    a, o = m.petitioners[0], m.opponent
    an, on = f"{a.hon} {a.name}", f"{o.hon} {o.name}"
    b.heading("QUYẾT ĐỊNH", size=1.25, space_before=1.0)
    b.heading(pick(rng, [f"Về việc giải quyết tranh chấp đất đai giữa {an} với {on}",
                         f"Giải quyết tranh chấp đất đai giữa {an} và {on}",
                         f"V/v giải quyết tranh chấp quyền sử dụng đất giữa {an} và {on}"]))
    b.heading(f"{agency.signer} {agency.name.upper()}", space_before=0.5)
    bases(rng, b, {"land"}, date)
    for key in ("notice", "minutes"):
        t = _prior(rng, b, prior, key, "Căn cứ")
        if t:
            b.para(t + ";", italic=True)
    b.para(pick(rng, [
        f"Xét đơn đề ngày {fmt_short(m.date)} của {an} về việc tranh chấp đất đai với {on};",
        f"Theo đơn đề nghị giải quyết tranh chấp đất đai của {an} ({fmt_long(m.date)});",
        f"Giải quyết yêu cầu của {an} tranh chấp quyền sử dụng đất với {on};",
        f"{agency.name} nhận được đơn của {an} đề nghị giải quyết tranh chấp đất đai với {on};",
    ]), italic=rng.random() < 0.5)
    report = refs.Ref(refs.number(rng, "BC-TNMT"), after(rng, m.date, 10, 25),
                      f"Phòng Tài nguyên và Môi trường {m.place.district_full}", "Báo cáo")
    b.para(f"Xét đề nghị của Trưởng Phòng Tài nguyên và Môi trường tại {b.cite(refs.cite(rng, report, with_issuer=False))},",
           italic=True)
    b.heading("I. NỘI DUNG TRANH CHẤP", align="left", space_before=0.5)
    b.para(f"Người đề nghị giải quyết tranh chấp: {mention(rng, b, a, 'disputant', detail=0.9)}.")
    for extra in m.petitioners[1:]:
        b.para(f"Cùng đứng đơn: {mention(rng, b, extra, 'disputant', detail=0.7)}.")
    b.para(f"Người bị đề nghị (bên tranh chấp): {mention(rng, b, o, 'disputant', detail=0.9)}.")
    if m.related is not None:
        b.para(f"Người có quyền lợi, nghĩa vụ liên quan: {mention(rng, b, m.related, 'related', detail=0.6)}.")
    ptext, pt = describe(rng, m.parcels)
    b.parcels(pt)
    b.para(pick(rng, [
        f"{an[:1].upper() + an[1:]} cho rằng {ptext} là của gia đình mình sử dụng ổn định, {on} đã lấn chiếm "
        "một phần; yêu cầu trả lại phần đất lấn chiếm.",
        f"Hai bên tranh chấp quyền sử dụng {ptext}. Mỗi bên đều cho rằng phần đất tranh chấp thuộc quyền sử dụng của mình.",
        f"Đối tượng tranh chấp là {ptext}; {on} không đồng ý trả lại đất với lý do đã sử dụng lâu năm.",
    ]))
    b.para(pick(rng, [
        f"Ngày {fmt_short(m.mediation_date)}, Ủy ban nhân dân {m.place.commune_full} tổ chức hòa giải nhưng không thành.",
        f"Việc hòa giải tại Ủy ban nhân dân {m.place.commune_full} {fmt_long(m.mediation_date)} không thành, "
        "các bên giữ nguyên ý kiến.",
    ]))
    b.heading("II. KẾT QUẢ XÁC MINH", align="left")
    p0 = m.parcels[0]
    b.para(pick(rng, [
        f"Theo hồ sơ địa chính, phần đất tranh chấp được cấp Giấy chứng nhận số {p0.certificate} cho {an}"
        + (f"; diện tích đo đạc thực tế là {fmt_area(rng, p0.area_m2)}." if len(pt) == 1 and pt[0]["area_m2"] else "."),
        f"Kết quả đo đạc hiện trạng ngày {fmt_short(after(rng, m.date, 5, 25))} xác định phần diện tích tranh "
        f"chấp khoảng {rng.randint(15, 200)} m², nằm trong ranh giấy chứng nhận đã cấp cho {an}.",
        f"Qua xác minh, các hộ giáp ranh và Trưởng {m.place.hamlet_full} đều xác nhận {an} sử dụng đất ổn định, "
        "liên tục, không có ai tranh chấp trước đây.",
    ]))
    winner = rng.random() < 0.6
    b.heading("III. KẾT LUẬN", align="left")
    b.para(f"Yêu cầu của {an} là {'có cơ sở' if winner else 'không có cơ sở'} để xem xét giải quyết.")
    b.heading("QUYẾT ĐỊNH:", space_before=0.5)
    if winner:
        b.para(f"Điều 1. Công nhận cho {an} được quyền sử dụng phần đất tranh chấp; buộc {on} trả lại phần đất "
               "đã lấn chiếm và tháo dỡ công trình xây dựng trên đất.")
    else:
        b.para(f"Điều 1. Không công nhận yêu cầu của {an}; công nhận phần đất tranh chấp thuộc quyền sử dụng của {on}.")
    b.para(pick(rng, [
        "Điều 2. Trường hợp không đồng ý, các bên tranh chấp có quyền khiếu nại đến Chủ tịch Ủy ban nhân dân tỉnh "
        "An Giang hoặc khởi kiện tại Tòa án nhân dân theo quy định của Luật Tố tụng hành chính.",
        "Điều 2. Trong thời hạn 30 ngày kể từ ngày nhận được Quyết định này, nếu không đồng ý, các bên có quyền "
        "khiếu nại đến Chủ tịch Ủy ban nhân dân tỉnh An Giang hoặc khởi kiện vụ án hành chính tại Tòa án.",
        "Điều 2. Quyết định có hiệu lực kể từ ngày ký; bên không đồng ý được quyền khiếu nại hoặc khởi kiện theo "
        "quy định của pháp luật.",
    ]))
    b.para(pick(rng, [
        f"Điều 3. Chánh Văn phòng {agency.name}, Trưởng Phòng Tài nguyên và Môi trường, Chủ tịch Ủy ban nhân "
        f"dân {m.place.commune_full}, {an}, {on} chịu trách nhiệm thi hành Quyết định này./.",
        f"Điều 3. Giao Chủ tịch Ủy ban nhân dân {m.place.commune_full} tổ chức thực hiện Quyết định này; {an} và "
        f"{on} có trách nhiệm thi hành./.",
        f"Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Các cơ quan, đơn vị có liên quan, {an} và {on} "
        "chịu trách nhiệm thi hành./.",
    ]))
    signer, _ = official_name(rng, exclude=m.names())
    official_signature(b, rng, agency, signer, ["Như Điều 3", "Thanh tra tỉnh", "Lưu: VT"])
    return b.build(doc_id, "land_dispute_ruling", "decision", "land_dispute", True, date, dossier_id), own
