"""Normalise OCR text for extraction, and fold text for diacritic-insensitive matching.

`normalize_text` repairs what Tesseract commonly gets wrong in Vietnamese documents without touching the
diacritics of names; `fold_aligned` folds text character by character so that a match found in the folded
text has the same offsets in the original (`fold_aligned(t)[i:j]` corresponds to `t[i:j]`).
"""

from __future__ import annotations

import re


from donthu.text import fold, nfc

#: every lower-case letter Vietnamese text uses, for a regex character class ("[" + VI_LOWER + "]")
VI_LOWER = "a-zđàáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ"
VI_UPPER = VI_LOWER.upper()  # "A-ZĐÀÁ…": capitals only (the range À-Ỹ also holds small letters)

# --- folding that keeps offsets ---------------------------------------------------------------------------


def _fold_char(ch: str) -> str:
    out = fold(ch)
    return out if len(out) == 1 else ch.lower() if len(ch.lower()) == 1 else ch


# every Latin letter Vietnamese text uses (ASCII, Latin-1, Latin Extended-A/B, Vietnamese block)
_FOLD_TABLE = {
    cp: _fold_char(chr(cp))
    for rng in ((0x41, 0x5B), (0xC0, 0x250), (0x1E00, 0x1F00))
    for cp in range(*rng)
    if _fold_char(chr(cp)) != chr(cp)
}


def fold_aligned(text: str) -> str:
    """`fold()` one character at a time: same length as `text`, so offsets are shared.

    Expects NFC text (combining marks left over are kept as they are).
    """
    return text.translate(_FOLD_TABLE)


def fuzzy_phrase(phrase: str, min_len: int = 6) -> str:
    """Regex for a folded phrase allowing one wrong, missing or extra letter (OCR), for phrases >= min_len.

    `fuzzy_phrase("to ban do")` also matches `to ban d0`, `to bn do`, `to bann do`.
    """
    words = phrase.split()
    exact = r"\s+".join(re.escape(w) for w in words)
    if len(phrase) < min_len:
        return exact
    alts = [exact]
    for wi, w in enumerate(words):
        for ci in range(len(w)):
            for repl in ("[a-z0-9]", ""):
                if repl == "" and len(w) == 1:
                    continue
                variant = re.escape(w[:ci]) + repl + re.escape(w[ci + 1:])
                alts.append(r"\s+".join(variant if k == wi else re.escape(x) for k, x in enumerate(words)))
        if len(w) >= 2:
            for ci in range(1, len(w)):
                variant = re.escape(w[:ci]) + "[a-z]" + re.escape(w[ci:])
                alts.append(r"\s+".join(variant if k == wi else re.escape(x) for k, x in enumerate(words)))
    return "(?:" + "|".join(alts) + ")"


def find_folded(keyword: str, text: str) -> list[tuple[int, int]]:
    """Spans of `keyword` in `text`, ignoring case and diacritics (whole words)."""
    pattern = r"(?<![\w])" + r"\s+".join(re.escape(w) for w in fold(keyword).split()) + r"(?![\w])"
    return [m.span() for m in re.finditer(pattern, fold_aligned(text))]


def contains_folded(keyword: str, text: str) -> bool:
    return bool(find_folded(keyword, text))


# --- OCR repairs -------------------------------------------------------------------------------------------

