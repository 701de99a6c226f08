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


_FOLD_TABLE: dict[int, int | str] = {}


def fold_text(text: str) -> str:
    """`fold(text)` for a whole page, character by character through a cached table (a
    `str.translate`, ~5× faster than folding the page at once). Folding is per character — drop the
    marks, đ→d, lower-case — so the result is the same word for word; only context rules of `str.lower`
    (Greek final sigma) could differ, which no Vietnamese text has."""
    missing = {ch for ch in set(text) if ord(ch) not in _FOLD_TABLE}
    for ch in missing:
        folded = fold(ch)
        _FOLD_TABLE[ord(ch)] = ord(folded) if len(folded) == 1 else folded
    return text.translate(_FOLD_TABLE)


def squash_spaces(text: str) -> str:
    return _WS.sub(" ", text).strip()


#: characters that change how the text around them is shown without being seen: C0/C1 controls, the bidi
#: marks, embeddings, overrides and isolates (U+202E turns "đơn<U+202E>fdp.exe" into what reads as
#: "đơnexe.pdf"), zero-width characters and the line/paragraph separators
_HIDDEN = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)
_LINE_BREAKS = re.compile("[\t\n\r]")
REPLACEMENT = "\ufffd"


def neutral(text: str, *, lines: bool = True) -> str:
    """`text` with every hidden control or formatting character replaced by U+FFFD (shown as �), so that
    what a clerk reads is what is there; tab, CR and LF are kept when `lines` (page text), replaced too when
    not (a file name)."""
    text = _HIDDEN.sub(REPLACEMENT, text)
    return text if lines else _LINE_BREAKS.sub(REPLACEMENT, text)
