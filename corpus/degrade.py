"""Make clean rendered pages look scanned, photocopied, photographed or typewritten.

Every function is pure: `f(image, rng, **options) -> new image`, `image` uint8, either gray (H, W) or colour
(H, W, 3) in OpenCV's BGR order; `rng` is a `numpy.random.Generator` and is the only source of randomness.
Options left as None are drawn from rng. Red stamps and blue signatures turn a gray page into BGR; the other
steps keep the number of channels (photocopy and binarize return gray).

`degrade_page(image, level, rng)` applies a preset for each of ALL_LEVELS: LEVELS (the default corpus mix) and
CAPTURE_LEVELS (captures the real pages in ../shared/real-scans show; opt-in). Sizes scale with `dpi` (default
300). "phone", "phone-hand", "chat-app" and "bleed-through" change the image size; "fax" returns a bilevel page.
"""

from __future__ import annotations

import math
import os
from statistics import NormalDist

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

LEVELS = ("clean", "light", "heavy", "photocopy", "phone", "typewriter")
# captures seen on real paper (../shared/real-scans): opt-in, not in the default corpus mix (docs/corpus.md)
CAPTURE_LEVELS = ("phone-hand", "chat-app", "fax", "show-through", "bleed-through", "scanner-textlayer")
ALL_LEVELS = LEVELS + CAPTURE_LEVELS

_STAMP_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",
    "/usr/share/texmf/fonts/opentype/public/tex-gyre/texgyreheros-bold.otf",
)
DEFAULT_STAMP_TEXT = "ỦY BAN NHÂN DÂN XÃ MỸ HỘI ĐÔNG ★ HUYỆN CHỢ MỚI ★"

# ---------------------------------------------------------------- helpers


def to_gray(image: np.ndarray) -> np.ndarray:
    """Gray copy of a gray or BGR image."""
    if image.ndim == 2:
        return image.copy()
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def to_bgr(image: np.ndarray) -> np.ndarray:
    """BGR copy of a gray or BGR image."""
    if image.ndim == 3:
        return image.copy()
    return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)


def is_bilevel(image: np.ndarray) -> bool:
    """True for a gray image holding only 0 and 255 (write it as CCITT G4 / 1-bit)."""
    if image.ndim != 2:
        return False
    return bool(np.all((image == 0) | (image == 255)))


def _clip_u8(a: np.ndarray) -> np.ndarray:
    return np.clip(a, 0, 255).astype(np.uint8)


def _low_freq(rng: np.random.Generator, shape: tuple[int, int], cells: int = 6) -> np.ndarray:
    """Smooth random field in [0, 1] of `shape` (upscaled coarse noise)."""
    h, w = shape
    side = max(h, w, 1)
    ch = max(2, round(cells * h / side))
    cw = max(2, round(cells * w / side))
    coarse = rng.random((ch, cw), dtype=np.float32)
    field = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)
    field = np.asarray(field, np.float32).reshape(h, w)
    field -= field.min()
    m = field.max()
    return field / m if m > 0 else field


