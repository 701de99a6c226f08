"""Vietnamese text primitives shared by every stage: NFC and diacritic folding."""

from __future__ import annotations

import re
import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})
_WS = re.compile(r"[ \t\u00a0]+")


def nfc(text: str) -> str:
    """Compose to NFC (Vietnamese arrives both composed and decomposed)."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case, strip every diacritic and map đ→d: `Khiếu nại Đất` → `khieu nai dat`.

    Keeps length-independent word boundaries (one output word per input word).
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped).lower()


def squash_spaces(text: str) -> str:
    return _WS.sub(" ", text).strip()
