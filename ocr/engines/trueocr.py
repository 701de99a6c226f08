"""TrueOCR behind the engine seam: text-line detection, reading order and a CTC line recogniser for printed
Vietnamese, as ONNX models shipped inside the `trueocr` wheel (Apache-2.0), run by onnxruntime on the CPU
with one thread (the worker pool's processes are the parallelism). Nothing is downloaded: the models are
read from the installed package's `models/` folder.

TrueOCR reads lines, not words; the words and their boxes come from the recogniser's CTC output here: each
character is emitted at one time step of the line crop, whose position maps back to a page x, so a word
spans its characters' steps (half a character's width either side) and is as high as its line. A word's
confidence is the mean CTC peak probability of its characters × 100 (not calibrated like Tesseract's).

The page is read in ocr.clean's geometry (deskewed, turned upright, rescaled) but in its own gray tones
(ocr.engines.gray_view), not thresholded: on the real pages TrueOCR found 0.806 of the transcribed words
in ocr.clean's output, fewer than in the page itself (docs/quality.md). TrueOCR's own skew and orientation
search is not run.
"""

from __future__ import annotations

import math
import re
import unicodedata

import numpy as np

from donthu.text import nfc
from ocr.engine import EngineError, RecognisedWord

#: lines recognised per onnxruntime call at most (trueocr's default is 32). 8: TrueOCR 0.251 → 0.229 CPU s a page
#: with the same words, boxes and confidences on 61 pages (12 bench, 16 real, 33 corpus; smaller batches pad less
#: and stay in cache); 4 was cheaper still but read one of the 61 pages differently (docs/performance.md)
BATCH_SIZE = 8


def _step_to_x(steps: np.ndarray, stride: float, crop_width: int, input_width: int, line_left: float,
               line_height: float, pad_x: float) -> np.ndarray:
    """Page x of CTC time steps of a line crop read by the recogniser.

    The crop handed to the recogniser is the line box; trueocr.preprocess.crop_line widens it by `pad_x`
    line heights either side (white) and resizes it to `input_width` columns (so x scales by
    input_width / widened width)."""
    x0 = math.floor(-pad_x * line_height)
    widened = max(1, math.ceil(crop_width + pad_x * line_height) - x0)
    centre = (steps.astype(np.float64) + 0.5) * stride
    return line_left + x0 + centre * widened / max(1, input_width)


