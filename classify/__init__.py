"""Vietnamese understanding on spaCy: kind, type, parties, parcels, references.

`analyse(text) -> donthu.schema.Analysis` is the entry point (see `classify.pipeline`); the modules are:
`normalize` (NFC, OCR repairs, offset-keeping folding), `numbers` and `dates` (Vietnamese-written numbers,
areas and dates), `places` (An Giang gazetteer), `parcels`, `parties`, `references`, `kind` (title),
`doctype` (type by content), `pipeline` (the spaCy pipeline built once per process).
"""

from classify.pipeline import analyse

__all__ = ["analyse"]
