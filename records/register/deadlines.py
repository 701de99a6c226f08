"""Legal time limits for handling letters, each with the article it comes from (docs/register.md lists them).

Working-day limits count working days after the starting day (`workdays.add_working_days`); calendar-day limits
count days after the starting day and, when the last day is a weekend day or a holiday, end on the next working
day (Civil Code 2015 Art. 147 and 148(5), `workdays.add_days`). Pure: dates in, dates out.

Luật Tố cáo 2018 (25/2018/QH14), denunciations:
- Art. 24: register, classify and check within 7 working days of receipt; up to 10 working days where the
  denouncer's name and address must be verified or several denunciations are about one matter;
- Art. 24: not within the receiver's authority — forward within 5 working days of receipt;
- Art. 30: resolve within 30 days of acceptance (thụ lý); complex cases may be extended once by up to
  30 days, especially complex ones twice, each time by up to 30 days.

Luật Khiếu nại 2011 (02/2011/QH13), complaints:
- Art. 9: 90 days to complain, from receiving the decision or learning of the act;
- Art. 27: accept (thụ lý) within 10 days of receipt;
- Art. 28: first-instance decision within 30 days of acceptance, 45 if complex; in remote areas with difficult
  travel (vùng sâu, vùng xa đi lại khó khăn) 45, 60 if complex;
- Art. 33: second complaint within 30 days of the first decision (or of the first deadline passing unresolved);
  45 in remote areas;
- Art. 37: second-instance decision within 45 days of acceptance, 60 if complex; remote 60, 70 if complex.

Circular 05/2021/TT-TTCP (the Government Inspectorate's rules on citizen reception and letter processing):
processing a received letter (classifying it and deciding to accept, forward, guide or keep it) within 10
working days of receipt, as the project's domain notes state (thời hạn xử lý đơn). The article that sets it
could not be confirmed against the Circular's text: two sessions searched for it (issue 17; the second searched
the stored public pages, documentation and code for the Circular's text and for the phrases "thời hạn xử lý
đơn" and "10 ngày làm việc, kể từ ngày nhận được đơn") and found only third-party software and templates that
name the Circular without quoting the article. It is cited without an article number — shown to clerks as
"chưa đối chiếu được điều" — until someone with the Circular's text (vbpl.vn, the Official Gazette) adds it to
`LIMITS["letter_processing"]` and to docs/register.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from records.register import workdays


class Count(StrEnum):
    WORKING_DAYS = "working_days"
    DAYS = "days"


@dataclass(frozen=True)
class Limit:
    """One legal time limit: its length, how it counts, where it comes from, what it is for."""

    key: str
    days: int
    count: Count
    article: str
    label: str  # Vietnamese, as shown to clerks

    def due(self, start: dt.date) -> dt.date:
        if self.count is Count.WORKING_DAYS:
            return workdays.add_working_days(start, self.days)
        return workdays.add_days(start, self.days)


TC = "Luật Tố cáo 2018 (25/2018/QH14)"
KN = "Luật Khiếu nại 2011 (02/2011/QH13)"
TT05 = "Thông tư 05/2021/TT-TTCP"

W, C = Count.WORKING_DAYS, Count.DAYS
LIMITS: dict[str, Limit] = {lim.key: lim for lim in (
    Limit("denunciation_register", 7, W, f"{TC} Art. 24", "Vào sổ, phân loại, kiểm tra tố cáo"),
    Limit("denunciation_register_verify", 10, W, f"{TC} Art. 24",
          "Vào sổ, phân loại, kiểm tra tố cáo (phải xác minh người tố cáo)"),
    Limit("denunciation_forward", 5, W, f"{TC} Art. 24", "Chuyển tố cáo không thuộc thẩm quyền"),
    Limit("denunciation_resolve", 30, C, f"{TC} Art. 30", "Giải quyết tố cáo"),
    Limit("complaint_time_limit", 90, C, f"{KN} Art. 9", "Thời hiệu khiếu nại"),
    Limit("complaint_accept", 10, C, f"{KN} Art. 27", "Thụ lý khiếu nại"),
    Limit("complaint_first", 30, C, f"{KN} Art. 28", "Giải quyết khiếu nại lần đầu"),
    Limit("complaint_first_complex", 45, C, f"{KN} Art. 28", "Giải quyết khiếu nại lần đầu (phức tạp)"),
    Limit("complaint_first_remote", 45, C, f"{KN} Art. 28", "Giải quyết khiếu nại lần đầu (vùng sâu, vùng xa)"),
    Limit("complaint_first_remote_complex", 60, C, f"{KN} Art. 28",
          "Giải quyết khiếu nại lần đầu (vùng sâu, vùng xa, phức tạp)"),
    Limit("complaint_second_time_limit", 30, C, f"{KN} Art. 33", "Thời hạn khiếu nại lần hai"),
    Limit("complaint_second_time_limit_remote", 45, C, f"{KN} Art. 33",
          "Thời hạn khiếu nại lần hai (vùng sâu, vùng xa)"),
    Limit("complaint_second", 45, C, f"{KN} Art. 37", "Giải quyết khiếu nại lần hai"),
    Limit("complaint_second_complex", 60, C, f"{KN} Art. 37", "Giải quyết khiếu nại lần hai (phức tạp)"),
    Limit("complaint_second_remote", 60, C, f"{KN} Art. 37", "Giải quyết khiếu nại lần hai (vùng sâu, vùng xa)"),
    Limit("complaint_second_remote_complex", 70, C, f"{KN} Art. 37",
          "Giải quyết khiếu nại lần hai (vùng sâu, vùng xa, phức tạp)"),
    # the article is not cited: not confirmed against the Circular's text (module docstring, docs/register.md)
    Limit("letter_processing", 10, W, f"{TT05} (chưa đối chiếu được điều)", "Xử lý đơn"),
)}
del W, C


@dataclass(frozen=True)
class Deadline:
    """A computed deadline: the day it ends (inclusive), the limit it comes from."""

    due: dt.date
    limit: Limit

    @property
    def article(self) -> str:
        return self.limit.article


def _deadline(key: str, start: dt.date) -> Deadline:
    lim = LIMITS[key]
    return Deadline(lim.due(start), lim)


def letter_processing(received: dt.date) -> Deadline:
    """Processing a received letter (classify, decide): 10 working days (Circular 05/2021/TT-TTCP)."""
    return _deadline("letter_processing", received)


def denunciation_register(received: dt.date, verify_denouncer: bool = False) -> Deadline:
    """Luật Tố cáo Art. 24: 7 working days, 10 where the denouncer's identity must be verified."""
    return _deadline("denunciation_register_verify" if verify_denouncer else "denunciation_register", received)


