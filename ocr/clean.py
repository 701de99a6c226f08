"""Page clean-up before Tesseract: small pure functions on numpy arrays, run as page-level steps by `clean()`.

Every function takes and returns uint8 images (gray (H, W) unless stated) and keeps no state. Functions that
move pixels (page outline, quarter turns, rescale, deskew) also return a 3x3 matrix mapping input pixel
coordinates to output pixel coordinates. `clean()` runs the steps of `CLEAN_STEPS` in turn, as OCRmyPDF runs
its pipeline: each `step_*` reads and updates one `PageInCleaning` (the gray page, the composed `Transform`,
notes, timings), so word boxes found on the cleaned image map back onto the original page image
(`Transform.box_to_original`).

Order (each step is one function): page outline of a photographed sheet (perspective) → red/blue ink
(stamps, signatures) → background flattening → text-line axis (0/90) → text height → specks → rescale →
streaks/ruling lines → deskew → upside-down (180; Tesseract OSD only when unsure) → ruling lines (again, if
the page was deskewed) → noise → binarise or keep gray.

Choices, measured on corpus.render.sample_doc pages degraded by corpus.degrade (bench/ocr_levels.py and the
experiments in the OCR report):
- rescale: the median character-component height is brought into a band, MIN_TEXT_HEIGHT = 20 px to
  TARGET_TEXT_HEIGHT = 30 px: larger text is reduced to 30 (the real 500 dpi contract scans get "scale
  0.70", ≈ 300 dpi, which read best; reducing 300 dpi pages to 24 instead raised CER on 30 of them from 1.02
  to 1.32 %, phone photos 0.9 → 2.9 %), smaller text (150 dpi scans) is enlarged to 20, and 200 dpi text
  (~17-25 px) mostly keeps its size. Tesseract's network reads every text line scaled to 36 px high whatever
  the page's resolution, so a larger page buys layout analysis more pixels, not the recogniser more
  detail. Measured 2026-12-02 on generated pages (six fonts, 12-14 pt, light/heavy/photocopy/typewriter):
  with 200 dpi pages binarised as before, enlarging to 30 px read worst (seed 57, 90 pages: 30 px 1.24 %,
  27 1.04 %, 24 0.98 %, 22 1.04 %, not enlarged 1.11 %); with their gray ink kept (next point), the lower
  bound hardly matters (126 pages, seeds 57 + 41: 24 px 0.91 %, 22 0.90 %, 20 0.88 %, 18 0.90 %, not
  enlarged 0.90 %) and each step down saves Tesseract pixels (clean-up + Tesseract 1.41 s a page at 24,
  1.30 s at 20); 30 pages at 150 dpi: 24 px 0.97 %, 20 1.04 %, 18 1.05 %, not enlarged 1.08 %. Before, one
  target of 30 px both ways (from an earlier 6-page measurement: 30 px 6.08 %, 24 6.61 %). A lower target
  for speed does not pay (2026-12-07, docs/performance.md, "The text height Tesseract reads at"): Tesseract's
  `vie` network scales every line to 36 px itself, so reducing to 20 saves 11 % of the pipeline's CPU on the
  bench pages and lowers two real pages and the corpus (seed 31: 0.85 → 1.20 % CER);
- output: a page whose text measured less than SMALL_TEXT_HEIGHT = 26 px as scanned (a low-resolution
  scan) goes to Tesseract "masked" (Otsu decides ink, ink keeps its gray levels, paper white): on the 126
  pages enlarged to 24 px, 0.92 % against 1.02 % with the rule before (gray when enlarged ≥ 1.3×, else
  binarised); a sharper page goes binarised (Otsu, Sauvola if
  the flattened page is not bimodal): on 30 generated 300 dpi pages masked read 1.16 % against 1.02 %. A
  binarised page goes to Tesseract as 1 bit a pixel (ocr.engine): the same words, 3 % less time. Held-out
  check, `donthu corpus --n 60 --seed 5` (73 OCR pages, every level): CER 1.23 → 1.10 %;
- salt-and-pepper specks are removed before rescaling (heavy 200 dpi: CER 0.141 → 0.050); the specks
  binarising makes are removed again (`despeckle`) only on low-resolution scans (the masked output): on
  binarised 300 dpi pages the pass cost 40 ms and bought nothing (generated pages, CER with → without: 48
  pages 0.87 → 0.84 %, 60 others 1.38 → 1.35 %), on 90 pages at 200 dpi it pays (photocopies 1.69 → 1.40 %);
- toner streaks are removed before deskew (they run along the scanner axes; photocopy CER 0.40 → 0.03 on a
  streaky page of the throwaway renderer used before corpus/ existed), ruling lines again after;
- orientation: OSD costs 1.2-1.8 s a page, the projection/asymmetry checks ~0.1 s and were right on every
  generated page turned 0/90/180/270, so OSD runs only when the up/down asymmetry is below 0.08;
- deskew stays on even for small angles: leaving skews < 2° to Tesseract made the up/down check flip
  unskewed pages (mean CER 0.059 → 0.273 on 7 pages). Deskewing makes Tesseract merge side-by-side header
  columns into single lines; ocr.engine.reading_order splits them again.

Speed (docs/performance.md): the steps share one ink mask and one labelling (blank check, text height,
specks), open ruling-line kernels only on rows that can hold a line, take the noise percentile from a
histogram, search the coarse deskew angles on 30 000 ink points and whiten specks box by box; each of these
gives the same image as before on every evaluation page (tests/test_clean_speed.py checks the helpers). Later (2026-11-25,
0.41 → 0.31 s a page on the 30 bench pages): labelling with OpenCV's block-based algorithm (same labels),
Otsu's level from the histogram already computed (same level), whole-number block averages instead of
fractional area resizes for the orientation copy, the page-outline search and the half-resolution line mask,
boxes mapped back in one matrix product per page, and no second line pass on a page that was not turned;
these last moved a few pixels on 7 of the 30 pages (CER over them 0.864 → 0.853 %).

Result (bench/ocr_levels.py --seeds 0 1: 8 pages a level, termes+freeserif, 300+200 dpi, mean CER raw →
ours): light 0.054 → 0.003, heavy 0.062 → 0.005, photocopy 0.087 → 0.014, phone 0.162 → 0.007.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

#: median connected-component height (px) a page with larger text is reduced to (measured: see module doc)
TARGET_TEXT_HEIGHT = 30.0
#: ... and the height a page with smaller text (a 200 dpi scan) is enlarged to (measured: see module doc)
MIN_TEXT_HEIGHT = 20.0
#: do not rescale when the estimated factor is this close to 1
SCALE_TOLERANCE = 0.12
MAX_SKEW_DEGREES = 15.0
#: pages whose text measures less than this (px, as scanned: a scan below ~250 dpi) go to Tesseract with
#: gray ink on white paper ("masked"), others binarised (Otsu/Sauvola); measured, see module doc
SMALL_TEXT_HEIGHT = 26.0
#: specks up to (text height / SPECK_DIVISOR)² px are removed before rescaling
SPECK_DIVISOR = 9.0
#: below this scanned text height no speck is removed: a tone mark or the dot below is then 1-3 px, the size
#: of a speck (real pages at 70-95 dpi and phone photos lost 5-13 % of their words to speck removal; see
#: docs/quality.md, "Page-level quality control")
MIN_SPECK_TEXT_HEIGHT = 16.0
#: smaller skews are left to Tesseract (see module doc)
MIN_DESKEW_DEGREES = 0.1
#: a red or blue ink pixel (stamp, signature, pen) differs by at least this between its brightest and darkest
#: colour channel. Measured on the shared real pages (docs/quality.md, "Ink chroma"): the "blue" pixels of
#: black print with a JPEG tint have chroma 10-25 (90th percentile ≤ 25 on five pages), stamps 42-133 (10th
#: to 90th percentile), ballpoint and pen blue 36-94, a phone photo's blue handwriting 22-49 (median 34)
MIN_INK_CHROMA = 30
#: ink points used by the coarse (0.5°) deskew search; the finer steps use up to 150 000
COARSE_SKEW_POINTS = 30_000


@dataclass(frozen=True)
class Transform:
    """Maps original-page pixel coordinates to cleaned-image coordinates (3x3 homogeneous matrix)."""

    matrix: tuple[tuple[float, ...], ...]
    original_width: int
    original_height: int

    @staticmethod
    def identity(width: int, height: int) -> "Transform":
        return Transform(_as_tuple(np.eye(3)), width, height)

    def then(self, step: np.ndarray) -> "Transform":
        """This transform followed by `step` (a 3x3 matrix applied to the current output)."""
        return Transform(_as_tuple(step @ np.array(self.matrix)), self.original_width, self.original_height)

    def box_to_original(self, left: float, top: float, width: float, height: float) -> tuple[int, int, int, int]:
        """A box on the cleaned image → the enclosing box on the original image, clipped to it."""
        x0, y0, box_width, box_height = self.boxes_to_original(np.array([[left, top, width, height]], np.float64))[0]
        return int(x0), int(y0), int(box_width), int(box_height)

    def boxes_to_original(self, boxes: np.ndarray) -> np.ndarray:
        """`box_to_original` for an (N, 4) array of (left, top, width, height) at once (one matrix inverse for
        every word of a page); returns int64 (N, 4)."""
        boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
        left, top = boxes[:, 0], boxes[:, 1]
        right, bottom = left + boxes[:, 2], top + boxes[:, 3]
        ones = np.ones_like(left)
        # the four corners of every box, (N, 4, 3) homogeneous, mapped by the inverse matrix
        corners = np.stack([np.stack([left, top, ones], -1), np.stack([right, top, ones], -1),
                            np.stack([left, bottom, ones], -1), np.stack([right, bottom, ones], -1)], 1)
        mapped = corners @ np.linalg.inv(np.array(self.matrix)).T
        xs = mapped[..., 0] / mapped[..., 2]
        ys = mapped[..., 1] / mapped[..., 2]
        x0 = np.maximum(0, np.floor(xs.min(axis=1))).astype(np.int64)
        y0 = np.maximum(0, np.floor(ys.min(axis=1))).astype(np.int64)
        x1 = np.minimum(self.original_width, np.ceil(xs.max(axis=1))).astype(np.int64)
        y1 = np.minimum(self.original_height, np.ceil(ys.max(axis=1))).astype(np.int64)
        return np.stack([x0, y0, np.maximum(0, x1 - x0), np.maximum(0, y1 - y0)], 1)


@dataclass
class CleanResult:
    image: np.ndarray  # uint8 gray or binary (0/255), what Tesseract reads
    transform: Transform
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    text_height: float | None = None  # median component height on the cleaned image (px)
    bilevel: bool = False  # the image holds only 0 and 255 (Tesseract can take it as 1 bit a pixel)
    scanned_text_height: float | None = None  # median component height as captured, before rescaling (px)


def _as_tuple(matrix: np.ndarray) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(v) for v in row) for row in matrix)


# ----------------------------------------------------------------------------------------------- colour


def _colour_masks(image: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(red ink, blue ink, saturated-ish) uint8 0/255 masks of a BGR image, from HSV; an ink pixel also has a
    chroma (brightest − darkest channel) of at least MIN_INK_CHROMA."""
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    # thresholds measured on the real 500 dpi scans: stamp red H 170-178 S 70-155; ballpoint blue/violet
    # H 115-140 S 45-105; black print there has S < 60 but a cyan JPEG tint (H ~85)
    red = cv2.bitwise_or(cv2.inRange(hsv, (0, 60, 60), (12, 255, 255)), cv2.inRange(hsv, (158, 60, 60), (180, 255, 255)))
    blue = cv2.inRange(hsv, (100, 45, 50), (150, 255, 255))
    tinted = cv2.inRange(hsv, (0, 40, 0), (180, 255, 255))
    # saturation is chroma / brightness: on dark print (V 50-80) a JPEG tint of 10-25 levels is already
    # "saturated" blue, and whitening it erased strokes of black print (module doc, "ink chroma")
    chroma = cv2.subtract(cv2.max(cv2.max(image[..., 0], image[..., 1]), image[..., 2]),
                          cv2.min(cv2.min(image[..., 0], image[..., 1]), image[..., 2]))
    strong = cv2.threshold(chroma, MIN_INK_CHROMA - 1, 255, cv2.THRESH_BINARY)[1]
    return cv2.bitwise_and(red, strong), cv2.bitwise_and(blue, strong), tinted


