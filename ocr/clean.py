"""Page clean-up before Tesseract: small pure steps on numpy arrays, composed by `clean()`.

Every step takes and returns uint8 images (gray (H, W) unless stated) and never keeps state. Steps that move
pixels (orientation, deskew, rescale) also return a 3x3 matrix mapping input pixel coordinates to output
pixel coordinates; `clean()` composes them into a `Transform` so word boxes found on the cleaned image can
be mapped back onto the original page image.

Choices (measured with bench/ocr_levels.py on generated A4 pages at 200/300 dpi, see the OCR report):
- text is rescaled so the median connected-component height is about `TARGET_TEXT_HEIGHT` px
  (Tesseract's LSTM reads ~30 px lines best; 500 dpi scans read worse than 300 dpi);
- background is flattened by dividing by a morphological close (uneven light, phone shadows);
- red/blue ink (stamps, signatures) is whitened using the max colour channel where saturation is high;
- long thin vertical/horizontal runs (toner streaks, ruling lines) are whitened;
- noise is measured (MAD of a Laplacian) and a median filter applied only above a threshold;
- Otsu is kept for bimodal pages, Sauvola used when the background is still uneven.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

#: median connected-component height (px) the page is rescaled to (measured: see module doc)
TARGET_TEXT_HEIGHT = 30.0
#: do not rescale when the estimated factor is this close to 1
SCALE_TOLERANCE = 0.12
MAX_SKEW_DEGREES = 15.0


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
        inverse = np.linalg.inv(np.array(self.matrix))
        corners = np.array(
            [[left, top, 1], [left + width, top, 1], [left, top + height, 1], [left + width, top + height, 1]],
            dtype=np.float64,
        )
        mapped = corners @ inverse.T
        xs = mapped[:, 0] / mapped[:, 2]
        ys = mapped[:, 1] / mapped[:, 2]
        x0 = int(max(0, math.floor(xs.min())))
        y0 = int(max(0, math.floor(ys.min())))
        x1 = int(min(self.original_width, math.ceil(xs.max())))
        y1 = int(min(self.original_height, math.ceil(ys.max())))
        return x0, y0, max(0, x1 - x0), max(0, y1 - y0)


@dataclass
class CleanResult:
    image: np.ndarray  # uint8 gray or binary (0/255), what Tesseract reads
    transform: Transform
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    text_height: float | None = None  # median component height on the cleaned image (px)


def _as_tuple(matrix: np.ndarray) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(v) for v in row) for row in matrix)


# ----------------------------------------------------------------------------------------------- colour


def remove_colour_ink(image: np.ndarray) -> tuple[np.ndarray, bool]:
    """BGR → gray with saturated red and blue ink (stamps, signatures) whitened.

    Inside the ink mask the gray value is the brightest colour channel: red ink is bright in the red
    channel, blue ink in the blue one, while black print under a stamp stays dark in every channel.
    Returns (gray, removed?). A page whose print itself is coloured (most dark pixels saturated) is only
    converted to gray.
    """
    if image.ndim == 2:
        return image, False
    if image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    red = (hue <= 12) | (hue >= 160)
    blue = (hue >= 95) & (hue <= 135)
    ink = (sat >= 70) & (val >= 70) & (red | blue)
    inked = int(np.count_nonzero(ink))
    if inked < 0.0005 * ink.size:
        return gray, False
    dark = gray < 160
    dark_count = int(np.count_nonzero(dark))
    if dark_count and np.count_nonzero(ink & dark) > 0.6 * dark_count:
        return gray, False  # the text itself is coloured
    brightest = image.max(axis=2)
    # grow the mask a little so anti-aliased stamp edges go too, but not over black print
    grown = cv2.dilate(ink.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & (sat >= 40)
    out = gray.copy()
    out[grown] = brightest[grown]
    return out, True


# ------------------------------------------------------------------------------------------- background


def flatten_background(gray: np.ndarray, text_height: float | None = None) -> np.ndarray:
    """Divide by an estimate of the paper (morphological close + median, computed at reduced size).

    Removes uneven lighting, phone-photo shadows and grey paper; paper becomes ~255.
    """
    h, w = gray.shape
    factor = max(1, int(round(max(h, w) / 1000)))
    small = cv2.resize(gray, (max(1, w // factor), max(1, h // factor)), interpolation=cv2.INTER_AREA)
    # kernel wider than a character stroke cluster: ~1.5 text heights, at least 7 px at the small size
    size = int(max(7, (text_height or 40) * 1.5 / factor)) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    background = cv2.medianBlur(background, min(size | 1, 31) if size >= 3 else 3)
    background = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR)
    background = np.maximum(background, 1).astype(np.float32)
    out = gray.astype(np.float32) * (255.0 / background)
    return np.clip(out, 0, 255).astype(np.uint8)


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Otsu ink mask (True = ink) of a flattened gray page; empty for a blank page."""
    if gray.size == 0 or int(gray.max()) - int(gray.min()) < 40:
        return np.zeros(gray.shape, bool)
    threshold, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    threshold = min(threshold, 200)
    return gray < threshold


