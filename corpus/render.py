"""Render a GeneratedDoc to A4 page images (Pillow) or to a born-digital PDF (reportlab).

One layout engine serves both: `layout_doc()` places every drawn line (wrapping, alignment, two-column header
blocks, pagination, page numbers) in pixels at a given dpi; `raster()` draws it with Pillow and
`write_layout_pdf()` draws the same placement with reportlab, so a scanned page and a text page of one
document paginate identically.

Truth (`page_texts`): exactly the text drawn on each page, one drawn line per "\\n"-separated line, words
single-spaced. A two-column block lists all left-column lines, then the right-column lines (raster
convention, what Tesseract's layout analysis yields). The PDF text layer is read row by row by pdfplumber,
so `render_pdf()`/`pdf_page_texts()` give each row of a two-column block as "left right" on one line.

Fonts: Liberation Serif 1.07 (Debian fonts-liberation) has no Vietnamese glyphs (ệ, ữ, ỗ, ặ render as
boxes), so "liberation" is only usable when Liberation 2.x is installed (fonts-liberation2); the default is
TeX Gyre Termes, the other Times clone. reportlab embeds TrueType only: PDF fonts are `PDF_FONTS`.
"""

from __future__ import annotations

import functools
import math
import os
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from corpus.model import GeneratedDoc, Line, RenderedDoc

MM_PER_INCH = 25.4
A4_MM = (210.0, 297.0)
VIETNAMESE_PROBE = "ệữỗặđĐẾỦỹợẫựỞằẻ"

_LIB1 = "/usr/share/fonts/truetype/liberation"
_LIB2 = "/usr/share/fonts/truetype/liberation2"
_GYRE = "/usr/share/texmf/fonts/opentype/public/tex-gyre"
_FREE = "/usr/share/fonts/truetype/freefont"
_DEJA = "/usr/share/fonts/truetype/dejavu"

# name -> style -> candidate files (first existing wins)
FONTS: dict[str, dict[str, tuple[str, ...]]] = {
    "liberation": {
        s: (f"{_LIB2}/LiberationSerif-{f}.ttf", f"{_LIB1}/LiberationSerif-{f}.ttf")
        for s, f in (("regular", "Regular"), ("bold", "Bold"), ("italic", "Italic"), ("bolditalic", "BoldItalic"))
    },
    "termes": {
        s: (f"{_GYRE}/texgyretermes-{s}.otf",) for s in ("regular", "bold", "italic", "bolditalic")
    },
    "pagella": {
        s: (f"{_GYRE}/texgyrepagella-{s}.otf",) for s in ("regular", "bold", "italic", "bolditalic")
    },
    "schola": {
        s: (f"{_GYRE}/texgyreschola-{s}.otf",) for s in ("regular", "bold", "italic", "bolditalic")
    },
    "freeserif": {
        s: (f"{_FREE}/FreeSerif{f}.ttf",)
        for s, f in (("regular", ""), ("bold", "Bold"), ("italic", "Italic"), ("bolditalic", "BoldItalic"))
    },
    "dejavu-serif": {
        s: (f"{_DEJA}/DejaVuSerif{f}.ttf",)
        for s, f in (("regular", ""), ("bold", "-Bold"), ("italic", "-Italic"), ("bolditalic", "-BoldItalic"))
    },
    # FreeMono Regular is a hairline; a ribbon typewriter strikes heavy, and cannot embolden: Bold for all
    "typewriter": {
        s: (f"{_FREE}/FreeMono{f}.ttf",)
        for s, f in (("regular", "Bold"), ("bold", "Bold"), ("italic", "BoldOblique"), ("bolditalic", "BoldOblique"))
    },
}
DEFAULT_FONT = "termes"
# fonts reportlab can embed (TrueType outlines); TeX Gyre fonts are CFF .otf
PDF_FONTS = ("freeserif", "dejavu-serif", "typewriter", "liberation")


def font_files(name: str) -> dict[str, str]:
    """style ("regular"/"bold"/"italic"/"bolditalic") -> existing font file of a registered font name."""
    if name not in FONTS:
        raise ValueError(f"unknown font {name!r}; known: {sorted(FONTS)}")
    out = {}
    for style, candidates in FONTS[name].items():
        found = next((p for p in candidates if os.path.exists(p)), None)
        if found is None:
            raise ValueError(f"font {name!r} ({style}) is not installed: {candidates[0]}")
        out[style] = found
    return out


@functools.lru_cache(maxsize=None)
def _file_covers(path: str, chars: str) -> bool:
    font = ImageFont.truetype(path, 40, layout_engine=ImageFont.Layout.BASIC)
    notdef = bytes(font.getmask("\ue000"))
    return all(bytes(font.getmask(ch)) != notdef for ch in chars)


