"""The register of incoming letters (sổ xử lý đơn) over HTTP: the JSON API (`/register/…`) and the clerks'
pages (`/so-don…`): the list with filters, a letter's sheet (register fields, status history, next deadline,
duplicate proposals with their score and reasons, confirm/reject), the due list (due this week, overdue, per
unit and officer), entering a letter from a processed document, correcting its senders and summary, linking it
to the archived dossier of the same matter, and the decisions. The list and the due list are paged
(`PAGE_SIZE` a page; the API's `limit`/`offset`) with their totals, from SQL (`records.register.book.page`).

Who may do what comes from `donthu.access.POLICY`: `READ_REGISTER` to read (intake clerks, officers, leaders —
within their unit subtree), `REGISTER` to enter letters and answer duplicate proposals (intake clerks,
officers), `DECIDE` to judge, decide and resolve (officers, leaders); correcting a letter's entry and linking its
dossier need `REGISTER` too. Every read goes through the register's
read path (`records.register.read`, which hides other units' letters as if they did not exist and masks a
denouncer's identity for a reader not cleared to see it) and is written to the audit trail, as are entries,
decisions and answers. Pages need a login (`need(…, page=True)`) and their forms carry the session's CSRF
token; the store functions are `records.register.book`.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from api.auth import Caller, audit_event, client_address, need
from api.models import MAX_ID
from api.routes.common import errors, services
from api.web import VN_TIME, _flash, _not_found, _render, templates
from donthu.access import Action, Role
from records.read import SYSTEM, Reader, read_document, visible_ids
from records.register import book, deadlines
from records.register import read as register_read
from records.register.duplicates import DuplicateIndex

router = APIRouter(tags=["register"])

LetterId = Annotated[int, Path(ge=1, le=MAX_ID, description="the letter's id in the register")]
OtherId = Annotated[int, Path(ge=1, le=MAX_ID, description="the other letter's id")]
#: dates the register accepts (the working-day calendar is defined for these years)
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
Day = Annotated[dt.date, Field(ge=FIRST_DAY, le=LAST_DAY)]
Channel = Literal["in_person", "post", "forwarded", "online"]
LetterType = Literal["complaint", "denunciation", "recommendation", "land_dispute", "unknown"]
LetterStatus = Literal["received", "processing", "decided", "resolved"]
DecisionName = Literal["accept", "forward", "guide", "return", "file"]
ReasonName = Literal["no_identity", "anonymous", "other_name", "already_handled", "not_competent"]
ShortText = Annotated[str, Field(max_length=200)]

CHANNEL_LABELS = book.CHANNELS
DECISION_LABELS = book.DECISIONS
REASON_LABELS = book.UNPROCESSABLE_REASONS
REGISTER_STATUS_LABELS = book.STATUS_LABELS
LINK_STATE_LABELS = {"proposed": "Đề xuất", "confirmed": "Đã xác nhận cùng vụ việc", "rejected": "Đã bác bỏ"}


# ------------------------------------------------------------------------------------------------ models
class Sender(BaseModel):
    name: str | None = Field(description="the sender's name ([đã ẩn] for a denouncer to a reader not cleared)")
    id_number: str | None = None
    address: str | None = None


class NextDeadline(BaseModel):
    due: dt.date = Field(description="the last day (inclusive)")
    what: str = Field(description="the limit, in Vietnamese")
    article: str = Field(description="where the limit comes from")
    days_left: int = Field(description="calendar days from today to the due day (negative: overdue)")


class LetterSummary(BaseModel):
    id: int
    register_number: str = Field(description="number/year within the unit's register, e.g. 15/2026")
    unit: str
    received: dt.date
    channel: Channel
    type: str
    status: LetterStatus
    senders: list[Sender]
    sender_count: int = Field(description="how many people signed the letter")
    summary: str
    officer: str | None = None
    matter_id: int = Field(description="the matter (vụ việc) the letter belongs to; duplicates share one")
    next_deadline: NextDeadline | None = None


class HistoryEvent(BaseModel):
    at: str
    who: str
    status: str
    note: str | None = None


class OtherLetter(BaseModel):
    id: int
    register_number: str
    unit: str
    received: dt.date
    visible: bool = Field(description="false: outside the reader's units — only number, unit and date shown")
    type: str | None = None
    senders: list[Sender] = []
    summary: str | None = None


class ProposalModel(BaseModel):
    other: OtherLetter
    score: float
    reasons: list[str] = Field(description="why: never a name, an ID number or an address")
    state: Literal["proposed", "confirmed", "rejected"]
    who: str | None = Field(default=None, description="who confirmed or rejected it")


class LetterSheet(LetterSummary):
    recipient: str | None = None
    forwarded_by: str | None = None
    forwarded_number: str | None = None
    forwarded_date: str | None = None
    processable: bool | None = None
    unprocessable_reason: str | None = None
    decision: str | None = None
    decision_date: dt.date | None = None
    decision_to: str | None = None
    decision_documents: list[str] = []
    accepted: dt.date | None = None
    complex_case: bool = False
    remote: bool = False
    document_id: int | None = None
    dossier_id: int | None = None
    history: list[HistoryEvent] = []
    proposals: list[ProposalModel] = []


class LetterList(BaseModel):
    total: int
    items: list[LetterSummary]


class DueItem(BaseModel):
    letter: LetterSummary
    due: dt.date
    what: str
    article: str


class DueList(BaseModel):
    today: dt.date
    overdue: list[DueItem] = Field(description="the earliest `limit` overdue letters")
    this_week: list[DueItem] = Field(description="due within the 7 days from today (the earliest `limit`)")
    overdue_total: int = Field(description="how many letters are overdue")
    this_week_total: int = Field(description="how many letters are due within the 7 days from today")


class RegisterBody(BaseModel):
    """Enter a processed document's letter in the register (its type, senders, parcels and summary are
    taken from the document's record as the caller sees it)."""

    document_id: int = Field(ge=1, le=MAX_ID)
    received: Day | None = Field(default=None, description="date received (default: today)")
    channel: Channel = "post"
    unit: ShortText | None = Field(default=None, description="the unit whose register it enters (default: "
                                                               "the caller's; a unit below it is allowed)")
    forwarded_by: ShortText | None = None
    forwarded_number: Annotated[str, Field(max_length=60)] | None = None
    forwarded_date: Day | None = None
    officer: Annotated[str, Field(max_length=100)] | None = None
    summary: Annotated[str, Field(max_length=2000)] | None = None


