"""Born-digital pages: characters from pdfium's text page (fast path) give the same text and (to a pixel or
two) the same word boxes as pdfplumber's own characters; pages pdfium's coordinates do not map simply fall
back to pdfplumber."""

from __future__ import annotations

import random
from pathlib import Path

import pikepdf
import pytest

from corpus.content import generate_docs
from corpus.render import render_pdf
from donthu.config import Settings
from ingest.pages import iter_pages
from ingest.sniff import PDF

SETTINGS = Settings()


def _pages(data: bytes, monkeypatch: pytest.MonkeyPatch, chars: str):
    monkeypatch.setenv("DONTHU_TEXT_CHARS", chars)
    return list(iter_pages(data, PDF, SETTINGS))


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
    monkeypatch.setenv("DONTHU_TEXT_CHARS", "pdfium")
    with _PdfPages(path.read_bytes(), SETTINGS) as pages:
        page = pages.chars_page(0)
        assert not isinstance(page, PdfiumChars)
        page.close()
        plain = pages.chars_page(1) if pages.count > 1 else None
        if plain is not None:
            assert isinstance(plain, PdfiumChars)
            plain.close()
