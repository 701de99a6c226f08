"""Legal deadlines across Tết, swapped days and weekends.

Every expected date was worked out by hand from the calendar (weekday of the 1st of each month counted from
1 January: 2025 starts on a Wednesday, 2026 on a Thursday) and the announced breaks — not from the code:
the comment beside each case shows the count.
"""

from __future__ import annotations

import datetime as dt

import holidays
import pytest

from records.register import deadlines, workdays
from records.register.workdays import YEAR_TABLE

D = dt.date


@pytest.mark.parametrize(("day", "working"), [
    (D(2025, 1, 27), False),   # Monday, Tết Ất Tỵ break
    (D(2025, 2, 3), True),     # Monday after the break
    (D(2025, 4, 7), False),    # Giỗ Tổ (10/3 âm lịch), Monday
    (D(2025, 4, 26), True),    # Saturday worked in exchange for Friday 2 May
    (D(2025, 5, 2), False),    # the swapped Friday
    (D(2025, 9, 1), False),    # Monday, the day next to 2/9
    (D(2026, 2, 13), True),    # Friday before the Tết Bính Ngọ break
    (D(2026, 2, 16), False),   # Monday, last day of the lunar year
    (D(2026, 2, 23), True),    # Monday after the break
    (D(2026, 4, 27), False),   # Monday: Giỗ Tổ fell on Sunday 26 April (Labour Code Art. 111(3))
    (D(2026, 8, 22), True),    # Saturday worked in exchange for Monday 31 August
    (D(2026, 8, 31), False),
    (D(2026, 11, 24), False),  # Ngày Văn hóa Việt Nam, Tuesday
    (D(2026, 12, 5), False),   # plain Saturday
    (D(2026, 12, 7), True),    # plain Monday
])
def test_working_days(day, working):
    assert workdays.is_working_day(day) is working


def test_reason_names_the_holiday():
    assert "Tết" in workdays.day_off_reason(D(2026, 2, 18))
    assert workdays.day_off_reason(D(2026, 12, 6)) == "weekend"
    assert workdays.day_off_reason(D(2026, 12, 7)) is None


def test_plain_weekend():
    # Friday 5 Dec 2025 + 1 working day = Monday 8 Dec
    assert workdays.add_working_days(D(2025, 12, 5), 1) == D(2025, 12, 8)
    # received on a Sunday: counting starts on Monday
    assert workdays.add_working_days(D(2025, 12, 7), 2) == D(2025, 12, 9)


def test_denunciation_register_across_tet_2026():
    # Thu 12 Feb: Fri 13 (1), 14–22 off, Mon 23 (2) … Fri 27 (6), Mon 2 Mar (7)
    d = deadlines.denunciation_register(D(2026, 2, 12))
    assert d.due == D(2026, 3, 2)
    assert "Art. 24" in d.article and "25/2018/QH14" in d.article


def test_denunciation_register_across_tet_2025():
    # Fri 24 Jan: 25 Jan – 2 Feb off, Mon 3 (1) … Fri 7 (5), Mon 10 (6), Tue 11 Feb (7)
    assert deadlines.denunciation_register(D(2025, 1, 24)).due == D(2025, 2, 11)


def test_forward_counts_the_worked_saturday():
    # Fri 25 Apr 2025: Sat 26 worked (1), Mon 28 (2), Tue 29 (3), 30 Apr – 4 May off, Mon 5 (4), Tue 6 May (5)
    d = deadlines.denunciation_forward(D(2025, 4, 25))
    assert d.due == D(2025, 5, 6)
    assert d.limit.days == 5


def test_verify_denouncer_ten_working_days_across_national_day_2026():
    # Wed 19 Aug: Thu 20 (1), Fri 21 (2), Sat 22 worked (3), Mon 24 – Fri 28 (4–8), 29 Aug – 2 Sep off,
    # Thu 3 (9), Fri 4 Sep (10)
    assert deadlines.denunciation_register(D(2026, 8, 19), verify_denouncer=True).due == D(2026, 9, 4)


def test_letter_processing_skips_culture_day():
    # Fri 20 Nov 2026: Mon 23 (1), Tue 24 off, Wed 25 (2) … Fri 27 (4), Mon 30 (5), Tue 1 – Fri 4 Dec (6–9),
    # Mon 7 Dec (10)
    d = deadlines.letter_processing(D(2026, 11, 20))
    assert d.due == D(2026, 12, 7)
    assert "05/2021/TT-TTCP" in d.article


