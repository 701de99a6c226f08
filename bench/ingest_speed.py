"""Pages/s of `donthu ingest` on this machine, for scanned PDFs and for born-digital PDFs.

    python bench/ingest_speed.py [--docs 12] [--workers 2] [--seed 77]

Builds two folders from the corpus generator (scanned: 300 dpi, "light" scans, one JPEG per page;
born-digital: text-layer PDFs), then runs the real `donthu ingest` command on each into a fresh data dir
and prints wall time and pages/s (start-up of the worker pool included, as a user sees it).
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from corpus.content import generate_docs
from corpus.degrade import degrade_page
from corpus.render import render, render_pdf
from corpus.writers import write_scanned_pdf

LETTERS = ("complaint_letter", "denunciation_letter", "recommendation_letter", "land_dispute_letter")


def build(folder: Path, n: int, seed: int, digital: bool) -> int:
    folder.mkdir(parents=True)
    pages = 0
    for i, doc in enumerate(generate_docs(n, seed)):
        rng = random.Random(seed * 1000 + i)
        path = folder / f"{doc.doc_id}.pdf"
        if digital:
            pages += len(render_pdf(doc, path, font="freeserif", rng=rng))
        else:
            rendered = render(doc, font="termes", size_pt=13, dpi=300, rng=rng)
            nrng = np.random.default_rng([seed, i])
            images = [degrade_page(p, "light", nrng, dpi=300) for p in rendered.pages]
            write_scanned_pdf(images, path, 300)
            pages += len(images)
    return pages


def ingest(folder: Path, data: Path, workers: int) -> tuple[float, str]:
    cmd = [sys.executable, "-m", "cli", "--data-dir", str(data), "ingest", str(folder),
           "--workers", str(workers), "--quiet"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return time.perf_counter() - start, proc.stdout.strip().splitlines()[0] if proc.stdout else proc.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=77)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for label, digital in (("scanned PDF (300 dpi, light)", False), ("born-digital PDF", True)):
            folder = root / ("digital" if digital else "scanned")
            pages = build(folder, args.docs, args.seed, digital)
            seconds, summary = ingest(folder, root / f"data-{folder.name}", args.workers)
            done = re.search(r"(\d+) done", summary)
            print(f"{label:<30} {args.docs} docs, {pages} pages, {args.workers} workers: {seconds:6.1f} s wall, "
                  f"{pages / seconds:6.2f} pages/s   [{summary}]" + ("" if done else "  (!)"))


if __name__ == "__main__":
    main()
