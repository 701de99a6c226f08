"""The register of incoming letters (sổ xử lý đơn): numbering per unit and year, the letter's sheet, the
decision, the status history, duplicate proposals at registration and a clerk's answer to them, corrections of
the senders and summary after entry, the link to the archived dossier of the same matter, each letter's next
legal deadline, and the list of what is due and overdue.

The list (`page`) and the due list (`due_page`) are filtered, counted, ordered and paged in SQL: each letter's
next deadline day is stored in `register_letters.next_due` (migration 0011), recomputed by `refresh_next_due`
in the transaction of every change, as deadlines are counted in Python (working days, lunar holidays).

Circular 04/2021/TT-TTCP Art. 7(5) and Circular 05/2021/TT-TTCP Art. 29(1) let a body keep this register in
software (issue 17). Tables: `records.tables.register_letters`, `register_events`, `register_links`
(migration 0006). Whether a letter can be processed follows Luật Tố cáo 2018 Art. 23–25 and 27
(`UNPROCESSABLE_REASONS`); deadlines come from `records.register.deadlines`.

Who may see what (roles, units, a denouncer's identity) is not this module's: it stores and reads for the
system; people read through `records.register.read` (the register's read path: `donthu.access` units and
roles, the denouncer's identity masked), which the pages and the API (`api.routes.register`) use.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from donthu.access import normalise_unit
from donthu.schema import Record
from donthu.text import fold, nfc
from records import audit
from records.register import deadlines
from records.register.duplicates import DuplicateIndex, Letter, ParcelRef, Proposal, Sender, from_signature, minhash
from records.tables import register_events, register_letters, register_links

CHANNELS: dict[str, str] = {
    "in_person": "Trực tiếp tại nơi tiếp công dân",
    "post": "Qua bưu chính",
    "forwarded": "Do cơ quan, tổ chức khác chuyển đến",
    "online": "Trực tuyến",
}
DECISIONS: dict[str, str] = {
    "accept": "Thụ lý, giải quyết",
    "forward": "Chuyển đơn đến cơ quan có thẩm quyền",
    "guide": "Hướng dẫn công dân",
    "return": "Trả lại đơn",
    "file": "Lưu đơn",
}
#: the statuses of a letter and their one label, shown by the register's pages, the statistics page and the
#: report form alike (exports keep the codes)
STATUS_LABELS: dict[str, str] = {
    "received": "Mới vào sổ",
    "processing": "Đang xử lý",
    "decided": "Đã có hướng xử lý",
    "resolved": "Đã giải quyết",
}
STATUSES: tuple[str, ...] = tuple(STATUS_LABELS)
#: why a letter cannot be processed (Luật Tố cáo 2018, Law 25/2018/QH14)
UNPROCESSABLE_REASONS: dict[str, str] = {
    "no_identity": "Không ghi rõ họ tên, địa chỉ, không có chữ ký hoặc điểm chỉ (Art. 23)",
    "anonymous": "Đơn nặc danh, không xác định được người viết (Art. 25)",
    "other_name": "Mạo danh, sử dụng họ tên người khác (Art. 25)",
    "already_handled": "Nội dung đã được giải quyết, không có tình tiết mới (Art. 27)",
    "not_competent": "Không thuộc thẩm quyền giải quyết (Art. 24)",
}
#: the parties who send a letter (donthu.schema.Role)
SENDER_ROLES = ("complainant", "denouncer", "petitioner", "disputant")
_NORMATIVE = ("QH", "NĐ-CP", "TT-", "TTLT", "NQ-")


class RegisterError(ValueError):
    """A register operation that cannot be done; the message is readable by a clerk."""


@dataclass
class Entry:
    """One letter of the register as stored."""

    id: int
    unit: str
    year: int
    number: int
    received: dt.date
    channel: str
    type: str
    senders: list[dict]
    sender_count: int
    summary: str
    text: str
    recipient: str | None
    parcels: list[dict]
    references: list[str]
    subjects: list[str]
    status: str
    matter_id: int
    processable: bool | None = None
    unprocessable_reason: str | None = None
    decision: str | None = None
    decision_date: dt.date | None = None
    decision_to: str | None = None
    decision_documents: list[str] = field(default_factory=list)
    accepted: dt.date | None = None
    complex_case: bool = False
    remote: bool = False
    officer: str | None = None
    document_id: int | None = None
    dossier_id: int | None = None
    forwarded_by: str | None = None
    forwarded_number: str | None = None
    forwarded_date: str | None = None

    @property
    def register_number(self) -> str:
        """As written in the book: ``15/2026``."""
        return f"{self.number}/{self.year}"

    def as_letter(self) -> Letter:
        return Letter(
            id=self.id, text=self.text, recipient=self.recipient or "", resolved=self.status == "resolved",
            senders=[Sender(s.get("name") or "", s.get("id_number"), s.get("address")) for s in self.senders],
            parcels=[ParcelRef(str(p.get("parcel_no") or ""), p.get("map_sheet"), p.get("commune"))
                     for p in self.parcels],
            references=list(self.references), subjects=list(self.subjects),
        )


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _entry(row: Any) -> Entry:
    return Entry(
        id=row.id, unit=row.unit, year=row.year, number=row.number, received=dt.date.fromisoformat(row.received),
        channel=row.channel, type=row.type, senders=json.loads(row.senders_json), sender_count=row.sender_count,
        summary=row.summary, text=row.text, recipient=row.recipient, parcels=json.loads(row.parcels_json),
        references=json.loads(row.references_json), subjects=json.loads(row.subjects_json), status=row.status,
        matter_id=row.matter_id or row.id, processable=row.processable,
        unprocessable_reason=row.unprocessable_reason, decision=row.decision,
        decision_date=_date(row.decision_date), decision_to=row.decision_to,
        decision_documents=json.loads(row.decision_documents or "[]"), accepted=_date(row.accepted),
        complex_case=bool(row.complex_case), remote=bool(row.remote), officer=row.officer,
        document_id=row.document_id, dossier_id=row.dossier_id, forwarded_by=row.forwarded_by,
        forwarded_number=row.forwarded_number, forwarded_date=row.forwarded_date,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


#: where a letter's matter begins (folded): "Nay tôi làm đơn…", "khiếu nại…", "Sự việc như sau…" — not the
#: label of the writer ("Người khiếu nại: …"), which belongs to the writer's identity
_MATTER_STARTS = re.compile(r"(?<!nguoi )\b(nay toi|lam don|khieu nai|to cao|kien nghi|phan anh|de nghi|"
                            r"yeu cau|tranh chap|su viec|noi dung)\b")
_SENTENCE = re.compile(r"(?<=[.;!?])\s+")


def recipient_and_summary(text: str) -> tuple[str | None, str]:
    """The addressee (the `Kính gửi:` line) and a first summary, 400 characters at most: the text after the
    addressees (further `- …` addressee lines skipped), from the first sentence that states the matter, so that
    the writer's name, birth year, ID number and address (the opening sentences) are not the summary."""
    lines = [ln.strip() for ln in nfc(text).splitlines() if ln.strip()]
    at = next((i for i, ln in enumerate(lines) if ln.lower().startswith("kính gửi")), None)
    if at is None:
        return None, " ".join(lines)[:400]
    recipient = lines[at].split(":", 1)[-1].strip(" .;") or None
    body = lines[at + 1:]
    while body and body[0][:1] in "-–+•":
        recipient = recipient or body[0].lstrip("-–+• ").strip(" .;") or None  # the first of a list
        body = body[1:]
    sentences = _SENTENCE.split(" ".join(body))
    start = next((i for i, sentence in enumerate(sentences) if _MATTER_STARTS.search(fold(sentence))), 0)
    return recipient, " ".join(sentences[start:])[:400]


