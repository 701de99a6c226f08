"""HEIC phone photos (ingest.heif): read, not refused. Input: generated letters (corpus generator seeds 61
and 63) as 200-dpi scans, encoded to HEIC with libheif's `heif-enc` (quality 90). Expected: the generator's
truth (type, page text). Not tested here: a HEIF rotation (`irot`), which heif-convert applies but heif-enc
1.15 cannot write."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from donthu.config import Settings
from donthu.text import fold
from donthu.types import UnsupportedFile
from ingest.heif import HEIC, decode_to_png
from ingest.pipeline import process_bytes
from ingest.sniff import sniff
from scans import make_scan


def _heif_enc() -> str:
    tool = shutil.which("heif-enc")
    assert tool, "heif-enc is missing: apt install libheif-examples (make setup installs it)"
    return tool


def _to_heic(png: Path, out: Path) -> bytes:
    subprocess.run([_heif_enc(), "-q", "90", "-o", str(out), str(png)], check=True, capture_output=True,
                   timeout=300)
    return out.read_bytes()


def _recall(truth_text: str, got: str) -> float:
    words = [w for w in fold(truth_text).split() if len(w) > 2]
    found = set(fold(got).split())
    return sum(w in found for w in words) / len(words)


def test_a_heic_photo_is_read_like_a_png(tmp_path):
    truth, pages = make_scan(tmp_path / "don.png", family="complaint_letter", seed=61, dpi=200, fmt="png")
    data = _to_heic(tmp_path / "don.png", tmp_path / "don.heic")
    assert sniff(data) == HEIC
    result = process_bytes(data, "don.heic", Settings(data_dir=tmp_path / "data", workers=1))
    assert not result.failed, result.record.errors
    assert result.record.mime == HEIC
    assert result.record.type == truth.type
    assert _recall(pages[0], result.record.text) >= 0.9
    from PIL import Image

    from ingest.pages import page_preview

    image, scale = page_preview(data, HEIC, 1, Settings(data_dir=tmp_path / "data"))  # the page image served
    assert scale == 1.0 and image.shape[:2] == Image.open(tmp_path / "don.png").size[::-1]


def test_a_damaged_heic_fails_with_the_reason(tmp_path):
    make_scan(tmp_path / "don.png", family="complaint_letter", seed=63, dpi=200, fmt="png")
    data = _to_heic(tmp_path / "don.png", tmp_path / "don.heic")
    cut = data[: len(data) // 3]  # an interrupted transfer from the phone
    assert sniff(cut) == HEIC
    with pytest.raises(UnsupportedFile, match="damaged HEIC photo"):
        decode_to_png(cut)
    result = process_bytes(cut, "don.heic", Settings(data_dir=tmp_path / "data", workers=1))
    assert result.failed and "damaged HEIC photo" in " ".join(result.record.errors)
