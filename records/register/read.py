"""The register's read path: every reader (the register pages and API) gets letters, their history, their
duplicate proposals and the due list here, as `records.read` is the read path of documents.

`reader` (a `records.read.Reader`) is who asks. The system (no principal: the CLI, which is the operator's)
sees every letter in full. A logged-in person sees the letters whose unit their unit contains, if their role
has `Action.READ_REGISTER` (`donthu.access`): a hidden letter is None, never an error that would tell it
exists. What a visible letter shows is narrowed in `_present`: for a denunciation (tố cáo), the senders'
names, ID numbers and addresses, and the summary's and text's mentions of them, are replaced by
`records.confidential.MASK` for a reader not cleared to see a denouncer's identity (Luật Tố cáo 2018,
Law 25/2018/QH14, Art. 47(1)(b): keep the denouncer's name, address and handwriting confidential).

A letter's sheet (`read_sheet`) reads the letter once and its history and duplicate proposals for it. Duplicate
proposals are shown on the sheets of both letters (made when the later one was registered): the score and the
reasons (which never quote a name, an ID number or an address, `records.register.duplicates`), and the other
letter as this reader may see it — its number, unit and date only when it is outside the reader's units (a
copy sent to another body, Luật Tố cáo 2018 Art. 24(3)), never its senders or summary.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from sqlalchemy.engine import Engine

from donthu.access import Action, normalise_unit, unit_contains
from donthu.text import fold, nfc
from records.confidential import MASK, Identity, cleared, mask_text
from records.read import Reader
from records.register import book

#: a unit no letter can have (unit paths are slugs): what a reader without READ_REGISTER is limited to
_NOTHING = "~"
_TOKEN = re.compile(r"[^\W_]+")


def may_read(reader: Reader, unit: str | None) -> bool:
    """May `reader` see the register's letters of `unit`?"""
    return may_act(reader, Action.READ_REGISTER, unit)


def may_act(reader: Reader, action: Action, unit: str | None) -> bool:
    """May `reader` do `action` (REGISTER, DECIDE) on a letter of `unit`? (The system may.)"""
    if reader.principal is None:
        return True
    return reader.principal.may_on(action, unit or "")


def reader_unit(reader: Reader, wanted: str | None = None) -> str | None:
    """The unit subtree to list for `reader`, narrowed to `wanted` when it lies inside it (None: all)."""
    if reader.principal is None:
        return normalise_unit(wanted) if wanted else None
    if not reader.principal.may(Action.READ_REGISTER):
        return _NOTHING
    own = normalise_unit(reader.principal.unit)
    if not wanted:
        return own
    wanted = normalise_unit(wanted)
    if unit_contains(own, wanted):
        return wanted
    if unit_contains(wanted, own):
        return own
    return _NOTHING


def _words(text: str | None) -> tuple[str, ...]:
    return tuple(fold(w) for w in _TOKEN.findall(nfc(text or "")))


def is_confidential(entry: book.Entry) -> bool:
    """A denunciation's senders are denouncers: their identity is confidential."""
    return entry.type == "denunciation"


def identity(entry: book.Entry) -> Identity:
    """The confidential pieces of a letter (its senders), for `records.confidential.mask_text`."""
    if not is_confidential(entry):
        return Identity()
    names = {_words(s.get("name")) for s in entry.senders} - {()}
    addresses = {_words(s.get("address")) for s in entry.senders if s.get("address")} - {()}
    ids = {re.sub(r"\D", "", s.get("id_number") or "") for s in entry.senders} - {""}
    others = {_words(n) for n in entry.subjects} - {()} - names
    return Identity(names=tuple(sorted(names)), addresses=tuple(sorted(addresses)), id_numbers=tuple(sorted(ids)),
                    denunciation=True, others=tuple(sorted(others)))


def _present(entry: book.Entry, reader: Reader) -> book.Entry:
    """The letter as `reader` sees it: a denouncer's identity masked unless the reader is cleared."""
    if reader.principal is None or cleared(reader.principal) or not is_confidential(entry):
        return entry
    ident = identity(entry)
    senders = [{"name": MASK, "id_number": MASK if s.get("id_number") else None,
                "address": MASK if s.get("address") else None} for s in entry.senders]
    return replace(entry, senders=senders, summary=mask_text(entry.summary, ident) or "",
                   text=mask_text(entry.text, ident) or "")


def read_letter(engine: Engine, letter_id: int, reader: Reader) -> book.Entry | None:
    """One letter as `reader` sees it; None when missing or outside the reader's units."""
    try:
        entry = book.get(engine, letter_id)
    except book.RegisterError:
        return None
    if not may_read(reader, entry.unit):
        return None
    return _present(entry, reader)


