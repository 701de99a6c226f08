"""13000 x 13000 px test pages (gray PNG, RGB JPEG, RGB PNG of dark bars) in /tmp/harden/img for bench/page_image_cost.py."""
import sys
from PIL import Image, ImageDraw
side = 13000
for mode, fmt in (("L", "PNG"), ("RGB", "JPEG"), ("RGB", "PNG")):
    im = Image.new(mode, (side, side), "white" if mode == "RGB" else 255)
    d = ImageDraw.Draw(im)
    for y in range(200, side - 200, 120):  # lines of "text": dark bars
        for x in range(300, side - 300, 900):
            d.rectangle((x, y, x + 700, y + 40), fill="black" if mode == "RGB" else 0)
    im.save(f"/tmp/harden/img/page-{mode}.{fmt.lower()}", format=fmt, **({"quality": 85} if fmt == "JPEG" else {}))
