"""Throughput of the pipeline against raw `tesseract -l vie` and OCRmyPDF on the same scanned pages.

    python bench/throughput.py [--pages 30] [--docs 150] [--workers 1 2] [--seed 23]

One run, one set of pages:
* scanned: `--pages` generated letters spread over the corpus's degradation levels (LEVEL_MIX: light,
  heavy, photocopy, typewriter at 300 and 200 dpi, phone photos; light twice as often), each page a
  one-page scanned PDF (JPEG or G4 inside, as a scanner writes it); the same pages in the same order for
  every engine, largest first (phone photos, then 300, then 200 dpi), so the last pages handed out are
  small and a worker left idle at the end costs little;
  - pipeline: the real local worker pool (`ingest.pool.LocalPool` → `ingest.tasks.run_document`: pages,
    clean-up, Tesseract, understanding, record store, FTS index) at each worker count; pages/s with and
    without the pool's start-up (workers importing, loading spaCy/Tesseract); text read back from the store;
  - raw: `tesseract PAGE.png stdout -l vie --dpi DPI` per page (the very pixels the pipeline decodes from the
    PDF, lossless PNG; DPI the page's), N processes at a time;
  - OCRmyPDF (Debian package): `ocrmypdf -l vie --jobs N --force-ocr --output-type pdf --optimize 0
    --sidecar` on one PDF holding all the pages (its own page parallelism); skipped when not installed;
  pipeline and raw are timed pairwise (`--chunk 6`): the same worker pool stays up while chunks of 6 pages
  go through the pipeline and through raw tesseract in alternating order (pipeline first, then tesseract
  first, ...), and each engine's chunk times are summed, so both see the same spell of this virtual machine,
  whose speed drifts by 5-20 % over minutes (--chunk 0: each engine on all the pages in turn, as before);
  CER of each against the drawn text (corpus.metrics.char_errors; the closer of the two reading orders),
  over all pages and per level;
* born-digital: `--docs` text-layer PDFs through the same worker pool (one to three pages each).
Peak RSS: VmHWM of each pool worker (/proc) read before the pool shuts down; for raw tesseract and
OCRmyPDF the largest process (wait4 rusage, children included). Every process runs with OMP_THREAD_LIMIT=1.
Prints one Markdown table, the CER per level and engine, and the targets of issue 5 (docs/performance.md);
scaling 1 → 2 workers is given for raw tesseract too, the machine's own ceiling. With the defaults the whole
run takes about 4.5 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus.content import generate_docs  # noqa: E402
from corpus.degrade import degrade_page  # noqa: E402
from corpus.metrics import char_errors  # noqa: E402
from corpus.render import render_pdf, render_with_layout  # noqa: E402
from corpus.writers import write_scanned_pdf  # noqa: E402
from donthu.config import load_settings  # noqa: E402

LANG = "vie"
#: (level, dpi) of successive scanned pages, cycled: the corpus's levels (corpus.generate weighs light most)
LEVEL_MIX = (("light", 300), ("heavy", 300), ("photocopy", 300), ("phone", 300), ("typewriter", 300),
             ("light", 200), ("heavy", 200), ("photocopy", 200), ("typewriter", 200), ("light", 300))


@dataclass
class Scan:
    pdf: Path
    png: Path
    truths: tuple[str, ...]  # the page's text in its valid reading orders
    level: str = "light"
    dpi: int = 300
    pixels: int = 0


@dataclass
class Row:
    name: str
    workers: int
    pages: int
    seconds: float
    startup: float = 0.0  # pool start-up (included in seconds_with_startup)
    cer: float | None = None
    rss_mb: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def rate_with_startup(self) -> float:
        return self.pages / (self.seconds + self.startup) if self.seconds else 0.0


# ------------------------------------------------------------------------------------------------ inputs
def build_scans(folder: Path, pages: int, seed: int) -> list[Scan]:
    from ingest.pages import iter_pages
    from ingest.sniff import PDF

    folder.mkdir(parents=True)
    settings = load_settings()
    scans: list[Scan] = []
    for i, doc in enumerate(generate_docs(max(1, pages), seed)):
        level, dpi = LEVEL_MIX[i % len(LEVEL_MIX)]
        font = "typewriter" if level == "typewriter" else ("termes" if dpi == 300 else "freeserif")
        rendered, layout = render_with_layout(doc, font=font, size_pt=13, dpi=dpi,
                                              rng=random.Random(seed * 1000 + i))
        nrng = np.random.default_rng([seed, i])
        # the first page of each letter: one level per document, as the corpus does
        stem = folder / f"s{i:03d}"
        write_scanned_pdf([degrade_page(rendered.pages[0], level, nrng, dpi=dpi)], stem.with_suffix(".pdf"), dpi)
        # exactly the pixels the pipeline decodes from the PDF, for the raw tesseract baseline
        decoded = next(iter_pages(stem.with_suffix(".pdf").read_bytes(), PDF, settings)).image
        picture = Image.fromarray(decoded if decoded.ndim == 2 else decoded[:, :, ::-1])
        picture.save(stem.with_suffix(".png"), dpi=(dpi, dpi))
        truths = (rendered.page_texts[0], layout.pdf_page_texts[0])
        scans.append(Scan(stem.with_suffix(".pdf"), stem.with_suffix(".png"), truths, level, dpi,
                          decoded.shape[0] * decoded.shape[1]))
        if len(scans) == pages:
            break
    # largest first for every engine (longest-job-first: the tail of idle workers is a small page)
    return sorted(scans, key=lambda scan: -scan.pixels)


def build_digital(folder: Path, docs: int, seed: int) -> tuple[list[Path], int]:
    folder.mkdir(parents=True)
    paths, pages = [], 0
    for i, doc in enumerate(generate_docs(docs, seed + 1)):
        path = folder / f"d{i:03d}.pdf"
        pages += len(render_pdf(doc, path, font="freeserif", rng=random.Random(seed * 1000 + i)))
        paths.append(path)
    return paths, pages


def cer(scans: list[Scan], texts: list[str], level: str | None = None) -> float | None:
    errors = length = 0
    for scan, text in zip(scans, texts):
        if level is not None and scan.level != level:
            continue
        best = min((char_errors(truth, text) for truth in scan.truths), key=lambda t: t.distance / max(1, t.length))
        errors += best.distance
        length += best.length
    return errors / max(1, length)


# ------------------------------------------------------------------------------------------------ runners
def _vm_hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _open_pool(files: list[Path], workers: int, data_dir: Path):
    """A fresh store holding `files` and a local pool whose every worker has initialised (imports, spaCy,
    Tesseract, store); returns (store, document ids, pool, start-up seconds)."""
    from ingest.pool import LocalPool
    from ingest.pipeline import sha256_hex
    from records.store import Store

    settings = replace(load_settings().with_data_dir(data_dir), workers=workers)
    store = Store(settings)
    ids = []
    for path in files:
        data = path.read_bytes()
        sha = store.put_original(data)
        ids.append(store.add_document(str(path), sha if isinstance(sha, str) else sha256_hex(data), len(data)))
    nap = 0.5
    started = time.perf_counter()
    pool = LocalPool(settings, workers)
    # every worker runs its initializer (imports, spaCy, store, index) before the clock starts
    wait([pool._executor.submit(time.sleep, nap) for _ in range(workers)])
    return store, ids, pool, max(0.0, time.perf_counter() - started - nap)


def _close_pool(store, ids: list[int], pool, statuses: list[str]) -> tuple[list[float], list[str], str]:
    """Peak RSS of each worker, page 1's stored text per document, and a note on failures; closes both."""
    rss = [_vm_hwm_mb(pid) for pid in (pool._executor._processes or {})]
    pool.shutdown()
    texts = []
    for doc_id in ids:
        page = store.page(doc_id, 1)
        texts.append(page.text if page else "")
    store.close()
    failed = sum(s != "done" for s in statuses)
    return rss, texts, f"{failed} failed" if failed else ""