def fields_from_record(record: Record) -> dict:
    """What the register takes from an extracted record: type, text, senders (the parties who wrote), parcels,
    contested decisions (normative acts left out), accused people, the addressee and a summary."""
    recipient, summary = recipient_and_summary(record.text)
    return {
        "type": record.type,
        "text": record.text,
        "senders": [{"name": p.name, "id_number": p.id_number, "address": p.address}
                    for p in record.parties if p.role in SENDER_ROLES],
        "parcels": [{"parcel_no": p.parcel_no, "map_sheet": p.map_sheet, "commune": p.commune}
                    for p in record.parcels],
        "references": [r.number for r in record.references if not any(k in r.number for k in _NORMATIVE)],
        "subjects": [p.name for p in record.parties if p.role == "subject"],
        "recipient": recipient,
        "summary": summary,
    }


def _event(conn, letter_id: int, who: str, status: str, note: str | None = None) -> None:
    conn.execute(insert(register_events).values(letter_id=letter_id, at=_now(), who=who, status=status, note=note))


def load_index(engine: Engine, exclude: int | None = None) -> DuplicateIndex:
    """The duplicate index over every registered letter (the stored MinHash signatures are reused)."""
    index = DuplicateIndex()
    with engine.connect() as conn:
        for row in conn.execute(select(register_letters).order_by(register_letters.c.id)):
            if row.id == exclude:
                continue
            entry = _entry(row)
            mh = from_signature(np.frombuffer(row.signature, dtype=np.uint64)) if row.signature else None
            index.add(entry.as_letter(), mh)
    return index


def stored_minhash(engine: Engine, letter_id: int) -> Any:
    """The letter's stored MinHash (None when it has none)."""
    with engine.connect() as conn:
        signature = conn.execute(select(register_letters.c.signature)
                                 .where(register_letters.c.id == letter_id)).scalar()
    return from_signature(np.frombuffer(signature, dtype=np.uint64)) if signature else None


