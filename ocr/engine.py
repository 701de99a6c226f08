"""Tesseract recognition (pytesseract.image_to_data): words with boxes, confidences and layout numbers,
and the page text in Tesseract's reading order (blocks → paragraphs → lines)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pytesseract

from donthu.text import nfc

#: LSTM engine, automatic page segmentation; keep runs of spaces inside lines (tables, signature blocks)
DEFAULT_CONFIG = "--oem 1 --psm 3 -c preserve_interword_spaces=1"


class EngineError(RuntimeError):
    """Tesseract could not run or failed on the image."""


@dataclass
class RecognisedWord:
    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float  # 0-100
    block: int
    paragraph: int
    line: int  # Tesseract's line number within its paragraph


def recognise(image: np.ndarray, lang: str = "vie", config: str = DEFAULT_CONFIG, timeout: float = 0) -> list[RecognisedWord]:
    """Words (non-empty, NFC) on a gray/binary/BGR uint8 image in Tesseract's reading order."""
    try:
        data = pytesseract.image_to_data(
            image, lang=lang, config=config, output_type=pytesseract.Output.DICT, timeout=timeout
        )
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, RuntimeError, OSError) as exc:
        raise EngineError(f"Tesseract failed: {exc}") from exc
    words: list[RecognisedWord] = []
    for i, raw in enumerate(data["text"]):
        text = nfc(str(raw)).strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        words.append(
            RecognisedWord(
                text=text,
                left=int(data["left"][i]),
                top=int(data["top"][i]),
                width=int(data["width"][i]),
                height=int(data["height"][i]),
                confidence=conf,
                block=int(data["block_num"][i]),
                paragraph=int(data["par_num"][i]),
                line=int(data["line_num"][i]),
            )
        )
    return words


#: a gap wider than this many line heights between two words of a line separates two columns
COLUMN_GAP_LINE_HEIGHTS = 1.5

Line = list[RecognisedWord]


def _segments(line: Line) -> list[Line]:
    """Split a line where the gap between two words is wider than COLUMN_GAP_LINE_HEIGHTS line heights."""
    height = float(np.median([w.height for w in line])) if line else 0.0
    segments: list[Line] = [[line[0]]] if line else []
    for previous, word in zip(line, line[1:]):
        if word.left - (previous.left + previous.width) > COLUMN_GAP_LINE_HEIGHTS * height:
            segments.append([word])
        else:
            segments[-1].append(word)
    return segments


def _split_columns(lines: list[Line]) -> list[Line]:
    """Reading order for side-by-side columns that Tesseract merged into single lines (a header with the
    agency on the left and the national motto on the right, once the page is deskewed): consecutive lines
    whose segments all sit on either side of a common empty vertical channel are read left column first."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        segs = _segments(lines[i])
        if len(segs) != 2:
            out.append(lines[i])
            i += 1
            continue
        channel = [max(w.left + w.width for w in segs[0]), min(w.left for w in segs[1])]
        left: list[Line] = [segs[0]]
        right: list[Line] = [segs[1]]
        j = i + 1
        while j < len(lines):
            following = _segments(lines[j])
            if len(following) > 2:
                break
            lo = max(w.left + w.width for w in following[0]) if len(following) == 2 else None
            hi = min(w.left for w in following[1]) if len(following) == 2 else None
            if len(following) == 2 and lo < channel[1] and hi > channel[0]:
                channel = [max(channel[0], lo), min(channel[1], hi)]
                left.append(following[0])
                right.append(following[1])
            elif len(following) == 1 and max(w.left + w.width for w in following[0]) < channel[1]:
                left.append(following[0])
            elif len(following) == 1 and min(w.left for w in following[0]) > channel[0]:
                right.append(following[0])
            else:
                break
            j += 1
        out.extend(left)
        out.extend(right)
        i = j
    return out


def reading_order(words: list[RecognisedWord]) -> list[list[Line]]:
    """Paragraphs of lines of words in reading order: Tesseract's blocks → paragraphs → lines, with merged
    side-by-side columns split (left first) within each block."""
    blocks: dict[int, dict[int, dict[int, Line]]] = {}
    for word in words:
        blocks.setdefault(word.block, {}).setdefault(word.paragraph, {}).setdefault(word.line, []).append(word)
    paragraphs: list[list[Line]] = []
    columns: list[Line] = []  # lines of consecutive blocks holding side-by-side columns (one header)
    for block in blocks.values():
        block_lines = [line for paragraph in block.values() for line in paragraph.values()]
        if any(len(_segments(line)) == 2 for line in block_lines):
            columns.extend(block_lines)  # a header Tesseract cut into several blocks is read as one
            continue
        if columns:
            paragraphs.append(_split_columns(columns))
            columns = []
        paragraphs.extend(list(paragraph.values()) for paragraph in block.values())
    if columns:
        paragraphs.append(_split_columns(columns))
    return paragraphs


def page_text(words: list[RecognisedWord]) -> str:
    """Words joined by spaces, lines by "\n", paragraphs/blocks separated by a blank line (reading order)."""
    paragraphs = ["\n".join(" ".join(w.text for w in line) for line in lines) for lines in reading_order(words)]
    return nfc("\n\n".join(p for p in paragraphs if p.strip()))


def mean_confidence(words: list[RecognisedWord]) -> float | None:
    """Mean confidence of words with at least one letter or digit (0-100); None without such words."""
    real = [w.confidence for w in words if any(ch.isalnum() for ch in w.text)]
    return round(float(np.mean(real)), 2) if real else None


_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_CONF = re.compile(r"Orientation confidence:\s*([\d.]+)")


def osd_rotation(image: np.ndarray, min_confidence: float = 2.0) -> int | None:
    """Clockwise rotation (0/90/180/270) Tesseract's OSD proposes to make the page upright, or None.

    Costs ~1-2 s on a page: call only when cheap checks are unsure.
    """
    try:
        report = pytesseract.image_to_osd(image, config="--psm 0")
    except (pytesseract.TesseractError, RuntimeError, OSError):
        return None
    rotate = _ROTATE.search(report)
    conf = _CONF.search(report)
    if not rotate or not conf or float(conf.group(1)) < min_confidence:
        return None
    return int(rotate.group(1)) % 360