_HYPHEN_BREAK = re.compile(r"(\w)-[ \t]*\n[ \t]*(\w)")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_SOFT = re.compile(r"[\u00ad\u200c\u200d\ufeff]")
_AREA_UNIT = re.compile(r"(?<=\d)\s*(?:rn2|rn²|m\s?2|m\^2|m²|M2|m\s²)(?![\w])")
# Tesseract reads the superscript of m² as ? ' ” Ỷ ° * or drops it: after a number, "m" + such a mark is m²,
# and so is "m", "m3" or "m" + any mark right after "diện tích <number>" (an area is never in metres).
_AREA_UNIT_NOISY = re.compile(r"(?<=\d)\s*m[?'’‘”“\"ỶỷÝý°*](?!\w)")
# Right after "diện tích <number>" the unit can only be m² (or ha, which reads well): "m", "m3", "m7", "mỶ",
# "mŸ", "mˆ", "m#", "n/", "m²#" are all m² as Tesseract mangles the superscript.
# The superscript also comes back as any letter with a diacritic ("mổ", "mỸ", "mỂ"): "m" + one character that
# is not a plain letter, digit, space or punctuation is m² there too.
_AREA_AFTER_LABEL = re.compile(
    r"(\b[dđ]iện tích\s*(?:là\s*|khoảng\s*|:\s*)?[\d.,]+)\s*"
    r"(?:m²|m|rn|n(?=[/^ˆ])|a(?=2))(?:[37²2]|[^\sA-Za-z0-9,.;:()\[\]{}\-–]){0,2}(?![\w])", re.I)
# The number of an area, right after "diện tích" and before its unit: look-alikes of digits ("I.157", "2344,!",
# "6.(00", "! ha") and spaces OCR put inside it ("481 1,3", "4.908, 7") are repaired there only.
_AREA_NUMBER = re.compile(
    r"(\b[dđ]iện tích\s*(?:là\s*|khoảng\s*|:\s*)?)"
    r"((?:[\dIl|!(]|[§&](?=\d))(?:[\dIl|!(.,]|[§&](?=[\d.,])|&(?=\s*m)|/(?=\d+\s*ha\b))*(?:(?: |, )\d[\d.,]*)?)"
    r"(?=\s*(?:m|rn|n/|a2|ha\b|hécta|mét))", re.I)
_AREA_DIGITS = str.maketrans({"I": "1", "l": "1", "|": "1", "!": "1", "§": "8", "&": "8", "(": "0", "/": ","})


# a decimal digit read as a letter: "1.845,I m2", "368,lm2"
_DECIMAL_LETTER = re.compile(r"(?<=\d,)([Il|Oo])(?=\s*(?:m|rn|n/)(?:[ỶỷÝýŸÿ²237]|(?!\w))|\s*ha\b|\s*mét)")
_DIGITS = str.maketrans({"I": "1", "l": "1", "|": "1", "]": "1", "O": "0", "o": "0", "ó": "6", "§": "8"})


def _fix_area_number(m: re.Match) -> str:
    number = m.group(2)
    if not any(c.isdigit() for c in number):
        if number.strip() not in ("!", "I", "l", "|"):
            return m.group(0)  # "diện tích là mảnh …": no number here
    number = re.sub(r"(?<=[\d,.])\s(?=\d)", "", number.translate(_AREA_DIGITS))
    number = re.sub(r"[.,]{2,}", ",", number)  # "5.024.,7": a doubled separator is the decimal comma
    return m.group(1) + number


def _fix_decimal_letter(m: re.Match) -> str:
    return m.group(1).translate(_DIGITS)

_ELECTRIC = re.compile(r"\b([Đđ])iện tích\b")

# "đ" read as "d" in words (or phrases) that do not exist with a plain "d": repair only these (case kept).
# Real words such as dại, dỗ, dể, diều, dặng are left alone (and so are names).
_D_WORDS = (
    "dơn", "dất", "dịnh", "dồng", "dịa", "dến", "dúng", "dủ", "dặc", "duợc", "dại diện", "dề nghị", "dề xuất",
    "dối với",
)
_D_WORD_RE = re.compile(
    r"(?<![\w])([dD])(" + "|".join(re.escape(k[1:]) for k in _D_WORDS) + r")(?![\w])",
    re.IGNORECASE,
)