def refresh_index(engine: Engine, index: DuplicateIndex, seen: set[int]) -> None:
    """Add to a kept `index` the letters registered since it was built (by this service or another process,
    the CLI); `seen`: the ids already in it, updated. Lets a running service keep one index in memory
    instead of rebuilding it for each letter."""
    with engine.connect() as conn:  # by id, not "after the last one": another process may commit a lower id later
        missing = sorted(set(conn.execute(select(register_letters.c.id)).scalars()) - seen)
        rows = []
        for at in range(0, len(missing), 500):
            rows += conn.execute(select(register_letters).where(register_letters.c.id.in_(missing[at:at + 500]))
                                 .order_by(register_letters.c.id)).all()
    for row in rows:
        mh = from_signature(np.frombuffer(row.signature, dtype=np.uint64)) if row.signature else None
        index.add(_entry(row).as_letter(), mh)
        seen.add(row.id)


def register(engine: Engine, *, unit: str, received: dt.date, channel: str, type: str, text: str,
             senders: list[dict], who: str, summary: str = "", recipient: str | None = None,
             parcels: list[dict] | None = None, references: list[str] | None = None,
             subjects: list[str] | None = None, sender_count: int | None = None, officer: str | None = None,
             document_id: int | None = None, dossier_id: int | None = None, forwarded_by: str | None = None,
             forwarded_number: str | None = None, forwarded_date: str | None = None,
             index: DuplicateIndex | None = None) -> tuple[Entry, list[Proposal]]:
    """Enter a letter in the register of `unit` with the next number of its year; propose earlier letters of
    the same matter (stored as `proposed` links for a clerk to confirm or reject). `index`: an index already
    loaded (`load_index`), updated with this letter; without it one is loaded from the database."""
    if channel not in CHANNELS:
        raise RegisterError(f"kênh tiếp nhận không hợp lệ: {channel!r} ({', '.join(CHANNELS)})")
    if channel == "forwarded" and not forwarded_by:
        raise RegisterError("đơn do cơ quan khác chuyển đến: cần ghi cơ quan chuyển (forwarded_by)")
    unit = normalise_unit(unit)
    found_recipient, found_summary = recipient_and_summary(text)
    recipient = recipient or found_recipient
    summary = summary or found_summary
    senders = [{k: (nfc(v).strip() if isinstance(v, str) else v) for k, v in s.items()} for s in senders]
    letter = Letter(id=-1, text=nfc(text), recipient=recipient or "",
                    senders=[Sender(s.get("name") or "", s.get("id_number"), s.get("address")) for s in senders],
                    parcels=[ParcelRef(str(p.get("parcel_no") or ""), p.get("map_sheet"), p.get("commune"))
                             for p in parcels or []],
                    references=list(references or []), subjects=list(subjects or []))
    mh = minhash(letter.text, letter.senders)
    if index is None:
        index = load_index(engine)
    proposals = index.propose(letter)
    values = dict(
        unit=unit, year=received.year, received=received.isoformat(), channel=channel, type=type,
        text=letter.text, recipient=recipient, senders_json=json.dumps(senders, ensure_ascii=False),
        sender_count=sender_count if sender_count is not None else max(1, len(senders)),
        summary=nfc(summary).strip(), parcels_json=json.dumps(parcels or [], ensure_ascii=False),
        references_json=json.dumps(references or [], ensure_ascii=False),
        subjects_json=json.dumps(subjects or [], ensure_ascii=False), officer=officer, status="received",
        document_id=document_id, dossier_id=dossier_id, forwarded_by=forwarded_by,
        forwarded_number=forwarded_number, forwarded_date=forwarded_date,
        signature=mh.hashvalues.astype(np.uint64).tobytes(), created_at=_now(), updated_at=_now(),
        next_due=_due_text(deadlines.next_for(type=type, status="received", decision=None, received=received,
                                              accepted=None)),
    )
    for attempt in range(5):  # two clerks registering at once may take the same number: try the next
        try:
            with engine.begin() as conn:
                number = conn.execute(select(func.coalesce(func.max(register_letters.c.number), 0)).where(
                    register_letters.c.unit == unit, register_letters.c.year == received.year)).scalar_one() + 1
                letter_id = conn.execute(insert(register_letters).values(number=number, **values)).inserted_primary_key[0]
                conn.execute(update(register_letters).where(register_letters.c.id == letter_id)
                             .values(matter_id=letter_id))
                _event(conn, letter_id, who, "received", f"vào sổ số {number}/{received.year}, "
                                                         f"kênh: {CHANNELS[channel]}")
                for p in proposals:
                    conn.execute(insert(register_links).values(
                        letter_id=letter_id, other_id=p.letter_id, score=p.score,
                        reasons_json=json.dumps(p.reasons, ensure_ascii=False), state="proposed"))
            break
        except IntegrityError:
            if attempt == 4:
                raise
    letter.id = letter_id
    index.add(letter, mh)
    return get(engine, letter_id), proposals


