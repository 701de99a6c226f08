"""A PDF page's text layer is used only when it reads as the language (ocr.textlayer.judge_text_layer):
the scanner's broken layer of a real công văn is OCR'd with the reason on the page; generated born-digital
PDFs, English pages and pages of few words keep their layer."""

from __future__ import annotations

import importlib.util
import io
import json
import random
import statistics
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pikepdf
import pytest

from corpus.content import generate_docs
from corpus.render import PDF_FONTS, font_supports_vietnamese, render_pdf
from donthu.config import Settings
from ingest.pages import iter_pages, page_image
from ingest.pipeline import process_bytes
from ingest.sniff import PDF
from ocr.textlayer import MIN_JUDGED_WORDS, judge_text_layer
from tests.accounts import logged_in

try:
    from fixtures_files import TextItem, born_digital_pdf, petition_page
except ImportError:  # tests/ is a package
    from tests.fixtures_files import TextItem, born_digital_pdf, petition_page

SETTINGS = Settings()
REAL_SCANS = Path(__file__).resolve().parents[1].parent / "shared" / "real-scans"
SCANNER_PDF = "congvan_colour200_scanner_textlayer.pdf"


def real_scan(name: str) -> Path:
    assert REAL_SCANS.is_dir(), (
        f"the shared real pages are missing: expected {REAL_SCANS} (../shared/real-scans beside the repository)")
    path = REAL_SCANS / name
    assert path.is_file(), f"missing real page {path}"
    return path


def word_recall(truth_file: str, text: str) -> float:
    """The share of the transcription's words found in `text`, scored by the shared folder's own scorer."""
    spec = importlib.util.spec_from_file_location("score_words", real_scan("score_words.py"))
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    lines = real_scan(truth_file).read_text(encoding="utf-8").splitlines()
    truth = Counter(scorer.words("\n".join(line for line in lines if not line.startswith("#"))))
    return sum((truth & Counter(scorer.words(text))).values()) / sum(truth.values())


def first_page(path: Path) -> bytes:
    """Page 1 alone, without its annotations (the digital-signature box, not part of the transcription)."""
    out = io.BytesIO()
    with pikepdf.open(path) as pdf, pikepdf.new() as single:
        single.pages.append(pdf.pages[0])
        if "/Annots" in single.pages[0].obj:
            del single.pages[0].obj["/Annots"]
        single.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------------------ the real scanner PDF
def test_every_page_of_the_scanner_pdf_has_its_layer_rejected() -> None:
    data = real_scan(SCANNER_PDF).read_bytes()
    pages = list(iter_pages(data, PDF, SETTINGS))
    assert len(pages) == 6
    for page in pages:
        assert page.source == "ocr" and page.image is not None, page.number
        assert page.image.shape[0] > 2000  # the scan itself (200 dpi), not a render of the broken text
        reason = page.notes[0]
        assert reason.startswith("text layer rejected: ") and "% valid syllables" in reason, reason
        valid = int(reason.split(": ")[1].split("%")[0])
        assert valid < 70  # measured 52-60 %
    # the served image is the one OCR reads (word boxes are in its pixels)
    assert np.array_equal(page_image(data, PDF, 1, SETTINGS), pages[0].image)


def test_the_scanner_pdf_is_ocrd_and_reads_like_its_transcription() -> None:
    """Page 1 of the scanner PDF is the page transcribed in congvan_colour200_p1.gt.txt. Its text layer found
    0.29 of the transcription's words; the OCR that replaces it finds 0.98 (2026-12-07)."""
    done = process_bytes(first_page(real_scan(SCANNER_PDF)), "congvan_p1.pdf", SETTINGS)
    [page] = done.record.pages
    assert page.source == "ocr" and not done.record.errors
    assert page.notes[0].startswith("text layer rejected: ")
    shown = json.loads(done.record.model_dump_json())["pages"][0]
    assert shown["notes"][0] == page.notes[0]  # what a clerk sees in the record JSON
    for line in ("ỦY BAN NHÂN DÂN", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "Thông báo số 496-TB/TU", "Ban Chấp hành Trung ương Đảng"):
        assert line in page.text, line
    assert word_recall("congvan_colour200_p1.gt.txt", page.text) >= 0.95