def run_pipeline(name: str, files: list[Path], pages: int, workers: int, data_dir: Path) -> tuple[Row, list[str]]:
    """The real local pool on `files`; returns the row and page 1's stored text per file."""
    store, ids, pool, startup = _open_pool(files, workers, data_dir)
    ready = time.perf_counter()
    futures = [pool.submit(doc_id) for doc_id in ids]
    wait(futures)
    seconds = time.perf_counter() - ready
    rss, texts, note = _close_pool(store, ids, pool, [f.result() for f in futures])
    return Row(name, workers, pages, seconds, startup=startup, rss_mb=rss, note=note), texts


def _run_measured(cmd: list[str]) -> tuple[str, float]:
    """stdout and peak RSS (MB, the process and its children) of one command."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    out = proc.stdout.read()
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} exited {proc.returncode}")
    return out.decode("utf-8", errors="replace"), usage.ru_maxrss / 1024


def _raw_tesseract(scan: Scan) -> tuple[str, float]:
    return _run_measured(["tesseract", str(scan.png), "stdout", "-l", LANG, "--dpi", str(scan.dpi)])


def run_tesseract(scans: list[Scan], workers: int) -> tuple[Row, list[str]]:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(_raw_tesseract, scans))
    seconds = time.perf_counter() - start
    return Row("raw `tesseract -l vie` CLI", workers, len(scans), seconds,
               rss_mb=[max(r for _, r in results)]), [t for t, _ in results]


def run_paired(scans: list[Scan], workers: int, data_dir: Path, chunk: int) -> tuple[Row, list[str], Row, list[str]]:
    """The pipeline (one real worker pool, kept for the whole run) and raw `tesseract` on the same pages, chunk
    by chunk in alternating order (pipeline first, then tesseract first, ...), each engine's time summed over
    its chunks: a slow or fast spell of the virtual machine lasts minutes, a chunk pair seconds, so both engines
    see the same machine. Returns (pipeline row, texts, tesseract row, texts)."""
    store, ids, pool, startup = _open_pool([scan.pdf for scan in scans], workers, data_dir)
    pipeline_seconds = raw_seconds = 0.0
    raw_texts = [""] * len(scans)
    raw_rss: list[float] = []
    statuses: list[str] = []
    for k, first in enumerate(range(0, len(scans), chunk)):
        part = list(range(first, min(len(scans), first + chunk)))
        for engine in (("pipeline", "raw") if k % 2 == 0 else ("raw", "pipeline")):
            if engine == "pipeline":
                start = time.perf_counter()
                futures = [pool.submit(ids[i]) for i in part]
                wait(futures)
                pipeline_seconds += time.perf_counter() - start
                statuses.extend(f.result() for f in futures)
            else:
                row, texts = run_tesseract([scans[i] for i in part], workers)
                raw_seconds += row.seconds
                raw_rss.extend(row.rss_mb)
                for i, text in zip(part, texts):
                    raw_texts[i] = text
    rss, texts, note = _close_pool(store, ids, pool, statuses)
    pipeline = Row("pipeline (worker pool), scanned", workers, len(scans), pipeline_seconds, startup=startup,
                   rss_mb=rss, note=note)
    raw = Row("raw `tesseract -l vie` CLI", workers, len(scans), raw_seconds, rss_mb=[max(raw_rss)])
    return pipeline, texts, raw, raw_texts


def run_ocrmypdf(scans: list[Scan], workers: int, folder: Path) -> tuple[Row, list[str]] | None:
    if shutil.which("ocrmypdf") is None:
        return None
    import pikepdf

    combined = folder / "all.pdf"
    if not combined.exists():
        with pikepdf.new() as out:
            for scan in scans:
                with pikepdf.open(scan.pdf) as one:
                    out.pages.extend(one.pages)
            out.save(combined)
    sidecar = folder / f"sidecar-{workers}.txt"
    cmd = ["ocrmypdf", "-l", LANG, "--jobs", str(workers), "--force-ocr", "--output-type", "pdf",
           "--optimize", "0", "--sidecar", str(sidecar), "--quiet", str(combined), str(folder / f"out-{workers}.pdf")]
    start = time.perf_counter()
    _, rss = _run_measured(cmd)
    seconds = time.perf_counter() - start
    texts = sidecar.read_text(encoding="utf-8").split("\f")[: len(scans)]
    return Row("OCRmyPDF `-l vie --jobs N`", workers, len(scans), seconds, rss_mb=[rss]), texts


# ------------------------------------------------------------------------------------------------ report
def _levels(scans: list[Scan]) -> list[str]:
    """The levels present, in LEVEL_MIX order."""
    present = {scan.level for scan in scans}
    return [level for level in dict.fromkeys(level for level, _ in LEVEL_MIX) if level in present]


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=30, help="scanned pages (default 30, over LEVEL_MIX)")
    parser.add_argument("--docs", "--digital-docs", dest="digital_docs", type=int, default=150,
                        help="born-digital documents (default 150)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--no-ocrmypdf", action="store_true")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of pipeline / raw tesseract / born-digital runs, interleaved (median kept)")
    parser.add_argument("--chunk", type=int, default=6,
                        help="pages per chunk of the paired pipeline/tesseract comparison (alternating order); "
                             "0: each engine on all pages in turn")
    args = parser.parse_args()

    from ocr import engine

    print(f"machine: {os.cpu_count()} cores, {cpu_model()}; python {platform.python_version()}; "
          f"OCR back-end: {engine.backend(LANG, choice=load_settings().ocr_backend)}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"command: python bench/throughput.py {' '.join(sys.argv[1:])}".rstrip())
    rows: list[Row] = []
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="donthu-throughput-") as tmp:
        root = Path(tmp)
        scans = build_scans(root / "scans", args.pages, args.seed)
        digital, digital_pages = build_digital(root / "digital", args.digital_docs, args.seed)
        mix = {}
        for scan in scans:
            mix[f"{scan.level} {scan.dpi}"] = mix.get(f"{scan.level} {scan.dpi}", 0) + 1
        print(f"inputs: {len(scans)} scanned pages (one-page PDFs: "
              f"{', '.join(f'{k} dpi ×{v}' for k, v in sorted(mix.items()))}), "
              f"{len(digital)} born-digital PDFs with {digital_pages} pages", flush=True)
        level_cer: dict[str, dict[str, float | None]] = {}
        runs: dict[tuple[str, int], list[Row]] = {}  # every round's row, per (engine, workers)

        def keep(key: str, n: int, row: Row) -> None:
            runs.setdefault((key, n), []).append(row)
            print(f"  {row.name} x{n}: {row.seconds:.1f} s", flush=True)

        # engines interleaved round by round, so a slow spell of this shared virtual machine hits all of them
        for rnd in range(args.rounds):
            for n in args.workers:
                if args.chunk:
                    row, texts, raw, raw_texts = run_paired(scans, n, root / f"data-scan-{n}-{rnd}", args.chunk)
                else:
                    row, texts = run_pipeline("pipeline (worker pool), scanned", [s.pdf for s in scans],
                                              len(scans), n, root / f"data-scan-{n}-{rnd}")
                    raw, raw_texts = run_tesseract(scans, n)
                row.cer = cer(scans, texts)
                level_cer.setdefault(f"pipeline x{n}", {lv: cer(scans, texts, lv) for lv in _levels(scans)})
                keep("pipeline", n, row)
                raw.cer = cer(scans, raw_texts)
                level_cer.setdefault(f"raw tesseract x{n}", {lv: cer(scans, raw_texts, lv) for lv in _levels(scans)})
                keep("tesseract", n, raw)
                if rnd == 0:  # OCRmyPDF is 3x slower than either: one round says enough
                    result = None if args.no_ocrmypdf else run_ocrmypdf(scans, n, root / "scans")
                    if result is None:
                        skipped.append(f"OCRmyPDF x{n}: skipped ({'--no-ocrmypdf' if args.no_ocrmypdf else 'ocrmypdf not installed: apt-get install ocrmypdf'})")
                    else:
                        row, texts = result
                        row.cer = cer(scans, texts)
                        level_cer.setdefault(f"OCRmyPDF x{n}", {lv: cer(scans, texts, lv) for lv in _levels(scans)})
                        keep("ocrmypdf", n, row)
            for n in args.workers:
                row, _ = run_pipeline("pipeline (worker pool), born-digital", digital, digital_pages, n,
                                      root / f"data-digital-{n}-{rnd}")
                keep("digital", n, row)

    # the median round of each (engine, workers) stands for it; all rounds are listed below the table
    by = {key: sorted(rows_, key=lambda r: r.rate)[len(rows_) // 2] for key, rows_ in runs.items()}
    order = [(k, n) for n in args.workers for k in ("pipeline", "tesseract", "ocrmypdf")] + \
            [("digital", n) for n in args.workers]
    rows = [by[key] for key in order if key in by]

    print()
    print("| run | workers | pages | s (excl. start-up) | pages/s | pages/s incl. pool start-up | "
          "pipeline ÷ this (same N) | CER | peak RSS per process (MB) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        ours = by.get(("pipeline", row.workers))
        ratio = "–"
        if ours is not None and not row.name.startswith("pipeline"):
            ratio = f"{ours.rate / row.rate:.2f}×"
        startup = f"{row.rate_with_startup:.2f} (start-up {row.startup:.1f} s)" if row.startup else "–"
        print(f"| {row.name} | {row.workers} | {row.pages} | {row.seconds:.1f} | {row.rate:.2f} | {startup} | "
              f"{ratio} | {'–' if row.cer is None else f'{100 * row.cer:.2f} %'} | "
              f"{', '.join(f'{r:.0f}' for r in row.rss_mb) or '–'} |" + (f" {row.note}" if row.note else ""))
    for line in skipped:
        print(f"\n{line}")
    if args.rounds > 1:
        print(f"\npages/s of every round (the table shows the median of {args.rounds}):\n")
        for key in order:
            if key in runs:
                print(f"- {runs[key][0].name} x{key[1]}: " + ", ".join(f"{r.rate:.2f}" for r in runs[key]))
        for n in args.workers:
            if ("pipeline", n) in runs and ("tesseract", n) in runs:
                ratios = [p.rate / t.rate for p, t in zip(runs[("pipeline", n)], runs[("tesseract", n)])]
                print(f"- pipeline ÷ raw tesseract x{n}, round by round: " + ", ".join(f"{r:.2f}×" for r in ratios)
                      + f" (mean {sum(ratios) / len(ratios):.2f}×)")
    levels = _levels(scans)
    print("\nCER per level (pages: " + ", ".join(f"{lv} {sum(s.level == lv for s in scans)}" for lv in levels) + ")\n")
    print("| engine | " + " | ".join(levels) + " |")
    print("|---|" + "---|" * len(levels))
    for name, values in level_cer.items():
        print(f"| {name} | " + " | ".join("–" if values[lv] is None else f"{100 * values[lv]:.2f} %"
                                          for lv in levels) + " |")

    print("\nTargets (issue 5):")

    def status(ok: bool) -> str:
        return "met" if ok else "NOT met"

    for n in args.workers:
        p, t, o = by.get(("pipeline", n)), by.get(("tesseract", n)), by.get(("ocrmypdf", n))
        if p and t:
            print(f"- pipeline ≥ raw tesseract CLI, {n} worker(s): {p.rate:.3f} vs {t.rate:.3f} pages/s "
                  f"({p.rate / t.rate:.2f}×): {status(p.rate >= t.rate)}")
        if p and o:
            print(f"- pipeline ≥ 2× OCRmyPDF, {n} worker(s): {p.rate / o.rate:.2f}×: {status(p.rate >= 2 * o.rate)}")
    if ("pipeline", 1) in by and ("pipeline", 2) in by:
        s = by[("pipeline", 2)].rate / by[("pipeline", 1)].rate
        ceiling = ""
        if ("tesseract", 1) in by and ("tesseract", 2) in by:
            ceiling = (f" (raw tesseract, the machine's own ceiling: "
                       f"{by[('tesseract', 2)].rate / by[('tesseract', 1)].rate:.2f}×)")
        print(f"- scaling 1 → 2 workers ≥ 1.8×: {s:.2f}×{ceiling}: {status(s >= 1.8)}")
    if ("digital", 2) in by:
        d = by[("digital", 2)]
        print(f"- born-digital ≥ 50 pages/s (2 workers): {d.rate:.1f} pages/s excluding pool start-up, "
              f"{d.rate_with_startup:.1f} including it: {status(d.rate >= 50)} / {status(d.rate_with_startup >= 50)}")
    worst = max((r for row in rows if row.name.startswith("pipeline") for r in row.rss_mb), default=0.0)
    print(f"- peak RSS ≤ 600 MB per worker: largest pipeline worker {worst:.0f} MB: {status(worst <= 600)}")


if __name__ == "__main__":
    main()
