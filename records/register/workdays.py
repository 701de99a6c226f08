"""Vietnam's working-day calendar for legal deadlines: weekends, public holidays (lunar ones included) and the
government's yearly day swaps.

Three layers, later ones winning:

1. Saturdays and Sundays are days off (Decree 145/2020/NĐ-CP keeps the 40-hour week of state bodies: Monday to
   Friday).
2. The public holidays of Labour Code 2019 (45/2019/QH14) Art. 112(1) — 1 January; Tết Nguyên đán (5 days);
   Giỗ Tổ Hùng Vương (10th day of the 3rd lunar month); 30 April; 1 May; 2 September and one adjacent day — and
   the next working day off when a holiday falls on a weekend (Art. 111(3)). These come from the `holidays`
   package (MIT, maintained): its Vietnam calendar converts lunar dates with the *Vietnamese* lunisolar calendar
   (UTC+7), which differs from the Chinese one (UTC+8) in some years — Tết 2007 was 17 February in Vietnam and
   18 February in China, Tết 2030 will be 2 February against 3 February — so a Chinese-calendar package
   (`lunardate`, which is also GPL-3.0 where this project is Apache-2.0) would be a day off in those years.
3. `YEAR_TABLE`: what the government announced for a year — the Tết break and holiday breaks for officials,
   swapped days off and the Saturdays worked in exchange — each year with its source. The table wins over
   the package (a new year's announcement goes here without waiting for a package release); tests check that
   the two agree for the years in the table.

A year missing from the table falls back to layer 2 alone (the statutory days and the package's own swaps).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays

D = dt.date


@dataclass(frozen=True)
class Break:
    """Consecutive days off as announced (weekend days inside included), with what they are."""

    first: dt.date
    last: dt.date
    label: str

    def days(self) -> list[dt.date]:
        n = (self.last - self.first).days
        return [self.first + dt.timedelta(days=i) for i in range(n + 1)]


@dataclass(frozen=True)
class YearRules:
    """One year's announced breaks and make-up working days (normally Saturdays), and where they come from."""

    year: int
    breaks: tuple[Break, ...]
    working_days: tuple[dt.date, ...]  # weekend days worked in exchange for a swapped day off
    sources: tuple[str, ...]