def _apply_gain(image: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """Multiply by a gain map (colour: every channel), in OpenCV uint8 arithmetic.

    `gain` is float (1.0 = unchanged, up to 1.99) or uint8 already scaled by 128; a map smaller than the image
    is stretched to it (smooth fields are made small for speed)."""
    if gain.dtype != np.uint8:
        gain = np.clip(gain * 128.0 + 0.5, 0, 255).astype(np.uint8)
    h, w = image.shape[:2]
    if gain.shape[:2] != (h, w):
        gain = cv2.resize(gain, (w, h), interpolation=cv2.INTER_LINEAR)
    if image.ndim == 3:
        gain = cv2.merge([gain] * image.shape[2])
    return cv2.multiply(image, gain, scale=1.0 / 128.0)


def _small(shape: tuple[int, int], factor: int = 16) -> tuple[int, int]:
    return max(2, shape[0] // factor), max(2, shape[1] // factor)


def _normal_luts(sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Positive and negative parts of 256 N(0, sigma) quantiles, as uint8 lookup tables."""
    nd = NormalDist(0.0, sigma)
    q = np.array([nd.inv_cdf((i + 0.5) / 256) for i in range(256)])
    q = np.round(q)
    return np.clip(q, 0, 255).astype(np.uint8), np.clip(-q, 0, 255).astype(np.uint8)


def _add_noise(image: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    """Add N(0, sigma) noise per pixel (luminance: equal in all channels), saturating uint8 arithmetic."""
    if sigma <= 0:
        return image.copy()
    h, w = image.shape[:2]
    u = np.frombuffer(rng.bytes(h * w), dtype=np.uint8).reshape(h, w)
    pos, neg = _normal_luts(sigma)
    up, un = cv2.LUT(u, pos), cv2.LUT(u, neg)
    if image.ndim == 3:  # luminance noise, the same in every channel
        up, un = cv2.merge([up] * image.shape[2]), cv2.merge([un] * image.shape[2])
    return cv2.subtract(cv2.add(image, up), un)


def _scale(dpi: int) -> float:
    return dpi / 300.0


# ---------------------------------------------------------------- geometry and sensor


def skew(image: np.ndarray, rng: np.random.Generator, *, max_deg: float = 1.0,
         angle: float | None = None) -> np.ndarray:
    """Rotate about the centre by `angle` degrees (counter-clockwise positive; default uniform ±max_deg),
    same size, white fill."""
    if angle is None:
        angle = float(rng.uniform(-max_deg, max_deg))
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    border = (255, 255, 255) if image.ndim == 3 else 255
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=border)


def gaussian_noise(image: np.ndarray, rng: np.random.Generator, *, sigma: float | None = None) -> np.ndarray:
    """Add zero-mean Gaussian noise (default sigma uniform 3..8 grey levels)."""
    if sigma is None:
        sigma = float(rng.uniform(3, 8))
    return _add_noise(image, rng, float(sigma))


def salt_pepper(image: np.ndarray, rng: np.random.Generator, *, amount: float | None = None) -> np.ndarray:
    """Set a fraction `amount` of pixels (default 0.0005..0.003) to black or white."""
    if amount is None:
        amount = float(rng.uniform(0.0005, 0.003))
    out = image.copy()
    h, w = image.shape[:2]
    n = int(amount * h * w)
    ys = rng.integers(0, h, n)
    xs = rng.integers(0, w, n)
    vals = np.where(rng.random(n) < 0.5, 0, 255).astype(np.uint8)
    if out.ndim == 3:
        out[ys, xs, :] = vals[:, None]
    else:
        out[ys, xs] = vals
    return out


def blur(image: np.ndarray, rng: np.random.Generator, *, sigma: float | None = None) -> np.ndarray:
    """Gaussian blur (default sigma uniform 0.4..1.0 px)."""
    if sigma is None:
        sigma = float(rng.uniform(0.4, 1.0))
    if sigma <= 0:
        return image.copy()
    return cv2.GaussianBlur(image, (0, 0), sigmaX=sigma)


def jpeg_artifacts(image: np.ndarray, rng: np.random.Generator, *, quality: int | None = None) -> np.ndarray:
    """Encode/decode as JPEG at `quality` (default 35..75)."""
    if quality is None:
        quality = int(rng.integers(35, 76))
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    flag = cv2.IMREAD_COLOR if image.ndim == 3 else cv2.IMREAD_GRAYSCALE
    return cv2.imdecode(buf, flag)


def levels(image: np.ndarray, rng: np.random.Generator, *, black: int | None = None,
           white: int | None = None) -> np.ndarray:
    """Scanner black/white points: stretch [black, white] to [0, 255] (default black 0..25, white 228..248), so
    paper noise clips to pure white as on a calibrated scanner."""
    if black is None:
        black = int(rng.integers(0, 26))
    if white is None:
        white = int(rng.integers(228, 249))
    x = np.arange(256, dtype=np.float64)
    lut = np.clip(np.round((x - black) * 255.0 / max(white - black, 1)), 0, 255).astype(np.uint8)
    return cv2.LUT(image, lut)


def uneven_lighting(image: np.ndarray, rng: np.random.Generator, *, strength: float | None = None) -> np.ndarray:
    """Darken with a linear gradient in a random direction, a vignette and soft blotches
    (default strength 0.05..0.2 = darkest loss of brightness)."""
    if strength is None:
        strength = float(rng.uniform(0.05, 0.2))
    h, w = image.shape[:2]
    sh, sw = max(2, h // 16), max(2, w // 16)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    yy /= max(sh - 1, 1)
    xx /= max(sw - 1, 1)
    theta = rng.uniform(0, 2 * math.pi)
    grad = (xx - 0.5) * math.cos(theta) + (yy - 0.5) * math.sin(theta)
    grad = (grad - grad.min()) / max(float(np.ptp(grad)), 1e-6)
    vign = ((xx - 0.5) ** 2 + (yy - 0.5) ** 2) * 2.0
    blot = _low_freq(rng, (sh, sw), cells=4)
    mix = rng.dirichlet([2.0, 1.5, 1.0]).astype(np.float32)
    dark = mix[0] * grad + mix[1] * vign + mix[2] * blot
    dark = dark / max(float(dark.max()), 1e-6)
    return _apply_gain(image, 1.0 - strength * dark)


def scan_at(image: np.ndarray, dpi: int, *, src_dpi: int = 300) -> np.ndarray:
    """Resample a page rendered at `src_dpi` to `dpi` (area interpolation when shrinking)."""
    if dpi == src_dpi:
        return image.copy()
    h, w = image.shape[:2]
    nw, nh = max(1, round(w * dpi / src_dpi)), max(1, round(h * dpi / src_dpi))
    interp = cv2.INTER_AREA if dpi < src_dpi else cv2.INTER_CUBIC
    return cv2.resize(image, (nw, nh), interpolation=interp)


# ---------------------------------------------------------------- ink: stamps and signatures


def _ink_composite(image: np.ndarray, alpha: np.ndarray, x0: int, y0: int,
                   colour_bgr: tuple[int, int, int]) -> np.ndarray:
    """Multiply-blend an ink layer (alpha in 0..1, top-left at x0, y0) of `colour_bgr` onto a BGR copy."""
    out = to_bgr(image)
    h, w = out.shape[:2]
    ah, aw = alpha.shape
    ax0, ay0 = max(0, -x0), max(0, -y0)
    bx0, by0 = max(0, x0), max(0, y0)
    bx1, by1 = min(w, x0 + aw), min(h, y0 + ah)
    if bx1 <= bx0 or by1 <= by0:
        return out
    a = alpha[ay0:ay0 + (by1 - by0), ax0:ax0 + (bx1 - bx0)][:, :, None]
    col = np.asarray(colour_bgr, dtype=np.float32) / 255.0
    region = out[by0:by1, bx0:bx1].astype(np.float32)
    out[by0:by1, bx0:bx1] = _clip_u8(region * (1.0 - a * (1.0 - col)))
    return out


def _stamp_font(size: int) -> ImageFont.FreeTypeFont:
    for p in _STAMP_FONTS:
        if os.path.exists(p):
            return ImageFont.truetype(p, size)
    return ImageFont.load_default(size)


def _star(cx: float, cy: float, r: float, rot: float) -> list[tuple[float, float]]:
    pts = []
    for k in range(10):
        rr = r if k % 2 == 0 else r * 0.4
        a = rot - math.pi / 2 + k * math.pi / 5
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    return pts


def stamp_mask(rng: np.random.Generator, *, radius: int, text: str = DEFAULT_STAMP_TEXT) -> np.ndarray:
    """Alpha (0..1 float32, square 2*radius+pad) of a round seal: outer ring, inner ring, text ring, star."""
    pad = max(4, radius // 10)
    size = 2 * radius + 2 * pad
    c = size / 2
    im = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(im)
    ring = max(2, round(radius * 0.045))
    d.ellipse([c - radius, c - radius, c + radius, c + radius], outline=255, width=ring)
    inner = radius * 0.70
    d.ellipse([c - inner, c - inner, c + inner, c + inner], outline=255, width=max(1, ring // 2))
    d.polygon(_star(c, c, radius * 0.30, 0.0), fill=255)
    # text ring between the two circles, clockwise from the left
    text = " ".join(text.split())
    fsize = max(6, round(radius * 0.17))
    font = _stamp_font(fsize)
    text_r = (radius + inner) / 2
    widths = [font.getlength(ch) for ch in text]
    total = sum(widths)
    circumference = 2 * math.pi * text_r * 0.96
    scale = min(1.0, circumference / max(total, 1.0))
    if scale < 1.0:
        font = _stamp_font(max(5, round(fsize * scale)))
        widths = [font.getlength(ch) for ch in text]
        total = sum(widths)
    spread = circumference / max(total, 1.0)  # letter-space to fill the ring
    angle = math.pi  # start on the left, go clockwise over the top
    for ch, w in zip(text, widths):
        step = w * spread / text_r
        mid = angle + step / 2
        if ch.strip():
            tile = Image.new("L", (fsize * 3, fsize * 3), 0)
            ImageDraw.Draw(tile).text((fsize * 1.5, fsize * 1.5), ch, font=font, fill=255, anchor="mm")
            rot = tile.rotate(-math.degrees(mid) - 90, resample=Image.Resampling.BILINEAR)
            px = c + text_r * math.cos(mid) - rot.width / 2
            py = c + text_r * math.sin(mid) - rot.height / 2
            im.paste(255, (round(px), round(py)), rot)
        angle += step
    im = im.rotate(float(rng.uniform(0, 360)), resample=Image.Resampling.BILINEAR)
    return np.asarray(im, dtype=np.float32) / 255.0


def _lowest_text_box(gray: np.ndarray) -> tuple[int, int, int, int] | None:
    """Box (x0, y0, x1, y1) of the lowest line of ink in the right half of the page (the signer's name)."""
    h, w = gray.shape
    ink = gray[: int(h * 0.97), w // 2:] < 128
    rows = np.flatnonzero(ink.sum(axis=1) > 2)
    if rows.size == 0:
        return None
    y1 = int(rows[-1])
    y0 = y1
    while y0 - 1 >= 0 and ink[y0 - 1].sum() > 2:
        y0 -= 1
    cols = np.flatnonzero(ink[y0:y1 + 1].any(axis=0))
    return int(cols[0]) + w // 2, y0, int(cols[-1]) + w // 2, y1


def red_stamp(image: np.ndarray, rng: np.random.Generator, *, name_box: tuple[float, float, float, float] | None = None,
              text: str | None = None, dpi: int = 300, opacity: float | None = None) -> np.ndarray:
    """Press a round red seal (semi-transparent, uneven ink) over the left part of the signature area.

    `name_box` is the signer's printed name (x0, y0, x1, y1) in pixels; without it the lowest line of ink on the
    right half of the page is taken. Returns BGR."""
    gray = to_gray(image)
    box = name_box or _lowest_text_box(gray)
    h, w = gray.shape
    radius = round(rng.uniform(17, 21) / 25.4 * dpi)  # a 34..42 mm seal
    if box is None:
        cx, cy = 0.65 * w, 0.75 * h
    else:
        x0, y0, x1, y1 = box
        # over the signer's title and the left third of the signature, just touching the name
        cx = x0 - rng.uniform(0.15, 0.55) * radius
        cy = y0 - rng.uniform(0.55, 0.95) * radius
    alpha = stamp_mask(rng, radius=radius, text=text or DEFAULT_STAMP_TEXT)
    alpha = cv2.GaussianBlur(alpha, (0, 0), sigmaX=0.6 * _scale(dpi))
    # uneven ink: a smooth pressure field and grain
    pressure = 0.55 + 0.45 * _low_freq(rng, alpha.shape, cells=5)
    grain = 0.75 + 0.25 * rng.random(alpha.shape, dtype=np.float32)
    if opacity is None:
        opacity = float(rng.uniform(0.6, 0.9))
    alpha = np.clip(alpha * pressure * grain * opacity, 0, 1)
    colour = (int(rng.integers(30, 70)), int(rng.integers(20, 50)), int(rng.integers(190, 235)))  # BGR red
    ah, aw = alpha.shape
    return _ink_composite(image, alpha, round(cx - aw / 2), round(cy - ah / 2), colour)


def seam_stamp(image: np.ndarray, rng: np.random.Generator, *, text: str | None = None, dpi: int = 300,
               y_frac: float | None = None) -> np.ndarray:
    """A seal cut by the right page edge (dấu giáp lai, stamped across the fanned pages of a multi-page
    decision): a red arc with part of the ring text in the right margin. Returns BGR."""
    h, w = image.shape[:2]
    radius = round(rng.uniform(17, 21) / 25.4 * dpi)
    alpha = stamp_mask(rng, radius=radius, text=text or DEFAULT_STAMP_TEXT)
    alpha = cv2.GaussianBlur(alpha, (0, 0), sigmaX=0.6 * _scale(dpi))
    alpha = np.clip(alpha * (0.55 + 0.45 * _low_freq(rng, alpha.shape, cells=5)) * rng.uniform(0.6, 0.9), 0, 1)
    if y_frac is None:
        y_frac = float(rng.uniform(0.3, 0.7))
    cx = w + radius * rng.uniform(0.2, 0.5)  # a slice of the seal, mostly in the right margin
    cy = h * y_frac
    colour = (int(rng.integers(30, 70)), int(rng.integers(20, 50)), int(rng.integers(190, 235)))
    ah, aw = alpha.shape
    return _ink_composite(image, alpha, round(cx - aw / 2), round(cy - ah / 2), colour)


def signature_mask(rng: np.random.Generator, *, width: int, height: int, pen: float) -> np.ndarray:
    """Alpha (0..1 float32, height x width) of a cursive-looking scribble with a final flourish."""
    scale = 4  # draw at 4x for smooth strokes with cv2 fixed-point coordinates
    canvas = np.zeros((height, width), np.uint8)
    t = np.linspace(0, 1, 400)
    loops = rng.uniform(3, 7)
    x = 0.08 + 0.75 * t + 0.06 * np.sin(2 * math.pi * loops * t + rng.uniform(0, 6))
    y = 0.5 + 0.25 * np.sin(2 * math.pi * loops * t * rng.uniform(0.9, 1.1) + rng.uniform(0, 6)) * (1 - 0.5 * t)
    y += 0.1 * np.sin(2 * math.pi * rng.uniform(0.5, 1.5) * t)
    strokes = [np.stack([x, y], axis=1)]
    # flourish: a long sweeping underline
    t2 = np.linspace(0, 1, 120)
    fx = 0.05 + 0.9 * t2
    fy = 0.78 + 0.1 * np.sin(math.pi * t2 + rng.uniform(-0.5, 0.5)) - 0.15 * t2
    strokes.append(np.stack([fx, fy], axis=1))
    for s in strokes:
        pts = np.round(s * [width * scale, height * scale]).astype(np.int32)
        for k in range(len(pts) - 1):
            th = max(1, round(pen * rng.uniform(0.7, 1.2)))
            cv2.line(canvas, tuple(map(int, pts[k])), tuple(map(int, pts[k + 1])), 255, th, cv2.LINE_AA, shift=2)
    return canvas.astype(np.float32) / 255.0


def blue_signature(image: np.ndarray, rng: np.random.Generator, *,
                   name_box: tuple[float, float, float, float] | None = None, dpi: int = 300,
                   at: tuple[float, float] | None = None, scale: float = 1.0) -> np.ndarray:
    """Draw blue ballpoint strokes in the space above the signer's name, crossing nearby text (or centred `at`,
    `scale` times the usual 35-55 x 10-16 mm). Returns BGR."""
    gray = to_gray(image)
    box = name_box or (None if at else _lowest_text_box(gray))
    h, w = gray.shape
    sw = round(rng.uniform(35, 55) / 25.4 * dpi * scale)
    sh = round(rng.uniform(10, 16) / 25.4 * dpi * scale)
    if at is not None:
        cx, cy = at
    elif box is None:
        cx, cy = 0.7 * w, 0.78 * h
    else:
        x0, y0, x1, y1 = box
        cx = (x0 + x1) / 2 + rng.uniform(-0.1, 0.1) * sw
        cy = y0 - sh * rng.uniform(0.4, 0.55)
    pen = rng.uniform(3.0, 5.0) * _scale(dpi)
    alpha = signature_mask(rng, width=sw, height=sh, pen=pen)
    alpha = cv2.GaussianBlur(alpha, (0, 0), sigmaX=0.5 * _scale(dpi)) * float(rng.uniform(0.8, 0.95))
    colour = (int(rng.integers(120, 170)), int(rng.integers(30, 70)), int(rng.integers(10, 40)))  # BGR blue
    return _ink_composite(image, alpha, round(cx - sw / 2), round(cy - sh / 2), colour)


# ---------------------------------------------------------------- photocopy, typewriter, phone


def binarize(image: np.ndarray, rng: np.random.Generator, *, threshold: int | None = None) -> np.ndarray:
    """Bilevel (0/255) gray page; default threshold Otsu's, nudged by rng."""
    gray = to_gray(image)
    if threshold is None:
        otsu, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        threshold = int(np.clip(otsu + rng.integers(-15, 16), 60, 220))
    return np.where(gray > threshold, 255, 0).astype(np.uint8)


def toner_streaks(image: np.ndarray, rng: np.random.Generator, *, vertical: int | None = None,
                  horizontal: int | None = None, dpi: int = 300) -> np.ndarray:
    """Long dark toner lines (by default vertical 0..2, horizontal 0..1) plus dark speckle.

    A vertical streak through the text makes Tesseract's page layout split the text into columns."""
    h, w = image.shape[:2]
    if vertical is None:
        vertical = int(rng.choice([0, 1, 2], p=[0.3, 0.45, 0.25]))
    if horizontal is None:
        horizontal = int(rng.random() < 0.2)
    s = _scale(dpi)
    gain = np.full((h, w), 128, np.uint8)  # 128 = 1.0
    for _ in range(vertical):
        x = int(rng.integers(0, w))
        lw = max(1, round(rng.uniform(1, 5) * s))
        y0 = int(rng.integers(0, h // 3)) if rng.random() < 0.5 else 0
        y1 = h if rng.random() < 0.6 else int(rng.integers(h // 2, h))
        depth = rng.uniform(0.3, 0.75) * (0.6 + 0.4 * _low_freq(rng, (y1 - y0, 1), cells=8))
        gain[y0:y1, x:x + lw] = (gain[y0:y1, x:x + lw] * (1.0 - depth)).astype(np.uint8)
    for _ in range(horizontal):
        y = int(rng.integers(0, h))
        lw = max(1, round(rng.uniform(1, 4) * s))
        depth = rng.uniform(0.3, 0.7) * (0.6 + 0.4 * _low_freq(rng, (1, w), cells=8))
        gain[y:y + lw, :] = (gain[y:y + lw, :] * (1.0 - depth)).astype(np.uint8)
    n = int(h * w * rng.uniform(2e-5, 1e-4))
    ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
    gain[ys, xs] = 25
    if s >= 1:
        gain = cv2.erode(gain, np.ones((2, 2), np.uint8))
    return _apply_gain(image, gain)


def photocopy(image: np.ndarray, rng: np.random.Generator, *, dpi: int = 300) -> np.ndarray:
    """Photocopier look: high contrast, swollen or broken strokes, grey speckled background, toner streaks,
    dark copier-lid edge. Gray output (colour ink becomes grey)."""
    if image.ndim == 3:  # copier sensors see red ink lighter than black text
        b, g, r = cv2.split(image)
        gray = cv2.addWeighted(cv2.addWeighted(b, 0.15, g, 0.3, 0), 1.0, r, 0.55, 0)
    else:
        gray = image
    s = _scale(dpi)
    # contrast: soft threshold around t, as a lookup table
    t = rng.uniform(150, 200)
    soft = rng.uniform(8, 20)
    levels = np.arange(256, dtype=np.float64)
    v = cv2.LUT(gray, np.round(255.0 / (1.0 + np.exp(-(levels - t) / soft))).astype(np.uint8))  # 0 ink .. 255 paper
    k = max(2, round(2 * s))
    kernel = np.ones((k, k), np.uint8)
    mode = rng.choice(["swollen", "broken", "both", "none"], p=[0.35, 0.3, 0.15, 0.2])
    if mode in ("swollen", "both"):
        v = cv2.erode(v, kernel)  # dark ink grows
    if mode in ("broken", "both"):
        v = cv2.dilate(v, np.ones((max(1, k - 1), max(1, k - 1)), np.uint8))
        holes = (np.frombuffer(rng.bytes(v.size), np.uint8).reshape(v.shape) < 5).astype(np.uint8)
        holes = cv2.dilate(holes, kernel)
        v = np.maximum(v, holes * np.uint8(200))
    h, w = gray.shape
    bg = rng.uniform(200, 235)
    ink = rng.uniform(15, 55)
    # out = ink + (bg - ink) * v / 255, then a blotchy background
    out = cv2.convertScaleAbs(v, alpha=(bg - ink) / 255.0, beta=ink)
    out = _apply_gain(out, 1.0 - 0.08 * _low_freq(rng, _small((h, w)), cells=5))
    out = _add_noise(out, rng, float(rng.uniform(4, 9)))
    # copier-lid shadow along an edge
    if rng.random() < 0.6:
        band = max(2, round(rng.uniform(0.005, 0.03) * w))
        ramp = (np.linspace(rng.uniform(0.25, 0.6), 1.0, band) * 128).astype(np.uint8)
        side = rng.integers(0, 4)
        g = np.full((h, w), 128, np.uint8)
        if side == 0:
            g[:, :band] = ramp[None, :]
        elif side == 1:
            g[:, w - band:] = ramp[::-1][None, :]
        elif side == 2:
            g[:band, :] = ramp[:, None]
        else:
            g[h - band:, :] = ramp[::-1][:, None]
        out = _apply_gain(out, g)
    out = toner_streaks(out, rng, dpi=dpi)
    return blur(out, rng, sigma=rng.uniform(0.3, 0.7) * s)


def typewriter_ink(image: np.ndarray, rng: np.random.Generator, *, dpi: int = 300) -> np.ndarray:
    """Typewritten look on top of a typewriter-font render: ink spread into the paper, fading ribbon
    (smooth lighter regions), slight blur."""
    gray = to_gray(image)
    s = _scale(dpi)
    if rng.random() < 0.4:
        k = max(2, round(2 * s))
        gray = cv2.erode(gray, np.ones((k, k), np.uint8))
    fade = 0.7 + 0.3 * _low_freq(rng, _small(gray.shape), cells=8)  # ink kept
    ink = cv2.bitwise_not(gray)
    out = cv2.bitwise_not(_apply_gain(ink, fade))
    return blur(out, rng, sigma=rng.uniform(0.4, 0.8) * s)


def age_paper(image: np.ndarray, rng: np.random.Generator, *, colour: bool | None = None) -> np.ndarray:
    """Old paper: darker, blotchy background; with colour=True a yellowish BGR tint."""
    if colour is None:
        colour = bool(rng.random() < 0.3)
    h, w = image.shape[:2]
    paper = rng.uniform(0.84, 0.95) - 0.08 * _low_freq(rng, _small((h, w)), cells=7)
    out = _apply_gain(image, paper)
    if colour:
        tint = (rng.uniform(0.75, 0.88), rng.uniform(0.92, 0.98), 1.0, 0.0)  # BGR: yellowish
        out = cv2.multiply(to_bgr(out), tint)
    return out


def phone_photo(image: np.ndarray, rng: np.random.Generator, *, size: tuple[int, int] = (3000, 4000)) -> np.ndarray:
    """Photograph of the page on a table: perspective warp into a `size` (width, height) ~12 MP frame with
    background around the page, shadow gradient, colour cast, blur and sensor noise. Returns BGR."""
    page = to_bgr(image)
    W, H = size
    ph, pw = page.shape[:2]
    # background: table colour with low-frequency texture
    base = np.asarray(rng.choice([[60, 90, 130], [40, 40, 45], [150, 150, 150], [90, 120, 160], [200, 200, 205]]),
                      np.float32)
    tex = _low_freq(rng, (H // 8, W // 8), cells=12)[:, :, None] * 40 - 20
    bg = cv2.resize(_clip_u8(base[None, None, :] + tex + rng.normal(0, 6, (H // 8, W // 8, 3))), (W, H),
                    interpolation=cv2.INTER_LINEAR)
    # where the page lands
    fill = rng.uniform(0.8, 0.92)
    tgt_h = fill * H
    tgt_w = tgt_h * pw / ph
    if tgt_w > 0.94 * W:
        tgt_w = 0.94 * W
        tgt_h = tgt_w * ph / pw
    cx = W / 2 + rng.uniform(-0.03, 0.03) * W
    cy = H / 2 + rng.uniform(-0.03, 0.03) * H
    hw, hh = tgt_w / 2, tgt_h / 2
    rect = np.array([[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]],
                    np.float32)
    a = math.radians(rng.uniform(-4, 4))
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]], np.float32)
    dst = rect @ rot.T + [cx, cy]
    jit = rng.uniform(-0.035, 0.035, (4, 2)).astype(np.float32) * [tgt_w, tgt_h]
    dst = (dst + jit).astype(np.float32)
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(page, m, (W, H), dst=bg, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_TRANSPARENT)
    # shadow gradient and a soft blob (hand/phone)
    sh, sw = H // 16, W // 16
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    th = rng.uniform(0, 2 * math.pi)
    grad = (xx / sw - 0.5) * math.cos(th) + (yy / sh - 0.5) * math.sin(th)
    grad = (grad - grad.min()) / max(float(np.ptp(grad)), 1e-6)
    gain = 1.0 - rng.uniform(0.15, 0.4) * grad
    if rng.random() < 0.5:
        bx, by = rng.uniform(0, sw), rng.uniform(0, sh)
        r = rng.uniform(0.2, 0.4) * sw
        blob = np.exp(-(((xx - bx) ** 2 + (yy - by) ** 2) / (2 * r * r)))
        gain *= 1.0 - rng.uniform(0.15, 0.35) * blob
    out = _apply_gain(out, gain)
    temp = rng.uniform(-1.0, 1.0)  # white balance: > 0 warm (yellowish), < 0 cool (bluish)
    cast = (1.0 - 0.12 * max(temp, 0) + 0.04 * max(-temp, 0), 1.0 - 0.03 * abs(temp),
            1.0 + 0.04 * max(temp, 0) - 0.08 * max(-temp, 0), 0.0)  # BGR
    out = cv2.multiply(out, cast)
    out = cv2.GaussianBlur(out, (0, 0), sigmaX=rng.uniform(0.6, 1.3))
    return _add_noise(out, rng, float(rng.uniform(2, 5)))


# ---------------------------------------------------------------- real captures (issue 13, item 6)
# Modelled on the pages in ../shared/real-scans (see docs/corpus.md, "Capture levels"): hand-held phone photos,
# chat-app copies, 200 dpi fax-like bilevel scans, show-through and bleed-through, handwritten fill-ins.


def _chaikin(points: np.ndarray, iterations: int = 2) -> np.ndarray:
    """Corner-cutting smoothing of an open polyline (a pen does not draw corners)."""
    for _ in range(iterations):
        if len(points) < 3:
            return points
        q = 0.75 * points[:-1] + 0.25 * points[1:]
        r = 0.25 * points[:-1] + 0.75 * points[1:]
        mid = np.empty((2 * len(q), 2), np.float64)
        mid[0::2], mid[1::2] = q, r
        points = np.vstack([points[:1], mid, points[-1:]])
    return points


def _ellipse(cx: float, cy: float, rx: float, ry: float, n: int = 16) -> list[tuple[float, float]]:
    t = np.linspace(-0.5 * math.pi, 1.55 * math.pi, n)
    return [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in t]


# pen strokes of the characters written into forms: polylines in a 0.6 x 1 cell, y down (0 top, 1 baseline)
HAND_GLYPHS: dict[str, list[list[tuple[float, float]]]] = {
    "0": [_ellipse(0.3, 0.5, 0.25, 0.5)],
    "1": [[(0.12, 0.22), (0.34, 0.0), (0.32, 1.0)]],
    "2": [[(0.05, 0.22), (0.18, 0.03), (0.38, 0.0), (0.52, 0.14), (0.5, 0.34), (0.3, 0.62), (0.04, 1.0),
           (0.58, 0.98)]],
    "3": [[(0.06, 0.1), (0.3, 0.0), (0.5, 0.12), (0.46, 0.34), (0.24, 0.47), (0.5, 0.6), (0.56, 0.82), (0.36, 1.0),
           (0.05, 0.92)]],
    "4": [[(0.42, 1.0), (0.4, 0.0), (0.03, 0.68), (0.58, 0.68)]],
    "5": [[(0.52, 0.0), (0.12, 0.02), (0.08, 0.45), (0.36, 0.4), (0.55, 0.6), (0.5, 0.9), (0.3, 1.0), (0.05, 0.9)]],
    "6": [[(0.46, 0.02), (0.2, 0.25), (0.06, 0.6), (0.12, 0.92), (0.32, 1.0), (0.52, 0.85), (0.5, 0.62),
           (0.3, 0.52), (0.08, 0.66)]],
    "7": [[(0.02, 0.05), (0.56, 0.02), (0.32, 0.5), (0.2, 1.0)]],
    "8": [[(0.3, 0.48), (0.08, 0.3), (0.12, 0.05), (0.35, 0.0), (0.52, 0.15), (0.46, 0.35), (0.3, 0.48),
           (0.06, 0.68), (0.1, 0.95), (0.35, 1.0), (0.56, 0.8), (0.5, 0.6), (0.3, 0.48)]],
    "9": [[(0.52, 0.3), (0.3, 0.46), (0.08, 0.34), (0.1, 0.08), (0.35, 0.0), (0.54, 0.15), (0.5, 0.42),
           (0.42, 1.0)]],
    "/": [[(0.55, 0.0), (0.05, 1.0)]],
    "-": [[(0.05, 0.58), (0.5, 0.55)]],
    ".": [[(0.2, 0.95), (0.26, 1.0)]],
}


def handwriting_mask(rng: np.random.Generator, text: str, *, height: float, pen: float) -> np.ndarray:
    """Alpha (0..1 float32) of `text` (digits, "/", "-", ".") written by hand `height` px tall: drawn strokes
    (Debian packages no handwriting font with Vietnamese glyphs that the project installs), slanted, uneven
    in size and spacing, smoothed like a ballpoint line."""
    slant = rng.uniform(0.05, 0.3)
    cells = []
    x = 0.0
    for ch in text:
        strokes = HAND_GLYPHS.get(ch)
        size = height * rng.uniform(0.85, 1.12)
        if strokes is not None:
            dx, dy = rng.uniform(-0.04, 0.04, 2) * size
            for s in strokes:
                pts = np.asarray(s, np.float64) * size
                pts += rng.normal(0, 0.025 * size, pts.shape)
                pts[:, 0] += x + dx + slant * (size - pts[:, 1])  # lean right
                pts[:, 1] += dy + (height - size)
                cells.append(_chaikin(pts, 2))
        x += size * (0.62 if ch not in "/.-" else 0.45) * rng.uniform(0.9, 1.15)
    pad = int(2 + pen * 2)
    w = int(x + slant * height + 2 * pad)
    h = int(height * 1.25 + 2 * pad)
    canvas = np.zeros((h, max(w, 1)), np.uint8)
    th = max(1, round(pen))
    for pts in cells:
        p = np.round((pts + pad) * 4).astype(np.int32)
        cv2.polylines(canvas, [p.reshape(-1, 1, 2)], False, 255, th, cv2.LINE_AA, shift=2)
    return canvas.astype(np.float32) / 255.0


Box = tuple[float, float, float, float]


def handwritten_fill(image: np.ndarray, rng: np.random.Generator, fields: list[tuple[Box, str]], *, dpi: int = 300,
                     colour: tuple[int, int, int] | None = None) -> np.ndarray:
    """Write each field's text by hand over its box (x0, y0, x1, y1 px): the printed characters there are erased
    first (the form left the place blank), then the text is written in ballpoint, blue by default (the real
    công văn numbers and dates: ../shared/real-scans/congvan_colour200_p1.jpg, phone_congvan_header.jpg). The page
    text is unchanged: what is written is the field's text. Returns BGR."""
    out = to_bgr(image)
    if colour is None:
        colour = ((int(rng.integers(120, 175)), int(rng.integers(40, 80)), int(rng.integers(15, 45)))
                  if rng.random() < 0.8 else (40, 40, 45))
    pen = max(1.0, rng.uniform(0.25, 0.4) / 25.4 * dpi)
    for (x0, y0, x1, y1), text in fields:
        x0, y0, x1, y1 = (int(round(v)) for v in (x0, y0, x1, y1))
        out[max(0, y0):max(0, y1), max(0, x0):max(0, x1)] = 255
        height = (y1 - y0) * rng.uniform(0.95, 1.25)
        alpha = handwriting_mask(rng, text, height=height, pen=pen) * float(rng.uniform(0.85, 1.0))
        ah, aw = alpha.shape
        cx = (x0 + x1) / 2 + rng.uniform(-0.1, 0.1) * (x1 - x0)
        base = y1 + rng.uniform(-0.1, 0.15) * (y1 - y0)  # written on or a little below the line
        out = _ink_composite(out, alpha, round(cx - aw / 2), round(base - 0.8 * ah), colour)
    return out


def paper_pattern(image: np.ndarray, rng: np.random.Generator, *, dpi: int = 300) -> np.ndarray:
    """Security print of a land-use certificate: a pink drum-like guilloche (rings of motifs and rays) under the
    ink (../shared/real-scans/phone_landcert_diagram.jpg). Returns BGR."""
    h, w = image.shape[:2]
    f = 4  # draw at quarter resolution; the pattern is soft
    sh, sw = max(8, h // f), max(8, w // f)
    layer = np.zeros((sh, sw), np.uint8)
    cx, cy = sw * rng.uniform(0.2, 0.8), sh * rng.uniform(0.3, 0.7)
    rmax = int(math.hypot(sw, sh))
    step = max(3, round(rng.uniform(5, 9) / 25.4 * dpi / f))
    th = max(1, round(0.5 / 25.4 * dpi / f))
    for k, r in enumerate(range(step, rmax, step)):
        cv2.circle(layer, (round(cx), round(cy)), r, 255, th, cv2.LINE_AA)
        if k % 3 == 1:  # a ring of small motifs
            n = max(8, int(2 * math.pi * r / (step * 1.5)))
            for j in range(n):
                a = 2 * math.pi * j / n + rng.uniform(0, 0.1)
                px, py = cx + r * math.cos(a), cy + r * math.sin(a)
                cv2.ellipse(layer, (round(px), round(py)), (max(1, step // 3), max(1, step // 5)),
                            math.degrees(a), 0, 360, 255, th, cv2.LINE_AA)
    rays = int(rng.integers(16, 33))
    for j in range(rays):
        a = 2 * math.pi * j / rays
        cv2.line(layer, (round(cx), round(cy)), (round(cx + rmax * math.cos(a)), round(cy + rmax * math.sin(a))),
                 160, th, cv2.LINE_AA)
    layer = layer.astype(np.float32) / 255.0
    depth = rng.uniform(0.25, 0.45)
    tint = np.asarray([rng.uniform(0.7, 0.85), rng.uniform(0.6, 0.75), 1.0], np.float32)  # BGR pink
    paper = np.asarray([rng.uniform(0.9, 0.96), rng.uniform(0.88, 0.94), 1.0], np.float32)  # pinkish paper
    gain = paper[None, None, :] * (1.0 - depth * layer[:, :, None] * (1.0 - tint[None, None, :]))
    gain = cv2.resize(np.clip(gain * 128.0 + 0.5, 0, 255).astype(np.uint8), (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.multiply(to_bgr(image), gain, scale=1.0 / 128.0)


def page_curl(image: np.ndarray, rng: np.random.Generator, *, amount: float | None = None,
              fill: int | tuple[int, int, int] = 255) -> np.ndarray:
    """Bend the page as paper held or lying unflat does: text lines bow (vertical displacement growing towards
    one side) and the lifted edge is foreshortened. `amount` is the largest displacement as a share of the
    height (default 0.008..0.025)."""
    if amount is None:
        amount = float(rng.uniform(0.008, 0.025))
    h, w = image.shape[:2]
    gh, gw = max(2, h // 8), max(2, w // 8)  # the displacement is smooth: compute it on a coarse grid
    v, u = np.mgrid[0:gh, 0:gw].astype(np.float32)
    u /= gw - 1
    v /= gh - 1
    side = rng.integers(0, 2)
    edge = u if side == 0 else 1.0 - u
    bow = amount * h * (edge ** 2) * (0.4 + 0.6 * v if rng.random() < 0.5 else 1.0 - 0.6 * v)
    bow += 0.3 * amount * h * np.sin(math.pi * u)  # the middle of the sheet sags
    lift = rng.uniform(0.0, 0.04) * w * edge ** 3  # foreshortening near the lifted edge
    dx = cv2.resize((lift if side == 0 else -lift).astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    dy = cv2.resize((amount * h * 0.5 - bow).astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    map_x = dx + np.arange(w, dtype=np.float32)[None, :]
    map_y = dy + np.arange(h, dtype=np.float32)[:, None]
    return cv2.remap(image, map_x.astype(np.float32), map_y.astype(np.float32), cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def _background(rng: np.random.Generator, w: int, h: int, kind: str | None = None) -> np.ndarray:
    """What lies around a photographed sheet: a wooden table, a patterned cloth or tiles, or a plain desk."""
    kind = kind or str(rng.choice(["wood", "cloth", "tiles", "plain"]))
    if kind == "wood":
        base = np.asarray([rng.uniform(40, 80), rng.uniform(70, 110), rng.uniform(110, 160)], np.float32)
        yy = np.arange(h, dtype=np.float32)[:, None]
        grain = np.sin(yy / rng.uniform(3, 9) + 4 * _low_freq(rng, (h, w), cells=6)) * 18
        img = base[None, None, :] + grain[:, :, None] + rng.normal(0, 4, (h, w, 1)).astype(np.float32)
        if rng.random() < 0.5:
            img = np.transpose(img, (1, 0, 2))
            img = cv2.resize(img, (w, h))
    elif kind == "cloth":
        c1 = rng.uniform(60, 220, 3).astype(np.float32)
        c2 = rng.uniform(30, 200, 3).astype(np.float32)
        period = rng.uniform(12, 40)
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        checks = ((np.floor(xx / period) + np.floor(yy / period)) % 2)[:, :, None]
        img = c1 * checks + c2 * (1 - checks)
        img += (_low_freq(rng, (h, w), cells=5)[:, :, None] * 30 - 15)
    elif kind == "tiles":
        c = rng.uniform(150, 215, 3).astype(np.float32)
        img = np.broadcast_to(c, (h, w, 3)).copy()
        period = int(rng.uniform(80, 200))
        img[::period, :] *= 0.6
        img[:, ::period] *= 0.6
        img = cv2.GaussianBlur(img, (0, 0), 1.5)
        img += (_low_freq(rng, (h, w), cells=4)[:, :, None] * 24 - 12)
    else:
        c = rng.uniform(35, 200)
        img = np.full((h, w, 3), c, np.float32) + rng.uniform(-15, 15, 3).astype(np.float32)
        img += (_low_freq(rng, (h, w), cells=5)[:, :, None] * 20 - 10)
    return _clip_u8(img)


def _finger(frame: np.ndarray, rng: np.random.Generator, quad: np.ndarray,
            keep_out: np.ndarray | None = None) -> np.ndarray:
    """A thumb or finger entering from the nearest frame edge onto one side of the sheet (skin tone, shaded,
    out of focus: it is closer to the lens than the page). It never covers `keep_out` (the text block's corners
    in the frame: the truth must stay readable): the tip is pulled back, then other sides are tried; when no
    place is left there is no finger."""
    h, w = frame.shape[:2]
    first = int(rng.integers(0, 4))  # 0 left, 1 right, 2 bottom, 3 top
    t = rng.uniform(0.25, 0.75)
    length = rng.uniform(0.12, 0.22) * min(w, h)
    width = length * rng.uniform(0.3, 0.42)
    reach0 = rng.uniform(0.04, 0.1)
    tilt = rng.uniform(-20, 20)
    forbidden = None
    if keep_out is not None:
        forbidden = np.zeros((h, w), np.uint8)
        cv2.fillPoly(forbidden, [np.round(keep_out).astype(np.int32)], 255)
    placed = None
    for side in [(first + k) % 4 for k in range(4)]:
        a, b = {0: (quad[0], quad[3]), 1: (quad[1], quad[2]), 2: (quad[3], quad[2]), 3: (quad[0], quad[1])}[side]
        px, py = a + t * (b - a)
        inward = {0: (1, 0), 1: (-1, 0), 2: (0, -1), 3: (0, 1)}[side]
        ang = math.degrees(math.atan2(inward[1], inward[0])) + tilt
        for reach in (reach0, reach0 - 0.03, reach0 - 0.06, 0.0):
            tip = (px + inward[0] * reach * w, py + inward[1] * reach * h)
            cx, cy = tip[0] - inward[0] * length / 2, tip[1] - inward[1] * length / 2
            mask = np.zeros((h, w), np.uint8)
            cv2.ellipse(mask, (round(cx), round(cy)), (round(length / 2), round(width / 2)), ang, 0, 360, 255, -1)
            ext = (round(cx - inward[0] * length), round(cy - inward[1] * length))  # the rest of the hand
            cv2.line(mask, (round(cx), round(cy)), ext, 255, round(width))
            grown = cv2.dilate(mask, np.ones((9, 9), np.uint8))  # the blurred edge too
            if forbidden is None or not np.any(cv2.bitwise_and(grown, forbidden)):
                placed = (mask, tip, inward, ang)
                break
        if placed is not None:
            break
    if placed is None:
        return frame
    mask, tip, inward, ang = placed
    small = cv2.resize(mask, (max(2, w // 4), max(2, h // 4)), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
    alpha = cv2.resize(cv2.GaussianBlur(small, (0, 0), max(0.5, width * 0.02)), (w, h))
    skin = np.asarray([rng.uniform(95, 150), rng.uniform(130, 170), rng.uniform(185, 235)], np.float32)
    shade = 0.75 + 0.25 * cv2.resize(cv2.GaussianBlur(small, (0, 0), width * 0.075), (w, h))
    layer = skin[None, None, :] * shade[:, :, None]
    out = frame.astype(np.float32) * (1 - alpha[:, :, None]) + layer * alpha[:, :, None]
    nail = np.zeros((h, w), np.uint8)  # a paler, glossy nail near the tip
    nx, ny = tip[0] - inward[0] * length * 0.16, tip[1] - inward[1] * length * 0.16
    cv2.ellipse(nail, (round(nx), round(ny)), (max(1, round(length * 0.12)), max(1, round(width * 0.3))), ang, 0, 360,
                255, -1)
    na = cv2.GaussianBlur(nail.astype(np.float32) / 255.0, (0, 0), max(1.0, width * 0.04))[:, :, None] * 0.5
    out = out * (1 - na) + np.asarray([205, 215, 240], np.float32)[None, None, :] * na
    return _clip_u8(out)


def hand_photo(image: np.ndarray, rng: np.random.Generator, *, dpi: int = 300, effective_dpi: float | None = None,
               finger: bool | None = None, curl: bool = True, background: str | None = None,
               fill_frame: bool | None = None) -> np.ndarray:
    """A hand-held phone photo as citizens send them (../shared/real-scans/phone_*.jpg): the sheet at
    `effective_dpi` (default 75..150) in a small frame, perspective and rotation, page curl, a table or
    patterned cloth around it, a finger or thumb at an edge (default 40 %), uneven light with a hard-edged
    shadow of the phone or hand, defocus or motion blur, sensor noise and phone-quality JPEG. fill_frame (default
    40 %): the photo is framed on the text, cutting the sheet's edges but no text (phone_nghidinh_p1.jpg,
    phone_landcert_diagram.jpg). Returns BGR."""
    if effective_dpi is None:
        effective_dpi = float(rng.uniform(75, 150))
    page = to_bgr(image)
    ph, pw = page.shape[:2]
    work = 1.5 * effective_dpi / dpi  # warp at 1.5x the final resolution, then shrink once
    page = cv2.resize(page, (max(8, round(pw * work)), max(8, round(ph * work))), interpolation=cv2.INTER_AREA)
    ph, pw = page.shape[:2]
    if curl:
        page = page_curl(page, rng, fill=(255, 255, 255))
    ink = np.argwhere(cv2.resize(to_gray(page), (max(2, pw // 4), max(2, ph // 4)), interpolation=cv2.INTER_AREA) < 160)
    text_box = None
    if ink.size:
        (ty0, tx0), (ty1, tx1) = ink.min(axis=0) * 4, (ink.max(axis=0) + 1) * 4
        text_box = np.array([[tx0, ty0], [tx1, ty0], [tx1, ty1], [tx0, ty1]], np.float32)
    # the frame: the page fills 72..92 % of its height (3:4 portrait)
    fill = rng.uniform(0.72, 0.92)
    H = round(ph / fill)
    W = round(H * 0.75)
    if pw > 0.94 * W:
        W = round(pw / 0.94)
        H = round(W / 0.75)
    bg = cv2.resize(_background(rng, W // 2, H // 2, background), (W, H), interpolation=cv2.INTER_LINEAR)
    cx, cy = W / 2 + rng.uniform(-0.04, 0.04) * W, H / 2 + rng.uniform(-0.04, 0.04) * H
    hw, hh = pw / 2, ph / 2
    rect = np.array([[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]], np.float32)
    a = math.radians(rng.uniform(-6, 6))
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]], np.float32)
    dst = rect @ rot.T + [cx, cy]
    keystone = rng.uniform(0.0, 0.08) * pw  # top narrower: the phone is held above the near edge
    dst[0, 0] += keystone
    dst[1, 0] -= keystone
    dst = (dst + rng.uniform(-0.03, 0.03, (4, 2)).astype(np.float32) * [pw, ph]).astype(np.float32)
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    frame = cv2.warpPerspective(page, m, (W, H), dst=bg, flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_TRANSPARENT)
    # light: a gradient, a vignette, and a hard-edged shadow (hand or phone) over part of the sheet
    sh, sw = max(2, H // 8), max(2, W // 8)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    th = rng.uniform(0, 2 * math.pi)
    grad = (xx / sw - 0.5) * math.cos(th) + (yy / sh - 0.5) * math.sin(th)
    grad = (grad - grad.min()) / max(float(np.ptp(grad)), 1e-6)
    gain = (1.0 - rng.uniform(0.1, 0.35) * grad) * (1.0 - 0.25 * ((xx / sw - 0.5) ** 2 + (yy / sh - 0.5) ** 2))
    gain = cv2.resize(gain.astype(np.float32), (W, H), interpolation=cv2.INTER_LINEAR)
    if rng.random() < 0.6:  # drawn at a quarter of the frame size: its edge is soft anyway
        qh, qw = max(2, H // 4), max(2, W // 4)
        shadow = np.zeros((qh, qw), np.uint8)
        corner = rng.integers(0, 4)
        x0 = 0 if corner in (0, 3) else qw
        y0 = 0 if corner in (0, 1) else qh
        poly = np.array([[x0, y0], [abs(x0 - rng.uniform(0.3, 0.9) * qw), y0],
                         [abs(x0 - rng.uniform(0.1, 0.5) * qw), abs(y0 - rng.uniform(0.2, 0.6) * qh)],
                         [x0, abs(y0 - rng.uniform(0.3, 0.9) * qh)]], np.int32)
        cv2.fillPoly(shadow, [poly], 255)
        soft = cv2.GaussianBlur(shadow.astype(np.float32) / 255.0, (0, 0), rng.uniform(0.003, 0.04) * qw)
        gain *= 1.0 - rng.uniform(0.25, 0.5) * cv2.resize(soft, (W, H), interpolation=cv2.INTER_LINEAR)
    frame = _apply_gain(frame, np.clip(gain, 0, 1.99))
    if fill_frame is None:
        fill_frame = bool(rng.random() < 0.4)
    corners = cv2.perspectiveTransform(text_box[None], m)[0] if text_box is not None else None
    if fill_frame and corners is not None:  # framed on the text: every word stays in the picture
        margin = rng.uniform(0.02, 0.06) * W
        x0, y0 = np.floor(corners.min(axis=0) - margin).astype(int)
        x1, y1 = np.ceil(corners.max(axis=0) + margin).astype(int)
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(W, x1), min(H, y1)
        frame = frame[y0:y1, x0:x1]
        H, W = frame.shape[:2]
        dst = np.array([[0, 0], [W, 0], [W, H], [0, H]], np.float32)  # the sheet's edges are out of the frame
        corners = corners - [x0, y0]
    if finger is None:
        finger = bool(rng.random() < 0.4)
    if finger:
        frame = _finger(frame, rng, dst, keep_out=corners)
    temp = rng.uniform(-1.0, 1.0)
    cast = (1.0 - 0.12 * max(temp, 0) + 0.05 * max(-temp, 0), 1.0 - 0.03 * abs(temp),
            1.0 + 0.05 * max(temp, 0) - 0.08 * max(-temp, 0), 0.0)
    frame = cv2.multiply(frame, cast)
    # a phone's exposure: dim paper, ink still dark (real photos, 1st / 50th / 99th grey percentile: phone_nghidinh
    # 6 / 164 / 179, phone_landcert_2006 47 / 172 / 198)
    frame = cv2.convertScaleAbs(frame, alpha=rng.uniform(0.62, 0.8), beta=rng.uniform(0, 20))
    frame = cv2.resize(frame, (round(W / 1.5), round(H / 1.5)), interpolation=cv2.INTER_AREA)
    if rng.random() < 0.3:  # hand shake: a short motion blur
        n = int(rng.integers(3, 6))
        k = np.zeros((n, n), np.float32)
        cv2.line(k, (0, int(rng.integers(0, n))), (n - 1, int(rng.integers(0, n))), 1.0, 1)
        frame = cv2.filter2D(frame, -1, k / k.sum())
    else:
        frame = cv2.GaussianBlur(frame, (0, 0), sigmaX=rng.uniform(0.5, 1.2))
    frame = _add_noise(frame, rng, float(rng.uniform(2, 6)))
    return jpeg_artifacts(frame, rng, quality=int(rng.integers(60, 86)))


def chat_app(image: np.ndarray, rng: np.random.Generator, *, dpi: int = 300, target_dpi: float | None = None,
             passes: int = 2) -> np.ndarray:
    """A copy forwarded through a chat app (../shared/real-scans/congvan_chatapp70_p1.jpg): downscaled to
    `target_dpi` (default 64..76) and recompressed as JPEG `passes` times (each app on the way recompresses,
    the second time often after a small resize). Keeps the number of channels."""
    if target_dpi is None:
        target_dpi = float(rng.uniform(64, 76))
    h, w = image.shape[:2]
    f = target_dpi / dpi
    out = cv2.resize(image, (max(8, round(w * f)), max(8, round(h * f))), interpolation=cv2.INTER_AREA)
    if rng.random() < 0.5:  # apps sharpen after shrinking
        soft = cv2.GaussianBlur(out, (0, 0), 1.0)
        out = cv2.addWeighted(out, 1.4, soft, -0.4, 0)
    for k in range(passes):
        if k > 0 and rng.random() < 0.5:
            s = rng.uniform(0.9, 0.98)
            out = cv2.resize(out, (round(out.shape[1] * s), round(out.shape[0] * s)), interpolation=cv2.INTER_AREA)
        out = jpeg_artifacts(out, rng, quality=int(rng.integers(55, 80)))
    return out


def drop_small_marks(image: np.ndarray, rng: np.random.Generator, *, max_area: int, share: float) -> np.ndarray:
    """Erase a `share` of the connected ink components smaller than `max_area` px from a bilevel page: on a
    200 dpi fax or bilevel scan, tone marks and dots are the smallest blobs and the first to vanish."""
    ink = (image < 128).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] < max_area)
    small = small[small > 0]
    gone = small[rng.random(small.size) < share]
    if gone.size == 0:
        return image.copy()
    lut = np.zeros(n, bool)
    lut[gone] = True
    out = image.copy()
    out[lut[labels]] = 255
    return out


def fax_scan(image: np.ndarray, rng: np.random.Generator, *, dpi: int = 200,
             lost_marks: float | None = None) -> np.ndarray:
    """A 200 dpi bilevel office scan or fax (../shared/real-scans/congvan_fax200_p*.png): red seal and blue
    signature turn solid black (the darkest channel is thresholded), thin or broken strokes, a share of tone
    marks and dots lost (default 0.1..0.4 of the small marks), speckle. Gray 0/255 output."""
    if image.ndim == 3:  # the darkest channel, darker still where the ink is saturated (seal, ballpoint)
        lo = cv2.min(cv2.min(image[..., 0], image[..., 1]), image[..., 2])
        hi = cv2.max(cv2.max(image[..., 0], image[..., 1]), image[..., 2])
        gray = cv2.subtract(lo, cv2.convertScaleAbs(cv2.subtract(hi, lo), alpha=0.8))
    else:
        gray = image.copy()
    s = _scale(dpi)
    gray = cv2.GaussianBlur(gray, (0, 0), sigmaX=rng.uniform(0.4, 0.9) * s)
    gray = _add_noise(gray, rng, float(rng.uniform(6, 14)))
    t = int(rng.integers(95, 150))  # a dark threshold: thin strokes break, faint marks vanish
    out = np.where(gray > t, 255, 0).astype(np.uint8)
    holes = np.frombuffer(rng.bytes(out.size), np.uint8).reshape(out.shape) < int(rng.integers(2, 8))
    out[holes] = 255
    if lost_marks is None:
        lost_marks = float(rng.uniform(0.1, 0.4))
    out = drop_small_marks(out, rng, max_area=max(4, round(40 * s * s)), share=lost_marks)
    n = int(out.size * rng.uniform(1e-5, 6e-5))  # specks
    ys, xs = rng.integers(0, out.shape[0], n), rng.integers(0, out.shape[1], n)
    out[ys, xs] = 0
    if s >= 0.6:
        out = cv2.erode(out, np.ones((2, 2), np.uint8), iterations=1) if rng.random() < 0.3 else out
    return out


def show_through(image: np.ndarray, rng: np.random.Generator, *, back: np.ndarray | None = None, dpi: int = 300,
                 strength: float | None = None, mirrored: bool = True, colour: tuple[float, float, float] | None = None
                 ) -> np.ndarray:
    """Text of the other side (mirrored) or of the sheet underneath (not mirrored) seen through thin paper:
    the `back` page (default: this page shifted by a third to two thirds of its height, so the lines differ)
    blurred by the paper and multiplied in at `strength` (default 0.08..0.2; bleed-through 0.25..0.5).
    ../shared/real-scans/congvan_colour300_showthrough_p2.jpg, scan95_bleedthrough_congvan.png. Returns BGR."""
    h, w = image.shape[:2]
    if back is None:
        back = np.roll(to_gray(image), int(rng.uniform(0.33, 0.66) * h), axis=0)
        back = np.roll(back, int(rng.uniform(-0.03, 0.03) * w), axis=1)
    back = to_gray(back)
    if back.shape != (h, w):
        back = cv2.resize(back, (w, h), interpolation=cv2.INTER_AREA)
    if mirrored:
        back = np.ascontiguousarray(back[:, ::-1])
    if strength is None:
        strength = float(rng.uniform(0.08, 0.2))
    ink = 1.0 - back.astype(np.float32) / 255.0
    ink = cv2.GaussianBlur(ink, (0, 0), sigmaX=rng.uniform(0.8, 2.0) * _scale(dpi))
    ink *= strength * (0.7 + 0.3 * _low_freq(rng, (h, w), cells=6))
    if colour is None:  # the back's ink seen through paper: grey, slightly warm or bluish
        colour = (rng.uniform(0.5, 0.8), rng.uniform(0.5, 0.75), rng.uniform(0.45, 0.75))
    col = np.asarray(colour, np.float32)
    gain = 1.0 - ink[:, :, None] * col[None, None, :]
    return _clip_u8(to_bgr(image).astype(np.float32) * gain)


def colour_scan(image: np.ndarray, rng: np.random.Generator, *, dpi: int = 300, yellow: bool | None = None
                ) -> np.ndarray:
    """An office colour scan: slight skew, paper tone, soft light, sensor noise, scanner black/white points.
    Returns BGR."""
    s = _scale(dpi)
    img = skew(to_bgr(image), rng, max_deg=1.0)
    if yellow is None:
        yellow = bool(rng.random() < 0.5)
    if yellow:
        img = cv2.multiply(img, (rng.uniform(0.86, 0.95), rng.uniform(0.95, 0.99), 1.0, 0.0))
    img = uneven_lighting(img, rng, strength=rng.uniform(0.02, 0.08))
    img = blur(img, rng, sigma=rng.uniform(0.3, 0.7) * s)
    img = gaussian_noise(img, rng, sigma=rng.uniform(2, 5))
    return levels(img, rng, black=int(rng.integers(0, 20)), white=int(rng.integers(238, 253)))


# ---------------------------------------------------------------- presets


def add_ink(image: np.ndarray, rng: np.random.Generator, *, name_box=None, signature: bool = True,
            stamp: bool = False, stamp_text: str | None = None, dpi: int = 300, signer_boxes=None,
            seam: bool = False) -> np.ndarray:
    """Blue signature and/or red stamp near `name_box` (the signer's printed name), BGR when any is drawn.
    With several `signer_boxes` (one per signer's name) each gets a small signature (beside or above each name).
    seam: also a seal cut by the right page edge."""
    out = image
    if signature and signer_boxes and len(signer_boxes) > 1:
        # several signers, each name on its own line: a small signature beside each name
        for k, (x0, y0, x1, y1) in enumerate(signer_boxes):
            same_row = any(j != k and b[1] < y1 and y0 < b[3] for j, b in enumerate(signer_boxes))
            if same_row:  # names side by side (minutes): sign above each name
                at = ((x0 + x1) / 2, y0 - 0.2 * dpi)
            else:  # names stacked (a letter signed by several people): sign right of each name
                at = (x1 + 0.1 * dpi + 0.6 * 50 / 25.4 * dpi / 2, (y0 + y1) / 2)
            out = blue_signature(out, rng, dpi=dpi, at=at, scale=0.6)
    elif signature:
        out = blue_signature(out, rng, name_box=name_box, dpi=dpi)
    if stamp:
        out = red_stamp(out, rng, name_box=name_box, text=stamp_text, dpi=dpi)
    if seam:
        out = seam_stamp(out, rng, text=stamp_text, dpi=dpi)
    return out


def degrade_page(image: np.ndarray, level: str, rng: np.random.Generator, *, dpi: int = 300, name_box=None,
                 signature: bool = False, stamp: bool = False, stamp_text: str | None = None,
                 bilevel: bool | None = None, signer_boxes=None,
                 photo_size: tuple[int, int] = (3000, 4000), seam: bool = False,
                 fill_ins: list | None = None, pattern: bool = False, back: np.ndarray | None = None) -> np.ndarray:
    """Apply the preset `level` (one of ALL_LEVELS) to a clean page rendered at `dpi`.

    signature/stamp: draw a blue signature / red seal near `name_box` (the signer's printed name, x0 y0 x1 y1 px)
    first; the page becomes BGR, except for photocopies, which turn colour ink grey. signer_boxes: the names of
    several signers (a small signature beside each). bilevel: for "photocopy", threshold to 0/255 (default 40%).
    photo_size: (width, height) of a "phone" photo (default 12 MP portrait). seam: a seal cut by the right edge
    (multi-page official documents). fill_ins: [(box, text)] written by hand over the printed text in box
    (`handwritten_fill`). pattern: a land-use certificate's pink security print under the ink. back: the page
    whose text shows through ("show-through", "bleed-through"; default this page shifted)."""
    if level not in ALL_LEVELS:
        raise ValueError(f"unknown level {level!r}; one of {ALL_LEVELS}")
    s = _scale(dpi)
    img = image
    if level == "typewriter" and img.ndim == 2:  # ribbon ink first, pen and seal on top
        img = typewriter_ink(img, rng, dpi=dpi)
    if pattern:
        img = paper_pattern(img, rng, dpi=dpi)
    if fill_ins:
        img = handwritten_fill(img, rng, fill_ins, dpi=dpi)
    if signature or stamp or seam:
        img = add_ink(img, rng, name_box=name_box, signature=signature, stamp=stamp, stamp_text=stamp_text, dpi=dpi,
                      signer_boxes=signer_boxes, seam=seam)
    if level == "clean":
        return img.copy()
    if level == "light":
        img = skew(img, rng, max_deg=0.8)
        img = uneven_lighting(img, rng, strength=rng.uniform(0.02, 0.08))
        img = blur(img, rng, sigma=rng.uniform(0.3, 0.7) * s)
        img = gaussian_noise(img, rng, sigma=rng.uniform(2, 5))
        return levels(img, rng)
    if level == "heavy":
        img = skew(img, rng, max_deg=2.5)
        img = uneven_lighting(img, rng, strength=rng.uniform(0.12, 0.3))
        img = blur(img, rng, sigma=rng.uniform(0.8, 1.4) * s)
        img = gaussian_noise(img, rng, sigma=rng.uniform(6, 12))
        img = levels(img, rng, white=int(rng.integers(215, 250)))
        img = salt_pepper(img, rng)
        return jpeg_artifacts(img, rng, quality=int(rng.integers(30, 56)))
    if level == "photocopy":
        img = skew(img, rng, max_deg=1.5)
        img = photocopy(img, rng, dpi=dpi)
        if bilevel is None:
            bilevel = bool(rng.random() < 0.4)
        return binarize(img, rng) if bilevel else img
    if level == "phone":
        return phone_photo(img, rng, size=photo_size)
    if level in CAPTURE_LEVELS:
        return _capture(img, level, rng, dpi=dpi, back=back)
    # typewriter: the page is expected to be rendered with the typewriter font
    img = skew(img, rng, max_deg=1.2)
    img = age_paper(img, rng)
    return gaussian_noise(img, rng, sigma=rng.uniform(2, 5))


def _capture(img: np.ndarray, level: str, rng: np.random.Generator, *, dpi: int, back: np.ndarray | None
             ) -> np.ndarray:
    """The CAPTURE_LEVELS presets (ink, fill-ins and pattern already applied)."""
    if level == "phone-hand":
        return hand_photo(img, rng, dpi=dpi)
    if level == "chat-app":  # an office scan, photographed or not, then forwarded twice
        return chat_app(colour_scan(img, rng, dpi=dpi), rng, dpi=dpi)
    if level == "fax":
        return fax_scan(skew(img, rng, max_deg=0.8), rng, dpi=dpi)
    if level == "show-through":
        return colour_scan(show_through(img, rng, back=back, dpi=dpi), rng, dpi=dpi, yellow=True)
    if level == "bleed-through":  # inked through, often by a low-resolution scan (≈95 dpi in the real page)
        img = show_through(img, rng, back=back, dpi=dpi, strength=float(rng.uniform(0.25, 0.5)),
                           mirrored=bool(rng.random() < 0.5))
        img = colour_scan(img, rng, dpi=dpi)
        low = int(rng.integers(95, 151))
        return jpeg_artifacts(scan_at(img, low, src_dpi=dpi), rng, quality=int(rng.integers(70, 90))) \
            if low < dpi else img
    # scanner-textlayer: a 200 dpi colour scan; the scanner's broken text layer is added by the PDF writer
    return colour_scan(img, rng, dpi=dpi)
