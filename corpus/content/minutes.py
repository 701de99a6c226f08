"""Minutes (BIÊN BẢN; kind minutes): citizen reception, land-dispute mediation, working/verification meeting."""

from __future__ import annotations

import datetime as dt
import random

from corpus.content import refs
from corpus.content.agencies import committee, inspectorate
from corpus.content.blocks import MOTTO, MOTTO2, place_date_line
from corpus.content.builder import DocBuilder, pick
from corpus.content.dates import after, fmt_long, fmt_short, fmt_words
from corpus.content.land import describe
from corpus.content.matter import Matter
from corpus.content.names import official_name, random_person
from corpus.content.people import cap, mention
from corpus.model import GeneratedDoc

ROLE = {"complaint": "complainant", "denunciation": "denouncer", "recommendation": "petitioner",
        "land_dispute": "disputant"}


def _header(b: DocBuilder, rng: random.Random, agency, number: str | None, d: dt.date, dated: bool) -> None:
    for i, t in enumerate(agency.header):
        b.add(t, align="center", bold=i > 0, column="left")
    b.add("-------", align="center", column="left")
    if number:
        b.add(f"Số: {number}", align="center", column="left")
        b.ref({"number": number})
    b.add(MOTTO, align="center", bold=True, column="right", size=0.95)
    b.add(MOTTO2, align="center", bold=True, column="right")
    b.add("---------------", align="center", column="right")
    if dated:
        place_date_line(b, rng, agency.place_name, d, align="center", column="right")


def _opening(rng: random.Random, d: dt.date, where: str) -> str:
    hh, mm = rng.choice([7, 8, 9, 13, 14, 15]), rng.choice([0, 15, 30, 45])
    t = f"{hh} giờ {mm:02d} phút" if mm else f"{hh} giờ"
    return pick(rng, [
        f"Hôm nay, vào lúc {t}, {fmt_long(d)}, tại {where}.",
        f"Vào lúc {t} {fmt_long(d)}, tại {where}, chúng tôi gồm:",
        f"Hôm nay, {fmt_words(d)}, lúc {t}, tại {where}.",
        f"Lúc {t}, ngày {fmt_short(d)}, tại {where}, tiến hành lập biên bản.",
    ])


def _officials(rng: random.Random, b: DocBuilder, posts: list[str], heading: str,
               exclude: set[str] = frozenset()) -> list[str]:
    b.para(heading, indent=0.5, bold=True)
    names = []
    for i, post in enumerate(posts):
        name, male = official_name(rng, exclude=exclude | set(names))
        names.append(name)
        b.para(f"{i + 1}. {'Ông' if male else 'Bà'} {name} - {post};", indent=1.0, align="left")
    return names


def _signatures(b: DocBuilder, left_label: str, left: list[str], right_label: str, right: list[str]) -> None:
    b.add(left_label, align="center", bold=True, column="left", space_before=1.0)
    for i, n in enumerate(left):
        b.add(n, align="center", column="left", space_before=2.0 if i == 0 else 1.0)
        b.signatures.append(n)
    b.add(right_label, align="center", bold=True, column="right", space_before=1.0)
    for i, n in enumerate(right):
        b.add(n, align="center", column="right", space_before=2.0 if i == 0 else 1.0)
        b.signatures.append(n)