def read_page(engine: Engine, reader: Reader, *, limit: int, offset: int = 0, unit: str | None = None,
              year: int | None = None, status: str | None = None, type: str | None = None,
              channel: str | None = None, officer: str | None = None, overdue_on: dt.date | None = None
              ) -> tuple[int, list[book.Entry]]:
    """(how many letters `reader` may see match, the `limit` of them from `offset` as `reader` sees them),
    newest first; `overdue_on`: only those whose next deadline is before that day. The reader's units are a
    condition of the query (`reader_unit`), so the count holds only letters the reader may see."""
    scope = reader_unit(reader, unit)
    if scope == _NOTHING:
        return 0, []
    total, found = book.page(engine, limit=limit, offset=offset, unit=scope or None, year=year, status=status,
                             type=type, channel=channel, officer=officer, due_before=overdue_on)
    return total, [_present(e, reader) for e in found if may_read(reader, e.unit)]


def read_dossier_letters(engine: Engine, dossier_id: int, reader: Reader) -> list[book.Entry]:
    """The letters linked to an archived dossier that `reader` may see, as they see them (the dossier's page)."""
    return [_present(e, reader) for e in book.letters_of_dossier(engine, dossier_id) if may_read(reader, e.unit)]


def may_edit_entry(reader: Reader, entry: book.Entry) -> bool:
    """May `reader` rewrite the senders and summary of a letter? Not a denunciation's, unless cleared to see the
    denouncer: a reader shown `[đã ẩn]` would write it back over the names."""
    return reader.principal is None or not is_confidential(entry) or cleared(reader.principal)


@dataclass(frozen=True)
class ProposalView:
    """A duplicate proposal as a reader sees it. `other` is the other letter (as this reader sees it) when
    the reader may see it, else None — then only its number, unit and date of receipt are shown."""

    other_id: int
    other_number: str
    other_unit: str
    other_received: dt.date
    score: float
    reasons: list[str]
    state: str
    who: str | None
    other: book.Entry | None


@dataclass(frozen=True)
class SheetView:
    """A letter's sheet as `reader` sees it: the letter, its status history (whose notes name no sender) and
    its duplicate proposals (proposed, confirmed, rejected; best first)."""

    entry: book.Entry
    history: list[dict]
    proposals: list[ProposalView]


def read_sheet(engine: Engine, letter_id: int, reader: Reader) -> SheetView | None:
    """The letter's sheet, the letter read once (`read_letter`) and its history and proposals read for it;
    None when the letter is missing or hidden from `reader`."""
    entry = read_letter(engine, letter_id, reader)
    if entry is None:
        return None
    return SheetView(entry, book.history(engine, entry.id), _proposals(engine, entry, reader))


def _proposals(engine: Engine, entry: book.Entry, reader: Reader) -> list[ProposalView]:
    """The duplicate proposals of a letter `reader` may see (`entry`, as `read_letter` gave it), best first."""
    out = []
    found = [(link, link["other_id"]) for link in book.links(engine, entry.id)]
    mine = {other for _, other in found}
    # proposals made for later letters that name this one: shown here too (answered on either sheet)
    found += [(link, link["letter_id"]) for link in book.links_to(engine, entry.id) if link["letter_id"] not in mine]
    for link, other_id in found:
        try:
            other = book.get(engine, other_id)
        except book.RegisterError:
            continue
        shown = _present(other, reader) if may_read(reader, other.unit) else None
        out.append(ProposalView(other.id, other.register_number, other.unit, other.received, link["score"],
                                list(link["reasons"]), link["state"], link["who"], shown))
    out.sort(key=lambda p: -p.score)
    return out


def proposal_pair(engine: Engine, letter_id: int, other_id: int, reader: Reader) -> bool:
    """May `reader` answer a proposal joining `letter_id` to `other_id`? The letter must be theirs to
    register (REGISTER on its unit), and the other letter either visible to them or proposed for this
    letter (a copy in another unit)."""
    entry = read_letter(engine, letter_id, reader)
    if entry is None or not may_act(reader, Action.REGISTER, entry.unit) or letter_id == other_id:
        return False
    try:
        other = book.get(engine, other_id)
    except book.RegisterError:
        return False
    if may_read(reader, other.unit):
        return True
    with engine.connect() as conn:
        return book.stored_pair(conn, letter_id, other_id) is not None


def due_page(engine: Engine, reader: Reader, *, today: dt.date, unit: str | None = None,
             officer: str | None = None, limit: int | None = None) -> book.Due:
    """`book.due_page` over the letters `reader` may see: `overdue` (deadline before `today`) and `this_week`
    (due within the 7 days from `today`), earliest first, at most `limit` of each, with their counts."""
    scope = reader_unit(reader, unit)
    if scope == _NOTHING:
        return book.Due([], [], 0, 0)
    found = book.due_page(engine, today=today, unit=scope or None, officer=officer, limit=limit)
    return book.Due([(_present(e, reader), d) for e, d in found.overdue if may_read(reader, e.unit)],
                    [(_present(e, reader), d) for e, d in found.this_week if may_read(reader, e.unit)],
                    found.overdue_total, found.this_week_total)
