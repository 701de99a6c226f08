"""Vietnamese query analysis shared by the search backends.

A query is a list of *units*: single terms and quoted phrases. Every unit keeps two forms:
`exact` (NFC, lower-case, diacritics kept) and `folded` (`donthu.text.fold`: no diacritics, đ→d).
Punctuation and search-engine syntax (`"`, `*`, `(`, `AND`, `:` …) never reach a backend as syntax:
words are cut out with the same rule the SQLite index uses (runs of letters and digits), so user input
cannot break a MATCH expression or a query DSL.

A bare word with inner punctuation (`123/QĐ-UBND`, `45/12`) becomes a phrase of its parts, so it
matches the parts next to each other.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from donthu.text import fold, fold_text, nfc

#: one token = a run of letters/digits (Unicode), as FTS5's unicode61 tokenizer cuts words
TOKEN = re.compile(r"[^\W_]+")
_QUOTED = re.compile(r'"([^"]*)"')

#: administrative prefixes dropped from place names before comparing them (NFC, lower case)
_PLACE_PREFIXES: tuple[tuple[str, ...], ...] = (
    ("thành", "phố"), ("thị", "xã"), ("thị", "trấn"), ("xã",), ("phường",), ("huyện",), ("quận",),
    ("tỉnh",), ("tp",), ("tx",), ("tt",),
)
#: the same prefixes without diacritics: only tried on names written without any diacritics, where
#: `quan`/`phuong` may also be part of a name (Quan Sơn, Phương Trà), so both readings are kept
_PLAIN_PREFIXES: tuple[tuple[str, ...], ...] = tuple(
    tuple(fold(w) for w in prefix) for prefix in _PLACE_PREFIXES
)


@dataclass(frozen=True)
class Term:
    """One query unit. `exact`/`folded` are single words, or words joined by one space for a phrase."""

    exact: str
    folded: str
    phrase: bool = False

    @property
    def exact_tokens(self) -> list[str]:
        return self.exact.split(" ")

    @property
    def folded_tokens(self) -> list[str]:
        return self.folded.split(" ")

    @property
    def has_diacritics(self) -> bool:
        """True when the user typed accents or đ: only then does an exact match rank higher."""
        return self.exact != self.folded


@dataclass(frozen=True)
class ParsedQuery:
    terms: list[Term] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.terms

    @property
    def phrases(self) -> list[Term]:
        return [t for t in self.terms if t.phrase]

    @property
    def words(self) -> list[Term]:
        return [t for t in self.terms if not t.phrase]


#: code point → fold() of that character alone (a code point when it is one character; filled as met)
def tokenize(text: str) -> list[str]:
    """Words of `text` (NFC, case kept), cut like FTS5 unicode61."""
    return TOKEN.findall(nfc(text))


def token_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of every word in `text` (which must already be NFC)."""
    return [m.span() for m in TOKEN.finditer(text)]


def _unit(words: list[str], phrase: bool) -> Term | None:
    if not words:
        return None
    exact = " ".join(w.lower() for w in words)
    folded = " ".join(fold(w) for w in words)
    return Term(exact=exact, folded=folded, phrase=phrase or len(words) > 1)


def parse_query(text: str) -> ParsedQuery:
    """Split user input into terms and quoted phrases (see module docstring).

    `Khiếu nại "đất đai" 45/12` → terms `khiếu`, `nại`, phrase `đất đai`, phrase `45 12`.
    An unbalanced quote is treated as punctuation. Duplicate units are dropped.
    """
    text = nfc(text or "")
    units: list[Term] = []
    pos = 0
    pieces: list[tuple[str, bool]] = []
    for m in _QUOTED.finditer(text):
        pieces.append((text[pos:m.start()], False))
        pieces.append((m.group(1), True))
        pos = m.end()
    pieces.append((text[pos:], False))
    for chunk, quoted in pieces:
        if quoted:
            unit = _unit(tokenize(chunk), phrase=True)
            if unit:
                units.append(unit)
            continue
        for word in chunk.split():
            unit = _unit(tokenize(word), phrase=False)
            if unit:
                units.append(unit)
    seen: set[tuple[str, bool]] = set()
    unique: list[Term] = []
    for u in units:
        if (u.exact, u.phrase) not in seen:
            seen.add((u.exact, u.phrase))
            unique.append(u)
    return ParsedQuery(terms=unique)


def _strip_prefix(words: list[str], prefixes: tuple[tuple[str, ...], ...]) -> list[str] | None:
    for prefix in prefixes:
        if len(words) > len(prefix) and tuple(words[:len(prefix)]) == prefix:
            return words[len(prefix):]
    return None