def reception_minutes(rng: random.Random, m: Matter, doc_id: str, date: dt.date | None = None,
                      prior: dict | None = None, dossier_id: str | None = None) -> tuple[GeneratedDoc, refs.Ref | None]:
    b = DocBuilder()
    sc = rng.randrange(3)  # heading numbering: I. / none / 1.
    date = date or after(rng, m.date, -10, 10)
    agency = committee(m.place, rng.choice(["district", "district", "commune"]))
    number = refs.number(rng, "BB-TCD") if rng.random() < 0.4 else None
    _header(b, rng, agency, number, date, dated=rng.random() < 0.7)
    b.heading("BIÊN BẢN", size=1.25, space_before=1.0)
    b.heading(rng.choice(["TIẾP CÔNG DÂN", "Tiếp công dân", "Về việc tiếp công dân", "LÀM VIỆC VỚI CÔNG DÂN"]))
    where = rng.choice([f"Trụ sở Tiếp công dân {m.place.district_full}" if agency.level == "district"
                        else f"Trụ sở {agency.name}", f"Phòng tiếp công dân {agency.name}"])
    b.para(_opening(rng, date, where))
    officials = _officials(rng, b, [rng.choice(["Phó Chủ tịch " + agency.name, "Chủ tịch " + agency.name]),
                                    rng.choice(["chuyên viên Ban Tiếp công dân", "công chức Văn phòng - Thống kê",
                                                "Thanh tra viên"])],
                           ["I. Người tiếp công dân:", "Đại diện cơ quan tiếp công dân:", "1. Người tiếp:"][sc], exclude=m.names())
    role = ROLE[m.type]
    b.para(["II. Công dân đến trình bày:", "Công dân:", "2. Người được tiếp:"][sc], indent=0.5, bold=True)
    for p in m.petitioners[: rng.randint(1, 3)]:
        b.para(f"- {cap(mention(rng, b, p, role, detail=0.95))}.", indent=1.0)
    b.para(["III. Nội dung trình bày:", "Nội dung công dân trình bày:", "3. Nội dung làm việc:"][sc],
           indent=0.5, bold=True)
    c = m.petitioners[0]
    cw = f"{c.hon.capitalize()} {c.name}"
    if m.type == "complaint":
        dec = m.decision
        subj = rng.choice([m.decision_agency.name, m.decision_agency.short])
        b.party(subj, "subject")
        b.para(f"{cw} trình bày: không đồng ý với "
               f"{b.cite(refs.cite(rng, dec, with_issuer=True, short_issuer=subj if subj != dec.issuer else None))} "
               f"về việc {dec.about}; cho rằng quyết định này làm ảnh hưởng đến quyền lợi hợp pháp của gia đình. "
               f"{c.hon.capitalize()} yêu cầu được xem xét lại.")
        if m.parcels:
            ptext, pt = describe(rng, m.parcels)
            b.parcels(pt)
            b.para(f"Phần đất bị ảnh hưởng là {ptext}.")
    elif m.type == "denunciation":
        h = "ông" if m.accused_male else "bà"
        b.party(m.accused, "subject")
        b.para(pick(rng, [
            f"{cw} trình bày việc {h} {m.accused}, {m.accused_post}, đòi tiền khi làm hồ sơ đất đai và đề nghị xử lý.",
            f"{cw} tố cáo {h} {m.accused} ({m.accused_post}) có hành vi sai phạm, đề nghị cơ quan chức năng làm rõ.",
        ]))
    elif m.type == "recommendation":
        b.para(pick(rng, [
            f"{cw} phản ánh tuyến đường tại {m.place.hamlet_full} xuống cấp, mùa mưa ngập úng, đề nghị sửa chữa.",
            f"{cw} kiến nghị về tình trạng ô nhiễm môi trường do nước thải tại {m.place.hamlet_full}.",
            f"{cw} phản ánh việc cấp nước sinh hoạt không ổn định tại {m.place.hamlet_full}.",
        ]))
    else:
        o = m.opponent
        ptext, pt = describe(rng, m.parcels)
        b.parcels(pt)
        b.party(o.name, "disputant")
        b.para(f"{cw} trình bày: gia đình đang tranh chấp {ptext} với {o.hon} {o.name} ({m.relation}); đã hòa giải tại "
               f"Ủy ban nhân dân {m.place.commune_full} nhưng không thành, đề nghị được giải quyết.")
    b.para(["IV. Ý kiến của người tiếp công dân:", "Ý kiến của người tiếp:", "4. Kết quả tiếp:"][sc],
           indent=0.5, bold=True)
    b.para(pick(rng, [
        "Tiếp nhận đơn và tài liệu do công dân cung cấp; chuyển bộ phận chuyên môn tham mưu xử lý theo quy định.",
        f"Hướng dẫn công dân gửi đơn đến đúng cơ quan có thẩm quyền giải quyết là Ủy ban nhân dân {m.place.district_full}.",
        "Ghi nhận ý kiến của công dân và báo cáo lãnh đạo xem xét, trả lời bằng văn bản trong thời hạn quy định.",
    ]))
    b.para(pick(rng, [
        "Buổi tiếp kết thúc vào lúc 10 giờ cùng ngày. Biên bản đã được đọc lại cho mọi người cùng nghe, thống nhất ký tên.",
        "Biên bản được lập thành 02 bản, mỗi bên giữ 01 bản, các bên thống nhất ký tên dưới đây.",
        "Biên bản kết thúc cùng ngày, đã đọc lại và các thành phần tham dự thống nhất nội dung.",
    ]))
    _signatures(b, "CÔNG DÂN", [c.name], "NGƯỜI TIẾP CÔNG DÂN", officials[:1])
    return b.build(doc_id, "minutes_reception", "minutes", m.type, False, date, dossier_id), (
        refs.Ref(number, date, agency.name, "Biên bản") if number else None)