class JudgementBody(BaseModel):
    processable: bool
    reason: ReasonName | None = Field(default=None, description="why not (Luật Tố cáo 2018 Art. 23–25, 27)")


class DecisionBody(BaseModel):
    decision: DecisionName
    on: Day | None = Field(default=None, description="date of the decision (default: today)")
    to: ShortText | None = Field(default=None, description="the competent body (forward)")
    documents: list[Annotated[str, Field(max_length=100)]] = Field(default=[], max_length=20)
    complex_case: bool = False
    remote: bool = False


class ResolutionBody(BaseModel):
    on: Day | None = None
    note: Annotated[str, Field(max_length=500)] = ""


class SenderIn(BaseModel):
    name: Annotated[str, Field(max_length=200)] | None = None
    id_number: Annotated[str, Field(max_length=40)] | None = None
    address: Annotated[str, Field(max_length=500)] | None = None


class EntryEdit(BaseModel):
    """Correct what was taken from the letter at entry (fields left out stay as they are)."""

    senders: list[SenderIn] | None = Field(default=None, max_length=100,
                                           description="the senders, replacing those extracted")
    sender_count: int | None = Field(default=None, ge=1, le=100_000, description="how many people signed")
    summary: Annotated[str, Field(min_length=1, max_length=book.SUMMARY_MAX)] | None = None


class DossierLink(BaseModel):
    dossier_id: int | None = Field(ge=1, le=MAX_ID, description="the archived dossier of the same matter "
                                                                   "(null: unlink)")


class ProposalAnswer(BaseModel):
    confirm: bool = Field(description="true: the same matter (the letters join one matter); false: rejected")


# ----------------------------------------------------------------------------------------------- helpers
class IndexCache:
    """One duplicate index per running service, kept in memory and brought up to date with the letters
    registered since (by this service or by the CLI) before each registration."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.index: DuplicateIndex | None = None
        self.seen: set[int] = set()

    def register(self, engine: Any, **kw: Any) -> tuple[book.Entry, list[Any]]:
        with self.lock:
            if self.index is None:
                self.index = DuplicateIndex()
            book.refresh_index(engine, self.index, self.seen)
            entry, proposals = book.register(engine, index=self.index, **kw)
            self.seen.add(entry.id)
            return entry, proposals

    def edited(self, engine: Any, letter_id: int) -> None:
        """A letter's senders were corrected: index it again as stored (its new signature)."""
        with self.lock:
            if self.index is not None and letter_id in self.seen:
                entry = book.get(engine, letter_id)
                self.index.remove(letter_id)
                self.index.add(entry.as_letter(), book.stored_minhash(engine, letter_id))

    def resolved(self, letter_id: int) -> None:
        with self.lock:
            if self.index is not None and letter_id in self.seen:
                self.index.set_resolved(letter_id)


def _cache(request: Request) -> IndexCache:
    state = request.app.state
    cache = getattr(state, "register_index", None)
    if cache is None:
        with _CACHE_LOCK:
            cache = getattr(state, "register_index", None)
            if cache is None:
                cache = state.register_index = IndexCache()
    return cache


_CACHE_LOCK = threading.Lock()


def today() -> dt.date:
    """Today in Vietnam (UTC+7)."""
    return dt.datetime.now(VN_TIME).date()


def _deadline(entry: book.Entry, on: dt.date, d: deadlines.Deadline | None = None) -> NextDeadline | None:
    d = d or book.next_deadline(entry)
    if d is None:
        return None
    return NextDeadline(due=d.due, what=d.limit.label, article=d.article, days_left=(d.due - on).days)


def _senders(entry: book.Entry) -> list[Sender]:
    # built without validation: the values come from the store (strings or None), and a page has hundreds
    return [Sender.model_construct(name=s.get("name"), id_number=s.get("id_number"), address=s.get("address"))
            for s in entry.senders]


