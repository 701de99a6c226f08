"""Realistic test inputs built at test time from the corpus generator (nothing binary is committed)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from corpus.content import generate_doc
from corpus.degrade import degrade_page
from corpus.model import GeneratedDoc
from corpus.render import render, render_pdf
from corpus.writers import write_jpeg, write_png, write_scanned_pdf, write_tiff


def make_scan(
    path: Path,
    *,
    family: str = "land_dispute_letter",
    seed: int = 1,
    level: str = "light",
    dpi: int = 300,
    font: str = "termes",
    fmt: str = "pdf",
    max_pages: int = 1,
    stamp: bool = False,
) -> tuple[GeneratedDoc, list[str]]:
    """Write a generated document as a scan; returns the document and the text of the pages written."""
    rng = random.Random(seed)
    doc = generate_doc(rng, family, doc_id=f"t{seed}")
    if fmt == "digital":
        page_texts = render_pdf(doc, path, font="freeserif")
        return doc, page_texts
    rendered = render(doc, font=font, size_pt=13, dpi=dpi, rng=rng)
    nrng = np.random.default_rng(seed)
    pages = [degrade_page(p, level, nrng, dpi=dpi, stamp=stamp and i == 0)
             for i, p in enumerate(rendered.pages[:max_pages])]
    if fmt == "pdf":
        write_scanned_pdf(pages, path, dpi)
    elif fmt == "tiff":
        write_tiff(pages, path, dpi)
    elif fmt == "png":
        write_png(pages[0], path, dpi)
    elif fmt == "jpeg":
        write_jpeg(pages[0], path, dpi=dpi)
    else:
        raise ValueError(fmt)
    return doc, rendered.page_texts[:max_pages]
