"""Precision and recall of the handwriting detector (ocr.handwriting) on real pages and generated pages,
reported separately.

    python bench/handwriting.py                         # real pages + generated (printed every level, hand)
    python bench/handwriting.py --real-only
    python bench/handwriting.py --seeds 0 1 2 --hand 24

Real pages: every image in ../shared/real-scans; handwritten_*.jpg are handwritten, every other page is
printed (some with handwritten fill-ins, which the detector must not call a handwritten page).
Generated printed pages: corpus.render.sample_doc() rendered and degraded with corpus.degrade.degrade_page()
at every level of degrade.ALL_LEVELS (with a signature and a stamp on every other page; on the capture levels
the number and the date written in by hand, corpus.render.fill_in_boxes).
Generated handwriting: the same text written with one of Debian's handwriting fonts (`HAND_FONTS`; none has
Vietnamese glyphs, so base letters come from the font and the tone and vowel marks are drawn as pen strokes
above and below them), with a wandering baseline, size and slant jitter, blue or black ink, on plain, lined or
grid paper, optionally photographed (uneven light, blur, JPEG). Each page goes through the real OCR path
(ocr.page.ocr_page) and then ocr.handwriting.judge, as in ingest.pipeline.read_page.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
import unicodedata
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus import degrade, render  # noqa: E402
from donthu.config import Settings  # noqa: E402
from donthu.types import PageImage  # noqa: E402
from ocr.handwriting import judge  # noqa: E402
from ocr.page import ocr_page  # noqa: E402

REAL = ROOT.parent / "shared" / "real-scans"
HAND_FONTS = (
    "/usr/share/fonts/opentype/dancingscript/DancingScript-Regular.otf",
    "/usr/share/fonts/truetype/kristi/Kristi.ttf",
    "/usr/share/fonts/opentype/kaushanscript/KaushanScript-Regular.otf",
    "/usr/share/fonts/truetype/ecolier-court/Ecolier-court.ttf",
    "/usr/share/fonts/opentype/comic-neue/ComicNeue-Regular.otf",
    "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf",
    "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf",
    "/usr/share/fonts/truetype/breip/Breip.ttf",
    "/usr/share/fonts/truetype/femkeklaver/femkeklaver.ttf",
    "/usr/share/fonts/truetype/rufscript/Rufscript010.ttf",
    "/usr/share/fonts/truetype/klee/KleeOne-Regular.ttf",
    "/usr/share/fonts/opentype/bwht/BecauseWeLearn-Regular.otf",
)
#: the Debian packages of HAND_FONTS (not needed to run or test donthu)
HAND_FONT_PACKAGES = ("fonts-dancingscript", "fonts-kristi", "fonts-kaushanscript", "fonts-ecolier-court",
                      "fonts-comic-neue", "fonts-humor-sans", "fonts-dkg-handwriting", "fonts-breip",
                      "fonts-femkeklaver", "fonts-rufscript", "fonts-klee", "fonts-bwht")
LEVELS = degrade.ALL_LEVELS
#: combining marks → how to draw them ("above" marks stack over the letter)
MARKS = {"\u0300": "grave", "\u0301": "acute", "\u0303": "tilde", "\u0309": "hook", "\u0323": "dot",
         "\u0302": "circumflex", "\u0306": "breve", "\u031b": "horn"}


def _draw_mark(draw: ImageDraw.ImageDraw, mark: str, box: tuple[float, float, float, float], level: int,
               width: int, ink: tuple[int, int, int], rng: random.Random) -> None:
    left, top, right, bottom = box
    cx, w = (left + right) / 2 + rng.uniform(-2, 2), max(6.0, (right - left) * 0.5)
    size = max(5.0, (bottom - top) * 0.22)
    y = top - 2 - level * size * 1.1 - size  # baseline of the mark above the letter
    if mark == "acute":
        draw.line([(cx - w * 0.2, y + size), (cx + w * 0.3, y)], fill=ink, width=width)
    elif mark == "grave":
        draw.line([(cx - w * 0.3, y), (cx + w * 0.2, y + size)], fill=ink, width=width)
    elif mark == "tilde":
        pts = [(cx - w * 0.5 + i * w / 8, y + size * 0.5 - math.sin(i / 8 * 2 * math.pi) * size * 0.4)
               for i in range(9)]
        draw.line(pts, fill=ink, width=width)
    elif mark == "hook":
        draw.arc([cx - size * 0.5, y, cx + size * 0.5, y + size], 180, 90, fill=ink, width=width)
    elif mark == "circumflex":
        draw.line([(cx - w * 0.4, y + size), (cx, y), (cx + w * 0.4, y + size)], fill=ink, width=width)
    elif mark == "breve":
        draw.arc([cx - w * 0.4, y - size * 0.4, cx + w * 0.4, y + size], 20, 160, fill=ink, width=width)
    elif mark == "dot":
        r = max(1.5, width * 0.9)
        by = bottom + size * 0.6
        draw.ellipse([cx - r, by - r, cx + r, by + r], fill=ink)
    elif mark == "horn":
        draw.arc([right - size * 0.4, top - size * 0.6, right + size * 0.6, top + size * 0.4], 180, 330,
                 fill=ink, width=width)


def render_handwriting(text: str, font_path: str, rng: random.Random, *, width: int = 1700,
                       height: int = 2340) -> np.ndarray:
    """A handwriting-like page (BGR) of `text`; see the module docstring."""
    paper = rng.choice(["plain", "lined", "grid"])
    tone = rng.randint(225, 250)
    image = Image.new("RGB", (width, height), (tone, tone, max(0, tone - rng.randint(0, 12))))
    draw = ImageDraw.Draw(image)
    size = rng.randint(38, 58)
    line_gap = int(size * rng.uniform(1.5, 1.9))
    if paper != "plain":
        rule = (rng.randint(150, 200), rng.randint(170, 210), rng.randint(200, 235))
        for y in range(120, height, line_gap if paper == "lined" else line_gap // 2):
            draw.line([(0, y), (width, y)], fill=rule, width=1)
        if paper == "grid":
            for x in range(0, width, line_gap // 2):
                draw.line([(x, 0), (x, height)], fill=rule, width=1)
    ink = rng.choice([(20, 20, 25), (20, 40, 150), (40, 30, 120)])  # RGB: black, blue, violet
    font = ImageFont.truetype(font_path, size)
    pen = max(2, size // 16)
    margin = rng.randint(90, 160)
    y = 120 - size * 0.8
    words = unicodedata.normalize("NFD", " ".join(text.split())).split(" ")
    x = margin + rng.randint(0, 80)
    drift = 0.0
    for word in words:
        advance = sum(font.getlength(c) for c in word if unicodedata.category(c) != "Mn") + size * 0.35
        if x + advance > width - margin:
            y += line_gap
            x = margin + rng.randint(-10, 30)
            drift = 0.0
            if y > height - 2 * line_gap:
                break
        for i, char in enumerate(word):
            if unicodedata.category(char) == "Mn":
                continue
            marks = []
            j = i + 1
            while j < len(word) and unicodedata.category(word[j]) == "Mn":
                marks.append(word[j])
                j += 1
            base = {"đ": "d", "Đ": "D"}.get(char, char)
            drift += rng.uniform(-0.6, 0.6)
            drift = max(-size * 0.15, min(size * 0.15, drift))
            top = y + drift
            draw.text((x, top), base, font=font, fill=ink)
            box = draw.textbbox((x, top), base, font=font)
            if char in "đĐ":
                mid = box[1] + (box[3] - box[1]) * 0.3
                draw.line([(box[0] + (box[2] - box[0]) * 0.3, mid), (box[2] + 3, mid)], fill=ink, width=pen)
            level = 0
            for mark in marks:
                kind = MARKS.get(mark)
                if kind is None:
                    continue
                _draw_mark(draw, kind, box, level if kind not in ("dot", "horn") else 0, pen, ink, rng)
                if kind in ("circumflex", "breve"):
                    level += 1
            x += font.getlength(base)
        x += size * rng.uniform(0.3, 0.5)
    page = cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)
    slant = rng.uniform(-0.08, 0.08)
    page = cv2.warpAffine(page, np.float32([[1, slant, -slant * height / 2], [0, 1, 0]]), (width, height),
                          borderValue=(tone, tone, tone))
    if rng.random() < 0.5:  # photographed: uneven light, blur, lower resolution, JPEG
        yy, xx = np.mgrid[0:height, 0:width]
        light = 1.0 - 0.25 * ((xx / width - rng.random()) ** 2 + (yy / height - rng.random()) ** 2)
        page = np.clip(page * light[..., None], 0, 255).astype(np.uint8)
        page = cv2.GaussianBlur(page, (3, 3), rng.uniform(0.5, 1.2))
        scale = rng.uniform(0.4, 0.7)
        page = cv2.resize(page, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        ok, data = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(55, 85)])
        page = cv2.imdecode(data, cv2.IMREAD_COLOR)
    return page


def printed_page(level: str, font: str, dpi: int, seed: int) -> tuple[np.ndarray, str]:
    """A generated printed page at `level`; on the capture levels its number and date are written by hand."""
    doc = render.sample_doc(paragraphs=6)
    rendered, layout = render.render_with_layout(doc, font=font, dpi=dpi, rng=random.Random(seed))
    ink = seed % 2 == 0
    fill_ins = render.fill_in_boxes(layout, 0) if level in degrade.CAPTURE_LEVELS else None
    image = degrade.degrade_page(rendered.pages[0], level, np.random.default_rng(seed * 1000 + dpi), dpi=dpi,
                                 signature=ink, stamp=ink, fill_ins=fill_ins)
    return image, rendered.page_texts[0]


def verdict(image: np.ndarray, dpi: float | None, settings: Settings):
    result = ocr_page(PageImage(number=1, source="ocr", image=image, dpi=dpi), settings)
    return judge(image, result.words)


def _score(rows: list[tuple[str, bool, bool]]) -> str:
    tp = sum(1 for _, truth, got in rows if truth and got)
    fp = sum(1 for _, truth, got in rows if not truth and got)
    fn = sum(1 for _, truth, got in rows if truth and not got)
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    return (f"{len(rows)} pages ({tp + fn} handwritten): precision {precision:.2f} ({tp}/{tp + fp}), "
            f"recall {recall:.2f} ({tp}/{tp + fn}), printed pages flagged {fp}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--real-only", action="store_true")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--fonts", nargs="+", default=["termes", "freeserif"])
    parser.add_argument("--hand", type=int, default=24, help="generated handwriting pages")
    parser.add_argument("--levels", nargs="+", default=list(LEVELS), help="printed levels (default: all)")
    parser.add_argument("--skip-real", action="store_true")
    args = parser.parse_args(argv)
    settings = Settings()

    real: list[tuple[str, bool, bool]] = []
    for path in [] if args.skip_real else sorted(REAL.iterdir()):
        if path.suffix.lower() not in (".jpg", ".png"):
            continue
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        start = time.perf_counter()
        found = verdict(image, None, settings)
        truth = path.name.startswith("handwritten_")
        real.append((path.name, truth, found.handwritten))
        got = "hand " if found.handwritten else "print"
        print(f"real  {path.name:40} truth {'hand ' if truth else 'print'} got {got}"
              f" {time.perf_counter() - start:5.1f}s  {found.note()}", flush=True)
    if args.real_only:
        print("real:", _score(real))
        return

    generated: list[tuple[str, bool, bool]] = []
    texts = []
    for level in args.levels:
        for font in args.fonts:
            for seed in args.seeds:
                dpi = 300 if seed % 2 == 0 else 200
                image, text = printed_page(level, font, dpi, seed)
                texts.append(text)
                found = verdict(image, dpi, settings)
                generated.append((f"{level}/{font}/{dpi}/{seed}", False, found.handwritten))
                print(f"print {level:10} {font:10} {dpi} {seed}  got {'hand ' if found.handwritten else 'print'}"
                      f"  {found.note()}", flush=True)
    fonts = [f for f in HAND_FONTS if Path(f).is_file()]
    if not fonts:
        sys.exit("no handwriting font installed; apt-get install " + " ".join(HAND_FONT_PACKAGES))
    rng = random.Random(2026)
    for i in range(args.hand):
        font = fonts[i % len(fonts)]
        image = render_handwriting(texts[i % len(texts)], font, rng)
        found = verdict(image, None, settings)
        generated.append((f"hand/{Path(font).stem}/{i}", True, found.handwritten))
        print(f"hand  {Path(font).stem:24} {i:3}  got {'hand ' if found.handwritten else 'print'}  {found.note()}",
              flush=True)
    print()
    print("real:     ", _score(real))
    print("generated:", _score(generated))
    printed_levels = {}
    for name, truth, got in generated:
        if not truth:
            printed_levels.setdefault(name.split("/")[0], []).append(got)
    print("generated printed pages flagged per level:",
          ", ".join(f"{k} {sum(v)}/{len(v)}" for k, v in printed_levels.items()))


if __name__ == "__main__":
    main()