def summary_of(entry: book.Entry, on: dt.date, deadline: deadlines.Deadline | None = None) -> LetterSummary:
    """The letter's line in a list; `deadline`: its next deadline when already computed."""
    return LetterSummary(
        id=entry.id, register_number=entry.register_number, unit=entry.unit, received=entry.received,
        channel=entry.channel, type=entry.type, status=entry.status, senders=_senders(entry),
        sender_count=entry.sender_count, summary=entry.summary, officer=entry.officer, matter_id=entry.matter_id,
        next_deadline=_deadline(entry, on, deadline))


def sheet_of(view: register_read.SheetView, on: dt.date) -> LetterSheet:
    """The sheet's JSON from the sheet as the reader sees it (`register_read.read_sheet`: the letter read once)."""
    entry = view.entry
    proposals = []
    for p in view.proposals:
        other = OtherLetter(id=p.other_id, register_number=p.other_number, unit=p.other_unit,
                            received=p.other_received, visible=p.other is not None)
        if p.other is not None:
            other.type, other.senders, other.summary = p.other.type, _senders(p.other), p.other.summary
        proposals.append(ProposalModel(other=other, score=round(p.score, 3), reasons=p.reasons, state=p.state,
                                       who=p.who))
    base = summary_of(entry, on).model_dump()
    return LetterSheet(
        **base, recipient=entry.recipient, forwarded_by=entry.forwarded_by,
        forwarded_number=entry.forwarded_number, forwarded_date=entry.forwarded_date,
        processable=entry.processable, unprocessable_reason=entry.unprocessable_reason, decision=entry.decision,
        decision_date=entry.decision_date, decision_to=entry.decision_to,
        decision_documents=entry.decision_documents, accepted=entry.accepted, complex_case=entry.complex_case,
        remote=entry.remote, document_id=entry.document_id, dossier_id=entry.dossier_id,
        history=[HistoryEvent(**h) for h in view.history], proposals=proposals)


def _letter_or_404(request: Request, letter_id: int, reader: Reader) -> book.Entry:
    entry = register_read.read_letter(services(request).store.engine, letter_id, reader)
    if entry is None:
        raise HTTPException(404, f"letter {letter_id} not found")
    return entry


def _sheet_or_404(request: Request, letter_id: int, reader: Reader) -> LetterSheet:
    view = register_read.read_sheet(services(request).store.engine, letter_id, reader)
    if view is None:
        raise HTTPException(404, f"letter {letter_id} not found")
    return sheet_of(view, today())


def _acting_on(request: Request, caller: Caller, letter_id: int, action: Action) -> book.Entry:
    """The letter, if the caller may see it (else 404) and do `action` on its unit (else 403)."""
    entry = _letter_or_404(request, letter_id, caller.reader)
    if not register_read.may_act(caller.reader, action, entry.unit):
        raise HTTPException(403, f"the role {caller.principal.role.value} may not {action.value} letters of "
                                 f"this unit")
    return entry


def _target_unit(caller: Caller, wanted: str | None) -> str:
    """The unit whose register a new letter enters: the caller's, or one below it."""
    own = caller.principal.unit
    if not wanted:
        return own
    if not caller.principal.may_on(Action.REGISTER, wanted):
        raise HTTPException(403, "a letter can only be registered in the caller's unit or a unit below it")
    return wanted


def _register_document(request: Request, caller: Caller, *, document_id: int, received: dt.date, channel: str,
                       unit: str | None = None, **kw: Any) -> tuple[book.Entry, list[Any]]:
    store = services(request).store
    # whether the caller may see the document is the caller's read; what is stored is the system's full view
    # (records.read), never the caller's: an uncleared reader's copy of a denunciation has its denouncer masked,
    # and the register would keep `[đã ẩn]` as the senders. Masking is applied on output (register_read).
    if document_id not in visible_ids(store, [document_id], caller.reader):
        raise HTTPException(404, f"document {document_id} not found")
    info = read_document(store, document_id, SYSTEM)
    if info is None:
        raise HTTPException(404, f"document {document_id} not found")
    if info.record is None:
        raise HTTPException(409, f"document {document_id} is not processed yet")
    target = _target_unit(caller, unit)
    kw = {k: v for k, v in kw.items() if v not in (None, "")}
    try:
        entry, proposals = _cache(request).register(
            store.engine, **_record_fields(info.record, kw), unit=target, received=received, channel=channel,
            who=caller.principal.username, document_id=document_id)
    except book.RegisterError as exc:
        audit_event(request, "register", f"document {document_id}", "refused")
        raise HTTPException(400, str(exc)) from exc
    audit_event(request, "register", f"letter {entry.id} ({entry.register_number} {entry.unit}) from document "
                                     f"{document_id}; {len(proposals)} proposals")
    return entry, proposals


def _record_fields(record: Any, overrides: dict[str, Any]) -> dict[str, Any]:
    fields = book.fields_from_record(record)
    fields.update(overrides)
    return fields


# ---------------------------------------------------------------------------------------------------- API
READ = Depends(need(Action.READ_REGISTER))
REGISTER = Depends(need(Action.REGISTER))
DECIDE = Depends(need(Action.DECIDE))


@router.get("/register/letters", response_model=LetterList, responses=errors(401, 403),
            summary="Letters of the register the caller may see, newest first, with filters")