def register_record(engine: Engine, record: Record, *, unit: str, received: dt.date, channel: str, who: str,
                    document_id: int | None = None, **kw: Any) -> tuple[Entry, list[Proposal]]:
    """`register` with the fields taken from an extracted record (`fields_from_record`); `kw` overrides."""
    fields = fields_from_record(record)
    fields.update(kw)
    return register(engine, unit=unit, received=received, channel=channel, who=who, document_id=document_id,
                    **fields)


def get(engine: Engine, letter_id: int) -> Entry:
    with engine.connect() as conn:
        row = conn.execute(select(register_letters).where(register_letters.c.id == letter_id)).first()
    if row is None:
        raise RegisterError(f"không có đơn số hiệu {letter_id} trong sổ")
    return _entry(row)


def _unit_clause(unit: str) -> Any:
    """`unit` and the units below it, exactly (no LIKE wildcards, the same on SQLite and PostgreSQL)."""
    u = normalise_unit(unit)
    col = register_letters.c.unit
    return or_(col == u, func.substr(col, 1, len(u) + 1) == u + "/")


def _where(*, unit: str | None = None, year: int | None = None, status: str | None = None,
           type: str | None = None, channel: str | None = None, officer: str | None = None,
           due_before: dt.date | None = None) -> list[Any]:
    """The SQL conditions of the register's filters; `due_before`: the next deadline is before that day."""
    c = register_letters.c
    where: list[Any] = []
    if unit and normalise_unit(unit):
        where.append(_unit_clause(unit))
    if year:
        where.append(c.year == year)
    if status:
        where.append(c.status == status)
    if type:
        where.append(c.type == type)
    if channel:
        where.append(c.channel == channel)
    if officer:
        where.append(c.officer == officer)
    if due_before is not None:
        where.append(and_(c.next_due.is_not(None), c.next_due < due_before.isoformat()))
    return where


def letters(engine: Engine, *, unit: str | None = None, year: int | None = None, status: str | None = None,
            type: str | None = None, officer: str | None = None) -> list[Entry]:
    """Every letter of `unit` and the units below it, newest first (statistics; pages use `page`)."""
    q = select(register_letters).where(*_where(unit=unit, year=year, status=status, type=type, officer=officer))
    with engine.connect() as conn:
        rows = conn.execute(q.order_by(register_letters.c.received.desc(), register_letters.c.id.desc())).all()
    return [_entry(r) for r in rows]


def page(engine: Engine, *, limit: int, offset: int = 0, **filters: Any) -> tuple[int, list[Entry]]:
    """(how many letters match, the `limit` letters from `offset`), newest first: filtered, counted, ordered
    and cut in SQL (`_where`; the index on `received`, `id` walks them in order)."""
    where = _where(**filters)
    c = register_letters.c
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(register_letters).where(*where)).scalar_one()
        rows = conn.execute(select(register_letters).where(*where).order_by(c.received.desc(), c.id.desc())
                            .limit(limit).offset(offset)).all() if total > offset else []
    return total, [_entry(r) for r in rows]


def history(engine: Engine, letter_id: int) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(register_events).where(register_events.c.letter_id == letter_id)
                            .order_by(register_events.c.id)).all()
    return [{"at": r.at.isoformat(), "who": r.who, "status": r.status, "note": r.note} for r in rows]


def _links(engine: Engine, column: str, letter_id: int) -> list[Any]:
    with engine.connect() as conn:
        return conn.execute(select(register_links).where(register_links.c[column] == letter_id)
                            .order_by(register_links.c.score.desc())).all()


def links(engine: Engine, letter_id: int) -> list[dict]:
    """The duplicate proposals stored for this letter (it names an earlier one), best first."""
    return [{"other_id": r.other_id, "score": r.score, "reasons": json.loads(r.reasons_json), "state": r.state,
             "who": r.who} for r in _links(engine, "letter_id", letter_id)]


def links_to(engine: Engine, letter_id: int) -> list[dict]:
    """The proposals made for later letters that name this one (`links` seen from the other side)."""
    return [{"letter_id": r.letter_id, "score": r.score, "reasons": json.loads(r.reasons_json), "state": r.state,
             "who": r.who} for r in _links(engine, "other_id", letter_id)]