def test_resolve_denunciation_ends_after_tet():
    # accepted Tue 20 Jan 2026 + 30 days = Thu 19 Feb, inside the Tết break → next working day Mon 23 Feb
    d = deadlines.denunciation_resolve(D(2026, 1, 20))
    assert d.due == D(2026, 2, 23)
    assert "Art. 30" in d.article
    # extended once (complex): + 60 days = Sat 21 Mar → Mon 23 Mar
    assert deadlines.denunciation_resolve(D(2026, 1, 20), extensions=1).due == D(2026, 3, 23)
    # twice (especially complex): + 90 days = Mon 20 Apr 2026, a working day
    assert deadlines.denunciation_resolve(D(2026, 1, 20), extensions=2).due == D(2026, 4, 20)
    with pytest.raises(ValueError):
        deadlines.denunciation_resolve(D(2026, 1, 20), extensions=3)


def test_complaint_limits():
    # Art. 27: Fri 23 Jan 2026 + 10 days = Mon 2 Feb, a working day
    assert deadlines.complaint_accept(D(2026, 1, 23)).due == D(2026, 2, 2)
    # Art. 28: Tue 6 Jan 2026 + 30 = Thu 5 Feb; complex + 45 = Fri 20 Feb (Tết) → Mon 23 Feb
    assert deadlines.complaint_first(D(2026, 1, 6)).due == D(2026, 2, 5)
    assert deadlines.complaint_first(D(2026, 1, 6), complex_case=True).due == D(2026, 2, 23)
    # remote and complex, 60 days: Mon 2 Mar 2026 + 60 = Fri 1 May (holiday) → Mon 4 May
    d = deadlines.complaint_first(D(2026, 3, 2), complex_case=True, remote=True)
    assert (d.due, d.limit.days) == (D(2026, 5, 4), 60)
    # Art. 9: Sat 1 Feb 2025 + 90 = Fri 2 May 2025, the swapped day off → Mon 5 May
    assert deadlines.complaint_time_limit(D(2025, 2, 1)).due == D(2025, 5, 5)
    # Art. 37 complex, 60 days: Fri 3 Jul 2026 + 60 = Tue 1 Sep (off) → Wed 2 Sep (off) → Thu 3 Sep
    assert deadlines.complaint_second(D(2026, 7, 3), complex_case=True).due == D(2026, 9, 3)
    # Art. 37 remote complex: 70 days; Art. 33: 30 days, 45 remote
    assert deadlines.complaint_second(D(2026, 7, 3), complex_case=True, remote=True).limit.days == 70
    assert deadlines.complaint_second_time_limit(D(2026, 7, 3), remote=True).limit.days == 45
    # Art. 33: Mon 6 Jul 2026 + 30 = Wed 5 Aug 2026, a working day
    assert deadlines.complaint_second_time_limit(D(2026, 7, 6)).due == D(2026, 8, 5)


def test_every_limit_cites_its_law():
    for lim in deadlines.LIMITS.values():
        assert ("Art." in lim.article) or ("05/2021/TT-TTCP" in lim.article), lim.key


@pytest.mark.parametrize("year", sorted(YEAR_TABLE))
def test_table_agrees_with_the_holidays_package(year):
    """The announced breaks (our table) and the statutory days of the maintained package name the same weekdays
    off and the same weekend days worked."""
    package = holidays.country_holidays("VN", years=year)
    package_off = {d for d in package if d.year == year and d.weekday() < 5}
    table_off = {d for br in YEAR_TABLE[year].breaks for d in br.days() if d.weekday() < 5}
    assert table_off == package_off
    assert set(YEAR_TABLE[year].working_days) == {d for d in package.weekend_workdays if d.year == year}
    assert YEAR_TABLE[year].sources


def test_year_outside_the_table_uses_the_statutory_calendar():
    # Tết Đinh Mùi: lunar new year Saturday 6 Feb 2027 (Vietnamese calendar); Monday 8 Feb is mùng 3
    assert not workdays.is_working_day(D(2027, 2, 8))
    assert workdays.is_working_day(D(2027, 2, 15))


def test_vietnamese_not_chinese_lunar_new_year():
    # 2030: Tết is Saturday 2 Feb in Vietnam (UTC+7), 3 Feb in China (UTC+8)
    vn = holidays.country_holidays("VN", years=2030, language="vi")
    assert vn.get(D(2030, 2, 2)) == "Tết Nguyên Đán"
