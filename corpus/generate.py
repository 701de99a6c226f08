"""Generate the evaluation corpus: content → render → degrade → files + ground truth.

    OUTDIR/files/<doc_id>.<ext>      the document as a records office would receive it
    OUTDIR/truth/<doc_id>.json       ground truth (see `truth_record`)
    OUTDIR/manifest.jsonl            one truth record per line, in generation order

Everything is drawn from `seed` (and the document's index): the same (n, seed) writes the same bytes.
Run: `python -m corpus.generate OUTDIR -n 30 --seed 1`. The default mix draws levels from LEVEL_WEIGHTS; captures
seen on real paper (corpus.degrade.CAPTURE_LEVELS) are opt-in: `--levels fax,phone-hand` draws uniformly from
the given levels, `--landcert` writes land-use certificate pages instead of corpus.content documents.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from corpus import degrade as dg
from corpus import writers
from corpus.model import GeneratedDoc
from corpus.render import (Layout, fill_in_boxes, find_line_boxes, landcert_docs, layout_doc, raster,
                           write_layout_pdf, write_scanner_pdf)

# level -> weight (percent)
LEVEL_WEIGHTS: dict[str, int] = {
    "light": 30, "heavy": 20, "photocopy": 15, "phone": 10, "typewriter": 10, "born-digital": 10, "clean": 5,
}
SCAN_FONTS: dict[str, int] = {"termes": 45, "freeserif": 25, "pagella": 10, "dejavu-serif": 10, "schola": 10}
PDF_FONT_WEIGHTS: dict[str, int] = {"freeserif": 70, "dejavu-serif": 30}
FORMATS = ("pdf", "tiff", "png", "jpeg")
MIME = {"pdf": "application/pdf", "tiff": "image/tiff", "png": "image/png", "jpeg": "image/jpeg"}
EXT = {"pdf": "pdf", "tiff": "tif", "png": "png", "jpeg": "jpg"}
# render resolution of the opt-in capture levels (the real pages: 200 dpi scans and faxes, 300 dpi show-through;
# phone photos, chat-app copies and bleed-through scans are shrunk from 200 dpi to 64..151 dpi by corpus.degrade)
CAPTURE_DPI = {"phone-hand": 200, "chat-app": 200, "fax": 200, "show-through": 300, "bleed-through": 200,
               "scanner-textlayer": 200}


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def plan(rng: random.Random, levels: Iterable[str] | None = None) -> dict:
    """Level, dpi, font and body size of one document (format is chosen once pages are known). levels: draw the
    level uniformly from these instead of LEVEL_WEIGHTS (the default draws exactly as before they existed)."""
    level = _weighted(rng, LEVEL_WEIGHTS) if not levels else rng.choice(list(levels))
    if level == "born-digital":
        font = _weighted(rng, PDF_FONT_WEIGHTS)
    elif level == "typewriter":
        font = "typewriter"
    else:
        font = _weighted(rng, SCAN_FONTS)
    dpi = 300 if level == "phone" else rng.choice([200, 300, 300])
    dpi = CAPTURE_DPI.get(level, dpi)
    size_pt = rng.choice([12, 13, 13, 14])
    return {"level": level, "font": font, "dpi": dpi, "size_pt": size_pt}


def choose_format(rng: random.Random, level: str, n_pages: int, allowed: Iterable[str] | None = None) -> str:
    """File format: scanned PDF most often; TIFF; PNG/JPEG for one-page scans; JPEG for one-page phone photos."""
    if level == "born-digital" or level == "scanner-textlayer":
        options = {"pdf": 1}
    elif level in ("phone-hand", "chat-app"):
        options = {"jpeg": 1} if n_pages == 1 else {"pdf": 1}
    elif level == "fax":
        options = {"pdf": 4, "png": 3, "tiff": 3} if n_pages == 1 else {"pdf": 6, "tiff": 4}
    elif level in ("show-through", "bleed-through"):  # colour scans: JPEG-based files mostly
        options = {"jpeg": 5, "pdf": 4, "png": 1} if n_pages == 1 else {"pdf": 7, "tiff": 3}
    elif level == "phone":
        options = {"jpeg": 8, "pdf": 2} if n_pages == 1 else {"pdf": 1}
    elif n_pages == 1:
        options = {"pdf": 55, "tiff": 20, "png": 15, "jpeg": 10}
    else:
        options = {"pdf": 75, "tiff": 25}
    if allowed is not None:
        allowed = set(allowed)
        kept = {k: v for k, v in options.items() if k in allowed}
        if not kept:  # fall back to a format that can hold the document
            kept = {k: 1 for k in FORMATS if k in allowed and (k in ("pdf", "tiff") or n_pages == 1)}
        if not kept:
            raise ValueError(f"no allowed format can hold a {n_pages}-page {level} document: {sorted(allowed)}")
        options = kept
    return _weighted(rng, options)


def _stamp_text(doc: GeneratedDoc) -> str | None:
    """The issuing body for the seal ring, from the left column of the header block."""
    parts = []
    for line in doc.lines:
        if line.column == "right" and parts:
            break
        if line.column != "left":
            if parts:
                break
            continue
        t = " ".join(line.text.split())
        if not t or t.startswith("Số") or set(t) <= set("-—_=*.oO "):
            continue
        parts.append(t.upper())
    return " ".join(parts) + " ★" if parts else None


def _signature_boxes(layout: Layout, doc: GeneratedDoc) -> tuple[int, list[tuple]] | None:
    """(page index, boxes) of the signers' names drawn on the last page that has any."""
    for p in range(len(layout.pages) - 1, -1, -1):
        boxes = []
        for name in doc.signature_names or []:
            found = find_line_boxes(layout, p, name)
            if found:
                boxes.append(found[-1])
        if boxes:
            return p, boxes
    return None


