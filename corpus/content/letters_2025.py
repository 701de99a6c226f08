"""Letters written since 1 July 2025, when Vietnam has no district level and An Giang and Kiên Giang form the
new An Giang (102 commune-level units): addresses and parcels name the new commune and the province only
(`ấp Mỹ Hòa, xã Nhơn Mỹ, tỉnh An Giang`), drawn from all 102 units — land of old An Giang and of old Kiên Giang
alike — and the letters are addressed to the bodies that exist now (the commune's people's committee, the
provincial inspectorate and reception board, the Sở Nông nghiệp và Môi trường).

What real post-2025 letters also do, and these do in part: a citizen copies the address of an identity card
issued before the reorganisation (`ấp …, xã Mỹ Hội Đông, huyện Chợ Mới, tỉnh An Giang`, or `…, tỉnh Kiên
Giang`); a letter recalls where the land lay before (`trước ngày 01/7/2025 thuộc xã …, huyện …`); a complaint
names a decision of a district committee that no longer exists. Every wording has several versions.

Families `complaint_letter_2025`, `denunciation_letter_2025`, `recommendation_letter_2025`,
`land_dispute_letter_2025` (`NEW_FAMILIES`) are part of `corpus.content.FAMILIES`: a quarter of the letters
of a default corpus. Ground truth as for the other letters (parties with the address as written; parcels with
the new commune, no district, province An Giang), plus `GeneratedDoc.places`: for every written address and
parcel place, the new commune it lies in and, when the writing names an old unit, that old unit and whether
it was split (`new_commune` is then None: the candidates are in `candidates`).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace

from classify.gazetteer import converts_to, merged_into, new_units
from corpus.content import refs
from corpus.content.blocks import letter_motto, letter_signature, place_date_line
from corpus.content.builder import DocBuilder, pick
from corpus.content.dates import before, fmt, fmt_long, fmt_short, random_date
from corpus.content.land import LandParcel, describe, fmt_area, random_parcels
from corpus.content.letters import CLOSINGS, ROLE, ROLE_WORD, SIGN_LABEL, choose_title, kinh_gui, vnd
from corpus.content.names import Person, official_name, random_person
from corpus.content.people import intro_group, intro_representative, intro_self
from corpus.model import GeneratedDoc

NEW_FAMILIES: tuple[str, ...] = ("complaint_letter_2025", "denunciation_letter_2025", "recommendation_letter_2025",
                                 "land_dispute_letter_2025")
EARLIEST = dt.date(2025, 7, 1)
LATEST = dt.date(2026, 11, 30)
PROVINCE = "An Giang"

_HAMLETS = ["Mỹ Hòa", "Long Hòa", "Bình Hòa", "Tân Thuận", "An Thạnh", "Phú Hòa", "Hòa Long", "Thị 1", "Mỹ Lợi",
            "Long Thạnh", "Bình Thới", "Nhơn Hòa", "Tân Hiệp", "Hòa Thạnh", "Trung Bình", "Long Quới"]
# hamlets of the land of old Kiên Giang (canals, islands, the U Minh forest)
_HAMLETS_KG = ["Kênh Xáng", "Xẻo Nhàu", "Tràm Dưới", "Vàm Răng", "Ba Hòn", "Rạch Sỏi", "Cồn Cát", "Kinh 7",
               "Thạnh Bình", "Minh Hòa", "Vĩnh Thành", "Đập Đá", "Kênh Tư", "Rạch Giá Mới", "Tà Keo"]
_HAMLETS_ISLAND = ["Bãi Thơm", "Gành Dầu", "Rạch Tràm", "Suối Lớn", "Cửa Cạn", "Bãi Nhà", "Bãi Giếng", "Bãi Ngự"]
_KHOM = ["Đông Thịnh 6", "Bình Khánh 3", "Long Thạnh A", "Châu Long 2", "Vĩnh Đông", "Tây Khánh 4", "Vĩnh Phú",
         "Vĩnh Lạc", "An Hòa", "Phước Lộc"]
_STREETS = ["Trần Hưng Đạo", "Nguyễn Trung Trực", "Lê Lợi", "Hà Hoàng Hổ", "Mạc Cửu", "Nguyễn Huệ", "Lâm Quang Ky",
            "Ngô Quyền", "Tôn Đức Thắng", "Châu Thị Tế"]
_PROJECTS = ["nâng cấp, mở rộng Quốc lộ 80", "xây dựng tuyến tránh Quốc lộ 91", "nạo vét kênh Rạch Giá - Hà Tiên",
             "Khu dân cư vượt lũ {c}", "kè chống sạt lở {c}", "nâng cấp tuyến đê bao {c}", "xây dựng cầu {c}",
             "Khu tái định cư {c}", "đường ven biển {c}", "mở rộng trụ sở Ủy ban nhân dân {c}"]


@dataclass(frozen=True)
class NewPlace:
    """A hamlet or street in a commune of the new An Giang, written without a district (the same interface as
    corpus.content.gazetteer.Place, so the parcel and person phrasings of the older letters apply)."""

    hamlet_level: str  # ấp, khóm, khu phố
    hamlet: str
    commune_level: str  # xã, phường, đặc khu
    commune: str
    province: str = PROVINCE
    district: None = None
    district_level: None = None

    @property
    def commune_full(self) -> str:
        return f"{self.commune_level} {self.commune}"

    @property
    def hamlet_full(self) -> str:
        return f"{self.hamlet_level} {self.hamlet}"

    @property
    def district_full(self) -> str:  # no district: the province stands where it stood
        return f"tỉnh {self.province}"

    def full(self, hamlet: bool = True) -> str:
        parts = [self.hamlet_full] if hamlet else []
        return ", ".join(parts + [self.commune_full, f"tỉnh {self.province}"])


def unit_full(unit) -> str:
    return f"{unit.commune_type} {unit.commune}"


def from_kien_giang(unit) -> bool:
    return {u.province for u in merged_into(unit)} == {"Kiên Giang"}


def new_place(rng: random.Random, unit) -> NewPlace:
    if unit.commune_type == "phường":
        return NewPlace("khóm" if rng.random() < 0.6 else "khu phố", rng.choice(_KHOM) if rng.random() < 0.7
                        else str(rng.randint(1, 9)), "phường", unit.commune)
    if unit.commune_type == "đặc khu":
        if rng.random() < 0.4:
            return NewPlace("khu phố", str(rng.randint(1, 9)), "đặc khu", unit.commune)
        return NewPlace("ấp", rng.choice(_HAMLETS_ISLAND), "đặc khu", unit.commune)
    pool = _HAMLETS_KG if from_kien_giang(unit) else _HAMLETS
    return NewPlace("ấp", rng.choice(pool), unit.commune_type, unit.commune)


def new_address(rng: random.Random, place: NewPlace) -> str:
    """An address as a post-2025 letter writes it: `ấp Mỹ Hòa, xã Nhơn Mỹ, tỉnh An Giang`, a street in a ward,
    sometimes a `tổ` or a house number, rarely without the hamlet or with `An Giang` alone."""
    r = rng.random()
    if place.commune_level == "phường" and r < 0.4:
        return f"số {rng.randint(1, 250)}, đường {rng.choice(_STREETS)}, {place.full()}"
    if r < 0.15:
        return f"tổ {rng.randint(1, 30)}, {place.full()}"
    if r < 0.25:
        return f"số nhà {rng.randint(1, 400)}, {place.full()}"
    if r < 0.32:
        return place.full(hamlet=False)
    if r < 0.37:
        return f"{place.hamlet_full}, {place.commune_full}, {place.province}"
    return place.full()


def old_address(rng: random.Random, place: NewPlace, old) -> str:
    """The address of an identity card issued before the reorganisation (district and old province)."""
    if place.hamlet_level == "ấp":
        hamlet = place.hamlet_full
    elif old.province == "An Giang":  # old An Giang called its urban hamlets khóm
        hamlet = f"khóm {place.hamlet}"
    else:
        hamlet = rng.choice([f"khu phố {rng.randint(1, 9)}", f"ấp {rng.choice(_HAMLETS_ISLAND + _HAMLETS_KG)}"])
    return f"{hamlet}, {old.commune_type} {old.commune}, {old.district_type} {old.district}, tỉnh {old.province}"


def old_label(old) -> str:
    return f"{old.commune_type} {old.commune}, {old.district_type} {old.district}, tỉnh {old.province}"


@dataclass
class _Truth:
    places: list[dict]

    def add(self, kind: str, written: str, unit, old=None) -> None:
        entry = {"kind": kind, "written": written, "new_commune": unit.commune, "new_type": unit.commune_type,
                 "old": None, "split": False, "candidates": [unit.commune]}
        if old is not None:
            news = converts_to(old)
            entry["old"] = {"commune": old.commune, "district": old.district, "province": old.province}
            entry["candidates"] = sorted(n.commune for n in news)
            if len(news) > 1:
                entry.update(split=True, new_commune=None)
        self.places.append(entry)


def _person(rng: random.Random, unit, date: dt.date, truth: _Truth, exclude: set[str], old_share: float = 0.15,
            kind: str = "address") -> Person:
    """A citizen of `unit`; in `old_share` of cases the address is the one of an identity card issued before
    1 July 2025 (an old commune merged into `unit`)."""
    place = new_place(rng, unit)
    person = random_person(rng, ref_year=date.year, exclude=exclude)
    olds = merged_into(unit)
    if olds and rng.random() < old_share:
        old = rng.choice(olds)
        person = replace(person, address=old_address(rng, place, old), place=place)
        truth.add(kind, person.address, unit, old)
    else:
        person = replace(person, address=new_address(rng, place), place=place)
        truth.add(kind, person.address, unit)
    return person


def _parcels(rng: random.Random, unit, home: NewPlace, k: int) -> list[LandParcel]:
    land_place = home if home.commune == unit.commune else new_place(rng, unit)
    return random_parcels(rng, land_place, k)


def _land_truth(b: DocBuilder, truth: _Truth, unit, ptruth: list[dict]) -> None:
    b.parcels(ptruth)
    for p in ptruth:
        truth.add("parcel", f"{p['parcel_no']}/{p['map_sheet']}", unit)


def _formerly(rng: random.Random, unit, land: str, truth: _Truth) -> str:
    """`Phần đất này trước ngày 01/7/2025 thuộc xã …, huyện …` for an old commune whose land went wholly to
    `unit` (empty when none did); the parcels' truth places get that old unit."""
    whole = [o for o in merged_into(unit) if [n.commune for n in converts_to(o)] == [unit.commune]]
    if not whole:
        return ""
    old = rng.choice(whole)
    for e in truth.places:
        if e["kind"] == "parcel":
            e["old"] = {"commune": old.commune, "district": old.district, "province": old.province}
    return rng.choice([
        f" {land[:1].upper() + land[1:]} trước ngày 01/7/2025 thuộc {old_label(old)}.",
        f" (Trước khi sắp xếp đơn vị hành chính, phần đất này thuộc {old.commune_type} {old.commune}, "
        f"{old.district_type} {old.district}.)",
        f" Trước đây đất thuộc địa bàn {old.commune_type} {old.commune} cũ, nay là {unit_full(unit)}.",
    ])