def font_supports_vietnamese(name: str) -> bool:
    """True when every style of the font is installed and has precomposed Vietnamese letters."""
    try:
        files = font_files(name)
    except ValueError:
        return False
    return all(_file_covers(p, VIETNAMESE_PROBE) for p in files.values())


def available_fonts(*, pdf: bool = False) -> list[str]:
    """Registered fonts that are installed and render Vietnamese (for reportlab: TrueType only)."""
    names = [n for n in FONTS if font_supports_vietnamese(n)]
    if pdf:
        names = [n for n in names if n in PDF_FONTS and all(p.endswith(".ttf") for p in font_files(n).values())]
    return names


def a4_pixels(dpi: int) -> tuple[int, int]:
    return round(A4_MM[0] / MM_PER_INCH * dpi), round(A4_MM[1] / MM_PER_INCH * dpi)


# ---------------------------------------------------------------- layout


@dataclass
class Run:
    """One drawn line: words with their x positions (px, left edge) on a common baseline."""

    text: str
    words: list[tuple[str, float]]
    baseline: float
    style: str
    size_px: float
    underline: bool = False
    column: str = "full"
    width: float = 0.0


@dataclass
class PageLayout:
    runs: list[Run] = field(default_factory=list)
    text_lines: list[str] = field(default_factory=list)  # raster reading order
    pdf_lines: list[str] = field(default_factory=list)  # pdfplumber row order


@dataclass
class Layout:
    doc: GeneratedDoc
    font: str
    size_pt: float
    dpi: int
    width: int
    height: int
    pages: list[PageLayout]
    typewriter: bool = False

    @property
    def page_texts(self) -> list[str]:
        return ["\n".join(p.text_lines) for p in self.pages]

    @property
    def pdf_page_texts(self) -> list[str]:
        return ["\n".join(p.pdf_lines) for p in self.pages]


class _Fonts:
    """Per-call cache of Pillow fonts by (style, pixel size)."""

    def __init__(self, name: str):
        self.files = font_files(name)
        self._cache: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}

    def get(self, style: str, size_px: float) -> ImageFont.FreeTypeFont:
        key = (style, max(4, round(size_px)))
        if key not in self._cache:
            self._cache[key] = ImageFont.truetype(
                self.files[style], key[1], layout_engine=ImageFont.Layout.BASIC
            )
        return self._cache[key]


def _style(line: Line) -> str:
    return {(False, False): "regular", (True, False): "bold", (False, True): "italic", (True, True): "bolditalic"}[
        (bool(line.bold), bool(line.italic))
    ]


def wrap_words(words: list[str], widths: list[float], space: float, width: float,
               indent: float = 0.0) -> list[list[int]]:
    """Greedy wrap: indices of the words on each line; the first line is `indent` shorter."""
    lines: list[list[int]] = []
    cur: list[int] = []
    cur_w = 0.0
    avail = width - indent
    for i, w in enumerate(widths):
        add = w if not cur else cur_w + space + w
        if cur and add > avail:
            lines.append(cur)
            cur, cur_w = [i], w
            avail = width
        else:
            cur.append(i)
            cur_w = add
    if cur:
        lines.append(cur)
    return lines


def _place_line(words: list[str], widths: list[float], space: float, x0: float, width: float, align: str,
                last: bool) -> tuple[list[tuple[str, float]], float]:
    natural = sum(widths) + space * (len(words) - 1)
    gap = space
    if align == "justify" and not last and len(words) > 1:
        gap = space + (width - natural) / (len(words) - 1)
        gap = min(gap, space * 4)  # a very loose line stays ragged rather than absurd
        start = x0
    elif align == "center":
        start = x0 + (width - natural) / 2
    elif align == "right":
        start = x0 + width - natural
    else:
        start = x0
    out = []
    x = start
    for w_text, w in zip(words, widths):
        out.append((w_text, x))
        x += w + gap
    return out, x - gap - start


def _wrap_line(line: Line, fonts: _Fonts, body_px: float, x0: float, width: float, typewriter: bool,
               px_per_cm: float) -> list[tuple[list[tuple[str, float]], float, float, str]]:
    """Wrapped rows of one Line: (placed words, font px, drawn width, text)."""
    text = unicodedata.normalize("NFC", line.text)
    words = text.split()
    if not words:
        return []
    size_px = body_px * (line.size or 1.0)
    font = fonts.get(_style(line), size_px)
    widths = [font.getlength(w) for w in words]
    space = font.getlength(" ")
    indent = max(0.0, line.indent) * px_per_cm
    align = line.align
    if typewriter and align == "justify":
        align = "left"
    rows = wrap_words(words, widths, space, width, indent)
    out = []
    for k, idx in enumerate(rows):
        ws = [words[i] for i in idx]
        wd = [widths[i] for i in idx]
        first_indent = indent if (k == 0 and align in ("left", "justify")) else 0.0
        placed, drawn = _place_line(ws, wd, space, x0 + first_indent, width - first_indent, align, k == len(rows) - 1)
        out.append((placed, size_px, drawn, " ".join(ws)))
    return out