# Codes in document numbers: 123/QD-UBND → 123/QĐ-UBND; O/0 confusions.
_CODE_SEGMENTS = {
    "QD": "QĐ", "ND": "NĐ", "HD": "HĐ", "HDND": "HĐND", "UBNĐ": "UBND", "UBN0": "UBND", "U8ND": "UBND",
    "TTR": "TTr", "BTNMT": "BTNMT", "TNMT": "TNMT", "DKDD": "ĐKĐĐ", "VPDKDD": "VPĐKĐĐ", "NQ": "NQ",
    "TB": "TB", "T8": "TB", "KL": "KL", "BB": "BB", "BC": "BC", "CV": "CV", "TT": "TT", "CP": "CP",
    "QH": "QH", "UBND": "UBND", "TTCP": "TTCP", "QÐ": "QĐ",
}
_REF_RAW = re.compile(
    r"(?<![\w/])([0-9OolI]{1,5})(\s*/\s*[0-9OolI]{4})?\s*/\s*([A-ZĐÐ0-9][A-ZĐÐƯa-z0-9]{0,7}(?:\s*-\s*[A-ZĐÐ0-9][A-ZĐÐƯa-z0-9]{0,9})*)"
)


# "số441/BC-TNMT", "số 344BC-TNMT", "Số: 27 'TB-UBND", "2595 QD-UBND", "77/2015QH13": slashes and spaces
# around a document number that OCR lost or added
_NUMBER_GLUED = re.compile(r"\b([Ss]ố)(?=\d)")
_SLASH_LOST = re.compile(r"(\b[Ss]ố:?\s*|\b(?:[Qq]uyết định|[Tt]hông báo|[Cc]ông văn|[Bb]áo cáo|[Kk]ết luận) )"
                         r"(\d{1,5})\s?['’‘`]?\s?(?=(?:QĐ|QD|QÐ|TB|KL|BC|BB|CV|NĐ|ND|HĐ)\s?-)")
# the slash of a number after "số" read as a mark or lost before any code with a hyphen: "Kế hoạch số 2211 ï
# UBND-KT", "Số:1720TTr-UBND" (the codes _SLASH_LOST lists are the frequent ones; this is the general case)
REF_SLASH_MARK = re.compile(r"(\b[Ss]ố:?[ \t]*)(\d{1,5})(?:[ \t]?[ïíì'’‘`|][ \t]?|[ \t]?)"
                            r"(?=[A-ZĐ][A-ZĐa-z]{1,5}[ \t]?-[ \t]?[A-ZĐ]{2})")
# "!" for the 1 that starts a number: "Số: !903/TTr-UBND"
REF_BANG_ONE = re.compile(r"(?<![\w/!])!(?=\d{1,4}[ \t]*/[ \t]*[A-ZĐ0-9])")
# a separator OCR doubled inside a document number: "5959//QĐ-BVT", "12/QĐ--UBND"
REF_DOUBLED_SEPARATOR = re.compile(r"(?<=\d)([ \t]*/){2,}[ \t]*(?=[A-ZĐ])|(?<=[A-ZĐ])-{2,}(?=[A-ZĐ])")
_TT_OF_LOCAL_BODY = re.compile(r"TT-(?:UBND|HĐND)\b")
_DOUBLED_D_HEAD = re.compile(r"^([QNH])Đ{2,}(?=[A-Z])")
_YEAR_GLUED = re.compile(r"(?<![\w/])(\d{1,5}/(?:19|20)\d{2})(?=[A-ZĐ]{2})")