def _bodies(where: str) -> dict[str, list[str]]:
    committee = f"Ủy ban nhân dân {where}"
    return {
        "complaint": [f"Chủ tịch {committee}", f"Chủ tịch UBND {where}", f"Chủ tịch Ủy ban nhân dân tỉnh {PROVINCE}"],
        "denunciation": [f"Chủ tịch {committee}", f"Thanh tra tỉnh {PROVINCE}", f"Chủ tịch Ủy ban nhân dân tỉnh "
                         f"{PROVINCE}", f"Ủy ban Kiểm tra Đảng ủy {where}"],
        "recommendation": [committee, f"Chủ tịch {committee}", f"UBND {where}",
                           f"Sở Nông nghiệp và Môi trường tỉnh {PROVINCE}"],
        "land_dispute": [f"Chủ tịch {committee}", committee, f"Chủ tịch UBND {where}"],
    }


_EXTRA = [f"Ban Tiếp công dân tỉnh {PROVINCE}", f"Thanh tra tỉnh {PROVINCE}",
          f"Đoàn Đại biểu Quốc hội tỉnh {PROVINCE}", f"Sở Nông nghiệp và Môi trường tỉnh {PROVINCE}",
          f"Văn phòng Đăng ký đất đai tỉnh {PROVINCE}"]


