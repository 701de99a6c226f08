"""Dates as Vietnamese documents write them: `ngày 05 tháng 3 năm 2021`, `05/3/2021`, in words."""

from __future__ import annotations

import datetime as dt
import random

_UNITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_MONTHS = ["", "một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một", "mười hai"]


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def before(rng: random.Random, d: dt.date, lo: int, hi: int) -> dt.date:
    """A date between `hi` and `lo` days before `d`."""
    return d - dt.timedelta(days=rng.randint(lo, hi))


def after(rng: random.Random, d: dt.date, lo: int, hi: int) -> dt.date:
    return d + dt.timedelta(days=rng.randint(lo, hi))


def number_words(n: int) -> str:
    """0..9999 in Vietnamese words (`21` → `hai mươi mốt`, `15` → `mười lăm`, `2021` → `hai nghìn không trăm hai mươi mốt`)."""
    if n < 10:
        return _UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        head = "mười" if tens == 1 else f"{_UNITS[tens]} mươi"
        if unit == 0:
            return head
        if unit == 5:
            return f"{head} lăm"
        if unit == 1 and tens > 1:
            return f"{head} mốt"
        if unit == 4 and tens > 1 and False:
            return f"{head} tư"
        return f"{head} {_UNITS[unit]}"
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = f"{_UNITS[hundreds]} trăm"
        if rest == 0:
            return head
        if rest < 10:
            return f"{head} lẻ {_UNITS[rest]}"
        return f"{head} {number_words(rest)}"
    thousands, rest = divmod(n, 1000)
    head = f"{number_words(thousands)} nghìn"
    if rest == 0:
        return head
    if rest < 100:
        return f"{head} không trăm {number_words(rest) if rest >= 10 else 'lẻ ' + _UNITS[rest]}"
    return f"{head} {number_words(rest)}"


def day_words(d: int) -> str:
    return ("mồng " + _UNITS[d]) if d < 10 and d != 0 else number_words(d)


def fmt_long(d: dt.date, zero: bool = True) -> str:
    """`ngày 05 tháng 3 năm 2021` (months 1 and 2 zero-padded as is the administrative habit)."""
    day = f"{d.day:02d}" if zero else str(d.day)
    month = f"{d.month:02d}" if d.month < 3 and zero else str(d.month)
    return f"ngày {day} tháng {month} năm {d.year}"


def fmt_short(d: dt.date, zero_month: bool = False) -> str:
    """`05/3/2021` or `05/03/2021`."""
    month = f"{d.month:02d}" if zero_month or d.month < 3 else str(d.month)
    return f"{d.day:02d}/{month}/{d.year}"


def fmt_words(d: dt.date) -> str:
    """`ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi mốt`."""
    return f"ngày {day_words(d.day)} tháng {_MONTHS[d.month]} năm {number_words(d.year)}"


def fmt(rng: random.Random, d: dt.date, words: bool = False) -> str:
    """A date in one of the usual written forms; always preceded by `ngày` except the bare `dd/mm/yyyy` form."""
    r = rng.random()
    if words and r < 0.3:
        return fmt_words(d)
    if r < 0.45:
        return fmt_long(d, zero=rng.random() < 0.8)
    if r < 0.85:
        return "ngày " + fmt_short(d, zero_month=rng.random() < 0.4)
    return "ngày " + f"{d.day:02d}-{d.month:02d}-{d.year}"


def place_date(rng: random.Random, place_name: str, d: dt.date) -> str:
    """The place-date line: `Chợ Mới, ngày 05 tháng 3 năm 2021` (sometimes `ngày 05/3/2021`)."""
    if rng.random() < 0.8:
        return f"{place_name}, {fmt_long(d, zero=rng.random() < 0.85)}"
    return f"{place_name}, ngày {fmt_short(d, zero_month=rng.random() < 0.3)}"