def place_keys(name: str) -> list[str]:
    """Comparable forms of a commune/district name, the canonical one first; two names are the same
    place when their key lists share a key.

    The canonical key is folded, spaces squashed, an administrative prefix (xã, huyện, thị trấn …)
    dropped: `Xã Mỹ Hội Đông` → [`my hoi dong`]. A name written without diacritics is ambiguous
    (`quan son` may be Quận Sơn or Quan Sơn), so it gets both readings: [`son`, `quan son`].
    """
    words = [w.lower() for w in tokenize(name)]
    if not words:
        return []
    stripped = _strip_prefix(words, _PLACE_PREFIXES)
    if stripped is not None:
        return [" ".join(fold(w) for w in stripped)]
    folded = [fold(w) for w in words]
    keys = [" ".join(folded)]
    if folded == words:
        plain = _strip_prefix(folded, _PLAIN_PREFIXES)
        if plain is not None:
            keys.insert(0, " ".join(plain))
    return keys


def place_key(name: str) -> str:
    """The canonical key of `place_keys` ("" for a blank name)."""
    keys = place_keys(name)
    return keys[0] if keys else ""


def value_key(value: str) -> str:
    """Comparable form of a filter value such as a kind or type: folded, words joined by `_`."""
    return "_".join(tokenize(fold(value)))


def _parcel_part(value: str) -> str:
    value = "".join(tokenize(fold(value)))
    if value.isdigit():
        return value.lstrip("0") or "0"
    return value


def parcel_key(parcel_no: str, map_sheet: str | None = None) -> tuple[str, str | None]:
    """Comparable (parcel, sheet): folded, leading zeros of numbers dropped."""
    sheet = _parcel_part(map_sheet) if map_sheet else None
    return _parcel_part(parcel_no), sheet or None


def parse_parcel(text: str) -> tuple[str, str | None] | None:
    """`45/12` → ("45", "12") (parcel 45 on map sheet 12); `45` → ("45", None); blank → None.

    Also accepts `thửa 45 tờ 12` and `45 12`: the first word is the parcel, the next the sheet.
    """
    words = [w for w in tokenize(fold(text or "")) if w not in ("thua", "dat", "so", "to", "ban", "do")]
    if not words:
        return None
    return parcel_key(words[0], words[1] if len(words) > 1 else None)


def matched_tokens(folded_tokens: list[str], parsed: ParsedQuery) -> set[int]:
    """Indices of the tokens a query matches (compared folded, so accent-less matches count)."""
    by_first: dict[str, list[list[str]]] = {}
    for term in parsed.terms:
        want = term.folded_tokens
        by_first.setdefault(want[0], []).append(want)
    marks: set[int] = set()
    for i in [i for i, token in enumerate(folded_tokens) if token in by_first]:
        for want in by_first[folded_tokens[i]]:
            size = len(want)
            if size == 1 or folded_tokens[i:i + size] == want:
                marks.update(range(i, i + size))
    return marks


def highlight(text: str, parsed: ParsedQuery, words: int = 30, folded: str | None = None) -> str:
    """HTML snippet of `text`: about `words` words around the densest cluster of matches,
    the ORIGINAL spelling of each matched word wrapped in <mark>…</mark>, the rest escaped.
    Without matches (or an empty query) it is the start of the text.
    `folded` may pass `fold(text)` when it is already at hand (the index stores it).

    The page is folded and cut into words in C by one `str.translate` (each character of the Latin and
    Vietnamese blocks to its folding, every other to a space) and `str.split`, the units found among those
    words, and only the snippet window's words located in the text (`_highlight_located`); a page with
    characters outside those blocks goes word by word (`_highlight_by_words`, folding every word with `fold`
    when `fold_text` merges or splits one). Both give the same snippet.
    """
    text = nfc(text)
    if parsed.terms:
        located = _highlight_located(text, parsed, words)
        if located is not None:
            return located
    return _highlight_by_words(text, parsed, words, folded)


def _letter_classes() -> tuple[dict[str, list[str]], re.Pattern[str]]:
    """For the Latin, Vietnamese and punctuation blocks: folded character → every character that folds to it
    (`a` → `AaÀàÁá…`, `d` → `DdĐđ`), and a pattern finding any character outside those blocks, or whose
    folding is not one character of the same kind (letter/digit or not)."""
    by_folded: dict[str, list[str]] = {}
    known: list[str] = []
    for first, last in ((0x20, 0x250), (0x1E00, 0x1F00), (0x2000, 0x2070), (0x20A0, 0x20D0)):
        for code in range(first, last):
            ch = chr(code)
            if nfc(ch) != ch:
                continue
            folded = fold(ch)
            if len(folded) != 1 or bool(TOKEN.fullmatch(ch)) != bool(TOKEN.fullmatch(folded)):
                continue
            known.append(ch)
            by_folded.setdefault(folded, []).append(ch)
    unknown = re.compile("[^" + "".join(re.escape(c) for c in known) + "\n\t\r]")
    return by_folded, unknown


