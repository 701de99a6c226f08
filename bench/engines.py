"""The OCR engines behind ocr.engines side by side, page by page, beside plain `tesseract FILE - -l vie`.

    python bench/engines.py --real DIR [DIR ...]      # word recall on real pages with NAME.gt.txt transcriptions
    python bench/engines.py --corpus OUT [--limit N] [--per-level N]   # CER per degradation level, generated pages

Every page goes through ocr.page.ocr_page (the same clean-up) once per engine (`--engines`, default
tesseract trueocr combined), the engines in turn on the same page and their order rotated from page to page,
with one thread (OMP_THREAD_LIMIT=1, OpenCV one thread, onnxruntime one thread): the machine is shared, so
compare the engines' seconds as ratios, not as absolute speeds. "plain" is the `tesseract` command with
`-l vie` on the page image as it is (real pages: the file; corpus pages: the page image, lossless PNG).
Recall is score_words.py's (../shared/real-scans): the share of the transcription's words found in the
output (NFC, lower case, one tone-placement style, punctuation stripped), as multisets. CER is
corpus.metrics' against the closer of the page's reading-order and row-order truth, as `donthu eval`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from donthu.config import Settings  # noqa: E402
from ingest.tasks import one_thread_per_process  # noqa: E402

OLD_NEW = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "òe": "oè", "óe": "oé", "ỏe": "oẻ",
           "õe": "oẽ", "ọe": "oẹ", "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ"}
IMAGE_SUFFIXES = (".jpg", ".png", ".jpeg", ".tif")


def recall_words(text: str) -> list[str]:
    """score_words.py's words (kept identical: the shared scorer is the reference)."""
    text = unicodedata.normalize("NFC", text).lower().replace("–", "-")
    for a, b in OLD_NEW.items():
        text = text.replace(a, b)
    out = []
    for w in text.split():
        w = w.strip(".,;:!?()[]\"'“”‘’…*_-/")
        if w and not set(w) <= set(".…-_") and w != "[?]":
            out.append(w)
    return out


def recall(truth: str, text: str) -> tuple[int, int]:
    want = Counter(recall_words("\n".join(line for line in truth.splitlines() if not line.startswith("#"))))
    got = Counter(recall_words(text))
    return sum((want & got).values()), sum(want.values())


def plain_tesseract(path: Path) -> tuple[str, float]:
    start = time.perf_counter()
    done = subprocess.run(["tesseract", str(path), "-", "-l", "vie"], capture_output=True, text=True, check=False)
    return done.stdout, time.perf_counter() - start


def run_engines(page, settings: Settings, names: list[str], rotate: int) -> dict[str, tuple[str, float, str]]:
    """{engine: (text, seconds, error)} with the engines run in turn, starting at `rotate`."""
    from ocr.page import ocr_page

    out = {}
    for k in range(len(names)):
        name = names[(k + rotate) % len(names)]
        start = time.perf_counter()
        result = ocr_page(page, replace(settings, ocr_engine=name))
        out[name] = (result.text, time.perf_counter() - start, result.error or "")
    return out


def first_page(path: Path, settings: Settings):
    from ingest.pages import iter_pages
    from ingest.sniff import sniff

    data = path.read_bytes()
    return next(iter_pages(data, sniff(data), settings))


def bench_real(dirs: list[Path], names: list[str], settings: Settings) -> None:
    pairs: dict[str, tuple[Path, Path]] = {}
    for folder in dirs:
        for gt in sorted(folder.glob("*.gt.txt")):
            stem = gt.name[: -len(".gt.txt")]
            image = next((d / (stem + s) for d in dirs for s in IMAGE_SUFFIXES if (d / (stem + s)).exists()), None)
            if image is not None:
                pairs[stem] = (image, gt)  # a later folder's transcription of the same page wins
    cols = ["plain", *names]
    print(f"{'page':40s} " + " ".join(f"{c:>10s}" for c in cols) + "   seconds: " + " ".join(cols))
    hits = defaultdict(int)
    totals = defaultdict(int)
    seconds = defaultdict(float)
    for n, (stem, (image, gt)) in enumerate(sorted(pairs.items())):
        truth = gt.read_text(encoding="utf-8")
        plain, plain_s = plain_tesseract(image)
        found = run_engines(first_page(image, settings), settings, names, n)
        results = {"plain": (plain, plain_s, ""), **found}
        row, secs = [], []
        for c in cols:
            text, s, error = results[c]
            hit, total = recall(truth, text)
            hits[c] += hit
            totals[c] += total
            seconds[c] += s
            row.append(f"{hit / max(1, total):10.3f}" + ("!" if error else ""))
            secs.append(f"{s:.2f}")
        print(f"{stem:40s} " + " ".join(row) + "   " + " ".join(secs), flush=True)
    print(f"{'ALL (words found / words)':40s} " + " ".join(f"{hits[c] / max(1, totals[c]):10.3f}" for c in cols))
    print("seconds relative to tesseract (same clean-up): "
          + ", ".join(f"{c} {seconds[c] / max(1e-9, seconds['tesseract']):.2f}" for c in cols if "tesseract" in names))


