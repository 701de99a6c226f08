"""Document numbers (`123/QĐ-UBND`), legal bases (laws, decrees, circulars) and how texts cite them."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from corpus.content.dates import fmt_long, fmt_short


@dataclass(frozen=True)
class Ref:
    """A numbered document. `number` is the normalised form (`123/QĐ-UBND`)."""

    number: str
    date: dt.date | None
    issuer: str | None  # as it will be written after "của", e.g. "Ủy ban nhân dân huyện Chợ Mới"
    title: str  # "Quyết định", "Thông báo", "Kết luận", "Nghị định", ...
    about: str = ""  # "về việc thu hồi đất ..." (without the leading word)


def number(rng: random.Random, code: str, year: int | None = None) -> str:
    """`123/QĐ-UBND`; with `year`, the older style `123/2019/QĐ-UBND` (rare)."""
    n = rng.randint(1, 2999) if code.startswith("QĐ") else rng.randint(1, 450)
    if year is not None:
        return f"{n}/{year}/{code}"
    return f"{n:02d}/{code}" if n < 10 and rng.random() < 0.5 else f"{n}/{code}"


def cite(
    rng: random.Random,
    ref: Ref,
    with_date: bool | None = None,
    with_issuer: bool | None = None,
    short_issuer: str | None = None,
    title: bool = True,
) -> tuple[str, dict]:
    """`Quyết định số 123/QĐ-UBND ngày 05/3/2021 của UBND huyện Chợ Mới` and its truth reference.

    The date is in the truth only when written right after the number; the issuer only when written
    (`short_issuer` replaces the full issuer name in the text and in the truth).
    """
    with_date = (rng.random() < 0.85) if with_date is None else with_date
    with_issuer = (rng.random() < 0.7) if with_issuer is None else with_issuer
    text = f"{ref.title} số {ref.number}" if title else ref.number
    truth: dict = {"number": ref.number, "date": None, "issuer": None}
    if with_date and ref.date is not None:
        r = rng.random()
        if r < 0.5:
            text += " ngày " + fmt_short(ref.date, zero_month=rng.random() < 0.3)
        elif r < 0.9:
            text += " " + fmt_long(ref.date, zero=rng.random() < 0.7)
        else:
            text += f", ngày {fmt_short(ref.date)},"
        truth["date"] = ref.date.isoformat()
    if with_issuer and ref.issuer:
        issuer = short_issuer or ref.issuer
        text += f" của {issuer}"
        truth["issuer"] = issuer
    return text.rstrip(","), truth


def short_agency(name: str) -> str:
    """`Ủy ban nhân dân huyện Chợ Mới` → `UBND huyện Chợ Mới`."""
    return name.replace("Ủy ban nhân dân", "UBND")


# legal bases: (title, number, signed, issuer, subject, domain tags, in force from, in force until)
_D = dt.date
LEGAL: list[tuple[str, str, dt.date, str, str, set[str], dt.date, dt.date]] = [
    ("Luật", "02/2011/QH13", _D(2011, 11, 11), "Quốc hội", "Khiếu nại", {"complaint"}, _D(2012, 7, 1), _D(2100, 1, 1)),
    ("Luật", "25/2018/QH14", _D(2018, 6, 12), "Quốc hội", "Tố cáo", {"denunciation"}, _D(2019, 1, 1), _D(2100, 1, 1)),
    ("Luật", "45/2013/QH13", _D(2013, 11, 29), "Quốc hội", "Đất đai", {"land"}, _D(2014, 7, 1), _D(2024, 7, 31)),
    ("Luật", "31/2024/QH15", _D(2024, 1, 18), "Quốc hội", "Đất đai", {"land"}, _D(2024, 8, 1), _D(2100, 1, 1)),
    ("Luật", "77/2015/QH13", _D(2015, 6, 19), "Quốc hội", "Tổ chức chính quyền địa phương", {"all"},
     _D(2016, 1, 1), _D(2100, 1, 1)),
    ("Luật", "42/2013/QH13", _D(2013, 11, 25), "Quốc hội", "Tiếp công dân", {"reception"}, _D(2014, 7, 1), _D(2100, 1, 1)),
    ("Nghị định", "75/2012/NĐ-CP", _D(2012, 10, 3), "Chính phủ",
     "quy định chi tiết một số điều của Luật Khiếu nại", {"complaint"}, _D(2012, 11, 20), _D(2020, 12, 9)),
    ("Nghị định", "124/2020/NĐ-CP", _D(2020, 10, 19), "Chính phủ",
     "quy định chi tiết một số điều và biện pháp thi hành Luật Khiếu nại", {"complaint"}, _D(2020, 12, 10), _D(2100, 1, 1)),
    ("Nghị định", "31/2019/NĐ-CP", _D(2019, 4, 10), "Chính phủ",
     "quy định chi tiết một số điều và biện pháp tổ chức thi hành Luật Tố cáo", {"denunciation"},
     _D(2019, 5, 28), _D(2100, 1, 1)),
    ("Nghị định", "43/2014/NĐ-CP", _D(2014, 5, 15), "Chính phủ",
     "quy định chi tiết thi hành một số điều của Luật Đất đai", {"land"}, _D(2014, 7, 1), _D(2024, 7, 31)),
    ("Nghị định", "47/2014/NĐ-CP", _D(2014, 5, 15), "Chính phủ",
     "quy định về bồi thường, hỗ trợ, tái định cư khi Nhà nước thu hồi đất", {"compensation"},
     _D(2014, 7, 1), _D(2024, 7, 31)),
    ("Nghị định", "148/2020/NĐ-CP", _D(2020, 12, 18), "Chính phủ",
     "sửa đổi, bổ sung một số nghị định quy định chi tiết thi hành Luật Đất đai", {"land"},
     _D(2021, 2, 8), _D(2024, 7, 31)),
    ("Nghị định", "102/2024/NĐ-CP", _D(2024, 7, 30), "Chính phủ",
     "quy định chi tiết thi hành một số điều của Luật Đất đai", {"land"}, _D(2024, 8, 1), _D(2100, 1, 1)),
    ("Thông tư", "07/2014/TT-TTCP", _D(2014, 10, 31), "Thanh tra Chính phủ",
     "quy định quy trình xử lý đơn khiếu nại, đơn tố cáo, đơn kiến nghị, phản ánh", {"handling"},
     _D(2014, 12, 15), _D(2021, 11, 14)),
    ("Thông tư", "05/2021/TT-TTCP", _D(2021, 10, 1), "Thanh tra Chính phủ",
     "quy định quy trình xử lý đơn khiếu nại, đơn tố cáo, đơn kiến nghị, phản ánh", {"handling"},
     _D(2021, 11, 15), _D(2100, 1, 1)),
    ("Thông tư", "04/2021/TT-TTCP", _D(2021, 10, 1), "Thanh tra Chính phủ",
     "quy định quy trình tiếp công dân", {"reception"}, _D(2021, 11, 15), _D(2100, 1, 1)),
]


def legal_bases(rng: random.Random, tags: set[str], on: dt.date) -> list[Ref]:
    """Laws/decrees/circulars in force on `on` whose domain tags meet `tags` (plus the local-government law)."""
    tags = set(tags) | {"all"}
    return [Ref(num, signed, issuer, title, subject)
            for title, num, signed, issuer, subject, t, start, end in LEGAL
            if start <= on <= end and t & tags]


def land_law_name(on: dt.date) -> str:
    """`Luật Đất đai năm 2013` or, from 1 August 2024, `Luật Đất đai năm 2024`."""
    return "Luật Đất đai năm 2024" if on >= dt.date(2024, 8, 1) else "Luật Đất đai năm 2013"


def cite_basis(rng: random.Random, ref: Ref) -> tuple[str, dict]:
    """A `Căn cứ` line's citation of a law or decree, in one of several styles."""
    if ref.title == "Luật":
        r = rng.random()
        if r < 0.35:  # Luật Khiếu nại ngày 11 tháng 11 năm 2011 (no number: not a reference)
            return f"Luật {ref.about} {fmt_long(ref.date)}", {}
        if r < 0.7:
            return f"Luật {ref.about} số {ref.number}", {"number": ref.number, "date": None, "issuer": None}
        text, truth = cite(rng, Ref(ref.number, ref.date, ref.issuer, "Luật " + ref.about), with_issuer=False)
        return text, truth
    text, truth = cite(rng, ref, with_issuer=rng.random() < 0.6)
    return f"{text} {ref.about}", truth