# ------------------------------------------------------------------------------------------ measurement


def component_heights(mask: np.ndarray) -> np.ndarray:
    """Heights of connected ink components that look like characters (noise, lines, blobs dropped)."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if count <= 1:
        return np.zeros(0)
    w = stats[1:, cv2.CC_STAT_WIDTH]
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    area = stats[1:, cv2.CC_STAT_AREA]
    fill = area / np.maximum(1, w * h)
    keep = (h >= 6) & (h <= 300) & (w <= 4 * h) & (w >= 2) & (fill > 0.08) & (fill < 0.95)
    return h[keep].astype(np.float64)


def estimate_text_height(gray: np.ndarray) -> float | None:
    """Median height (px) of character-like components; None when the page has too few of them."""
    heights = component_heights(ink_mask(gray))
    if heights.size < 20:
        return None
    # drop diacritics and dots: keep components at least 40 % of the upper-quartile height
    upper = np.percentile(heights, 75)
    heights = heights[heights >= 0.4 * upper]
    return float(np.median(heights))


def estimate_noise(gray: np.ndarray) -> float:
    """Gaussian noise sigma estimate (Immerkær's Laplacian method, on a central crop)."""
    h, w = gray.shape
    crop = gray[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4].astype(np.float32)
    if crop.size < 100:
        return 0.0
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    response = cv2.filter2D(crop, -1, kernel)[1:-1, 1:-1]
    # ignore strong edges (text) – keep the flat part, where the response is noise
    flat = np.abs(response)
    cut = np.percentile(flat, 90)
    flat = flat[flat <= cut]
    if flat.size == 0:
        return 0.0
    return float(math.sqrt(math.pi / 2) * flat.mean() / 6)


# ------------------------------------------------------------------------------------------- geometry


def _small_ink_points(mask: np.ndarray, max_points: int = 150_000) -> np.ndarray:
    ys, xs = np.nonzero(mask)
    if ys.size > max_points:
        step = ys.size // max_points + 1
        ys, xs = ys[::step], xs[::step]
    return np.stack([xs, ys], axis=1).astype(np.float64)


def _profile_score(points: np.ndarray, angle_degrees: float, bin_size: float) -> float:
    """Sharpness of the horizontal projection profile after rotating the points by angle."""
    a = math.radians(angle_degrees)
    y = points[:, 1] * math.cos(a) - points[:, 0] * math.sin(a)
    hist = np.bincount(((y - y.min()) / bin_size).astype(np.int64))
    hist = hist.astype(np.float64)
    return float(np.sum(np.diff(hist) ** 2))


def estimate_skew(mask: np.ndarray, text_height: float | None = None, limit: float = MAX_SKEW_DEGREES) -> float:
    """Skew angle in degrees (positive = text rises to the right, counter-clockwise) from ink points.

    Projection-profile search: coarse 0.5° steps over ±limit, then 0.05° steps around the best.
    Returns 0.0 when the page has too little ink.
    """
    points = _small_ink_points(mask)
    if points.shape[0] < 500:
        return 0.0
    bin_size = max(1.0, (text_height or 20) / 8)
    coarse = np.arange(-limit, limit + 1e-9, 0.5)
    scores = [_profile_score(points, a, bin_size) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05)
    scores = [_profile_score(points, a, bin_size) for a in fine]
    return float(fine[int(np.argmax(scores))])


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
    rows = profile > 0.02 * profile.max()
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


def estimate_orientation(mask: np.ndarray) -> tuple[int, float]:
    """Cheap guess of the clockwise rotation (0/90/180/270) that makes the page upright, with a confidence.

    Lines run along the axis whose projection profile is sharper; the above/below-core ink asymmetry
    then tells upright from upside-down. Confidence is the asymmetry magnitude in [0, 1].
    """
    if np.count_nonzero(mask) < 500:
        return 0, 0.0
    points = _small_ink_points(mask)
    horizontal = _profile_score(points, 0.0, 2.0)
    swapped = points[:, ::-1].copy()
    vertical = _profile_score(swapped, 0.0, 2.0)
    base = 0
    work = mask
    if vertical > 1.5 * horizontal:
        base = 90
        work = np.ascontiguousarray(np.rot90(mask, -1))  # clockwise
    asym = _line_asymmetry(work)
    if asym is None:
        return base, 0.0
    if asym < 0:
        return (base + 180) % 360, min(1.0, -asym)
    return base, min(1.0, asym)


def rescale(gray: np.ndarray, factor: float) -> tuple[np.ndarray, np.ndarray]:
    h, w = gray.shape[:2]
    new_w, new_h = max(1, int(round(w * factor))), max(1, int(round(h * factor)))
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    out = cv2.resize(gray, (new_w, new_h), interpolation=interpolation)
    return out, np.diag([new_w / w, new_h / h, 1.0])


# ---------------------------------------------------------------------------------------------- lines


def remove_long_runs(gray: np.ndarray, text_height: float) -> tuple[np.ndarray, list[str]]:
    """Whiten long thin vertical and horizontal ink runs (toner streaks, ruling lines, table borders)."""
    h, w = gray.shape
    mask = ink_mask(gray).astype(np.uint8)
    notes: list[str] = []
    out = gray
    vertical_len = int(max(6 * text_height, h / 12))
    horizontal_len = int(max(12 * text_height, w / 6))
    for name, kernel_size, grow in (
        ("streaks removed", (1, vertical_len), (5, 1)),
        ("lines removed", (horizontal_len, 1), (1, 5)),
    ):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, kernel_size)
        runs = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
        if not runs.any():
            continue
        # only thin runs: a run thicker than half a text height is a picture or a black border, keep it
        thick_kernel = cv2.getStructuringElement(
            cv2.MORPH_RECT, (max(1, int(text_height / 2)), 1) if name.startswith("streaks") else (1, max(1, int(text_height / 2)))
        )
        thick = cv2.morphologyEx(runs, cv2.MORPH_OPEN, thick_kernel)
        runs = runs & ~thick
        if not runs.any():
            continue
        runs = cv2.dilate(runs, cv2.getStructuringElement(cv2.MORPH_RECT, grow))
        if out is gray:
            out = gray.copy()
        out[runs.astype(bool)] = 255
        notes.append(name)
    return out, notes