def api_letters(
    request: Request, caller: Caller = READ,
    unit: Annotated[str | None, Query(max_length=200)] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    status: LetterStatus | None = None,
    type: LetterType | None = None,
    channel: Channel | None = None,
    officer: Annotated[str | None, Query(max_length=100)] = None,
    overdue: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> LetterList:
    on = today()
    total, found = register_read.read_page(services(request).store.engine, caller.reader, limit=limit,
                                           offset=offset, unit=unit, year=year, status=status, type=type,
                                           channel=channel, officer=officer, overdue_on=on if overdue else None)
    audit_event(request, "read_register", _filters_text(unit=unit, year=year, status=status, type=type,
                                                         channel=channel, officer=officer, overdue=overdue))
    return LetterList(total=total, items=[summary_of(e, on) for e in found])


def _filters_text(**filters: Any) -> str:
    return "list " + " ".join(f"{k}={v}" for k, v in filters.items() if v not in (None, "", False))


@router.get("/register/letters/{letter_id}", response_model=LetterSheet, responses=errors(401, 403, 404),
            summary="A letter's sheet: register fields, next deadline, status history, duplicate proposals")
def api_letter(request: Request, letter_id: LetterId, caller: Caller = READ) -> LetterSheet:
    sheet = _sheet_or_404(request, letter_id, caller.reader)
    audit_event(request, "read_register", f"letter {letter_id}")
    return sheet


@router.post("/register/letters", response_model=LetterSheet, status_code=201,
             responses=errors(400, 401, 403, 404, 409),
             summary="Enter a processed document's letter in the register (duplicate proposals come back)")
def api_register(request: Request, body: RegisterBody, caller: Caller = REGISTER) -> LetterSheet:
    entry, _ = _register_document(
        request, caller, document_id=body.document_id, received=body.received or today(), channel=body.channel,
        unit=body.unit, forwarded_by=body.forwarded_by, forwarded_number=body.forwarded_number,
        forwarded_date=body.forwarded_date.isoformat() if body.forwarded_date else None, officer=body.officer,
        summary=body.summary)
    return _sheet_or_404(request, entry.id, caller.reader)


def _after_change(request: Request, caller: Caller, letter_id: int) -> LetterSheet:
    return _sheet_or_404(request, letter_id, caller.reader)


def _step(request: Request, caller: Caller, letter_id: int, step: str, **values: Any) -> None:
    """One handling step (judge, decide, resolve) through `book.take_step` — the same for the API and the
    sheet's forms: DECIDE on the letter's unit (hidden letter 404, else 403), the step's values checked (400),
    the letter's state must allow it (409), the deciding officer recorded, history and audit written there."""
    _acting_on(request, caller, letter_id, Action.DECIDE)
    principal = caller.principal
    actor = book.Actor(principal.username, client=client_address(request),
                       officer=principal.username if principal.role == Role.OFFICER else None)
    try:
        book.take_step(services(request).store.engine, letter_id, step, actor=actor, **values)
    except book.StepRefused as exc:
        raise HTTPException(409, str(exc)) from exc
    except book.RegisterError as exc:
        raise HTTPException(400, str(exc)) from exc
    if step == "resolve":
        _cache(request).resolved(letter_id)


@router.post("/register/letters/{letter_id}/judgement", response_model=LetterSheet,
             responses=errors(400, 401, 403, 404, 409),
             summary="Whether the letter can be processed and, if not, why (Luật Tố cáo 2018 Art. 23–25, 27)")
def api_judge(request: Request, letter_id: LetterId, body: JudgementBody, caller: Caller = DECIDE) -> LetterSheet:
    _step(request, caller, letter_id, "judge", processable=body.processable, reason=body.reason)
    return _after_change(request, caller, letter_id)


@router.post("/register/letters/{letter_id}/decision", response_model=LetterSheet,
             responses=errors(400, 401, 403, 404, 409),
             summary="The decision on the letter: accept, forward, guide, return or file")
def api_decide(request: Request, letter_id: LetterId, body: DecisionBody, caller: Caller = DECIDE) -> LetterSheet:
    _step(request, caller, letter_id, "decide", decision=body.decision, on=body.on or today(), to=body.to,
          documents=body.documents, complex_case=body.complex_case, remote=body.remote)
    return _after_change(request, caller, letter_id)


@router.post("/register/letters/{letter_id}/resolution", response_model=LetterSheet,
             responses=errors(400, 401, 403, 404, 409), summary="The letter's matter is resolved")
def api_resolve(request: Request, letter_id: LetterId, body: ResolutionBody, caller: Caller = DECIDE) -> LetterSheet:
    _step(request, caller, letter_id, "resolve", on=body.on or today(), note=body.note)
    return _after_change(request, caller, letter_id)


def _answer(request: Request, caller: Caller, letter_id: int, other_id: int, confirm: bool) -> None:
    _acting_on(request, caller, letter_id, Action.REGISTER)
    engine = services(request).store.engine
    if not register_read.proposal_pair(engine, letter_id, other_id, caller.reader):
        raise HTTPException(404, f"no letter {other_id} to join to letter {letter_id}")
    book.answer(engine, letter_id, other_id, confirm=confirm, who=caller.principal.username)
    audit_event(request, "link", f"letter {letter_id} {'confirmed' if confirm else 'rejected'} as the same "
                                 f"matter as letter {other_id}")


@router.post("/register/letters/{letter_id}/proposals/{other_id}", response_model=LetterSheet,
             responses=errors(400, 401, 403, 404),
             summary="Confirm (the same matter: the letters join one matter) or reject a duplicate proposal")
def api_answer(request: Request, letter_id: LetterId, other_id: OtherId, body: ProposalAnswer,
               caller: Caller = REGISTER) -> LetterSheet:
    _answer(request, caller, letter_id, other_id, body.confirm)
    return _after_change(request, caller, letter_id)


def _edit(request: Request, caller: Caller, letter_id: int, senders: list[dict] | None, summary: str | None,
          sender_count: int | None) -> None:
    entry = _acting_on(request, caller, letter_id, Action.REGISTER)
    if not register_read.may_edit_entry(caller.reader, entry):
        audit_event(request, "register", f"letter {letter_id} edit", "denied")
        raise HTTPException(403, "a denunciation's senders and summary are edited only by a reader cleared to "
                                 "see the denouncer's identity")
    try:
        book.edit(services(request).store.engine, letter_id, who=caller.principal.username, senders=senders,
                  summary=summary, sender_count=sender_count)
    except book.RegisterError as exc:
        raise HTTPException(400, str(exc)) from exc
    if senders is not None:
        _cache(request).edited(services(request).store.engine, letter_id)
    audit_event(request, "register", f"letter {letter_id} edited: "
                + ", ".join(k for k, v in (("senders", senders), ("summary", summary),
                                           ("sender_count", sender_count)) if v is not None))


@router.post("/register/letters/{letter_id}/entry", response_model=LetterSheet,
             responses=errors(400, 401, 403, 404),
             summary="Correct the letter's senders and summary after entry (recorded in its history)")
def api_edit(request: Request, letter_id: LetterId, body: EntryEdit, caller: Caller = REGISTER) -> LetterSheet:
    _edit(request, caller, letter_id, [s.model_dump() for s in body.senders] if body.senders is not None else None,
          body.summary, body.sender_count)
    return _after_change(request, caller, letter_id)


def _link_dossier(request: Request, caller: Caller, letter_id: int, dossier_id: int | None) -> None:
    """Link a letter (REGISTER on its unit) to a dossier the caller may see (else 404, as if missing)."""
    from records import archival

    _acting_on(request, caller, letter_id, Action.REGISTER)
    store = services(request).store
    if dossier_id is not None:
        try:
            archival.dossier_documents(store, dossier_id, caller.reader)
        except LookupError:
            audit_event(request, "register", f"letter {letter_id} dossier {dossier_id}", "refused")
            raise HTTPException(404, f"dossier {dossier_id} not found") from None
    book.link_dossier(store.engine, letter_id, dossier_id, who=caller.principal.username)
    audit_event(request, "register", f"letter {letter_id} linked to dossier {dossier_id}" if dossier_id
                else f"letter {letter_id} unlinked from its dossier")


@router.post("/register/letters/{letter_id}/dossier", response_model=LetterSheet,
             responses=errors(400, 401, 403, 404),
             summary="Link the letter to the archived dossier of the same matter (null: unlink)")
def api_link_dossier(request: Request, letter_id: LetterId, body: DossierLink,
                     caller: Caller = REGISTER) -> LetterSheet:
    _link_dossier(request, caller, letter_id, body.dossier_id)
    return _after_change(request, caller, letter_id)


@router.get("/register/due", response_model=DueList, responses=errors(401, 403),
            summary="Letters whose next deadline is past (overdue) or within 7 days, earliest first")
def api_due(
    request: Request, caller: Caller = READ,
    unit: Annotated[str | None, Query(max_length=200)] = None,
    officer: Annotated[str | None, Query(max_length=100)] = None,
    on: Annotated[dt.date | None, Query(ge=FIRST_DAY, le=LAST_DAY, description="today (default: today)")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="at most this many letters of each part")] = 100,
) -> DueList:
    day = on or today()
    found = register_read.due_page(services(request).store.engine, caller.reader, today=day, unit=unit,
                                   officer=officer, limit=limit)
    audit_event(request, "read_register", "due " + _filters_text(unit=unit, officer=officer, on=on))

    def items(rows: list[tuple[book.Entry, deadlines.Deadline]]) -> list[DueItem]:
        return [DueItem(letter=summary_of(e, day, d), due=d.due, what=d.limit.label, article=d.article)
                for e, d in rows]

    return DueList(today=day, overdue=items(found.overdue), this_week=items(found.this_week),
                   overdue_total=found.overdue_total, this_week_total=found.this_week_total)