def _degrade_pages(pages: list[np.ndarray], layout: Layout, doc: GeneratedDoc, level: str,
                   nrng: np.random.Generator, rng: random.Random,
                   photo_size: tuple[int, int] = (3000, 4000)) -> list[np.ndarray]:
    sig = _signature_boxes(layout, doc)
    official = doc.kind in ("decision", "conclusion", "notice")
    seam = official and len(pages) > 1 and rng.random() < 0.4
    capture = level in dg.CAPTURE_LEVELS
    fill = capture and rng.random() < 0.7  # number and date written by hand into the printed form
    if capture and doc.family == "land_certificate":
        official = True
    out = []
    for i, page in enumerate(pages):
        ink = {"seam": seam, "stamp_text": _stamp_text(doc)}
        if capture:
            ink["fill_ins"] = fill_in_boxes(layout, i) if fill else None
            ink["pattern"] = doc.family == "land_certificate"
            if len(pages) > 1:  # the other side of the sheet, or the next sheet under it
                ink["back"] = pages[i + 1] if i + 1 < len(pages) else pages[i - 1]
        if sig is not None and sig[0] == i:
            boxes = sig[1]
            ink.update({"name_box": boxes[-1], "signature": rng.random() < 0.85, "signer_boxes": boxes,
                        "stamp": official and rng.random() < 0.9})
        out.append(dg.degrade_page(page, level, nrng, dpi=layout.dpi, photo_size=photo_size, **ink))
    return out


