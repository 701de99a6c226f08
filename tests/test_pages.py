"""ingest.pages and ocr.textlayer on files built in code: born-digital, scanned, mixed, images, bad files."""

from __future__ import annotations

import io
import time
import tracemalloc
import unicodedata
import zlib
from dataclasses import replace

import numpy as np
import pdfplumber
import pikepdf
import pypdfium2
import pytest
from PIL import Image

from donthu.config import Settings
from donthu.types import EncryptedFile, TooLarge, UnsupportedFile
from ingest.pages import count_pages, iter_pages, page_image
from ingest.sniff import sniff
from ocr.textlayer import read_text_layer

try:
    from fixtures_files import (VIETNAMESE_LINE, ScanPage, TextItem, born_digital_pdf, concat_pdfs,
                                dark_fraction, encrypt_pdf, exif_rotated_jpeg, image_bytes, image_xobject_pdf,
                                multipage_tiff, petition_page, png_bomb_header, scan_image, scanned_pdf)
except ImportError:  # tests/ is a package
    from tests.fixtures_files import (VIETNAMESE_LINE, ScanPage, TextItem, born_digital_pdf, concat_pdfs,
                                      dark_fraction, encrypt_pdf, exif_rotated_jpeg, image_bytes,
                                      image_xobject_pdf, multipage_tiff, petition_page, png_bomb_header,
                                      scan_image, scanned_pdf)

PDF = "application/pdf"
SETTINGS = Settings()


def pages_of(data: bytes, settings: Settings = SETTINGS):
    return list(iter_pages(data, sniff(data), settings))


@pytest.fixture(scope="module")
def scan() -> Image.Image:
    """A 150 dpi A4 gray scan of a letter."""
    return scan_image(["ĐƠN ĐỀ NGHỊ", VIETNAMESE_LINE, "Số: 123/QĐ-UBND ngày 05/3/2021"])


@pytest.fixture(scope="module")
def small_scan() -> Image.Image:
    return scan_image(["ĐƠN ĐỀ NGHỊ", VIETNAMESE_LINE], size=(620, 877), font_px=17)


# ------------------------------------------------------------------------------------------ text layers
def test_vietnamese_text_layer_comes_back_nfc_and_as_drawn():
    data = born_digital_pdf([[TextItem(72, 100, VIETNAMESE_LINE)]])
    [page] = pages_of(data)
    assert page.source == "text" and page.image is None
    assert page.text == VIETNAMESE_LINE
    assert unicodedata.is_normalized("NFC", page.text)
    assert [w.text for w in page.words] == VIETNAMESE_LINE.split()
    assert {w.line for w in page.words} == {0} and all(w.confidence is None for w in page.words)


def test_decomposed_text_is_composed():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    data = born_digital_pdf([[TextItem(72, 100, decomposed, size=14)]])
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text, words = read_text_layer(pdf.pages[0], 150 / 72)
    assert text == "Nguyễn Thị Hồng Nhung"
    assert [w.text for w in words] == ["Nguyễn", "Thị", "Hồng", "Nhung"]


def test_fake_bold_is_read_once():
    # office software's "bold" for fonts without a bold face: the same text drawn twice, 0.4 pt apart
    items = [TextItem(72, 100, "ĐƠN KHIẾU NẠI", 16), TextItem(72.4, 100, "ĐƠN KHIẾU NẠI", 16),
             TextItem(72, 140, VIETNAMESE_LINE)]
    [page] = pages_of(born_digital_pdf([items]))
    assert page.text.splitlines() == ["ĐƠN KHIẾU NẠI", VIETNAMESE_LINE]


def test_reading_order_follows_the_page_not_the_content_stream():
    # drawn bottom line first, right column before left column on the header line
    items = [TextItem(72, 300, "Kính gửi: Chủ tịch Ủy ban nhân dân huyện Chợ Mới"),
             TextItem(330, 80, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=10),
             TextItem(72, 80, "ỦY BAN NHÂN DÂN", size=10),
             TextItem(72, 200, "QUYẾT ĐỊNH", size=14)]
    with pdfplumber.open(io.BytesIO(born_digital_pdf([items]))) as pdf:
        text, words = read_text_layer(pdf.pages[0], 2.0)
    assert text.splitlines() == [
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "QUYẾT ĐỊNH",
        "Kính gửi: Chủ tịch Ủy ban nhân dân huyện Chợ Mới",
    ]
    assert [w.line for w in words if w.text == "ĐỊNH"] == [1]


