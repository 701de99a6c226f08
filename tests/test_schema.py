"""The record schema: every field the understanding stage produces (Analysis) reaches the Record, and a
field added to Analysis but not to Record fails loudly instead of vanishing from what is stored."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from donthu.schema import Analysis, Party, Record, with_analysis


def _record() -> Record:
    return Record(file="don-khieu-nai.pdf", sha256="a" * 64, mime="application/pdf")


def test_every_analysis_field_is_a_record_field() -> None:
    assert set(Analysis.model_fields) <= set(Record.model_fields)


def test_with_analysis_carries_every_field() -> None:
    analysis = Analysis(kind="petition", type="complaint", type_confidence=0.93,
                        type_evidence=["khiếu nại Quyết định số 123/QĐ-UBND"],
                        parties=[Party(name="Nguyễn Văn An", role="complainant")], date="2026-03-15")
    record = with_analysis(_record(), analysis)
    for name in Analysis.model_fields:
        assert getattr(record, name) == getattr(analysis, name), name
    assert record.file == "don-khieu-nai.pdf"


def test_a_field_missing_from_record_fails_loudly() -> None:
    class Wider(Analysis):  # the next field someone adds to the understanding stage
        handwriting: bool = True

    with pytest.raises(TypeError, match="handwriting"):
        with_analysis(_record(), Wider())


def test_record_refuses_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        Record.model_validate({**_record().model_dump(), "handwriting": True})
