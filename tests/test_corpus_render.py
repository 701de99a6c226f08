"""Corpus rendering, degradation, writers and generation (corpus/render.py, degrade.py, writers.py, generate.py)."""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import subprocess
import unicodedata

import cv2
import numpy as np
import pikepdf
import pytest
from PIL import Image

from corpus import degrade as dg
from corpus import writers
from corpus.generate import generate_corpus
from corpus.model import GeneratedDoc
from corpus.render import (
    a4_pixels,
    available_fonts,
    find_line_boxes,
    font_supports_vietnamese,
    layout_doc,
    render,
    render_pdf,
    render_with_layout,
    sample_doc,
)


def _cer(truth: str, got: str) -> float:
    """Character error rate on whitespace-normalised NFC text (Levenshtein / len(truth))."""
    a = " ".join(unicodedata.normalize("NFC", truth).split())
    b = " ".join(unicodedata.normalize("NFC", got).split())
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] / max(1, len(a))


def _body_doc(paragraphs: int = 3) -> GeneratedDoc:
    """sample_doc without its two-column header (so reading order is unambiguous)."""
    doc = sample_doc(paragraphs)
    doc.lines = [ln for ln in doc.lines if ln.column == "full"]
    return doc


# ------------------------------------------------------------------ fonts and render


def test_fonts_render_vietnamese():
    fonts = available_fonts()
    for name in ("termes", "freeserif", "typewriter"):
        assert name in fonts
    assert set(available_fonts(pdf=True)) >= {"freeserif", "dejavu-serif"}
    # Liberation Serif 1.07 has no ệ/ữ/ỗ: it must not be offered unless Liberation 2 is installed
    if not font_supports_vietnamese("liberation"):
        with pytest.raises(ValueError):
            render(sample_doc(1), font="liberation", rng=random.Random(0))


def test_truth_matches_what_tesseract_reads():
    assert shutil.which("tesseract"), "tesseract is not installed: `make system` (apt-get install tesseract-ocr tesseract-ocr-vie)"
    r = render(_body_doc(3), font="termes", size_pt=13, dpi=300, rng=random.Random(1))
    ys, xs = np.nonzero(r.pages[0] < 128)  # OCR only the printed area (faster than the whole A4 page)
    crop = r.pages[0][max(0, ys.min() - 60):ys.max() + 60, max(0, xs.min() - 60):xs.max() + 60]
    ok, png = cv2.imencode(".png", crop)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    out = subprocess.run(["tesseract", "stdin", "stdout", "-l", "vie", "--dpi", "300"], input=png.tobytes(),
                         capture_output=True, timeout=120, env=env)
    assert out.returncode == 0 and out.stdout.strip(), (
        "tesseract -l vie is not usable (apt-get install tesseract-ocr-vie): " + out.stderr.decode(errors="replace")[:200])
    cer = _cer(r.page_texts[0], out.stdout.decode("utf-8"))
    assert cer < 0.03, cer


def test_page_is_a4_gray_and_text_is_nfc():
    r = render(sample_doc(2), dpi=200, rng=random.Random(3))
    assert r.dpi == 200 and r.font == "termes"
    for page in r.pages:
        assert page.dtype == np.uint8 and page.ndim == 2
        assert page.shape == (a4_pixels(200)[1], a4_pixels(200)[0]) == (2339, 1654)
        assert page.min() == 0 and page.max() == 255
    for text in r.page_texts:
        assert text == unicodedata.normalize("NFC", text)
        assert all(line == " ".join(line.split()) and line for line in text.split("\n"))


