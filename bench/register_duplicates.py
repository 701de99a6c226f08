"""Duplicate and related letters: precision/recall of the proposals on a generated register, and candidate
look-up time at a large register (issue 17: P >= 0.95, R >= 0.90, look-up <= 100 ms at 100,000 letters).

    python bench/register_duplicates.py quality --n 2000 --seed 202
    python bench/register_duplicates.py speed --n 100000 --seed 303 --queries 300

Prints the results (the docs keep them in docs/bench-output/). The register is `corpus.register` (text level:
generated letters through an OCR-slip model, with planted duplicates and near-misses).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus.register import PLANTS, evaluate, generate_register, to_letter  # noqa: E402
from records.register.duplicates import DuplicateIndex, minhash  # noqa: E402


def _header(args) -> None:
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  {platform.node()}  python {platform.python_version()}"
          f"  cpus {os.cpu_count()}  args {vars(args)}")
    print(f"# plants per matter: {PLANTS}")


def quality(args) -> None:
    _header(args)
    t = time.perf_counter()
    entries = generate_register(args.n, args.seed)
    print(f"generated {len(entries)} letters from {args.n} matters in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    r = evaluate(entries)
    print(f"registered and proposed in {time.perf_counter() - t:.1f} s")
    errors = r.pop("errors")
    print(json.dumps(r, ensure_ascii=False, indent=1))
    print(f"precision {r['precision']:.3f}  recall {r['recall']:.3f}  (pairs: {r['right']} right, {r['wrong']} wrong,"
          f" {r['missed']} missed)")
    for e in errors[: args.show]:
        print(json.dumps(e, ensure_ascii=False))


def speed(args) -> None:
    _header(args)
    t = time.perf_counter()
    entries = generate_register(args.n, args.seed)
    print(f"generated {len(entries)} letters from {args.n} matters in {time.perf_counter() - t:.1f} s")
    rng = random.Random(args.seed)
    # queries: letters held out of the index, planted duplicates among them (their first letter is indexed)
    planted = [e for e in entries if e["plant"] != "base"]
    others = [e for e in entries if e["plant"] == "base"]
    queries = rng.sample(planted, min(len(planted), args.queries // 2))
    queries += rng.sample(others, args.queries - len(queries))
    held = {e["id"] for e in queries}
    index = DuplicateIndex()
    t = time.perf_counter()
    for i, e in enumerate(entries):
        if e["id"] not in held:
            index.add(to_letter(e))
        if (i + 1) % 20000 == 0:
            print(f"  indexed {i + 1} in {time.perf_counter() - t:.0f} s", flush=True)
    build = time.perf_counter() - t
    print(f"index: {len(index)} letters in {build:.0f} s ({build / len(index) * 1000:.1f} ms per letter);"
          f" peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    total, lookup, found = [], [], 0
    for e in queries:
        letter = to_letter(e)
        t0 = time.perf_counter()
        mh = minhash(letter.text, letter.senders)
        t1 = time.perf_counter()
        props = index.propose(letter, mh=mh)
        t2 = time.perf_counter()
        total.append((t2 - t0) * 1000)
        lookup.append((t2 - t1) * 1000)
        found += bool(props)

    def q(xs: list[float], p: float) -> float:
        return sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]

    for name, xs in (("look-up incl. MinHash of the new letter", total), ("index look-up and scoring only", lookup)):
        print(f"{name}: median {statistics.median(xs):.1f} ms, p95 {q(xs, 0.95):.1f} ms, max {max(xs):.1f} ms"
              f" ({len(xs)} queries)")
    print(f"queries with at least one proposal: {found} of {len(queries)}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("quality")
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--seed", type=int, default=202)
    p.add_argument("--show", type=int, default=30, help="errors to print")
    p.set_defaults(fn=quality)
    p = sub.add_parser("speed")
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=303)
    p.add_argument("--queries", type=int, default=300)
    p.set_defaults(fn=speed)
    a = ap.parse_args(argv)
    a.fn(a)


if __name__ == "__main__":
    main()