def _column_rows(lines: list[Line], fonts: _Fonts, body_px: float, x0: float, width: float, typewriter: bool,
                 px_per_cm: float) -> list:
    """Rows of one column of a two-column block: (wrapped row, Line), or None for a blank row.

    A line's space_before inside a column becomes whole blank rows (rows of both columns stay aligned, so a
    PDF text layer reads each row as "left right")."""
    rows: list = []
    for n, ln in enumerate(lines):
        if n > 0:
            rows.extend([None] * math.floor(max(0.0, ln.space_before) + 0.5))
        wrapped = _wrap_line(ln, fonts, body_px, x0, width, typewriter, px_per_cm)
        if not wrapped:
            rows.append(None)
        rows.extend((row, ln) for row in wrapped)
    return rows


def layout_doc(doc: GeneratedDoc, *, font: str = DEFAULT_FONT, size_pt: float = 13, dpi: int = 300,
               rng: random.Random) -> Layout:
    """Place every line of `doc` on A4 pages at `dpi`. Margins, line spacing and page numbers come from rng."""
    if not font_supports_vietnamese(font):
        raise ValueError(f"font {font!r} is not installed or cannot draw Vietnamese; use one of {available_fonts()}")
    fonts = _Fonts(font)
    typewriter = font == "typewriter"
    W, H = a4_pixels(dpi)
    px_per_cm = dpi / 2.54
    ml = rng.uniform(2.0, 3.0) * px_per_cm
    mr = rng.uniform(1.5, 2.0) * px_per_cm
    mt = rng.uniform(1.5, 2.2) * px_per_cm
    mb = rng.uniform(1.5, 2.2) * px_per_cm
    spacing = rng.uniform(1.15, 1.5)
    numbering = rng.choices(["none", "top", "bottom"], weights=[4, 4, 2])[0]
    body_px = size_pt * dpi / 72.0
    tw = W - ml - mr

    pages: list[PageLayout] = [PageLayout()]
    y = mt
    bottom = H - mb

    def new_page() -> None:
        nonlocal y
        pages.append(PageLayout())
        y = mt

    def baseline_for(top: float, lh: float, px: float) -> float:
        return top + (lh - px) / 2 + 0.82 * px

    lines = list(doc.lines)
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.column in ("left", "right"):
            j = i
            while j < len(lines) and lines[j].column in ("left", "right"):
                j += 1
            block = lines[i:j]
            i = j
            left = [ln for ln in block if ln.column == "left"]
            right = [ln for ln in block if ln.column == "right"]
            gap = 0.3 * px_per_cm

            def natural(ln: Line) -> float:
                f = fonts.get(_style(ln), body_px * (ln.size or 1.0))
                return f.getlength(unicodedata.normalize("NFC", " ".join(ln.text.split())))

            rw = max([natural(ln) for ln in right] or [0.0]) + 0.4 * px_per_cm
            rw = min(max(rw, 0.5 * tw), 0.62 * tw)
            lw = tw - rw - gap
            lrows = _column_rows(left, fonts, body_px, ml, lw, typewriter, px_per_cm)
            rrows = _column_rows(right, fonts, body_px, ml + lw + gap, rw, typewriter, px_per_cm)
            nrows = max(len(lrows), len(rrows))
            lrows += [None] * (nrows - len(lrows))
            rrows += [None] * (nrows - len(rrows))
            heights = []
            for k in range(nrows):
                pxs = [r[0][1] for r in (lrows[k], rrows[k]) if r is not None]
                heights.append((max(pxs) if pxs else body_px) * spacing)
            firsts = [col[0].space_before for col in (left, right) if col]
            if y > mt:
                y += max(firsts or [0.0]) * body_px * spacing
            if y + sum(heights) > bottom and y > mt:
                new_page()
            left_texts: list[str] = []
            right_texts: list[str] = []

            def flush() -> None:
                pages[-1].text_lines.extend(left_texts + right_texts)
                left_texts.clear()
                right_texts.clear()

            for k in range(nrows):
                if y + heights[k] > bottom and y > mt:  # a block taller than a page: break between rows
                    flush()
                    new_page()
                page = pages[-1]
                pxmax = heights[k] / spacing
                bl = baseline_for(y, heights[k], pxmax)
                row_txt = []
                for r, col, acc in ((lrows[k], "left", left_texts), (rrows[k], "right", right_texts)):
                    if r is not None:
                        (placed, px, drawn, txt), ln = r
                        page.runs.append(Run(txt, placed, bl, _style(ln), px, ln.underline, col, drawn))
                        acc.append(txt)
                        row_txt.append(txt)
                if row_txt:
                    page.pdf_lines.append(" ".join(row_txt))
                y += heights[k]
            flush()
            continue

        i += 1
        size_px = body_px * (line.size or 1.0)
        lh = size_px * spacing
        rows = _wrap_line(line, fonts, body_px, ml, tw, typewriter, px_per_cm)
        if y > mt:
            y += line.space_before * body_px * spacing
        if not rows:  # an empty line is vertical space
            y += lh
            continue
        for placed, px, drawn, txt in rows:
            if y + lh > bottom and y > mt:
                new_page()
            page = pages[-1]
            page.runs.append(Run(txt, placed, baseline_for(y, lh, px), _style(line), px, line.underline, "full", drawn))
            page.text_lines.append(txt)
            page.pdf_lines.append(txt)
            y += lh

    if pages and not pages[-1].runs and len(pages) > 1:
        pages.pop()
    if numbering != "none" and len(pages) > 1:
        num_px = body_px * 0.9
        f = fonts.get("regular", num_px)
        for n, page in enumerate(pages, start=1):
            if numbering == "top" and n == 1:
                continue
            txt = str(n)
            w = f.getlength(txt)
            x = ml + (tw - w) / 2
            if numbering == "top":
                bl = mt * 0.55
                page.runs.insert(0, Run(txt, [(txt, x)], bl, "regular", num_px, False, "full", w))
                page.text_lines.insert(0, txt)
                page.pdf_lines.insert(0, txt)
            else:
                bl = H - mb * 0.45
                page.runs.append(Run(txt, [(txt, x)], bl, "regular", num_px, False, "full", w))
                page.text_lines.append(txt)
                page.pdf_lines.append(txt)
    return Layout(doc, font, size_pt, dpi, W, H, pages, typewriter)


