"""HEIC/HEIF phone photos (the default format of many phones), decoded by libheif's `heif-convert` (Debian
package libheif-examples, LGPL; run as a program, not linked — the pillow-heif wheels are GPL-2.0 as a whole
because they bundle x265, which does not combine with this project's Apache-2.0 licence). The primary image
is decoded with the file's rotation and mirroring applied (HEIF's `irot`/`imir`; the EXIF orientation of a
HEIF file is informative only, ISO/IEC 23008-12), into a lossless PNG that the image path then reads like
any other photo. The stored original stays the HEIC file.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from donthu.types import UnsupportedFile

HEIC = "image/heic"
#: ISO base media file brands of HEIF still images (HEVC-coded and the generic image brands)
HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")
#: seconds one decode may take (a 48-megapixel photo decodes in about a second)
DECODE_TIMEOUT = 120


def is_heif(head: bytes) -> bool:
    """An ISO media file (`ftyp` box) whose major brand is a HEIF still-image brand."""
    return head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS


def decode_to_png(data: bytes) -> bytes:
    """The photo's primary image as PNG bytes; UnsupportedFile with the reason when it cannot be read."""
    tool = shutil.which("heif-convert")
    if tool is None:
        raise UnsupportedFile("HEIC photos need libheif's heif-convert (apt install libheif-examples); "
                              "or export the photo as JPEG")
    with tempfile.TemporaryDirectory(prefix="donthu-heic-") as tmp:
        source, target = Path(tmp) / "photo.heic", Path(tmp) / "photo.png"
        source.write_bytes(data)
        try:
            run = subprocess.run([tool, str(source), str(target)], capture_output=True, text=True,
                                 timeout=DECODE_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            raise UnsupportedFile(f"HEIC photo took more than {DECODE_TIMEOUT} s to decode") from exc
        if run.returncode != 0 or not target.is_file():
            reason = " ".join((run.stderr or run.stdout).split())[:200] or f"exit status {run.returncode}"
            raise UnsupportedFile(f"damaged HEIC photo ({reason})")
        return target.read_bytes()
