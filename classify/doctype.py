"""Document type by content (Circular 05/2021/TT-TTCP): weighted evidence phrases, softmax confidence.

Evidence phrases are matched on folded tokens by the pipeline's PhraseMatcher (see `classify.pipeline`);
this module weighs them: a ruling's `Căn cứ Luật Khiếu nại` is weak evidence, the title counts extra, a
negated phrase (`không phải tố cáo`) counts nothing, and content can override a misleading title.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from classify.normalize import fold_aligned

TYPES = ("complaint", "denunciation", "recommendation", "land_dispute")

# folded phrase → weight, per type. "neutral" phrases cancel the evidence they overlap (boilerplate).
EVIDENCE: dict[str, dict[str, float]] = {
    "complaint": {
        "khieu nai": 1.0, "don khieu nai": 2.0, "nguoi khieu nai": 3.0, "nguoi bi khieu nai": 2.5,
        "quyet dinh hanh chinh": 1.5, "hanh vi hanh chinh": 1.5, "thu hoi dat": 0.8, "boi thuong": 0.6,
        "phuong an boi thuong": 1.0, "ho tro tai dinh cu": 0.8, "tai dinh cu": 0.5, "gia boi thuong": 1.0,
        "giai quyet khieu nai": 2.0, "khieu nai lan dau": 2.5, "khieu nai lan hai": 2.5, "lan dau": 0.5,
        "huy quyet dinh": 1.5, "huy bo quyet dinh": 1.5, "thu ly giai quyet khieu nai": 2.0,
        "noi dung khieu nai": 2.0, "khieu nai dung": 2.0, "khieu nai sai": 2.0, "khieu nai dung mot phan": 2.0,
        "tu choi cap giay chung nhan": 1.0, "khong cap giay chung nhan": 0.8, "ky luat": 0.5,
        "xu phat vi pham hanh chinh": 1.2, "tu choi cap": 1.5, "bi tu choi": 1.0, "muc phat": 1.0,
        "bien ban vi pham hanh chinh": 0.8, "kiem dem": 0.8, "xem xet lai": 0.8, "quyen loi hop phap": 0.6,
        "khong du dieu kien": 0.6, "quyet dinh thu hoi dat": 1.5, "dieu chinh lai": 0.6, "cuong che": 0.8, "don gia": 0.5, "ap gia": 0.8,
        "toi khieu nai": 2.0, "chung toi khieu nai": 2.0, "lam don khieu nai": 2.5, "lam don nay khieu nai": 2.5,
        "khong dong y voi quyet dinh": 1.5, "khong dong y voi cong van": 1.5,
        "khong dong y voi": 0.6, "tra loi don": 0.5,
        "tu choi": 1.0, "ly do tu choi": 1.5, "thu hoi cong van": 1.5, "noi dung cong van": 1.0,
        "cap giay chung nhan": 0.4, "quyet dinh bi khieu nai": 2.5, "xem xet lai quyet dinh": 1.5,
    },
    "denunciation": {
        "to cao": 1.5, "don to cao": 2.5, "nguoi to cao": 3.0, "nguoi bi to cao": 3.0, "noi dung to cao": 2.5,
        "ket luan noi dung to cao": 3.0, "giai quyet to cao": 2.0, "nhan hoi lo": 3.0, "hoi lo": 2.0,
        "tham nhung": 2.0, "loi dung chuc vu": 2.5, "loi dung chuc vu, quyen han": 2.5, "lam sai lech ho so": 2.5,
        "sai lech ho so": 2.0, "vi pham phap luat": 0.6, "nhung nhieu": 2.0, "doi tien": 2.0, "de nghi xu ly": 0.6, "kiem tra, xu ly": 0.6, "nhan tien": 1.2,
        "chiem doat": 1.5, "lam gia": 1.5, "gia mao": 1.5, "bao che": 1.5, "tieu cuc": 1.2, "ca nhan hoa": 0.5,
        "vu loi": 1.5, "tu loi": 1.5, "ton that tai san nha nuoc": 1.5, "thieu trach nhiem": 1.0,
        "xu ly nghiem": 1.0, "lam trai quy dinh": 0.8, "sai pham": 1.0, "hanh vi vi pham": 1.0,
        "toi to cao": 2.5, "chung toi to cao": 2.5, "lam don to cao": 2.5, "lam don nay to cao": 2.5,
        "hanh vi cua ong": 2.0, "hanh vi cua ba": 2.0, "sai pham cua ong": 2.0, "sai pham cua ba": 2.0,
        "xu ly nghiem ong": 2.0, "xu ly nghiem ba": 2.0, "xu ly ong": 1.5, "xu ly ba": 1.5,
        "trach nhiem cua ong": 1.5, "trach nhiem cua ba": 1.5, "vi pham nghiem trong phap luat": 1.5,
        "mat long tin": 1.0, "khong cong khai": 1.0, "danh sach khong": 2.0, "ky thay": 1.5, "chu ky": 0.3,
        "tra thu": 1.0, "tru dap": 1.5, "chi dao": 0.5, "an chia": 1.5, "bao ke": 1.5,
        "giu bi mat": 1.0, "bi mat ho ten": 1.5, "an hoi lo": 3.0, "buoc phai dua": 1.5, "dua tien": 1.5,
    },
    "recommendation": {
        "kien nghi": 1.5, "don kien nghi": 2.5, "phan anh": 1.5, "don phan anh": 2.5, "kien nghi, phan anh": 2.0,
        "de nghi": 0.3, "duong giao thong": 1.0, "tuyen duong": 1.0, "xuong cap": 1.5, "o ga": 1.5,
        "ngap ung": 1.5, "ngap nuoc": 1.2, "o nhiem": 1.5, "moi truong": 0.8, "nuoc sach": 1.2,
        "nuoc sinh hoat": 1.2, "sat lo": 1.2, "thoat nuoc": 1.2, "rac thai": 1.2, "tieng on": 1.2,
        "den chieu sang": 1.2, "cay cau": 1.0, "cau tam": 1.0, "cong thoat nuoc": 1.2,
        "dien sinh hoat": 1.0, "mui hoi": 1.2, "chan nuoi": 0.6, "xa thai": 1.5, "bui": 0.5, "hu hong": 0.8,
        "buc xuc": 0.6, "chua duoc khac phuc": 1.0, "khac phuc": 0.6, "dong ho nuoc": 1.0, "duong ong": 1.0,
        "gia nuoc": 1.0, "nuoc song": 0.6, "ho ngheo": 0.8, "binh xet": 0.8, "thien tai": 0.8, "bui bam": 1.0,
        "khoi bui": 1.0, "anh huong den sinh hoat": 1.0, "dau tu": 0.6, "ha tang": 0.8, "de bao": 1.0,
        "xin kien nghi": 2.0, "xin phan anh": 2.0, "toi kien nghi": 2.0, "chung toi kien nghi": 2.0,
        "nang cap": 1.0, "sua chua": 0.6, "chinh sach": 0.6, "de xuat": 0.8, "bat cap": 1.0,
        "an toan giao thong": 1.0, "he thong thuy loi": 1.0, "kenh muong": 0.8, "bom nuoc": 0.6,
    },
    "land_dispute": {
        "tranh chap": 2.0, "tranh chap dat dai": 3.0, "tranh chap quyen su dung dat": 3.0,
        "giai quyet tranh chap": 2.5, "hoa giai": 1.5, "hoa giai khong thanh": 2.5, "hoa giai thanh": 2.0,
        "hoa giai tranh chap": 2.5, "lan chiem": 2.0, "lan chiem dat": 2.5, "ranh gioi": 1.5, "lan ranh": 2.0,
        "mo coc": 1.0, "cam coc": 1.0, "cot moc": 1.0, "hang rao": 0.8, "xay dung lan": 1.5, "chiem dung": 1.5,
        "chiem dat": 1.5, "doi lai dat": 1.5, "tra lai dat": 1.5, "nguyen don": 1.5, "bi don": 1.5,
        "thua ke": 0.8, "cho muon dat": 1.5, "muon dat": 1.0, "chuyen nhuong": 0.4, "ben a": 0.6,
        "ben b": 0.6, "cac ben": 0.8, "hien trang su dung dat": 0.8, "do dac": 0.6,
    },
    "neutral": {
        "luat khieu nai": 0, "luat to cao": 0, "luat tiep cong dan": 0, "khieu nai, to cao": 0,
        "khieu nai to cao": 0, "quyen khieu nai": 0, "co quyen khieu nai": 0, "khieu nai hoac khoi kien": 0,
        "khieu nai, khoi kien": 0, "khoi kien": 0, "tiep cong dan": 0, "don thu": 0, "xu ly don": 0,
        "xu ly don thu": 0, "thanh tra chinh phu": 0, "ban tiep cong dan": 0, "luat dat dai": 0,
        "de nghi xem xet": 0, "de nghi giai quyet": 0, "bao cao ket qua": 0, "tranh chap dat dai theo quy dinh": 0,
        "khieu nai, to cao, kien nghi, phan anh": 0, "kien nghi, phan anh, khieu nai, to cao": 0,
        "to cao, kien nghi, phan anh": 0, "khieu nai, to cao, kien nghi": 0,
    },
}
# title phrases (folded, matched in the title lines) → type, added with TITLE_WEIGHT
TITLE_PHRASES: dict[str, str] = {
    "khieu nai": "complaint", "to cao": "denunciation", "kien nghi": "recommendation",
    "phan anh": "recommendation", "tranh chap": "land_dispute", "hoa giai": "land_dispute",
}
TITLE_WEIGHT = 2.5
BOILERPLATE_FACTOR = 0.15
TEMPERATURE = 2.0
MIN_SCORE = 1.5
MIN_CONFIDENCE = 0.6  # with the textcat: below it decisions were right about half the time (docs/understanding.md)
RULES_ONLY_MIN_CONFIDENCE = 0.3  # the rules' own softmax, when no textcat is given
RULES_POWER = 1.0
LEARNED_POWER = 2.0
# A document of kind `other` has a type only when it is about a citizen's letter (đơn): a reply to it, a report
# on it. "hóa đơn" (invoice), "đơn giá" (unit price), "đơn vị" (unit) are not letters.
_ABOUT_A_LETTER = re.compile(
    r"(?<![a-z])(?:don (?:khieu nai|to cao|kien nghi|phan anh|de nghi|cua|xin|trinh bay|yeu cau)|noi dung don|"
    r"nguoi (?:co|dung|lam|gui) don|tra loi don|xac minh (?:noi dung )?don|(?:tiep nhan|nhan duoc|nhan) (?:duoc )?don|"
    r"lam don|xu ly don)(?![a-z])"
)
# the types of letter a text names; two or more together are an enumeration ("số đơn khiếu nại, tố cáo, kiến
# nghị đã tiếp nhận" in a periodic report), not a letter the document is about
_TYPE_WORDS = {"complaint": r"khieu nai", "denunciation": r"to (?:cao|giac)", "recommendation": r"kien nghi|phan anh",
               "land_dispute": r"tranh chap"}
_TYPE_WORD_RE = re.compile(r"(?<![a-z])(?:" + "|".join(f"(?P<{t}>{p})" for t, p in _TYPE_WORDS.items()) + r")(?![a-z])")
# a phiếu chuyển đơn: the letter received, then what it asks ("… nhận được đơn của ông A, … tố cáo …")
_FORWARDS = re.compile(r"(?<![a-z])(?:phieu chuyen don|chuyen don)(?![a-z])")
_RECEIVED = re.compile(r"(?<![a-z])(?:nhan duoc|tiep nhan|nhan) (?:duoc )?don(?![a-z])")
_NEGATION = re.compile(r"(?:khong phai(?: la)?|khong co|khong|chua|chang)\s+(?:\w+\s+){0,1}$")
# "Căn cứ Luật Khiếu nại, tôi khiếu nại …": after the comma the letter speaks for itself
_OWN_CLAUSE = re.compile(r",\s+(?:toi|chung toi|gia dinh|ho gia dinh|cac ho|nay)\b")
# "Ngoài ra, tôi cũng xin phản ánh …": a secondary matter
_SECONDARY = re.compile(r"\s*(?:ngoai ra|ben canh do|them vao do| ngoai viec)\b")
SECONDARY_FACTOR = 0.4
_REPORTED = re.compile(r"(?:voi ly do|ly do la|cho rang|vi ly do)\b[^.;\n]{0,30}$")
REPORTED_FACTOR = 0.3
_BOILERPLATE_LINE = re.compile(r"^\s*[-+•]?\s*(?:can cu|theo quy dinh|thuc hien|xet de nghi|xet bao cao)")


@dataclass
class Hit:
    start: int  # character offsets in the text
    end: int
    type: str
    phrase: str  # folded phrase as matched


@dataclass
class TypeDecision:
    type: str
    confidence: float
    evidence: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)


def _weight(hit: Hit, text: str, folded: str, title_span: tuple[int, int]) -> float:
    w = EVIDENCE[hit.type].get(hit.phrase, 0.0)
    line_start = folded.rfind("\n", 0, hit.start) + 1
    before = folded[max(line_start, hit.start - 30):hit.start]
    if _NEGATION.search(before):
        return 0.0
    if _REPORTED.search(before):
        w *= REPORTED_FACTOR  # "… với lý do đất đang có tranh chấp": someone else's reason
    if re.search(r"(?:luat|nghi dinh|thong tu)\s+$", before) or (
        _BOILERPLATE_LINE.match(folded, line_start) and not _OWN_CLAUSE.search(folded, line_start, hit.start)
    ):
        w *= BOILERPLATE_FACTOR
    sentence_start = max(folded.rfind(". ", 0, hit.start) + 2, line_start)
    if _SECONDARY.match(folded, sentence_start):
        w *= SECONDARY_FACTOR
    if title_span[0] <= hit.start < title_span[1]:
        return 0.0  # counted through TITLE_PHRASES instead
    return w


def decide_type(text: str, hits: list[Hit], title: list[str], learned: dict[str, float] | None = None,
                kind: str | None = None) -> TypeDecision:
    """Weigh the evidence hits (from the PhraseMatcher) and the title; softmax → type and confidence.

    `learned` (P(type) from `classify.textcat`) joins as a product of experts: the rules' softmax (with its
    `unknown` option) to the power RULES_POWER times the textcat's probability to the power LEARNED_POWER
    (a uniform 1/4 for `unknown`).

    A document of kind `other` (no petition, ruling, conclusion, notice or minutes title) gets a type only when
    it is about a citizen's letter (`_ABOUT_A_LETTER`: a reply to it, a report on it); a contract, a receipt or
    a certificate in a dossier is `unknown` however sure the textcat is (it never saw such documents).
    """
    folded = fold_aligned(text)
    title_text = "\n".join(title)
    t_start = text.find(title[0]) if title else -1
    title_span = (t_start, t_start + len(title_text)) if t_start >= 0 else (0, 0)
    neutral = [(h.start, h.end) for h in hits if h.type == "neutral"]
    scores = {t: 0.0 for t in TYPES}
    support: dict[str, list[tuple[float, str]]] = {t: [] for t in TYPES}
    # keep only the longest phrase where phrases of one type overlap
    by_type: dict[str, list[Hit]] = {}
    for h in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if h.type == "neutral" or any(s <= h.start and h.end <= e for s, e in neutral):
            continue
        same = by_type.setdefault(h.type, [])
        if same and h.start < same[-1].end:
            continue
        same.append(h)
    for t, lst in by_type.items():
        for h in lst:
            w = _weight(h, text, folded, title_span)
            if w <= 0:
                continue
            scores[t] += w
            support[t].append((w, text[h.start:h.end]))
    f_title = fold_aligned(title_text)
    for phrase, t in TITLE_PHRASES.items():
        if re.search(rf"(?<![a-z]){phrase}(?![a-z])", f_title):
            scores[t] += TITLE_WEIGHT
            support[t].append((TITLE_WEIGHT, _slice_title(title_text, f_title, phrase)))
    top = max(scores.values())
    logits = {t: RULES_POWER * (scores[t] - top) / TEMPERATURE for t in TYPES}
    logits["unknown"] = RULES_POWER * -top / TEMPERATURE  # an "unknown" option at score 0
    if learned:
        for t in TYPES:
            logits[t] += LEARNED_POWER * math.log(max(learned.get(t, 0.0), 1e-6))
        logits["unknown"] += LEARNED_POWER * math.log(1 / len(TYPES))
    peak = max(logits.values())
    total = sum(math.exp(v - peak) for v in logits.values())
    best = max(TYPES, key=lambda t: logits[t])
    confidence = math.exp(logits[best] - peak) / total
    evidence = []
    for _, phrase in sorted(support[best], key=lambda x: -x[0]):
        if phrase not in evidence:
            evidence.append(phrase)
    if scores[best] <= 0 and not learned:
        return TypeDecision("unknown", 0.0, [], scores)
    if kind == "other":
        forwarded = _forwarded_type(text, folded)
        if forwarded:
            return TypeDecision(forwarded[0], 0.9, [forwarded[1]], scores)
        if not any(not _enumeration(folded, m) for m in _ABOUT_A_LETTER.finditer(folded)):
            return TypeDecision("unknown", 0.0, [], scores)
    if confidence < (MIN_CONFIDENCE if learned else RULES_ONLY_MIN_CONFIDENCE) or (
            scores[best] < MIN_SCORE and not learned):
        return TypeDecision("unknown", round(confidence, 3), evidence[:5], scores)
    return TypeDecision(best, round(confidence, 3), evidence[:5], scores)


def _enumeration(folded: str, m: re.Match) -> bool:
    """Is this mention of a letter part of a list of letter types (`đơn khiếu nại, đơn tố cáo và …`)?"""
    window = folded[max(0, m.start() - 25):m.end() + 40]
    kinds = {w.lastgroup for w in _TYPE_WORD_RE.finditer(window)}
    return len(kinds) >= 2


def _forwarded_type(text: str, folded: str) -> tuple[str, str] | None:
    """A phiếu chuyển đơn is typed by the letter it forwards: the first type word after `nhận được đơn`
    (its title word `đơn tố cáo`, or the verb of its writer `…, khiếu nại Quyết định …`)."""
    if not _FORWARDS.search(folded):
        return None
    for m in _RECEIVED.finditer(folded):
        w = _TYPE_WORD_RE.search(folded, m.end(), min(len(folded), m.end() + 400))
        if w:
            return w.lastgroup, f"{text[m.start():m.end()]} … {text[w.start():w.end()]}"
    return None


def _slice_title(title: str, folded: str, phrase: str) -> str:
    m = re.search(rf"(?<![a-z]){phrase}(?![a-z])", folded)
    return title[m.start():m.end()] if m else phrase
