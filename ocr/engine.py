"""Tesseract recognition: words with boxes, confidences and layout numbers, and the page text in
Tesseract's reading order (blocks → paragraphs → lines).

Two back-ends give the same `RecognisedWord`s:
- tesserocr (libtesseract in-process): one `PyTessBaseAPI` per (lang, config) and worker process, loaded
  once and reused for every page; the numpy image is handed over as raw bytes (no PNG file, no process, no
  model load per page). Used when `tesserocr` imports, finds `<lang>.traineddata` and runs the same
  Tesseract version as the `tesseract` command (built from source against the system libtesseract:
  `pip install --no-binary tesserocr`). The PyPI wheel bundles its own libtesseract (5.5 when Debian 12 has
  5.3), whose layout analysis reads some pages differently (signatures read as text blocks): it is not used
  unless `DONTHU_OCR_BACKEND=tesserocr`.
- pytesseract (a `tesseract` process per call, image_to_data TSV): the fallback, and the OSD call.
`DONTHU_OCR_BACKEND=pytesseract` forces the fallback (read into `Settings.ocr_backend`, passed here as `choice`).
"""

from __future__ import annotations

import functools
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytesseract

from donthu.text import nfc

#: LSTM engine, automatic page segmentation; keep runs of spaces inside lines (tables, signature blocks);
#: no fixed-pitch (typewriter) test of each row, whose cuts serve the legacy engine's character chopping:
#: 3 % of Tesseract's time; on 216 generated pages the same words on 203, two to four words (one page 31)
#: different on 13 typewriter pages, CER over all 54 typewriter pages equal (0.71 %)
DEFAULT_CONFIG = "--oem 1 --psm 3 -c preserve_interword_spaces=1 -c textord_disable_pitch_test=1"


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


#: where Debian (and most distributions) keep traineddata; TESSDATA_PREFIX wins when set
_TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                  "/usr/share/tessdata", "/usr/local/share/tessdata")


def _tessdata_dir(lang: str) -> str | None:
    candidates = [os.environ.get("TESSDATA_PREFIX", ""), *_TESSDATA_DIRS]
    for folder in candidates:
        if folder and all((Path(folder) / f"{part}.traineddata").is_file() for part in lang.split("+")):
            return str(Path(folder))
    return None


def _parse_config(config: str) -> tuple[int, int, dict[str, str]]:
    """(oem, psm, variables) of a tesseract command-line config such as DEFAULT_CONFIG."""
    oem, psm, variables = 1, 3, {}
    args = shlex.split(config)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--oem" and i + 1 < len(args):
            oem, i = int(args[i + 1]), i + 2
        elif arg == "--psm" and i + 1 < len(args):
            psm, i = int(args[i + 1]), i + 2
        elif arg == "-c" and i + 1 < len(args) and "=" in args[i + 1]:
            key, value = args[i + 1].split("=", 1)
            variables[key], i = value, i + 2
        else:
            raise ValueError(f"config option not supported in-process: {arg}")
    return oem, psm, variables


def _version(text: str) -> str:
    found = re.search(r"(\d+\.\d+\.\d+)", text)
    return found.group(1) if found else ""


@functools.lru_cache(maxsize=4)
def _tesserocr_api(lang: str, config: str, choice: str = ""):
    """The per-process Tesseract handle for (lang, config), or None when tesserocr cannot serve it;
    `choice`: Settings.ocr_backend ("" chooses, "tesserocr" / "pytesseract" forces)."""
    if choice == "pytesseract":
        return None
    try:
        import tesserocr
    except ImportError:
        return None
    if choice != "tesserocr":
        try:
            command = str(pytesseract.get_tesseract_version())
        except (pytesseract.TesseractNotFoundError, OSError, RuntimeError):
            command = ""
        if not command or _version(tesserocr.tesseract_version()) != _version(command):
            return None  # another Tesseract than the command's (e.g. the PyPI wheel's own): not the same OCR
    path = _tessdata_dir(lang)
    if path is None:
        return None
    try:
        oem, psm, variables = _parse_config(config)
        api = tesserocr.PyTessBaseAPI(path=path + "/", lang=lang, oem=oem, psm=psm)
    except (ValueError, RuntimeError):
        return None
    for key, value in variables.items():
        if not api.SetVariable(key, value):
            api.End()
            return None
    return api


def backend(lang: str = "vie", config: str = DEFAULT_CONFIG, choice: str = "") -> str:
    """"tesserocr" (in-process, engine loaded once) or "pytesseract" (a process per page); `choice` as in
    Settings.ocr_backend."""
    return "tesserocr" if _tesserocr_api(lang, config, choice) is not None else "pytesseract"


def _set_image(api, image: np.ndarray, bilevel: bool) -> None:
    """Hand the pixels to Tesseract: a 0/255 page as 1 bit a pixel (Tesseract then skips its own
    thresholding pass over the page and stores each text line it crops for the LSTM as a 1-bit image: the
    same words, ~3 % less time), else 8-bit gray or RGB."""
    if image.ndim == 3:  # BGR → RGB (what PIL hands the tesseract command for a 3-channel array)
        image = np.ascontiguousarray(image[..., 2::-1])
    image = np.ascontiguousarray(image, dtype=np.uint8)
    height, width = image.shape[:2]
    if bilevel and image.ndim == 2:
        # Tesseract's 1-bit input: rows of packed bits, most significant first, a set bit is white
        packed = np.packbits(image, axis=1)  # 255 → 1 (white), 0 → 0
        api.SetImageBytes(packed.tobytes(), width, height, 0, packed.shape[1])
        return
    channels = 1 if image.ndim == 2 else 3
    api.SetImageBytes(image.tobytes(), width, height, channels, width * channels)


