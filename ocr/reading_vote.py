"""Word by word, the kept reading of a poor page checked against the other readings of the same page.

A page whose first reading was poor (ocr.page.choose_reading) is read several ways — the cleaned page turned,
the page as captured, the gray page with its background flattened — and one reading is kept whole. The other
readings come from other images of the same paper (thresholded or gray, enlarged or not, another clean-up), so
their mistakes fall on other words: where one of them reads a word at the same place differently, and better
by a measurable sign, its word is taken. Nothing is read again: the readings were made anyway.

A word of another reading (`vote`) replaces the kept reading's word at the same place (boxes, mapped into
the kept reading's geometry, overlapping by at least MIN_OVERLAP of their union, each paired at most once per
reading) when it is a well-formed Vietnamese syllable, number or code (ocr.engines.combined.token_ok) and a
syllable in use (ocr.syllables.in_use, for words with letters), the two differ in more than letter case, and
one of these holds:
- the kept word is misformed (misread text: "tto(‡Ý4/2zGC", a broken tone);
- the kept word is well-formed but not a syllable in use ("quyễn", "điếm");
- the kept word is unsure (confidence below UNSURE_BELOW) and the other reading's is surer by SURER_BY points;
- two other readings read the same word there, each surer than the kept word;
the last two only between words of one kind (both with a digit or both without: a number is not voted into a
word or back on confidence alone).
Readings far below the kept one (quality score under MIN_SCORE_SHARE of its score: a page read the wrong way
round) take no part.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol, Sequence

import numpy as np

from ocr.engine import RecognisedWord
from ocr.engines.combined import token_ok, words_in_use

#: boxes of two readings' words at the same place overlap by at least this share of their union
MIN_OVERLAP = 0.5
#: a kept word below this confidence (0-100) is unsure: a surer reading of the same place may replace it
#: (the confidence at which ocr.quality accepts a page, and from which ocr.engines.combined trusts a TrueOCR word)
UNSURE_BELOW = 80.0
#: …when the other reading's word is surer by this many points
SURER_BY = 10.0
#: readings whose quality score is below this share of the kept reading's take no part
MIN_SCORE_SHARE = 0.5


class Geometry(Protocol):
    def boxes_to_original(self, boxes: np.ndarray) -> np.ndarray: ...

    @property
    def matrix(self) -> tuple[tuple[float, ...], ...]: ...


@dataclass(frozen=True)
class OtherReading:
    """Another reading of the page: its words and the transform (ocr.clean.Transform) of the image it read."""

    found: Sequence[RecognisedWord]
    transform: Geometry
    score: float


def _boxes(words: Sequence[RecognisedWord]) -> np.ndarray:
    return np.array([[w.left, w.top, w.width, w.height] for w in words], np.float64).reshape(-1, 4)


def mapped_boxes(words: Sequence[RecognisedWord], source: Geometry, target: Geometry) -> np.ndarray:
    """(left, top, width, height) of `words` (boxes on the image `source` made) on the image `target` made:
    through the original page, each box's corners mapped and enclosed."""
    boxes = source.boxes_to_original(_boxes(words)).astype(np.float64)
    left, top = boxes[:, 0], boxes[:, 1]
    right, bottom = left + boxes[:, 2], top + boxes[:, 3]
    ones = np.ones_like(left)
    corners = np.stack([np.stack([left, top, ones], -1), np.stack([right, top, ones], -1),
                        np.stack([left, bottom, ones], -1), np.stack([right, bottom, ones], -1)], 1)
    mapped = corners @ np.array(target.matrix, np.float64).T
    xs, ys = mapped[..., 0] / mapped[..., 2], mapped[..., 1] / mapped[..., 2]
    return np.stack([xs.min(1), ys.min(1), xs.max(1) - xs.min(1), ys.max(1) - ys.min(1)], 1)


def _overlaps(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Intersection over union of `box` with each of `boxes`."""
    x0, y0 = np.maximum(box[0], boxes[:, 0]), np.maximum(box[1], boxes[:, 1])
    x1 = np.minimum(box[0] + box[2], boxes[:, 0] + boxes[:, 2])
    y1 = np.minimum(box[1] + box[3], boxes[:, 1] + boxes[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    return inter / np.maximum(1e-9, box[2] * box[3] + boxes[:, 2] * boxes[:, 3] - inter)


def better_word(kept: RecognisedWord, other: RecognisedWord) -> bool:
    """Whether `other` (another reading's word at the same place) replaces `kept` on its own (module doc)."""
    if not _candidate(kept, other):
        return False
    kept_ok = token_ok(kept.text)
    if kept_ok is False:
        return True
    if kept_ok is True and not words_in_use(kept.text):
        return True
    return (_same_kind(kept, other) and kept.confidence < UNSURE_BELOW
            and other.confidence >= kept.confidence + SURER_BY)


def _candidate(kept: RecognisedWord, other: RecognisedWord) -> bool:
    """`other` may replace `kept` at all: a different word (not only by case), well-formed and in use."""
    if kept.text.lower() == other.text.lower() or not any(ch.isalnum() for ch in other.text):
        return False
    return token_ok(other.text) is True and words_in_use(other.text)


def _same_kind(kept: RecognisedWord, other: RecognisedWord) -> bool:
    """Both hold a digit or neither does: a surer reading does not turn a number into a word or back."""
    return any(ch.isdigit() for ch in kept.text) == any(ch.isdigit() for ch in other.text)


def vote(kept: Sequence[RecognisedWord], kept_transform: Geometry, kept_score: float,
         others: Sequence[OtherReading]) -> tuple[list[RecognisedWord], int]:
    """The kept reading's words with those another reading reads better replaced (module doc), and how many
    were replaced. A replacing word keeps the kept word's box and layout numbers."""
    out = list(kept)
    if not out:
        return out, 0
    boxes = _boxes(out)
    proposals: list[list[RecognisedWord]] = [[] for _ in out]  # per kept word, the other readings' words there
    for reading in others:
        if not reading.found or reading.score < MIN_SCORE_SHARE * kept_score:
            continue
        taken: set[int] = set()
        for word, box in zip(reading.found, mapped_boxes(reading.found, reading.transform, kept_transform)):
            if not any(ch.isalnum() for ch in word.text):
                continue
            overlaps = _overlaps(box, boxes)
            best = int(overlaps.argmax())
            if overlaps[best] >= MIN_OVERLAP and best not in taken:
                taken.add(best)
                proposals[best].append(word)
    replaced = 0
    for i, candidates in enumerate(proposals):
        word = out[i]
        chosen = next((c for c in candidates if better_word(word, c)), None)
        if chosen is None:
            for c in candidates:
                agreeing = [d for d in candidates if d.text == c.text and d.confidence > word.confidence]
                if len(agreeing) >= 2 and _candidate(word, c) and _same_kind(word, c):
                    chosen = c
                    break
        if chosen is not None:
            out[i] = replace(word, text=chosen.text, confidence=chosen.confidence)
            replaced += 1
    return out, replaced
