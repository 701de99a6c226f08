"""Word recall of donthu on the real pages, per page, beside plain `tesseract FILE - -l vie`.

    python bench/real_pages.py                  # every transcribed page (../shared/real-scans + tests/real_pages)
    python bench/real_pages.py --json out.json  # also the rows as JSON
    python bench/real_pages.py --pages congvan_chatapp70_p1 phone_landcert_2006

donthu reads each image through the whole pipeline (ingest.pipeline.process_bytes, nothing stored) with the
settings of the environment; plain Tesseract is the `tesseract` command with its defaults. Recall is counted
as the shared score_words.py counts it (corpus.realpages). Printed pages and handwritten pages are summed
apart: the targets of issue 13 are for printed pages.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus.realpages import recall, transcribed_pages, transcription_words  # noqa: E402
from donthu.config import load_settings  # noqa: E402
from ingest.pipeline import process_bytes  # noqa: E402


def plain_tesseract(path: Path) -> str:
    done = subprocess.run(["tesseract", str(path), "-", "-l", "vie"], capture_output=True, text=True, check=False)
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", nargs="*", help="page names (default: every transcribed page)")
    parser.add_argument("--json", type=Path, help="write the rows here")
    args = parser.parse_args(argv)
    settings = load_settings()
    rows = []
    print(f"{'page':36s} {'words':>5s} {'tesseract':>9s} {'donthu':>7s} {'diff':>6s}  {'s tess':>6s} "
          f"{'s donthu':>8s}  path", flush=True)
    for page in transcribed_pages():
        if args.pages and page.name not in args.pages:
            continue
        truth = transcription_words(page.transcription)
        start = time.perf_counter()
        plain = recall(truth, plain_tesseract(page.image))
        plain_seconds = time.perf_counter() - start
        start = time.perf_counter()
        done = process_bytes(page.image.read_bytes(), page.image.name, settings)
        ours_seconds = time.perf_counter() - start
        ours = recall(truth, "\n".join(p.text for p in done.pages))
        paths = ",".join(sorted({p.ocr_path or p.source for p in done.pages}))
        row = dict(page=page.name, handwritten=page.handwritten, words=plain.total, tesseract=plain.value,
                   donthu=ours.value, tesseract_found=plain.found, donthu_found=ours.found,
                   seconds_tesseract=round(plain_seconds, 2), seconds_donthu=round(ours_seconds, 2),
                   ocr_path=paths, confidence=[p.confidence for p in done.pages])
        rows.append(row)
        print(f"{page.name:36s} {plain.total:5d} {plain.value:9.3f} {ours.value:7.3f} {ours.value - plain.value:+6.3f}"
              f"  {plain_seconds:6.1f} {ours_seconds:8.1f}  {paths}", flush=True)
    for label, handwritten in (("printed", False), ("handwritten", True)):
        group = [r for r in rows if r["handwritten"] == handwritten]
        if not group:
            continue
        total = sum(r["words"] for r in group)
        mean = lambda key: sum(r[key] for r in group) / len(group)  # noqa: E731
        pooled = lambda key: sum(r[key] for r in group) / max(1, total)  # noqa: E731
        worse = [r["page"] for r in group if r["donthu"] < r["tesseract"]]
        print(f"{label}: {len(group)} pages, mean recall tesseract {mean('tesseract'):.3f} donthu {mean('donthu'):.3f}"
              f"; pooled {pooled('tesseract_found'):.3f} / {pooled('donthu_found'):.3f}"
              f"; donthu below tesseract on: {', '.join(worse) or 'none'}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
