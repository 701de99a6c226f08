"""The two Tesseract back-ends of ocr.engine: in-process tesserocr (engine loaded once per process) and the
pytesseract fallback give the same words on a generated scan.

`make test` sets DONTHU_EXPECT_OCR_BACKEND=tesserocr: then a tesserocr that does not import, or that is the
PyPI wheel with its own Tesseract, fails this module with what to install instead of skipping it.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys

import numpy as np
import pytest

from corpus import degrade, render
from ocr import clean, engine

EXPECTED = os.environ.get("DONTHU_EXPECT_OCR_BACKEND")
BUILD_HINT = ("make setup builds it against the system libtesseract: "
              "pip install --no-binary tesserocr tesserocr==2.13.0 (needs libtesseract-dev libleptonica-dev "
              "pkg-config g++)")

try:
    import tesserocr
except ImportError as exc:
    if EXPECTED == "tesserocr":
        raise pytest.fail.Exception(f"tesserocr does not import ({exc}) but this build expects it: {BUILD_HINT}",
                                    pytrace=False) from exc
    pytest.skip(f"tesserocr does not import ({exc}); DONTHU_EXPECT_OCR_BACKEND is not tesserocr",
                allow_module_level=True)


def _same_tesseract() -> bool:
    import pytesseract

    return engine._version(tesserocr.tesseract_version()) == engine._version(str(pytesseract.get_tesseract_version()))


@pytest.fixture
def system_build() -> None:
    """The in-process path runs only with tesserocr built against the system libtesseract (README,
    Dependencies): fails when the build expects it, skips otherwise."""
    if _same_tesseract():
        return
    message = "tesserocr is the PyPI wheel (its own Tesseract, not the `tesseract` command's)"
    if EXPECTED == "tesserocr":
        pytest.fail(f"{message}: {BUILD_HINT}", pytrace=False)
    pytest.skip(f"{message}: pip install --no-binary tesserocr")


needs_system_build = pytest.mark.usefixtures("system_build")


@pytest.fixture(scope="module")
def cleaned_page() -> np.ndarray:
    doc = render.sample_doc(paragraphs=2)
    page = render.render(doc, font="termes", dpi=300, rng=random.Random(3)).pages[0]
    scan = degrade.degrade_page(page, "light", np.random.default_rng(3), dpi=300)
    return clean.clean(scan, 300).image


def _layout(words: list[engine.RecognisedWord]) -> list[tuple]:
    return [(w.text, w.left, w.top, w.width, w.height, w.block, w.paragraph, w.line) for w in words]


@needs_system_build
@pytest.mark.slow
def test_tesserocr_and_pytesseract_give_the_same_words(cleaned_page: np.ndarray) -> None:
    assert engine.backend() == "tesserocr"
    fast = engine.recognise(cleaned_page)
    slow = engine._recognise_pytesseract(cleaned_page, "vie", engine.DEFAULT_CONFIG, 0)
    assert len(slow) > 50
    # the same library (tesserocr built against the system libtesseract): the very same words
    assert fast == slow
    assert engine.page_text(fast) == engine.page_text(slow)


@needs_system_build
@pytest.mark.slow
def test_a_bilevel_page_reads_the_same_handed_over_as_one_bit(cleaned_page: np.ndarray) -> None:
    """The clean-up's 0/255 output goes to Tesseract packed 1 bit a pixel (no thresholding pass of its own):
    the same words, boxes and layout numbers as the 8-bit image."""
    assert set(np.unique(cleaned_page).tolist()) == {0, 255}
    eight = engine.recognise(cleaned_page)
    one = engine.recognise(cleaned_page, bilevel=True)
    assert len(one) > 50
    assert one == eight


@needs_system_build
def test_engine_is_loaded_once_per_process_and_reused() -> None:
    api = engine._tesserocr_api("vie", engine.DEFAULT_CONFIG)
    assert api is not None
    assert engine._tesserocr_api("vie", engine.DEFAULT_CONFIG) is api
    assert api.GetVariableAsString("preserve_interword_spaces") == "1"
    image = np.full((200, 600), 255, np.uint8)
    engine.recognise(image)
    engine.recognise(image)
    assert engine._tesserocr_api.cache_info().currsize >= 1
    assert engine._tesserocr_api("vie", engine.DEFAULT_CONFIG) is api


def test_tesserocr_is_only_used_with_the_commands_tesseract_version(monkeypatch: pytest.MonkeyPatch) -> None:
    same = _same_tesseract()
    monkeypatch.delenv("DONTHU_OCR_BACKEND", raising=False)
    monkeypatch.setattr(tesserocr, "tesseract_version", lambda: "tesseract 4.1.1\n leptonica-1.79.0")
    engine._tesserocr_api.cache_clear()
    try:
        assert engine.backend() == "pytesseract"
    finally:
        monkeypatch.undo()
        engine._tesserocr_api.cache_clear()
    assert engine.backend() == ("tesserocr" if same else "pytesseract")


def test_forced_fallback_uses_pytesseract() -> None:
    code = ("import os; os.environ['DONTHU_OCR_BACKEND']='pytesseract'; "
            "from donthu.config import load_settings; from ocr import engine; "
            "print(engine.backend(choice=load_settings().ocr_backend))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "pytesseract"


def test_config_parsing() -> None:
    assert engine._parse_config(engine.DEFAULT_CONFIG) == (
        1, 3, {"preserve_interword_spaces": "1", "textord_disable_pitch_test": "1"})
    with pytest.raises(ValueError):
        engine._parse_config("--tessdata-dir /x")


def test_the_build_chose_the_in_process_engine() -> None:
    """`make` builds tesserocr against the system libtesseract; CI sets DONTHU_EXPECT_OCR_BACKEND so a build
    that silently fell back to a process per page fails here instead of only running slower."""
    if not EXPECTED:
        pytest.skip("DONTHU_EXPECT_OCR_BACKEND is not set (make test sets it)")
    assert engine.backend() == EXPECTED


@needs_system_build
@pytest.mark.slow
def test_a_line_is_read_on_the_page_handle_in_single_line_mode(cleaned_page: np.ndarray) -> None:
    """`recognise(psm=7)` (the combined engine's second reading of a line) reads on the page's own handle switched
    to single-line mode for the call: the same words as a handle made for `--psm 7`, no second handle kept, and
    the page mode back afterwards."""
    from ocr.engines.tesseract import LINE_PSM, TesseractEngine

    page = engine.recognise(cleaned_page)
    first = min((w for w in page if len(w.text) > 3), key=lambda w: (w.block, w.paragraph, w.line))
    line = [w for w in page if (w.block, w.paragraph, w.line) == (first.block, first.paragraph, first.line)]
    x0, y0 = min(w.left for w in line) - 8, min(w.top for w in line) - 8
    x1, y1 = max(w.left + w.width for w in line) + 8, max(w.top + w.height for w in line) + 8
    crop = np.ascontiguousarray(cleaned_page[y0:y1, x0:x1])
    handles = engine._tesserocr_api.cache_info().currsize
    alone = TesseractEngine().recognise_line(crop)
    assert engine._tesserocr_api.cache_info().currsize == handles  # no handle of its own
    assert [w.text for w in alone] == [w.text for w in line]
    dedicated = engine.recognise(crop, config=engine.with_psm(engine.DEFAULT_CONFIG, LINE_PSM))
    assert _layout(alone) == _layout(dedicated)
    assert engine._tesserocr_api("vie", engine.DEFAULT_CONFIG).GetPageSegMode() == 3
    assert engine.recognise(cleaned_page) == page