def mediation_minutes(rng: random.Random, m: Matter, doc_id: str, date: dt.date | None = None,
                      prior: dict | None = None, dossier_id: str | None = None) -> tuple[GeneratedDoc, refs.Ref | None]:
    prior = prior or {}
    b = DocBuilder()
    sc = rng.randrange(3)
    date = date or m.mediation_date or after(rng, m.date, -60, -10)
    agency = committee(m.place, "commune")
    number = refs.number(rng, "BB-HGT") if rng.random() < 0.4 else None
    _header(b, rng, agency, number, date, dated=rng.random() < 0.6)
    b.heading("BIÊN BẢN", size=1.25, space_before=1.0)
    success = rng.random() < 0.3
    b.heading(rng.choice(["HÒA GIẢI TRANH CHẤP ĐẤT ĐAI", "Hòa giải tranh chấp đất đai", "Về việc hòa giải tranh chấp đất đai"]
                         + ([] if success else ["HÒA GIẢI KHÔNG THÀNH"])))
    b.para(_opening(rng, date, f"Hội trường {agency.name}"))
    if "notice" in prior:
        b.para(f"Thực hiện {b.cite(refs.cite(rng, prior['notice']))}, Hội đồng hòa giải tranh chấp đất đai tiến hành hòa giải.")
    officials = _officials(rng, b, [f"Chủ tịch {agency.name} - Chủ tịch Hội đồng",
                                    f"công chức Địa chính - Xây dựng - thành viên",
                                    f"Trưởng {m.place.hamlet_full} - thành viên",
                                    "Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam - thành viên"][: rng.randint(2, 4)],
                           ["I. Hội đồng hòa giải gồm:", "Thành phần Hội đồng hòa giải:", "1. Thành phần chủ trì:"][sc], exclude=m.names())
    a, o = m.petitioners[0], m.opponent
    b.para(["II. Các bên tranh chấp:", "Các bên tranh chấp gồm:", "2. Các bên:"][sc], indent=0.5, bold=True)
    b.para(f"Bên yêu cầu: {mention(rng, b, a, 'disputant', detail=0.95)}.", indent=1.0)
    b.para(f"Bên bị yêu cầu: {mention(rng, b, o, 'disputant', detail=0.95)}.", indent=1.0)
    if m.related is not None:
        b.para(f"Người có quyền lợi, nghĩa vụ liên quan: {mention(rng, b, m.related, 'related', detail=0.6)}.", indent=1.0)
    if rng.random() < 0.5:
        w = random_person(rng, m.place, ref_year=date.year, exclude=m.names())
        b.para(f"Người làm chứng: {mention(rng, b, w, 'related', detail=0.4)}.", indent=1.0)
    ptext, pt = describe(rng, m.parcels)
    b.parcels(pt)
    b.para(["III. Nội dung tranh chấp:", "Nội dung hòa giải:", "3. Nội dung:"][sc], indent=0.5, bold=True)
    an, on = f"{a.hon.capitalize()} {a.name}", f"{o.hon} {o.name}"
    b.para(pick(rng, [
        f"{an} cho rằng {on} lấn chiếm {'' if ptext.startswith('phần ') else 'một phần '}{ptext}; yêu cầu trả lại đất và dời hàng rào về đúng ranh.",
        f"Hai bên tranh chấp ranh giới {ptext}. {an} yêu cầu đo đạc lại theo giấy chứng nhận đã cấp.",
        f"Tranh chấp quyền sử dụng {ptext} giữa {an.lower()[:3] + an[3:]} và {on}, phát sinh từ năm {m.event_date.year}.",
    ]))
    b.para(f"Ý kiến của {on}: " + rng.choice([
        "không đồng ý, cho rằng đã sử dụng phần đất này hơn 20 năm.",
        "đồng ý đo đạc lại nhưng không đồng ý tháo dỡ công trình.",
        "phần đất là do cha mẹ cho, có người làm chứng.",
    ]))
    b.para(["IV. Kết quả hòa giải:", "Kết quả:", "4. Kết quả hòa giải:"][sc], indent=0.5, bold=True)
    b.para("Hòa giải thành: hai bên thống nhất ranh giới theo kết quả đo đạc, cam kết không tranh chấp." if success
           else rng.choice(["Hòa giải không thành. Hướng dẫn các bên gửi đơn đến Ủy ban nhân dân "
                            f"{m.place.district_full} hoặc khởi kiện tại Tòa án nhân dân theo quy định.",
                            "Các bên không thống nhất, hòa giải không thành.",
                            "Hai bên giữ nguyên ý kiến; Hội đồng lập biên bản hòa giải không thành."]))
    b.para("Biên bản được lập xong vào lúc 11 giờ cùng ngày, đọc lại cho các bên cùng nghe và thống nhất ký tên.")
    _signatures(b, "CÁC BÊN TRANH CHẤP", [a.name, o.name], "CHỦ TỊCH HỘI ĐỒNG", officials[:1])
    return b.build(doc_id, "minutes_mediation", "minutes", "land_dispute", True, date, dossier_id), (
        refs.Ref(number, date, agency.name, "Biên bản") if number else None)