_BY_FOLDED, _UNKNOWN = _letter_classes()
_HTML_SPECIAL = re.compile("[&<>\"']")


def _fold_words_table() -> dict[int, str]:
    """For the characters `_UNKNOWN` lets through: a word character → its folding (one word character), any
    other → a space; `str.translate` with it cuts a page into its folded words (`str.split`) in C."""
    table: dict[int, str] = {}
    for folded, chars in _BY_FOLDED.items():
        for ch in chars:
            table[ord(ch)] = folded if TOKEN.fullmatch(ch) else " "
    for ch in "\n\t\r":
        table[ord(ch)] = " "
    return table


_FOLD_WORDS = _fold_words_table()


def _highlight_located(text: str, parsed: ParsedQuery, words: int) -> str | None:
    """`highlight` on the page's folded words, cut in C (`_FOLD_WORDS`, then `str.split`), the units found
    among them by `matched_tokens`, and only the snippet window's words located in the text (None: a
    character the table does not cover, or no word at all; `_highlight_by_words` does those)."""
    if _UNKNOWN.search(text):
        return None
    spaced = text.translate(_FOLD_WORDS)
    tokens = spaced.split()
    if not tokens:
        return None

    def offset_of(index: int) -> int:  # the character offset of word `index`: words are runs without spaces
        pos = 0
        for token in tokens[:index]:
            pos = spaced.index(token, pos) + len(token)
        return spaced.index(tokens[index], pos)

    singles = {t.folded for t in parsed.terms if len(t.folded_tokens) == 1}
    marks = {i for i, token in enumerate(tokens) if token in singles}  # `matched_tokens`, single words at once
    longer = [t for t in parsed.terms if len(t.folded_tokens) > 1]
    if longer:
        marks |= matched_tokens(tokens, ParsedQuery(terms=longer))
    return _snippet(text, marks, len(tokens), words, [(0, 0)], offset_of)


def _snippet(text: str, marks: set[int], n: int, words: int, anchors: list[tuple[int, int]],
             offset_of: Callable[[int], int] | None = None) -> str:
    """The `words`-word window around the densest cluster of `marks` (word indices), as HTML. `anchors`:
    (word index, character offset) of known word starts; `offset_of(i)`: word i's offset, when it can tell."""
    start = 0
    if marks:
        ordered = sorted(marks)
        best = -1
        low = high = 0  # the marks in [candidate, candidate + words): ordered[low:high] (both only move on)
        for first in ordered:
            candidate = first - 5 if first > 5 else 0
            while ordered[low] < candidate:
                low += 1
            while high < len(ordered) and ordered[high] < candidate + words:
                high += 1
            if high - low > best:
                best, start = high - low, candidate
    start = min(start, max(0, n - words))
    end = min(n, start + words)
    at_index, at_offset = (start, offset_of(start)) if offset_of else max(a for a in anchors if a[0] <= start)
    spans = [m.span() for m in itertools.islice(TOKEN.finditer(text, at_offset), start - at_index,
                                                   end - at_index + 1)]
    out: list[str] = ["… "] if start > 0 else []
    cursor = spans[0][0]
    stop = spans[end - start][0] if end < n else len(text)
    escape = html.escape if _HTML_SPECIAL.search(text, cursor, stop) else str
    for i in sorted(i for i in marks if start <= i < end):
        s, e = spans[i - start]
        out.append(escape(text[cursor:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        cursor = e
    tail = text[cursor:stop]
    out.append(escape(tail.rstrip() if end == n else tail.rstrip() + " …"))
    return " ".join("".join(out).split())


def _highlight_by_words(text: str, parsed: ParsedQuery, words: int = 30, folded: str | None = None) -> str:
    """`highlight` word by word: every word of the page folded and compared (`matched_tokens`)."""
    n = len(TOKEN.findall(text))
    if not n:
        return html.escape(" ".join(text.split())[:200])
    marks: set[int] = set()
    if parsed.terms:
        folded_tokens = TOKEN.findall(folded if folded is not None else fold_text(text))
        if len(folded_tokens) != n:  # folding merged or split a word: fold word by word
            folded_tokens = [fold(w) for w in TOKEN.findall(text)]
        marks = matched_tokens(folded_tokens, parsed)
    return _snippet(text, marks, n, words, [(0, 0)])
