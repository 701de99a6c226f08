"""CER of the OCR pipeline (ocr.page.ocr_page) vs raw `tesseract IMG stdout -l vie` on the same generated page
images, per degradation level.

    python bench/ocr_levels.py                      # all levels, termes+freeserif, 300+200 dpi, 1 page each
    python bench/ocr_levels.py --levels heavy phone --fonts termes --dpis 300 --seeds 0 1

Pages: corpus.render.sample_doc() rendered with corpus.render.render(), degraded with
corpus.degrade.degrade_page() (red stamp + blue signature on every other page). Truth: the text the renderer
drew on the page. CER = Levenshtein distance / len(truth) after whitespace normalisation (both sides NFC).
MW ("missing words") is an order-free word error: the share of the truth's words absent from the output; it
does not charge the two-column header's reading order (~4.5 % CER on these pages, the same for both) to either.
Prints one row per page and a per-level summary (mean CER raw vs ours, mean confidence, seconds per step).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import cv2
import numpy as np
from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import degrade, render  # noqa: E402
from donthu.config import load_settings  # noqa: E402
from donthu.types import PageImage  # noqa: E402
from ocr.page import ocr_page  # noqa: E402

LEVELS = ("light", "heavy", "photocopy", "phone")


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def cer(truth: str, hypothesis: str) -> float:
    t = normalise(truth)
    return Levenshtein.distance(t, normalise(hypothesis)) / max(1, len(t))


def missing_words(truth: str, hypothesis: str) -> float:
    """Order-free word error: share of the truth's words (as a multiset) absent from the hypothesis.

    Unlike CER it does not charge reading-order differences (the two-column header) to either side."""
    want = Counter(normalise(truth).split())
    got = Counter(normalise(hypothesis).split())
    total = sum(want.values())
    return sum((want - got).values()) / max(1, total)


def raw_tesseract(image: np.ndarray, lang: str = "vie") -> tuple[str, float]:
    """The baseline: the tesseract CLI with default settings on the unprocessed image (written losslessly)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "page.png")
        cv2.imwrite(path, image)
        start = time.perf_counter()
        out = subprocess.run(["tesseract", path, "stdout", "-l", lang], capture_output=True, text=True, check=False)
        return out.stdout, time.perf_counter() - start


def degraded_pages(level: str, font: str, dpi: int, seed: int, paragraphs: int = 6):
    """Yield (image, truth) for the first page of the sample doc at `level`."""
    doc = render.sample_doc(paragraphs=paragraphs)
    rendered = render.render(doc, font=font, dpi=dpi, rng=random.Random(seed))
    rng = np.random.default_rng(seed * 1000 + dpi)
    ink = seed % 2 == 0
    image = degrade.degrade_page(rendered.pages[0], level, rng, dpi=dpi, signature=ink, stamp=ink)
    return image, rendered.page_texts[0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", nargs="+", default=list(LEVELS))
    parser.add_argument("--fonts", nargs="+", default=["termes", "freeserif"])
    parser.add_argument("--dpis", nargs="+", type=int, default=[300, 200])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--paragraphs", type=int, default=6)
    args = parser.parse_args(argv)

    settings = load_settings()
    summary: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    print(f"{'level':10} {'font':10} {'dpi':>4} {'seed':>4} {'raw CER':>8} {'ours CER':>8} {'raw MW':>7} {'ours MW':>7} "
          f"{'conf':>6} {'raw s':>6} {'ours s':>6}  notes")
    for level in args.levels:
        for font in args.fonts:
            for dpi in args.dpis:
                for seed in args.seeds:
                    image, truth = degraded_pages(level, font, dpi, seed, args.paragraphs)
                    raw_text, raw_seconds = raw_tesseract(image, settings.ocr_lang)
                    start = time.perf_counter()
                    result = ocr_page(PageImage(number=1, source="ocr", image=image, dpi=dpi), settings)
                    ours_seconds = time.perf_counter() - start
                    raw_cer, ours_cer = cer(truth, raw_text), cer(truth, result.text)
                    row = summary[level]
                    row["raw_mw"].append(missing_words(truth, raw_text))
                    row["ours_mw"].append(missing_words(truth, result.text))
                    row["raw"].append(raw_cer)
                    row["ours"].append(ours_cer)
                    row["conf"].append(result.confidence or 0.0)
                    row["raw_s"].append(raw_seconds)
                    row["ours_s"].append(ours_seconds)
                    for step, seconds in result.seconds.items():
                        row["step:" + step].append(seconds)
                    print(
                        f"{level:10} {font:10} {dpi:>4} {seed:>4} {raw_cer:8.4f} {ours_cer:8.4f} "
                        f"{row['raw_mw'][-1]:7.4f} {row['ours_mw'][-1]:7.4f} "
                        f"{(result.confidence or 0):6.1f} {raw_seconds:6.2f} {ours_seconds:6.2f}  "
                        f"{'; '.join(result.notes)}{'  ERROR ' + result.error if result.error else ''}",
                        flush=True,
                    )
    print()
    print(f"{'level':10} {'pages':>5} {'raw CER':>8} {'ours CER':>8} {'raw MW':>7} {'ours MW':>7} {'conf':>6} "
          f"{'raw s':>6} {'ours s':>6}")
    for level, row in summary.items():
        mean = {k: float(np.mean(v)) for k, v in row.items()}
        print(
            f"{level:10} {len(row['raw']):>5} {mean['raw']:8.4f} {mean['ours']:8.4f} {mean['raw_mw']:7.4f} "
            f"{mean['ours_mw']:7.4f} {mean['conf']:6.1f} "
            f"{mean['raw_s']:6.2f} {mean['ours_s']:6.2f}"
        )
    print()
    steps: dict[str, list[float]] = defaultdict(list)
    for row in summary.values():
        for key, values in row.items():
            if key.startswith("step:"):
                steps[key[5:]].extend(values)
    print("mean seconds per page per step: " + ", ".join(f"{k} {np.mean(v):.3f}" for k, v in steps.items()))


if __name__ == "__main__":
    main()