# ------------------------------------------------------------------------------------------ layers that stay
@pytest.mark.parametrize("font", [f for f in PDF_FONTS if font_supports_vietnamese(f)])
def test_generated_born_digital_pdfs_keep_their_layer(tmp_path: Path, font: str) -> None:
    for i, doc in enumerate(generate_docs(6, 40 + PDF_FONTS.index(font))):
        path = tmp_path / f"{i}.pdf"
        render_pdf(doc, path, font=font, rng=random.Random(i))
        pages = list(iter_pages(path.read_bytes(), PDF, SETTINGS))
        assert pages and all(p.source == "text" and not p.notes for p in pages), (doc.doc_id, font)


def test_fixture_petition_keeps_its_layer() -> None:
    [page] = iter_pages(born_digital_pdf([petition_page(30)]), PDF, SETTINGS)
    assert page.source == "text" and page.notes == []


ENGLISH = [
    "Annual report of the provincial inspectorate to the Government Inspectorate",
    "This report summarises the complaints and denunciations received in 2024 and how they were",
    "handled. Of the 1,284 letters received, 912 were within the competence of the province and",
    "were accepted for settlement; the others were forwarded to the competent bodies or the",
    "senders were guided. Land disputes remain the largest group, followed by complaints about",
    "compensation plans for land recovery. The inspectorate recommends that district people's",
    "committees settle disputes within the time limits set by the Law on Land and report monthly.",
]


def test_english_page_keeps_its_layer() -> None:
    items = [TextItem(72, 100 + 20 * i, line, size=11) for i, line in enumerate(ENGLISH)]
    [page] = iter_pages(born_digital_pdf([items]), PDF, SETTINGS)
    assert page.source == "text" and page.notes == []
    assert judge_text_layer(page.text).score.valid_share < 0.6  # English is no Vietnamese: kept for that


def test_numbers_and_few_words_keep_their_layer() -> None:
    table = [TextItem(72, 100, "PHỤ LỤC 2")] + [
        TextItem(72, 130 + 18 * i, f"{i + 1}   {1000 + 37 * i}   {12.5 * i:.1f}   {i * 7 % 31 + 1}/{i % 12 + 1}/2024")
        for i in range(30)]
    title = [TextItem(200, 300, "HỒ SƠ VỤ VIỆC SỐ 12/2024", size=20), TextItem(250, 340, "Lưu trữ: THANH TRA TỈNH")]
    pages = list(iter_pages(born_digital_pdf([table, title]), PDF, SETTINGS))
    assert [(p.source, p.notes) for p in pages] == [("text", []), ("text", [])]


def test_legacy_font_encoding_is_rejected_with_its_reason() -> None:
    tcvn3 = ["Céng hoµ x· héi chñ nghÜa ViÖt Nam", "§éc lËp - Tù do - H¹nh phóc", "§¬n khiÕu n¹i"]
    data = born_digital_pdf([[TextItem(72, 100 + 20 * i, line) for i, line in enumerate(tcvn3)]])
    [page] = iter_pages(data, PDF, SETTINGS)
    assert page.source == "ocr" and page.notes == [
        "text layer rejected: pre-Unicode Vietnamese font encoding (TCVN3/VNI)"]