def _fix_digits(s: str) -> str:
    return s.translate(str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"}))


# segments of Vietnamese document numbers (type of document, issuing body) besides _CODE_SEGMENTS' own
_KNOWN_SEGMENTS = frozenset(_CODE_SEGMENTS.values()) | {
    "XPHC", "TCD", "STNMT", "VPĐKĐĐ", "ĐKĐĐ", "KH", "TP", "GM", "BTC", "BXD", "TAND", "VKSND", "CT", "TTg",
    "UBMTTQ", "QLĐT", "TCKH", "NV", "VP", "PC", "LĐTBXH", "NNPTNT", "GDĐT", "TCCB", "CAT", "CAH", "TTCP",
    "ĐGĐ", "QLĐĐ", "HĐBT", "TANDTC", "BTP", "BCA", "BNV",
}
_FUZZY_MIN_LEN = 4  # shorter codes are too close to each other to correct one letter


def _fix_code_segment(seg: str) -> str:
    """One segment of a document number as OCR read it → as written (`QĐÐ` → `QĐ`, `UIBND` → `UBND`)."""
    seg = seg.replace("Ð", "Đ")  # U+00D0 (Icelandic eth) looks identical to Đ
    key = seg.upper() if seg.upper() in _CODE_SEGMENTS else seg
    if key in _CODE_SEGMENTS:
        return _CODE_SEGMENTS[key]
    if seg in _KNOWN_SEGMENTS:
        return seg
    if len(seg) >= 3 and seg[0] in _STROKE and _fix_known(seg[1:]):  # "INĐ", "IBB": the slash's stroke
        return _fix_known(seg[1:])
    if re.fullmatch(r"[A-ZĐ0]+", seg) and "0" in seg and not seg[-1].isdigit():
        return seg.replace("0", "O")
    collapsed = re.sub(r"Đ{2,}", "Đ", seg)  # Tesseract doubles the Đ of QĐ: "QĐÐ", "QĐÐĐ"
    if collapsed in _KNOWN_SEGMENTS:
        return collapsed
    if _DOUBLED_D_HEAD.match(seg):  # "HĐĐĐKT" → "HĐKT" (QĐ, NĐ, HĐ never go on with another Đ)
        return _fix_code_segment(_DOUBLED_D_HEAD.sub(r"\1Đ", seg))
    for i in range(2, len(seg) - 1):  # a lost hyphen: "KLUBND" → "KL-UBND"
        head, tail = _fix_known(seg[:i]), _fix_known(seg[i:])
        if head and tail:
            return f"{head}-{tail}"
    return _nearest_segment(seg) or seg


def _fix_known(seg: str) -> str | None:
    key = seg.upper() if seg.upper() in _CODE_SEGMENTS else seg
    return _CODE_SEGMENTS.get(key) or (seg if seg in _KNOWN_SEGMENTS else None)


def _nearest_segment(seg: str) -> str | None:
    """The one known segment at one edit from `seg` (4+ letters), reading `LI`/`UƯ` as `U` first."""
    if len(seg) < _FUZZY_MIN_LEN or not seg.isalpha():
        return None
    for variant in {seg, seg.replace("LI", "U").replace("UƯ", "U").replace("Ư", "U")}:
        if variant in _KNOWN_SEGMENTS:
            return variant
    close = [k for k in _KNOWN_SEGMENTS if len(k) >= _FUZZY_MIN_LEN and _ocr_slip(seg, k)]
    return close[0] if len(close) == 1 else None


# letters Tesseract takes for one another in capitals; a slip outside these (K→B, a lost S) is another code:
# "HĐKT" is not "HĐBT", "SGDĐT" is not "GDĐT"
_LOOK_ALIKE = {frozenset(p) for p in (
    "BR", "B8", "BE", "DO", "DĐ", "ĐO", "OQ", "OC", "CG", "IL", "IT", "IJ", "LT", "UV", "UƯ", "NH", "NM", "MH", "HK",
    "EF", "FP", "PR", "VY", "KX", "S5", "Z2", "TY",
)}
_THIN = set("Il1|'.,")  # glyphs OCR adds inside a word (a speck, a stroke split off a letter)
_STROKE = set("IlJ|1(")  # the slash before a code read as a letter of it: "316/JUBND", "43/2014/INĐ-CP"


def _ocr_slip(seg: str, known: str) -> bool:
    """Is `seg` the `known` code segment with one OCR slip: a look-alike letter, a doubled letter, or a
    thin glyph added?"""
    if len(seg) == len(known):
        diff = [(a, b) for a, b in zip(seg, known) if a != b]
        return len(diff) == 1 and frozenset(diff[0]) in _LOOK_ALIKE
    if len(seg) == len(known) + 1:
        if seg[1:] == known and seg[0] in _STROKE:
            return True
        for i, ch in enumerate(seg):
            if seg[:i] + seg[i + 1:] == known:
                return ch in _THIN or (i > 0 and seg[i - 1] == ch) or (i + 1 < len(seg) and seg[i + 1] == ch)
    return False


def _fix_ref(m: re.Match) -> str:
    num = m.group(1)
    if not any(c.isdigit() for c in num):
        return m.group(0)
    year = m.group(2)
    code = m.group(3)
    segments = [s.strip() for s in code.split("-")]
    if not re.match(r"[A-ZĐÐ]", segments[0]) and segments[0] not in ("0",):
        return m.group(0)
    fixed = "-".join(_fix_code_segment(s) for s in segments)
    if not year and _TT_OF_LOCAL_BODY.match(fixed):
        fixed = "TTr" + fixed[2:]  # a people's committee or council issues tờ trình (TTr), never thông tư (TT)
    out = _fix_digits(num)
    if year:
        out += "/" + _fix_digits(year.replace("/", "").strip())
    return out + "/" + fixed


def _fix_d(m: re.Match) -> str:
    first, rest = m.group(1), m.group(2)
    return ("Đ" if first == "D" else "đ") + rest


# Tesseract reads "/" as a fraction slash and digits as look-alike letters inside numbers: "10/I1⁄2019".
_SLASHES = str.maketrans({"\u2044": "/", "\u2215": "/", "\uff0f": "/"})
_DIGIT_LIKE = re.compile(r"(?<![\w.,\[])(?=[\dIlOoó|\]§]*\d)[\dIlOoó|\]§]{2,}(?![\w])")
_DIGITS = str.maketrans({"I": "1", "l": "1", "|": "1", "]": "1", "O": "0", "o": "0", "ó": "6", "§": "8"})


def _fix_number(m: re.Match) -> str:
    return m.group(0).translate(_DIGITS)


# After a numbering label ("số", "thửa", "tờ") a token made only of I/l/| is a number read as letters:
# "tờ bản đồ số II" is sheet 11 (Roman numerals do not follow these labels in petitions or rulings).
_NUMBER_LABEL_LETTERS = re.compile(r"\b((?:số|Số|thửa|tờ|bản đồ|so|thua|to) )([Il|§]{1,3})(?![\w])")


def _fix_label_number(m: re.Match) -> str:
    return m.group(1) + m.group(2).translate(_DIGITS)


# A parcel or sheet number that OCR split in two ("số thửa: 1 160", "tờ bản đồ số 1 1"): a parcel label is
# never followed by two bare numbers, so they are one.
_SPLIT_PARCEL_NUMBER = re.compile(
    r"((?:thửa(?: đất)?|tờ(?: bản đồ)?(?: địa chính)?)(?: số)?\s*:?\s*|số thửa\s*:?\s*)"
    r"(\d{1,2}) (\d{1,3})(?![\d.,/]?\d)(?!\s*(?:m²|m2|ha\b|mét|năm|tháng|ngày))", re.I)


# "S" for a 5 inside a parcel or sheet number after its label: "thửa số 1S4", "tờ bản đồ số S1"
PARCEL_NUMBER_S = re.compile(r"((?:thửa|tờ)(?: đất| bản đồ)?(?: địa chính)?(?: số)?\s*:?\s*)"
                             r"(?=[\dS]*\d)(?=[\d]*S)([\dS]{2,5})(?![\w])", re.I)


def normalize_line(line: str) -> str:
    line = _SPACES.sub(" ", line).strip().translate(_SLASHES)
    line = _DIGIT_LIKE.sub(_fix_number, line)
    line = _NUMBER_LABEL_LETTERS.sub(_fix_label_number, line)
    line = PARCEL_NUMBER_S.sub(lambda m: m.group(1) + m.group(2).replace("S", "5"), line)
    line = _SPLIT_PARCEL_NUMBER.sub(r"\1\2\3", line)
    line = _ELECTRIC.sub(lambda m: ("D" if m.group(1) == "Đ" else "d") + "iện tích", line)
    line = _DECIMAL_LETTER.sub(_fix_decimal_letter, line)
    line = _AREA_NUMBER.sub(_fix_area_number, line)
    line = _AREA_UNIT.sub(" m²", line)
    line = _AREA_UNIT_NOISY.sub(" m²", line)
    line = _AREA_AFTER_LABEL.sub(r"\1 m²", line)
    line = _D_WORD_RE.sub(_fix_d, line)
    line = _NUMBER_GLUED.sub(r"\1 ", line)
    line = _SLASH_LOST.sub(r"\1\2/", line)
    line = REF_DOUBLED_SEPARATOR.sub(lambda m: "/" if "/" in m.group(0) else "-", line)
    line = REF_SLASH_MARK.sub(r"\1\2/", line)
    line = REF_BANG_ONE.sub("1", line)
    line = _YEAR_GLUED.sub(r"\1/", line)
    line = _REF_RAW.sub(_fix_ref, line)
    return line


def normalize_text(text: str) -> str:
    """NFC, rejoin hyphenated line breaks, collapse spaces per line, repair common OCR confusions.

    Line structure is kept (headings, signature blocks); runs of blank lines collapse to one.
    """
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _SOFT.sub("", text)
    text = _HYPHEN_BREAK.sub(_join_hyphen, text)
    lines = [normalize_line(line) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    text = unwrap_lines("\n".join(out))
    # the unit of an area can start the next line ("diện tích 1.810,1⏎mỶ"): once more over line breaks
    return _AREA_AFTER_LABEL.sub(r"\1 m²", _DECIMAL_LETTER.sub(_fix_decimal_letter, text))


# an address line ends with its province: "Địa chỉ: xã Bình Thạnh, tỉnh An Giang⏎Việc cấp giấy …" is two lines
_ENDS_WITH_PROVINCE = re.compile(r"(?<![^\W\d_])(?:An Giang|Kiên Giang|Đồng Tháp|Cần Thơ|Hậu Giang|Vĩnh Long|"
                                 r"Sóc Trăng|Bạc Liêu|Cà Mau|Trà Vinh|Bến Tre|Tiền Giang|Long An)[ \t]*$", re.I)
_LIST_OR_LABEL = re.compile(r"\s*(?:\d{1,2}[.)/]\s|[-+•*–]\s|[IVX]+\.\s|[a-zđ][.)]\s|[^:\n,;.]{1,30}:|\()")
_SENTENCE_END = (".", "!", "?")


def unwrap_lines(text: str) -> str:
    """Join lines that OCR wrapped inside a paragraph (a newline becomes a space: offsets are kept).

    A newline stays where a paragraph ends: after `.`, after `:`/`;` unless the next line goes on in lower
    case (`địa chỉ thường trú:⏎ấp Tây Khánh`, `…;⏎ông Trần Văn B`), after a line clearly shorter than the
    page's full lines, before a list item or a `Label:` line, and around headings in capitals.
    """
    lines = text.split("\n")
    if len(lines) < 3:
        return text
    lengths = sorted(len(x) for x in lines if x)
    full = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        if i == len(lines) - 1:
            break
        nxt = lines[i + 1]
        keep = (
            not line or not nxt
            or line.endswith(_SENTENCE_END)
            or (line.endswith((":", ";")) and not nxt[0].islower())
            or len(line) < 0.75 * full
            or _LIST_OR_LABEL.match(nxt)
            or _is_caps(line) or _is_caps(nxt)
            or (_ENDS_WITH_PROVINCE.search(line) and nxt[:1].isupper())
        )
        out.append("\n" if keep else " ")
    return "".join(out)


def _is_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _join_hyphen(m: re.Match) -> str:
    a, b = m.group(1), m.group(2)
    if a.isupper() and b.isupper() or a.isdigit() or b.isdigit():
        return f"{a}-{b}"  # a code split at its hyphen: QĐ-\nUBND
    return a + b
