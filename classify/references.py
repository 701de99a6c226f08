"""References to documents: `123/QĐ-UBND`, `124/2020/NĐ-CP`, with the date and issuer written next to them."""

from __future__ import annotations

import re

from donthu.schema import Reference

from classify.dates import find_dates
from classify.normalize import _fix_code_segment, _fix_digits, fold_aligned
from classify.places import is_known_place

_NUM = re.compile(
    r"(?<![\w/])([0-9OolI]?[0-9][0-9OolI]{0,4})[ \t]*(?:/[ \t]*((?:19|20)[0-9]{2}))?[ \t]*/[ \t]*"
    r"([A-ZĐÐ][A-ZĐÐƯa-z0-9]{0,7}(?:[ \t]*-[ \t]*[A-ZĐÐ][A-ZĐÐƯa-z0-9]{0,9})*)"
)
# numbers of the Party's documents: "Thông báo số 496-TB/TU", "Nghị quyết số 29-NQ/TW", "Chỉ thị 05-CT/TW"
_PARTY_NUM = re.compile(r"(?<![\w/-])([0-9OolI]?[0-9][0-9OolI]{0,4})-(NQ|TB|CT|KL|QĐ|HD|HĐ|BC|KH|QC|QĐi|CV)/"
                        r"([A-ZĐ][A-ZĐ0-9]{1,5})(?![\w/])")
_ISSUER_START = re.compile(r"\s*,?\s*(?:cua|do)\s+(?=\S)")
_ISSUER_STOP = re.compile(
    r"[,.;:()\[\]\n]|\s(?:ve viec|ve|v/v|ngay|doi voi|voi|thi(?! xa| tran)|la|da|nay|tai|ban hanh|quy dinh|huong dan|"
    r"theo|nhung|va nguoi|ma|vi|cho|giai quyet|thu hoi)\b"
)
_MAX_ISSUER = 90


_TOKEN = re.compile(r"[ \t]*(?:\n[ \t]*)?([^\s]+)")
_LEVELS = ("thi xa", "thi tran", "thanh pho", "xa", "phuong", "huyen", "quan", "tinh")


def agency_end(text: str, folded: str, start: int, max_words: int = 14) -> int | None:
    """End offset of an agency/official name at `start` that ends with a place (`UBND huyện Chợ Mới`).

    Words run up to the first level word (xã, huyện, tỉnh, thị xã, thành phố, ...) and the capitalised
    proper name after it. None if no level word comes before punctuation.
    """
    pos, words = start, 0
    while words < max_words:
        m = _TOKEN.match(text, pos)
        if not m:
            return None
        f = folded[m.start(1):m.end(1) + 10]
        level = next((lv for lv in _LEVELS if f.startswith(lv) and (len(f) == len(lv) or not f[len(lv)].isalpha())), None)
        if level:
            end = m.start(1) + len(level)
            name_end = end
            while True:
                n = _TOKEN.match(text, name_end)
                if not n or not n.group(1)[0].isupper():
                    break
                if "\n" in text[name_end:n.start(1)] and is_known_place(text[end:name_end]):
                    break  # "huyện Chợ Mới\nVề việc …"; but "huyện Châu\nThành" continues
                word = n.group(1)
                stripped = word.rstrip(",.;:)]")
                if stripped != word:
                    name_end = n.start(1) + len(stripped)
                    break
                name_end = n.end(1)
            return name_end
        word = m.group(1)
        if word.rstrip(",.;:)]") != word or word.startswith("("):
            return None
        pos = m.end(1)
        words += 1
    return None


def _clean_number(m: re.Match) -> str:
    num = _fix_digits(m.group(1))
    code = "-".join(_fix_code_segment(s.strip()) for s in re.split(r"\s*-\s*", m.group(3)))
    return f"{num}/{m.group(2)}/{code}" if m.group(2) else f"{num}/{code}"


def _valid(code: str) -> bool:
    first = code.split("/")[-1].split("-")[0]
    return len(first) >= 2 or first in ("Q",)


def find_references(text: str) -> list[tuple[int, int, Reference]]:
    """(start, end, Reference) for every document number written in `text`, in order, duplicates kept."""
    folded = fold_aligned(text)
    dates = find_dates(text)
    out = []
    found = [(m.start(), m.end(), _clean_number(m)) for m in _NUM.finditer(text)]
    found += [(m.start(), m.end(), f"{_fix_digits(m.group(1))}-{m.group(2)}/{m.group(3)}")
              for m in _PARTY_NUM.finditer(text)]
    for m_start, m_end, number in sorted(found):
        if not _valid(number):
            continue
        pos = m_end
        date = None
        for s, e, iso in dates:
            if pos <= s <= pos + 8 and re.fullmatch(r"[\s,(]*(?:ban hanh\s*)?(?:ngay)?\s*", folded[pos:s] + ""):
                date, pos = iso, e
                break
            if pos <= s <= pos + 16 and re.fullmatch(r"[\s,(]*(?:ban hanh\s*)?", folded[pos:s]):
                date, pos = iso, e
                break
        issuer = None
        im = _ISSUER_START.match(folded, pos)
        if im:
            start = im.end()
            end = min(len(text), start + _MAX_ISSUER + 1)
            agency = agency_end(text, folded, start)
            for stop in () if agency else _ISSUER_STOP.finditer(folded, start, start + _MAX_ISSUER + 30):
                ch = text[stop.start() + 1] if text[stop.start()].isspace() else text[stop.start()]
                if not ch.isupper():
                    end = stop.start()
                    break
            candidate = re.sub(r"\s+", " ", text[start:agency or end]).strip()
            if candidate and candidate[0].isupper() and len(candidate) <= _MAX_ISSUER:
                issuer = candidate
        out.append((m_start, m_end, Reference(number=number, date=date, issuer=issuer)))
    return out


def extract_references(text: str) -> list[Reference]:
    """One Reference per distinct number, in order of first mention, date/issuer merged from all mentions."""
    merged: dict[str, Reference] = {}
    for _, _, ref in find_references(text):
        have = merged.get(ref.number)
        if have is None:
            merged[ref.number] = ref
        else:
            merged[ref.number] = Reference(
                number=ref.number, date=have.date or ref.date, issuer=have.issuer or ref.issuer
            )
    return list(merged.values())