def _whiten_ink(image: np.ndarray, gray: np.ndarray) -> np.ndarray:
    red, blue, tinted = _colour_masks(image)
    b, g, r = cv2.split(image)
    brightest = cv2.max(cv2.max(b, g), r)
    out = gray.copy()
    for core in (red, blue):
        if cv2.countNonZero(core) < 20:
            continue
        reference = max(60.0, float(np.median(brightest[core > 0])))
        # grow the mask a little so anti-aliased edges go too, but not over unsaturated (black) print
        where = cv2.bitwise_and(cv2.dilate(core, np.ones((3, 3), np.uint8)), tinted) > 0
        out[where] = cv2.convertScaleAbs(brightest[where], alpha=255.0 / reference).ravel()
    return out


def remove_colour_ink(image: np.ndarray) -> tuple[np.ndarray, bool]:
    """BGR → gray with saturated red and blue ink (stamps, signatures) whitened.

    Inside the (slightly grown) ink mask the gray value is the brightest colour channel scaled so that the
    ink's own typical brightness becomes paper white: red ink is bright in the red channel, blue ink in the
    blue one, while black print under a stamp stays dark in every channel. Returns (gray, removed?). A page
    whose print itself is coloured (most dark pixels saturated) is only converted to gray.
    """
    if image.ndim == 2:
        return image, False
    if image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    # cheap look at a reduced copy first: most pages have no coloured ink at all
    h, w = gray.shape
    factor = max(1, int(max(h, w) // 800))
    small = cv2.resize(image, (max(1, w // factor), max(1, h // factor)), interpolation=cv2.INTER_AREA)
    red, blue, _ = _colour_masks(small)
    inked = cv2.countNonZero(red) + cv2.countNonZero(blue)
    if inked < 0.0005 * red.size:
        return gray, False
    small_dark = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) < 160
    dark_count = int(np.count_nonzero(small_dark))
    if dark_count and np.count_nonzero(((red > 0) | (blue > 0)) & small_dark) > 0.6 * dark_count:
        return gray, False  # the text itself is coloured
    # work at full resolution only inside the regions where the reduced copy saw coloured ink
    seen = cv2.dilate(cv2.bitwise_or(red, blue), np.ones((5, 5), np.uint8))
    count, _, stats, _ = _labelled(seen)
    out = gray.copy()
    for i in range(1, count):
        x, y, bw, bh, area = (int(v) for v in stats[i])
        if area < 4 or bw * bh > 0.25 * red.size:
            continue  # a stamp or signature is small; a coloured background/photo is not ink to remove
        x0, y0 = max(0, (x - 2) * factor), max(0, (y - 2) * factor)
        x1, y1 = min(w, (x + bw + 2) * factor), min(h, (y + bh + 2) * factor)
        out[y0:y1, x0:x1] = _whiten_ink(image[y0:y1, x0:x1], out[y0:y1, x0:x1])
    return out, True


# ------------------------------------------------------------------------------------------- background


def flatten_background(gray: np.ndarray, text_height: float | None = None) -> np.ndarray:
    """Divide by an estimate of the paper (morphological close + median, computed at reduced size).

    Removes uneven lighting, phone-photo shadows and grey paper; paper becomes ~255. A page whose paper is
    white everywhere already (the closing alone shows it; 37 % of generated pages) is returned as it is, which
    is what the division would give, without the median filter (~30 ms a page).
    """
    h, w = gray.shape
    factor = max(1, int(round(max(h, w) / 1000)))
    small = cv2.resize(gray, (max(1, w // factor), max(1, h // factor)), interpolation=cv2.INTER_AREA)
    # kernel wider than a character stroke cluster: ~1.5 text heights, at least 7 px at the small size
    size = int(max(7, (text_height or 40) * 1.5 / factor)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    low, high = cv2.minMaxLoc(background)[:2]
    if low == high == 255:  # white paper everywhere (most clean scans): dividing by 255 changes nothing
        return gray
    background = cv2.medianBlur(background, min(size | 1, 31) if size >= 3 else 3)
    background = cv2.resize(np.maximum(background, 1), (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, background, scale=255)


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Otsu ink mask (True = ink) of a flattened gray page; empty for a blank page."""
    if gray.size == 0 or int(gray.max()) - int(gray.min()) < 40:
        return np.zeros(gray.shape, bool)
    counts = _histogram(gray)
    threshold = min(otsu_threshold(counts), 200)
    # Otsu always splits something: on a blank (noisy) sheet both sides are paper (levels from the
    # histogram: the same means as masking the page, without two full-size masks)
    cut = int(math.floor(threshold)) + 1  # ink: levels <= threshold
    ink_n, paper_n = counts[:cut].sum(), counts[cut:].sum()
    ink_level = float((counts[:cut] * _LEVELS[:cut]).sum() / ink_n) if ink_n else 0.0
    paper_level = float((counts[cut:] * _LEVELS[cut:]).sum() / paper_n) if paper_n else 0.0
    if paper_level - ink_level < 40:
        return np.zeros(gray.shape, bool)
    return cv2.threshold(gray, threshold, 1, cv2.THRESH_BINARY_INV)[1].view(bool)  # gray <= threshold


_LEVELS = np.arange(256, dtype=np.float64)


def otsu_threshold(counts: np.ndarray) -> float:
    """The level OpenCV's THRESH_OTSU picks for an image with this 256-bin histogram (the same loop, in
    double precision, as cv::threshold's getThreshVal_Otsu_8u): lets a step that already has the histogram
    skip OpenCV's own pass over the page."""
    total = float(counts.sum())
    if total == 0:
        return 0.0
    scale = 1.0 / total
    mu = float((counts * _LEVELS).sum()) * scale
    mu1 = q1 = max_sigma = max_val = 0.0
    epsilon = float(np.finfo(np.float32).eps)
    for i, count in enumerate(counts.tolist()):
        p_i = count * scale
        mu1 *= q1
        q1 += p_i
        q2 = 1.0 - q1
        if min(q1, q2) < epsilon or max(q1, q2) > 1.0 - epsilon:
            continue
        mu1 = (mu1 + i * p_i) / q1
        mu2 = (mu - q1 * mu1) / q2
        sigma = q1 * q2 * (mu1 - mu2) * (mu1 - mu2)
        if sigma > max_sigma:
            max_sigma, max_val = sigma, float(i)
    return max_val


def _histogram(gray: np.ndarray) -> np.ndarray:
    """Pixel count per gray level (float64, 256 bins) of a uint8 image."""
    return cv2.calcHist([np.ascontiguousarray(gray)], [0], None, [256], [0, 256]).ravel().astype(np.float64)


# ------------------------------------------------------------------------------------------ measurement


def _labelled(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """cv2.connectedComponentsWithStats, 8-connected, with the block-based (BBDT/Grana) algorithm: the same
    labels, stats and centroids as OpenCV's default (Spaghetti) on our masks, ~40 % faster on a page."""
    return cv2.connectedComponentsWithStatsWithAlgorithm(mask, 8, cv2.CV_32S, cv2.CCL_GRANA)


def ink_components(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(labels, stats) of the 8-connected ink components of a mask (one pass shared by text height and specks)."""
    _, labels, stats, _ = _labelled(mask.view(np.uint8) if mask.dtype == bool else mask)
    return labels, stats


def component_heights(mask: np.ndarray, stats: np.ndarray | None = None) -> np.ndarray:
    """Heights of connected ink components that look like characters (noise, lines, blobs dropped);
    `stats` (from `ink_components(mask)`) saves labelling the mask again."""
    if stats is None:
        stats = ink_components(mask)[1]
    if stats.shape[0] <= 1:
        return np.zeros(0)
    w = stats[1:, cv2.CC_STAT_WIDTH]
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    area = stats[1:, cv2.CC_STAT_AREA]
    fill = area / np.maximum(1, w * h)
    keep = (h >= 6) & (h <= 300) & (w <= 4 * h) & (w >= 2) & (fill > 0.08) & (fill < 0.95)
    return h[keep].astype(np.float64)


def estimate_text_height(gray: np.ndarray, stats: np.ndarray | None = None) -> float | None:
    """Median height (px) of character-like components; None when the page has too few of them.
    `stats`: the components of `ink_mask(gray)` when already labelled."""
    heights = component_heights(ink_mask(gray) if stats is None else None, stats)
    if heights.size < 20:
        return None
    # drop diacritics and dots: keep components at least 40 % of the upper-quartile height
    upper = np.percentile(heights, 75)
    heights = heights[heights >= 0.4 * upper]
    return float(np.median(heights))


def estimate_noise(gray: np.ndarray) -> float:
    """Gaussian noise sigma estimate (Immerkær's Laplacian method, on a central crop)."""
    h, w = gray.shape
    crop = gray[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4]
    if crop.size < 100:
        return 0.0
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    # integer responses (|r| <= 16 * 255): exact in int16, so the 90th percentile and the mean below it come
    # from a histogram (np.percentile's linear interpolation) instead of sorting the crop
    response = np.abs(cv2.filter2D(crop, cv2.CV_16S, kernel)[1:-1, 1:-1])
    counts = np.bincount(response.ravel()).astype(np.float64)
    n = counts.sum()
    if n == 0:
        return 0.0
    cumulative = np.cumsum(counts)
    position = 0.9 * (n - 1)
    low = int(np.searchsorted(cumulative, math.floor(position), side="right"))
    high = int(np.searchsorted(cumulative, math.floor(position) + 1, side="right"))
    cut = low + (position - math.floor(position)) * (min(high, counts.size - 1) - low)
    # ignore strong edges (text) – keep the flat part, where the response is noise
    kept = counts[: int(math.floor(cut)) + 1]
    if kept.sum() == 0:
        return 0.0
    mean = float((kept * np.arange(kept.size)).sum() / kept.sum())
    return float(math.sqrt(math.pi / 2) * mean / 6)


# ------------------------------------------------------------------------------------------- geometry


def _small_ink_points(mask: np.ndarray, max_points: int = 150_000) -> np.ndarray:
    # (x, y) in raster order, like np.nonzero, in one pass
    points = cv2.findNonZero(mask.view(np.uint8) if mask.dtype == bool else mask.astype(np.uint8))
    if points is None:
        return np.zeros((0, 2))
    points = points.reshape(-1, 2)
    if points.shape[0] > max_points:
        points = points[:: points.shape[0] // max_points + 1]
    return points.astype(np.float64)


def _profile_score(points: np.ndarray, angle_degrees: float, bin_size: float) -> float:
    """Sharpness of the horizontal projection profile after rotating the points by angle."""
    a = math.radians(angle_degrees)
    y = points[:, 1] * math.cos(a) - points[:, 0] * math.sin(a)
    hist = np.bincount(((y - y.min()) / bin_size).astype(np.int64))
    hist = hist.astype(np.float64)
    return float(np.sum(np.diff(hist) ** 2))


class _ProfileScorer:
    """`_profile_score(points, angle, bin_size)` for many angles of the same points, bit for bit the same value
    (the same float64 operations in the same order) but on contiguous x and y columns and reused buffers: the
    deskew search scores 80-odd angles over up to 150,000 points a page (a third less CPU than the strided,
    allocating form)."""

    def __init__(self, points: np.ndarray):
        self.x = np.ascontiguousarray(points[:, 0])
        self.y = np.ascontiguousarray(points[:, 1])
        self.turned = np.empty_like(self.y)
        self.other = np.empty_like(self.y)

    def __call__(self, angle_degrees: float, bin_size: float) -> float:
        a = math.radians(angle_degrees)
        y = np.multiply(self.y, math.cos(a), out=self.turned)
        np.subtract(y, np.multiply(self.x, math.sin(a), out=self.other), out=y)
        np.subtract(y, y.min(), out=y)
        np.divide(y, bin_size, out=y)
        hist = np.bincount(y.astype(np.int64)).astype(np.float64)
        steps = np.diff(hist)
        return float(np.sum(steps * steps))


def estimate_skew(mask: np.ndarray, text_height: float | None = None, limit: float = MAX_SKEW_DEGREES) -> float:
    """Angle in degrees by which the page was rotated counter-clockwise (OpenCV's sign convention);
    `rotate_degrees(image, -angle)` straightens it.

    Projection-profile search over ink points: 0.5° steps over ±limit with bins as wide as the drift a
    half step causes across the page, then 0.1° and 0.02° refinements with finer bins.
    Returns 0.0 when the page has too little ink.
    """
    points = _small_ink_points(mask)
    if points.shape[0] < 500:
        return 0.0
    width = float(np.ptp(points[:, 0])) + 1.0
    fine_bin = max(1.0, (text_height or 20) / 8)
    best = 0.0
    # the coarse search (61 angles, bins ~10 px wide) needs far fewer points than the fine ones
    coarse = points[:: max(1, points.shape[0] // COARSE_SKEW_POINTS)]
    for step, span, sample in ((0.5, limit, coarse), (0.1, 0.5, points), (0.02, 0.1, points)):
        bin_size = max(fine_bin, width * math.tan(math.radians(step / 2)))
        angles = np.arange(best - span, best + span + 1e-9, step)
        score = _ProfileScorer(sample)
        scores = [score(a, bin_size) for a in angles]
        best = float(angles[int(np.argmax(scores))])
    return round(-best, 2)


def rotate_degrees(gray: np.ndarray, angle: float, fill: int = 255) -> tuple[np.ndarray, np.ndarray]:
    """Rotate by `angle` degrees (counter-clockwise, skew correction), growing the canvas to keep corners.

    Returns (image, 3x3 matrix input→output).
    """
    h, w = gray.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w = int(math.ceil(h * sin + w * cos))
    new_h = int(math.ceil(h * cos + w * sin))
    matrix[0, 2] += new_w / 2 - w / 2
    matrix[1, 2] += new_h / 2 - h / 2
    out = cv2.warpAffine(
        gray, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill
    )
    return out, np.vstack([matrix, [0, 0, 1]])


def rotate_quarter(gray: np.ndarray, clockwise_degrees: int) -> tuple[np.ndarray, np.ndarray]:
    """Rotate by 0/90/180/270 degrees clockwise; returns (image, 3x3 matrix input→output)."""
    h, w = gray.shape[:2]
    turn = clockwise_degrees % 360
    if turn == 90:
        return cv2.rotate(gray, cv2.ROTATE_90_CLOCKWISE), np.array([[0, -1, h], [1, 0, 0], [0, 0, 1]], float)
    if turn == 180:
        return cv2.rotate(gray, cv2.ROTATE_180), np.array([[-1, 0, w], [0, -1, h], [0, 0, 1]], float)
    if turn == 270:
        return cv2.rotate(gray, cv2.ROTATE_90_COUNTERCLOCKWISE), np.array([[0, 1, 0], [-1, 0, w], [0, 0, 1]], float)
    return gray, np.eye(3)


def _line_asymmetry(mask: np.ndarray) -> float | None:
    """>0 when ink sits more above the text lines' cores than below (upright Latin/Vietnamese text).

    For each text line (a run of rows of the horizontal profile), the core is the band of rows holding at
    least half the line's peak ink; ink above it (diacritics, capitals, ascenders) is compared with ink
    below it (descenders). Vietnamese has far more marks above. Returns None with too few lines.
    """
    profile = mask.sum(axis=1).astype(np.float64)
    if profile.max() <= 0:
        return None
    rows = profile > 0.03 * profile.max()
    above = below = 0.0
    lines = 0
    y = 0
    n = len(profile)
    while y < n:
        if not rows[y]:
            y += 1
            continue
        start = y
        while y < n and rows[y]:
            y += 1
        segment = profile[start:y]
        if segment.size < 4:
            continue
        core = np.nonzero(segment >= 0.5 * segment.max())[0]
        above += segment[: core[0]].sum()
        below += segment[core[-1] + 1 :].sum()
        lines += 1
    if lines < 3 or above + below == 0:
        return None
    return float((above - below) / (above + below))


def character_mask(mask: np.ndarray) -> np.ndarray:
    """Only character-like components of an ink mask (streaks, rules, blobs and lone specks dropped)."""
    count, labels, stats, _ = _labelled(mask.astype(np.uint8))
    if count <= 1:
        return np.zeros(mask.shape, bool)
    w = stats[:, cv2.CC_STAT_WIDTH]
    h = stats[:, cv2.CC_STAT_HEIGHT]
    area = stats[:, cv2.CC_STAT_AREA]
    median = float(np.median(h[1:][(h[1:] >= 4)])) if np.any(h[1:] >= 4) else 4.0
    keep = (area >= 3) & (h <= 3 * median) & (w <= 6 * median) & (np.maximum(w, h) >= 2)
    keep[0] = False
    return keep[labels]


def _centroids(mask: np.ndarray, labelled: tuple | None = None) -> np.ndarray:
    count, _, stats, centroids = labelled if labelled is not None else _labelled(mask.astype(np.uint8))
    if count <= 1:
        return np.zeros((0, 2))
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    w = stats[1:, cv2.CC_STAT_WIDTH]
    big = np.maximum(h, w)
    keep = (big >= 4) & (big <= 3 * max(4.0, float(np.median(big))))
    return centroids[1:][keep]


def estimate_axis(mask: np.ndarray) -> tuple[int, float]:
    """0 when text lines run horizontally, 90 when they run vertically, with a margin ratio (≥1).

    Compares the best projection-profile sharpness of component centroids over ±15° for both axes;
    centroids (one per component) keep toner streaks and ruling lines from dominating.
    """
    labelled = _labelled(mask.astype(np.uint8))  # one labelling for the centroids and the heights
    points = _centroids(mask, labelled)
    if points.shape[0] < 30:
        return 0, 1.0
    bin_size = max(1.0, float(np.median(np.abs(np.diff(np.sort(points[:, 1]))))) + 1.0)
    heights = component_heights(mask, labelled[2])
    if heights.size:
        bin_size = max(1.0, float(np.median(heights)) / 3)
    angles = np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 1e-9, 1.0)
    horizontal = max(_profile_score(points, a, bin_size) for a in angles)
    vertical = max(_profile_score(points[:, ::-1].copy(), a, bin_size) for a in angles)
    if vertical > horizontal:
        return 90, vertical / max(horizontal, 1e-9)
    return 0, horizontal / max(vertical, 1e-9)


def estimate_upside_down(mask: np.ndarray) -> tuple[bool, float]:
    """(upside down?, confidence 0-1) of a deskewed page with horizontal lines, from the ink above vs below
    the line cores (Vietnamese diacritics, capitals and ascenders sit above)."""
    asym = _line_asymmetry(character_mask(mask))
    if asym is None:
        return False, 0.0
    return asym < 0, min(1.0, abs(asym))


def find_page_quad(gray: np.ndarray) -> np.ndarray | None:
    """Corners (4x2 float32, clockwise from top-left) of a bright sheet photographed on a darker surface,
    or None when the image is already the page (a scan: the sheet fills the frame or no clear outline)."""
    h, w = gray.shape
    k = max(1, int(round(max(h, w) / 800)))
    small = shrink(gray, k)
    sh, sw = small.shape
    band = max(2, int(0.02 * min(sh, sw)))
    frame = np.concatenate([small[:band].ravel(), small[-band:].ravel(), small[:, :band].ravel(), small[:, -band:].ravel()])
    centre = small[sh // 4 : 3 * sh // 4, sw // 4 : 3 * sw // 4]
    if np.percentile(frame, 50) > np.percentile(centre, 50) - 40:
        return None  # the border is as bright as the paper: no table around the sheet
    blurred = cv2.GaussianBlur(small, (5, 5), 0)
    _, bright = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(contour)
    if area < 0.3 * sh * sw or area > 0.97 * sh * sw:
        return None
    hull = cv2.convexHull(contour)
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
    if len(quad) != 4:
        rect = cv2.minAreaRect(hull)
        quad = cv2.boxPoints(rect)
    quad = quad.reshape(4, 2).astype(np.float32) * k
    # order: top-left, top-right, bottom-right, bottom-left
    total = quad.sum(axis=1)
    diff = np.diff(quad, axis=1).ravel()
    return np.array([quad[np.argmin(total)], quad[np.argmin(diff)], quad[np.argmax(total)], quad[np.argmax(diff)]], np.float32)


def warp_page(gray: np.ndarray, quad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Perspective-correct the sheet inside `quad` to an upright rectangle (gray or BGR); returns
    (image, 3x3 matrix)."""
    tl, tr, br, bl = quad
    width = int(round((np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2))
    height = int(round((np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2))
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(quad, target)
    out = cv2.warpPerspective(gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return out, matrix


def shrink(image: np.ndarray, k: int) -> np.ndarray:
    """Average k x k pixel blocks (a whole k: OpenCV's fast area path; a fractional area resize costs three
    to ten times as much); the < k rows and columns left over at the far edges are dropped."""
    if k < 2:
        return image
    h, w = image.shape[:2]
    return cv2.resize(image[: h - h % k, : w - w % k], (max(1, w // k), max(1, h // k)), interpolation=cv2.INTER_AREA)


def _reduced(gray: np.ndarray, longest: int = 1200) -> np.ndarray:
    """A copy about `longest` px on its longer side (the whole reduction nearest to it) for the orientation
    checks."""
    return shrink(gray, int(round(max(gray.shape[:2]) / longest)))


def rescale(gray: np.ndarray, factor: float) -> tuple[np.ndarray, np.ndarray]:
    h, w = gray.shape[:2]
    new_w, new_h = max(1, int(round(w * factor))), max(1, int(round(h * factor)))
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    out = cv2.resize(gray, (new_w, new_h), interpolation=interpolation)
    return out, np.diag([new_w / w, new_h / h, 1.0])


# ---------------------------------------------------------------------------------------------- lines


def remove_long_runs(gray: np.ndarray, text_height: float) -> tuple[np.ndarray, list[str]]:
    """Whiten long thin vertical and horizontal ink runs (toner streaks, ruling lines, table borders).

    Runs are found at half resolution on a lenient mask (faint toner counts) with a morphological open by a
    long line kernel; runs thicker than half a text height (pictures, black borders) are kept.
    """
    h, w = gray.shape
    if int(gray.max()) - int(gray.min()) < 40:
        return gray, []
    threshold = otsu_threshold(_histogram(gray))
    # 255 where gray <= the lenient threshold (gray is integer, so flooring the threshold changes nothing)
    _, lenient = cv2.threshold(gray, math.floor(min(230.0, (threshold + 255.0) / 2)), 255, cv2.THRESH_BINARY_INV)
    # half resolution by exact 2x2 blocks (the page padded with paper to even sides): OpenCV's fast path,
    # an order of magnitude cheaper than an area resize whose factor is not exactly 2
    padded = cv2.copyMakeBorder(lenient, 0, h % 2, 0, w % 2, cv2.BORDER_CONSTANT, value=0)
    small = cv2.resize(padded, (padded.shape[1] // 2, padded.shape[0] // 2), interpolation=cv2.INTER_AREA)
    _, mask = cv2.threshold(small, 95, 1, cv2.THRESH_BINARY)  # small >= 96: at least 2 of the 4 pixels ink
    sh, sw = mask.shape
    half = max(1.0, text_height / 2)
    notes: list[str] = []
    out = gray
    repair = int(max(3, text_height / 3)) | 1
    for name, kernel_size, thick_size, across in (
        ("streaks removed", (1, int(max(3 * text_height, sh / 12))), (max(1, int(half / 2)), 1), (repair, 1)),
        ("lines removed", (int(max(6 * text_height, sw / 6)), 1), (1, max(1, int(half / 2))), (1, repair)),
    ):
        runs = _open_by_line(mask, kernel_size)
        if not runs.any():
            continue
        thick = cv2.morphologyEx(runs, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, thick_size))
        runs = runs & (1 - thick)
        if not runs.any():
            continue
        band = cv2.resize(runs * 255, (2 * sw, 2 * sh), interpolation=cv2.INTER_NEAREST)[:h, :w]  # 0/255
        band = cv2.dilate(band, np.ones((3, 3), np.uint8))
        out = cv2.max(out, band)  # the band white (a new image: `gray` is left alone)
        # strokes that crossed the run get their cut bridged: a gray opening across the run direction
        # (= closing of the ink), applied only inside the run's band
        bridged = cv2.morphologyEx(out, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, across))
        cv2.copyTo(bridged, band, out)
        notes.append(name)
    return out, notes


def _open_by_line(mask: np.ndarray, kernel_size: tuple[int, int]) -> np.ndarray:
    """Morphological open of a 0/1 mask by a rectangular kernel (width, height).

    A horizontal line kernel (L, 1) treats every row on its own, and only a row holding at least L/2 ink
    pixels can keep any (L inside the image; OpenCV's erosion counts outside as ink, so a run touching the
    edge needs about L/2): only those rows are opened, the same result as opening the whole mask in a third
    of the time (text rows are a quarter of a page). Other kernels (OpenCV's vertical pass is fast) open it all.
    """
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, kernel_size)
    length, height = kernel_size
    if height != 1:
        return cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    sums = cv2.reduce(mask, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel()
    rows = np.nonzero(sums >= length // 2)[0]
    runs = np.zeros_like(mask)
    if rows.size:
        runs[rows] = cv2.morphologyEx(mask[rows], cv2.MORPH_OPEN, kernel)
    return runs


# ------------------------------------------------------------------------------------ noise / binarise


def denoise(gray: np.ndarray, sigma: float) -> tuple[np.ndarray, str | None]:
    """Median filter chosen by the measured noise level (None: left alone)."""
    if sigma < 4:
        return gray, None
    if sigma < 12:
        return cv2.medianBlur(gray, 3), "denoise: median 3"
    return cv2.medianBlur(cv2.medianBlur(gray, 3), 3), "denoise: median 3x2"


def remove_specks(gray: np.ndarray, text_height: float,
                  components: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, int]:
    """Whiten isolated dark specks far smaller than any glyph part (salt-and-pepper, toner dust) on a
    flattened gray page: components up to (h/SPECK_DIVISOR)² px for a text height h. The smallest real marks
    (dots of i, the Vietnamese dot below) are ~ (h/5)² px; measured on heavy pages, h/7 already ate dots
    below on blurred 300 dpi text (missing words 8.4 %), h/9 did not (0.8 %). Returns (image, count)."""
    max_area = max(2, int((text_height / SPECK_DIVISOR) ** 2))
    labels, stats = components if components is not None else ink_components(ink_mask(gray))
    return _whiten_small(gray, labels, stats, max_area)


def _whiten_small(image: np.ndarray, labels: np.ndarray, stats: np.ndarray, max_area: int) -> tuple[np.ndarray, int]:
    """Set the pixels of labelled components of at most `max_area` px to 255; returns (image, count)."""
    if stats.shape[0] <= 1:
        return image, 0
    small = stats[:, cv2.CC_STAT_AREA] <= max_area
    small[0] = False
    found = np.nonzero(small)[0]
    if found.size == 0:
        return image, 0
    # each component inside its own (tiny) bounding box: ~4x faster than a full-page label lookup, even
    # with 10 000 specks
    out = image.copy()
    for i in found:
        x, y, w, h = stats[i, :4]
        box = out[y : y + h, x : x + w]
        box[labels[y : y + h, x : x + w] == i] = 255
    return out, int(found.size)


def despeckle(binary: np.ndarray, max_area: int) -> tuple[np.ndarray, int]:
    """Whiten isolated ink specks of at most `max_area` pixels on a 0/255 image; returns (image, count)."""
    _, ink = cv2.threshold(binary, 127, 1, cv2.THRESH_BINARY_INV)  # binary < 128
    labels, stats = ink_components(ink)
    return _whiten_small(binary, labels, stats, max_area)


def sauvola(gray: np.ndarray, window: int, k: float = 0.2, r: float = 128.0) -> np.ndarray:
    """Sauvola threshold with integral-image (box filter) statistics; returns 0/255."""
    window = max(3, window | 1)
    g = gray.astype(np.float64)
    mean = cv2.boxFilter(g, -1, (window, window), borderType=cv2.BORDER_REFLECT)
    mean_sq = cv2.boxFilter(g * g, -1, (window, window), borderType=cv2.BORDER_REFLECT)
    std = np.sqrt(np.maximum(mean_sq - mean * mean, 0))
    threshold = mean * (1 + k * (std / r - 1))
    return np.where(g > threshold, 255, 0).astype(np.uint8)


def binarise(gray: np.ndarray, text_height: float) -> tuple[np.ndarray, str]:
    """Otsu when the flattened page is cleanly bimodal, Sauvola when it is not, else keep gray."""
    if int(gray.max()) - int(gray.min()) < 40:
        return gray, "binarise: none (blank)"
    # Otsu's level, and the mean and spread of ink (< threshold) and paper, from one 256-bin histogram (same
    # numbers as OpenCV's Otsu pass and masking the 8-megapixel page twice, a fraction of the time)
    counts = _histogram(gray)
    threshold = otsu_threshold(counts)
    _, otsu = cv2.threshold(gray, threshold, 255, cv2.THRESH_BINARY)
    levels = _LEVELS
    cut = int(math.ceil(threshold))
    stats = []
    for part in (slice(cut, 256), slice(0, cut)):  # paper, text
        n = counts[part].sum()
        if n == 0:
            return gray, "binarise: none"
        mean = float((counts[part] * levels[part]).sum() / n)
        stats.append((mean, math.sqrt(max(0.0, float((counts[part] * (levels[part] - mean) ** 2).sum() / n)))))
    (paper_mean, paper_std), (text_mean, text_std) = stats
    separation = (paper_mean - text_mean) / (paper_std + text_std + 1e-6)
    if separation >= 2.0:
        return otsu, "binarise: otsu"
    return sauvola(gray, int(text_height * 2.5)), "binarise: sauvola"


# ---------------------------------------------------------------------------------------------- compose


@dataclass(frozen=True)
class CleanOptions:
    """What `clean()` was asked for (see its docstring)."""

    osd: Callable[[np.ndarray], int | None] | None = None
    target_text_height: float = TARGET_TEXT_HEIGHT
    output: str = "auto"
    min_text_height: float = MIN_TEXT_HEIGHT
    min_deskew: float = MIN_DESKEW_DEGREES


@dataclass
class PageInCleaning:
    """The page as the steps of `clean()` hand it on: each step reads and updates it."""

    image: np.ndarray  # the page as captured (colour or gray); the page outline step may cut it out
    options: CleanOptions
    transform: Transform
    gray: np.ndarray | None = None  # the gray page, from the colour step on
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    mask: np.ndarray | None = None  # ink mask of `gray`, from the blank check to speck removal
    components: tuple[np.ndarray, np.ndarray] | None = None  # labelled `mask`, for text height and specks
    height: float | None = None  # median text height (px) on `gray` as it is now
    scanned_height: float | None = None  # ... as scanned, before rescaling
    turn: int = 0  # quarter turns made (degrees)
    deskewed: bool = False
    bilevel: bool = False
    blank: bool = False

    def moved(self, image: np.ndarray, step: np.ndarray) -> None:
        """`gray` replaced by `image`, made from it by the 3x3 matrix `step`."""
        self.gray = image
        self.transform = self.transform.then(step)

    @property
    def line_height(self) -> float:
        return self.height or self.options.target_text_height

    def result(self) -> CleanResult:
        return CleanResult(self.gray, self.transform, self.notes, self.seconds, self.height, self.bilevel,
                           self.scanned_height)


def step_page_outline(page: PageInCleaning) -> None:
    """A photographed sheet on a table: cut it out first (the table would read as noise and colour)."""
    plain = page.image if page.image.ndim == 2 else cv2.cvtColor(page.image[..., :3], cv2.COLOR_BGR2GRAY)
    quad = find_page_quad(plain)
    if quad is not None:
        page.image, step = warp_page(page.image, quad)
        page.transform = page.transform.then(step)
        page.notes.append("page outline: perspective corrected")


def step_colour(page: PageInCleaning) -> None:
    """Gray, with red and blue ink (stamps, signatures) whitened."""
    page.gray, removed = remove_colour_ink(page.image)
    if removed:
        page.notes.append("stamp removed")


def step_background(page: PageInCleaning) -> None:
    page.gray = flatten_background(page.gray)


def step_blank(page: PageInCleaning) -> None:
    """The ink mask; a page with almost no ink is blank and cleaning stops."""
    page.mask = ink_mask(page.gray)
    if np.count_nonzero(page.mask) < 50:
        page.notes.append("blank page")
        page.blank = True


def step_text_axis(page: PageInCleaning) -> None:
    """Text lines running up the page: turn it a quarter (the axis is judged on a reduced copy, fast)."""
    axis, _ = estimate_axis(ink_mask(_reduced(page.gray)))
    if axis:
        page.moved(*rotate_quarter(page.gray, 90))
        page.mask = rotate_quarter(page.mask.view(np.uint8), 90)[0].view(bool)  # = ink_mask of the turned page
        page.turn = 90


def step_text_height(page: PageInCleaning) -> None:
    page.components = ink_components(page.mask)
    page.height = page.scanned_height = estimate_text_height(page.gray, page.components[1])


def step_specks(page: PageInCleaning) -> None:
    """Salt-and-pepper specks, removed at the scanned resolution before rescaling blows them up."""
    if page.height and page.height >= MIN_SPECK_TEXT_HEIGHT:
        page.gray, removed = remove_specks(page.gray, page.height, page.components)
        if removed:
            page.notes.append(f"specks removed: {removed}")
    page.mask = page.components = None


def step_rescale(page: PageInCleaning) -> None:
    """Text taller than the target reduced to it, text smaller than the minimum enlarged to that."""
    if not page.height:
        return
    target = min(page.options.target_text_height, max(page.height, page.options.min_text_height))
    factor = target / page.height
    if abs(factor - 1) > SCALE_TOLERANCE:
        page.moved(*rescale(page.gray, factor))
        page.notes.append(f"scale {factor:.2f}")
        page.height = target


def step_long_runs(page: PageInCleaning) -> None:
    """Scanner streaks and ruling lines; streaks run along the scan direction (the image axes): before deskew."""
    page.gray, line_notes = remove_long_runs(page.gray, page.line_height)
    page.notes.extend(line_notes)


def step_deskew(page: PageInCleaning) -> None:
    angle = estimate_skew(ink_mask(page.gray), page.height)
    page.deskewed = abs(angle) >= page.options.min_deskew
    if page.deskewed:
        page.moved(*rotate_degrees(page.gray, -angle))
        page.notes.append(f"deskew {angle:+.1f}°")


def step_upside_down(page: PageInCleaning) -> None:
    """Half a turn when the page is upside down (the `osd` callback asked only when the cheap check is unsure)."""
    small = _reduced(page.gray)
    flipped, confidence = estimate_upside_down(ink_mask(small))
    if confidence < 0.08 and page.options.osd is not None:
        suggestion = page.options.osd(small)
        if suggestion in (0, 180):
            flipped = suggestion == 180
            page.notes.append("orientation: osd")
    if flipped:
        page.moved(*rotate_quarter(page.gray, 180))
        page.turn = (page.turn + 180) % 360
    if page.turn:
        page.notes.append(f"rotated {page.turn}")


def step_straight_lines(page: PageInCleaning) -> None:
    """Ruling lines are straight once the page is deskewed: a second look (an unturned page's first pass found
    them all)."""
    if page.deskewed:
        page.gray, line_notes = remove_long_runs(page.gray, page.line_height)
        page.notes.extend(n for n in line_notes if n not in page.notes)


def step_denoise(page: PageInCleaning) -> None:
    sigma = estimate_noise(page.gray)
    page.gray, note = denoise(page.gray, sigma)
    if note:
        page.notes.append(f"{note} (noise {sigma:.0f})")


def output_kind(page: PageInCleaning) -> str:
    """The output asked for; "auto": masked for a low-resolution scan, else binary. Measured (module doc):
    binarising the glyphs of a low-resolution scan hurts, keeping their gray ink (paper white) helps; sharp
    pages at their own resolution read as well or better binarised."""
    if page.options.output != "auto":
        return page.options.output
    return "masked" if page.scanned_height and page.scanned_height < SMALL_TEXT_HEIGHT else "binary"


def step_binarise(page: PageInCleaning) -> None:
    """The image Tesseract reads: binarised (Otsu or Sauvola), masked (ink keeps its gray) or gray."""
    output = output_kind(page)
    if output == "gray":
        page.notes.append("binarise: none (gray)")
        return
    binary, note = binarise(page.gray, page.line_height)
    if binary is not page.gray:
        if output == "masked":  # a binarised sharp page keeps its specks: measured, see module doc
            binary, removed = despeckle(binary, max(2, int(page.line_height ** 2 / 200)))
            if removed:
                page.notes.append(f"despeckle: {removed} specks")
            # keep the gray levels of the ink and its rim (anti-aliasing helps the LSTM), paper → white
            rim = cv2.dilate((binary == 0).astype(np.uint8), np.ones((3, 3), np.uint8))
            binary = np.where(rim > 0, page.gray, 255).astype(np.uint8)
            note = note + " (gray ink kept)"
        else:
            page.bilevel = True
        page.gray = binary
    page.notes.append(note)


#: the steps of `clean()` in order, each with the `CleanResult.seconds` entry its time adds to (None: untimed)
CLEAN_STEPS: tuple[tuple[str | None, Callable[[PageInCleaning], None]], ...] = (
    ("clean.page", step_page_outline),
    ("clean.colour", step_colour),
    ("clean.background", step_background),
    (None, step_blank),
    ("clean.orientation", step_text_axis),
    ("clean.scale", step_text_height),
    ("clean.denoise", step_specks),
    ("clean.scale", step_rescale),
    ("clean.lines", step_long_runs),
    ("clean.deskew", step_deskew),
    ("clean.orientation", step_upside_down),
    ("clean.lines", step_straight_lines),
    ("clean.denoise", step_denoise),
    ("clean.binarise", step_binarise),
)


def clean(
    image: np.ndarray,
    dpi: float | None = None,
    osd: Callable[[np.ndarray], int | None] | None = None,
    target_text_height: float | None = None,
    output: str = "auto",
    min_text_height: float | None = None,
    min_deskew: float = MIN_DESKEW_DEGREES,
) -> CleanResult:
    """All clean-up steps in order (`CLEAN_STEPS`); `osd` (e.g. `ocr.engine.osd_rotation`) is consulted only
    when the cheap orientation check is unsure. `dpi` is informational (the text height is measured, not
    assumed).

    Text taller than `target_text_height` is reduced to it, text smaller than `min_text_height` enlarged
    to that; in between the page keeps its size (SCALE_TOLERANCE either side too).
    output: "auto" (masked when the scanned text is smaller than SMALL_TEXT_HEIGHT, else binary), "gray", "binary"
    (Otsu or Sauvola) or "masked" (Otsu/Sauvola + despeckle decide ink, ink keeps its gray levels, paper white).
    """
    h, w = image.shape[:2]
    # the band's defaults are read at call time: bench runs set the module constants (bench/ocr_cpu.py --set)
    options = CleanOptions(osd, TARGET_TEXT_HEIGHT if target_text_height is None else target_text_height, output,
                           MIN_TEXT_HEIGHT if min_text_height is None else min_text_height, min_deskew)
    page = PageInCleaning(image=image, options=options, transform=Transform.identity(w, h))
    for timer, step in CLEAN_STEPS:
        start = time.perf_counter()
        step(page)
        if timer:
            page.seconds[timer] = round(page.seconds.get(timer, 0.0) + time.perf_counter() - start, 4)
        if page.blank:
            break
    return page.result()