# ---------------------------------------------------------------- raster


def _draw_typewriter_word(draw: ImageDraw.ImageDraw, font: ImageFont.FreeTypeFont, word: str, x: float, y: float,
                          rng: random.Random, jitter: float) -> None:
    for ch in word:
        ink = rng.choice((0, 0, 0, 15, 30, 50)) if rng.random() > 0.03 else rng.randint(80, 120)
        draw.text((x, y + rng.gauss(0.0, jitter)), ch, font=font, fill=ink, anchor="ls")
        x += font.getlength(ch)


def raster(layout: Layout, rng: random.Random) -> list[np.ndarray]:
    """Draw a layout as gray uint8 pages (white paper, black ink)."""
    fonts = _Fonts(layout.font)
    out = []
    jitter = 0.45 * layout.dpi / 300
    for page in layout.pages:
        im = Image.new("L", (layout.width, layout.height), 255)
        d = ImageDraw.Draw(im)
        for run in page.runs:
            f = fonts.get(run.style, run.size_px)
            line_jitter = rng.gauss(0.0, jitter) if layout.typewriter else 0.0
            for word, x in run.words:
                if layout.typewriter:
                    _draw_typewriter_word(d, f, word, x, run.baseline + line_jitter, rng, jitter)
                else:
                    d.text((x, run.baseline), word, font=f, fill=0, anchor="ls")
            if run.underline and run.words:
                x0 = run.words[0][1]
                x1 = x0 + run.width
                if run.column != "full":  # header convention: a short rule under the middle of the text
                    cut = (x1 - x0) * 0.2
                    x0, x1 = x0 + cut, x1 - cut
                uy = run.baseline + (0.3 if run.column != "full" else 0.15) * run.size_px
                d.line([(x0, uy), (x1, uy)], fill=0, width=max(1, round(run.size_px * 0.06)))
        out.append(np.asarray(im, dtype=np.uint8).copy())
    return out


def render(doc: GeneratedDoc, *, font: str = DEFAULT_FONT, size_pt: float = 13, dpi: int = 300,
           rng: random.Random) -> RenderedDoc:
    """Render `doc` to gray uint8 A4 pages at `dpi`, with the text drawn on each page as truth."""
    layout = layout_doc(doc, font=font, size_pt=size_pt, dpi=dpi, rng=rng)
    pages = raster(layout, rng)
    return RenderedDoc(doc=doc, pages=pages, page_texts=layout.page_texts, dpi=dpi, font=font)


