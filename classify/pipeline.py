"""The spaCy pipeline (built once per process) and `analyse(text) -> Analysis`.

The pipeline is a blank Vietnamese `Language` with a punctuation-aware whitespace tokenizer (pyvi word
segmentation costs ~30 ms a page and the rules do not need it) and a PhraseMatcher that marks type evidence
in `doc.spans["evidence"]`. It runs on the *folded* text (`fold_aligned`: no diacritics, lower case, same
character offsets as the NFC text), so `khieu nai`, `khiêu nai` and `KHIẾU NẠI` match one pattern and a
span's offsets slice the original text.
"""

from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from donthu.schema import Analysis

from classify.dates import document_date
from classify.doctype import EVIDENCE, Hit, decide_type
from classify.gazetteer import attach_places
from classify.kind import detect_kind, title_lines
from classify.normalize import fold_aligned, normalize_text
from classify.parcels import extract_parcels
from classify.parties import extract_parties
from classify.references import extract_references
from classify.textcat import add_type_textcat, type_probabilities

_TOKEN = re.compile(r"\w+|[^\w\s]")
EVIDENCE_KEY = "evidence"


class _Tokenizer:
    """Words and punctuation marks; `doc.text == text` (extra whitespace becomes whitespace tokens, as in
    spaCy's own tokenizer), so character offsets of spans are offsets in the input."""

    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []

        def whitespace(gap: str) -> None:
            """What stands between two tokens (or after the last): a first space trails the previous token,
            the rest becomes a whitespace token."""
            if words and gap[:1] == " ":
                spaces[-1] = True
                gap = gap[1:]
            if gap:
                words.append(gap)
                spaces.append(False)

        pos = 0
        for m in _TOKEN.finditer(text):
            whitespace(text[pos:m.start()])
            words.append(m.group(0))
            spaces.append(False)
            pos = m.end()
        whitespace(text[pos:])
        return Doc(self.vocab, words=words, spaces=spaces)


@Language.factory("donthu_evidence")
def _make_evidence(nlp: Language, name: str):
    return _EvidenceMarker(nlp)


class _EvidenceMarker:
    """PhraseMatcher on folded tokens: type evidence phrases → doc.spans['evidence'] labelled by type."""

    def __init__(self, nlp: Language):
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        for doc_type, phrases in EVIDENCE.items():
            self.matcher.add(doc_type, [nlp.make_doc(p) for p in phrases])

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[EVIDENCE_KEY] = [Span(doc, s, e, label=mid) for mid, s, e in self.matcher(doc)]
        return doc


def blank_nlp() -> Language:
    """A blank Vietnamese pipeline with the offset-keeping tokenizer (no components)."""
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.tokenizer = _Tokenizer(nlp.vocab)
    return nlp


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The pipeline, built once per process: evidence matcher, then the trained type textcat."""
    nlp = blank_nlp()
    nlp.add_pipe("donthu_evidence")
    add_type_textcat(nlp)
    return nlp


def folded_view(clean: str) -> str:
    """What the spaCy pipeline reads: the folded text on one line, same offsets as `clean`.

    Phrases match across a wrapped line; a blank line (two spaces now) still separates them.
    """
    return fold_aligned(clean).replace("\n", " ")


def evidence_hits(doc: Doc) -> list[Hit]:
    """Evidence spans of a doc made from folded text (offsets valid in the unfolded text too)."""
    return [Hit(s.start_char, s.end_char, s.label_, s.text) for s in doc.spans[EVIDENCE_KEY]]


def analyse(text: str) -> Analysis:
    """Kind, type (with confidence and evidence), parties, parcels, references and date of one document; the
    places of addresses and parcels resolved to their old and new units (classify.gazetteer) last."""
    clean = normalize_text(text)
    doc = get_nlp()(folded_view(clean))
    kind = detect_kind(clean)
    decision = decide_type(clean, evidence_hits(doc), title_lines(clean), type_probabilities(doc), kind)
    analysis = Analysis(
        kind=kind,
        type=decision.type,
        type_confidence=decision.confidence,
        type_evidence=decision.evidence,
        parties=extract_parties(clean, decision.type, kind),
        parcels=extract_parcels(clean),
        references=extract_references(clean),
        date=document_date(clean),
    )
    return attach_places(analysis, clean)