def working_minutes(rng: random.Random, m: Matter, doc_id: str, date: dt.date | None = None,
                    prior: dict | None = None, dossier_id: str | None = None) -> tuple[GeneratedDoc, refs.Ref | None]:
    """Verification meeting of the inspectorate with the complainant/denouncer."""
    prior = prior or {}
    b = DocBuilder()
    sc = rng.randrange(3)
    date = date or after(rng, m.date, 15, 60)
    agency = inspectorate(m.place, "district")
    number = refs.number(rng, "BB-TTr") if rng.random() < 0.5 else None
    _header(b, rng, agency, number, date, dated=rng.random() < 0.7)
    b.heading("BIÊN BẢN LÀM VIỆC", size=1.25, space_before=1.0)
    if rng.random() < 0.5:
        b.heading(rng.choice(["(Xác minh nội dung đơn)", "Về việc xác minh nội dung đơn",
                              "V/v làm việc với người có đơn"]), bold=False, italic=True)
    b.para(_opening(rng, date, f"Trụ sở {agency.name}"))
    if "notice" in prior:
        b.para(f"Thực hiện {b.cite(refs.cite(rng, prior['notice']))}, Tổ xác minh tiến hành làm việc với người có đơn.")
    elif rng.random() < 0.6:
        team = refs.Ref(refs.number(rng, "QĐ-TTr"), after(rng, m.date, 5, 15), agency.head, "Quyết định")
        b.para(f"Thực hiện {b.cite(refs.cite(rng, team))} về việc xác minh nội dung đơn.")
    officials = _officials(rng, b, ["Thanh tra viên - Tổ trưởng Tổ xác minh", "Thanh tra viên - thành viên"],
                           ["I. Đại diện Tổ xác minh:", "Thành phần Tổ xác minh:", "1. Tổ xác minh:"][sc], exclude=m.names())
    role = ROLE[m.type]
    b.para(["II. Người có đơn:", "Người làm việc:", "2. Người có đơn:"][sc], indent=0.5, bold=True)
    c = m.petitioners[0]
    b.para(f"- {cap(mention(rng, b, c, role, detail=0.95))}.", indent=1.0)
    b.para(["III. Nội dung làm việc:", "Nội dung làm việc:", "3. Nội dung:"][sc], indent=0.5, bold=True)
    cw = f"{c.hon.capitalize()} {c.name}"
    if m.type == "complaint":
        dec = m.decision
        subj = rng.choice([m.decision_agency.name, m.decision_agency.short])
        b.party(subj, "subject")
        b.para(f"{cw} giữ nguyên nội dung khiếu nại đối với "
               f"{b.cite(refs.cite(rng, dec, with_issuer=True, short_issuer=subj if subj != dec.issuer else None))}; "
               "cung cấp thêm bản photo giấy chứng nhận và biên bản kiểm đếm.")
        if m.parcels and rng.random() < 0.6:
            ptext, pt = describe(rng, m.parcels)
            b.parcels(pt)
            b.para(f"Phần đất liên quan: {ptext}.")
    elif m.type == "denunciation":
        h = "ông" if m.accused_male else "bà"
        b.party(m.accused, "subject")
        b.para(f"{cw} xác nhận nội dung tố cáo {h} {m.accused}, {m.accused_post}; cung cấp tài liệu, chứng cứ kèm theo "
               "và đề nghị được giữ bí mật thông tin cá nhân.")
    elif m.type == "land_dispute":
        o = m.opponent
        ptext, pt = describe(rng, m.parcels)
        b.parcels(pt)
        b.party(o.name, "disputant")
        b.para(f"{cw} trình bày nguồn gốc {ptext} và yêu cầu {o.hon} {o.name} trả lại phần đất lấn chiếm.")
    else:
        b.para(f"{cw} trình bày lại nội dung phản ánh về hạ tầng và môi trường tại {m.place.hamlet_full}.")
    b.para("Biên bản kết thúc cùng ngày, đã đọc lại cho những người có mặt cùng nghe và thống nhất ký tên.")
    _signatures(b, "NGƯỜI CÓ ĐƠN", [c.name], "TỔ XÁC MINH", officials[:2])
    return b.build(doc_id, "minutes_working", "minutes", m.type, False, date, dossier_id), (
        refs.Ref(number, date, agency.name, "Biên bản") if number else None)
