"""Where the pipeline's CPU time goes, stage by stage, per page, beside plain `tesseract` on the same page.

    python bench/ocr_cpu.py                    # the transcribed real pages and 12 bench pages (throughput.py's)
    python bench/ocr_cpu.py --real             # only the real pages (../shared/real-scans + tests/real_pages)
    python bench/ocr_cpu.py --bench 12         # only the bench pages: bench/throughput.py's build_scans, seed 23
    python bench/ocr_cpu.py --json out.json    # also the rows
    python bench/ocr_cpu.py --set ocr.clean.TARGET_TEXT_HEIGHT=20   # a module constant changed for the run
    python bench/ocr_cpu.py --tesseract-text-height 20   # experiment: Tesseract's page reading alone reduced

CPU seconds, not wall seconds: this machine's 2 cores are shared by several sessions, so wall time measures the
neighbours; CPU time (user + system of this process and of its finished children: Tesseract's OSD and the plain
`tesseract` command) measures the work. Everything runs in this one process with one thread
(OMP_THREAD_LIMIT=1 before anything loads libgomp, OpenCV one thread, onnxruntime one thread), as a pool worker
runs it; the threads the process ever had are printed at the end as a check.

The whole pipeline is `ingest.pipeline.process_bytes` (pages, clean-up, OCR with its quality control,
handwriting flag, understanding); its stages are timed by wrapping the functions it calls (exclusive time:
a stage's time excludes the stages it calls), each also split by the reading it belongs to (the first reading
of the cleaned page, the alternatives, the flattened re-reading). "plain" is `tesseract IMAGE - -l vie`
(real pages: the file as it is, as bench/real_pages.py; bench pages: the decoded page as PNG with its dpi, as
bench/throughput.py), the baseline of issue 13's throughput target "≥ 2× plain Tesseract per core": the ratio
printed is plain's CPU seconds ÷ the pipeline's, summed over the pages.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import argparse  # noqa: E402
import functools  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def cpu() -> float:
    """CPU seconds of this process and its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