def truth_record(doc: GeneratedDoc, *, file: str, level: str, dpi: int | None, font: str, size_pt: float,
                 fmt: str, pages: list[str], pages_by_row: list[str], page_sources: list[str]) -> dict:
    """The truth JSON of one file.

    pages: the text on each page in the reading order of its source: for scanned pages the left column of a
    two-column block then the right column (corpus.model convention); for text-layer pages the row order
    pdfplumber extracts. pages_by_row: every page in row order (what Tesseract's layout analysis also reads
    for a header block). page_sources: "ocr" or "text" per page."""
    record = {
        "id": doc.doc_id,
        "file": file,
        "family": doc.family,
        "kind": doc.kind,
        "type": doc.type,
        "title_names_type": doc.title_names_type,
        "level": level,
        "dpi": dpi,
        "font": font,
        "size_pt": size_pt,
        "format": fmt,
        "mime": MIME[fmt],
        "dossier": doc.dossier_id,
        "date": doc.date,
        "pages": pages,
        "pages_by_row": pages_by_row,
        "page_sources": page_sources,
        "parties": doc.parties,
        "parcels": doc.parcels,
        "references": doc.references,
    }
    if doc.places:  # only letters since 1 July 2025 have them: other truth files stay as they were
        record["places"] = doc.places
    return record


def build_document(doc: GeneratedDoc, outdir: Path, rng: random.Random, nrng: np.random.Generator,
                   formats: Iterable[str] | None = None, *, dpi: int | None = None,
                   photo_size: tuple[int, int] = (3000, 4000), levels: Iterable[str] | None = None) -> dict:
    """Render, degrade and write one document; returns its truth record."""
    p = plan(rng, levels)
    level, font, size_pt = p["level"], p["font"], p["size_pt"]
    dpi = dpi or p["dpi"]
    layout = layout_doc(doc, font=font, size_pt=size_pt, dpi=dpi, rng=rng)
    n_pages = len(layout.pages)
    fmt = choose_format(rng, level, n_pages, formats)
    if level == "born-digital" and fmt != "pdf":  # formats without PDF: the document was printed and scanned
        level = "clean"
    (outdir / "files").mkdir(parents=True, exist_ok=True)
    rel = f"files/{doc.doc_id}.{EXT[fmt]}"
    path = outdir / rel
    texts_scan, texts_rows = layout.page_texts, layout.pdf_page_texts

    if level == "born-digital":
        mixed = n_pages >= 2 and rng.random() < 0.3
        if not mixed:
            write_layout_pdf(layout, path)
            return truth_record(doc, file=rel, level=level, dpi=None, font=font, size_pt=size_pt, fmt=fmt,
                                pages=texts_rows, pages_by_row=texts_rows, page_sources=["text"] * n_pages)
        # a mixed PDF: text pages, and one page printed, signed, stamped and scanned back in
        scanned_idx = n_pages - 1 if rng.random() < 0.7 else 0
        images = raster(layout, rng)
        deg = _degrade_pages(images, layout, doc, "light", nrng, rng, photo_size)
        with tempfile.TemporaryDirectory() as tmp:
            text_pdf = Path(tmp) / "text.pdf"
            write_layout_pdf(layout, text_pdf)
            writers.replace_pages_with_images(text_pdf, {scanned_idx: deg[scanned_idx]}, path, dpi,
                                              quality=rng.randint(75, 90))
        sources = ["ocr" if i == scanned_idx else "text" for i in range(n_pages)]
        pages = [texts_scan[i] if s == "ocr" else texts_rows[i] for i, s in enumerate(sources)]
        return truth_record(doc, file=rel, level=level, dpi=dpi, font=font, size_pt=size_pt, fmt=fmt,
                            pages=pages, pages_by_row=texts_rows, page_sources=sources)

    images = raster(layout, rng)
    deg = _degrade_pages(images, layout, doc, level, nrng, rng, photo_size)
    quality = rng.randint(70, 90) if level != "heavy" else rng.randint(45, 70)
    file_dpi = dpi
    if level in ("phone", "phone-hand"):
        file_dpi = round(deg[0].shape[1] / (210 / 25.4))  # page width of the photo ~ A4 width
    elif level in ("chat-app", "bleed-through"):  # shrunk copies
        file_dpi = round(dpi * deg[0].shape[1] / images[0].shape[1])
    if level in ("phone-hand", "chat-app"):  # already recompressed as JPEG: a last save at high quality
        quality = 92
    if level == "scanner-textlayer":
        write_scanner_pdf(layout, deg, path, file_dpi, rng, quality=quality)
    elif fmt == "pdf":
        writers.write_scanned_pdf(deg, path, file_dpi, quality=quality)
    elif fmt == "tiff":
        noisy = level in ("heavy", "photocopy", "typewriter", "show-through", "bleed-through")
        writers.write_tiff(deg, path, file_dpi, compression="jpeg" if noisy else "lzw", quality=quality)
    elif fmt == "png":
        writers.write_png(deg[0], path, file_dpi)
    else:
        photo = level in ("phone", "phone-hand")
        orientation = rng.choice([1, 1, 6, 8, 3]) if photo else 1
        writers.write_jpeg(deg[0], path, dpi=None if photo or level == "chat-app" else file_dpi, quality=quality,
                           orientation=orientation)
    return truth_record(doc, file=rel, level=level, dpi=dpi, font=font, size_pt=size_pt, fmt=fmt,
                        pages=texts_scan, pages_by_row=texts_rows, page_sources=["ocr"] * n_pages)