def test_rotated_landscape_text_page_reads_upright():
    from reportlab.pdfgen import canvas

    born_digital_pdf([[]])  # registers the font
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(595.28, 841.89))
    c.setPageRotation(90)  # /Rotate 90: content drawn turned so that it reads upright when shown
    c.translate(595.28, 0)
    c.rotate(90)
    c.setFont("FreeSerif", 14)
    c.drawString(72, 523, "BIÊN BẢN HÒA GIẢI TRANH CHẤP ĐẤT ĐAI")
    c.drawString(72, 495, VIETNAMESE_LINE)
    c.showPage()
    c.save()
    data = out.getvalue()
    [page] = pages_of(data)
    assert page.text.splitlines() == ["BIÊN BẢN HÒA GIẢI TRANH CHẤP ĐẤT ĐAI", VIETNAMESE_LINE]
    image = page_image(data, PDF, 1, SETTINGS)
    assert image.shape[:2] == (page.height, page.width)
    for word in page.words:
        assert dark_fraction(image, (word.left, word.top, word.width, word.height)) > 0.08, word


def test_word_boxes_land_on_the_drawn_words_of_the_served_image():
    data = born_digital_pdf([petition_page(12)])
    [page] = pages_of(data)
    image = page_image(data, PDF, 1, SETTINGS)
    assert image.shape[:2] == (page.height, page.width)
    assert page.dpi == SETTINGS.preview_dpi
    # A4 at 150 dpi
    assert abs(page.width - 1240) <= 1 and abs(page.height - 1754) <= 1
    target = next(w for w in page.words if w.text == "Tôi")  # starts VIETNAMESE_LINE, the 5th line
    # x = 72 pt → 150 px at 150 dpi; baseline 72 + 20*4 pt from the top
    assert abs(target.left - 150) <= 12 and abs(target.top + target.height - (152 * 150 / 72)) <= 12
    for word in [w for w in page.words if len(w.text) >= 2][:40]:
        assert dark_fraction(image, (word.left, word.top, word.width, word.height)) > 0.05, word
    # and just below a line of text (between lines) it is blank
    below = (target.left, target.top + target.height + 4, target.width, 8)
    assert dark_fraction(image, below) < 0.02


# ------------------------------------------------------------------------------------------ scanned PDFs
def test_mixed_pdf_is_decided_page_by_page(scan):
    text = born_digital_pdf([petition_page(10)])
    scanned = scanned_pdf([ScanPage(scan, "jpeg")])
    data = concat_pdfs(text, scanned, text)
    assert count_pages(data, PDF, SETTINGS) == 3
    pages = pages_of(data)
    assert [p.source for p in pages] == ["text", "ocr", "text"]
    assert [p.number for p in pages] == [1, 2, 3]
    assert pages[1].image is not None and pages[1].dpi == pytest.approx(150, abs=0.5)


def test_invisible_ocr_layer_over_a_scan_is_a_scanned_page(small_scan):
    data = scanned_pdf([ScanPage(small_scan, "flate", dpi=75)],
                       invisible_text="Toi ten la Nguyen Thi Hong Nhung thua dat so 45 to ban do so 12")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages[0].chars) > 40  # the layer is there ...
    [page] = pages_of(data)
    assert page.source == "ocr"  # ... but the page is a scan to OCR
    assert np.array_equal(page.image, np.asarray(small_scan))


def test_visible_text_hidden_under_the_scan_is_a_scanned_page(small_scan):
    data = scanned_pdf([ScanPage(small_scan, "flate", dpi=75)], text_under_image=True,
                       invisible_text="Toi ten la Nguyen Thi Hong Nhung thua dat so 45 to ban do so 12")
    [page] = pages_of(data)
    assert page.source == "ocr" and np.array_equal(page.image, np.asarray(small_scan))


