"""Document kind from its title lines (ĐƠN …, QUYẾT ĐỊNH, KẾT LUẬN, THÔNG BÁO, BIÊN BẢN, BÁO CÁO, CÔNG VĂN).

Only the heading area counts: `Căn cứ Quyết định số …` in a letter's body does not make it a decision.
"""

from __future__ import annotations

import re

from classify.normalize import fold_aligned, fuzzy_phrase

HEAD_LINES = 18
_SKIP = re.compile(
    r"^(?:cong hoa|doc lap|uy ban|ubnd|thanh tra|so\s*:|s[o0]\s*:|\S.{0,40},\s*ngay|-+|_+|\*+|hoi dong|"
    r"chi nhanh|van phong|phong |toa an|so tai nguyen|ban tiep)"
)
_TITLES: list[tuple[str, str]] = [
    (fuzzy_phrase("quyet dinh"), "decision"),
    (fuzzy_phrase("ket luan"), "conclusion"),
    (fuzzy_phrase("thong bao"), "notice"),
    (fuzzy_phrase("bien ban"), "minutes"),
    (fuzzy_phrase("bao cao"), "other"),
    (fuzzy_phrase("cong van"), "other"),
    (r"to trinh|giay moi|ke hoach", "other"),
    # "Đơn vị …" (unit), "đơn giá" (unit price), "đơn hàng" are not a letter's title
    (r"(?:d[o0ơ]n|dcn|d0n)(?!\s+(?:vi|gia|hang|dat hang|thuoc|phuong)(?![a-z]))", "petition"),
]
_TITLE_RE = [(re.compile(rf"^\s*(?:{p})(?![a-z0-9])"), k) for p, k in _TITLES]
# OCR splits or joins the letters of a heading ("QUYÊ T ĐỊNH"): match it without spaces too
_COMPACT_TITLE_RE = [
    (re.compile(rf"^(?:{fuzzy_phrase(w.replace(' ', ''))})"), k)
    for w, k in (("quyet dinh", "decision"), ("ket luan", "conclusion"), ("thong bao", "notice"),
                 ("bien ban", "minutes"), ("bao cao", "other"), ("cong van", "other"))
]
_JUNK = re.compile(r"^[\W_\d]*(?=\w)")
_CODE_KIND = {"QĐ": "decision", "KL": "conclusion", "TB": "notice", "BB": "minutes", "BC": "other", "CV": "other"}
_OWN_NUMBER = re.compile(r"^\s*S[ốoô0]\s*:?\s*\d+(?:/\d{4})?/([A-ZĐ]+)", re.M)
# an official's own number with a handwritten or damaged number: "Số: 4/35 /SGDĐT-CTrTT", "Sê: 619/1:BVT-TCKT"
_OWN_NUMBER_LOOSE = re.compile(r"^\s*S[ốoôê0e]\s*:?\s*[\d#!]\S{0,8}(?:\s\S{0,4})?\s*/\s*[A-ZĐ0-9:]*[A-ZĐ]{2,}-[A-ZĐ]", re.M)
# "V/v …" (về việc) in the heading area without a title word: an official letter (công văn); a citizen's letter
# writes it in brackets under its ĐƠN title
_VV_LINE = re.compile(r"^\s*v\s*[/.]\s*v\b", re.M)


def _is_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.7 * len(letters)


def detect_kind(text: str) -> str:
    """One of petition, decision, conclusion, notice, minutes, other."""
    lines = [ln for ln in text.split("\n") if ln.strip()][:HEAD_LINES]
    fallback = None
    for line in lines:
        line = _JUNK.sub("", line.strip())  # "- QUYẾT ĐỊNH", "_ BIÊN BẢN ¬"
        folded = fold_aligned(line)
        if _SKIP.match(folded):
            continue
        if _is_heading(line):
            compact = re.sub(r"\s+", "", folded)
            hit = next((k for rx, k in _COMPACT_TITLE_RE if rx.match(compact)), None)
            if hit:
                return hit
        for rx, kind in _TITLE_RE:
            if rx.match(folded):
                after = folded[rx.match(folded).end():].strip()
                if _is_heading(line):
                    return kind
                # a sentence-case title line, but not a body sentence citing a document
                if fallback is None and not re.match(r"(?:so\b|\d|cua\b|nay\b)", after) and len(line) < 90:
                    fallback = kind
    if fallback:
        return fallback
    m = _OWN_NUMBER.search("\n".join(lines))
    if m:  # an official's own number without a title: its code says the kind; a công văn (123/UBND-TNMT) is other
        return _CODE_KIND.get(m.group(1), "other")
    head = fold_aligned("\n".join(lines))
    if _OWN_NUMBER_LOOSE.search("\n".join(lines)) or _VV_LINE.search(head):
        return "other"
    # a letter without a title speaks in the first person: "tôi" (with its diacritics: "tới" folds alike)
    if re.search(r"kinh gui", head) and re.search(r"(?<!\w)(?:tôi|chúng tôi)(?!\w)", text.lower()):
        return "petition"
    return "other"


def title_lines(text: str) -> list[str]:
    """The title line and the lines that continue it (`ĐƠN KHIẾU NẠI`, `V/v …`), for type evidence."""
    lines = [ln for ln in text.split("\n") if ln.strip()][:HEAD_LINES]
    for i, line in enumerate(lines):
        folded = fold_aligned(_JUNK.sub("", line.strip()))
        if _SKIP.match(folded):
            continue
        if any(rx.match(folded) for rx, _ in _TITLE_RE) and _is_heading(line):
            out = [line]
            for nxt in lines[i + 1:i + 4]:
                f = fold_aligned(nxt.strip())
                if _is_heading(nxt) or f.startswith(("v/v", "ve viec", "(v/v", "ve ")):
                    out.append(nxt)
                else:
                    break
            return out
    return []
