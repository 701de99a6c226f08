"""Is this page handwritten? A page judged so goes to a person to type (review queue "cần nhập tay").

Neither engine here reads Vietnamese handwriting (README, "Handwriting"), so the useful thing to do with a
handwritten page is to notice it and hand it to a clerk. The judgement uses measurable signals only (no
model), from two sources:

- the shape of the ink (`ink_signals`): handwriting joins letters into long strokes (a large share of the ink
  is in connected components more than twice as wide as tall), its strokes are thin for their height
  (a monoline pen against a typeface's stems and serifs) and its components fill little of their boxes
  (loops, ascenders and slanted joins leave the box mostly empty);
- what the OCR made of it (`ocr_signals`): printed text is read with high word confidence; handwriting gives
  few words, nearly all with low confidence.

A page is handwritten when at least two of the three shape signals say so *and* the OCR did not read it as
print. The second condition is the guard for printed pages: a printed page the engine reads well is never
flagged, whatever its shapes. Thresholds and the pages they were set on: docs/handwriting.md.

Handwritten fill-ins on printed forms (a công văn's number and date written by hand) are not judged here:
such pages read as print.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from donthu.types import PageResult, Word

#: a component at least this many times wider than tall is a joined (cursive) word or more
JOINED_ASPECT = 2.0
#: shape thresholds — share of ink in joined components, median fill of a component's box, stroke width over
#: component height — midway between the real handwritten and the real printed pages (docs/handwriting.md:
#: handwritten 0.31-0.70 / 0.28-0.36 / 0.10-0.13, printed at most 0.18 / at least 0.46 / at least 0.136)
JOINED_SHARE_MIN = 0.245
FILL_MAX = 0.41
STROKE_RATIO_MAX = 0.13
#: an OCR word this confident is read as print
PRINTED_WORD_CONFIDENCE = 80.0
#: a page whose words are at least this share print-confident was read as print: never handwritten
PRINTED_SHARE_MAX = 0.6
#: fewer text-sized components than this: too little ink to judge (blank page, a stamp, a photo)
MIN_COMPONENTS = 30
#: the image is reduced to at most this many pixels on its long side before measuring (speed only)
WORK_SIDE = 2000


@dataclass(frozen=True)
class Verdict:
    """The judgement of one page and the signals it rests on (kept on the page's notes)."""

    handwritten: bool
    signals: dict[str, float] = field(default_factory=dict)
    reason: str = ""

    def note(self) -> str:
        shown = ", ".join(f"{k} {v:g}" for k, v in self.signals.items())
        return f"{'handwritten' if self.handwritten else 'not handwritten'}: {self.reason} ({shown})"


def _gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 3:
        image = cv2.cvtColor(image[..., :3], cv2.COLOR_BGR2GRAY)
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    longest = max(image.shape[:2])
    if longest > WORK_SIDE:
        scale = WORK_SIDE / longest
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return image


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Ink (255) on paper (0): a local-mean threshold (uneven light of phone photos), with long straight rules
    (grid paper, notebook lines, table borders) removed so they do not join or enclose the writing."""
    height, width = gray.shape
    block = max(15, (min(height, width) // 40) | 1)
    mask = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)
    horizontal = cv2.morphologyEx(
        mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, width // 25), 1)))
    vertical = cv2.morphologyEx(
        mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, height // 25))))
    return cv2.subtract(mask, cv2.bitwise_or(horizontal, vertical))


def ink_signals(image: np.ndarray) -> dict[str, float]:
    """Shape signals of the page's ink: `components` (text-sized), `joined_share`, `fill`, `stroke_ratio`."""
    mask = ink_mask(_gray(image))
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    stats = stats[1:]
    stats = stats[(stats[:, cv2.CC_STAT_AREA] >= 12) & (stats[:, cv2.CC_STAT_HEIGHT] >= 4)]
    if len(stats) == 0:
        return {"components": 0.0}
    heights = stats[:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    median = float(np.median(heights))
    text = stats[(heights > 0.5 * median) & (heights < 4 * median)]
    if len(text) < MIN_COMPONENTS:
        return {"components": float(len(text))}
    widths = text[:, cv2.CC_STAT_WIDTH].astype(np.float64)
    heights = text[:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    areas = text[:, cv2.CC_STAT_AREA].astype(np.float64)
    joined = float(areas[widths > JOINED_ASPECT * heights].sum() / areas.sum())
    fill = float(np.median(areas / (widths * heights)))
    # stroke width: twice the distance to the paper along the strokes' ridges (local maxima)
    distance = cv2.distanceTransform((mask > 0).astype(np.uint8), cv2.DIST_L2, 3)
    ridge = (distance > 0) & (distance >= cv2.dilate(distance, np.ones((3, 3), np.uint8)) - 1e-6)
    stroke = 2.0 * float(np.median(distance[ridge])) if ridge.any() else 0.0
    return {
        "components": float(len(text)),
        "joined_share": round(joined, 3),
        "fill": round(fill, 3),
        "stroke_ratio": round(stroke / float(np.median(heights)), 3),
    }


def ocr_signals(words: list[Word]) -> dict[str, float]:
    """`words` (with a letter or digit) and `printed_share`: the share of them read with confidence ≥ 80."""
    read = [w for w in words if w.confidence is not None and any(c.isalnum() for c in w.text)]
    if not read:
        return {"words": 0.0, "printed_share": 0.0}
    printed = sum(1 for w in read if w.confidence >= PRINTED_WORD_CONFIDENCE)
    return {"words": float(len(read)), "printed_share": round(printed / len(read), 3)}


def judge(image: np.ndarray | None, words: list[Word]) -> Verdict:
    """The verdict on one OCR page: its image (gray or BGR) and the words the OCR found on it."""
    read = ocr_signals(words)
    if read["printed_share"] >= PRINTED_SHARE_MAX:
        return Verdict(False, read, "read as print")
    if not isinstance(image, np.ndarray) or image.ndim not in (2, 3) or min(image.shape[:2]) < 32:
        return Verdict(False, read, "no image")
    shape = ink_signals(image)
    signals = {**shape, **read}
    if shape["components"] < MIN_COMPONENTS:
        return Verdict(False, signals, "too little ink to judge")
    votes = [
        shape["joined_share"] >= JOINED_SHARE_MIN,
        shape["fill"] <= FILL_MAX,
        shape["stroke_ratio"] <= STROKE_RATIO_MAX,
    ]
    if sum(votes) >= 2:
        return Verdict(True, signals, f"{sum(votes)} of 3 handwriting shapes, OCR not read as print")
    return Verdict(False, signals, f"{sum(votes)} of 3 handwriting shapes")


def flag(image: np.ndarray | None, result: PageResult) -> PageResult:
    """Judge an OCR'd page and mark it (`result.handwritten`, and a note when it is handwritten or the shapes
    were measured). The one call site is `ingest.pipeline.read_page`. Never raises: a failure to judge
    leaves the page unflagged with a note."""
    if result.error or result.source != "ocr" or "blank page" in result.notes:
        return result
    try:
        verdict = judge(image, result.words)
    except Exception as exc:  # noqa: BLE001 - judging must never lose a page that was read
        result.notes.append(f"handwriting not judged: {type(exc).__name__}: {exc}")
        return result
    result.handwritten = verdict.handwritten
    if verdict.reason != "read as print":
        result.notes.append(verdict.note())
    return result
