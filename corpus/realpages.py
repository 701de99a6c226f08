"""Real pages with eye-read transcriptions: find them and score any OCR text against them.

The pages live in the shared folder `../shared/real-scans` (read-only, beside the repository; CI has it there
too); transcriptions are `NAME.gt.txt` beside the image there, or in the repository's `tests/real_pages/`
(made by this project, read by eye, never from OCR output). Scoring is word recall exactly as the shared
`score_words.py` counts it: NFC, lower case, one tone-placement style (oà/uý), punctuation stripped, `[?]` and
lines starting with `#` ignored, words counted as multisets — a transcription may cover only part of a page,
so precision is not measured.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_PAGES = REPO_ROOT.parent / "shared" / "real-scans"
PROJECT_TRANSCRIPTIONS = REPO_ROOT / "tests" / "real_pages"
IMAGE_SUFFIXES = (".jpg", ".png", ".jpeg", ".tif")
#: pages whose text is handwriting: scored separately (printed-page targets exclude them)
HANDWRITTEN_PREFIX = "handwritten"

_OLD_NEW_TONES = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "òe": "oè", "óe": "oé",
                  "ỏe": "oẻ", "õe": "oẽ", "ọe": "oẹ", "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ",
                  "ụy": "uỵ"}


@dataclass(frozen=True)
class RealPage:
    name: str
    image: Path
    transcription: Path

    @property
    def handwritten(self) -> bool:
        return self.name.startswith(HANDWRITTEN_PREFIX)


@dataclass(frozen=True)
class Recall:
    found: int
    total: int

    @property
    def value(self) -> float:
        return self.found / self.total if self.total else 0.0


def words(text: str) -> list[str]:
    """The words of `text` as score_words.py counts them."""
    text = unicodedata.normalize("NFC", text).lower().replace("–", "-")
    for old, new in _OLD_NEW_TONES.items():
        text = text.replace(old, new)
    out = []
    for word in text.split():
        word = word.strip(".,;:!?()[]\"'“”‘’…*_-/")
        if word and not set(word) <= set(".…-_") and word != "[?]":
            out.append(word)
    return out


def transcription_words(path: Path) -> Counter:
    lines = path.read_text(encoding="utf-8").splitlines()
    return Counter(words("\n".join(line for line in lines if not line.startswith("#"))))


def recall(truth: Counter, text: str) -> Recall:
    got = Counter(words(text))
    return Recall(found=sum((truth & got).values()), total=sum(truth.values()))


def transcribed_pages(shared: Path = SHARED_PAGES, project: Path = PROJECT_TRANSCRIPTIONS) -> list[RealPage]:
    """Every shared page image that has a transcription (the shared one wins over the project's)."""
    if not shared.is_dir():
        raise FileNotFoundError(f"the shared real pages are missing: {shared} (expected beside the repository)")
    pages: dict[str, RealPage] = {}
    for folder in (project, shared):
        for gt in sorted(folder.glob("*.gt.txt")) if folder.is_dir() else []:
            name = gt.name[: -len(".gt.txt")]
            image = next((shared / (name + s) for s in IMAGE_SUFFIXES if (shared / (name + s)).is_file()), None)
            if image is not None:
                pages[name] = RealPage(name, image, gt)
    return [pages[name] for name in sorted(pages)]