def test_legacy_tcvn3_text_layer_is_ocred_instead():
    # what a .VnTime (TCVN3) font's text layer decodes to: the page looks right, the text does not
    tcvn3 = ["Céng hoµ x· héi chñ nghÜa ViÖt Nam", "§éc lËp - Tù do - H¹nh phóc", "§¬n khiÕu n¹i"]
    data = born_digital_pdf([[TextItem(72, 100 + 20 * i, line) for i, line in enumerate(tcvn3)]])
    [page] = pages_of(data, replace(SETTINGS, render_dpi=72))
    assert page.source == "ocr" and page.image is not None and page.dpi == 72


def test_lossless_embedded_image_is_taken_exactly(scan):
    [page] = pages_of(scanned_pdf([ScanPage(scan, "flate")]))
    assert page.source == "ocr" and page.image.dtype == np.uint8 and page.image.ndim == 2
    assert np.array_equal(page.image, np.asarray(scan))
    assert page.dpi == pytest.approx(150, abs=0.1)


def test_jpeg_is_decoded_not_rerendered(scan):
    data = scanned_pdf([ScanPage(scan, "jpeg", dpi=200)])
    [page] = pages_of(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        stream = next(iter(pdf.pages[0].get_images().values()))
        jpeg = stream.read_raw_bytes()
    assert jpeg.startswith(b"\xff\xd8")
    assert np.array_equal(page.image, np.asarray(Image.open(io.BytesIO(jpeg))))
    assert page.image.shape == (scan.height, scan.width) and page.dpi == pytest.approx(200, abs=0.1)


@pytest.mark.parametrize("decode_inverted", [False, True])
def test_ccitt_g4_page_is_bilevel_and_exact(scan, decode_inverted):
    data = scanned_pdf([ScanPage(scan, "ccitt", dpi=150, decode_inverted=decode_inverted)])
    [page] = pages_of(data)
    expected = np.asarray(scan.convert("1").convert("L"))
    assert np.array_equal(page.image, expected)
    assert set(np.unique(page.image)) <= {0, 255}
    assert (page.image == 255).mean() > 0.9  # white paper, black ink


@pytest.mark.parametrize("stored_turn,rotate", [(90, 0), (180, 0), (270, 0), (0, 90), (90, 270)])
def test_placement_matrix_and_page_rotation_are_applied(small_scan, stored_turn, rotate):
    data = scanned_pdf([ScanPage(small_scan, "flate", dpi=75, stored_turn=stored_turn, rotate=rotate)])
    [page] = pages_of(data)
    expected = np.asarray(small_scan)
    if rotate:  # the viewer turns the whole page clockwise
        expected = np.rot90(expected, k=-(rotate // 90))
    assert np.array_equal(page.image, expected)
    # the orientation a viewer shows: pdfium's render of the page at the image's resolution
    pdf = pypdfium2.PdfDocument(data)
    rendered = pdf[0].render(scale=page.dpi / 72, grayscale=True).to_numpy()
    height, width = min(rendered.shape[0], page.image.shape[0]), min(rendered.shape[1], page.image.shape[1])
    assert abs(rendered.shape[0] - page.image.shape[0]) <= 1
    assert abs(rendered.shape[1] - page.image.shape[1]) <= 1
    difference = np.abs(rendered[:height, :width].astype(int) - page.image[:height, :width].astype(int))
    assert difference.mean() < 3
    pdf.close()
    assert np.array_equal(page_image(data, PDF, 1, SETTINGS), page.image)


@pytest.mark.parametrize("variant", ["indexed", "1bit", "gray16", "smask", "imagemask", "cmyk-jpeg-decode"])
def test_other_image_encodings_match_what_a_viewer_shows(variant):
    stamped = scan_image(["ĐƠN KHIẾU NẠI", VIETNAMESE_LINE], size=(310, 438), colour=True, font_px=12,
                         stamp=True)
    data = image_xobject_pdf(variant, stamped, dpi=75)
    [page] = pages_of(data)
    assert page.source == "ocr" and page.error is None and page.dpi == pytest.approx(75, abs=0.1)
    assert page.image.shape[:2] == (438, 310) and page.image.dtype == np.uint8
    pdf = pypdfium2.PdfDocument(data)
    rendered = pdf[0].render(scale=75 / 72).to_numpy()[:438, :310, :3].astype(int)
    pdf.close()
    ours = page.image if page.image.ndim == 3 else np.repeat(page.image[:, :, None], 3, axis=2)
    assert np.abs(ours[: rendered.shape[0], : rendered.shape[1]].astype(int) - rendered).mean() < 5


def test_colour_scan_with_a_red_stamp_stays_colour():
    stamped = scan_image(["QUYẾT ĐỊNH", VIETNAMESE_LINE], size=(620, 877), colour=True, font_px=17,
                         stamp=True)
    [page] = pages_of(scanned_pdf([ScanPage(stamped, "flate", dpi=75)]))
    assert page.image.shape == (877, 620, 3)
    assert np.array_equal(page.image, np.asarray(stamped)[:, :, ::-1])  # BGR
    blue, green, red = (page.image[..., i].astype(int) for i in range(3))
    assert np.count_nonzero((red - blue > 100) & (red - green > 100)) > 100


def test_gray_page_saved_as_rgb_comes_back_gray(small_scan):
    rgb = small_scan.convert("RGB")
    [page] = pages_of(scanned_pdf([ScanPage(rgb, "jpeg", dpi=75)]))
    assert page.image.ndim == 2 and page.image.shape == (877, 620)


def test_page_with_text_and_no_single_image_is_rendered_at_render_dpi():
    # a few characters only (a blank form, a page of drawings): not a text page, rendered for OCR
    data = born_digital_pdf([[TextItem(72, 100, "Trang 2")]])
    settings = replace(SETTINGS, render_dpi=100)
    [page] = pages_of(data, settings)
    assert page.source == "ocr" and page.dpi == 100
    assert abs(page.image.shape[0] - 1169) <= 1 and abs(page.image.shape[1] - 827) <= 1
    assert np.array_equal(page.image, page_image(data, PDF, 1, settings))


def test_page_image_is_the_array_ocr_saw(scan):
    data = scanned_pdf([ScanPage(scan, "jpeg")] * 2)
    pages = pages_of(data)
    assert np.array_equal(page_image(data, PDF, 2, SETTINGS), pages[1].image)
    with pytest.raises(IndexError):
        page_image(data, PDF, 3, SETTINGS)
    with pytest.raises(IndexError):
        page_image(data, PDF, 0, SETTINGS)


def test_a_damaged_page_does_not_sink_the_file(small_scan):
    data = scanned_pdf([ScanPage(small_scan, "jpeg", dpi=75)] * 3)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        stream = next(iter(pdf.pages[1].get_images().values()))
        stream.write(b"\xff\xd8\xff\xe0 this is not a JPEG any more" * 10, filter=pikepdf.Name.DCTDecode)
        out = io.BytesIO()
        pdf.save(out)
    pages = pages_of(out.getvalue())
    assert [p.number for p in pages] == [1, 2, 3]
    assert pages[0].error is None and pages[2].error is None and pages[2].image is not None
    # the pipeline records it as "page 2: <error>"
    assert pages[1].error.startswith("the scanned image could not be decoded") and pages[1].image is None


def test_three_hundred_pages_one_at_a_time(small_scan):
    # tiny pages; holding all 300 decoded pages would take ~160 MB
    frame = small_scan.resize((400, 566))
    data = scanned_pdf([ScanPage(frame, "jpeg", dpi=48, jpeg_quality=30)] * 300)
    assert count_pages(data, PDF, SETTINGS) == 300
    tracemalloc.start()
    try:
        seen = 0
        for page in iter_pages(data, PDF, SETTINGS):
            assert page.image is not None and page.image.shape == (566, 400)
            seen += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == 300
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_three_hundred_born_digital_pages_are_counted():
    data = born_digital_pdf([[TextItem(72, 72, f"Trang {i}")] for i in range(300)], pagesize=(200, 200))
    assert count_pages(data, PDF, SETTINGS) == 300


# ------------------------------------------------------------------------------------------ refusals
def test_encrypted_pdf_is_refused():
    data = encrypt_pdf(born_digital_pdf([[TextItem(72, 100, VIETNAMESE_LINE)]]))
    with pytest.raises(EncryptedFile, match=r"^encrypted PDF \(password protected\)$"):
        count_pages(data, PDF, SETTINGS)
    with pytest.raises(EncryptedFile):
        list(iter_pages(data, PDF, SETTINGS))


def test_pdf_with_only_an_owner_password_is_read():
    data = born_digital_pdf([[TextItem(72, 100, VIETNAMESE_LINE)]])
    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(user="", owner="chu-so-huu", R=6,
                                                     allow=pikepdf.Permissions(extract=False)))
    [page] = pages_of(out.getvalue())
    assert page.text == VIETNAMESE_LINE


def test_truncated_and_damaged_files_are_unsupported(small_scan):
    data = born_digital_pdf([petition_page(5)] * 2)
    with pytest.raises(UnsupportedFile):
        list(iter_pages(b"%PDF-1.7\n" + b"\x00garbage" * 50, PDF, SETTINGS))
    png = image_bytes(small_scan, "PNG")
    with pytest.raises(UnsupportedFile):
        list(iter_pages(png[: len(png) // 2], "image/png", SETTINGS))
    jpeg = image_bytes(small_scan, "JPEG")
    with pytest.raises(UnsupportedFile, match="damaged image"):
        list(iter_pages(jpeg[: len(jpeg) // 2], "image/jpeg", SETTINGS))
    with pytest.raises(UnsupportedFile):
        list(iter_pages(data, "text/plain", SETTINGS))


def test_png_pixel_bomb_is_refused_before_decoding():
    bomb = png_bomb_header(100_000, 100_000)
    assert len(bomb) < 200 and sniff(bomb) == "image/png"
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(TooLarge):
            list(iter_pages(bomb, "image/png", SETTINGS))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 1.0 and peak < 5 * 1024 * 1024


def test_pixel_limit_from_settings_applies_below_pillows_own():
    bomb = png_bomb_header(5000, 5000)
    with pytest.raises(TooLarge, match="megapixels"):
        list(iter_pages(bomb, "image/png", replace(SETTINGS, max_pixels=10_000_000)))


def test_pdf_image_bomb_is_refused_from_its_header():
    pdf = pikepdf.new()
    image = pikepdf.Stream(pdf, zlib.compress(b"\x00" * 100_000), Type=pikepdf.Name.XObject,
                           Subtype=pikepdf.Name.Image, Width=200_000, Height=200_000, BitsPerComponent=1,
                           ColorSpace=pikepdf.Name.DeviceGray, Filter=pikepdf.Name.FlateDecode)
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
        Contents=pikepdf.Stream(pdf, b"q 595 0 0 842 0 0 cm /Im0 Do Q"))))
    out = io.BytesIO()
    pdf.save(out)
    started = time.perf_counter()
    with pytest.raises(TooLarge, match="image on page 1"):
        list(iter_pages(out.getvalue(), PDF, SETTINGS))
    assert time.perf_counter() - started < 1.0


def test_file_size_and_page_count_limits(small_scan):
    tiff = multipage_tiff([small_scan] * 3)
    with pytest.raises(TooLarge, match="too many pages"):
        list(iter_pages(tiff, "image/tiff", replace(SETTINGS, max_pages=2)))
    with pytest.raises(TooLarge, match="file too large"):
        list(iter_pages(tiff, "image/tiff", replace(SETTINGS, max_file_bytes=1000)))


# ------------------------------------------------------------------------------------------ image files
def test_multipage_g4_tiff_gives_every_page(small_scan):
    other = small_scan.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    tiff = multipage_tiff([small_scan, other, small_scan], compression="group4", dpi=200)
    assert count_pages(tiff, "image/tiff", SETTINGS) == 3
    pages = pages_of(tiff)
    assert [p.number for p in pages] == [1, 2, 3]
    assert np.array_equal(pages[1].image, np.asarray(other.convert("1").convert("L")))
    assert all(p.dpi == 200 for p in pages)
    assert np.array_equal(page_image(tiff, "image/tiff", 2, SETTINGS), pages[1].image)


def test_exif_rotated_phone_photo_is_upright(small_scan):
    photo = small_scan.convert("RGB")
    [page] = pages_of(exif_rotated_jpeg(photo, orientation=6))
    assert page.image.shape[:2] == (photo.height, photo.width)
    gray = page.image if page.image.ndim == 2 else page.image.mean(axis=2)
    assert np.abs(gray.astype(float) - np.asarray(small_scan, dtype=float)).mean() < 3
    assert page.dpi is None  # no believable resolution in a phone photo


def test_png_modes_are_normalised(small_scan):
    gray = np.asarray(small_scan)
    # 16-bit gray
    sixteen = Image.fromarray(gray.astype(np.uint16) * 257)
    [page] = pages_of(image_bytes(sixteen, "PNG"))
    assert page.image.dtype == np.uint8 and np.array_equal(page.image, gray)
    # palette
    [page] = pages_of(image_bytes(small_scan.convert("P"), "PNG"))
    assert page.image.dtype == np.uint8 and page.image.shape == gray.shape
    assert np.abs(page.image.astype(int) - gray).max() <= 8
    # transparency: transparent paper becomes white paper
    rgba = small_scan.convert("RGBA")
    alpha = np.where(gray > 128, 0, 255).astype(np.uint8)
    rgba.putalpha(Image.fromarray(alpha))
    [page] = pages_of(image_bytes(rgba, "PNG", dpi=(75, 75)))
    assert page.image.ndim == 2 and page.image[0, 0] == 255 and page.image.min() < 60
    assert page.dpi == 75
    # 1-bit
    [page] = pages_of(image_bytes(small_scan.convert("1"), "PNG"))
    assert set(np.unique(page.image)) <= {0, 255}


def test_fax_resolution_is_resampled_to_square_pixels(small_scan):
    fax = small_scan.convert("1").resize((620, 438))  # 200 x 100 dpi: half the rows
    tiff = io.BytesIO()
    fax.save(tiff, format="TIFF", compression="group4", dpi=(200, 100))
    [page] = pages_of(tiff.getvalue())
    assert page.image.shape == (876, 620) and page.dpi == 200


def test_page_preview_is_the_page_image_scaled_to_the_budget():
    """`page_preview` (the API's page image) is `page_image` scaled to fit `preview_max_pixels`, for every
    branch: a PDF text page (rendered at a lower dpi), a scanned PDF page, an EXIF-rotated JPEG (decoded
    reduced), a fax-like TIFF of unequal dpi; the word boxes times the scale land on the drawn words."""
    from ingest.pages import page_preview

    text_pdf = born_digital_pdf([petition_page(12)])
    scan = Image.new("L", (1700, 2200), 245)
    scan.paste(20, (200, 300, 900, 360))
    scanned_pdf = io.BytesIO()
    scan.save(scanned_pdf, format="PDF", resolution=200)
    rotated = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # shown turned 90° clockwise
    scan.save(rotated, format="JPEG", exif=exif, quality=92)
    fax = io.BytesIO()
    scan.resize((1700, 1100)).save(fax, format="TIFF", dpi=(204, 98))
    for name, data in (("text PDF", text_pdf), ("scanned PDF", scanned_pdf.getvalue()),
                       ("rotated JPEG", rotated.getvalue()), ("fax TIFF", fax.getvalue())):
        mime = sniff(data)
        full = page_image(data, mime, 1, SETTINGS)
        height, width = full.shape[:2]
        assert page_preview(data, mime, 1, SETTINGS)[1] == 1.0, name  # fits the default budget
        settings = replace(SETTINGS, preview_max_pixels=width * height // 4)
        image, scale = page_preview(data, mime, 1, settings)
        assert image.shape[0] * image.shape[1] <= settings.preview_max_pixels, name
        assert abs(scale - 0.5) < 0.01 and abs(image.shape[1] - width * scale) <= 1, name
        assert abs(image.shape[0] - height * scale) <= 2, name
        expected = np.asarray(Image.fromarray(full).resize((image.shape[1], image.shape[0]), Image.BOX))
        assert np.abs(image.astype(int) - expected.astype(int)).mean() < 6, name
    [page] = pages_of(text_pdf)
    image, scale = page_preview(text_pdf, PDF, 1, replace(SETTINGS, preview_max_pixels=page.width * page.height // 4))
    for word in (w for w in page.words if len(w.text) >= 3):  # a hyphen's box is mostly paper
        box = tuple(round(v * scale) for v in (word.left, word.top, word.width, word.height))
        assert dark_fraction(image, box) > 0.05, word