def _recognise_tesserocr(api, image: np.ndarray, timeout: float, bilevel: bool = False,
                         psm: int | None = None) -> list[RecognisedWord]:
    from tesserocr import RIL

    words: list[RecognisedWord] = []
    kept_psm = api.GetPageSegMode()
    try:
        if psm is not None:
            api.SetPageSegMode(psm)
        _set_image(api, image, bilevel)
        if not api.Recognize(int(timeout * 1000) if timeout else 0):
            raise EngineError("Tesseract failed: recognition did not finish")
        iterator = api.GetIterator()
        block = paragraph = line = 0
        # the same walk and numbering as Tesseract's TSV renderer (what image_to_data parses)
        while iterator is not None and not iterator.Empty(RIL.BLOCK):
            if iterator.Empty(RIL.WORD):
                if not iterator.Next(RIL.WORD):
                    break
                continue
            if iterator.IsAtBeginningOf(RIL.BLOCK):
                block, paragraph, line = block + 1, 0, 0
            if iterator.IsAtBeginningOf(RIL.PARA):
                paragraph, line = paragraph + 1, 0
            if iterator.IsAtBeginningOf(RIL.TEXTLINE):
                line += 1
            text = nfc(iterator.GetUTF8Text(RIL.WORD) or "").strip()
            conf = float(int(iterator.Confidence(RIL.WORD)))  # as the TSV output (truncated)
            box = iterator.BoundingBox(RIL.WORD)
            if text and conf >= 0 and box:
                left, top, right, bottom = box
                words.append(RecognisedWord(text=text, left=left, top=top, width=right - left,
                                            height=bottom - top, confidence=conf,
                                            block=block, paragraph=paragraph, line=line))
            if not iterator.Next(RIL.WORD):
                break
    except RuntimeError as exc:
        raise EngineError(f"Tesseract failed: {exc}") from exc
    finally:
        api.Clear()
        api.SetPageSegMode(kept_psm)
    return words


def with_psm(config: str, psm: int) -> str:
    """`config` with its page segmentation mode (`--psm N`) set to `psm`."""
    if re.search(r"--psm\s+\d+", config):
        return re.sub(r"--psm\s+\d+", f"--psm {psm}", config)
    return f"{config} --psm {psm}"


def recognise(image: np.ndarray, lang: str = "vie", config: str = DEFAULT_CONFIG, timeout: float = 0,
              bilevel: bool = False, choice: str = "", psm: int | None = None) -> list[RecognisedWord]:
    """Words (non-empty, NFC) on a gray/binary/BGR uint8 image in Tesseract's reading order; `bilevel`: the
    image holds only 0 and 255 (ocr.clean's binary output), handed over as 1 bit a pixel; `psm`: another page
    segmentation mode than `config`'s for this image (7: one text line), set on the same in-process handle for
    this call (no second handle, with its own copy of the model, per process)."""
    api = _tesserocr_api(lang, config, choice)
    if api is not None:
        return _recognise_tesserocr(api, image, timeout, bilevel, psm)
    return _recognise_pytesseract(image, lang, config if psm is None else with_psm(config, psm), timeout)


def _recognise_pytesseract(image: np.ndarray, lang: str, config: str, timeout: float) -> list[RecognisedWord]:
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


def _continues_columns(columns: list[Line], block_lines: list[Line]) -> bool:
    """Whether a block without side-by-side lines still belongs to the column run just above it: every line
    sits on one side of the run's empty channel and the block starts within 1.5 line heights below the run
    (the subject line under the number in an agency's header, Tesseract's own block; the last lines of
    "Nơi nhận" beside the signer's title)."""
    pairs = [segs for segs in map(_segments, columns) if len(segs) == 2]
    if not pairs or not block_lines:
        return False
    low = max(max(w.left + w.width for w in segs[0]) for segs in pairs)
    high = min(min(w.left for w in segs[1]) for segs in pairs)
    if low >= high:
        return False
    height = float(np.median([w.height for line in columns for w in line]))
    bottom = max(w.top + w.height for line in columns for w in line)
    if min(w.top for w in block_lines[0]) - bottom > 1.5 * height:
        return False
    for line in block_lines:
        segs = _segments(line)
        left, right = min(w.left for w in line), max(w.left + w.width for w in line)
        # left: ends before the right column begins; right: begins where the right column does (a centred
        # line such as "Kính gửi: …" begins inside the channel and is neither)
        if len(segs) != 1 or not (right < high or left >= high - height):
            return False
    return True


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
        if any(len(_segments(line)) == 2 for line in block_lines) or (
            columns and _continues_columns(columns, block_lines)
        ):
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
    return ordered_text(reading_order(words))


def ordered_text(paragraphs: list[list[Line]]) -> str:
    """`page_text` of paragraphs already in reading order (`reading_order`'s result)."""
    texts = ["\n".join(" ".join(w.text for w in line) for line in lines) for lines in paragraphs]
    return nfc("\n\n".join(t for t in texts if t.strip()))


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