# -------------------------------------------------------------------------------------------------- pages
PAGE_READ = Depends(need(Action.READ_REGISTER, page=True))
#: letters per page of the list, and of each part of the due page
PAGE_SIZE = 100
PAGE_REGISTER = Depends(need(Action.REGISTER, page=True))
PAGE_DECIDE = Depends(need(Action.DECIDE, page=True))

templates.env.globals.update(CHANNEL_LABELS=CHANNEL_LABELS, DECISION_LABELS=DECISION_LABELS,
                             REASON_LABELS=REASON_LABELS, REGISTER_STATUS_LABELS=REGISTER_STATUS_LABELS,
                             LINK_STATE_LABELS=LINK_STATE_LABELS)


def _day(value: str | None) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def _int(value: str | None, low: int, high: int) -> int | None:
    if value and value.isdigit() and len(value) < 12 and low <= int(value) <= high:
        return int(value)
    return None


@router.get("/so-don", response_class=HTMLResponse, include_in_schema=False)
def list_page(request: Request, caller: Caller = PAGE_READ) -> HTMLResponse:
    """Sổ xử lý đơn: the letters the reader may see, with filters."""
    q = request.query_params
    filters = {
        "unit": (q.get("don_vi") or "")[:200], "year": _int(q.get("nam"), 2000, 2100),
        "status": q.get("trang_thai") if q.get("trang_thai") in book.STATUSES else None,
        "type": q.get("loai") if q.get("loai") in ("complaint", "denunciation", "recommendation", "land_dispute",
                                                  "unknown") else None,
        "channel": q.get("kenh") if q.get("kenh") in book.CHANNELS else None,
        "overdue": q.get("qua_han") == "1",
    }
    on = today()
    page_no = _int(q.get("trang"), 1, 100_000) or 1
    total, shown = register_read.read_page(
        services(request).store.engine, caller.reader, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE,
        unit=filters["unit"] or None, year=filters["year"], status=filters["status"], type=filters["type"],
        channel=filters["channel"], overdue_on=on if filters["overdue"] else None)
    audit_event(request, "read_register", "page " + _filters_text(**filters, page=page_no))
    pages = max(1, -(-total // PAGE_SIZE))
    link = {"don_vi": filters["unit"], "nam": filters["year"], "trang_thai": filters["status"],
            "loai": filters["type"], "kenh": filters["channel"], "qua_han": "1" if filters["overdue"] else None}
    return _render(request, "register_list.html", {
        "letters": [(e, _deadline(e, on)) for e in shown], "total": total, "filters": filters, "today": on,
        "page_no": page_no, "pages": pages,
        "previous_url": page_url("/so-don", **link, trang=page_no - 1 if page_no > 2 else None)
        if page_no > 1 else None,
        "next_url": page_url("/so-don", **link, trang=page_no + 1) if page_no < pages else None,
        "may_register": caller.principal.may(Action.REGISTER),
        "years": list(range(on.year, on.year - 6, -1)),
    })


@router.get("/so-don/den-han", response_class=HTMLResponse, include_in_schema=False)
def due_page(request: Request, caller: Caller = PAGE_READ) -> HTMLResponse:
    """Đến hạn: what is overdue and what is due within 7 days, grouped per unit and officer."""
    q = request.query_params
    on = _day(q.get("ngay")) or today()
    unit = (q.get("don_vi") or "")[:200] or None
    found = register_read.due_page(services(request).store.engine, caller.reader, today=on, unit=unit,
                                   limit=PAGE_SIZE)
    audit_event(request, "read_register", f"due page on={on.isoformat()} unit={unit or ''}")
    groups: dict[tuple[str, str], dict[str, list[Any]]] = {}
    for key in ("overdue", "this_week"):
        for entry, d in getattr(found, key):
            group = groups.setdefault((entry.unit, entry.officer or ""), {"overdue": [], "this_week": []})
            group[key].append((entry, d, (d.due - on).days))
    return _render(request, "register_due.html", {
        "groups": sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] == "", kv[0][1])), "today": on,
        "unit": unit or "", "overdue_total": found.overdue_total, "week_total": found.this_week_total,
        "shown_overdue": len(found.overdue), "shown_week": len(found.this_week),
    })


