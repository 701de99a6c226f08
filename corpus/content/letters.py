"""Citizens' letters (kind petition): complaint, denunciation, recommendation/reflection, land dispute.

Every part (title, recipients, self-introduction, facts, request, closing) has several independently written
wordings chosen at random, so no single sentence identifies the type.
"""

from __future__ import annotations

import datetime as dt
import random

from corpus.content import refs
from corpus.content.blocks import letter_motto, letter_signature, place_date_line
from corpus.content.builder import DocBuilder, pick
from corpus.content.dates import after, before, fmt, fmt_long, fmt_short
from corpus.content.land import describe, fmt_area
from corpus.content.matter import Matter
from corpus.content.names import random_name, random_person
from corpus.content.people import intro_group, intro_representative, intro_self, mention
from corpus.model import GeneratedDoc

ROLE = {"complaint": "complainant", "denunciation": "denouncer", "recommendation": "petitioner",
        "land_dispute": "disputant"}
ROLE_WORD = {"complaint": "khiếu nại", "denunciation": "tố cáo", "recommendation": "kiến nghị",
             "land_dispute": "làm đơn"}
TYPED_TITLES = {
    "complaint": ["ĐƠN KHIẾU NẠI"],
    "denunciation": ["ĐƠN TỐ CÁO"],
    "recommendation": ["ĐƠN KIẾN NGHỊ", "ĐƠN PHẢN ÁNH", "ĐƠN KIẾN NGHỊ, PHẢN ÁNH"],
    "land_dispute": ["ĐƠN ĐỀ NGHỊ GIẢI QUYẾT TRANH CHẤP ĐẤT ĐAI", "ĐƠN YÊU CẦU GIẢI QUYẾT TRANH CHẤP ĐẤT ĐAI",
                     "ĐƠN TRANH CHẤP ĐẤT ĐAI"],
}
NEUTRAL_TITLES = ["ĐƠN", "ĐƠN TRÌNH BÀY", "ĐƠN KÊU CỨU", "ĐƠN YÊU CẦU", "ĐƠN XIN GIẢI QUYẾT", "ĐƠN ĐỀ NGHỊ"]
MISLEADING_TITLES = {
    "complaint": ["ĐƠN KIẾN NGHỊ", "ĐƠN PHẢN ÁNH"],
    "denunciation": ["ĐƠN KHIẾU NẠI", "ĐƠN PHẢN ÁNH"],
    "recommendation": ["ĐƠN KHIẾU NẠI"],
    "land_dispute": ["ĐƠN KHIẾU NẠI"],
}
SIGN_LABEL = {
    "complaint": ["Người khiếu nại", "Người làm đơn", "Người viết đơn"],
    "denunciation": ["Người tố cáo", "Người làm đơn", "Người viết đơn"],
    "recommendation": ["Người kiến nghị", "Người làm đơn", "Người phản ánh"],
    "land_dispute": ["Người làm đơn", "Người đề nghị", "Người viết đơn"],
}


def vnd(amount: int) -> str:
    """12500000 → `12.500.000`."""
    return f"{amount:,}".replace(",", ".")


class Voice:
    """Pronouns for one or several petitioners."""

    def __init__(self, m: Matter):
        many = len(m.petitioners) > 1
        self.we = "chúng tôi" if many else "tôi"
        self.We = self.we.capitalize()
        self.fam = "các hộ chúng tôi" if many else "gia đình tôi"
        self.Fam = self.fam[:1].upper() + self.fam[1:]


def choose_title(rng: random.Random, type_: str) -> tuple[str, bool]:
    r = rng.random()
    if r < 0.6:
        return rng.choice(TYPED_TITLES[type_]), True
    if r < 0.9:
        return rng.choice(NEUTRAL_TITLES), False
    return rng.choice(MISLEADING_TITLES[type_]), False


def recipients(rng: random.Random, m: Matter, second: bool) -> list[str]:
    p = m.place
    dist = f"Ủy ban nhân dân {p.district_full}"
    dist_s = rng.choice([dist, f"UBND {p.district_full}"])
    if m.type == "complaint":
        if second and m.decision_agency.level == "commune":
            first = [f"Chủ tịch {dist_s}"]
        elif second:
            first = ["Chủ tịch Ủy ban nhân dân tỉnh An Giang", "Chủ tịch UBND tỉnh An Giang"]
        elif m.decision_agency.level == "commune":
            first = [f"Chủ tịch Ủy ban nhân dân {p.commune_full}"]
        else:
            first = [f"Chủ tịch {dist_s}"]
        extra = [f"Thanh tra {p.district_full}", f"Ban Tiếp công dân {p.district_full}", "Thanh tra tỉnh An Giang"]
    elif m.type == "denunciation":
        first = [f"Chủ tịch {dist_s}", f"Thanh tra {p.district_full}", f"Ủy ban Kiểm tra Huyện ủy {p.district}"]
        extra = [f"Thanh tra {p.district_full}", "Thanh tra tỉnh An Giang", f"Công an {p.district_full}"]
    elif m.type == "recommendation":
        first = [f"Ủy ban nhân dân {p.commune_full}", f"Chủ tịch {dist_s}", dist_s]
        extra = [f"Phòng Tài nguyên và Môi trường {p.district_full}", "Đoàn Đại biểu Quốc hội tỉnh An Giang",
                 f"Phòng Kinh tế và Hạ tầng {p.district_full}", f"Ủy ban nhân dân {p.commune_full}"]
    else:
        first = [f"Chủ tịch {dist_s}", dist_s]
        extra = [f"Phòng Tài nguyên và Môi trường {p.district_full}", f"Ủy ban nhân dân {p.commune_full}"]
    out = [rng.choice(first)]
    if out[0].startswith("Chủ tịch") and rng.random() < 0.2:
        out[0] = rng.choice(["Ông ", "Bà "]) + out[0]
    if rng.random() < 0.4:
        e = rng.choice(extra)
        if e != out[0]:
            out.append(e)
    return out