@pytest.mark.parametrize("chars", ["pdfium", "pdfplumber"])
def test_layer_without_a_unicode_map_is_rejected(chars: str) -> None:
    """A font written without its /ToUnicode map: its glyphs have no characters (what old office software
    and some printers-to-PDF write); the page is OCR'd and says so."""
    with pikepdf.open(io.BytesIO(born_digital_pdf([petition_page(30)]))) as pdf:
        for font in pdf.pages[0].resources.Font.values():
            if "/ToUnicode" in font:
                del font["/ToUnicode"]
        out = io.BytesIO()
        pdf.save(out)
    [page] = iter_pages(out.getvalue(), PDF, replace(SETTINGS, text_chars=chars))
    assert page.source == "ocr" and page.image is not None
    assert len(page.notes) == 1 and page.notes[0].startswith("text layer rejected: ") and "unmapped glyphs" in page.notes[0]


# ------------------------------------------------------------------------------------------ the rule itself
def test_judgement_of_layers() -> None:
    vietnamese = " ".join(line.text for line in generate_docs(1, 5)[0].lines)
    assert judge_text_layer(vietnamese).trusted
    # the header line of the scanner's layer: too few words to judge alone, rejected as a page
    header = "UY BAN NHAN DAN CONG HOA xA HQI CilU NGHIA VIT NAM"
    assert judge_text_layer(header).trusted
    verdict = judge_text_layer(" ".join([header] * 3))
    assert not verdict.trusted and verdict.reason.endswith("valid syllables, no diacritics"), verdict.reason
    # a font that maps every letter to its base letter: all shapes right, no marks
    toneless = "Toi ten la Nguyen Thi Hong Nhung, nay toi lam don nay khieu nai quyet dinh cua Uy ban nhan dan " \
               "huyen ve viec thu hoi dat cua gia dinh toi tai xa My Hoi Dong"
    verdict = judge_text_layer(toneless)
    assert not verdict.trusted and "no diacritics" in verdict.reason, verdict.reason
    # unmapped glyphs: counted on the characters (words made of "(cid:N)" are dropped before the text)
    verdict = judge_text_layer(vietnamese, characters=2000, unmapped=120)
    assert not verdict.trusted and verdict.reason == "text layer rejected: 120 unmapped glyphs (6% of the characters)"
    assert judge_text_layer(vietnamese, characters=2000, unmapped=10).trusted  # a few symbol-font bullets
    assert MIN_JUDGED_WORDS == 20


def test_judging_adds_well_under_a_millisecond_a_page() -> None:
    texts = [" ".join(line.text for line in doc.lines) for doc in generate_docs(40, 23)]
    judge_text_layer(texts[0])
    timings = []
    for text in texts:
        start = time.perf_counter()
        assert judge_text_layer(text).trusted
        timings.append(time.perf_counter() - start)
    assert statistics.median(timings) < 0.001, statistics.median(timings)  # measured ~0.3 ms (a whole document)


def test_a_clerk_sees_why_the_layer_was_not_used(tmp_path: Path) -> None:
    """The document page lists, under the page's quality, that its PDF text was not readable and why."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from donthu.schema import PageText, Record

    reason = "text layer rejected: 60% valid syllables, 31% of words with diacritics"
    record = Record(file="congvan.pdf", sha256="5" * 64, mime=PDF, text="ỦY BAN NHÂN DÂN", pages=[
        PageText(number=1, source="ocr", confidence=93.0, text="ỦY BAN NHÂN DÂN", notes=[reason, "stamp removed"])])
    app = create_app(Settings(data_dir=tmp_path / "data", workers=1), submit=lambda _id: None)
    with TestClient(app) as client:
        logged_in(client)
        store = app.state.services.store
        doc_id = store.add_document(record.file, record.sha256, 10, mime=PDF)
        store.save_result(doc_id, record, [])
        page = client.get(f"/van-ban/{doc_id}")
        assert page.status_code == 200
        assert ("lớp chữ có sẵn của PDF không đọc được, đã nhận dạng lại từ ảnh "
                "(60% valid syllables, 31% of words with diacritics)") in page.text
        assert client.get(f"/documents/{doc_id}").json()["record"]["pages"][0]["notes"][0] == reason