def render_with_layout(doc: GeneratedDoc, *, font: str = DEFAULT_FONT, size_pt: float = 13, dpi: int = 300,
                       rng: random.Random) -> tuple[RenderedDoc, Layout]:
    """Like render(), and also the layout (line positions: where signature names were drawn, PDF text)."""
    layout = layout_doc(doc, font=font, size_pt=size_pt, dpi=dpi, rng=rng)
    pages = raster(layout, rng)
    return RenderedDoc(doc=doc, pages=pages, page_texts=layout.page_texts, dpi=dpi, font=font), layout


def find_line_boxes(layout: Layout, page: int, text: str) -> list[tuple[float, float, float, float]]:
    """Pixel boxes (x0, y0, x1, y1) of drawn lines on `page` (0-based) whose text contains `text`."""
    out = []
    needle = unicodedata.normalize("NFC", text).casefold()
    for run in layout.pages[page].runs:
        if needle and needle in run.text.casefold() and run.words:
            x0 = run.words[0][1]
            out.append((x0, run.baseline - 0.8 * run.size_px, x0 + run.width, run.baseline + 0.25 * run.size_px))
    return out


# ---------------------------------------------------------------- PDF (born-digital)


def _pdf_font_name(path: str) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = "donthu-" + Path(path).stem
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, path))
    return name


def write_layout_pdf(layout: Layout, path: str | os.PathLike, pages: list[int] | None = None) -> list[str]:
    """Draw (some) pages of a layout as a born-digital PDF with embedded TrueType fonts.

    Returns the page texts as pdfplumber reads them (two-column rows joined as "left right").
    """
    from reportlab.pdfgen import canvas

    files = font_files(layout.font)
    if not all(p.endswith(".ttf") for p in files.values()):
        raise ValueError(f"font {layout.font!r} is not TrueType; reportlab can embed only {PDF_FONTS}")
    k = 72.0 / layout.dpi
    wpt, hpt = layout.width * k, layout.height * k
    c = canvas.Canvas(str(path), pagesize=(wpt, hpt), pageCompression=1, invariant=1)
    c.setTitle(layout.doc.doc_id)
    sel = list(range(len(layout.pages))) if pages is None else pages
    for n in sel:
        page = layout.pages[n]
        for run in page.runs:
            name = _pdf_font_name(files[run.style])
            size = run.size_px * k
            c.setFont(name, size)
            for w_i, (word, x) in enumerate(run.words):
                last = w_i == len(run.words) - 1
                c.drawString(x * k, hpt - run.baseline * k, word if last else word + " ")
            if run.underline and run.words:
                x0 = run.words[0][1]
                x1 = x0 + run.width
                cut = (x1 - x0) * 0.2 if run.column != "full" else 0.0
                uy = hpt - (run.baseline + (0.3 if run.column != "full" else 0.15) * run.size_px) * k
                c.setLineWidth(max(0.5, size * 0.06))
                c.line((x0 + cut) * k, uy, (x1 - cut) * k, uy)
        c.showPage()
    c.save()
    return [layout.pdf_page_texts[n] for n in sel]


def render_pdf(doc: GeneratedDoc, path: str | os.PathLike, font: str = "freeserif", size_pt: float = 13, *,
               rng: random.Random | None = None) -> list[str]:
    """Write `doc` as a born-digital PDF; returns the page texts its text layer extracts to (pdfplumber)."""
    layout = layout_doc(doc, font=font, size_pt=size_pt, dpi=300, rng=rng or random.Random(0))
    return write_layout_pdf(layout, path)


# ---------------------------------------------------------------- a hand-written sample (tests, OCR work)

_SAMPLE_BODY = [
    "Tôi tên là Nguyễn Văn Hùng, sinh năm 1968, số căn cước công dân 089068001234, thường trú tại ấp Mỹ Hòa, "
    "xã Mỹ Hội Đông, huyện Chợ Mới, tỉnh An Giang.",
    "Nay tôi làm đơn này khiếu nại Quyết định số 1234/QĐ-UBND ngày 15 tháng 6 năm 2020 của Ủy ban nhân dân "
    "huyện Chợ Mới về việc thu hồi đất để thực hiện dự án mở rộng đường tỉnh 942.",
    "Gia đình tôi đang sử dụng thửa đất số 45, tờ bản đồ số 12, diện tích 1.234,5 m², loại đất trồng lúa (LUC), "
    "đã được cấp Giấy chứng nhận quyền sử dụng đất số CH 01234 ngày 05 tháng 3 năm 2015.",
    "Việc bồi thường, hỗ trợ theo phương án đã được phê duyệt chưa phù hợp với giá đất thực tế tại địa phương, "
    "gây thiệt hại lớn đến quyền và lợi ích hợp pháp của gia đình tôi.",
    "Căn cứ Luật Khiếu nại năm 2011 và Nghị định số 124/2020/NĐ-CP ngày 19 tháng 10 năm 2020 của Chính phủ, "
    "tôi kính đề nghị Chủ tịch Ủy ban nhân dân huyện xem xét lại toàn bộ nội dung nêu trên.",
    "Đề nghị cơ quan có thẩm quyền tổ chức đối thoại, xác minh hiện trạng sử dụng đất, đo đạc lại ranh giới "
    "thửa đất và giải quyết dứt điểm để gia đình tôi ổn định cuộc sống, yên tâm sản xuất.",
]