def test_two_column_header_order():
    doc = sample_doc(1)
    r, lay = render_with_layout(doc, dpi=150, rng=random.Random(2))
    lines = r.page_texts[0].split("\n")
    assert lines[:5] == ["ỦY BAN NHÂN DÂN", "XÃ MỸ HỘI ĐÔNG", "Số: 12/TB-UBND",
                         "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    # side by side: the right column starts right of the left one, on the same rows
    left = [run for run in lay.pages[0].runs if run.column == "left"]
    right = [run for run in lay.pages[0].runs if run.column == "right"]
    assert max(run.words[0][1] + run.width for run in left) < min(run.words[0][1] for run in right)
    assert left[0].baseline == pytest.approx(right[0].baseline)
    # PDF text layers are read by rows
    assert lay.pdf_page_texts[0].split("\n")[0] == "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def test_pagination_of_a_long_document():
    doc = sample_doc(40)
    r, lay = render_with_layout(doc, dpi=100, size_pt=13, rng=random.Random(5))
    assert len(r.pages) >= 3
    w, h = a4_pixels(100)
    for page in lay.pages:
        assert page.runs
        for run in page.runs:
            assert 0 < run.baseline < h
            assert run.words[0][1] >= 0 and run.words[-1][1] < w
    # every word of the document is drawn once, in order (page numbers aside)
    drawn = " ".join(" ".join(ln for ln in t.split("\n") if not ln.isdigit()) for t in r.page_texts).split()
    source = " ".join(ln.text for ln in doc.lines if ln.column == "full").split()
    header = [w for ln in doc.lines if ln.column != "full" for w in ln.text.split()]
    assert drawn == header + source
    assert "Nguyễn Văn Hùng" in r.page_texts[-1]


def test_render_is_deterministic_by_seed():
    a = render(sample_doc(3), dpi=100, rng=random.Random(11))
    b = render(sample_doc(3), dpi=100, rng=random.Random(11))
    c = render(sample_doc(3), dpi=100, rng=random.Random(12))
    assert a.page_texts == b.page_texts
    assert all(np.array_equal(x, y) for x, y in zip(a.pages, b.pages))
    assert not all(np.array_equal(x, y) for x, y in zip(a.pages, c.pages))
    t1 = render(sample_doc(2), font="typewriter", dpi=100, rng=random.Random(4))
    t2 = render(sample_doc(2), font="typewriter", dpi=100, rng=random.Random(4))
    assert np.array_equal(t1.pages[0], t2.pages[0])


def test_born_digital_text_layer_equals_page_texts(tmp_path):
    import pdfplumber

    doc = sample_doc(14)
    path = tmp_path / "doc.pdf"
    texts = render_pdf(doc, path, "freeserif", 13, rng=random.Random(3))
    assert len(texts) >= 2
    with pdfplumber.open(path) as pdf:
        got = [p.extract_text() for p in pdf.pages]
    assert got == texts
    with pytest.raises(ValueError):  # CFF fonts cannot be embedded by reportlab
        render_pdf(doc, tmp_path / "x.pdf", "termes", 13)


# ------------------------------------------------------------------ degradations

@pytest.fixture(scope="module")
def page100():
    r, lay = render_with_layout(sample_doc(3), dpi=100, rng=random.Random(1))
    box = find_line_boxes(lay, len(lay.pages) - 1, "Nguyễn Văn Hùng")[-1]
    return r.pages[-1], box


def _red(img: np.ndarray) -> int:
    b, g, r = (img[..., k].astype(int) for k in range(3))
    return int(((r > 150) & (r - g > 60) & (r - b > 60)).sum())


def _blue(img: np.ndarray) -> int:
    b, g, r = (img[..., k].astype(int) for k in range(3))
    return int(((b > 90) & (b - r > 50)).sum())


def test_stamp_and_signature_add_colour_ink(page100):
    page, box = page100
    rng = np.random.default_rng(0)
    stamped = dg.red_stamp(page, rng, name_box=box, dpi=100, text="ỦY BAN NHÂN DÂN HUYỆN CHỢ MỚI ★")
    assert stamped.shape == page.shape + (3,)
    assert _red(stamped) > 500 and _red(dg.to_bgr(page)) == 0
    # the seal lies over the signature area, near the name
    ys, xs = np.nonzero((stamped[..., 2].astype(int) - stamped[..., 1]) > 60)
    assert abs(np.median(ys) - box[1]) < 100 and abs(np.median(xs) - box[0]) < 150
    signed = dg.blue_signature(page, np.random.default_rng(1), name_box=box, dpi=100)
    assert _blue(signed) > 100 and _red(signed) == 0
    # text under the ink is still dark (multiply blend)
    assert (dg.to_gray(stamped) < 60).sum() >= (page < 60).sum() * 0.9


def test_seam_stamp_sits_on_the_right_edge(page100):
    page, _ = page100
    out = dg.seam_stamp(page, np.random.default_rng(3), dpi=100)
    red = (out[..., 2].astype(int) - out[..., 1] > 60)
    ys, xs = np.nonzero(red)
    assert xs.size > 50 and xs.min() > page.shape[1] * 0.85


def _ink_angle(img: np.ndarray) -> float:
    ys, xs = np.nonzero(img < 128)
    slope = np.polyfit(xs, ys, 1)[0]
    return -np.degrees(np.arctan(slope))


def test_skew_rotates_by_the_angle():
    img = np.full((400, 600), 255, np.uint8)
    img[198:202, 50:550] = 0
    out = dg.skew(img, np.random.default_rng(0), angle=2.0)
    assert _ink_angle(out) == pytest.approx(2.0, abs=0.15)
    assert out[0, 0] == 255  # white fill
    rnd = dg.skew(img, np.random.default_rng(0), max_deg=1.0)
    assert abs(_ink_angle(rnd)) <= 1.05


def test_noise_blur_jpeg_lighting_change_the_page(page100):
    page, _ = page100
    rng = np.random.default_rng(2)
    noisy = dg.gaussian_noise(page, rng, sigma=6)
    assert 3 < np.std(noisy.astype(int) - page.astype(int)) < 9
    sp = dg.salt_pepper(page, rng, amount=0.01)
    assert 0.002 < (sp != page).mean() < 0.011
    blurred = dg.blur(page, rng, sigma=1.5)
    assert np.abs(np.diff(blurred.astype(int), axis=1)).mean() < np.abs(np.diff(page.astype(int), axis=1)).mean()
    assert not np.array_equal(dg.jpeg_artifacts(page, rng, quality=30), page)
    lit = dg.uneven_lighting(page, rng, strength=0.3)
    assert lit.mean() < page.mean() - 5
    assert dg.scan_at(page, 50, src_dpi=100).shape == (round(page.shape[0] / 2), round(page.shape[1] / 2))


def test_photocopy_has_streaks_and_grey_background():
    blank = np.full((600, 400), 255, np.uint8)
    rng = np.random.default_rng(3)
    streaked = dg.toner_streaks(blank, rng, vertical=1, horizontal=0, dpi=100)
    col_means = streaked.mean(axis=0)
    assert col_means.min() < 200 and np.median(col_means) > 250
    pc = dg.photocopy(blank, np.random.default_rng(4), dpi=100)
    assert pc.ndim == 2 and 170 < np.median(pc) < 240
    b = dg.binarize(pc, rng)
    assert dg.is_bilevel(b)


def test_phone_photo_perspective_and_size(page100):
    page, box = page100
    out = dg.phone_photo(dg.red_stamp(page, np.random.default_rng(0), name_box=box, dpi=100),
                         np.random.default_rng(5))
    assert out.shape == (4000, 3000, 3)
    # background around the page: the frame corners are not paper-white
    corners = [out[5, 5], out[5, -6], out[-6, 5], out[-6, -6]]
    assert all(c.astype(int).mean() < 215 for c in corners) or all(np.ptp(c.astype(int)) > 15 for c in corners)
    # the page is not an axis-aligned rectangle: its left edge moves with the row
    bright = out.astype(int).mean(axis=2) > 170
    first = [int(np.argmax(bright[y])) for y in (800, 3200)]
    assert abs(first[0] - first[1]) > 5


def test_degrade_page_levels(page100):
    page, box = page100
    for level in dg.LEVELS:
        kw = dict(dpi=100, name_box=box, signature=True, stamp=True, photo_size=(750, 1000))
        out = dg.degrade_page(page, level, np.random.default_rng(7), **kw)
        again = dg.degrade_page(page, level, np.random.default_rng(7), **kw)
        assert np.array_equal(out, again), level  # deterministic by seed
        assert out.dtype == np.uint8
        if level == "phone":
            assert out.shape == (1000, 750, 3)
        else:
            assert out.shape[:2] == page.shape
        if level == "photocopy":
            assert out.ndim == 2  # colour ink copied to grey
        else:
            assert _red(out) > 100, level
    assert dg.is_bilevel(dg.degrade_page(page, "photocopy", np.random.default_rng(1), dpi=100, bilevel=True))
    with pytest.raises(ValueError):
        dg.degrade_page(page, "smudged", np.random.default_rng(1))


# ------------------------------------------------------------------ writers


def test_scanned_pdf_round_trip(tmp_path, page100):
    page, box = page100
    bilevel = dg.binarize(page, np.random.default_rng(0))
    colour = dg.red_stamp(page, np.random.default_rng(0), name_box=box, dpi=100)
    path = tmp_path / "scan.pdf"
    writers.write_scanned_pdf([page, bilevel, colour], path, 100, quality=80)
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 3
        filters = []
        for p, src in zip(pdf.pages, [page, bilevel, colour]):
            images = list(p.get_images().values()) if hasattr(p, "get_images") else list(p.images.values())
            assert len(images) == 1
            img = pikepdf.PdfImage(images[0])
            assert (img.width, img.height) == (src.shape[1], src.shape[0])
            w_pt = float(p.mediabox[2])
            assert w_pt == pytest.approx(src.shape[1] / 100 * 72, abs=0.01)
            filters.append(img.filters[0])
            if src is page:
                assert bytes(images[0].read_raw_bytes()) == writers.encode_jpeg(page, 80)
            if src is bilevel:
                got = np.asarray(img.as_pil_image().convert("L"))
                assert np.array_equal(got, bilevel)
        assert filters == ["/DCTDecode", "/CCITTFaxDecode", "/DCTDecode"]


def test_tiff_png_jpeg_writers(tmp_path, page100):
    page, _ = page100
    bilevel = dg.binarize(page, np.random.default_rng(0))
    writers.write_tiff([page, page, page], tmp_path / "a.tif", 100)
    with Image.open(tmp_path / "a.tif") as im:
        assert im.n_frames == 3 and round(im.info["dpi"][0]) == 100
    writers.write_tiff([bilevel, bilevel], tmp_path / "b.tif", 100)
    with Image.open(tmp_path / "b.tif") as im:
        assert im.n_frames == 2 and im.info["compression"] == "group4"
        assert np.array_equal(np.asarray(im.convert("L")), bilevel)
    writers.write_png(page, tmp_path / "a.png", 100)
    with Image.open(tmp_path / "a.png") as im:
        assert np.array_equal(np.asarray(im), page)
    photo = dg.to_bgr(page)
    writers.write_jpeg(photo, tmp_path / "a.jpg", orientation=6)
    with Image.open(tmp_path / "a.jpg") as im:
        assert im.getexif()[writers.EXIF_ORIENTATION] == 6
        assert im.size == (page.shape[0], page.shape[1])  # stored rotated
        up = writers.upright(im)
        assert up.size == (page.shape[1], page.shape[0])
        assert np.abs(np.asarray(up.convert("L")).astype(int) - page).mean() < 4


def test_mixed_pdf_keeps_text_pages_and_scans_one(tmp_path):
    import pdfplumber

    doc = sample_doc(14)
    lay = layout_doc(doc, font="freeserif", dpi=100, rng=random.Random(2))
    assert len(lay.pages) >= 2
    from corpus.render import raster, write_layout_pdf

    write_layout_pdf(lay, tmp_path / "text.pdf")
    scan = raster(lay, random.Random(2))[1]
    writers.replace_pages_with_images(tmp_path / "text.pdf", {1: scan}, tmp_path / "mixed.pdf", 100)
    with pdfplumber.open(tmp_path / "mixed.pdf") as pdf:
        assert pdf.pages[0].extract_text() == lay.pdf_page_texts[0]
        assert not (pdf.pages[1].extract_text() or "").strip()
        assert len(pdf.pages[1].images) == 1


# ------------------------------------------------------------------ generate_corpus


def _docs_for_test(n: int, seed: int) -> list[GeneratedDoc] | None:
    try:
        from corpus.content import generate_docs  # noqa: F401
    except ImportError:
        return [sample_doc(2 + 9 * (i % 2), doc_id=f"t{seed}-{i:03d}") for i in range(n)]
    return None


TRUTH_KEYS = {"id", "file", "family", "kind", "type", "title_names_type", "level", "dpi", "font", "size_pt",
              "format", "mime", "dossier", "date", "pages", "parties", "parcels", "references"}


def _file_pages(path) -> int:
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    with Image.open(io.BytesIO(data)) as im:
        return getattr(im, "n_frames", 1)


def test_generate_corpus_writes_files_truth_and_manifest(tmp_path):
    recs = generate_corpus(tmp_path, 6, 3, docs=_docs_for_test(6, 3), dpi=120, photo_size=(900, 1200))
    assert len(recs) == 6
    manifest = [json.loads(line) for line in (tmp_path / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert manifest == recs
    magic = {"application/pdf": b"%PDF", "image/tiff": (b"II*\x00", b"MM\x00*"), "image/png": b"\x89PNG",
             "image/jpeg": b"\xff\xd8"}
    for rec in recs:
        assert TRUTH_KEYS <= set(rec)
        truth = json.loads((tmp_path / "truth" / f"{rec['id']}.json").read_text(encoding="utf-8"))
        assert truth == rec
        path = tmp_path / rec["file"]
        assert path.exists() and rec["file"].startswith("files/")
        assert path.read_bytes().startswith(magic[rec["mime"]])
        assert _file_pages(path) == len(rec["pages"]) == len(rec["page_sources"])
        assert rec["level"] in set(dg.LEVELS) | {"born-digital"}
        assert all(t == unicodedata.normalize("NFC", t) and t.strip() for t in rec["pages"])


def test_generate_corpus_formats_filter(tmp_path):
    recs = generate_corpus(tmp_path, 2, 5, formats=["tiff"], docs=[sample_doc(1, doc_id=f"f{i}") for i in range(2)],
                           dpi=100, photo_size=(750, 1000))
    for rec in recs:
        assert rec["format"] == "tiff" and rec["file"].endswith(".tif")
        assert (tmp_path / rec["file"]).read_bytes()[:4] in (b"II*\x00", b"MM\x00*")


def test_generate_corpus_is_deterministic(tmp_path):
    docs = [sample_doc(1, doc_id=f"det-{i}") for i in range(3)]
    a = generate_corpus(tmp_path / "a", 3, 9, docs=docs, dpi=100, photo_size=(750, 1000))
    b = generate_corpus(tmp_path / "b", 3, 9, docs=docs, dpi=100, photo_size=(750, 1000))
    assert a == b
    for rec in a:
        assert (tmp_path / "a" / rec["file"]).read_bytes() == (tmp_path / "b" / rec["file"]).read_bytes()


def test_plan_mix_over_many_documents():
    from corpus.generate import LEVEL_WEIGHTS, choose_format, plan

    plans = [plan(random.Random(i)) for i in range(2000)]
    share = {lv: sum(p["level"] == lv for p in plans) / len(plans) for lv in LEVEL_WEIGHTS}
    for lv, w in LEVEL_WEIGHTS.items():
        assert share[lv] == pytest.approx(w / 100, abs=0.035), lv
    fonts = {p["font"] for p in plans}
    assert {"termes", "freeserif", "typewriter"} <= fonts
    assert {p["size_pt"] for p in plans} <= {12, 13, 14}
    assert choose_format(random.Random(0), "phone", 1, ["jpeg"]) == "jpeg"
    # a 3-page scan is a PDF or a TIFF (the formats that hold pages), PDF about three times in four
    multi = [choose_format(random.Random(s), "light", 3, None) for s in range(400)]
    assert set(multi) == {"pdf", "tiff"} and 0.68 < multi.count("pdf") / len(multi) < 0.82
