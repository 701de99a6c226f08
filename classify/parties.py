"""Parties of a petition or ruling: who writes, who is complained about or denounced, who disputes.

Persons are read only in role contexts (labels such as `Người khiếu nại:`, `Tôi tên là`, `tố cáo ông`,
`tranh chấp với bà`, `giữa ông A ... và bà B`, the `Người làm đơn` signature), so officials who sign or
receive are not parties. Matching runs on folded text; names and addresses are sliced from the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from donthu.schema import Party
from donthu.text import fold

from classify.name_lexicon import repair_name
from classify.normalize import VI_LOWER, VI_UPPER, fold_aligned, fuzzy_phrase
from classify.places import is_known_place
from classify.references import agency_end, find_references

REPAIR_NAMES = True  # OCR slips in names repaired with the name lexicon (classify.name_lexicon)
WRITER = "writer"  # the letter's author(s): the role comes from the document type
WRITER_ROLE = {
    "complaint": "complainant", "denunciation": "denouncer", "recommendation": "petitioner",
    "land_dispute": "disputant", "unknown": "petitioner",
}

SURNAMES = {
    fold(s) for s in (
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trương Lâm Mai Tô Châu "
        "Đoàn Cao Lương Tạ Thái Quách Lưu Kiều Trịnh Tăng La Hà Diệp Chau Néang Thạch Sơn Danh Kim Lữ Từ Văn "
        "Phùng Triệu Tiêu Mạc Khưu Trang Giang Đào Âu Lục Hứa Quan Tôn Thân Nông Bạch Cù Doãn Ông Đàm Lạc Vương "
        "Mã Ninh Chung Nghiêm Biện Tất Khổng Hầu Phó Hàn Chiêm Ung Cái Đồng Lai Lò Kha Nhan Lã Tiết Thạch Chế Văng Néang"
    ).split()
}
HONORIFICS = ("ong", "ba", "anh", "chi", "cu", "co", "chu", "bac", "em", "o.", "b.")
_NOT_NAME_WORDS = {
    fold(w) for w in (
        "Ủy ban Nhân dân UBND Chủ tịch Phó Thanh tra Phòng Sở Công ty Hội đồng Tòa Viện Ban Trung tâm Văn phòng "
        "Đảng Nhà nước Quyết định Khiếu nại Tố cáo Luật Căn cứ Điều Khoản Xã Huyện Tỉnh Phường Thị Ấp Khóm Tổ "
        "Người Đơn Đất Thửa Số Ngày Tháng Năm Cộng hòa Xã hội Chủ nghĩa Việt Nam Độc lập Tự do Hạnh phúc "
        "Kính gửi Nay Tôi Chúng Địa chỉ CCCD CMND Sinh Nơi Điện thoại Hộ Gia đình Cán bộ Chi nhánh Trưởng "
        "Nội dung Kết luận Thông báo Biên bản Giấy Chứng nhận"
    ).split()
} - {"thi", "van", "ho", "hoang"}

# words that name a body or a team, never a person. As written, these heads are never a surname ("Tổ", where
# the surname is "Tô"); heads that are or fold to a surname ("Đoàn", "Tô" as OCR reads "Tổ") name a body when
# what the body does follows them: "Đoàn Kiểm Tra", "Tô Xác Minh", "Ban Nhân Dân ấp …"
_BODY_HEADS = {"tổ", "đội", "ban", "hội", "phòng", "sở", "cục", "viện", "tòa", "toà", "trạm", "hạt", "nhóm", "ủy", "uỷ",
               "đảng", "mặt", "tổng"}
# heads that are a body only with their next word ("Văn" alone is a surname, "Văn Phòng" a body)
_BODY_PAIRS = {"văn": ("phòng",), "trung": ("tâm",), "công": ("ty", "an"), "chi": ("cục", "nhánh", "bộ", "hội"),
               "hợp": ("tác",), "ngân": ("hàng",), "bệnh": ("viện",), "xí": ("nghiệp",)}
_BODY_LEADS = {"to", "doan", "doi", "ban", "hoi", "nhom", "tong"}
_BODY_TASKS = ("xác minh", "kiểm tra", "thanh tra", "công tác", "hòa giải", "hoà giải", "giám sát", "liên ngành",
               "đo đạc", "bồi thường", "giải phóng", "thẩm định", "tiếp công dân", "dân phố", "nhân dân", "quản lý",
               "thi hành", "cưỡng chế", "điều tra", "kiểm kê", "công an", "vận động", "dân vận", "trưởng")
# the same, without diacritics, where no given name reads so (OCR drops marks)
_BODY_TASKS_FOLDED = ("xac minh", "kiem tra", "cong tac", "giam sat", "lien nganh", "do dac", "giai phong", "tham dinh",
                      "cuong che", "kiem ke", "boi thuong", "tiep cong dan", "dan pho")


def is_body_name(words: list[str]) -> bool:
    """`Tổ Xác Minh`, `ĐOÀN KIỂM TRA`, `Ban Nhân Dân ấp Mỹ Hòa`: words that name a body or team, not a person."""
    if not words:
        return False
    head = words[0].lower()
    if head in _BODY_HEADS:
        return True
    if head in _BODY_PAIRS:
        return len(words) > 1 and words[1].lower() in _BODY_PAIRS[head]
    if fold(head) not in _BODY_LEADS:
        return False
    rest = " ".join(w.lower() for w in words[1:])
    return rest.startswith(_BODY_TASKS) or fold(rest).startswith(_BODY_TASKS_FOLDED)


_INNER_STOP = {"sinh", "cccd", "cmnd", "ubnd", "dia", "ngay", "xa", "huyen", "tinh", "ap", "khom", "nguoi"}
# the next field of a label-value block written on the name's line: "Họ và tên: KOBAYASHI TAIHEI   Chức vụ: …",
# "Họ tên: Lý Phước Hoàng Giới tính: Nam" — a field label, or any two words and a colon ("Năm sinh:")
_FIELD_LABEL = re.compile(r"(?:chuc vu|gioi tinh|nam sinh|sinh nam|sinh ngay|ngay sinh|quoc tich|dan toc|nghe nghiep|"
                          r"ton giao|dien thoai|ma so thue|dia chi|noi cu tru|thuong tru|so dinh danh)[ \t]*:")
_TWO_WORD_LABEL = re.compile(rf"[^\W\d_]+[ \t]+[{VI_LOWER}]+[ \t]*:")
_WORD = re.compile(r"[ \t]*([^\W\d_][^\W\d_'’]*)")
_WORD_NL = re.compile(r"[ \t]*\n[ \t]*([^\W\d_][^\W\d_'’]*)")


@dataclass
class Mention:
    start: int
    end: int
    name: str
    role: str
    specificity: int
    group: int = 0
    label: str = ""


def _skip(text: str, folded: str, pos: int) -> int:
    """Skip spaces, ':' '-' list markers, 'gia đình'/'hộ' and an honorific."""
    m = re.compile(r"[\s:\-–.,]*(?:(?:\d{1,2}|[a-z])[.)/]\s*)?[\s\-–+•*]*").match(folded, pos)
    pos = m.end()
    m = re.compile(r"(?:gia dinh|ho gia dinh|ho)\s+(?=(?:ong|ba)\b)").match(folded, pos)
    if m:
        pos = m.end()
    m = re.compile(r"(?:ong|ba|anh|chi|cu|co|chu|bac|em|o\.|b\.)(?:\s*:)?[ \t]+").match(folded, pos)
    if m and text[m.end():m.end() + 1][:1].isupper():
        return m.end()
    return pos


def read_name(text: str, folded: str, pos: int, need_surname: bool = False,
              multiline: bool = True, caps_ok: bool = False) -> tuple[str, int] | None:
    """A Vietnamese personal name at pos (after an optional honorific): 2–5 capitalised words.

    With `multiline`, a name may continue on the next line (OCR wraps lines anywhere) while it has fewer
    than four words and the next line does not start with a label or another surname.
    """
    start = _skip(text, folded, pos)
    honorific = start != pos and folded[pos:start].strip(" :-\t\n").split()[-1:] in ([h] for h in HONORIFICS)
    words, i = [], start
    while len(words) < 5:
        m = _WORD.match(text, i)
        if not m and multiline and 0 < len(words) < 4:
            m = _WORD_NL.match(text, i)
            if m and (fold(m.group(1)) in _NOT_NAME_WORDS | _INNER_STOP | set(HONORIFICS)
                      or (len(words) >= 2 and fold(m.group(1)) in SURNAMES) or m.group(1).isupper()):
                m = None
        if not m or not m.group(1)[0].isupper():
            break
        w = m.group(1)
        if (not words and fold(w) in _NOT_NAME_WORDS and fold(w) not in SURNAMES) or (words and fold(w) in _INNER_STOP):
            break
        if words and (re.search(r"  |\t", text[i:m.start(1)]) or _FIELD_LABEL.match(folded, m.start(1))
                      or (len(words) >= 2 and _TWO_WORD_LABEL.match(text, m.start(1)))):
            break  # a column gap or the next field's label ends the name
        words.append(w)
        i = m.end()
        if i < len(text) and text[i] in ",.;:()":
            break
    if len(words) < 2 or is_body_name(words):
        return None
    if (need_surname or not honorific) and fold(words[0]) not in SURNAMES:
        return None
    name = " ".join(words)
    if name.isupper():
        if multiline and not honorific and not caps_ok:
            return None  # capitals in running text are headings ("TỔ XÁC MINH"); names in capitals are signatures
        name = " ".join(w.capitalize() for w in words)
    return name, i


_BODY_START = re.compile(
    r"(?:pho chu tich|chu tich|uy ban nhan dan|ubnd|thanh tra|chanh thanh tra|phong tai nguyen|phong|so tai nguyen|"
    r"so|van phong dang ky|chi nhanh van phong|trung tam|hoi dong|cong an|ban quan ly|ban boi thuong|cong ty|"
    r"toa an nhan dan|giam doc)\b"
)
_BODY_STOP = re.compile(
    r"[,.;:()\[\]\n]|\s(?:ve viec|ve|v/v|ngay|doi voi|voi|thi(?! xa| tran)|la|da|nay|tai|ban hanh|theo|nhung|ma|vi|"
    r"giai quyet|thu hoi|trong|khi|khong|va|gay|lam|co|tra loi|tu choi|xu phat|quyet dinh|cho rang)\b"
)


def read_body(text: str, folded: str, pos: int) -> tuple[str, int] | None:
    """A body or an official by post (`Chủ tịch UBND huyện Chợ Mới`), as written."""
    start = re.compile(r"[\s:\-–]*").match(folded, pos).end()
    if not _BODY_START.match(folded, start):
        return None
    end = min(len(text), start + 100)
    agency = agency_end(text, folded, start)
    for stop in () if agency else _BODY_STOP.finditer(folded, start, start + 100):
        ch = text[stop.start() + 1] if text[stop.start()].isspace() else text[stop.start()]
        if not ch.isupper() or text[stop.start()] == "\n":  # a body named without a place ends with its line
            end = stop.start()
            break
    end = agency or end
    body = re.sub(r"\s+", " ", text[start:end]).strip()
    if body.isupper():
        return None  # a heading or signature title ("CHỦ TỊCH HỘI ĐỒNG"), not a party
    return (body, end) if len(body.split()) >= 2 else None


# --- role contexts ----------------------------------------------------------------------------------------
ACCUSED = "accused"  # named in a denunciation's facts: the subject when the document is a denunciation
GENERIC = "generic"  # any `ông/bà Name` in a letter: resolved by the document type

# the role words of a label, allowing one OCR-damaged letter ("Người kiiếu nại:")
_KN, _TC = fuzzy_phrase("khieu nai"), fuzzy_phrase("to cao")
# "là"/"gồm" on the label's own line ("Người khiếu nại\n(Ký)\nLa Văn Dũng": La is a surname)
_LABEL_TAIL = r"(?:\s*\([^)\n]{0,40}\))?(?:[ \t]*(?:la|gom(?: co)?|co)(?![a-z]))?\s*[:\-–]?"
_LABELS: list[tuple[str, str, int]] = [
    (rf"nguoi bi {_KN}", "subject", 3),
    (rf"nguoi bi {_TC}", "subject", 3),
    (rf"(?:nhung |cac )?(?:nguoi|ong \(ba\)|ong/ba|ba/ong) {_KN}(?! cho rang)", "complainant", 3),
    (rf"(?:nhung |cac )?(?:nguoi|ong \(ba\)|ong/ba|ba/ong) {_TC}(?! cho rang)", "denouncer", 3),
    (r"(?:nhung |cac )?nguoi (?:kien nghi|phan anh)(?:,? (?:kien nghi|phan anh))?", "petitioner", 3),
    (r"nguoi co quyen loi(?:,| va)? nghia vu lien quan", "related", 3),
    (r"nguoi lam chung", "related", 3),
    (r"(?:nguoi dai dien(?: theo (?:uy quyen|phap luat))?(?: hop phap)?|dai dien theo uy quyen|"
     r"nguoi duoc uy quyen|dai dien cho (?:ong|ba|anh|chi|gia dinh|ho|cac ho|nguoi)[^:\n]{0,60}(?=:))", "representative", 3),
    (r"(?:nguyen don|bi don|ben tranh chap|ben yeu cau(?: giai quyet)?|ben bi yeu cau|ben [ab]|ben thu (?:nhat|hai)|"
     r"nguoi (?:yeu cau|de nghi) giai quyet tranh chap|nguoi bi yeu cau|nguoi bi de nghi|"
     r"nguoi co tranh chap(?: voi (?:toi|chung toi|gia dinh toi))?|cac ben tranh chap(?: gom)?)", "disputant", 3),
    (r"(?:toi ten la|ten toi la|toi ten|toi la|ho va ten(?: nguoi [a-z ]{2,12}?(?=\s*:))?|ho ten|"
     r"chung toi (?:gom|ten la|la)|(?:nhung )?nguoi lam don|nguoi viet don|nguoi dung don|nguoi gui don|"
     r"nguoi de nghi|(?<=\n)\s*(?:[ivx]+\.|\d+\.|-)?\s*cong dan(?: den(?: trinh bay)?)?(?=\s*:)|"
     r"chung toi ky ten duoi day gom|nguoi co don|cung dung don|nguoi duoc tiep|cong dan duoc tiep|"
     r"nguoi den trinh bay|(?<=\n)[ \t]*(?:ten|ong/ba|ba/ong|ong \(ba\))(?=[ \t]*:))", WRITER, 2),
    (r"(?<=\n)[ \t]*dai dien(?: ben [ab])?(?=[ \t]*:)", "representative", 2),
]
_LABEL_RE = [(re.compile(rf"(?<![a-z]){p}{_LABEL_TAIL}"), r, s) for p, r, s in _LABELS]
_HON = r"(?=(?:ong|ba|anh|chi|cu)\s)"
_VERBS: list[tuple[str, str, int]] = [
    (r"(?<!nguoi )(?<!bi )to cao\s+(?:(?!cua\s)[a-z,]+\s+){0,8}?" + _HON, "subject", 2),
    (r"(?<!nguoi )(?<!bi )to cao\s+hanh vi\s+(?:(?!cua\s)[a-z,]+\s+){0,6}?cua\s+" + _HON, "subject", 2),
    (r"(?<!nguoi )(?<!bi )to giac\s+(?:(?!cua\s)[a-z,]+\s+){0,8}?" + _HON, "subject", 2),
    # a person named without ông/bà: read_name then needs a surname ("Tôi tố cáo LÝ TUYẾT VÂN – Chủ tịch …")
    (r"(?<!luat )(?<!nguoi )(?<!bi )(?<!don )to (?:cao|giac)[ \t]+(?!so\b|ngay\b)(?=[a-z])", "subject", 2),
    (r"(?<![a-z])don\b[^.;\n:]{0,110}?\bcua\s+(?=[a-z])", WRITER, 2),
    (r"(?<![a-z])(?:gia dinh toi|chung toi|toi) va[ \t]+(?=[a-z])", GENERIC, 1),
    (r"(?<![a-z])bi[ \t]+(?=[a-z])", GENERIC, 1),
    (r"(?<![a-z])(?:nam|ngay|thang)\s[\d/]{1,10},[ \t]+(?=[a-z])", GENERIC, 1),
    (r"(?<!nguoi )(?<!bi )khieu nai\s+(?:doi voi\s+)?" + _HON, "subject", 2),
    (r"tranh chap(?: quyen su dung dat| dat dai| dat| ranh gioi(?: dat)?)?\s+(?:voi|cua)\s+", "disputant", 2),
    (r"tranh chap(?:[^.\n]|\.(?=\d)){0,350}?\svoi\s+" + _HON, "disputant", 2),
    (r"(?<![a-z])giua\s+(?=(?:ong|ba|anh|chi|cu|gia dinh|ho)\s)", "disputant", 2),
    (r"(?<![a-z])don\b[^.;\n:]{0,110}?\bcua\s+" + _HON, WRITER, 2),
    (r"khieu nai cua\s+" + _HON, "complainant", 2),
    (r"to cao cua\s+" + _HON, "denouncer", 2),
    (r"(?:kien nghi|phan anh) cua\s+" + _HON, "petitioner", 2),
    (r"(?:lan chiem|chiem dung)(?: dat)?(?: cua)?\s+(?=(?:ong|ba|gia dinh|ho)\s)", "disputant", 1),
    (r"(?:lien quan den|doi voi|xu ly(?: nghiem)?|trach nhiem cua)\s+" + _HON, ACCUSED, 1),
]
_VERB_RE = [(re.compile(p), r, s) for p, r, s in _VERBS]
_GENERIC_RE = re.compile(r"(?<![a-z])(?:ong|ba|anh|chi)\s+(?=\S)")
_SIGNATURE = re.compile(
    r"^[ \t]*(?:(?:nhung )?nguoi (?:lam|viet) don|nguoi de nghi|nguoi khieu nai|nguoi to cao|nguoi kien nghi|"
    r"nguoi phan anh|dai dien cac ho(?: dan)?|nguoi ky ten|cong dan|nguoi co don|"
    r"(nguoi dai dien|nguoi duoc uy quyen)|(cac ben tranh chap|ben yeu cau|ben bi yeu cau))[ \t]*$", re.M)
_BODY_AT = re.compile(r"(?<![a-z])(?:(?:pho )?chu tich )?(?:uy ban nhan dan|ubnd)\b")
_ISSUES = re.compile(r"\s*(?:da\s+)?(?:ban hanh|co|ra)\s+(?:quyet dinh|qd|cong van|thong bao|van ban)(?![a-z])")
_NEXT_IN_LINE = re.compile(r";\s*(?:va\s+|cung\s+(?:voi\s+)?)?(?=(?:ong|ba|anh|chi)\s)")
_NEXT_AFTER_STOP = re.compile(r"\.\s+(?=(?:ong|ba|anh|chi)\s)")  # "…, bà Võ Bích Hạnh. bà Trần Mỹ Nga" (OCR's comma)
_AND_PERSON = re.compile(r"\s*(?:,\s*(?:va\s+)?|va\s+|voi\s+)(?=(?:ong|ba|anh|chi)\s)")
_LIST_ITEM = re.compile(r"\n\s*(?:\d{1,2}[.)/]|[-+•*]|[a-z][.)])\s*(?=(?:ho\s+)?(?:ong|ba|anh|chi|cu|co)\s)")
_REPRESENTS = re.compile(r"(?:toi|la)\s+(?:la\s+)?nguoi (?:duoc|dai dien)[^.\n]{0,100}?(?:uy quyen|dai dien)")
_WITNESS = re.compile(r"chung kien|lam chung|(?:la )?nguoi co quyen loi")
_SIGN_STOP = re.compile(r"(?:to|ban|hoi dong|chu tich|pho|nguoi|dai dien|thu ky|can bo|kt\.|tm\.|cong dan|cac ben|"
                        r"thanh tra|chanh|truong|doan|uy ban|ubnd|xac nhan|noi nhan)\b")

_ID = re.compile(
    r"(?<![a-z])(?:cccd|cmnd|cmt|can cuoc(?: cong dan)?|chung minh (?:nhan dan|thu)|so dinh danh(?: ca nhan)?|cmnd/cccd|"
    r"cccd/cmnd)\s*(?:/\s*cmnd|/\s*cccd)?\s*(?:so)?\s*[:.]?\s*(\d[\d .]{7,16}\d)"
)
_ADDRESS = re.compile(
    r"(?<![a-z])(?:dia chi(?: thuong tru| lien he| cu tru| lien lac)?|thuong tru(?: tai)?|tru tai|cu tru tai|noi cu tru(?: hien nay)?|"
    r"noi o hien nay|noi thuong tru|ho khau thuong tru(?: tai)?|ngu tai|song tai|dkhktt|"
    r"(cu ngu|ngu|tru|nha o|hien o|o tai))(?![a-z])\s*(?:tai|o)?\s*[:\-–]?\s*"
)
# a bare lead word ("…, ngụ số 12 đường …", "trú xã …", "nhà ở …") is an address only as written (not "trụ sở",
# "ngủ") and before what starts an address: a house number, a level word, a street, or a place name
_BARE_LEAD_WORDS = {"ngu": ("ngụ", "ngu"), "tru": ("trú", "tru"), "cu ngu": ("cư ngụ", "cu ngu", "cư ngu")}
_ADDRESS_START = re.compile(r"(?:so|so nha|hem|kiet|to|ap|khom|xa|phuong|thi tran|thi xa|huyen|tinh|thanh pho|"
                            r"duong|khu|lo|thon|xom|doi|dac khu|nha|can ho|kp|kdc|tp|tx|tt|q\.|p\.|x\.|h\.)(?![a-z])|\d")
_COMMA_READ_AS_STOP = re.compile(rf"\.[ \t]+(?=[{VI_LOWER}])")  # within a line (parcels': also across one)
_ADDRESS_STOP = re.compile(
    r"[;()]|\.(?!\d)|,\s*(?:sinh|cccd|cmnd|can cuoc|so dien thoai|dien thoai|sdt|dt|la |co |nay|toi |nghe nghiep|"
    r"chuc vu|hien |dang |da |voi |va |lam |nam sinh|email|quoc tich)|\s(?:va|la|co|da|nay|xin|kinh)\s|"
    r"\s(?:khieu nai|to cao|kien nghi|phan anh|de nghi)\s"  # "…, tỉnh An Giang khiếu nại Quyết định …"
)


def _address_continues(text: str, folded: str, start: int, nl: int) -> bool:
    """Does an address broken at `nl` go on on the next line (a wrapped line, not the next field)?"""
    line_end = text.find("\n", nl + 1)
    nxt = text[nl + 1:line_end if line_end != -1 else len(text)].strip()
    if not nxt or re.match(r"\d+[.)]\s|[-+•*]\s", nxt) or nxt.isupper():
        return False
    if nxt[0].islower() or nxt[0].isdigit():
        return True
    if re.match(r"[^:]{0,40}:", nxt):
        return False  # "Số CCCD: …", "Kính gửi: …"
    before = text[start:nl].rstrip()
    if before.endswith(","):
        return True
    last = before.split()[-1] if before.split() else ""
    level = fold(last) in ("xa", "huyen", "tinh", "phuong", "ap", "khom", "to", "duong", "so")
    return level or (last[:1].isupper() and not is_known_place(_trailing_name(before)))


def _real_address_lead(text: str, folded: str, m: re.Match) -> bool:
    """The start of an address must follow the lead (a house number, a level word, a street, a place name);
    a bare lead word ("ngụ", "trú") must also be written as that word (not "trụ", "ngủ")."""
    nxt = m.end()
    starts = bool(_ADDRESS_START.match(folded, nxt) or text[nxt:nxt + 1].isupper())
    if not m.group(1):
        return starts or nxt >= len(text)  # "địa chỉ người tố cáo được giữ bí mật" is no address
    word = m.group(1)
    written = text[m.start(1):m.end(1)].lower()
    if word in _BARE_LEAD_WORDS and written not in _BARE_LEAD_WORDS[word]:
        return False
    return starts


def _trailing_name(s: str) -> str:
    words = []
    for w in reversed(s.split()):
        if not w[:1].isupper():
            break
        words.insert(0, w.strip(","))
    return " ".join(words)


def _zone_attrs(text: str, folded: str, lo: int, hi: int) -> tuple[str | None, str | None, bool]:
    """(id_number, address, shared) found in text[lo:hi]; shared when written `cùng trú tại`."""
    id_number = address = None
    shared = False
    m = _ID.search(folded, lo, hi)
    if m:
        digits = re.sub(r"\D", "", m.group(1))
        if len(digits) in (9, 12):
            id_number = digits
    m = next((m for m in _ADDRESS.finditer(folded, lo, hi) if _real_address_lead(text, folded, m)), None)
    if m:
        shared = folded[max(0, m.start() - 5):m.start()].strip().endswith("cung")
        start = m.end()
        limit = min(len(text), start + 200)
        pos = start
        end = limit
        while pos < limit:
            stop = _ADDRESS_STOP.search(folded, pos, limit)
            while stop and (stop.group(0)[0].isspace() and not text[stop.start() + 1].islower()
                            or _COMMA_READ_AS_STOP.match(text, stop.start())):
                # "xã Cô Tô" is a name; "số 27. đường …, phường Nhơn Hưng. thị xã …": OCR's comma
                stop = _ADDRESS_STOP.search(folded, stop.end() - (stop.group(0)[0].isspace()), limit)
            nl = text.find("\n", pos, limit)
            cut = stop.start() if stop else limit
            if nl != -1 and nl < cut:
                if _address_continues(text, folded, start, nl):
                    pos = nl + 1
                    continue
                cut = nl
            end = cut
            break
        address = _COMMA_READ_AS_STOP.sub(", ", re.sub(r"\s+", " ", text[start:end])).strip(" ,.;:-–") or None
        address = trim_address(address) if address else None
    return id_number, address, shared


# the province closes an address: "tỉnh An Giang", or ", An Giang" (not the commune "xã Long An")
_PROVINCE_END = re.compile(r"(?:(?<![a-z])tinh\s+|,\s*)(?:an giang|kien giang|dong thap|can tho|hau giang|vinh long|"
                           r"soc trang|bac lieu|ca mau|tra vinh|ben tre|tien giang|long an)(?![a-z])")
_ADDRESS_WORDS = {"ap", "khom", "xa", "phuong", "thi", "tran", "huyen", "tinh", "thanh", "pho", "duong", "so", "nha",
                  "hem", "kiet", "to", "khu", "lo", "thon", "xom", "dac", "quan", "doi", "tp", "tx", "tt"}


def trim_address(address: str) -> str:
    """An address ends with its province (`…, tỉnh An Giang`), and a place name ends where a lower-case word
    that is not an address word follows it (`…, huyện Châu Phú tự ý rào lấn …`, `…, tỉnh An Giang đang …`)."""
    folded = fold_aligned(address)
    m = _PROVINCE_END.search(folded)
    if m:
        address = address[:m.end()]
    out, named = [], False
    for token in re.finditer(r"\S+", address):
        word = token.group(0)
        if word.endswith(","):
            named = False
        bare = word.strip(",.;:()")
        if named and bare[:1].islower() and fold(bare) not in _ADDRESS_WORDS:
            address = address[:token.start()]
            break
        named = named or bool(bare[:1].isupper()) and not word.endswith(",")
    return address.strip(" ,.;:-–")


_LIST_INTRO = re.compile(r"(?<![a-z])gom(?: co)?\s*:[ \t]*(?=\n)")
_SENTENCE_STOP = re.compile(rf"\.(?=[ \t]*(?:\n|$)|[ \t]+[{VI_UPPER}])|\n[ \t]*\n")


def _sentence_end(text: str, pos: int, limit: int = 800) -> int:
    """End of the sentence at `pos`: a full stop before a new line or a capital, or a blank line (a wrapped
    line of the same sentence does not end it)."""
    m = _SENTENCE_STOP.search(text, pos, min(len(text), pos + limit))
    return m.start() if m else min(len(text), pos + limit)


class _Collector:
    """Reads person (or body) mentions from one document; each `*_mentions` method handles one context."""

    def __init__(self, text: str, folded: str):
        self.text, self.folded = text, folded
        self.out: list[Mention] = []
        self.label = ""
        self.group = 0

    def add(self, pos: int, role: str, spec: int, body_ok: bool = False, grp: int = 0) -> int | None:
        # a name in capitals is a name after a label or a role verb ("Họ và tên: NGUYỄN VĂN A")
        got = read_name(self.text, self.folded, pos, caps_ok=self.label not in ("generic", "signature"))
        if got is not None and REPAIR_NAMES:
            got = (repair_name(got[0]), got[1])
        if got is None and body_ok:
            got = read_body(self.text, self.folded, pos)
        if got is None:
            return None
        name, end = got
        self.out.append(Mention(pos, end, name, role, spec, group=grp, label=self.label))
        return end

    def chain(self, pos: int, role: str, spec: int, grp: int) -> None:
        """`ông A, bà B và ông C` after a person just read."""
        while True:
            and_m = _AND_PERSON.match(self.folded, pos) or (
                _COMMA_READ_AS_STOP.match(self.text, pos) and _NEXT_AFTER_STOP.match(self.folded, pos))
            if not and_m or self.add(and_m.end(), role, spec, grp=grp) is None:
                return
            pos = self.out[-1].end

    def rest_of_line(self, end: int, role: str, spec: int, grp: int) -> None:
        """`Người khiếu nại: ông A, …; bà B, …; cùng ông C` — more persons on the same line."""
        for more in _NEXT_IN_LINE.finditer(self.folded, end, _sentence_end(self.text, end)):
            if not self.covered(more.end()):
                got = self.add(more.end(), role, spec, grp=grp)
                if got is not None:
                    self.chain(got, role, spec, grp)

    def covered(self, pos: int, slack: int = 0) -> bool:
        return any(x.start <= pos < x.end + slack for x in self.out)

    def label_mentions(self) -> None:
        folded = self.folded
        for rx, role, spec in _LABEL_RE:
            for m in rx.finditer(folded):
                if role == WRITER and re.match(r"toi|ten toi", folded[m.start():m.start() + 3]):
                    before = folded[max(0, m.start() - 3):m.start()].rstrip(" \t")
                    if before and before[-1] not in ".;:\n(-":
                        continue  # "cha tôi là cụ A": not the writer introducing themself
                if role == WRITER and folded.startswith("chung toi", m.start()) and re.search(
                        r"(?<![a-z])(?:cha|me|bo|ong|ba|vo|chong|con|anh|chi|em|cu)\s+$", folded[max(0, m.start() - 8):m.start()]):
                    continue  # "cha chúng tôi là cụ A": the writers' father, not a writer
                self.group += 1
                self.label = folded[m.start():m.end()].strip(" :-–")
                body_ok = role in ("subject", "related", "disputant")
                end = self.add(m.end(), role, spec, body_ok=body_ok, grp=self.group)
                if end is not None:
                    self.chain(end, role, spec, self.group)
                    self.rest_of_line(end, role, spec, self.group)
                line_end = folded.find("\n", m.start())
                line = folded[m.start():line_end if line_end != -1 else len(folded)].rstrip()
                list_at = m.end()
                if not (line.endswith(":") or re.search(r":|gom", folded[m.start():m.end()])):
                    # only "…: / … gồm:" introduces a list of persons, also a few lines on:
                    # "Chúng tôi là 2 hộ dân … khóm Long Thạnh A, phường Châu Phú B, gồm:"
                    intro = _LIST_INTRO.search(folded, m.end(), min(len(folded), m.end() + 200))
                    if not intro or "." in folded[m.end():intro.start()]:
                        continue
                    list_at = intro.end()
                for li in _LIST_ITEM.finditer(folded, list_at, _block_end(self.text, list_at)):
                    if not self.covered(li.end(), slack=2):
                        self.add(li.end(), role, spec)

    def verb_mentions(self) -> None:
        folded = self.folded
        self.label = "verb"
        for rx, role, spec in _VERB_RE:
            for m in rx.finditer(folded):
                end = self.add(m.end(), role, spec, body_ok=role == "subject")
                if end is None:
                    continue
                if role in (WRITER, "complainant", "denouncer", "petitioner"):
                    self.rest_of_line(end, role, spec, 0)
                if role == "disputant":  # "giữa ông A, … và bà B"
                    and_m = _AND_PERSON.search(folded, end, min(len(folded), end + 250))
                    stop = re.compile(r"[.;]\s|\n\s*\n").search(folded, end, and_m.start() if and_m else end)
                    if and_m and not stop:
                        self.add(and_m.end(), role, spec)

    def signature_mentions(self) -> None:
        text, folded = self.text, self.folded
        self.label = "signature"
        for m in _SIGNATURE.finditer(folded):
            role = "representative" if m.group(1) else "disputant" if m.group(2) else WRITER
            for line in re.finditer(r"[^\n]*\n?", text[m.end():m.end() + 300]):
                s = line.group(0).strip()
                lo = m.end() + line.start()
                if not s:
                    if line.group(0) == "":
                        break
                    continue
                if s.startswith("(") or fold(s).startswith(("ky", "da ky")):
                    continue
                if _SIGN_STOP.match(fold(s)):
                    break
                got = read_name(text, folded, lo, need_surname=True, multiline=False)
                if not got or len(re.sub(r"^\s*\d+\.\s*", "", s)) > len(got[0]) + 2:
                    break
                self.out.append(Mention(lo, got[1], got[0], role, 1, label=self.label))

    def generic_mentions(self) -> None:
        self.label = "generic"
        for m in _GENERIC_RE.finditer(self.folded):
            if not self.covered(m.start()):
                self.add(m.start(), GENERIC, 0)


def _mentions(text: str, folded: str) -> list[Mention]:
    """Every person/body mention in a role context, in order; a mention inside a longer one is dropped."""
    c = _Collector(text, folded)
    c.label_mentions()
    c.verb_mentions()
    c.signature_mentions()
    c.generic_mentions()
    out = sorted(c.out, key=lambda x: (x.start, -x.specificity))
    kept: list[Mention] = []
    for x in out:
        if kept and x.start < kept[-1].end and fold(x.name) in fold(kept[-1].name):
            if x.specificity > kept[-1].specificity:
                kept[-1] = x
            continue
        kept.append(x)
    return kept


_ITEM_START = re.compile(r"(?:\d{1,2}[.)/]|[-+•*]|[a-z][.)])\s")


def _block_end(text: str, pos: int) -> int:
    """End of a list after a label: list items (and their wrapped continuations) on the following lines."""
    end = text.find("\n", pos)
    if end == -1:
        return len(text)
    limit = min(len(text), pos + 3000)
    while end < limit:
        nxt = text.find("\n", end + 1)
        nxt = len(text) if nxt == -1 else nxt
        line = text[end + 1:nxt].lstrip()
        if not (_ITEM_START.match(fold_aligned(line[:4])) or (line[:1].islower())):
            break
        end = nxt
    return end


def _complaint_subject(text: str, folded: str, kind: str) -> Mention | None:
    """For a complaint: the body/official that issued the decision complained about."""
    candidates = []
    for start, end, ref in find_references(text):
        if not ref.issuer or ref.number.count("/") > 1 or "/BC-" in ref.number:
            continue  # laws and decrees; a verification report (báo cáo) is never the act complained about
        line_start = folded.rfind("\n", 0, start) + 1
        if kind != "petition" and folded[line_start:start].lstrip(" -+").startswith("can cu"):
            continue  # a ruling's legal basis (a letter's "Căn cứ Quyết định …" is its own narrative)
        sent_start = max(folded.rfind(". ", 0, start), folded.rfind(".\n", 0, start), folded.rfind(";", 0, start))
        before = folded[sent_start:start]
        after = folded[end:end + 160]
        if "giai quyet khieu nai" in after[:120] or "lan dau" in after[:120] or "giai quyet khieu nai" in before[-60:]:
            continue
        if "giai quyet" in before[-80:]:
            continue  # the ruling on the complaint, not the act complained about
        strong = "khieu nai" in before
        candidates.append((0 if strong else 2, start, ref.issuer))
    for m in _BODY_AT.finditer(folded):
        got = read_body(text, folded, m.start())
        if got and _ISSUES.match(folded, got[1]):
            candidates.append((1, m.start(), got[0]))
            break
    if candidates:
        _, start, issuer = min(candidates)
        return Mention(start, start + 1, issuer, "subject", 2)
    return None


# a person who is the grammatical subject of a role verb, in an official's account of the matter
_ACTOR_VERB = re.compile(r"(?<![a-z])(?<!bi )(?<!nguoi )(?<!don )(khieu nai|to cao|de nghi giai quyet tranh chap|"
                         r"kien nghi|phan anh)(?![a-z])")
_ACTOR_ROLE = {"khieu nai": "complainant", "to cao": "denouncer", "de nghi giai quyet tranh chap": "disputant",
               "kien nghi": "petitioner", "phan anh": "petitioner"}
_OBJECT_WORD = re.compile(r"(?<![a-z])(?:cua|voi|doi voi|giua|va|ong|ba|la|da|duoc|cho)(?![a-z])")
_ACTOR_SPAN = re.compile(r"\.\s+(?=[a-z]*[A-Z])|\.\s|\n")


def _actor_role(folded: str, end: int) -> str | None:
    """The role verb this mention is the subject of: the first one in its sentence, with only the person's
    own details (birth year, id, address after a comma) before it."""
    stop = _ACTOR_SPAN.search(folded, end, min(len(folded), end + 400))
    verb = _ACTOR_VERB.search(folded, end, stop.start() if stop else min(len(folded), end + 400))
    if not verb:
        return None
    # the person's details are comma-separated; co-actors come after ";" ("ông A, …; bà B, … khiếu nại")
    pieces = re.sub(r",[^,;]*", "", folded[end:verb.start()]).split(";")
    if _OBJECT_WORD.search(pieces[0]):
        return None
    for piece in pieces[1:]:
        co_actor = re.match(r"\s*(?:va\s+|cung\s+)?(?:ong|ba|anh|chi)\s", piece)
        if not co_actor or _OBJECT_WORD.search(piece, co_actor.end()) and not re.fullmatch(
                r"[\w ]*", piece[co_actor.end():]):
            return None
    return _ACTOR_ROLE[verb.group(1)]


def _resolve(x: Mention, doc_type: str, kind: str, folded: str) -> str | None:
    role = _resolve_role(x, doc_type, kind, folded)
    if role in ("complainant", "denouncer", "petitioner", "disputant", "representative") and kind == "other" \
            and doc_type == "unknown":
        return "related"  # a contract's or a report's named persons: no citizen's matter to take a role in
    return role


def _resolve_role(x: Mention, doc_type: str, kind: str, folded: str) -> str | None:
    if x.role == WRITER and kind != "petition" and x.label.startswith(("toi", "chung toi", "ten toi")):
        return None  # "chúng tôi gồm:" in minutes lists the officials
    if x.role == WRITER:
        if _REPRESENTS.search(folded, x.end, x.end + 500):
            nxt = _REPRESENTS.search(folded, x.end, x.end + 500)
            if not re.search(r"(?:toi ten|toi la|ho va ten)\s", folded[x.end:nxt.start()]):
                return "representative"
        return WRITER_ROLE.get(doc_type, "petitioner")
    if x.role == ACCUSED:
        return "subject" if doc_type == "denunciation" else None
    if x.role == GENERIC:
        line_start = folded.rfind("\n", 0, x.start) + 1
        in_list = bool(_ITEM_START.match(folded, line_start)) or bool(re.match(r"\s*[-–]", folded[x.end:x.end + 3]))
        sentence = re.compile(r"\.\s|\n").search(folded, x.end)
        witness = _WITNESS.search(folded, x.end, min(sentence.start() if sentence else len(folded), x.end + 400))
        actor = _actor_role(folded, x.end) if kind != "petition" else None
        if actor:
            return actor  # "Ông A, sinh năm …, trú tại … khiếu nại Quyết định số …"
        if kind == "minutes" and doc_type in ("denunciation", "land_dispute") and not in_list:
            return "related" if witness else {"denunciation": "subject", "land_dispute": "disputant"}[doc_type]
        if kind != "petition":
            return None
        if witness:
            return "related"
        return {"denunciation": "subject", "land_dispute": "disputant"}.get(doc_type)
    return x.role


def extract_parties(text: str, doc_type: str = "unknown", kind: str = "petition") -> list[Party]:
    """Parties with roles, id numbers and addresses; one entry per person (most specific role)."""
    folded = fold_aligned(text)
    mentions = _mentions(text, folded)
    if doc_type == "complaint" and not any(x.role == "subject" for x in mentions):
        subject = _complaint_subject(text, folded, kind)
        if subject:
            mentions.append(subject)
    starts = sorted({x.start for x in mentions})
    sent = re.compile(r"\.\s+(?=[A-ZĐÀ-Ỹ])(?!(?:Địa chỉ|Trú|Thường trú|CCCD|CMND|Sinh|Nơi|Số|Căn cước))|\n\s*\n")
    merged: dict[str, dict] = {}
    order: list[str] = []
    shared_by_group: dict[int, str] = {}
    attrs = []
    seen: dict[str, list] = {}  # a person's id/address wherever they are introduced
    for x in mentions:
        nxt = next((s for s in starts if s > x.start and s >= x.end), len(text))
        sm = sent.search(text, x.end, nxt)
        hi = min(nxt, sm.start() if sm else nxt, x.end + 400)
        got = _zone_attrs(text, folded, x.end, hi)
        attrs.append(got)
        have = seen.setdefault(fold(x.name), [None, None])
        have[0] = have[0] or got[0]
        have[1] = have[1] or got[1]
    for x, (id_number, address, shared) in zip(mentions, attrs):
        role = _resolve(x, doc_type, kind, folded)
        if role is None:
            continue
        id_number = id_number or seen[fold(x.name)][0]
        address = address or seen[fold(x.name)][1]
        if shared and x.group:
            shared_by_group[x.group] = address
        if role == "subject" and re.match(r"\s*\(?(?:can bo|cong chuc|chu tich|pho chu tich|truong|pho truong)", folded[x.end:x.end + 30]):
            address = None  # the post, not a home address, follows an official's name
        key = fold(x.name)
        have = merged.get(key)
        if have is None:
            merged[key] = {"name": x.name, "role": role, "spec": x.specificity, "id": id_number, "addr": address,
                           "group": x.group}
            order.append(key)
            continue
        if x.specificity > have["spec"]:
            have["role"], have["spec"] = role, x.specificity
        have["id"] = have["id"] or id_number
        have["addr"] = have["addr"] or address
        have["group"] = have["group"] or x.group
    for k in order:
        g = merged[k]["group"]
        if not merged[k]["addr"] and g in shared_by_group:
            merged[k]["addr"] = shared_by_group[g]
    return [Party(name=merged[k]["name"], role=merged[k]["role"], id_number=merged[k]["id"],
                  address=merged[k]["addr"]) for k in order]