def denunciation_forward(received: dt.date) -> Deadline:
    """Luật Tố cáo Art. 24: forward a denunciation outside the receiver's authority within 5 working days."""
    return _deadline("denunciation_forward", received)


def denunciation_resolve(accepted: dt.date, extensions: int = 0) -> Deadline:
    """Luật Tố cáo Art. 30: 30 days from acceptance; `extensions` = 1 (complex) or 2 (especially complex),
    each by up to 30 days, counted as one period of 30 × (1 + extensions) days from acceptance."""
    if extensions not in (0, 1, 2):
        raise ValueError("Art. 30 allows at most two extensions (especially complex cases)")
    lim = LIMITS["denunciation_resolve"]
    return Deadline(workdays.add_days(accepted, lim.days * (1 + extensions)), lim)


def complaint_time_limit(known: dt.date) -> Deadline:
    """Luật Khiếu nại Art. 9: 90 days to complain from receiving the decision or learning of the act."""
    return _deadline("complaint_time_limit", known)


def complaint_accept(received: dt.date) -> Deadline:
    """Luật Khiếu nại Art. 27: accept a complaint within the receiver's authority within 10 days of receipt."""
    return _deadline("complaint_accept", received)


def complaint_first(accepted: dt.date, complex_case: bool = False, remote: bool = False) -> Deadline:
    """Luật Khiếu nại Art. 28: 30 days (45 complex); remote areas 45 (60 complex)."""
    key = "complaint_first" + ("_remote" if remote else "") + ("_complex" if complex_case else "")
    return _deadline(key, accepted)


def complaint_second_time_limit(first_decision: dt.date, remote: bool = False) -> Deadline:
    """Luật Khiếu nại Art. 33: second complaint within 30 days (45 in remote areas)."""
    return _deadline("complaint_second_time_limit" + ("_remote" if remote else ""), first_decision)


def complaint_second(accepted: dt.date, complex_case: bool = False, remote: bool = False) -> Deadline:
    """Luật Khiếu nại Art. 37: 45 days (60 complex); remote areas 60 (70 complex)."""
    key = "complaint_second" + ("_remote" if remote else "") + ("_complex" if complex_case else "")
    return _deadline(key, accepted)


def next_for(*, type: str, status: str, decision: str | None, received: dt.date, accepted: dt.date | None,
             complex_case: bool = False, remote: bool = False) -> Deadline | None:
    """The next legal deadline of a letter in this state, or None when nothing is pending: before the decision,
    registering a denunciation (Art. 24) or accepting a complaint (Art. 27, or processing it, whichever ends
    first) or processing any other letter; once accepted, resolving it (Luật Tố cáo Art. 30, Luật Khiếu nại
    Art. 28). `records.register.book` stores its day in `register_letters.next_due` for the due list."""
    if status == "resolved":
        return None
    if decision is None:
        if type == "denunciation":
            return denunciation_register(received)
        if type == "complaint":
            return min(complaint_accept(received), letter_processing(received), key=lambda d: d.due)
        return letter_processing(received)
    if decision == "accept" and accepted:
        if type == "denunciation":
            return denunciation_resolve(accepted)
        if type == "complaint":
            return complaint_first(accepted, complex_case, remote)
    return None