def stored_pair(conn: Connection, first: int, second: int) -> tuple[int, int] | None:
    """The direction in which a proposal joining two letters is stored, `(first, second)` preferred, or None
    when no proposal joins them."""
    c = register_links.c
    rows = conn.execute(select(c.letter_id, c.other_id).where(or_(
        and_(c.letter_id == first, c.other_id == second), and_(c.letter_id == second, c.other_id == first)))).all()
    pairs = {(r.letter_id, r.other_id) for r in rows}
    return (first, second) if (first, second) in pairs else next(iter(pairs), None)


def _change(engine: Engine, letter_id: int, who: str, status: str, note: str, **values: Any) -> Entry:
    get(engine, letter_id)
    with engine.begin() as conn:
        conn.execute(update(register_letters).where(register_letters.c.id == letter_id)
                     .values(status=status, updated_at=_now(), **values))
        refresh_next_due(conn, [letter_id])
        _event(conn, letter_id, who, status, note)
    return get(engine, letter_id)


def _due_text(deadline: deadlines.Deadline | None) -> str | None:
    return deadline.due.isoformat() if deadline else None


_DUE_COLUMNS = ("id", "type", "status", "decision", "received", "accepted", "complex_case", "remote", "next_due")


#: letters recomputed in one transaction by `refresh_all`
REFRESH_BATCH = 500


def refresh_all(engine: Engine, unit: str | None = None, batch: int = REFRESH_BATCH) -> tuple[int, int]:
    """Recompute `register_letters.next_due` (`refresh_next_due`) for every pending letter of `unit` and the
    units below it (and any resolved one still holding a day), `batch` letters per transaction, so that a
    change of the working-day calendar (`records.register.workdays`: a new year's swaps, a corrected holiday)
    reaches the stored deadlines. Returns (letters checked, letters whose deadline changed)."""
    c = register_letters.c
    pending = or_(c.status != "resolved", c.next_due.is_not(None))
    with engine.connect() as conn:
        ids = list(conn.execute(select(c.id).where(pending, *_where(unit=unit)).order_by(c.id)).scalars())
    changed = 0
    for at in range(0, len(ids), batch):
        with engine.connect() as conn:
            conn.execution_options(donthu_write=True)  # SQLite: take the write lock up front (records.store)
            with conn.begin():
                changed += refresh_next_due(conn, ids[at:at + batch])
    return len(ids), changed


def refresh_next_due(conn: Any, ids: list[int] | None = None) -> int:
    """Store each letter's next deadline day (`deadlines.next_for`, working days and lunar holidays counted
    in Python) in `register_letters.next_due`, which the due list queries; `ids`: only these letters (None:
    all — the migration that added the column, or after the holiday calendar changed). Reads and writes only
    the columns it needs, so a migration may call it. Returns how many rows changed."""
    c = register_letters.c
    query = select(*(c[name] for name in _DUE_COLUMNS))
    if ids is not None:
        query = query.where(c.id.in_(ids))
    changed = []
    for row in conn.execute(query).all():
        due = _due_text(deadlines.next_for(
            type=row.type, status=row.status, decision=row.decision, received=dt.date.fromisoformat(row.received),
            accepted=_date(row.accepted), complex_case=bool(row.complex_case), remote=bool(row.remote)))
        if due != row.next_due:
            changed.append({"letter": row.id, "due": due})
    if changed:
        from sqlalchemy import bindparam

        conn.execute(update(register_letters).where(c.id == bindparam("letter")).values(next_due=bindparam("due")),
                     changed)
    return len(changed)


#: longest summary kept (the sheet's form and the API accept no more)
SUMMARY_MAX = 2000


def edit(engine: Engine, letter_id: int, *, who: str, senders: list[dict] | None = None,
         summary: str | None = None, sender_count: int | None = None) -> Entry:
    """Correct what was taken from the letter at entry: its senders (the parties who wrote: name, ID number,
    address) and its short summary, both extracted and editable (issue 17). The status does not change; the
    history records what was changed and how many senders there are, never a name (the history is shown to
    readers not cleared to see a denouncer). The stored MinHash signature follows the new senders, so the
    duplicate index loaded later (`load_index`) proposes on the corrected letter; a kept index takes it out and
    adds it again (`DuplicateIndex.remove`, `api.routes.register.IndexCache.edited`)."""
    entry = get(engine, letter_id)
    values: dict[str, Any] = {}
    changed = []
    if senders is not None:
        cleaned = []
        for s in senders:
            one = {k: (nfc(s.get(k) or "").strip() or None) for k in ("name", "id_number", "address")}
            if one["name"] or one["id_number"] or one["address"]:
                cleaned.append(one)
        if cleaned != entry.senders:
            values["senders_json"] = json.dumps(cleaned, ensure_ascii=False)
            mh = minhash(entry.text, [Sender(s["name"] or "", s["id_number"], s["address"]) for s in cleaned])
            values["signature"] = mh.hashvalues.astype(np.uint64).tobytes()
            changed.append(f"người gửi ({len(cleaned)} người)")
        if sender_count is None and len(cleaned) > entry.sender_count:
            sender_count = len(cleaned)
    if sender_count is not None and sender_count != entry.sender_count:
        if sender_count < 1:
            raise RegisterError("số người ký đơn phải từ 1 trở lên")
        values["sender_count"] = sender_count
        changed.append(f"số người ký: {sender_count}")
    if summary is not None:
        summary = nfc(summary).strip()
        if not summary:
            raise RegisterError("tóm tắt nội dung không được để trống")
        if len(summary) > SUMMARY_MAX:
            raise RegisterError(f"tóm tắt dài quá {SUMMARY_MAX} ký tự")
        if summary != entry.summary:
            values["summary"] = summary
            changed.append("tóm tắt nội dung")
    if not changed:
        return entry
    return _change(engine, letter_id, who, entry.status, "sửa thông tin vào sổ: " + ", ".join(changed), **values)