@router.get("/so-don/{letter_id}", response_class=HTMLResponse, include_in_schema=False)
def sheet_page(request: Request, letter_id: str, caller: Caller = PAGE_READ) -> HTMLResponse:
    """Phiếu xử lý đơn: a letter's sheet."""
    number = _int(letter_id, 1, MAX_ID)
    engine = services(request).store.engine
    view = register_read.read_sheet(engine, number, caller.reader) if number else None
    if view is None:
        return _not_found(request, f"đơn số hiệu {letter_id} trong sổ")
    audit_event(request, "read_register", f"letter {number}")
    on = today()
    entry, sheet = view.entry, sheet_of(view, on)
    return _render(request, "register_sheet.html", {
        "e": entry, "sheet": sheet, "deadline": sheet.next_deadline,
        "today": on, "may_answer": register_read.may_act(caller.reader, Action.REGISTER, entry.unit),
        "may_edit": register_read.may_act(caller.reader, Action.REGISTER, entry.unit)
        and register_read.may_edit_entry(caller.reader, entry),
        "senders_text": "\n".join(" | ".join(s.get(k) or "" for k in ("name", "id_number", "address")).rstrip(" |")
                                  for s in entry.senders),
        "dossiers": _dossier_choices(services(request).store, caller.reader, entry.dossier_id),
        "may_decide": register_read.may_act(caller.reader, Action.DECIDE, entry.unit),
        "steps": book.allowed_steps(entry),
    })


#: what the sheet shows for a linked dossier whose access level keeps the reader out (not its title)
RESTRICTED_TITLE = "Hồ sơ có mức độ tiếp cận hạn chế"