def write_letter_2025(rng: random.Random, type_: str, doc_id: str, family: str | None = None) -> GeneratedDoc:
    date = random_date(rng, EARLIEST, LATEST)
    unit = rng.choice(sorted(new_units(), key=lambda u: u.commune_code))
    where = unit_full(unit)
    truth = _Truth([])
    b = DocBuilder()
    letter_motto(b, rng)
    top = rng.random() < 0.7
    where_name = rng.choice([unit.commune, unit.commune, PROVINCE])
    if top:
        place_date_line(b, rng, where_name, date)
    title, named = choose_title(rng, type_)
    b.heading(title, size=1.3, space_before=1.0)
    if rng.random() < 0.25:
        about = {"complaint": "khiếu nại việc thu hồi, bồi thường đất", "denunciation": "tố cáo cán bộ sai phạm",
                 "recommendation": "kiến nghị về hạ tầng, môi trường", "land_dispute": "tranh chấp quyền sử dụng đất"}
        b.heading(f"(V/v {about[type_]})", bold=False, italic=True)
    to = [rng.choice(_bodies(where)[type_])]
    if rng.random() < 0.35:
        extra = rng.choice(_EXTRA)
        if extra != to[0]:
            to.append(extra)
    kinh_gui(b, rng, to)

    # who writes
    n = 1 if rng.random() < 0.75 else rng.randint(2, 4)
    if type_ == "denunciation":
        n = min(n, 2)
    people: list[Person] = []
    for _ in range(n):
        people.append(_person(rng, unit, date, truth, {p.name for p in people}))
    role, word = ROLE[type_], ROLE_WORD[type_]
    if n == 1:
        intro_self(rng, b, people[0], role, word)
    else:
        intro_group(rng, b, people, role, word)
    if rng.random() < 0.12:
        rep = _person(rng, unit, date, truth, {p.name for p in people})
        intro_representative(rng, b, rep, people, word, fmt(rng, before(rng, date, 3, 60)))
    we = "tôi" if n == 1 else "chúng tôi"
    We = we.capitalize()
    fam = "gia đình tôi" if n == 1 else "các hộ chúng tôi"
    Fam = fam[:1].upper() + fam[1:]
    committee = f"Ủy ban nhân dân {where}"
    committee_s = rng.choice([committee, f"UBND {where}"])
    project = rng.choice(_PROJECTS).format(c=where)
    names = {p.name for p in people}

    if type_ in ("complaint", "land_dispute") or (type_ != "denunciation" and rng.random() < 0.5) or \
            (type_ == "denunciation" and rng.random() < 0.4):
        parcels = _parcels(rng, unit, people[0].place, 1 if rng.random() < 0.75 else rng.randint(2, 3))
        ptext, ptruth = describe(rng, parcels)
        _land_truth(b, truth, unit, ptruth)
    else:
        parcels, ptext = [], ""
    formerly = _formerly(rng, unit, "phần đất này", truth) if parcels and rng.random() < 0.3 else ""

    if type_ == "complaint":
        old_district = [o for o in merged_into(unit)]
        if old_district and rng.random() < 0.4:  # a decision of a district committee that no longer exists
            o = rng.choice(old_district)
            issuer = f"Ủy ban nhân dân {o.district_type} {o.district}"
            d_dec = random_date(rng, dt.date(2023, 1, 1), dt.date(2025, 6, 20))
        else:
            issuer = committee
            d_dec = before(rng, date, 20, max(21, (date - EARLIEST).days))
        topic = rng.choice(["recovery", "compensation", "certificate"])
        code = {"recovery": "QĐ-UBND", "compensation": "QĐ-UBND", "certificate": "UBND"}[topic]
        about = {"recovery": f"thu hồi đất để thực hiện dự án {project}",
                 "compensation": f"phê duyệt phương án bồi thường, hỗ trợ, tái định cư dự án {project}",
                 "certificate": "trả lời đơn đề nghị cấp Giấy chứng nhận quyền sử dụng đất"}[topic]
        dec = refs.Ref(refs.number(rng, code), d_dec, issuer, "Quyết định" if topic != "certificate" else "Công văn",
                       about)
        b.party(issuer, "subject")
        b.para(pick(rng, [
            f"{Fam} đang quản lý, sử dụng {ptext}, sử dụng ổn định từ năm {rng.randint(1980, 2012)}, có Giấy chứng "
            f"nhận quyền sử dụng đất số {parcels[0].certificate}.{formerly}",
            f"Nguồn gốc {ptext} là do cha mẹ {we} để lại, {we} canh tác liên tục đến nay, không ai tranh chấp.{formerly}",
            f"{We} là người sử dụng hợp pháp {ptext}.{formerly}",
        ]))
        cite = b.cite(refs.cite(rng, dec, with_issuer=True))
        b.para(pick(rng, [
            f"Ngày {fmt_short(d_dec)}, {issuer} ban hành {cite} về việc {about}. {We} không đồng ý với nội dung "
            "quyết định này vì không được thông báo trước, không được mời tham gia kiểm đếm.",
            f"{We} nhận được {cite}. Theo đó, {fam} bị thu hồi {fmt_area(rng, parcels[0].area_m2)} đất nhưng mức "
            f"bồi thường chỉ {vnd(rng.randint(6, 40) * 10_000)} đồng/m², thấp hơn nhiều so với giá thực tế.",
            f"Căn cứ {cite}, hồ sơ của {fam} bị trả lại với lý do đất nằm trong quy hoạch, trong khi các hộ lân "
            "cận có cùng nguồn gốc đất đều đã được cấp giấy.",
        ]))
        if issuer != committee:
            b.para(rng.choice([
                f"Do {issuer} đã kết thúc hoạt động từ ngày 01/7/2025, {we} gửi đơn đến {committee} là cơ quan "
                "tiếp nhận nhiệm vụ theo quy định.",
                f"Từ ngày 01/7/2025 không còn cấp huyện nên {we} kính gửi đơn đến quý cơ quan để được giải quyết.",
            ]))
        b.para(pick(rng, [
            f"Vì vậy, {we} làm đơn này khiếu nại {dec.title} số {dec.number}, đề nghị xem xét lại và bảo đảm quyền "
            f"lợi hợp pháp cho {fam}.",
            f"Căn cứ Luật Khiếu nại năm 2011, {we} khiếu nại {dec.title.lower()} nêu trên và kính đề nghị quý cấp "
            "giải quyết theo đúng quy định.",
            f"Kính đề nghị quý cấp hủy bỏ {dec.title} số {dec.number} và xem xét bồi thường đúng giá đất thực tế.",
        ]))
    elif type_ == "denunciation":
        official, male = official_name(rng, exclude=names)
        post = rng.choice(["công chức địa chính", "Phó Chủ tịch Ủy ban nhân dân", "công chức Phòng Kinh tế",
                           "Trưởng Công an", "cán bộ Trung tâm Phục vụ hành chính công"])
        b.party(official, "subject")
        hon = "ông" if male else "bà"
        money = vnd(rng.choice([5, 10, 15, 20, 30, 50]) * 1_000_000)
        land = f"đối với {ptext}" if ptext else f"tại {people[0].place.hamlet_full}"
        b.para(pick(rng, [
            f"{We} làm đơn này tố cáo {hon} {official}, {post} {where}, đã có hành vi nhận tiền của người dân "
            f"khi giải quyết hồ sơ đất đai {land}, gây nhũng nhiễu, sai quy định pháp luật.",
            f"Khi {we} nộp hồ sơ đăng ký biến động {land}, {hon} {official} ({post} {where}) yêu cầu {we} "
            f"nộp thêm {money} đồng ngoài quy định thì mới giải quyết.",
            f"{hon.capitalize()} {official}, {post} {where}, đã lợi dụng chức vụ xác nhận sai nguồn gốc đất {land}, "
            f"làm thiệt hại quyền lợi của {fam}.",
        ]))
        if formerly:
            b.para(formerly.strip())
        b.para(rng.choice([
            "Sự việc có nhiều người dân trong khu vực biết nhưng không dám lên tiếng.",
            f"{We} có giữ tin nhắn và biên nhận liên quan, sẵn sàng cung cấp khi cơ quan có thẩm quyền yêu cầu.",
            f"Đề nghị giữ bí mật họ tên, địa chỉ, bút tích của {we} theo quy định của Luật Tố cáo.",
        ]))
        b.para(rng.choice([
            f"Kính đề nghị quý cơ quan xác minh, xử lý nghiêm hành vi của {hon} {official} theo quy định.",
            f"{We} đề nghị làm rõ và xử lý {hon} {official}, trả lại tiền cho người dân.",
        ]))
    elif type_ == "recommendation":
        problem = rng.choice(["road", "flood", "pollution", "water", "landslide"])
        at = f"{ptext}" if ptext else f"{people[0].place.hamlet_full}, {where}"
        b.para(pick(rng, {
            "road": [f"Tuyến đường giao thông nông thôn đi qua {at} xuống cấp nghiêm trọng, nhiều ổ gà, mùa mưa "
                     "đi lại rất khó khăn.",
                     f"Cây cầu dẫn vào {at} đã hư hỏng nhiều năm, học sinh phải đi đò sang sông."],
            "flood": [f"Mỗi mùa nước nổi, khu vực {at} bị ngập sâu do cống thoát nước bị bồi lấp.",
                      f"Triều cường dâng cao làm ngập {at}, ảnh hưởng sản xuất và sinh hoạt của người dân."],
            "pollution": [f"Cơ sở chế biến thủy sản gần {at} xả nước thải chưa qua xử lý ra kênh, bốc mùi hôi thối.",
                          f"Lò đốt rác gần {at} gây khói bụi, ảnh hưởng sức khỏe người dân."],
            "water": [f"Nhiều hộ dân tại {at} chưa có nước sạch, mùa khô nước nhiễm mặn không sử dụng được.",
                      f"Nước máy cung cấp cho {at} thường xuyên bị cúp, có màu đục."],
            "landslide": [f"Bờ sông đoạn qua {at} bị sạt lở nghiêm trọng, đe dọa nhà cửa của người dân.",
                          f"Đoạn bờ kênh thuộc {at} sạt lở sâu vào đất, nhiều cây ăn trái bị cuốn trôi."],
        }[problem]) + (formerly if formerly else ""))
        b.para(pick(rng, [
            f"{We} kiến nghị {committee_s} sớm khảo sát, có phương án khắc phục để bảo đảm an toàn cho người dân.",
            f"Kính đề nghị quý cơ quan quan tâm, chỉ đạo các ngành chức năng kiểm tra và giải quyết dứt điểm.",
            f"{We} phản ánh sự việc trên và mong được xem xét, hỗ trợ kịp thời.",
        ]))
    else:
        opponent = _person(rng, unit, date, truth, names, old_share=0.1)
        truth.places.pop()  # the opponent's address is not written: only the name
        b.party(opponent.name, "disputant")
        md = before(rng, date, 10, 120)
        relation = rng.choice(["hộ liền kề", "hộ giáp ranh", "người nhận chuyển nhượng", "hàng xóm", "người thuê đất"])
        b.para(pick(rng, [
            f"{Fam} và {opponent.hon} {opponent.name} ({relation}) có tranh chấp ranh giới {ptext}.{formerly}",
            f"{opponent.Hon} {opponent.name} tự ý lấn chiếm một phần {ptext} của {fam}.{formerly}",
            f"Phần đất {ptext} là của {fam}, nhưng {opponent.hon} {opponent.name} cho rằng đất của mình và rào "
            f"lại, không cho {fam} canh tác.{formerly}",
        ]))
        b.para(pick(rng, [
            f"Ngày {fmt_short(md)}, {committee} đã tổ chức hòa giải nhưng không thành.",
            f"Sự việc đã được hòa giải tại {committee} {fmt_long(md)}, hai bên không thống nhất.",
            f"Tổ hòa giải {people[0].place.hamlet_full} và {committee} đã hòa giải nhiều lần nhưng không thành.",
        ]))
        b.para(pick(rng, [
            f"Từ ngày 01/7/2025, Chủ tịch Ủy ban nhân dân cấp xã có thẩm quyền giải quyết tranh chấp đất đai. "
            f"{We} đề nghị quý cấp giải quyết tranh chấp theo quy định.",
            f"Kính đề nghị Chủ tịch {committee} xem xét, giải quyết tranh chấp đất đai cho {fam}.",
            f"{We} làm đơn này đề nghị giải quyết tranh chấp đất đai nêu trên theo Luật Đất đai năm 2024.",
        ]))
    b.para(rng.choice(CLOSINGS))
    if rng.random() < 0.3:
        b.para("Tài liệu kèm theo: " + rng.choice(["bản sao Căn cước công dân; bản sao giấy chứng nhận.",
                                                  "hình ảnh hiện trạng; biên bản hòa giải.", "các giấy tờ liên quan."]),
               indent=0.5, align="left")
    if not top:
        place_date_line(b, rng, where_name, date, space_before=0.5)
    letter_signature(b, rng, rng.choice(SIGN_LABEL[type_]), [p.name for p in people])
    doc = b.build(doc_id, family or f"{type_}_letter_2025", "petition", type_, named, date, None)
    doc.places = [e for e in truth.places if e["kind"] == "parcel" or _written(doc, e["written"])]
    return doc


def _written(doc: GeneratedDoc, address: str) -> bool:
    return any(p["address"] == address for p in doc.parties)