def link_dossier(engine: Engine, letter_id: int, dossier_id: int | None, *, who: str) -> Entry:
    """Link the letter to the archived dossier (hồ sơ lưu trữ) of the same matter, or unlink it (None).
    Whether the dossier exists and who may see it is the caller's to check (`records.archival`)."""
    entry = get(engine, letter_id)
    if entry.dossier_id == dossier_id:
        return entry
    note = f"gắn với hồ sơ lưu trữ mã {dossier_id}" if dossier_id else f"bỏ gắn hồ sơ lưu trữ mã {entry.dossier_id}"
    return _change(engine, letter_id, who, entry.status, note, dossier_id=dossier_id)


def letters_of_dossier(engine: Engine, dossier_id: int) -> list[Entry]:
    """The letters linked to an archived dossier, in register order."""
    with engine.connect() as conn:
        rows = conn.execute(select(register_letters).where(register_letters.c.dossier_id == dossier_id)
                            .order_by(register_letters.c.received, register_letters.c.id)).all()
    return [_entry(r) for r in rows]


#: the handling steps (Circular 05/2021/TT-TTCP: xử lý đơn; Luật Tố cáo 2018 Art. 24, Luật Khiếu nại 2011
#: Art. 27) and the statuses each may be taken from: a received letter is judged (processable or not, again
#: while it is being processed) and decided; only an accepted letter (thụ lý) is later resolved. Anything else
#: (deciding a letter already decided, judging a resolved one, resolving a letter forwarded, guided, returned
#: or filed) is refused with `StepRefused`.
STEPS: dict[str, tuple[str, ...]] = {
    "judge": ("received", "processing"),
    "decide": ("received", "processing"),
    "resolve": ("decided",),
}


class StepRefused(RegisterError):
    """A handling step the letter's state does not allow (a conflict with its state, HTTP 409), as opposed to a
    step with a wrong value (a plain `RegisterError`, HTTP 400)."""


@dataclass(frozen=True)
class Actor:
    """Who takes a step: `username` (the history's and the audit trail's who); `client` where from for the
    audit trail ("cli", or the request's client address; None: not audited — scripts and tests calling the
    book directly); `officer`: the handling officer recorded on a letter that has none (an officer who judges
    or decides an unassigned letter becomes its officer; the due list is per officer)."""

    username: str
    client: str | None = None
    officer: str | None = None


def allowed_steps(entry: Entry) -> tuple[str, ...]:
    """The steps that may be taken on the letter now (the sheet shows only their forms)."""
    return tuple(name for name, statuses in STEPS.items() if entry.status in statuses
                 and not (name == "resolve" and entry.decision != "accept"))


def _step_values(step: str, *, on: dt.date | None, processable: bool | None, reason: str | None,
                 decision: str | None, to: str | None, documents: list[str] | None, complex_case: bool,
                 remote: bool, note: str) -> tuple[str, str, dict[str, Any], str]:
    """(status after, history note, columns, audit target) of a step, its values checked (RegisterError)."""
    if step not in STEPS:
        raise RegisterError(f"bước xử lý không hợp lệ: {step[:40]!r} ({', '.join(STEPS)})")
    if step == "judge":
        if processable is None:
            raise RegisterError("xét điều kiện xử lý: cần ghi đủ hay không đủ điều kiện")
        if not processable and reason not in UNPROCESSABLE_REASONS:
            raise RegisterError(f"lý do không xử lý không hợp lệ: {reason!r} ({', '.join(UNPROCESSABLE_REASONS)})")
        return ("processing", "đủ điều kiện xử lý" if processable else UNPROCESSABLE_REASONS[reason],
                {"processable": processable, "unprocessable_reason": None if processable else reason},
                "judged " + ("processable" if processable else f"not: {reason}"))
    if on is None:
        raise RegisterError("cần ghi ngày")
    if step == "decide":
        if decision not in DECISIONS:
            raise RegisterError(f"quyết định không hợp lệ: {decision!r} ({', '.join(DECISIONS)})")
        if decision == "forward" and not to:
            raise RegisterError("chuyển đơn: cần ghi cơ quan có thẩm quyền nhận đơn")
        issued = [d for d in (documents or []) if d]
        text = DECISIONS[decision] + (f": {to}" if to else "") + (f"; văn bản: {'; '.join(issued)}" if issued else "")
        return ("decided", text,
                {"decision": decision, "decision_date": on.isoformat(), "decision_to": to,
                 "decision_documents": json.dumps(issued, ensure_ascii=False),
                 "accepted": on.isoformat() if decision == "accept" else None, "complex_case": complex_case,
                 "remote": remote},
                f"decision {decision}")
    return "resolved", f"đã giải quyết ngày {on.isoformat()} {note}".strip(), {}, "resolved"


