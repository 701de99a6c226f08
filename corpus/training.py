"""Train the type `textcat` (`classify.textcat`) on generated documents, reproducibly.

    donthu train-type [--n 4000] [--seed 1001] [--dev-seed 1002] [--epochs 8] [--out classify/model/type_textcat]

Training texts come from the corpus generator (`corpus.content.generate_docs`) with seeds that must differ
from the evaluation seeds (`EVAL_SEEDS`: 2026 for docs/quality.md, 11 for the development corpus), half of
them with simulated OCR noise (`ocr_noise`), and go through exactly the normalisation and folding that
`classify.analyse` applies to OCR output. The same seeds give the same weights (spaCy's `fix_random_seed`).
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch

from classify.textcat import MODEL_DIR, PIPE, TYPES, add_type_textcat

#: corpus seeds used for measurement, never for training
EVAL_SEEDS = frozenset({2026, 11})

# what Tesseract does to Vietnamese letters (before folding): look-alike letters and digits
_LOOK_ALIKES: dict[str, str] = {
    "l": "1Ii", "i": "l1", "I": "l1", "o": "0c", "O": "0Q", "c": "eo", "e": "c", "n": "r", "m": "n",
    "h": "b", "b": "h", "u": "v", "v": "u", "t": "f", "g": "q", "đ": "d", "Đ": "D", "a": "o", "s": "5",
}


def ocr_noise(text: str, rng: random.Random, rate: float) -> str:
    """Corrupt `rate` of the letters like OCR does: look-alike substitutions, dropped letters, split words."""
    out: list[str] = []
    for ch in text:
        if not ch.isalpha() or rng.random() >= rate:
            out.append(ch)
            continue
        op = rng.random()
        if op < 0.5:
            out.append(rng.choice(_LOOK_ALIKES.get(ch, "aeo")))
        elif op < 0.7:
            continue
        elif op < 0.85:
            out.append(ch + " ")
        else:
            out.append(ch + rng.choice(".,'"))
    return "".join(out)


@dataclass
class Sample:
    text: str  # the folded view `classify.pipeline.folded_view` gives the pipeline
    label: str


def samples(n: int, seed: int, noisy_share: float = 0.5) -> list[Sample]:
    """`n` generated documents of `seed` as training samples, `noisy_share` of them with OCR noise."""
    from classify.pipeline import folded_view
    from classify.normalize import normalize_text
    from corpus.content import generate_docs

    if seed in EVAL_SEEDS:
        raise ValueError(f"seed {seed} is an evaluation seed; training must not see it")
    rng = random.Random(seed * 7919)
    out = []
    for doc in generate_docs(n, seed):
        text = "\n".join(line.text for line in doc.lines)
        if rng.random() < noisy_share:
            text = ocr_noise(text, rng, rate=rng.uniform(0.01, 0.06))
        out.append(Sample(folded_view(normalize_text(text)), doc.type))
    return out


def blank_pipeline() -> spacy.language.Language:
    """The tokenizer of `classify.pipeline` and an untrained type textcat."""
    from classify.pipeline import blank_nlp

    nlp = blank_nlp()
    add_type_textcat(nlp, None)
    return nlp


def _examples(nlp, data: list[Sample]) -> list[Example]:
    return [Example.from_dict(nlp.make_doc(s.text), {"cats": {t: float(t == s.label) for t in TYPES}})
            for s in data]


def score(nlp, data: list[Sample]) -> dict[str, float]:
    """Accuracy and macro-F1 of the textcat alone on `data`."""
    pipe = nlp.get_pipe(PIPE)
    gold = [s.label for s in data]
    pred = [max(doc.cats, key=doc.cats.get) for doc in pipe.pipe(nlp.make_doc(s.text) for s in data)]
    f1s = []
    for t in TYPES:
        tp = sum(g == p == t for g, p in zip(gold, pred))
        fp = sum(p == t != g for g, p in zip(gold, pred))
        fn = sum(g == t != p for g, p in zip(gold, pred))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return {"accuracy": round(sum(g == p for g, p in zip(gold, pred)) / max(1, len(gold)), 4),
            "macro_f1": round(sum(f1s) / len(f1s), 4), "n": len(gold)}


def train_type_model(out_dir: Path = MODEL_DIR, *, n: int = 4000, seed: int = 1001, dev_n: int = 600,
                     dev_seed: int = 1002, epochs: int = 8, log=print) -> dict[str, Any]:
    """Train, score on the held-out seed, write `out_dir/textcat` and `out_dir/meta.json`; returns the meta."""
    if dev_seed == seed:
        raise ValueError("the held-out seed must differ from the training seed")
    start = time.perf_counter()
    fix_random_seed(0)
    nlp = blank_pipeline()
    train = samples(n, seed)
    dev = samples(dev_n, dev_seed)
    examples = _examples(nlp, train)
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=32):
            nlp.update(batch, sgd=optimizer, losses=losses)
        log(f"epoch {epoch + 1}/{epochs}: loss {losses.get(PIPE, 0.0):.3f}, held-out {score(nlp, dev)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp.get_pipe(PIPE).to_disk(out_dir / "textcat")
    meta = {
        "component": "spaCy textcat (TextCatBOW.v3, 1-3-grams of folded syllables), exclusive types",
        "labels": list(TYPES),
        "train": {"generator_seed": seed, "documents": n, "noisy_share": 0.5, "epochs": epochs},
        "held_out": {"generator_seed": dev_seed, **score(nlp, dev)},
        "never_trained_on_seeds": sorted(EVAL_SEEDS),
        "spacy": spacy.__version__,
        "seconds": round(time.perf_counter() - start, 1),
    }
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return meta