class TrueOcrEngine:
    """The TrueOCR models of the installed `trueocr` package, loaded once (one per worker process)."""

    name = "trueocr"
    wants_gray = True

    def __init__(self, threads: int = 1):
        try:
            from trueocr.page import PageEngine
            from trueocr.recognizer import Recognizer
        except ImportError as exc:  # pragma: no cover - a pinned dependency
            raise EngineError(f"TrueOCR is not installed: {exc}") from exc
        from pathlib import Path

        import trueocr

        model_dir = Path(trueocr.__file__).parent / "models"
        self.recogniser = Recognizer(model_dir, threads=threads)
        self.page = PageEngine(model_dir, threads=threads)
        self.version = trueocr.__version__

    # -- lines ---------------------------------------------------------------------------------------------
    def _read_lines(self, gray: np.ndarray, boxes: list[list[int]]) -> list[list[RecognisedWord]]:
        """Words of each line box (same order), with boxes in page pixels."""
        from trueocr.preprocess import pad_batch, prepare_image, width_batches

        rec = self.recogniser
        crops = [prepare_image(gray[y0:y1, x0:x1], max_width=rec.max_width, pad_y=rec.pad_y, pad_x=rec.pad_x)
                 for x0, y0, x1, y1 in boxes]
        out: list[list[RecognisedWord]] = [[] for _ in boxes]
        for selected in width_batches([c.shape[1] for c in crops], max_batch=BATCH_SIZE):
            tensor, widths = pad_batch([crops[i] for i in selected])
            ids, conf, lengths = rec.session.run(["ids", "conf", "lengths"], {"x": tensor, "widths": widths})
            stride = tensor.shape[-1] / ids.shape[1]
            for j, index in enumerate(selected):
                n = int(lengths[j])
                seq, probs = ids[j, :n], conf[j, :n]
                keep = (seq != 0) & np.concatenate(([True], seq[1:] != seq[:-1]))  # greedy CTC, blank = 0
                steps = np.flatnonzero(keep)
                x0, y0, x1, y1 = boxes[index]
                xs = _step_to_x(steps, stride, x1 - x0, crops[index].shape[1], x0, y1 - y0, rec.pad_x)
                chars = [rec.chars[int(t) - 1] for t in seq[keep]]
                out[index] = _words(chars, xs, probs[keep], (x0, y0, x1, y1))
        return out

    # -- the seam --------------------------------------------------------------------------------------------
    def detect(self, gray: np.ndarray, long_side: int | None = None) -> np.ndarray:
        """TrueOCR's line boxes [N, 5] of a gray page, the detector reading it at `long_side` pixels on its long
        side (None: the model's own, meta.json's det_long_side = 1024; the detector itself still reads again at a
        larger size when the median line it finds is under 9 of its pixels)."""
        if not long_side or long_side == self.page.long_side:
            return self.page.detect(gray)
        kept = self.page.long_side
        self.page.long_side = long_side
        try:
            return self.page.detect(gray)
        finally:
            self.page.long_side = kept

    def recognise(self, image: np.ndarray, bilevel: bool = False,
                  gray: np.ndarray | None = None, long_side: int | None = None) -> list[RecognisedWord]:
        """Words of a gray/binary/BGR uint8 page in TrueOCR's reading order (of `gray` when given: the same
        page not thresholded); `block` numbers TrueOCR's layout blocks in reading order, `paragraph` is 1,
        `line` counts lines within a block; `long_side`: the line detector's input size (`detect`)."""
        import cv2

        if gray is not None:
            image = gray
        from trueocr.order import _cluster, decode_blocks_order, line_features

        if image.ndim == 3:
            image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        gray = np.ascontiguousarray(image, dtype=np.uint8)
        try:
            found = self.detect(gray, long_side)
            h, w = gray.shape
            boxes: list[list[int]] = []
            for box in found:
                x0, y0 = (int(v) for v in np.floor(box[:2]))
                x1, y1 = (int(v) for v in np.ceil(box[2:4]))
                x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
                if x1 > x0 and y1 > y0:
                    boxes.append([x0, y0, x1, y1])
            if not boxes:
                return []
            lines = self._read_lines(gray, boxes)
            arr = np.asarray(boxes, np.float32).reshape(-1, 4)
            if len(boxes) >= 2:
                texts = [" ".join(word.text for word in line) for line in lines]
                feats = line_features(arr, (w, h), texts)[None]
                a, cls, same = self.page.order.run(
                    ["a", "cls", "same"], {"feats": feats, "mask": np.ones((1, len(boxes)), bool)})
                order = decode_blocks_order(a[0], same[0], arr, cls[0])
                block_of = {i: k for k, members in enumerate(_cluster(same[0])) for i in members}
            else:
                order, block_of = [0], {0: 0}
        except (RuntimeError, ValueError) as exc:  # onnxruntime raises RuntimeError subclasses
            raise EngineError(f"TrueOCR failed: {exc}") from exc
        words: list[RecognisedWord] = []
        block_numbers: dict[int, int] = {}
        line_numbers: dict[int, int] = {}
        for index in order:
            if not lines[index]:
                continue
            block = block_numbers.setdefault(block_of[index], len(block_numbers) + 1)
            line_numbers[block] = line_numbers.get(block, 0) + 1
            for word in lines[index]:
                word.block, word.paragraph, word.line = block, 1, line_numbers[block]
                words.append(word)
        return words


def _words(chars: list[str], xs: np.ndarray, probs: np.ndarray, box: tuple[int, int, int, int]
           ) -> list[RecognisedWord]:
    """A recognised line's characters (with their page x and probability) cut into words at spaces."""
    x0, y0, x1, y1 = box
    groups: list[list[int]] = [[]]
    for k, ch in enumerate(chars):
        if ch.isspace():
            if groups[-1]:
                groups.append([])
        else:
            groups[-1].append(k)
    groups = [g for g in groups if g]
    if not groups:
        return []
    # half a character either side: the median distance between neighbouring characters of a word
    gaps = [xs[g[i + 1]] - xs[g[i]] for g in groups for i in range(len(g) - 1)]
    half = float(np.median(gaps)) / 2 if gaps else (y1 - y0) / 4
    words = []
    for g in groups:
        text = nfc(unicodedata.normalize("NFC", "".join(chars[k] for k in g)))
        text = re.sub(r"\s+", "", text)
        left = int(max(x0, math.floor(xs[g[0]] - half)))
        right = int(min(x1, math.ceil(xs[g[-1]] + half)))
        words.append(RecognisedWord(text=text, left=left, top=y0, width=max(1, right - left), height=y1 - y0,
                                    confidence=round(float(np.mean(probs[g])) * 100, 2),
                                    block=0, paragraph=0, line=0))
    return words