def _refusal(entry: Entry, step: str, values: dict[str, Any]) -> str | None:
    """Why the letter's state does not allow the step (None: it does)."""
    if entry.status not in STEPS[step]:
        shown = STATUS_LABELS[entry.status].lower()
        return {"judge": f"đơn {entry.register_number} {shown}: không xét lại điều kiện xử lý",
                "decide": f"đơn {entry.register_number} {shown}: không ghi lại hướng xử lý",
                "resolve": f"đơn {entry.register_number} {shown}: chỉ ghi giải quyết xong đơn đã thụ lý"}[step]
    if step == "resolve" and entry.decision != "accept":
        decided = DECISIONS.get(entry.decision or "", entry.decision)
        return f"đơn {entry.register_number} có hướng xử lý '{decided}', không thụ lý: không có gì để giải quyết xong"
    if step == "decide" and values["decision"] == "accept" and entry.processable is False:
        return f"đơn {entry.register_number} đã xét là không đủ điều kiện xử lý: không thụ lý được"
    return None


def take_step(engine: Engine, letter_id: int, step: str, *, actor: Actor, on: dt.date | None = None,
              processable: bool | None = None, reason: str | None = None, decision: str | None = None,
              to: str | None = None, documents: list[str] | None = None, complex_case: bool = False,
              remote: bool = False, note: str = "") -> Entry:
    """Take one handling step on a letter — `judge` (whether it can be processed and, if not, why:
    `UNPROCESSABLE_REASONS`), `decide` (accept / forward / guide / return / file on `on`, the body it goes to,
    the documents issued; accepting, thụ lý, starts the resolution deadline from `on`) or `resolve` (on `on`)
    — the one implementation behind the API, the pages, the CLI and the wrappers below.

    In one transaction: the step's values are checked (RegisterError), the letter's state must allow it
    (`STEPS`; else StepRefused), the letter is updated, its next deadline recomputed, the step written to the
    status history, `actor.officer` recorded as its officer when it has none (a history event too), and, when
    `actor.client` is given, the audit row (`decide`) appended — so a step is never done without its audit
    row. A refused step is audited as `refused` (when `actor.client` is given) and raised."""
    try:
        status, text, values, target = _step_values(step, on=on, processable=processable, reason=reason,
                                                    decision=decision, to=to, documents=documents,
                                                    complex_case=complex_case, remote=remote, note=note)
        with engine.connect() as conn:
            conn.execution_options(donthu_write=True)  # SQLite: take the write lock up front (records.store)
            with conn.begin():
                row = conn.execute(select(register_letters).where(register_letters.c.id == letter_id)
                                   .with_for_update()).first()
                if row is None:
                    raise RegisterError(f"không có đơn số hiệu {letter_id} trong sổ")
                entry = _entry(row)
                refused = _refusal(entry, step, values)
                if refused:
                    raise StepRefused(refused)
                if actor.officer and not entry.officer:
                    values["officer"] = actor.officer
                conn.execute(update(register_letters).where(register_letters.c.id == letter_id)
                             .values(status=status, updated_at=_now(), **values))
                refresh_next_due(conn, [letter_id])
                _event(conn, letter_id, actor.username, status, text)
                if "officer" in values:
                    _event(conn, letter_id, actor.username, status, f"phân công cán bộ xử lý: {actor.officer}")
                if actor.client is not None:
                    audit.append_in(conn, username=actor.username, client=actor.client, action="decide",
                                    target=f"letter {letter_id} {target}")
    except RegisterError as exc:
        if actor.client is not None:
            audit.append_on(engine, username=actor.username, client=actor.client, action="decide",
                                target=f"letter {letter_id} {step}: {exc}", result="refused")
        raise
    return get(engine, letter_id)


def judge(engine: Engine, letter_id: int, *, processable: bool, reason: str | None, who: str) -> Entry:
    """`take_step(…, "judge")` by `who`, not audited (scripts, tests)."""
    return take_step(engine, letter_id, "judge", actor=Actor(who), processable=processable, reason=reason)


