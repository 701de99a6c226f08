"""Vietnamese understanding on spaCy: kind, type, parties, parcels, references.

`analyse(text) -> donthu.schema.Analysis` is the entry point (see `classify.pipeline`); the modules are:
`normalize` (NFC, OCR repairs, offset-keeping folding), `numbers` and `dates` (Vietnamese-written numbers,
areas and dates), `places` (An Giang gazetteer), `parcels`, `parties`, `references`, `kind` (title),
`doctype` (type by content), `pipeline` (the spaCy pipeline built once per process).
"""

__all__ = ["analyse"]


def __getattr__(name: str):
    """`classify.analyse`, imported on first use: the spaCy pipeline is heavy, and `classify.gazetteer` or
    `classify.normalize` alone (the CLI's `place`, the search analysers) must not load it."""
    if name == "analyse":
        from classify.pipeline import analyse

        return analyse
    raise AttributeError(f"module 'classify' has no attribute {name!r}")