def _dossier_choices(store: Any, reader: Reader, current: int | None) -> list[tuple[int, str]]:
    """(id, title as the reader may see it) of the newest dossiers the reader may see, for the sheet's dossier
    form (`records.archival.visible_dossiers`); the linked one first when the reader may see it (a restricted one
    the reader may not open as `RESTRICTED_TITLE`)."""
    from records import archival

    choices = [(i, name) for i, name, _ in archival.visible_dossiers(store, reader, limit=50)]
    if current is not None and all(i != current for i, _ in choices):
        try:
            choices.insert(0, (current, archival.shown_title(store, current, reader)))
        except archival.NotAllowed:  # still the linked one (the form must not unlink it), without its title
            choices.insert(0, (current, RESTRICTED_TITLE))
        except LookupError:
            pass
    return choices


def _back(letter_id: int | None, message: str, kind: str = "ok") -> RedirectResponse:
    response = RedirectResponse(f"/so-don/{letter_id}" if letter_id else "/so-don", status_code=303)
    _flash(response, message, kind)
    return response


@router.post("/so-don/vao-so", include_in_schema=False)
async def register_page(request: Request, caller: Caller = PAGE_REGISTER) -> Response:
    """Vào sổ: enter a processed document's letter (form on the list page)."""
    form = await request.form()
    document_id = _int(str(form.get("van_ban") or ""), 1, MAX_ID)
    channel = str(form.get("kenh") or "post")
    received = _day(str(form.get("ngay_nhan") or "")) or today()
    if document_id is None or channel not in book.CHANNELS:
        return _back(None, "Chưa vào sổ: cần số văn bản và kênh tiếp nhận hợp lệ.", "error")
    try:
        entry, proposals = _register_document(
            request, caller, document_id=document_id, received=received, channel=channel,
            forwarded_by=str(form.get("co_quan_chuyen") or "")[:200] or None)
    except HTTPException as exc:
        return _back(None, f"Chưa vào sổ văn bản số {document_id}: " + {
            404: "không tìm thấy văn bản.", 409: "văn bản chưa xử lý xong.",
            403: "không được vào sổ cho đơn vị này."}.get(exc.status_code, str(exc.detail)), "error")
    more = f"; {len(proposals)} đơn có thể cùng vụ việc, xem bên dưới" if proposals else ""
    return _back(entry.id, f"Đã vào sổ đơn số {entry.register_number} ({entry.unit or 'toàn tỉnh'}){more}.")


@router.post("/so-don/{letter_id}/de-xuat/{other_id}", include_in_schema=False)
async def answer_page(request: Request, letter_id: str, other_id: str, caller: Caller = PAGE_REGISTER) -> Response:
    """Confirm or reject a duplicate proposal (form on the sheet)."""
    form = await request.form()
    number, other = _int(letter_id, 1, MAX_ID), _int(other_id, 1, MAX_ID)
    if number is None or other is None:
        return _not_found(request, f"đơn số hiệu {letter_id} trong sổ")
    confirm = str(form.get("xac_nhan") or "") == "1"
    try:
        _answer(request, caller, number, other, confirm)
    except HTTPException as exc:
        if exc.status_code == 404:
            return _not_found(request, f"đơn số hiệu {letter_id} trong sổ")
        return _back(number, "Không được trả lời đề xuất của đơn này.", "error")
    return _back(number, "Đã xác nhận: hai đơn cùng một vụ việc." if confirm else "Đã bác bỏ đề xuất trùng.")


@router.post("/so-don/{letter_id}/xu-ly", include_in_schema=False)
async def decide_page(request: Request, letter_id: str, caller: Caller = PAGE_DECIDE) -> Response:
    """The sheet's decision form: `buoc` = judge (xét điều kiện), decide (hướng xử lý) or resolve."""
    form = await request.form()
    number = _int(letter_id, 1, MAX_ID)
    if number is None:
        return _not_found(request, f"đơn số hiệu {letter_id} trong sổ")
    step = str(form.get("buoc") or "")
    on = _day(str(form.get("ngay") or "")) or today()
    if step == "judge":
        reason = str(form.get("ly_do") or "") or None
        values: dict[str, Any] = {"processable": reason is None, "reason": reason}
    elif step == "decide":
        values = {"decision": str(form.get("huong") or ""), "on": on,
                  "to": str(form.get("noi_nhan") or "")[:200] or None,
                  "documents": [d.strip() for d in str(form.get("van_ban_ban_hanh") or "").split(";")
                                if d.strip()][:20],
                  "complex_case": form.get("phuc_tap") == "1", "remote": form.get("vung_xa") == "1"}
    else:
        values = {"on": on}  # resolve; another step is refused by book.take_step (after the access checks)
    try:
        _step(request, caller, number, step, **values)
    except HTTPException as exc:
        if exc.status_code == 404:
            return _not_found(request, f"đơn số hiệu {letter_id} trong sổ")
        if exc.status_code == 403:
            return _back(number, "Không được xử lý đơn của đơn vị này.", "error")
        return _back(number, f"Chưa lưu: {exc.detail}", "error")
    message = {"judge": lambda: "Đã ghi: " + ("đơn đủ điều kiện xử lý." if values["processable"]
                                              else REASON_LABELS[values["reason"]] + "."),
               "decide": lambda: f"Đã ghi hướng xử lý: {DECISION_LABELS[values['decision']]}.",
               "resolve": lambda: "Đã ghi: vụ việc đã giải quyết xong."}[step]()
    return _back(number, message)


