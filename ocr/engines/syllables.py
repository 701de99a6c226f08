"""Vietnamese syllable validity, a small stand-in used to score OCR lines (ocr.engines.combined) until the
shared checker (`ocr/syllables.py`, branch textlayer) lands.

A written Vietnamese syllable is an optional initial consonant, a rhyme from a closed list and at most one
tone mark; syllables ending in -c, -ch, -p, -t take only the acute or dot-below tone. Words holding a digit
(numbers, parcel and document codes) are not syllables and are counted apart.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_STOP_TONES = {"\u0301", "\u0323"}
_INITIALS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
             "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x")
_RHYMES = frozenset("""
a ac ach ai am an ang anh ao ap at au ay ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât âu ây
e ec em en eng eo ep et ê êch êm ên ênh êp êt êu
i ia ich iêc iêm iên iêng iêp iêt iêu im in inh ip it iu
o oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oc oe oen oeo oet oi om on ong
ooc oong op ot ô ôc ôi ôm ôn ông ôp ôt ơ ơi ơm ơn ơp ơt
u ua uân uâng uât uây uc uê uêch uênh ui um un ung uôc uôi uôm uôn uông uôt up ut uy uya uych uyên uyêt
uynh uyp uyt uyu uơ ư ưa ưc ưi ưm ưn ưng ươc ươi ươm ươn ương ươp ươt ươu ưt ưu
y yêm yên yêng yêt yêu
""".split())
_PUNCT = ".,;:!?()[]{}\"'“”‘’…*_-–/\\|<>«»"


def _split_tone(word: str) -> tuple[str, str | None] | None:
    """(the word without its tone mark, the tone mark) or None when it carries two tone marks."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in _TONES]
    if len(tones) > 1:
        return None
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return base, (tones[0] if tones else None)


def is_syllable(word: str) -> bool:
    """Whether `word` (any case, NFC or not) is a well-formed Vietnamese syllable."""
    split = _split_tone(word.lower())
    if split is None:
        return False
    base, tone = split
    if not base or not base.isalpha():
        return False
    for initial in (*_INITIALS, ""):
        if not base.startswith(initial):
            continue
        rhyme = base[len(initial):]
        if initial == "gi" and (not rhyme or rhyme[0] not in "aăâeêioôơuưy"):
            rhyme = "i" + rhyme  # gì, gìn
        if initial == "qu" and rhyme.startswith("y"):
            rhyme = "u" + rhyme  # quý, quyết
        if rhyme in _RHYMES:
            if re.search(r"(c|ch|p|t)$", rhyme) and tone not in _STOP_TONES:
                continue
            return True
    return False


@dataclass(frozen=True)
class TextScore:
    words: int  # tokens with a letter or digit
    syllables: int  # of which well-formed Vietnamese syllables
    numbers: int  # of which hold a digit (numbers, codes)

    @property
    def invalid(self) -> int:
        return self.words - self.syllables - self.numbers

    @property
    def valid_share(self) -> float:
        """Share of the letter-only words that are syllables (1.0 for a line without such words)."""
        letters = self.words - self.numbers
        return self.syllables / letters if letters else 1.0


def text_scores(text: str) -> TextScore:
    words = syllables = numbers = 0
    for token in text.split():
        token = token.strip(_PUNCT)
        if not token or not any(ch.isalnum() for ch in token):
            continue
        words += 1
        if any(ch.isdigit() for ch in token):
            numbers += 1
        elif is_syllable(token):
            syllables += 1
    return TextScore(words, syllables, numbers)