def bench_corpus(corpus: Path, names: list[str], settings: Settings, limit: int | None,
                 per_level: int | None = None, no_plain: bool = False) -> None:
    from corpus.evaluate import _best, load_manifest, raw_tesseract
    from ingest.pages import iter_pages

    cols = names if no_plain else ["plain", *names]
    errors: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    seconds: dict[str, float] = defaultdict(float)
    n = 0
    taken: Counter = Counter()
    print(f"{'doc':24s} {'level':10s} pg " + " ".join(f"{c:>10s}" for c in cols))
    for entry in load_manifest(corpus, limit):
        data = (corpus / entry.file).read_bytes()
        for page in iter_pages(data, entry.mime, settings):
            if page.source != "ocr" or page.image is None or page.number > len(entry.pages):
                continue
            if per_level is not None and taken[entry.level] >= per_level:
                break
            taken[entry.level] += 1
            refs = [entry.pages[page.number - 1]]
            if page.number <= len(entry.pages_by_row):
                refs.append(entry.pages_by_row[page.number - 1])
            results = run_engines(page, settings, names, n)
            if not no_plain:
                start = time.perf_counter()
                plain = raw_tesseract(page.image, page.dpi, settings.ocr_lang)
                results["plain"] = (plain, time.perf_counter() - start, "")
            n += 1
            row = []
            for c in cols:
                text, s, error = results[c]
                chars, _ = _best(refs, text)
                for key in (entry.level, "ALL"):
                    errors[key][c][0] += chars.distance
                    errors[key][c][1] += chars.length
                seconds[c] += s
                row.append(f"{chars.distance / max(1, chars.length):10.4f}" + ("!" if error else ""))
            print(f"{entry.id:24s} {entry.level:10s} {page.number:2d} " + " ".join(row), flush=True)
    print(f"\nCER per level ({n} pages)\n{'level':12s} {'pages':>5s} " + " ".join(f"{c:>10s}" for c in cols))
    for level, row in errors.items():
        print(f"{level:12s} {taken[level] if level != 'ALL' else n:5d} " + " ".join(f"{row[c][0] / max(1, row[c][1]):10.4f}" for c in cols))
    if "tesseract" in names:
        print("seconds relative to tesseract (same clean-up): "
              + ", ".join(f"{c} {seconds[c] / max(1e-9, seconds['tesseract']):.2f}" for c in cols))
        print("seconds a page: " + ", ".join(f"{c} {seconds[c] / max(1, n):.3f}" for c in cols))


def set_constants(assignments: list[str]) -> None:
    """MODULE.NAME=VALUE: the constant converted to the type of its value ("None" sets None; a None constant
    takes an int), as bench/ocr_cpu.py --set."""
    import importlib

    for assignment in assignments:
        name, value = assignment.split("=", 1)
        module_name, attribute = name.rsplit(".", 1)
        module = importlib.import_module(module_name)
        old = getattr(module, attribute)
        if value == "None":
            new = None
        elif isinstance(old, bool):
            new = value.lower() in ("1", "true", "yes")
        else:
            new = int(value) if old is None else type(old)(value)
        setattr(module, attribute, new)
        print(f"set {name} = {new!r}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--real", nargs="+", type=Path, default=[])
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--per-level", type=int, help="at most this many pages of each degradation level")
    parser.add_argument("--no-plain", action="store_true", help="corpus: skip the plain tesseract command")
    parser.add_argument("--engines", nargs="+", default=["tesseract", "trueocr", "combined"])
    parser.add_argument("--set", nargs="*", default=[], metavar="MODULE.NAME=VALUE",
                        help="set a module constant for this run (e.g. ocr.engines.combined.DOUBT_CONTEXT=None)")
    args = parser.parse_args(argv)
    one_thread_per_process()
    set_constants(args.set)
    settings = Settings()
    if args.real:
        bench_real(args.real, args.engines, settings)
    if args.corpus:
        bench_corpus(args.corpus, args.engines, settings, args.limit, args.per_level, args.no_plain)


if __name__ == "__main__":
    main()
