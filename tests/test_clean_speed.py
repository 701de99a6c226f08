"""The faster clean-up helpers give exactly what the plain numpy/OpenCV formulations gave."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from ocr import clean


def _random_mask(seed: int, shape=(400, 300), density=0.3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    mask = (rng.random(shape) < density).astype(np.uint8)
    mask[50:350, 40] = 1  # a long vertical run
    mask[120, 10:290] = 1  # a long horizontal run
    mask[0:70, 200] = 1  # runs touching the edges: OpenCV's erosion counts outside as ink
    mask[300, 230:300] = 1
    return mask


@pytest.mark.parametrize("kernel_size", [(1, 120), (120, 1), (1, 121), (121, 1), (150, 1), (5, 1)])
@pytest.mark.parametrize("seed", [0, 1])
def test_open_by_line_equals_full_open(kernel_size, seed):
    mask = _random_mask(seed)
    expected = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel_size))
    assert np.array_equal(clean._open_by_line(mask, kernel_size), expected)


def _noise_reference(gray: np.ndarray) -> float:
    """estimate_noise as first written: float32 filter, np.percentile, mean of the flat part."""
    h, w = gray.shape
    crop = gray[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4].astype(np.float32)
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    flat = np.abs(cv2.filter2D(crop, -1, kernel)[1:-1, 1:-1])
    flat = flat[flat <= np.percentile(flat, 90)]
    return float(math.sqrt(math.pi / 2) * flat.astype(np.float64).mean() / 6)


@pytest.mark.parametrize("sigma", [0.0, 3.0, 8.0, 20.0])
def test_estimate_noise_equals_percentile_formulation(sigma):
    rng = np.random.default_rng(int(sigma))
    page = np.full((300, 400), 235.0)
    page[100:110, 50:350] = 30  # a "text" bar: strong edges the estimate must ignore
    gray = np.clip(page + rng.normal(0, sigma, page.shape), 0, 255).astype(np.uint8)
    assert clean.estimate_noise(gray) == pytest.approx(_noise_reference(gray), rel=1e-6, abs=1e-9)


def test_whiten_small_equals_boolean_indexing():
    mask = _random_mask(3, density=0.05)
    gray = np.where(mask > 0, 20, 240).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] <= 3
    small[0] = False
    expected = gray.copy()
    expected[small[labels]] = 255
    out, n = clean._whiten_small(gray, labels, stats, 3)
    assert n == int(small.sum()) > 0
    assert np.array_equal(out, expected)
    assert gray.min() == 20  # the input is left alone


def test_small_ink_points_in_raster_order():
    mask = _random_mask(4).astype(bool)
    ys, xs = np.nonzero(mask)
    step = ys.size // 1000 + 1
    expected = np.stack([xs[::step], ys[::step]], axis=1).astype(np.float64)
    assert np.array_equal(clean._small_ink_points(mask, max_points=1000), expected)


def test_remove_specks_with_shared_components():
    mask = _random_mask(5, density=0.02).astype(bool)
    gray = np.where(mask, 10, 230).astype(np.uint8)
    alone, n_alone = clean.remove_specks(gray, 30.0)
    shared, n_shared = clean.remove_specks(gray, 30.0, clean.ink_components(clean.ink_mask(gray)))
    assert n_alone == n_shared > 0
    assert np.array_equal(alone, shared)


def _random_gray(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(1, 300)), int(rng.integers(1, 300)))
    kind = seed % 4
    if kind == 0:
        gray = rng.integers(0, 256, shape)
    elif kind == 1:  # ink and paper
        gray = np.where(rng.random(shape) < rng.random(), rng.normal(40, 20, shape), rng.normal(220, 15, shape))
    elif kind == 2:  # one level: Otsu's degenerate case
        gray = np.full(shape, rng.integers(0, 256))
    else:
        gray = rng.integers(rng.integers(0, 255), 256, shape)
    return np.clip(gray, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("seed", range(40))
def test_otsu_threshold_from_histogram_equals_opencv(seed):
    gray = _random_gray(seed)
    expected, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    assert clean.otsu_threshold(clean._histogram(gray)) == expected


@pytest.mark.parametrize("seed", range(6))
def test_ink_mask_is_gray_at_most_otsu(seed):
    gray = _random_gray(4 * seed + 1)  # ink and paper
    threshold, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = clean.ink_mask(gray)
    assert mask.dtype == bool and mask.shape == gray.shape
    assert mask.any() and np.array_equal(mask, gray <= min(threshold, 200))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_block_labelling_equals_opencv_default(seed):
    mask = _random_mask(seed, shape=(401, 299), density=0.2 + 0.2 * seed)
    expected = cv2.connectedComponentsWithStats(mask, connectivity=8)
    found = clean._labelled(mask)
    assert found[0] == expected[0]
    for got, want in zip(found[1:], expected[1:]):
        assert np.array_equal(got, want)


@pytest.mark.parametrize("k", [2, 3, 4])
def test_shrink_averages_whole_blocks(k):
    gray = _random_gray(5)  # noise: every block different
    gray = np.pad(gray, ((0, 7), (0, 5)), constant_values=17)
    h, w = gray.shape
    blocks = gray[: h - h % k, : w - w % k].astype(np.float64).reshape(h // k, k, w // k, k).mean(axis=(1, 3))
    small = clean.shrink(gray, k)
    assert small.shape == (h // k, w // k)
    assert np.abs(small.astype(np.float64) - blocks).max() <= 0.5 + 1e-9  # rounded block means
    assert clean.shrink(gray, 1) is gray


def _box_reference(transform: clean.Transform, left, top, width, height):
    """box_to_original as first written: one box, its own matrix inverse."""
    inverse = np.linalg.inv(np.array(transform.matrix))
    corners = np.array([[left, top, 1], [left + width, top, 1], [left, top + height, 1],
                        [left + width, top + height, 1]], dtype=np.float64)
    mapped = corners @ inverse.T
    xs, ys = mapped[:, 0] / mapped[:, 2], mapped[:, 1] / mapped[:, 2]
    x0 = int(max(0, math.floor(xs.min())))
    y0 = int(max(0, math.floor(ys.min())))
    x1 = int(min(transform.original_width, math.ceil(xs.max())))
    y1 = int(min(transform.original_height, math.ceil(ys.max())))
    return x0, y0, max(0, x1 - x0), max(0, y1 - y0)


def test_boxes_to_original_equals_one_box_at_a_time():
    rng = np.random.default_rng(7)
    transform = clean.Transform.identity(2480, 3508)
    quad = np.array([[40, 60], [2400, 20], [2450, 3400], [10, 3480]], np.float32)
    _, perspective = clean.warp_page(np.zeros((3508, 2480), np.uint8), quad)
    _, quarter = clean.rotate_quarter(np.zeros((2360, 3420), np.uint8), 90)
    _, scale = clean.rescale(np.zeros((3420, 2360), np.uint8), 1.37)
    _, skew = clean.rotate_degrees(np.zeros((4685, 3233), np.uint8), -2.3)
    transform = transform.then(perspective).then(quarter).then(scale).then(skew)
    boxes = np.column_stack([rng.uniform(-50, 3300, 500), rng.uniform(-50, 4800, 500),
                             rng.uniform(0, 400, 500), rng.uniform(0, 90, 500)]).round()
    found = transform.boxes_to_original(boxes)
    assert found.shape == (500, 4)
    for box, got in zip(boxes, found):
        assert tuple(int(v) for v in got) == _box_reference(transform, *box)
        assert transform.box_to_original(*box) == tuple(int(v) for v in got)
    assert transform.boxes_to_original(np.zeros((0, 4))).shape == (0, 4)


def _flatten_by_division(gray: np.ndarray) -> np.ndarray:
    """flatten_background without its white-paper shortcut: always the median and the division."""
    h, w = gray.shape
    factor = max(1, int(round(max(h, w) / 1000)))
    small = cv2.resize(gray, (max(1, w // factor), max(1, h // factor)), interpolation=cv2.INTER_AREA)
    size = int(max(7, 40 * 1.5 / factor)) | 1
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    background = cv2.medianBlur(background, min(size | 1, 31))
    background = cv2.resize(np.maximum(background, 1), (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, background, scale=255)


@pytest.mark.parametrize("paper", [255, 230])
def test_flatten_background_white_paper_shortcut_equals_the_division(paper):
    """White paper everywhere: the page comes back as it is, exactly what dividing by the background gives;
    gray paper still goes through the division (and becomes white)."""
    rng = np.random.default_rng(paper)
    gray = np.full((1400, 1000), paper, np.uint8)
    for _ in range(400):  # text-like strokes
        x, y = int(rng.integers(50, 900)), int(rng.integers(50, 1300))
        cv2.rectangle(gray, (x, y), (x + int(rng.integers(2, 25)), y + int(rng.integers(2, 30))), int(rng.integers(0, 90)), -1)
    out = clean.flatten_background(gray)
    assert np.array_equal(out, _flatten_by_division(gray))
    if paper == 255:
        assert out is gray
    else:
        assert np.median(out) == 255


def test_profile_scorer_is_profile_score_bit_for_bit():
    """The deskew search's scorer (contiguous columns, reused buffers) gives exactly `_profile_score`'s values."""
    rng = np.random.default_rng(9)
    points = np.stack([rng.integers(0, 2500, 20_000), rng.integers(0, 3500, 20_000)], axis=1).astype(np.float64)
    score = clean._ProfileScorer(points)
    for angle in (-15.0, -0.5, 0.0, 0.02, 0.36, 7.5):
        for bin_size in (1.0, 3.75, 10.9):
            assert score(angle, bin_size) == clean._profile_score(points, angle, bin_size)


def test_estimate_skew_finds_the_angle_it_found_before():
    """estimate_skew with the scorer returns what the search over `_profile_score` returns, on tilted text-like
    pages (rows of dashes turned by a known angle)."""

    def before(mask, text_height):  # the search as it was, over _profile_score
        points = clean._small_ink_points(mask)
        width = float(np.ptp(points[:, 0])) + 1.0
        fine_bin, best = max(1.0, text_height / 8), 0.0
        coarse = points[:: max(1, points.shape[0] // clean.COARSE_SKEW_POINTS)]
        for step, span, sample in ((0.5, clean.MAX_SKEW_DEGREES, coarse), (0.1, 0.5, points), (0.02, 0.1, points)):
            bin_size = max(fine_bin, width * math.tan(math.radians(step / 2)))
            angles = np.arange(best - span, best + span + 1e-9, step)
            best = float(angles[int(np.argmax([clean._profile_score(sample, a, bin_size) for a in angles]))])
        return round(-best, 2)

    for angle in (-3.3, 0.0, 1.26, 6.0):
        page = np.full((1400, 1000), 255, np.uint8)
        for row in range(100, 1300, 45):
            for col in range(80, 900, 30):
                page[row:row + 18, col:col + 20] = 0
        tilted, _ = clean.rotate_degrees(page, angle)
        mask = clean.ink_mask(tilted)
        found = clean.estimate_skew(mask, 20.0)
        assert found == before(mask, 20.0)
        assert abs(found - angle) < 0.3
