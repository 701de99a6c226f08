"""The learned part of type detection: a spaCy `textcat` (bag of n-grams) over the folded text.

The component sits in the same pipeline as the evidence PhraseMatcher (`classify.pipeline.get_nlp`) and reads
the same folded tokens, so OCR's lost diacritics do not matter. Its weights ship with the package in
`classify/model/type_textcat/` and are rebuilt reproducibly by `make model` (`corpus.training`); the
training seeds are recorded in `meta.json` and never include the evaluation seed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from classify.doctype import TYPES

MODEL_DIR = Path(__file__).parent / "model" / "type_textcat"
PIPE = "type_textcat"

#: exclusive classes, unigrams to trigrams of folded syllables (≈ Vietnamese words and short phrases),
#: hashed into 2^17 buckets: 2 MB of weights, ~1 ms per page
CONFIG: dict[str, Any] = {
    "threshold": 0.0,
    "model": {
        "@architectures": "spacy.TextCatBOW.v3",
        "exclusive_classes": True,
        "ngram_size": 3,
        "no_output_layer": False,
        "length": 2**17,
    },
}


def add_type_textcat(nlp: Language, model_dir: Path | None = MODEL_DIR) -> Any:
    """Add the component to `nlp`; load its trained weights from `model_dir` (None: untrained, for training)."""
    pipe = nlp.add_pipe("textcat", name=PIPE, config=CONFIG)
    if model_dir is not None:
        pipe.from_disk(model_dir / "textcat")
    else:
        for label in TYPES:
            pipe.add_label(label)
    return pipe


def has_model(model_dir: Path = MODEL_DIR) -> bool:
    return (model_dir / "textcat" / "model").is_file()


def model_meta(model_dir: Path = MODEL_DIR) -> dict[str, Any]:
    """What the shipped model was trained on (seeds, sizes, held-out scores), from `meta.json`."""
    path = model_dir / "meta.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def type_probabilities(doc: Doc) -> dict[str, float]:
    """P(type | text) from the textcat, or {} when the pipeline has no such component."""
    return {t: float(doc.cats.get(t, 0.0)) for t in TYPES} if doc.cats else {}
