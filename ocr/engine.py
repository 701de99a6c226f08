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


def page_text(words: list[RecognisedWord]) -> str:
    """Words joined by spaces, lines by "\\n", paragraphs/blocks separated by a blank line."""
    paragraphs: list[str] = []
    lines: list[str] = []
    current: list[str] = []
    key_line: tuple[int, int, int] | None = None
    for word in words:
        key = (word.block, word.paragraph, word.line)
        if key_line is not None and key != key_line:
            lines.append(" ".join(current))
            current = []
            if key[:2] != key_line[:2]:
                paragraphs.append("\n".join(lines))
                lines = []
        current.append(word.text)
        key_line = key
    if current:
        lines.append(" ".join(current))
    if lines:
        paragraphs.append("\n".join(lines))
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
