"""Is this token a Vietnamese syllable? A cheap language check for OCR output and PDF text layers.

Vietnamese writes one syllable per word token, and its syllables form a closed set (about 7,000 with tones):
(initial consonant) + (medial o/u) + nucleus + (final consonant or semivowel) + exactly one tone. A token is
judged by that structure, case-insensitively, after NFC:

* initials: b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x, or none; spelling rules:
  k, gh, ngh only before e/ê/i/y; c, g, ng never before them ("ngiả", "ghă", "kă", "ce" are not words);
  gi + a rhyme starting with i merges the i ("gì", "gìn", "giếng"); q only as qu, which takes the medial
  ("qua", "quyên", "quốc");
* rhymes: the list `_RHYMES` below (about 150 toneless rhymes, old and new spellings: "hoà"/"hòa", "lý"/"lí");
  iê is written yê without an initial ("yên") and after the medial u ("khuyên");
* tones: at most one tone mark (sắc, huyền, hỏi, ngã, nặng) on a vowel; a syllable ending in a stop (c, ch,
  p, t) takes only sắc or nặng ("mạt", "mát" yes, "mãt", "mat" no). A token written without any tone mark
  is read as the level tone, so the toneless stop syllable "VIT" (a font that lost "VIỆT"'s marks) is not
  valid, while "NHAN", "DAN" are.

`text_scores` sorts the tokens of a text (split at white space, outer punctuation stripped) into:

* `valid` / `invalid`: word tokens, judged as syllables. Hyphenated or slashed syllables ("pa-nô") are valid
  when every part is. Letters outside the Vietnamese alphabet (ü, ä, ç ...) or digits inside letters
  ("h9c", "tf3ng") make a token invalid: that is what broken fonts and OCR slips produce;
* `abbreviations`: administrative acronyms and codes written in capitals, possibly joined by - / & . and
  with lower-case letters after a capital ("UBND", "TTCP", "HĐND", "QĐ-UBND", "GD&ĐT", "CTrTT", "TTg",
  "V/v"), single consonant letters (initials, units: "V.", "m", "đ") and common units ("kg", "km"). An
  acronym holds at most one vowel; a capital token that is a consonant cluster before a valid rhyme ("HQI")
  or a syllable shape with a wrong tone ("VIT") is a broken syllable, not an acronym;
* `foreign`: ASCII words with a letter Vietnamese does not use (f, j, w, z) and a vowel ("Zalo", "website");
  other foreign words ("email", "photo") count as invalid;
* `numbers`: tokens with digits (dates, "496-TB/TU", "COVID-19", "12A", "m2"), Roman numerals ("II", "XIV")
  and list markers ("b)"); a number glued to a word with a diacritic ("26tháng") is that word, valid; other
  digits mixed into letters are invalid ("1un", "h9c");
* `unmapped`: characters a text layer could not map to Unicode (U+FFFD, "(cid:12)", private use, control).

`valid_share` = valid / (valid + invalid); `diacritic_share` = share of word tokens carrying a Vietnamese
diacritic or đ (Vietnamese prose: 0.67-0.94; a layer whose font lost its marks: 0.2-0.3 or less). Measured in
docs/quality.md ("Text layers judged, and the Vietnamese syllable check").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from donthu.text import nfc

# ------------------------------------------------------------------------------------------ the inventory
_TONE_MARKS = {"\u0301": "sac", "\u0300": "huyen", "\u0309": "hoi", "\u0303": "nga", "\u0323": "nang"}
_SHAPE_MARKS = frozenset("\u0302\u0306\u031b")  # circumflex (â ê ô), breve (ă), horn (ơ ư)
_VOWELS = frozenset("aăâeêioôơuưy")
_LETTERS = frozenset("aăâbcdđeêghiklmnoôơpqrstuưvxy")
_STOP_FINALS = ("ch", "c", "p", "t")

_INITIALS = ("ngh", "ng", "nh", "ph", "th", "tr", "ch", "kh", "gh", "gi", "qu",
             "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")

_RHYMES = frozenset("""
a ai ao au ay ac ach am an ang anh ap at
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e eo ec em en eng ep et
ê êu êch êm ên ênh êp êt
i ia iu ich im in inh ip it
iêc iêm iên iêng iêp iêt iêu
y yêm yên yêt yêu
o oi oc om on ong op ot oong ooc
ô ôi ôc ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u ui uc um un ung up ut
ua uôi uôc uôm uôn uông uôt
ư ưa ưi ưu ưc ưng ưt ưm
ươi ươu ươc ươm ươn ương ươp ươt
oa oai oay oac oach oam oan oang oanh oap oat oao
oăc oăm oăn oăng oăt
oe oeo oen oet
uân uâng uât uây
uê uêch uênh
uy uych uynh uyt uyp uyu uya uyên uyêt
uơ uơi
""".split())

#: rhymes spelt with yê stand at the start of a syllable or after the medial u; after a consonant: iê
_YE_RHYMES = frozenset(r for r in _RHYMES if r.startswith("yê"))
_IE_RHYMES = frozenset(r for r in _RHYMES if r.startswith("iê"))
_FRONT = ("e", "ê", "i", "y")  # k, gh, ngh before these; c, g, ng never


def _split_tone(token: str) -> tuple[str, str | None] | None:
    """(toneless lower-case NFC form, tone or None, ok); None when the token has a letter Vietnamese does not
    write or more than one tone mark."""
    tone = None
    base: list[str] = []
    for ch in unicodedata.normalize("NFD", token.lower()):
        if ch in _TONE_MARKS:
            if tone is not None or not base or base[-1] not in "aeiouy\u0302\u0306\u031b":
                return None
            tone = _TONE_MARKS[ch]
        elif ch in _SHAPE_MARKS:
            if not base or base[-1] not in "aeou":
                return None
            base.append(ch)
        elif ch.isalpha():
            base.append(ch)
        else:
            return None
    plain = unicodedata.normalize("NFC", "".join(base))
    if not plain or any(ch not in _LETTERS for ch in plain):
        return None
    return plain, tone


def _rhyme_ok(initial: str, rhyme: str) -> bool:
    if not rhyme:
        return False
    if initial == "qu":
        if rhyme[0] in "aăe" and "o" + rhyme in _RHYMES:
            return True  # qua, quăn, quen = q + oa, oă, oe
        if rhyme[0] == "i" and "uy" + rhyme[1:] in _RHYMES:
            return True  # quít = quýt
        return "u" + rhyme in _RHYMES and rhyme[0] != "u"
    if rhyme not in _RHYMES:
        return False
    if initial and rhyme in _YE_RHYMES:
        return False
    if not initial and rhyme in _IE_RHYMES:
        return False
    if initial in ("k", "gh", "ngh"):
        return rhyme.startswith(_FRONT)
    if initial in ("c", "g", "ng"):
        if rhyme.startswith(_FRONT):
            return False
        if initial == "c" and rhyme[:2] in ("oa", "oă", "oe", "uâ", "uê", "uy", "uơ"):
            return False  # written qu
    return True


def _shape_ok(plain: str) -> str | None:
    """The rhyme of a toneless syllable, or None when `plain` is not one."""
    for initial in _INITIALS:
        if not plain.startswith(initial):
            continue
        rest = plain[len(initial):]
        if initial == "gi":
            if rest and rest[0] != "i" and _rhyme_ok("gi", rest):
                return rest
            if ("i" + rest) in _RHYMES and ("i" + rest) not in _YE_RHYMES:
                return "i" + rest
            continue
        if _rhyme_ok(initial, rest):
            return rest
    return None


@functools.lru_cache(maxsize=1 << 16)
def is_syllable(token: str) -> bool:
    """True when `token` is a Vietnamese syllable as written (any case, composed or decomposed).

    No tone mark means the level tone; a stop final (c, ch, p, t) needs sắc or nặng.
    """
    split = _split_tone(token)
    if split is None:
        return False
    plain, tone = split
    rhyme = _shape_ok(plain)
    if rhyme is None:
        return False
    if rhyme.endswith(_STOP_FINALS):
        return tone in ("sac", "nang")
    return True


@functools.lru_cache(maxsize=1 << 16)
def is_syllable_shape(token: str) -> bool:
    """True when `token` is a syllable once tones are ignored ("VIT", "mãt"): the mark of a Vietnamese
    word whose tone was lost or misread."""
    split = _split_tone(token)
    return split is not None and _shape_ok(split[0]) is not None


#: old tone placement → new, as the list of syllables in use is written ("hòa" → "hoà", "thúy" → "thuý")
_NEW_TONE_PLACEMENT = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "òe": "oè", "óe": "oé",
                       "ỏe": "oẻ", "õe": "oẽ", "ọe": "oẹ", "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ",
                       "ụy": "uỵ"}


@functools.lru_cache(maxsize=1)
def _syllables_in_use() -> frozenset[str]:
    path = Path(__file__).with_name("syllables_in_use.txt")
    return frozenset(line for line in path.read_text(encoding="utf-8").splitlines() if line and line[0] != "#")


@functools.lru_cache(maxsize=1 << 16)
def in_use(token: str) -> bool:
    """True when `token` (a well-formed syllable, any case) is one Vietnamese text actually writes: in the
    word list of Tesseract's `vie` model (`syllables_in_use.txt`, 3,172 syllables). The structure of
    `is_syllable` admits some 17,000 toned forms; a misread tone often lands on one nobody writes
    ("truyển", "phẩn"), which this tells from the syllable meant. Rare syllables and names are missing
    from the list ("khóm", "Quới"), so use it to prefer one reading over another, never to reject a word."""
    word = unicodedata.normalize("NFC", token).lower()
    for old, new in _NEW_TONE_PLACEMENT.items():
        word = word.replace(old, new)
    return word in _syllables_in_use()


# ------------------------------------------------------------------------------------------ token classes
VALID, INVALID, ABBREVIATION, FOREIGN, NUMBER = "valid", "invalid", "abbreviation", "foreign", "number"

_UNITS = frozenset("km kg cm mm ml kw kwh mw vnđ ha".split())
#: lower-case single letters that stand for something (m, g, h, l, đ: units; ha is a syllable anyway)
_UNIT_LETTERS = frozenset("mghlđ")
_ROMAN = re.compile(r"^(?=[IVXLC]+$)(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")  # chapter numbers: II, XIV
#: letters with digits that are codes, not garbled words: 12A, 5a, K1, A12b, TT24, m2, km2
_CODE = re.compile(r"^(\d+[A-Za-zĐ]|[A-ZĐ]{1,4}\d+[a-z]?|\d*(k|c|d|m)?m[23]|\d+(m|km|ha|kg|đ))$")
_SUPERSCRIPTS = str.maketrans("²³", "23")
_LIST_MARKER = re.compile(r"^\(?[a-zđ]\)[,;:.]?$")
#: a number and a word printed without the space between them; the word must carry a diacritic, so that OCR's
#: digit-for-letter slips ("1un" for "luận") stay invalid
_GLUED = re.compile(r"^\d+([^\W\d_]{2,})$|^([^\W\d_]{2,})\d+$")
#: land-use codes (classify.parcels.LAND_USE_CODES) that look like a toneless syllable ending in a stop
_CODES_LIKE_WORDS = frozenset({"LUC"})
#: the ornament under a national motto, "---oOo---"
_ORNAMENTS = frozenset({"oOo", "ooo", "OOO"})
_PARTS = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")  # letters and digits, with marks NFC cannot compose
_EDGE = re.compile(r"^(?:[^\w\u0300-\u036f]|_)+|(?:[^\w\u0300-\u036f]|_)+$")  # outer punctuation
_DIACRITIC = frozenset("ăâđêôơư") | frozenset(
    unicodedata.normalize("NFC", v + m) for v in "aăâeêioôơuưy" for m in _TONE_MARKS)
_UPPER_VOWELS = frozenset("AĂÂEÊIOÔƠUƯY")


def _has_diacritic(token: str) -> bool:
    return any(ch in _DIACRITIC for ch in token.lower())


def _is_acronym(part: str) -> bool:
    """An administrative acronym: capitals (Đ allowed, no other marks), lower-case only after a capital
    ("CTrTT", "TTg"), at most one vowel, and not a broken syllable."""
    if len(part) < 2 or not part[0].isupper():
        return False
    if any(not ("A" <= ch <= "Z" or "a" <= ch <= "z" or ch in "Đđ") for ch in part):
        return False
    upper = sum(1 for ch in part if ch.isupper())
    if upper * 2 <= len(part):
        return False
    if sum(1 for ch in part.upper() if ch in _UPPER_VOWELS) > 1:
        return False
    if part in _CODES_LIKE_WORDS:
        return True
    if is_syllable_shape(part):
        return False  # VIT, NGHIA without marks: a Vietnamese word that lost its tone
    low = part.lower()
    for i in range(1, len(low)):
        if all(ch not in _VOWELS for ch in low[:i]) and low[:i] not in _INITIALS and _shape_ok(low[i:]):
            return False  # HQI: a consonant slip before a real rhyme
    return True


def _word_class(part: str) -> str:
    """Class of one run of letters."""
    if is_syllable(part):
        return VALID
    if len(part) == 1:
        if part.isupper() or part in _UNIT_LETTERS:
            return ABBREVIATION  # an initial (Nguyễn V. A) or a unit
        return INVALID
    if part.lower() in _UNITS:
        return ABBREVIATION
    if _ROMAN.match(part):
        return NUMBER
    if _is_acronym(part):
        return ABBREVIATION
    if part.isascii() and any(ch in "fjwzFJWZ" for ch in part) and any(ch in "aeiouyAEIOUY" for ch in part) \
            and (part.islower() or part.isupper() or part[1:].islower()):
        return FOREIGN
    return INVALID


def _part_class(part: str) -> str:
    if part.isdigit():
        return NUMBER
    if any(ch.isdigit() for ch in part):
        if _CODE.match(part):
            return NUMBER
        glued = _GLUED.match(part)
        if glued and _has_diacritic(glued.group(1) or glued.group(2)) and is_syllable(glued.group(1) or glued.group(2)):
            return VALID  # a printed word without its space: "26tháng", "2011của"
        return INVALID
    return _word_class(part)


@functools.lru_cache(maxsize=1 << 16)
def token_class(token: str) -> str | None:
    """valid / invalid / abbreviation / foreign / number for one white-space token; None for punctuation."""
    token = nfc(token).translate(_SUPERSCRIPTS)
    if _LIST_MARKER.match(token):
        return NUMBER  # a) b) đ) 1. : the items of a list
    core = _EDGE.sub("", token)
    if not core or core in _ORNAMENTS:
        return None
    parts = _PARTS.findall(core)
    if not parts:
        return None
    if len(parts) == 1:
        return _part_class(parts[0])
    has_number = any(ch.isdigit() for ch in core)
    classes = [
        ABBREVIATION if len(part) == 1 and part.isalpha()  # V/v (về việc), GD&ĐT
        else NUMBER if has_number and part.isalpha() and part.isupper()  # COVID-19, 29-NQ/TW
        else _part_class(part)
        for part in parts
    ]
    if INVALID in classes:
        return INVALID
    if NUMBER in classes:
        return NUMBER  # 496-TB/TU, 17/8/2023
    if ABBREVIATION in classes:
        return ABBREVIATION  # QĐ-UBND, GD&ĐT, V/v
    if FOREIGN in classes:
        return FOREIGN
    return VALID  # pa-nô, ki-lô-mét


#: characters a text layer could not map: replacement character, private use area, controls
_UNMAPPED = re.compile(r"\(cid:\d+\)|[\ufffd\ue000-\uf8ff\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class TextScore:
    """How much a text reads as Vietnamese (see the module docstring for the classes)."""

    tokens: int  # white-space tokens with a letter or digit
    word_tokens: int  # valid + invalid: the tokens judged as syllables
    valid: int
    invalid: int
    abbreviations: int
    foreign: int
    numbers: int
    diacritic_tokens: int  # word tokens with a Vietnamese diacritic or đ
    unmapped: int  # unmapped characters or (cid:N) codes

    @property
    def valid_share(self) -> float:
        return self.valid / self.word_tokens if self.word_tokens else 0.0

    @property
    def diacritic_share(self) -> float:
        return self.diacritic_tokens / self.word_tokens if self.word_tokens else 0.0


#: token → (class, carries a Vietnamese diacritic): a plain dict, cheaper than lru_cache on the hot path;
#: cleared when it grows past _CACHE_LIMIT distinct tokens
_TOKEN_CACHE: dict[str, tuple[str | None, bool]] = {}
_CACHE_LIMIT = 200_000


def _judge(token: str) -> tuple[str | None, bool]:
    cls = token_class(token)
    return cls, cls in (VALID, INVALID) and _has_diacritic(nfc(token))


def text_scores(text: str) -> TextScore:
    """Count the tokens of `text` by class (one pass; each distinct token judged once per process)."""
    counts = {VALID: 0, INVALID: 0, ABBREVIATION: 0, FOREIGN: 0, NUMBER: 0, None: 0}
    diacritics = 0
    cache = _TOKEN_CACHE
    for token in text.split():
        judged = cache.get(token)
        if judged is None:
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            judged = cache[token] = _judge(token)
        counts[judged[0]] += 1
        diacritics += judged[1]
    word_tokens = counts[VALID] + counts[INVALID]
    return TextScore(
        tokens=word_tokens + counts[ABBREVIATION] + counts[FOREIGN] + counts[NUMBER], word_tokens=word_tokens,
        valid=counts[VALID], invalid=counts[INVALID], abbreviations=counts[ABBREVIATION],
        foreign=counts[FOREIGN], numbers=counts[NUMBER], diacritic_tokens=diacritics,
        unmapped=len(_UNMAPPED.findall(text)),
    )