#: The government's announcements per year. Each break is the whole run of days off for officials and public
#: employees; dates were read from the calendar by hand.
YEAR_TABLE: dict[int, YearRules] = {
    2025: YearRules(
        2025,
        breaks=(
            Break(D(2025, 1, 1), D(2025, 1, 1), "Tết Dương lịch (Wednesday)"),
            # lunar new year Wednesday 29 Jan 2025; 5 statutory days Mon 27 – Fri 31 Jan, with the weekends around
            Break(D(2025, 1, 25), D(2025, 2, 2), "Tết Nguyên đán Ất Tỵ"),
            Break(D(2025, 4, 7), D(2025, 4, 7), "Giỗ Tổ Hùng Vương (10/3 âm lịch, Monday)"),
            # 30/4 Wed and 1/5 Thu; Friday 2 May swapped against Saturday 26 April
            Break(D(2025, 4, 30), D(2025, 5, 4), "Ngày Chiến thắng 30/4 và Quốc tế Lao động 1/5"),
            # 2/9 Tuesday, the adjacent day Monday 1 September
            Break(D(2025, 8, 30), D(2025, 9, 2), "Quốc khánh 2/9"),
        ),
        working_days=(D(2025, 4, 26),),
        sources=(
            "Tết: Thông báo 6150/TB-BLĐTBXH (Ministry of Labour, Invalids and Social Affairs, November 2024), "
            "Tết Ất Tỵ for officials and public employees: off Saturday 25 January to Sunday 2 February 2025",
            "30/4–1/5: the Prime Minister's approval of swapping Friday 2 May 2025 against Saturday 26 April 2025 "
            "(the dispatch number was not verified in this session; the swap is the one the `holidays` package "
            "lists for 2025)",
            "2/9 and 1/9: Labour Code 2019 Art. 112(1)(đ); 1 September chosen for 2025",
        ),
    ),
    2026: YearRules(
        2026,
        breaks=(
            Break(D(2026, 1, 1), D(2026, 1, 1), "Tết Dương lịch (Thursday)"),
            # lunar new year Tuesday 17 Feb 2026; 5 statutory days Mon 16 – Fri 20 Feb, with the weekends around
            Break(D(2026, 2, 14), D(2026, 2, 22), "Tết Nguyên đán Bính Ngọ"),
            # 10/3 âm lịch is Sunday 26 April: the next working day, Monday 27 April, is off (Labour Code Art. 111(3))
            Break(D(2026, 4, 26), D(2026, 4, 27), "Giỗ Tổ Hùng Vương (Sunday, observed Monday)"),
            Break(D(2026, 4, 30), D(2026, 5, 3), "Ngày Chiến thắng 30/4 và Quốc tế Lao động 1/5"),
            # 2/9 Wednesday, adjacent day Tuesday 1/9; Monday 31 August swapped against Saturday 22 August
            Break(D(2026, 8, 29), D(2026, 9, 2), "Quốc khánh 2/9"),
            Break(D(2026, 11, 24), D(2026, 11, 24), "Ngày Văn hóa Việt Nam (Tuesday)"),
        ),
        working_days=(D(2026, 8, 22),),
        sources=(
            "Tết: the 2026 Tết Bính Ngọ schedule for officials (off Saturday 14 to Sunday 22 February 2026: the "
            "5 statutory days Monday 16 – Friday 20 February and the weekends; no swap needed). The notice's "
            "number was not verified in this session; the statutory days agree with the `holidays` package",
            "Giỗ Tổ, 30/4, 1/5: Labour Code 2019 Art. 112(1) and Art. 111(3)",
            "2/9: off Saturday 29 August to Wednesday 2 September 2026, Monday 31 August swapped against Saturday "
            "22 August (as listed by the `holidays` package, whose reference is the published 2026 schedule)",
            "24/11 Ngày Văn hóa Việt Nam, a paid day off from 2026 (Resolution 80-NQ/TW; listed by the `holidays` "
            "package from 2026)",
        ),
    ),
}


def _package_days_off(year: int) -> dict[dt.date, str]:
    """Statutory holidays and their observed days from the `holidays` package (public category)."""
    cal = holidays.country_holidays("VN", years=year, language="vi")
    return {day: name for day, name in cal.items() if day.year == year}


def _package_weekend_workdays(year: int) -> set[dt.date]:
    cal = holidays.country_holidays("VN", years=year)
    return {d for d in getattr(cal, "weekend_workdays", set()) if d.year == year}


@lru_cache(maxsize=64)
def _year(year: int) -> tuple[dict[dt.date, str], frozenset[dt.date]]:
    """(days off that are not plain weekends, with a label; weekend days that are worked) for one year."""
    rules = YEAR_TABLE.get(year)
    if rules is None:
        return _package_days_off(year), frozenset(_package_weekend_workdays(year))
    off: dict[dt.date, str] = {}
    for br in rules.breaks:
        for day in br.days():
            off[day] = br.label
    return off, frozenset(rules.working_days)


def is_working_day(day: dt.date) -> bool:
    """Monday–Friday that is not a holiday or swapped day off, or a weekend day worked in exchange."""
    off, worked = _year(day.year)
    if day in worked:
        return True
    if day in off:
        return False
    return day.weekday() < 5


def day_off_reason(day: dt.date) -> str | None:
    """Why `day` is not a working day ("Tết Nguyên đán Bính Ngọ", "weekend"), or None when it is one."""
    if is_working_day(day):
        return None
    off, _ = _year(day.year)
    return off.get(day) or "weekend"


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (the day of `start` itself never counts, whatever it is).

    "Within 7 working days from receipt" (Luật Tố cáo 2018 Art. 24) ends at the end of this day.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def next_working_day(day: dt.date) -> dt.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_days(start: dt.date, n: int) -> dt.date:
    """A period of n calendar days from `start`: Civil Code 2015 (91/2015/QH13) Art. 147 — the starting day is
    not counted — and Art. 148(5) — when the last day is a weekend day or a holiday the period ends at the end of
    the next working day."""
    if n < 1:
        raise ValueError("n must be at least 1")
    return next_working_day(start + dt.timedelta(days=n))


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