def sample_doc(paragraphs: int = 6, doc_id: str = "sample-0001") -> GeneratedDoc:
    """A hand-written complaint letter (header block, motto, title, body, signature) for tests."""
    body = [Line(_SAMPLE_BODY[k % len(_SAMPLE_BODY)], align="justify", indent=1.0) for k in range(paragraphs)]
    lines = [
        Line("ỦY BAN NHÂN DÂN", align="center", bold=False, column="left", size=0.95),
        Line("XÃ MỸ HỘI ĐÔNG", align="center", bold=True, column="left", size=0.95, underline=True),
        Line("Số: 12/TB-UBND", align="center", column="left", size=0.95, space_before=0.3),
        Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="center", bold=True, column="right", size=0.95),
        Line("Độc lập - Tự do - Hạnh phúc", align="center", bold=True, column="right", underline=True),
        Line("Chợ Mới, ngày 05 tháng 3 năm 2021", align="right", italic=True, space_before=0.5),
        Line("ĐƠN KHIẾU NẠI", align="center", bold=True, size=1.1, space_before=1.0),
        Line("Kính gửi: Chủ tịch Ủy ban nhân dân huyện Chợ Mới", align="center", space_before=0.5),
        *body,
        Line("Tôi xin chân thành cảm ơn.", align="left", indent=1.0),
        Line("NGƯỜI LÀM ĐƠN", align="right", bold=True, space_before=0.8),
        Line("Nguyễn Văn Hùng", align="right", bold=True, space_before=3.0),
    ]
    return GeneratedDoc(
        doc_id=doc_id, family="complaint_letter", kind="petition", type="complaint", title_names_type=True,
        lines=lines, date="2021-03-05", signature_names=["Nguyễn Văn Hùng"],
    )


# ---------------------------------------------------------------- real captures (issue 13, item 6)

_FILL_NUMBER = __import__("re").compile(r"^(\d+)/")


def fill_in_boxes(layout: Layout, page: int) -> list[tuple[tuple[float, float, float, float], str]]:
    """Where a clerk writes by hand on a printed form: the number of `Số: 123/UBND-TNMT` (before the "/"), the day
    and month of a `…, ngày 05 tháng 3 năm 2021` (or `Ngày …`) place-date line, and the number after `Số vào sổ`.
    Returns (pixel box, text) per field; the page text already holds these characters (truth unchanged)."""
    fonts = _Fonts(layout.font)
    out: list[tuple[tuple[float, float, float, float], str]] = []

    def add(run: Run, k: int, text: str) -> None:
        word, x = run.words[k]
        f = fonts.get(run.style, run.size_px)
        out.append(((x, run.baseline - 0.75 * run.size_px, x + f.getlength(text), run.baseline + 0.12 * run.size_px),
                    text))

    dated = False
    for run in layout.pages[page].runs:
        words = [w for w, _ in run.words]
        if words and words[0] in ("Số:", "Số") and len(words) >= 2:
            m = _FILL_NUMBER.match(words[1])
            if m:
                add(run, 1, m.group(1))
        if words[:3] == ["Số", "vào", "sổ"] and words[-1].isdigit():
            add(run, len(words) - 1, words[-1])
        if not dated:
            for k, w in enumerate(words[:-3]):
                if w.lower() == "ngày" and words[k + 1].isdigit() and words[k + 2] == "tháng" \
                        and words[k + 3].isdigit() and (k == 0 or words[k - 1].endswith(",")):
                    add(run, k + 1, words[k + 1])
                    add(run, k + 3, words[k + 3])
                    dated = True
                    break
    return out