def kinh_gui(b: DocBuilder, rng: random.Random, to: list[str]) -> None:
    if len(to) == 1:
        b.para(f"Kính gửi: {to[0]}.", indent=3.0, align="left", bold=rng.random() < 0.5, space_before=0.5)
        return
    b.para("Kính gửi:", indent=3.0, align="left", bold=True, space_before=0.5)
    for i, t in enumerate(to):
        b.para(f"- {t}{'.' if i == len(to) - 1 else ';'}", indent=4.0, align="left")


# --------------------------------------------------------------------------------------------------------
# complaint

def _complaint(rng: random.Random, b: DocBuilder, m: Matter, v: Voice, second: bool) -> None:
    dec = m.decision
    subj = rng.choice([m.decision_agency.name, m.decision_agency.short])
    b.party(subj, "subject")
    ptext, ptruth = describe(rng, m.parcels)
    b.parcels(ptruth)
    cert_issuer = rng.choice([f"UBND {m.place.district_full}", f"Ủy ban nhân dân {m.place.district_full}",
                              "Sở Tài nguyên và Môi trường tỉnh An Giang"])
    cert = m.parcels[0].certificate
    since = rng.randint(1978, 2010)
    owned = [
        f"{v.Fam} đang quản lý, sử dụng {ptext}, chưa được cấp Giấy chứng nhận quyền sử dụng đất nhưng sử dụng ổn "
        f"định, liên tục từ năm {since}, có đóng thuế đầy đủ.",
        f"Nguồn gốc {ptext} là do cha mẹ {v.we} khai phá từ trước năm 1975 và để lại cho {v.we} canh tác đến nay, "
        "không có ai tranh chấp.",
        f"{v.We} sử dụng {ptext} từ năm {since}; đất có tên trong sổ mục kê và đã được đo đạc, lập bản đồ địa chính.",
    ]
    b.para(rng.choice(owned) if m.topic == "certificate" else pick(rng, [
        f"{v.Fam} đang quản lý, sử dụng {ptext}. Đất đã được {cert_issuer} cấp Giấy chứng nhận quyền sử dụng "
        f"đất số {cert}, sử dụng ổn định, liên tục từ năm {since} đến nay, không có tranh chấp.",
        f"Nguồn gốc {ptext} là do cha mẹ {v.we} khai phá từ trước năm 1975, sau đó để lại cho {v.we} canh tác. "
        f"Năm {since + rng.randint(1, 12)}, {v.we} đã đăng ký kê khai và được cấp giấy chứng nhận (số phát hành {cert}).",
        f"{v.Fam} có {ptext}. Đất có giấy chứng nhận (sổ đỏ) số {cert}, từ trước đến nay {v.fam} trồng "
        f"{rng.choice(['lúa', 'cây ăn trái', 'rau màu', 'xoài', 'chuối'])} và nuôi sống cả gia đình trên phần đất này.",
        f"Theo hồ sơ địa chính, {ptext} do {v.we} đứng tên quyền sử dụng (Giấy chứng nhận số {cert}). "
        f"Đây là tư liệu sản xuất duy nhất của {v.fam}.",
    ]))
    own = subj
    def cite_full(**kw) -> str:  # always names the issuer: it is the subject of the complaint
        kw["with_issuer"] = True
        return b.cite(refs.cite(rng, dec, short_issuer=own if own != dec.issuer else None, **kw))

    d_ev = fmt(rng, dec.date)
    if m.topic == "recovery":
        facts = [
            lambda: f"{d_ev[:1].upper() + d_ev[1:]}, {subj} ban hành "
                    f"{b.cite(refs.cite(rng, dec, with_date=False, with_issuer=False))} về việc thu hồi "
                    f"{fmt_area(rng, m.parcels[0].area_m2)} đất của {v.fam} để thực hiện dự án {m.project}.",
            lambda: f"Vừa qua, {v.fam} nhận được {cite_full(with_issuer=True)} về việc {dec.about}. Theo quyết định "
                    f"này, {v.fam} bị thu hồi toàn bộ diện tích đất nêu trên nhưng không được thông báo trước, "
                    "không được mời tham gia kiểm đếm.",
            lambda: f"Căn cứ {cite_full(with_issuer=True)}, Hội đồng bồi thường dự án {m.project} đã tiến hành đo đạc, "
                    f"kiểm đếm và thu hồi đất của {v.fam}.",
            lambda: f"{v.We} khiếu nại {cite_full(with_issuer=True)} (sau đây gọi là Quyết định {dec.number}) vì "
                    f"quyết định này thu hồi đất của {v.fam} không đúng quy định.",
        ]
        reasons = [
            f"Việc thu hồi đất nêu trên là trái pháp luật vì {v.fam} không nhận được thông báo thu hồi đất trước "
            f"90 ngày như quy định của {refs.land_law_name(m.date)}.",
            f"Phần diện tích bị thu hồi lớn hơn phần đất thực tế nằm trong ranh dự án; nhiều hộ lân cận có điều kiện "
            f"như {v.fam} lại không bị thu hồi.",
            f"{v.Fam} đã nhiều lần liên hệ {subj} để được giải thích nhưng chỉ nhận được trả lời miệng, không có văn bản.",
            f"Dự án đã kéo dài nhiều năm nhưng chưa triển khai, đất của {v.fam} bị treo, không thể chuyển mục đích "
            "hay thế chấp để vay vốn sản xuất.",
        ]
    elif m.topic == "compensation":
        money = rng.randint(80, 1500) * 1_000_000
        price = rng.randint(6, 40) * 10_000
        facts = [
            lambda: f"Ngày {fmt_short(dec.date)}, {v.fam} nhận được {cite_full(with_date=False)} về việc {dec.about}, "
                    f"theo đó {v.fam} được bồi thường, hỗ trợ tổng số tiền {vnd(money)} đồng.",
            lambda: f"Theo {cite_full()} thì đơn giá bồi thường đất nông nghiệp chỉ có {vnd(price)} đồng/m², "
                    f"trong khi giá chuyển nhượng thực tế tại địa phương khoảng {vnd(price * 4)} đồng/m².",
            lambda: f"Khi Nhà nước thu hồi đất để thực hiện dự án {m.project}, {v.fam} bị ảnh hưởng. Phương án bồi "
                    f"thường được phê duyệt tại {cite_full()} không tính đến cây trồng, vật kiến trúc trên đất.",
        ]
        reasons = [
            f"Phương án bồi thường áp dụng sai loại đất: đất của {v.fam} là đất ở nhưng chỉ được bồi thường theo "
            "giá đất nông nghiệp.",
            f"{v.Fam} không được hỗ trợ chuyển đổi nghề nghiệp và tìm kiếm việc làm, trong khi toàn bộ đất sản xuất "
            "đã bị thu hồi.",
            f"{v.Fam} thuộc diện phải di dời chỗ ở nhưng không được bố trí tái định cư, cũng không được hỗ trợ tiền thuê nhà.",
            "Số liệu kiểm đếm nhà cửa, vật kiến trúc bị ghi thiếu so với thực tế, biên bản kiểm đếm không có chữ ký của "
            "chủ hộ.",
        ]
    elif m.topic == "certificate":
        d_sub = before(rng, dec.date, 20, 120)
        facts = [
            lambda: f"Ngày {fmt_short(d_sub)}, {v.we} nộp hồ sơ đề nghị cấp Giấy chứng nhận quyền sử dụng đất tại Bộ "
                    f"phận tiếp nhận và trả kết quả. Đến nay, {v.we} nhận được {cite_full()} trả lời không đủ "
                    "điều kiện cấp giấy chứng nhận với lý do đất đang có tranh chấp.",
            lambda: f"Hồ sơ xin cấp đổi giấy chứng nhận của {v.fam} bị từ chối tại {cite_full()} với lý do phần đất "
                    "nằm trong quy hoạch hành lang bảo vệ kênh.",
            lambda: f"{v.We} đã nhiều lần liên hệ để làm thủ tục cấp giấy chứng nhận nhưng bị trả hồ sơ. Mới đây "
                    f"{subj} có {b.cite(refs.cite(rng, dec, with_issuer=False))} từ chối cấp giấy.",
        ]
        reasons = [
            "Lý do từ chối là không đúng thực tế vì phần đất không có ai tranh chấp, các hộ giáp ranh đều đã ký "
            "xác nhận ranh giới.",
            f"{v.Fam} sử dụng đất ổn định trước ngày 01/7/2004, phù hợp quy hoạch, đủ điều kiện được cấp giấy "
            "chứng nhận theo quy định.",
            f"Các hộ lân cận có cùng nguồn gốc đất đều đã được cấp giấy chứng nhận, riêng hồ sơ của {v.we} thì bị từ chối.",
        ]
    else:  # penalty
        money = rng.choice([3, 5, 7, 10, 15, 20]) * 1_000_000
        facts = [
            lambda: f"Ngày {fmt_short(dec.date)}, {subj} ban hành {b.cite(refs.cite(rng, dec, with_date=False, with_issuer=False))} "
                    f"xử phạt {v.fam} {vnd(money)} đồng với lý do tự ý chuyển mục đích sử dụng đất trồng lúa sang đất ở.",
            lambda: f"{v.We} bị xử phạt vi phạm hành chính theo {cite_full()} và bị buộc khôi phục lại tình trạng ban "
                    "đầu của đất trước khi vi phạm.",
            lambda: f"Theo {cite_full()}, {v.fam} bị xử phạt vì xây dựng nhà tạm trên đất nông nghiệp.",
        ]
        reasons = [
            f"Căn nhà tạm của {v.fam} đã có từ trước năm 2000, không phải mới xây dựng như biên bản vi phạm ghi nhận.",
            f"Biên bản vi phạm hành chính được lập khi {v.fam} vắng nhà, không có người chứng kiến.",
            "Mức phạt áp dụng không đúng khung quy định, không xem xét tình tiết giảm nhẹ.",
        ]
    b.para(pick(rng, facts))
    b.para(" ".join(rng.sample(reasons, rng.randint(2, 3))))
    if second:
        gap = max((m.date - dec.date).days, 2)
        first_ruling = refs.Ref(refs.number(rng, "QĐ-UBND"), after(rng, dec.date, gap // 2, gap - 1),
                                f"Chủ tịch {m.decision_agency.name}", "Quyết định",
                                "giải quyết khiếu nại lần đầu")
        b.para(pick(rng, [
            lambda: f"{v.We} đã khiếu nại lần đầu và được giải quyết tại {b.cite(refs.cite(rng, first_ruling, with_issuer=True))}. "
                    f"Tuy nhiên, {v.we} không đồng ý với kết quả giải quyết khiếu nại lần đầu nêu trên.",
            lambda: f"Nội dung khiếu nại của {v.we} đã được giải quyết lần đầu theo {b.cite(refs.cite(rng, first_ruling))} "
                    f"nhưng quyết định này giữ nguyên quyết định bị khiếu nại, không xem xét các chứng cứ {v.we} cung cấp.",
            lambda: f"Không đồng ý với {b.cite(refs.cite(rng, first_ruling))} về việc giải quyết khiếu nại lần đầu, "
                    f"nay {v.we} khiếu nại lần hai.",
        ]))
    short = f"Quyết định số {dec.number}" if dec.title == "Quyết định" else f"Công văn số {dec.number}"
    b.ref({"number": dec.number})
    head = "người có thẩm quyền" if second else f"Chủ tịch {m.decision_agency.name}"
    law = refs.Ref("02/2011/QH13", dt.date(2011, 11, 11), "Quốc hội", "Luật Khiếu nại")
    b.para(pick(rng, [
        lambda: f"Căn cứ {b.cite(refs.cite(rng, law, with_date=False, with_issuer=False))}, {v.we} làm đơn này khiếu nại "
                f"{short} và đề nghị {head} giải quyết theo đúng trình tự, thủ tục.",
        f"Căn cứ Luật Khiếu nại năm 2011, {v.we} khiếu nại {short} và kính đề nghị quý cấp xem xét, giải quyết.",
        f"Vì những lý do trên, {v.we} làm đơn này khiếu nại {short}, kính đề nghị {head} xem xét, hủy bỏ "
        f"{short} và giải quyết quyền lợi hợp pháp cho {v.fam}.",
        f"Nay {v.we} làm đơn kính đề nghị quý cấp xem xét lại toàn bộ nội dung {short}, điều chỉnh lại cho đúng quy "
        f"định pháp luật và bảo đảm quyền lợi chính đáng của {v.fam}.",
        f"Kính mong quý cấp xem xét, giải quyết theo quy định của pháp luật, thu hồi {short} để {v.fam} "
        "ổn định cuộc sống.",
        f"{v.We} không đồng ý với {short} nên làm đơn khiếu nại đến quý cơ quan, yêu cầu được đối thoại trực "
        "tiếp và được giải quyết dứt điểm.",
    ]))


# --------------------------------------------------------------------------------------------------------
# denunciation

def _denunciation(rng: random.Random, b: DocBuilder, m: Matter, v: Voice) -> None:
    h = "ông" if m.accused_male else "bà"
    acc = f"{h} {m.accused}"
    b.party(m.accused, "subject")
    money = vnd(m.amount)
    behaviour = {
        "bribe": "nhận tiền của người dân khi giải quyết hồ sơ đất đai",
        "falsify": "làm sai lệch hồ sơ địa chính",
        "abuse": "lợi dụng chức vụ, quyền hạn trong quản lý đất đai",
        "embezzle": "chiếm đoạt tiền hỗ trợ của người dân",
    }[m.topic]
    b.para(pick(rng, [
        f"{v.We} làm đơn này tố cáo {acc}, {m.accused_post}, về hành vi {behaviour}.",
        f"Nay {v.we} viết đơn này để tố cáo hành vi vi phạm pháp luật của {acc}, hiện là {m.accused_post}.",
        f"{v.We} xin trình bày sự việc như sau, liên quan đến {acc} ({m.accused_post}):",
        f"{v.We} kính trình bày với quý cơ quan một sự việc gây bức xúc tại địa phương liên quan đến {acc}, "
        f"{m.accused_post}, như sau:",
    ]))
    parcel = ""
    if m.parcels:
        parcel, pt = describe(rng, m.parcels)
        b.parcels(pt)
    d1 = fmt(rng, m.event_date, words=True)
    witness = random_person(rng, m.place, ref_year=m.date.year, exclude=m.names()) if rng.random() < 0.4 else None
    if m.topic == "bribe":
        facts = [
            f"{d1[:1].upper() + d1[1:]}, {v.we} nộp hồ sơ xin cấp Giấy chứng nhận quyền sử dụng đất đối với "
            f"{parcel or 'phần đất của gia đình'}. {acc[:1].upper() + acc[1:]} nói hồ sơ còn thiếu và yêu cầu {v.we} "
            f"đưa {money} đồng \"để lo cho nhanh\". Do cần giấy tờ để vay vốn, {v.we} đã đưa số tiền trên tại nhà riêng của {acc}.",
            f"Khi {v.we} làm thủ tục tách thửa {'đối với ' + parcel if parcel else 'đất'}, {acc} nhiều lần gây khó khăn, hẹn tới hẹn lui, "
            f"sau đó gợi ý phải \"bồi dưỡng\" {money} đồng thì mới ký hồ sơ. {v.We} đã chuyển khoản số tiền này vào "
            f"{d1}.",
            f"Không chỉ riêng {v.fam}, nhiều hộ dân trong {m.place.hamlet_full} khi làm giấy tờ nhà đất đều phải "
            f"đưa tiền cho {acc}, mỗi hồ sơ từ 2.000.000 đồng đến {money} đồng mới được giải quyết.",
        ]
    elif m.topic == "falsify":
        facts = [
            f"{acc[:1].upper() + acc[1:]} đã ký xác nhận nguồn gốc đất sai sự thật đối với {parcel or 'phần đất của ' + v.fam}, "
            f"ghi rằng đất do người khác sử dụng ổn định, dẫn đến việc cấp giấy chứng nhận cho người không có quyền.",
            f"Qua trích lục hồ sơ, {v.we} phát hiện {parcel or 'thửa đất của gia đình'} đã bị chỉnh sửa trên sổ mục kê và "
            f"bản đồ địa chính, diện tích bị giảm đi so với thực tế. Người trực tiếp chỉnh sửa là {acc}.",
            f"{d1[:1].upper() + d1[1:]}, {acc} lập biên bản xác minh hiện trạng {parcel or 'đất'} khi không có mặt "
            f"{v.fam}, tự ghi chữ ký thay cho các hộ giáp ranh.",
        ]
    elif m.topic == "abuse":
        facts = [
            f"{acc[:1].upper() + acc[1:]} đã lợi dụng chức vụ, cho người thân lấn chiếm đất công (đất bãi bồi ven sông) "
            f"tại {m.place.hamlet_full} để xây dựng nhà kiên cố, trong khi người dân xin cất chòi tạm thì bị lập biên bản.",
            f"Nhiều hộ xây dựng trái phép trên đất nông nghiệp tại {m.place.hamlet_full} nhưng không bị xử lý vì đã "
            f"\"nộp\" cho {acc} mỗi hộ khoảng {money} đồng.",
            f"{d1[:1].upper() + d1[1:]}, {acc} chỉ đạo san lấp, cho thuê phần đất công ích do xã quản lý nhưng không "
            "đưa ra đấu giá, tiền thuê không nộp vào ngân sách.",
        ]
    else:
        facts = [
            f"{acc[:1].upper() + acc[1:]} đã lập danh sách khống để nhận tiền hỗ trợ thiệt hại do lũ của các hộ dân "
            f"trong {m.place.hamlet_full}, tổng số tiền khoảng {money} đồng.",
            f"Năm {m.event_date.year}, {acc} thu tiền đóng góp làm đường giao thông nông thôn của bà con "
            f"(mỗi hộ 500.000 đồng) nhưng không công khai thu chi, đến nay con đường vẫn chưa được làm.",
            f"Nhiều hộ nghèo trong {m.place.hamlet_full} có tên trong danh sách nhận hỗ trợ nhưng thực tế không nhận được tiền; "
            f"chữ ký trong danh sách là do {acc} ký thay.",
        ]
    chosen = " ".join(rng.sample(facts, rng.randint(1, 2)))
    if parcel and parcel not in chosen:
        chosen += f" Phần đất liên quan là {parcel}."
    b.para(chosen)
    if witness:
        b.para(pick(rng, [
            lambda: f"Người làm chứng: {mention(rng, b, witness, 'related', detail=0.5)}.",
            lambda: f"Sự việc trên có {mention(rng, b, witness, 'related', detail=0.5, addr=False)} chứng kiến và sẵn sàng làm chứng.",
        ]))
    b.para(pick(rng, [
        f"{v.We} có đầy đủ chứng cứ (ghi âm, biên nhận, tin nhắn) và sẵn sàng cung cấp cho cơ quan có thẩm quyền.",
        f"Nhiều người dân trong {m.place.hamlet_full} biết rõ sự việc này nhưng sợ bị trù dập nên không dám lên tiếng.",
        f"Hành vi của {acc} đã vi phạm nghiêm trọng pháp luật, gây mất lòng tin của nhân dân đối với chính quyền địa phương.",
    ]))
    if rng.random() < 0.6:
        b.para(pick(rng, [
            "Căn cứ Luật Tố cáo năm 2018, đề nghị quý cơ quan giữ bí mật họ tên, địa chỉ, bút tích của người tố cáo.",
            "Đề nghị quý cơ quan giữ bí mật họ tên, địa chỉ, bút tích của người tố cáo theo quy định của Luật Tố cáo.",
            f"{v.We} đề nghị được giữ bí mật thông tin cá nhân vì lo sợ bị trả thù.",
            "Kính đề nghị giữ kín danh tính người tố cáo.",
        ]))
    b.para(pick(rng, [
        f"Kính đề nghị quý cơ quan xác minh, làm rõ và xử lý nghiêm {acc} theo quy định của pháp luật.",
        f"Đề nghị cơ quan có thẩm quyền vào cuộc kiểm tra, xử lý {acc}, buộc trả lại số tiền đã nhận cho người dân.",
        f"{v.We} yêu cầu xem xét trách nhiệm của {acc}, đồng thời kiểm tra lại toàn bộ hồ sơ liên quan.",
        f"Kính mong quý cấp làm rõ sai phạm, có hình thức kỷ luật thích đáng đối với {acc} để lấy lại lòng tin của nhân dân.",
    ]))


# --------------------------------------------------------------------------------------------------------
# recommendation / reflection

def _recommendation(rng: random.Random, b: DocBuilder, m: Matter, v: Voice) -> None:
    p = m.place
    b.para(pick(rng, [
        f"{v.We} xin phản ánh với quý cấp tình trạng tại {p.hamlet_full}, {p.commune_full} như sau:",
        f"Nay {v.we} làm đơn này kính trình bày một việc liên quan đến đời sống của bà con tại địa phương:",
        f"Thời gian qua, người dân {p.hamlet_full} rất bức xúc về tình trạng sau đây mà chưa được khắc phục:",
        f"{v.We} là người dân sinh sống lâu năm tại {p.hamlet_full}, xin kiến nghị một số nội dung như sau:",
    ]))
    topic = m.topic
    facts = {
        "road": [
            f"Tuyến đường liên ấp từ {p.hamlet_full} đi trung tâm {p.commune_full} dài khoảng {rng.randint(1, 5)} km "
            "được xây dựng từ lâu, nay đã xuống cấp nghiêm trọng, mặt đường nhiều ổ gà, mùa mưa lầy lội, học sinh "
            "đi học rất nguy hiểm.",
            "Cây cầu bắc qua kênh trong ấp đã mục nát, lan can bị gãy, đã có nhiều trường hợp té ngã xuống kênh.",
            "Đường vào khu sản xuất quá hẹp, xe chở lúa không vào được, bà con phải gánh bộ gần một cây số.",
        ],
        "flood": [
            "Mỗi mùa nước nổi, khu dân cư bị ngập sâu do cống thoát nước bị bồi lấp, nước không thoát kịp.",
            "Tuyến đê bao bảo vệ lúa vụ ba bị sạt nhiều đoạn, nếu không gia cố kịp thì nước sẽ tràn vào ruộng.",
            "Việc san lấp mặt bằng của các công trình mới làm mất đường thoát nước tự nhiên, nhà dân bị ngập mỗi khi mưa lớn.",
        ],
        "pollution": [
            "Một cơ sở chăn nuôi heo nằm sát khu dân cư xả nước thải trực tiếp ra kênh, gây mùi hôi thối nặng nề.",
            "Lò sấy lúa hoạt động cả ngày lẫn đêm, khói bụi và trấu bay vào nhà dân, nhiều trẻ em bị bệnh đường hô hấp.",
            "Cơ sở chế biến cá hoạt động không có hệ thống xử lý nước thải, nước kênh chuyển màu đen, cá chết hàng loạt.",
        ],
        "water": [
            "Nước sinh hoạt do trạm cấp nước cung cấp không ổn định, thường xuyên mất nước vào giờ cao điểm, nước đục "
            "và có mùi phèn.",
            "Đường ống nước sạch chưa được kéo đến cuối ấp, hàng chục hộ dân vẫn phải dùng nước sông chưa qua xử lý.",
            "Giá nước tăng nhưng chất lượng không được cải thiện, đồng hồ nước ghi sai chỉ số.",
        ],
        "landslide": [
            "Bờ sông tại khu vực {ấp} liên tục bị sạt lở, nhiều căn nhà đã bị nứt, có nguy cơ sụp xuống sông bất cứ lúc nào.",
            "Tình trạng khai thác cát trên sông vào ban đêm làm bờ sông sạt lở ngày càng nghiêm trọng.",
        ],
        "policy": [
            "Mức hỗ trợ cho người dân bị ảnh hưởng bởi dịch bệnh và thiên tai còn thấp, thủ tục nhận hỗ trợ rườm rà.",
            "Việc bình xét hộ nghèo, hộ cận nghèo tại ấp chưa công khai, nhiều hộ khó khăn thực sự không có tên.",
            "Giá lúa xuống thấp trong khi giá vật tư nông nghiệp tăng cao, nông dân sản xuất bị lỗ.",
        ],
    }[topic]
    text = " ".join(rng.sample(facts, min(len(facts), rng.randint(1, 2)))).replace("{ấp}", p.hamlet_full)
    b.para(text)
    if m.parcels:
        ptext, pt = describe(rng, m.parcels)
        b.parcels(pt)
        b.para(pick(rng, [
            f"Riêng {v.fam}, phần đất {ptext} đã bị sạt lở mất một phần, hiện chỉ còn lại khoảng một nửa.",
            f"Sạt lở đã ảnh hưởng trực tiếp đến {ptext} của {v.fam}.",
        ]))
    b.para(pick(rng, [
        f"{v.We} đã nhiều lần phản ánh tại các buổi họp ấp và tiếp xúc cử tri nhưng đến nay vẫn chưa được giải quyết.",
        "Tình trạng này kéo dài đã ảnh hưởng nghiêm trọng đến sản xuất, sức khỏe và sinh hoạt của người dân.",
        f"Ngày {fmt_short(m.event_date)}, Trưởng {p.hamlet_level} có ghi nhận và hứa báo cáo lên trên nhưng chưa có kết quả.",
    ]))
    b.para(pick(rng, [
        f"Kiến nghị quý cấp sớm quan tâm, đầu tư khắc phục để bà con {p.hamlet_full} ổn định cuộc sống.",
        "Đề nghị các cơ quan chức năng kiểm tra thực tế và có biện pháp xử lý kịp thời.",
        f"Kính mong chính quyền {p.commune_full} và các ngành chức năng xem xét, có hướng giải quyết phù hợp.",
        "Kính đề nghị quý cơ quan xem xét, đưa vào kế hoạch thực hiện trong năm tới.",
    ]))


# --------------------------------------------------------------------------------------------------------
# land dispute

def _land_dispute(rng: random.Random, b: DocBuilder, m: Matter, v: Voice) -> None:
    opp = m.opponent
    o = f"{opp.hon} {opp.name}"
    ptext, pt = describe(rng, m.parcels)
    b.parcels(pt)
    if rng.random() < 0.5:
        b.para(pick(rng, [
            lambda: f"Người có tranh chấp với {v.we}: {mention(rng, b, opp, 'disputant', detail=0.8)}.",
            lambda: f"Bên tranh chấp: {mention(rng, b, opp, 'disputant', detail=0.8)}.",
            lambda: f"Người bị đề nghị: {mention(rng, b, opp, 'disputant', detail=0.8)}.",
        ]))
    else:
        b.party(opp.name, "disputant")
    parent = random_name(rng, True)
    while parent in m.names():
        parent = random_name(rng, True)
    b.para(pick(rng, [
        f"Nguồn gốc {ptext} là do cha {v.we} là cụ {parent} (đã mất năm {rng.randint(1995, 2015)}) khai phá và để lại. "
        f"{v.Fam} sử dụng ổn định từ đó đến nay.",
        f"{v.Fam} đang sử dụng {ptext}, đã được cấp Giấy chứng nhận quyền sử dụng đất số {m.parcels[0].certificate}.",
        f"{v.We} là người trực tiếp quản lý, canh tác {ptext} từ năm {rng.randint(1985, 2008)}, có đóng thuế đầy đủ.",
        f"Năm {rng.randint(1990, 2012)}, {v.we} nhận chuyển nhượng {ptext} và đã làm thủ tục đăng ký biến động theo quy định.",
    ]))
    enc = rng.randint(12, 180)
    y = m.event_date
    if m.topic == "neighbour":
        conflict = [
            f"Tháng {y.month} năm {y.year}, {o} ({m.relation}) tự ý dời trụ đá ranh, lấn sang phần đất của {v.fam} "
            f"khoảng {enc} m², đồng thời xây dựng hàng rào kiên cố.",
            f"{o[:1].upper() + o[1:]} là {m.relation} với {v.fam}, đã đào mương, trồng cây lấn qua ranh giới, "
            f"chiếm khoảng {enc} m² đất của {v.fam}.",
            f"Khi {v.fam} xây lại hàng rào thì {o} ngăn cản, cho rằng phần đất giáp ranh là của mình.",
        ]
    elif m.topic == "relative":
        conflict = [
            f"Sau khi cha mẹ mất, {o} là {m.relation} của {v.we} tự ý kê khai, đăng ký toàn bộ phần đất trên và ngăn "
            f"cản không cho {v.fam} canh tác.",
            f"{o[:1].upper() + o[1:]} ({m.relation} của {v.we}) cho rằng phần đất này được cha mẹ cho riêng mình bằng "
            "miệng, nhưng không có giấy tờ gì chứng minh.",
            f"Năm {y.year}, {o} tự ý cất nhà trên phần đất chung của gia đình, không hỏi ý kiến các anh chị em.",
        ]
    else:
        conflict = [
            f"Năm {y.year}, {v.we} có thỏa thuận chuyển nhượng cho {o} một phần đất khoảng {enc} m² bằng giấy tay, "
            "nhưng nay lại chiếm sử dụng luôn phần đất còn lại.",
            f"{o[:1].upper() + o[1:]} ({m.relation}) không chịu trả đất khi hết thời hạn thỏa thuận và tự ý san lấp, "
            "chuyển sang trồng cây lâu năm.",
        ]
    b.para(" ".join(rng.sample(conflict, rng.randint(1, 2))))
    if m.related is not None:
        b.para(pick(rng, [
            lambda: f"Người có quyền lợi, nghĩa vụ liên quan: {mention(rng, b, m.related, 'related', detail=0.6)}.",
            lambda: f"Ngoài ra, {mention(rng, b, m.related, 'related', detail=0.5, addr=False)} là người có quyền lợi, nghĩa vụ liên quan đến phần đất trên.",
        ]))
    md = m.mediation_date
    b.para(pick(rng, [
        f"Ngày {fmt_short(md)}, Ủy ban nhân dân {m.place.commune_full} đã tổ chức hòa giải nhưng không thành.",
        f"Sự việc đã được Ủy ban nhân dân {m.place.commune_full} hòa giải {fmt_long(md)}, hai bên không thống nhất "
        "(có biên bản hòa giải không thành kèm theo).",
        f"{v.We} đã yêu cầu Tổ hòa giải {m.place.hamlet_level} và Ủy ban nhân dân {m.place.commune_full} hòa giải nhiều lần, lần gần nhất "
        f"vào {fmt(rng, md, words=True)}, nhưng {o} không đồng ý trả đất.",
    ]))
    b.para(pick(rng, [
        f"Nay {v.we} làm đơn này kính đề nghị quý cấp giải quyết tranh chấp, công nhận quyền sử dụng đất hợp pháp cho {v.fam}.",
        f"Đề nghị quý cấp xem xét, buộc {o} trả lại phần đất đã lấn chiếm và tháo dỡ công trình trên đất.",
        f"Kính mong quý cơ quan cho đo đạc lại thực tế, xác định ranh giới và giải quyết dứt điểm tranh chấp giữa {v.fam} với {o}.",
        f"Yêu cầu giải quyết tranh chấp đất đai giữa {v.we} và {o} theo đúng quy định của Luật Đất đai.",
    ]))


BACKGROUND = [
    "{Fam} thuộc diện hộ cận nghèo của {commune}, cha mẹ già yếu, con còn nhỏ, toàn bộ thu nhập đều trông vào phần đất này.",
    "Trước đó, {we} đã nhiều lần đến trụ sở Ủy ban nhân dân {commune} để trình bày nhưng chỉ được hẹn chờ xem xét.",
    "Từ năm {year} đến nay, sự việc kéo dài khiến {fam} rất bức xúc, ảnh hưởng nghiêm trọng đến sản xuất và đời sống.",
    "{We} đã cung cấp đầy đủ giấy tờ liên quan và sẵn sàng phối hợp với cơ quan chức năng trong quá trình xác minh.",
    "Do tuổi cao, sức yếu, {we} phải nhờ người viết hộ đơn này; nội dung đã được đọc lại và {we} thống nhất ký tên.",
]
SIDE_REMARKS = [
    "Ngoài ra, tôi cũng xin phản ánh việc tuyến đường vào khu dân cư bị xe tải chở vật liệu làm hư hỏng, đề nghị quan tâm sửa chữa.",
    "Bên cạnh đó, đề nghị quý cấp xem xét việc thi công dự án gây bụi bặm, ảnh hưởng đến sinh hoạt của người dân xung quanh.",
]

CLOSINGS = [
    "Tôi xin cam đoan những nội dung trình bày trên là đúng sự thật và chịu trách nhiệm trước pháp luật về lời trình bày của mình.",
    "Rất mong được sự quan tâm giải quyết của quý cơ quan. Xin chân thành cảm ơn!",
    "Trân trọng kính chào!",
    "Kính đơn.",
    "Kính mong quý cấp sớm xem xét. Tôi xin chân thành cảm ơn.",
]


def write_letter(rng: random.Random, m: Matter, doc_id: str, dossier_id: str | None = None,
                 family: str | None = None) -> GeneratedDoc:
    b = DocBuilder()
    v = Voice(m)
    second = m.type == "complaint" and rng.random() < 0.2
    letter_motto(b, rng)
    home = m.petitioners[0].place
    place_name = rng.choice([home.district, home.commune]) if home.commune_level != "phường" else home.district
    top_date = rng.random() < 0.45
    if top_date:
        place_date_line(b, rng, place_name, m.date)
    title, named = choose_title(rng, m.type)
    if second and title == "ĐƠN KHIẾU NẠI" and rng.random() < 0.5:
        title += rng.choice([" (LẦN HAI)", " (Lần 2)"])
    b.heading(title, size=1.3, space_before=1.0)
    if m.type == "complaint" and rng.random() < 0.35:
        dec = m.decision
        b.heading(f"(V/v khiếu nại {b.cite(refs.cite(rng, dec, with_issuer=False))})" if named
                  else "(V/v: " + rng.choice(["đề nghị xem xét lại việc thu hồi đất", "quyền lợi bị ảnh hưởng",
                                              "trình bày hoàn cảnh"]) + ")",
                  bold=False, italic=True)
    elif rng.random() < 0.2:
        b.heading(rng.choice(["(V/v: đề nghị xem xét giải quyết)", "(Về việc trình bày sự việc)"]), bold=False, italic=True)
    kinh_gui(b, rng, recipients(rng, m, second))
    role, word = ROLE[m.type], ROLE_WORD[m.type]
    if m.representative is not None:
        for p in m.petitioners:
            b.para(f"Người {word}: " + mention(rng, b, p, role, detail=0.9) + ".")
        intro_representative(rng, b, m.representative, m.petitioners, word,
                             fmt_long(before(rng, m.date, 3, 60)))
    elif len(m.petitioners) > 1:
        intro_group(rng, b, m.petitioners, role, word)
    else:
        intro_self(rng, b, m.petitioners[0], role, word)
    if rng.random() < 0.5:
        b.para(rng.choice([f"{v.We} xin trình bày sự việc như sau:", f"Nội dung sự việc như sau:",
                           f"{v.We} kính trình bày sự việc như sau:", "Sự việc cụ thể như sau:"]))
    if m.type == "complaint":
        _complaint(rng, b, m, v, second)
    elif m.type == "denunciation":
        _denunciation(rng, b, m, v)
    elif m.type == "recommendation":
        _recommendation(rng, b, m, v)
    else:
        _land_dispute(rng, b, m, v)
    for extra in rng.sample(BACKGROUND, rng.choice([0, 0, 1, 1, 2])):
        b.para(extra.format(we=v.we, We=v.We, fam=v.fam, Fam=v.Fam, commune=m.place.commune_full,
                            year=m.event_date.year))
    if m.type == "complaint" and rng.random() < 0.15:  # a side remark of another type; the complaint dominates
        b.para(rng.choice(SIDE_REMARKS))
    b.para(rng.choice(CLOSINGS))
    if rng.random() < 0.35 and m.type in ("complaint", "land_dispute"):
        b.para("Tài liệu kèm theo:", indent=0.5, align="left", italic=True)
        if m.decision is not None:
            b.para(f"- Bản photo Quyết định số {m.decision.number};" if m.decision.title == "Quyết định"
                   else f"- Bản photo Công văn số {m.decision.number};", indent=0.5, align="left")
        if m.parcels and m.topic != "certificate":
            b.para(f"- Bản sao Giấy chứng nhận quyền sử dụng đất số {m.parcels[0].certificate};", indent=0.5, align="left")
        b.para("- Các giấy tờ khác có liên quan.", indent=0.5, align="left")
    if not top_date:
        place_date_line(b, rng, place_name, m.date, space_before=0.5)
    signers = [m.representative.name] if m.representative is not None and rng.random() < 0.6 else [p.name for p in m.petitioners]
    label = rng.choice(SIGN_LABEL[m.type]) if len(signers) == 1 else rng.choice(
        ["Những người làm đơn", "Đại diện các hộ dân", "Người ký tên"])
    if m.representative is not None and signers == [m.representative.name]:
        label = rng.choice(["Người đại diện", "Người được ủy quyền"])
    letter_signature(b, rng, label, signers)
    family = family or f"{m.type}_letter"
    return b.build(doc_id, family, "petition", m.type, named, m.date, dossier_id)