class Profile:
    """Exclusive CPU time per (reading, stage) of the wrapped functions."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.reading: list[str] = []
        self.times: dict[tuple[str, str], float] = defaultdict(float)
        self.last = cpu()
        self.calls: dict[str, int] = defaultdict(int)

    def _charge(self) -> None:
        now = cpu()
        if self.stack:
            self.times[(self.reading[-1] if self.reading else "-", self.stack[-1])] += now - self.last
        self.last = now

    def wrap(self, owner, attribute: str, label: str, reading=None) -> None:
        inner = getattr(owner, attribute)

        @functools.wraps(inner)
        def timed(*args, **kwargs):
            self._charge()
            self.stack.append(label)
            kind = reading(*args, **kwargs) if reading else None
            if kind:
                self.reading.append(kind)
            try:
                return inner(*args, **kwargs)
            finally:
                self._charge()
                self.stack.pop()
                if kind:
                    self.reading.pop()

        setattr(owner, attribute, timed)

    def take(self) -> dict[tuple[str, str], float]:
        out, self.times = dict(self.times), defaultdict(float)
        return out

    def count(self, owner, attribute: str, label: str) -> None:
        """Count the calls of `owner.attribute` (after `wrap`: the count is not timed) under `label`."""
        inner = getattr(owner, attribute)

        @functools.wraps(inner)
        def counted(*args, **kwargs):
            self.calls[label] += 1
            return inner(*args, **kwargs)

        setattr(owner, attribute, counted)

    def take_calls(self) -> dict[str, int]:
        out, self.calls = dict(self.calls), defaultdict(int)
        return out


def _reading_kind(path, *args, **kwargs) -> str:
    from ocr import page

    if path.endswith(page.FLATTENED):
        return "flattened"
    return "first" if path == page.PATH_CLEAN else "alternative"


def instrument(profile: Profile) -> None:
    import classify
    from ocr import clean, engine, engines, handwriting, page, quality
    from ocr.engines import combined, tesseract, trueocr

    profile.wrap(clean, "clean", "clean-up")
    profile.wrap(engine, "osd_rotation", "osd")
    profile.wrap(page, "_read", "read (other)", _reading_kind)
    profile.wrap(page, "flattened", "flattened prep")
    if hasattr(page, "voted"):
        profile.wrap(page, "voted", "reading vote")
    profile.wrap(engines, "gray_view", "gray view")
    profile.wrap(tesseract.TesseractEngine, "recognise", "tesseract page")
    if hasattr(tesseract.TesseractEngine, "recognise_line"):
        profile.wrap(tesseract.TesseractEngine, "recognise_line", "tesseract line")
        profile.count(tesseract.TesseractEngine, "recognise_line", "tesseract line calls")
    if hasattr(tesseract.TesseractEngine, "recognise_lines"):
        profile.wrap(tesseract.TesseractEngine, "recognise_lines", "tesseract lines")
        profile.count(tesseract.TesseractEngine, "recognise_lines", "tesseract lines calls")
    profile.wrap(trueocr.TrueOcrEngine, "recognise", "trueocr (order, words)")
    profile.wrap(trueocr.TrueOcrEngine, "_read_lines", "trueocr recogniser")
    from trueocr.page import PageEngine

    profile.wrap(PageEngine, "detect", "trueocr detection")
    profile.wrap(combined, "combine", "combine")
    if hasattr(combined, "combine_lines"):
        profile.wrap(combined, "combine_lines", "combine")
    profile.wrap(quality, "judge", "quality")
    profile.wrap(handwriting, "flag", "handwriting")
    profile.wrap(classify, "analyse", "understanding")


def tesseract_reads_reduced(target: float) -> None:
    """Experiment: `TesseractEngine.recognise` measures the text height of the image it is given (its cost is
    counted in the Tesseract stage), reduces the image to `target` when the text is taller (ocr.clean.rescale,
    area interpolation: a 0/255 page becomes gray and is handed over as gray) and maps the word boxes back to
    the image's pixels, so the combination, the second reading and everything downstream see the same
    geometry as before."""
    from dataclasses import replace

    from ocr import clean
    from ocr.engines import tesseract

    inner = tesseract.TesseractEngine.recognise

    def reduced(self, image, bilevel=False, gray=None):
        height = clean.estimate_text_height(image) if image.ndim == 2 else None
        if not height or target / height > 1 - clean.SCALE_TOLERANCE:
            return inner(self, image, bilevel=bilevel, gray=gray)
        small, matrix = clean.rescale(image, target / height)
        sx, sy = matrix[0, 0], matrix[1, 1]
        out = []
        for w in inner(self, small, bilevel=False, gray=None):
            left, top = int(w.left / sx), int(w.top / sy)
            right, bottom = int(round((w.left + w.width) / sx)), int(round((w.top + w.height) / sy))
            out.append(replace(w, left=left, top=top, width=right - left, height=bottom - top))
        return out

    tesseract.TesseractEngine.recognise = reduced


def plain_tesseract(path: Path, dpi: int | None) -> tuple[str, float]:
    cmd = ["tesseract", str(path), "-", "-l", "vie"] + (["--dpi", str(dpi)] if dpi else [])
    before = cpu()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False,
                          env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    return done.stdout, cpu() - before


def real_inputs() -> list[dict]:
    from corpus.realpages import transcribed_pages, transcription_words

    return [dict(name=p.name, file=p.image, dpi=None, truth=transcription_words(p.transcription),
                 handwritten=p.handwritten) for p in transcribed_pages()]


def bench_inputs(folder: Path, pages: int, seed: int) -> list[dict]:
    from throughput import build_scans  # bench/throughput.py

    return [dict(name=f"{s.pdf.stem} {s.level} {s.dpi}", file=s.pdf, png=s.png, dpi=s.dpi, truths=s.truths,
                 handwritten=False) for s in build_scans(folder, pages, seed)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--real", action="store_true", help="only the real pages")
    parser.add_argument("--bench", type=int, default=None, help="only this many bench pages")
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--pages", nargs="*", help="real page names (default: every transcribed page)")
    parser.add_argument("--engine", help="DONTHU_OCR_ENGINE for this run (default: the settings')")
    parser.add_argument("--set", nargs="*", default=[], metavar="MODULE.NAME=VALUE",
                        help="set a module constant for this run (e.g. ocr.engines.combined.LINE_DOUBT_BELOW=90)")
    parser.add_argument("--tesseract-text-height", type=float,
                        help="experiment: Tesseract's page reading alone gets the page reduced to this text height "
                             "(TrueOCR reads ocr.clean's scale); its boxes are mapped back to the page's pixels")
    parser.add_argument("--plain-from", type=Path,
                        help="take plain tesseract's text and CPU seconds per page from an earlier run's --json")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))

    from dataclasses import replace

    from corpus.metrics import char_errors
    from corpus.realpages import recall
    from donthu.config import load_settings
    from ingest.pipeline import process_bytes
    from ingest.tasks import one_thread_per_process

    from engines import set_constants  # bench/engines.py

    one_thread_per_process()
    set_constants(args.set)
    settings = load_settings()
    if args.engine:
        settings = replace(settings, ocr_engine=args.engine)
    # what a pool worker loads before its first document (ingest.tasks.warm_up, less the store and index)
    from classify import analyse
    from ocr import engine, engines

    engine.backend(settings.ocr_lang, choice=settings.ocr_backend)
    engines.engine_for(settings)
    analyse("Kính gửi: Ủy ban nhân dân huyện Chợ Mới")
    if args.tesseract_text_height:
        tesseract_reads_reduced(args.tesseract_text_height)
        print(f"Tesseract's page reading reduced to text height {args.tesseract_text_height:g} px")
    profile = Profile()
    instrument(profile)
    print(f"engine {settings.ocr_engine}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
          f"load {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}", flush=True)

    with tempfile.TemporaryDirectory(prefix="donthu-ocr-cpu-") as tmp:
        inputs: list[dict] = []
        if args.bench is None or args.real:
            inputs += [dict(r, set="real") for r in real_inputs() if not args.pages or r["name"] in args.pages]
        if not args.real:
            inputs += [dict(b, set="bench") for b in bench_inputs(Path(tmp) / "scans", args.bench or 12, args.seed)]
        rows = []
        print(f"{'set':5s} {'page':38s} {'plain s':>7s} {'ours s':>7s} {'ratio':>5s} {'plain':>6s} {'ours':>6s}  "
              f"path", flush=True)
        earlier = {(r["set"], r["page"]): r for r in json.loads(args.plain_from.read_text())} if args.plain_from else {}
        for item in inputs:
            if (item["set"], item["name"]) in earlier:
                plain_text, plain_s = earlier[(item["set"], item["name"])]["plain_text"], \
                    earlier[(item["set"], item["name"])]["plain_s"]
            else:
                plain_text, plain_s = plain_tesseract(item.get("png", item["file"]), item["dpi"])
            profile.take()
            profile.take_calls()
            before = cpu()
            done = process_bytes(Path(item["file"]).read_bytes(), Path(item["file"]).name, settings)
            ours_s = cpu() - before
            stages = profile.take()
            calls = profile.take_calls()
            text = "\n".join(p.text for p in done.pages)
            if item["set"] == "real":
                score = lambda t: recall(item["truth"], t).value  # noqa: E731 - recall, higher is better
            else:
                score = lambda t: min(char_errors(truth, t).distance / max(1, char_errors(truth, t).length)  # noqa: E731
                                      for truth in item["truths"])  # CER, lower is better
            path = ",".join(sorted({p.ocr_path or p.source for p in done.pages}))
            scale = ",".join(n for p in done.pages for n in p.notes if n.startswith("scale ")) or "scale 1"
            row = dict(set=item["set"], page=item["name"], handwritten=item["handwritten"], plain_s=round(plain_s, 3),
                       ours_s=round(ours_s, 3), plain=round(score(plain_text), 4), ours=round(score(text), 4),
                       path=path, scale=scale, plain_text=plain_text, calls=calls,
                       stages={f"{k[0]}|{k[1]}": round(v, 4) for k, v in stages.items()})
            rows.append(row)
            print(f"{row['set']:5s} {row['page']:38s} {plain_s:7.2f} {ours_s:7.2f} {plain_s / max(1e-9, ours_s):5.2f} "
                  f"{row['plain']:6.3f} {row['ours']:6.3f}  {path} ({scale})", flush=True)

    for which in ("real", "bench"):
        group = [r for r in rows if r["set"] == which]
        if not group:
            continue
        n = len(group)
        plain = sum(r["plain_s"] for r in group)
        ours = sum(r["ours_s"] for r in group)
        print(f"\n{which}: {n} pages; CPU s/page plain tesseract {plain / n:.3f}, pipeline {ours / n:.3f}; "
              f"pipeline throughput ÷ plain per core {plain / ours:.2f}×")
        stage_sum: dict[tuple[str, str], float] = defaultdict(float)
        for r in group:
            for key, value in r["stages"].items():
                stage_sum[tuple(key.split("|"))] += value
        accounted = sum(stage_sum.values())
        readings = ["-", "first", "alternative", "flattened"]
        stages = sorted({s for _, s in stage_sum}, key=lambda s: -sum(stage_sum[(k, s)] for k in readings))
        print(f"  {'stage (CPU s/page)':22s} " + " ".join(f"{k if k != '-' else 'outside':>11s}" for k in readings)
              + f" {'all':>8s}")
        for stage in stages:
            values = [stage_sum[(k, stage)] / n for k in readings]
            print(f"  {stage:22s} " + " ".join(f"{v:11.3f}" for v in values) + f" {sum(values):8.3f}")
        print(f"  {'not wrapped (decode, order, …)':22s} {'':>47s} {(ours - accounted) / n:8.3f}")
        calls_sum: dict[str, int] = defaultdict(int)
        for r in group:
            for key, value in r.get("calls", {}).items():
                calls_sum[key] += value
        for key, value in sorted(calls_sum.items()):
            print(f"  {key}: {value / n:.1f} a page")
        if which == "real":
            printed = [r for r in group if not r["handwritten"]]
            print(f"  printed pages: mean recall plain {sum(r['plain'] for r in printed) / len(printed):.3f}, "
                  f"pipeline {sum(r['ours'] for r in printed) / len(printed):.3f}")
    threads = len(os.listdir("/proc/self/task"))
    print(f"\nthreads in this process now: {threads}; load {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} "
          f"{os.getloadavg()[2]:.1f}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