# scanner OCR without Vietnamese: what became of letters outside Windows-1252 in the real text layer
# (../shared/real-scans/congvan_colour200_scanner_textlayer.pdf: "CONG HOA xA HQI CilU NGHIA VIT NAM",
# "Dc Ip - Tir do - Hnh phiic", "sf3", "ThuOrig", "Hi nghj")
_CONFUSIONS = {"ố": "f3", "ổ": "f3", "ế": "f3", "Ộ": "Q", "ộ": "Q", "ự": "ir", "ư": "ir", "ị": "j", "Ủ": "ilU",
               "ờ": "Or", "ườ": "uOr", "ạ": "a", "ậ": "u", "ú": "ii", "ề": "e"}
_ASCII_CONFUSIONS = {"l": "1", "n": "ri", "h": "li", "H": "II", "u": "ii", "m": "rn", "I": "l", "o": "0"}


def mis_encode(text: str, rng: random.Random) -> str:
    """`text` as a scanner's OCR without Vietnamese writes it in a PDF text layer: Windows-1252 characters only;
    letters with Vietnamese marks dropped, stripped to their base letter, given another accent or confused
    with look-alike strings; a few plain letters confused too. Deterministic for `rng`."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch.isascii():
            if ch in _ASCII_CONFUSIONS and rng.random() < 0.03:
                out.append(_ASCII_CONFUSIONS[ch])
            else:
                out.append(ch)
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        if ch in "đĐ":
            base = "d" if ch == "đ" else "D"
        try:
            ch.encode("cp1252")
            latin1 = True
        except UnicodeEncodeError:
            latin1 = False
        r = rng.random()
        if latin1 and r < 0.5:
            out.append(ch)
        elif ch in _CONFUSIONS and r < 0.25:
            out.append(_CONFUSIONS[ch])
        elif r < 0.55 and ch not in "đĐ":
            out.append("")  # dropped
        elif r < 0.8 and base.lower() in "aeiou":
            alt = {"a": "àáâäã", "e": "èéêë", "i": "ìíîï", "o": "òóôöõ", "u": "ùúûü"}[base.lower()]
            c = rng.choice(alt)
            out.append(c.upper() if base.isupper() else c)
        else:
            out.append(base if base.isascii() else "?")
    return "".join(out).encode("cp1252", errors="replace").decode("cp1252")


def write_scanner_pdf(layout: Layout, images: list[np.ndarray], path: str | os.PathLike, dpi: int,
                      rng: random.Random, *, quality: int = 80) -> list[str]:
    """A scanner's searchable PDF: each page image (JPEG) with an invisible text layer (render mode 3, standard
    Type 1 fonts in WinAnsi, not embedded, like the real one) whose text is the page's words `mis_encode`d at
    their drawn positions. Returns the text-layer words per page (space-joined lines), for tests; the page's
    truth stays the drawn text (the layer must be judged, not trusted)."""
    import io

    import cv2
    from reportlab import rl_config
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    k = 72.0 / dpi
    wpt, hpt = layout.width * k, layout.height * k
    c = canvas.Canvas(str(path), pagesize=(wpt, hpt), pageCompression=1, invariant=1)
    c.setTitle(layout.doc.doc_id)
    texts = []
    a85, rl_config.useA85 = rl_config.useA85, 0  # JPEG streams as a scanner writes them, not ASCII85-wrapped
    try:
        for page, image in zip(layout.pages, images):
            _, jpg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
            c.drawImage(ImageReader(io.BytesIO(jpg.tobytes())), 0, 0, width=wpt, height=hpt)
            lines = []
            t = c.beginText()
            t.setTextRenderMode(3)
            for run in page.runs:
                font = "Times-Bold" if "bold" in run.style else "Times-Roman"
                t.setFont(font, run.size_px * k)
                got = []
                for word, x in run.words:
                    g = mis_encode(word, rng)
                    if not g:
                        continue
                    t.setTextOrigin(x * k, hpt - run.baseline * k)
                    t.textOut(g + " ")
                    got.append(g)
                lines.append(" ".join(got))
            c.drawText(t)
            texts.append("\n".join(lines))
            c.showPage()
        c.save()
    finally:
        rl_config.useA85 = a85
    return texts


def landcert_doc(rng: random.Random, doc_id: str = "gcn-0001") -> GeneratedDoc:
    """A page of a land-use certificate (Giấy chứng nhận quyền sử dụng đất, Luật Đất đai 2013 Điều 97) in its
    label–value layout (`Thửa đất số: 45; Tờ bản đồ số: 12`, `Diện tích: 1.234,5 m²`, `Mục đích sử dụng: …`),
    with values drawn by corpus.content (gazetteer, names, land) and the truth in corpus.content's conventions:
    kind "other", type "unknown"; the holder is a `related` party (name, id number, address as written); one
    parcel with area and land use (written in its own block); date = the signing date; no references."""
    import datetime as dt

    from corpus.content import land, names
    from corpus.content.dates import fmt_long, number_words
    from corpus.content.gazetteer import random_place

    place = random_place(rng)
    holder = names.random_person(rng, place=place, ref_year=2020)
    parcel = land.random_parcel(rng, place)
    signed = dt.date(rng.randint(2010, 2020), rng.randint(1, 12), rng.randint(1, 28))
    signer, _ = names.official_name(rng)
    area = land.fmt_number_vn(parcel.area_m2)
    unit = rng.choice(["m²", "m2"])
    use_name = rng.choice(land.LAND_USES[parcel.land_use])
    use_name = use_name[0].upper() + use_name[1:]
    use = rng.choice([use_name, f"{use_name} ({parcel.land_use})"])
    hon = "Ông" if holder.male else "Bà"
    id_label = "CCCD số" if holder.id_kind == "CCCD" else "CMND số"
    area_words = ""
    if parcel.area_m2 == int(parcel.area_m2) and rng.random() < 0.5:
        area_words = f" (Bằng chữ: {number_words(int(parcel.area_m2))} mét vuông)"
    sheet_first = rng.random() < 0.3
    pair = (f"Tờ bản đồ số: {parcel.map_sheet}; Thửa đất số: {parcel.parcel_no}" if sheet_first
            else f"Thửa đất số: {parcel.parcel_no}; Tờ bản đồ số: {parcel.map_sheet}")
    district_up = f"{place.district_level} {place.district}".upper()
    L = Line
    lines = [
        L("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="center", bold=True),
        L("Độc lập - Tự do - Hạnh phúc", align="center", bold=True, underline=True),
        L("GIẤY CHỨNG NHẬN", align="center", bold=True, size=1.3, space_before=0.8),
        L("QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT", align="center", bold=True,
          size=0.95),
        L("I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất", bold=True, space_before=0.8),
        L(f"{hon}: {holder.name}, năm sinh: {holder.birth_year}", indent=0.5),
        L(f"{id_label}: {holder.id_number}", indent=0.5),
        L(f"Địa chỉ thường trú: {holder.address}", indent=0.5),
        L("II. Thửa đất, nhà ở và tài sản khác gắn liền với đất", bold=True, space_before=0.6),
        L("1. Thửa đất:", bold=True),
        L(f"a) {pair};", indent=0.5),
        L(f"b) Địa chỉ: {place.full()};", indent=0.5),
        L(f"c) Diện tích: {area} {unit}{area_words};", indent=0.5),
        L("d) Hình thức sử dụng: " + rng.choice(["Sử dụng riêng", "riêng", "Sử dụng chung"]) + ";", indent=0.5),
        L(f"đ) Mục đích sử dụng: {use};", indent=0.5),
        L("e) Thời hạn sử dụng: " + rng.choice(["Lâu dài", f"đến năm {signed.year + 50}"]) + ";", indent=0.5),
        L("g) Nguồn gốc sử dụng: " + rng.choice(["Nhà nước công nhận quyền sử dụng đất",
                                                   "Nhận chuyển nhượng đất được công nhận quyền sử dụng đất",
                                                   "Công nhận QSDĐ như giao đất không thu tiền sử dụng đất"]) + ".",
          indent=0.5),
        L("2. Nhà ở: -/-", bold=True),
        L("3. Công trình xây dựng khác: -/-", bold=True),
        L("4. Ghi chú: -/-", bold=True),
        L(f"{place.district}, {fmt_long(signed)}", align="right", italic=True, space_before=0.8),
        L(f"TM. ỦY BAN NHÂN DÂN {district_up}", align="right", bold=True),
        L("KT. CHỦ TỊCH", align="right", bold=True),
        L("PHÓ CHỦ TỊCH", align="right", bold=True),
        L(signer, align="right", bold=True, space_before=2.5),
        L(f"Số vào sổ cấp GCN: {rng.randint(100, 99999):05d}", space_before=0.8),
    ]
    parties = [{"name": holder.name, "role": "related", "id_number": holder.id_number,
                "address": unicodedata.normalize("NFC", holder.address)}]
    parcels = [land.parcel_truth(parcel, area=True, land_use=True)]
    return GeneratedDoc(doc_id=doc_id, family="land_certificate", kind="other", type="unknown",
                        title_names_type=False, lines=lines, parties=parties, parcels=parcels,
                        date=signed.isoformat(), signature_names=[signer])


def landcert_docs(n: int, seed: int) -> list[GeneratedDoc]:
    """n land-use certificate pages, deterministic for `seed` (ids `gcn{seed}-{i:05d}`)."""
    return [landcert_doc(random.Random(f"donthu-landcert:{seed}:{i}"), doc_id=f"gcn{seed}-{i:05d}") for i in range(n)]