def generate_corpus(outdir: Path, n: int, seed: int, *, formats: Iterable[str] | None = None,
                    docs: list[GeneratedDoc] | None = None, dpi: int | None = None,
                    photo_size: tuple[int, int] = (3000, 4000), levels: Iterable[str] | None = None) -> list[dict]:
    """Write n documents (from corpus.content.generate_docs(n, seed), or `docs`) and their truth under outdir.

    formats: allowed subset of FORMATS. dpi / photo_size: force the scan resolution / phone photo size (tests
    use small values for speed; the default draws 200 or 300 dpi per document and 12 MP photos). levels: draw
    each document's level uniformly from these (e.g. corpus.degrade.CAPTURE_LEVELS) instead of LEVEL_WEIGHTS."""
    outdir = Path(outdir)
    if docs is None:
        from corpus.content import generate_docs

        docs = generate_docs(n, seed)
    docs = list(docs)[:n]
    (outdir / "files").mkdir(parents=True, exist_ok=True)
    (outdir / "truth").mkdir(parents=True, exist_ok=True)
    records = []
    for i, doc in enumerate(docs):
        rng = random.Random(f"donthu-corpus:{seed}:{i}:{doc.doc_id}")
        nrng = np.random.default_rng([seed & 0xFFFFFFFF, i])
        rec = build_document(doc, outdir, rng, nrng, formats, dpi=dpi, photo_size=photo_size, levels=levels)
        (outdir / "truth" / f"{doc.doc_id}.json").write_text(
            json.dumps(rec, ensure_ascii=False, indent=1), encoding="utf-8")
        records.append(rec)
    with open(outdir / "manifest.jsonl", "w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return records


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("-n", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--formats", default=None, help="comma-separated subset of " + ",".join(FORMATS))
    ap.add_argument("--levels", default=None, help="comma-separated levels to draw from uniformly, e.g. "
                    + ",".join(dg.CAPTURE_LEVELS) + " (default: the LEVEL_WEIGHTS mix)")
    ap.add_argument("--landcert", action="store_true", help="land-use certificate pages instead of the content mix")
    a = ap.parse_args(argv)
    fm = a.formats.split(",") if a.formats else None
    lv = a.levels.split(",") if a.levels else None
    for level in lv or []:
        if level not in dg.ALL_LEVELS and level != "born-digital":
            ap.error(f"unknown level {level!r}")
    docs = landcert_docs(a.n, a.seed) if a.landcert else None
    recs = generate_corpus(a.outdir, a.n, a.seed, formats=fm, levels=lv, docs=docs)
    print(f"wrote {len(recs)} documents to {a.outdir}")


if __name__ == "__main__":
    main()
