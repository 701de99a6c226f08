"""The tool commands of `donthu` — `corpus` (generate documents with ground truth), `eval` (run the
pipeline on them and report accuracy), `train-type` (train the type textcat) — registered through the
`donthu.commands` entry point (pyproject.toml), so the package itself never imports the tools."""

from __future__ import annotations

from pathlib import Path

from donthu.config import Settings


def cmd_corpus(args, settings: Settings) -> int:
    from corpus.content.wordings import generate_wordings
    from corpus.generate import generate_corpus

    docs = None
    if args.templates == "wordings":  # the second template set of issue 14 (corpus/content/wordings.py)
        docs = generate_wordings(args.n, args.seed)
    truths = generate_corpus(Path(args.outdir), args.n, args.seed, docs=docs)
    print(f"{len(truths)} documents written to {args.outdir} (seed {args.seed})")
    return 0


def cmd_eval(args, settings: Settings) -> int:
    from corpus.evaluate import run_cli

    return run_cli(args.corpus_dir, args.json, args.workers or settings.workers, not args.no_baseline, args.limit,
                   details=args.details, settings=settings, reanalyse_from=args.reanalyse)


def cmd_train_type(args, settings: Settings) -> int:
    from classify.textcat import MODEL_DIR
    from corpus.training import train_type_model

    out = Path(args.out) if args.out else MODEL_DIR
    meta = train_type_model(out, n=args.n, seed=args.seed, dev_n=args.dev_n, dev_seed=args.dev_seed,
                            epochs=args.epochs)
    print(f"type textcat written to {out}: held-out {meta['held_out']}")
    return 0


def add_commands(sub) -> None:
    """Register `corpus`, `eval` and `train-type` on the `donthu` sub-command parser."""
    p = sub.add_parser("corpus", help="generate a Vietnamese evaluation corpus with ground truth")
    p.add_argument("outdir")
    p.add_argument("--n", type=int, default=30)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--templates", choices=("own", "wordings"), default="own",
                   help="'wordings': the second, independently written template set (docs/quality.md)")
    p.set_defaults(func=cmd_corpus)

    p = sub.add_parser("eval", help="run the pipeline on a generated corpus and report accuracy")
    p.add_argument("corpus_dir")
    p.add_argument("--json", help="write the full report as JSON here")
    p.add_argument("--workers", type=int)
    p.add_argument("--no-baseline", action="store_true", help="skip raw tesseract -l vie")
    p.add_argument("--limit", type=int)
    p.add_argument("--details", action="store_true", help="list every document's mistakes")
    p.add_argument("--reanalyse", metavar="REPORT_JSON",
                   help="skip OCR: run understanding again on the page texts of this earlier --json report")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("train-type", help="train the type textcat on generated documents (make model)")
    p.add_argument("--out", help="model directory (default: the shipped one, classify/model/type_textcat)")
    p.add_argument("--n", type=int, default=4000, help="training documents")
    p.add_argument("--seed", type=int, default=1001, help="generator seed of the training documents")
    p.add_argument("--dev-n", type=int, default=600, help="held-out documents")
    p.add_argument("--dev-seed", type=int, default=1002, help="generator seed of the held-out documents")
    p.add_argument("--epochs", type=int, default=4)
    p.set_defaults(func=cmd_train_type)

