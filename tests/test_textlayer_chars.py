"""Born-digital pages: characters from pdfium's text page (fast path) give the same text and (to a pixel or
two) the same word boxes as pdfplumber's own characters; pages pdfium's coordinates do not map simply fall
back to pdfplumber."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest

from corpus.content import generate_docs
from corpus.render import render_pdf
from donthu.config import Settings, load_settings
from ingest.pages import iter_pages
from ingest.sniff import PDF

SETTINGS = Settings()


def _pages(data: bytes, monkeypatch: pytest.MonkeyPatch, chars: str):
    monkeypatch.setenv("DONTHU_TEXT_CHARS", chars)  # read in one place: donthu.config
    return list(iter_pages(data, PDF, load_settings()))


@pytest.mark.parametrize("seed", [3, 8])
def test_pdfium_characters_read_like_pdfplumber(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    for i, doc in enumerate(generate_docs(3, seed)):
        path = tmp_path / f"{seed}-{i}.pdf"
        render_pdf(doc, path, font="freeserif", rng=random.Random(i))
        data = path.read_bytes()
        fast = _pages(data, monkeypatch, "pdfium")
        slow = _pages(data, monkeypatch, "pdfplumber")
        assert [p.source for p in fast] == [p.source for p in slow] == ["text"] * len(slow)
        for a, b in zip(fast, slow):
            assert a.text == b.text
            assert [(w.text, w.line) for w in a.words] == [(w.text, w.line) for w in b.words]
            for u, v in zip(a.words, b.words):
                assert abs(u.left - v.left) <= 2 and abs(u.top - v.top) <= 2
                assert abs(u.width - v.width) <= 3 and abs(u.height - v.height) <= 2


def test_rotated_page_falls_back_to_pdfplumber(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ingest.pages import _PdfPages
    from ocr.textlayer import PdfiumChars

    path = tmp_path / "r.pdf"
    render_pdf(next(iter(generate_docs(1, 5))), path, font="freeserif", rng=random.Random(0))
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[0].Rotate = 90
        pdf.save(path)
    with _PdfPages(path.read_bytes(), replace(SETTINGS, text_chars="pdfium")) as pages:
        page = pages.chars_page(0)
        assert not isinstance(page, PdfiumChars)
        page.close()
        plain = pages.chars_page(1) if pages.count > 1 else None
        if plain is not None:
            assert isinstance(plain, PdfiumChars)
            plain.close()


def _dedupe_reference(chars: list[dict]) -> list[dict]:
    """The definition (quadratic): a character is dropped when an earlier kept one has the same text, font,
    size and uprightness and lies within the tolerance on both axes."""
    from ocr.textlayer import _DUPLICATE_TOLERANCE as tol

    kept: list[dict] = []
    for ch in chars:
        key = (ch["text"], ch["fontname"], round(ch["size"], 1), ch["upright"])
        if not any((k["text"], k["fontname"], round(k["size"], 1), k["upright"]) == key
                   and abs(k["top"] - ch["top"]) <= tol and abs(k["x0"] - ch["x0"]) <= tol for k in kept):
            kept.append(ch)
    return kept


@pytest.mark.parametrize("seed", range(12))
def test_dedupe_equals_its_definition(seed: int) -> None:
    """Fake bold and shadows (the same glyph again within a point) go, everything else stays; the quick
    numpy check that lets most pages skip the loop never hides a duplicate."""
    import numpy as np

    from ocr.textlayer import _dedupe, _may_hold_duplicates

    rng = np.random.default_rng(seed)
    chars = []
    for _ in range(int(rng.integers(2, 400))):
        chars.append({"text": str(rng.choice(list("aăâbcdđ"))), "x0": float(rng.uniform(0, 500)),
                      "top": float(rng.uniform(0, 700)), "size": float(rng.choice([12.0, 12.04, 13.0])),
                      "fontname": str(rng.choice(["A", "B"])), "upright": bool(rng.random() < 0.95)})
    for _ in range(int(rng.integers(0, 6)) if seed % 3 else 0):  # a third of the pages: no drawn-twice glyph
        original = chars[int(rng.integers(len(chars)))]
        step = float(rng.choice([0.3, 0.99, 1.0, 1.01, 1.9]))  # within, at and just beyond the tolerance
        chars.insert(int(rng.integers(len(chars) + 1)),
                     {**original, "x0": original["x0"] + step, "top": original["top"] + float(rng.uniform(-1, 1))})
    expected = _dedupe_reference(chars)
    assert _dedupe(chars) == expected
    if len(expected) < len(chars):
        assert _may_hold_duplicates(chars)


def test_fake_bold_text_layer_reads_once(tmp_path: Path) -> None:
    """A heading drawn twice half a point apart (how some producers make bold) reads once."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from corpus.render import font_files

    pdfmetrics.registerFont(TTFont("FreeSerifTest", str(font_files("freeserif")["regular"])))
    path = tmp_path / "bold.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont("FreeSerifTest", 14)
    for dx in (0.0, 0.5):
        pdf.drawString(72 + dx, 700, "QUYẾT ĐỊNH giải quyết tranh chấp đất đai")
    pdf.setFont("FreeSerifTest", 12)
    pdf.drawString(72, 670, "Căn cứ Luật Đất đai ngày 29 tháng 11 năm 2013;")
    pdf.save()
    pages = list(iter_pages(path.read_bytes(), PDF, SETTINGS))
    assert pages[0].source == "text"
    assert pages[0].text.splitlines() == ["QUYẾT ĐỊNH giải quyết tranh chấp đất đai",
                                         "Căn cứ Luật Đất đai ngày 29 tháng 11 năm 2013;"]