def decide(engine: Engine, letter_id: int, *, decision: str, on: dt.date, who: str, to: str | None = None,
           documents: list[str] | None = None, complex_case: bool = False, remote: bool = False) -> Entry:
    """`take_step(…, "decide")` by `who`, not audited (scripts, tests)."""
    return take_step(engine, letter_id, "decide", actor=Actor(who), on=on, decision=decision, to=to,
                     documents=documents, complex_case=complex_case, remote=remote)


def resolve(engine: Engine, letter_id: int, *, on: dt.date, who: str, note: str = "") -> Entry:
    """`take_step(…, "resolve")` by `who`, not audited (scripts, tests)."""
    return take_step(engine, letter_id, "resolve", actor=Actor(who), on=on, note=note)


def answer(engine: Engine, letter_id: int, other_id: int, *, confirm: bool, who: str) -> Entry:
    """A clerk's answer to a duplicate proposal. Confirmed: the letter (and its matter) joins the other's matter,
    so statistics count the matter once."""
    with engine.connect() as conn:
        # answered on either letter's sheet: the stored proposal is answered, none is added the other way round
        letter_id, other_id = stored_pair(conn, letter_id, other_id) or (letter_id, other_id)
    entry, other = get(engine, letter_id), get(engine, other_id)
    with engine.begin() as conn:
        found = conn.execute(update(register_links).where(and_(register_links.c.letter_id == letter_id,
                                                               register_links.c.other_id == other_id))
                             .values(state="confirmed" if confirm else "rejected", who=who, decided_at=_now()))
        if found.rowcount == 0:
            conn.execute(insert(register_links).values(
                letter_id=letter_id, other_id=other_id, score=1.0, reasons_json='["linked by a clerk"]',
                state="confirmed" if confirm else "rejected", who=who, decided_at=_now()))
        if confirm:
            conn.execute(update(register_letters).where(register_letters.c.matter_id == entry.matter_id)
                         .values(matter_id=other.matter_id, updated_at=_now()))
            _event(conn, letter_id, who, entry.status,
                   f"cùng vụ việc với đơn {other.register_number} ({other.unit})")
    return get(engine, letter_id)


def matters_count(engine: Engine, *, unit: str | None = None, year: int | None = None) -> int:
    """Matters (vụ việc) among the letters: confirmed duplicates count once."""
    return len({e.matter_id for e in letters(engine, unit=unit, year=year)})


def next_deadline(entry: Entry) -> deadlines.Deadline | None:
    """The next legal deadline of a letter, or None when nothing is pending (`deadlines.next_for`)."""
    return deadlines.next_for(type=entry.type, status=entry.status, decision=entry.decision,
                              received=entry.received, accepted=entry.accepted, complex_case=entry.complex_case,
                              remote=entry.remote)


@dataclass
class Due:
    """The due list: the first letters of each part, earliest deadline first, and how many each part has."""

    overdue: list[tuple[Entry, deadlines.Deadline]]
    this_week: list[tuple[Entry, deadlines.Deadline]]
    overdue_total: int
    this_week_total: int


def due_page(engine: Engine, *, today: dt.date, unit: str | None = None, officer: str | None = None,
             limit: int | None = None) -> Due:
    """Pending letters whose next deadline is past (`overdue`) or falls within the 7 days from `today`
    (`this_week`), earliest first, at most `limit` of each: selected on the stored `next_due` (indexed), so
    only the letters shown are read."""
    c = register_letters.c
    scope = _where(unit=unit, officer=officer)
    week = (today + dt.timedelta(days=7)).isoformat()
    parts = {"overdue": [c.next_due.is_not(None), c.next_due < today.isoformat()],
             "this_week": [c.next_due >= today.isoformat(), c.next_due <= week]}
    out: dict[str, Any] = {}
    with engine.connect() as conn:
        for key, cond in parts.items():
            out[key + "_total"] = conn.execute(select(func.count()).select_from(register_letters)
                                               .where(*scope, *cond)).scalar_one()
            q = select(register_letters).where(*scope, *cond).order_by(c.next_due, c.id)
            rows = conn.execute(q.limit(limit) if limit is not None else q).all()
            found = []
            for row in rows:
                entry = _entry(row)
                d = next_deadline(entry)
                if d is not None:
                    found.append((entry, d))
            out[key] = found
    return Due(**out)


def due(engine: Engine, *, today: dt.date, unit: str | None = None, officer: str | None = None
        ) -> dict[str, list[tuple[Entry, deadlines.Deadline]]]:
    """`due_page` without a limit, as a dict (the CLI)."""
    found = due_page(engine, today=today, unit=unit, officer=officer)
    return {"overdue": found.overdue, "this_week": found.this_week}