# ------------------------------------------------------------------------------------ noise / binarise


def denoise(gray: np.ndarray, sigma: float) -> tuple[np.ndarray, str | None]:
    """Median filter chosen by the measured noise level (None: left alone)."""
    if sigma < 4:
        return gray, None
    if sigma < 12:
        return cv2.medianBlur(gray, 3), "denoise: median 3"
    return cv2.medianBlur(cv2.medianBlur(gray, 3), 3), "denoise: median 3x2"


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
    threshold, otsu = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = gray < threshold
    paper = gray[~ink]
    text = gray[ink]
    if paper.size == 0 or text.size == 0:
        return gray, "binarise: none"
    separation = (float(paper.mean()) - float(text.mean())) / (float(paper.std()) + float(text.std()) + 1e-6)
    if separation >= 2.0:
        return otsu, "binarise: otsu"
    return sauvola(gray, int(text_height * 2.5)), "binarise: sauvola"


# ---------------------------------------------------------------------------------------------- compose


def clean(
    image: np.ndarray,
    dpi: float | None = None,
    osd: Callable[[np.ndarray], int | None] | None = None,
    target_text_height: float = TARGET_TEXT_HEIGHT,
    binarise_output: bool = True,
) -> CleanResult:
    """All clean-up steps in order; `osd` (e.g. `ocr.engine.osd_rotation`) is consulted only when the cheap
    orientation check is unsure. `dpi` is informational (the text height is measured, not assumed)."""
    seconds: dict[str, float] = {}
    notes: list[str] = []
    h, w = image.shape[:2]
    transform = Transform.identity(w, h)

    def timed(name: str, start: float) -> None:
        seconds[name] = round(seconds.get(name, 0.0) + time.perf_counter() - start, 4)

    start = time.perf_counter()
    gray, removed = remove_colour_ink(image)
    if removed:
        notes.append("stamp removed")
    timed("clean.colour", start)

    start = time.perf_counter()
    gray = flatten_background(gray)
    timed("clean.background", start)

    if np.count_nonzero(ink_mask(gray)) < 50:
        notes.append("blank page")
        return CleanResult(gray, transform, notes, seconds, None)

    # orientation + text height on a reduced copy (fast), then act on the full image
    start = time.perf_counter()
    reduce = min(1.0, 1200 / max(h, w))
    small = cv2.resize(gray, None, fx=reduce, fy=reduce, interpolation=cv2.INTER_AREA) if reduce < 1 else gray
    turn, confidence = estimate_orientation(ink_mask(small))
    if confidence < 0.15 and osd is not None:
        suggestion = osd(small)
        if suggestion is not None:
            turn = suggestion
            notes.append("orientation: osd")
    if turn:
        gray, step = rotate_quarter(gray, turn)
        transform = transform.then(step)
        notes.append(f"rotated {turn}")
    timed("clean.orientation", start)

    start = time.perf_counter()
    height = estimate_text_height(gray)
    factor = 1.0
    if height:
        factor = target_text_height / height
        if abs(factor - 1) > SCALE_TOLERANCE:
            gray, step = rescale(gray, factor)
            transform = transform.then(step)
            notes.append(f"scale {factor:.2f}")
            height = target_text_height
        else:
            factor = 1.0
    timed("clean.scale", start)

    start = time.perf_counter()
    mask = ink_mask(gray)
    angle = estimate_skew(mask, height)
    if abs(angle) >= 0.1:
        gray, step = rotate_degrees(gray, -angle)
        transform = transform.then(step)
        notes.append(f"deskew {angle:+.1f}°")
    timed("clean.deskew", start)

    start = time.perf_counter()
    gray, line_notes = remove_long_runs(gray, height or target_text_height)
    notes.extend(line_notes)
    timed("clean.lines", start)

    start = time.perf_counter()
    sigma = estimate_noise(gray)
    gray, note = denoise(gray, sigma)
    if note:
        notes.append(f"{note} (noise {sigma:.0f})")
    timed("clean.denoise", start)

    if binarise_output:
        start = time.perf_counter()
        gray, note = binarise(gray, height or target_text_height)
        notes.append(note)
        timed("clean.binarise", start)
    return CleanResult(gray, transform, notes, seconds, height)