def parse_senders(text: str) -> list[dict]:
    """The sheet's senders box: one sender a line, `name | ID number | address` (the last two optional)."""
    out = []
    for line in text.splitlines()[:100]:
        parts = [p.strip()[:500] for p in line.split("|")]
        if any(parts):
            parts += [""] * (3 - len(parts))
            out.append({"name": parts[0][:200] or None, "id_number": parts[1][:40] or None,
                        "address": " | ".join(parts[2:]).strip(" |") or None})
    return out


@router.post("/so-don/{letter_id}/sua", include_in_schema=False)
async def edit_page(request: Request, letter_id: str, caller: Caller = PAGE_REGISTER) -> Response:
    """The sheet's form correcting the senders and the summary."""
    form = await request.form()
    number = _int(letter_id, 1, MAX_ID)
    if number is None:
        return _not_found(request, f"đơn số hiệu {letter_id} trong sổ")
    senders = parse_senders(str(form.get("nguoi_gui") or "")) if "nguoi_gui" in form else None
    summary = str(form.get("tom_tat") or "")[:book.SUMMARY_MAX + 1] if "tom_tat" in form else None
    count = _int(str(form.get("so_nguoi_ky") or ""), 1, 100_000)
    try:
        _edit(request, caller, number, senders, summary, count)
    except HTTPException as exc:
        if exc.status_code == 404:
            return _not_found(request, f"đơn số hiệu {letter_id} trong sổ")
        if exc.status_code == 400:
            return _back(number, f"Chưa lưu: {exc.detail}", "error")
        return _back(number, "Không được sửa thông tin vào sổ của đơn này.", "error")
    return _back(number, "Đã lưu thông tin người gửi và tóm tắt.")


@router.post("/so-don/{letter_id}/ho-so", include_in_schema=False)
async def dossier_link_page(request: Request, letter_id: str, caller: Caller = PAGE_REGISTER) -> Response:
    """The sheet's form linking the letter to an archived dossier (`ho_so` empty: unlink)."""
    form = await request.form()
    number = _int(letter_id, 1, MAX_ID)
    if number is None:
        return _not_found(request, f"đơn số hiệu {letter_id} trong sổ")
    raw = str(form.get("ho_so") or "").strip()
    dossier = _int(raw, 1, MAX_ID)
    if raw and dossier is None:
        return _back(number, "Chưa gắn: mã hồ sơ không hợp lệ.", "error")
    try:
        _link_dossier(request, caller, number, dossier)
    except HTTPException as exc:
        if exc.status_code == 404 and dossier is not None and "dossier" in str(exc.detail):
            return _back(number, f"Chưa gắn: không tìm thấy hồ sơ mã {dossier}.", "error")
        if exc.status_code == 404:
            return _not_found(request, f"đơn số hiệu {letter_id} trong sổ")
        return _back(number, "Không được gắn hồ sơ cho đơn này.", "error")
    return _back(number, f"Đã gắn với hồ sơ lưu trữ mã {dossier}." if dossier else "Đã bỏ gắn hồ sơ lưu trữ.")


#: the duplicate proposer's reasons (records.register.duplicates, English) in the clerks' words; longest first
_REASON_WORDS = (
    ("the same letter sent to several bodies (Luật Tố cáo 2018 Art. 24: only the competent body handles it)",
     "cùng một đơn gửi nhiều cơ quan (Luật Tố cáo 2018 Điều 24: chỉ cơ quan có thẩm quyền giải quyết)"),
    ("same ID number but one digit (an OCR slip)", "cùng số CCCD/CMND, lệch một chữ số (lỗi nhận dạng)"),
    ("same name (one letter apart) and address", "cùng họ tên (lệch một chữ) và địa chỉ"),
    ("repeat of a matter already resolved", "đơn lặp lại vụ việc đã giải quyết"),
    ("near-identical content (similarity", "nội dung gần như trùng (độ giống"),
    ("same senders (several names)", "cùng nhóm người gửi (nhiều tên trùng)"),
    ("same contested decision", "cùng quyết định bị khiếu nại"),
    ("same person accused", "cùng người bị tố cáo, khiếu nại"),
    ("same name and address", "cùng họ tên và địa chỉ"),
    ("the same facts (", "cùng các chi tiết hiếm ("),
    ("linked by a clerk", "do cán bộ liên kết"),
    ("same ID number", "cùng số CCCD/CMND"),
    ("same parcel", "cùng thửa đất"),
    ("same name", "cùng họ tên"),
)


def reason_vi(reason: str) -> str:
    """A proposal's reason in Vietnamese (it never names anyone, in either language)."""
    for english, vietnamese in _REASON_WORDS:
        reason = reason.replace(english, vietnamese)
    return reason


def article_vi(article: str) -> str:
    """`Luật Tố cáo 2018 (…) Art. 24` as clerks write it: `… Điều 24`."""
    return article.replace("Art. ", "Điều ")


def unit_short(unit: str) -> str:
    """The last part of a unit path (the commune, the district); the root: the whole province."""
    return unit.rsplit("/", 1)[-1] if unit else "toàn tỉnh"


templates.env.filters.update(reason_vi=reason_vi, article_vi=article_vi, unit_short=unit_short)


def page_url(path: str, **params: Any) -> str:
    """A link with the non-empty query parameters."""
    kept = {k: v for k, v in params.items() if v not in (None, "", False)}
    return path + ("?" + urlencode(kept) if kept else "")


templates.env.globals.update(page_url=page_url)
