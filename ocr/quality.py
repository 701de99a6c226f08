"""How well did a page read? Measurable signals of one OCR result, used to choose between ways of reading it.

A reading is judged by what a reader would check: how sure the engine was of its words (mean confidence) and
whether the words are Vietnamese at all — the language has a closed set of syllables (`ocr.syllables`), so a
page read upside down, through a background pattern or with its tone marks eaten reads as invalid syllables.

`score` is the confidence-weighted count of plausible tokens (valid syllables, numbers, abbreviations) less
the confidence-weighted count of invalid ones, tokens of one character left out: more correctly read text
scores higher, and a reading that finds more "words" by reading a background or noise as text pays for its
garbage. `acceptable` says a reading is good enough
that no other way of reading the page need be tried.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Protocol

from ocr import syllables

#: a reading at or above both is kept without trying alternatives; measured on the shared real pages
#: (docs/quality.md, "Page-level quality control"): every transcribed printed page's first reading with a
#: recall ≥ 0.9 had confidence ≥ 88 and valid share ≥ 0.93; the two failed readings (certificates, turned
#: the wrong way) had confidence 35-40
ACCEPT_CONFIDENCE = 80.0
ACCEPT_VALID_SHARE = 0.85
#: fewer judged word tokens than this: too little text to judge a reading by its language
MIN_JUDGED_WORDS = 8

_EDGE_PUNCTUATION = ".,;:!?()[]\"'“”‘’…*_-/«»"
_PLAUSIBLE = {syllables.VALID, syllables.NUMBER, syllables.ABBREVIATION}


class ScoredWord(Protocol):
    text: str
    confidence: float


@dataclass(frozen=True)
class PageQuality:
    confidence: float | None  # mean word confidence 0-100 over tokens with a letter or digit
    words: int  # tokens with a letter or digit
    judged: int  # tokens judged as syllables (valid + invalid)
    valid: int
    score: float  # confidence-weighted count of plausible tokens less that of invalid ones

    @property
    def valid_share(self) -> float | None:
        return self.valid / self.judged if self.judged else None

    @property
    def acceptable(self) -> bool:
        if self.confidence is None or self.confidence < ACCEPT_CONFIDENCE:
            return False
        share = self.valid_share
        return self.judged < MIN_JUDGED_WORDS or (share is not None and share >= ACCEPT_VALID_SHARE)

    def describe(self) -> str:
        share = self.valid_share
        conf = "-" if self.confidence is None else f"{self.confidence:.0f}"
        valid = "-" if share is None else f"{share:.0%}"
        return f"confidence {conf}, valid syllables {valid}, {self.words} words"


def judge(words: Iterable[ScoredWord]) -> PageQuality:
    """The quality of one reading from its recognised words (each with a 0-100 confidence)."""
    confidences: list[float] = []
    judged = valid = 0
    score = 0.0
    for word in words:
        if not any(ch.isalnum() for ch in word.text):
            continue
        confidences.append(word.confidence)
        cls = syllables.token_class(word.text)
        if cls in (syllables.VALID, syllables.INVALID):
            judged += 1
            valid += cls == syllables.VALID
        weight = max(0.0, min(100.0, word.confidence)) / 100.0
        if len(word.text.strip(_EDGE_PUNCTUATION)) < 2:
            continue  # one letter or mark: what noise and backgrounds read as, it proves nothing either way
        if cls in _PLAUSIBLE:
            score += weight
        elif cls == syllables.INVALID:
            score -= weight
    mean = round(sum(confidences) / len(confidences), 2) if confidences else None
    return PageQuality(confidence=mean, words=len(confidences), judged=judged, valid=valid, score=round(score, 2))
