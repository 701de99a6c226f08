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
