"""The register (sổ xử lý đơn) on SQLite and PostgreSQL: numbering per unit and year, duplicate proposals at
registration and a clerk's answer (matters counted once), judgement, decision and status history, each
letter's next deadline and the due list (dates counted by hand, as in test_register_deadlines)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.content.letters import write_letter
from corpus.content.matter import random_matter
from corpus.register import ocr_slips
from donthu.config import Settings
from donthu.schema import Parcel, Party, Record, Reference
from records.register import book
from records.store import Store

from conftest import postgres_schema

D = dt.date


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator:
    if request.param == "sqlite":
        store = Store(Settings(data_dir=tmp_path / "data", workers=1))
        yield store.engine
        store.close()
        return
    with postgres_schema() as url:
        store = Store(Settings(data_dir=tmp_path / "data", workers=1, database_url=url))
        yield store.engine
        store.close()


def _letter(seed: int, type_: str = "complaint"):
    rng = random.Random(seed)
    m = random_matter(rng, type_, n_petitioners=1, n_parcels=1, representative=False)
    doc = write_letter(rng, m, f"t{seed}")
    p = m.petitioners[0]
    return m, doc, {
        "type": type_, "text": "\n".join(ln.text for ln in doc.lines),
        "senders": [{"name": p.name, "id_number": p.id_number, "address": p.address}],
        "parcels": [{"parcel_no": str(x["parcel_no"]), "map_sheet": str(x["map_sheet"]), "commune": x["commune"]}
                    for x in doc.parcels],
        "summary": "khiếu nại quyết định thu hồi đất",
    }


def test_numbering_per_unit_and_year(engine):
    unit_a, unit_b = "an-giang/thanh-tra-tinh", "an-giang/cho-moi"
    numbers = []
    for i, (unit, day) in enumerate([(unit_a, D(2026, 3, 2)), (unit_a, D(2026, 3, 3)), (unit_b, D(2026, 3, 3)),
                                     (unit_a, D(2027, 1, 4))]):
        _, _, fields = _letter(100 + i)
        entry, _ = book.register(engine, unit=unit, received=day, channel="post", who="clerk", **fields)
        numbers.append(entry.register_number)
    assert numbers == ["1/2026", "2/2026", "1/2026", "1/2027"]
    assert [e.register_number for e in book.letters(engine, unit="an-giang", year=2026)] == ["1/2026", "2/2026",
                                                                                              "1/2026"]
    assert len(book.letters(engine, unit=unit_b)) == 1
    with pytest.raises(book.RegisterError):
        book.register(engine, unit=unit_a, received=D(2026, 3, 4), channel="forwarded", who="clerk", **fields)


def test_duplicate_proposed_then_confirmed_counts_one_matter(engine):
    _, _, fields = _letter(7)
    for i in range(3):  # other letters in the register
        _, _, other = _letter(200 + i, random.Random(i).choice(["complaint", "denunciation", "land_dispute"]))
        book.register(engine, unit="an-giang/thanh-tra-tinh", received=D(2026, 3, 2), channel="post",
                      who="clerk", **other)
    first, props = book.register(engine, unit="an-giang/thanh-tra-tinh", received=D(2026, 3, 2),
                                 channel="in_person", who="clerk", **fields)
    assert props == []
    rescanned = dict(fields, text=ocr_slips(fields["text"], random.Random(3), 0.03))
    copy, props = book.register(engine, unit="an-giang/cho-moi", received=D(2026, 3, 5), channel="forwarded",
                                forwarded_by="Ban Tiếp công dân tỉnh", forwarded_number="12/BTCD",
                                forwarded_date="2026-03-04", who="clerk", **rescanned)
    assert [p.letter_id for p in props] == [first.id]
    stored = book.links(engine, copy.id)
    assert stored[0]["state"] == "proposed" and stored[0]["reasons"]
    assert book.matters_count(engine, unit="an-giang") == 5
    joined = book.answer(engine, copy.id, first.id, confirm=True, who="officer")
    assert joined.matter_id == first.matter_id
    assert book.matters_count(engine, unit="an-giang") == 4
    assert book.links(engine, copy.id)[0]["state"] == "confirmed"


def test_a_proposal_answered_on_the_earlier_letter_answers_the_stored_one(engine):
    """The CLI, the API and the sheet's form all call `book.answer`: answered from the earlier letter's side,
    the proposal stored for the later letter changes and no proposal is added the other way round."""
    _, _, fields = _letter(9)
    first, _ = book.register(engine, unit="an-giang/thanh-tra-tinh", received=D(2026, 3, 2), channel="post",
                             who="clerk", **fields)
    copy, props = book.register(engine, unit="an-giang/thanh-tra-tinh", received=D(2026, 3, 9), channel="post",
                                who="clerk", **fields)
    assert [p.letter_id for p in props] == [first.id]
    book.answer(engine, first.id, copy.id, confirm=False, who="officer")
    assert book.links(engine, first.id) == []
    assert [(link["other_id"], link["state"], link["who"]) for link in book.links(engine, copy.id)] == \
        [(first.id, "rejected", "officer")]
    assert [link["letter_id"] for link in book.links_to(engine, first.id)] == [copy.id]
    with engine.connect() as conn:
        assert book.stored_pair(conn, first.id, copy.id) == (copy.id, first.id)
        assert book.stored_pair(conn, copy.id, first.id) == (copy.id, first.id)


def test_judge_decide_resolve_history_and_deadlines(engine):
    _, _, fields = _letter(11, "denunciation")
    # received Thursday 12 Feb 2026: 7 working days across the Tết Bính Ngọ break → Monday 2 March
    e, _ = book.register(engine, unit="an-giang/thanh-tra-tinh", received=D(2026, 2, 12), channel="post",
                         who="clerk", officer="cv.lan", **fields)
    d = book.next_deadline(e)
    assert d.due == D(2026, 3, 2) and "Art. 24" in d.article
    due = book.due(engine, today=D(2026, 2, 27), unit="an-giang")
    assert [x[0].id for x in due["this_week"]] == [e.id] and due["overdue"] == []
    assert [x[0].id for x in book.due(engine, today=D(2026, 3, 3))["overdue"]] == [e.id]
    with pytest.raises(book.RegisterError):
        book.judge(engine, e.id, processable=False, reason="because", who="cv.lan")
    book.judge(engine, e.id, processable=True, reason=None, who="cv.lan")
    # accepted Monday 23 Feb 2026 + 30 days (Art. 30) = Wednesday 25 March, a working day
    e = book.decide(engine, e.id, decision="accept", on=D(2026, 2, 23), who="cv.lan", documents=["05/TB-TTr"])
    assert book.next_deadline(e).due == D(2026, 3, 25)
    e = book.resolve(engine, e.id, on=D(2026, 3, 20), who="cv.lan")
    assert book.next_deadline(e) is None
    assert [h["status"] for h in book.history(engine, e.id)] == ["received", "processing", "decided", "resolved"]
    with pytest.raises(book.RegisterError):
        book.decide(engine, e.id, decision="forward", on=D(2026, 3, 1), who="x")  # forward needs a body


def test_register_from_an_extracted_record(engine):
    record = Record(
        file="a.pdf", sha256="0" * 64, mime="application/pdf", type="complaint", kind="petition",
        text="ĐƠN KHIẾU NẠI\nKính gửi: Chủ tịch UBND huyện Chợ Mới.\nTôi tên là Nguyễn Thị Hồng, khiếu nại Quyết "
             "định số 123/QĐ-UBND về thu hồi thửa đất số 45, tờ bản đồ số 12.",
        parties=[Party(name="Nguyễn Thị Hồng", role="complainant", id_number="089123456789",
                       address="ấp Mỹ Hòa, xã Mỹ Hội Đông, huyện Chợ Mới"),
                 Party(name="Trần Văn Bé", role="subject")],
        parcels=[Parcel(parcel_no="45", map_sheet="12", commune="Mỹ Hội Đông")],
        references=[Reference(number="123/QĐ-UBND"), Reference(number="02/2011/QH13")],
    )
    e, _ = book.register_record(engine, record, unit="an-giang", received=D(2026, 12, 7), channel="online",
                                who="clerk")
    assert e.recipient == "Chủ tịch UBND huyện Chợ Mới"
    assert e.references == ["123/QĐ-UBND"] and e.subjects == ["Trần Văn Bé"]
    assert e.senders[0]["name"] == "Nguyễn Thị Hồng" and e.sender_count == 1
    assert e.summary.startswith("Tôi tên là")
    # complaint: Art. 27 (10 days: Thursday 17 Dec) before Circular 05 (10 working days: Monday 21 Dec)
    assert book.next_deadline(e).due == D(2026, 12, 17)


def test_steps_follow_the_letters_state_record_the_officer_and_are_audited(engine):
    """`book.take_step`, the one implementation of judge / decide / resolve (API, pages and CLI call it): the
    state must allow the step (`STEPS`), a wrong value is a plain RegisterError, the officer is recorded on an
    unassigned letter, the step and its refusals are audited in the step's own transaction."""
    from sqlalchemy import select

    from records.tables import audit_log

    _, _, fields = _letter(12, "complaint")
    e, _ = book.register(engine, unit="an-giang/thanh-tra-tinh", received=D(2026, 3, 2), channel="post",
                         who="clerk", **fields)
    actor = book.Actor("cv.lan", client="test", officer="cv.lan")
    assert book.allowed_steps(e) == ("judge", "decide")
    with pytest.raises(book.StepRefused, match="thụ lý"):
        book.take_step(engine, e.id, "resolve", actor=actor, on=D(2026, 3, 5))
    with pytest.raises(book.RegisterError) as wrong:
        book.take_step(engine, e.id, "decide", actor=actor, on=D(2026, 3, 5), decision="forward")
    assert not isinstance(wrong.value, book.StepRefused)  # a wrong value, not a conflict with the state
    assert book.get(engine, e.id).officer is None and len(book.history(engine, e.id)) == 1
    e = book.take_step(engine, e.id, "judge", actor=actor, processable=False, reason="not_competent")
    assert (e.status, e.processable, e.officer) == ("processing", False, "cv.lan")
    with pytest.raises(book.StepRefused, match="không đủ điều kiện"):
        book.take_step(engine, e.id, "decide", actor=actor, on=D(2026, 3, 5), decision="accept")
    e = book.take_step(engine, e.id, "decide", actor=book.Actor("cv.hoa", client="test", officer="cv.hoa"),
                       on=D(2026, 3, 5), decision="forward", to="Tòa án nhân dân huyện", documents=["7/PC"])
    assert (e.status, e.decision, e.decision_date, e.decision_documents, e.officer) == (
        "decided", "forward", D(2026, 3, 5), ["7/PC"], "cv.lan")
    assert book.allowed_steps(e) == ()
    for step, values in (("judge", {"processable": True}), ("decide", {"on": D(2026, 3, 6), "decision": "file"}),
                         ("resolve", {"on": D(2026, 3, 6)})):
        with pytest.raises(book.StepRefused):
            book.take_step(engine, e.id, step, actor=actor, **values)
    assert book.get(engine, e.id) == e
    assert [(h["who"], h["status"]) for h in book.history(engine, e.id)] == [
        ("clerk", "received"), ("cv.lan", "processing"), ("cv.lan", "processing"), ("cv.hoa", "decided")]
    with engine.connect() as conn:
        rows = [(r.username, r.target.split(":")[0], r.result)
                for r in conn.execute(select(audit_log).order_by(audit_log.c.id))]
    assert rows == [("cv.lan", f"letter {e.id} resolve", "refused"), ("cv.lan", f"letter {e.id} decide", "refused"),
                    ("cv.lan", f"letter {e.id} judged not", "ok"), ("cv.lan", f"letter {e.id} decide", "refused"),
                    ("cv.hoa", f"letter {e.id} decision forward", "ok"), ("cv.lan", f"letter {e.id} judge", "refused"),
                    ("cv.lan", f"letter {e.id} decide", "refused"), ("cv.lan", f"letter {e.id} resolve", "refused")]
