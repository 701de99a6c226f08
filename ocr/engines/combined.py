"""Two engines on one page, line by line and then word by word the better reading.

Tesseract gives the layout (blocks, paragraphs, lines, reading order); TrueOCR gives lines. Each TrueOCR line is
matched by box overlap with the Tesseract words on it (a word belongs to the TrueOCR line that covers most of it,
at least half its height and half its width); the two readings of that stretch are scored by `line_score`
(well-formed Vietnamese syllables, numbers and codes count for, other tokens against — the language has a closed
set of syllables, so garbage scores low whoever produced it) and the higher one is kept; a tie keeps Tesseract's.
Then, where the two engines cut the line into the same words (boxes overlapping one to one), each word is voted
(`vote`): in a line Tesseract kept, TrueOCR's word replaces a misformed Tesseract word, or a well-formed one that
is not a syllable in use (ocr.syllables.in_use: a misread tone, "truyển") when its own is, or else a well-formed
one Tesseract is unsure of (confidence below WORD_TESSERACT_BELOW) when TrueOCR is sure of its own
(WORD_TRUEOCR_FROM); in a line TrueOCR won, only a misformed TrueOCR word, or one not in use, gives way to a
well-formed Tesseract one (in use). Where both words of a pair in a line Tesseract kept are well-formed and equally
in use (a tone apart, mostly), a second reading of that Tesseract line (`combine`'s `read_line`: Tesseract alone on
the line's crop of the gray page) settles it when it agrees with exactly one of them, before the confidence
thresholds. Before all of these, in a line either engine won, such a pair of two well-formed words equally in use
is settled by the page itself when it can be (`by_context`): the reading that stands elsewhere on the page beside
the same left or right neighbour, in a pair of words both engines read alike ("số" after "định" where "Quyết định
số" was read alike above), wins (`agreed_pairs`, `USE_CONTEXT`). Words in capitals that are syllables ("BAN") are
voted as syllables (`vote_ok`). The kept TrueOCR words take the place (and layout numbers) of the Tesseract words
they replace; TrueOCR lines over which Tesseract found nothing are added as blocks of their own where they sit on
the page, when they score above zero; Tesseract words on no TrueOCR line are kept when their line scores above
zero.

The word thresholds were chosen on a tuning corpus (`donthu corpus --n 30 --seed 77`, up to 4 pages a level, 487
word pairs where the engines differ): of 365 pairs where both readings are well-formed and one is right,
Tesseract's word is right in 159 and the rule picks the right one in 316 (every level at least as well as Tesseract
alone except typewriter pages, 33 of 36 against 34). The preference for syllables in use came from the words the
vote lost on the real pages and was checked on the generated corpus (docs/quality.md, "Real pages below plain
Tesseract"); the second reading on the real pages and seeds 31 / 5 (docs/quality.md, "Flattened re-reading of poor
pages, and a second reading for disputed words"); the page's agreed word pairs from the losses classified on all
real pages (docs/quality.md, "What the combination loses, classified"; off by default since, see `USE_CONTEXT`).
Evaluated elsewhere (docs/quality.md).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ocr.engine import RecognisedWord
from ocr.syllables import in_use, is_syllable

#: a TrueOCR reading must beat Tesseract's by more than this many points to replace it
MARGIN = 0.0
#: word vote: TrueOCR's word replaces Tesseract's when Tesseract's confidence is below this and TrueOCR's at
#: least WORD_TRUEOCR_FROM (both 0-100)
WORD_TESSERACT_BELOW = 93.0
WORD_TRUEOCR_FROM = 80.0
#: an added block's numbers start here (Tesseract numbers its blocks from 1)
NEW_BLOCK = 10_000
#: a disputed word Tesseract read below this confidence is a guess that its own second reading of the line
#: would repeat (on the real pages: "chuyên" 56 re-read "chuyên" against TrueOCR's right "chuyển"): the second
#: reading does not settle it
SECOND_READING_FROM = 60.0
#: whether `combine`'s word vote consults the page's agreed word pairs first (`by_context`). Off by default: where
#: both engines misread a word alike elsewhere on the page (a hook lost at low resolution: "Công thông tin" for
#: "Cổng"), the rule spreads that error to the lines that had it right; with the small-print path, on the 14
#: printed real pages: the same mean (0.946), one page 2 words worse, two pages 1 word better (docs/quality.md)
USE_CONTEXT = False


_PUNCT = ".,;:!?()[]{}\"'“”‘’…*_-–/\\|<>«»"
#: one part of a document code after "/" or "-": capitals and digits, or capitals with one lower-case letter after a
#: capital (the "CTr" of "Chương trình", "TTr" of "Tờ trình": 35-CTr/TU, 12/TTr-UBND)
_CODE_PART = r"(?:[\dA-ZĐ]*[A-ZĐ][a-zđ][\dA-ZĐ]*|[\dA-ZĐ]+)"
#: a number (1.234,5; 05/3/2021; 45) or a document/parcel code of capitals and digits (12/TB-UBND, CH01234, 35-CTr/TU)
_NUMBER = re.compile(r"^(\d+([.,/-]\d+)*(m2|m²|ha)?|[\dA-ZĐ]*\d[\dA-ZĐ]*([/-]" + _CODE_PART + r")*|[A-ZĐ]+([/-]"
                     + _CODE_PART + r")+)$")

#: neither for nor against: abbreviations in capitals (UBND, LUC, but also misread ones), units, "V/v"
_NEUTRAL = re.compile(r"^([A-ZĐ]{2,5}|m²|m2|[Vv]/v)$")


def token_ok(token: str) -> bool | None:
    """True for a well-formed Vietnamese syllable, number or code; False for another token with a letter or
    digit (misread text: "qN8í1-81/ZI", "CilU"); None for punctuation, lone letters and short capital
    abbreviations."""
    token = token.strip(_PUNCT)
    if not any(ch.isalnum() for ch in token) or _NEUTRAL.match(token) or (len(token) == 1 and token.isalpha()):
        return None  # a lone letter is a syllable ("y", "ở") but also what a signature stroke reads as
    if any(ch.isdigit() for ch in token) or "/" in token or "-" in token:
        return bool(_NUMBER.match(token)) or all(is_syllable(part) for part in re.split(r"[/-]", token) if part)
    return is_syllable(token)


def vote_ok(token: str) -> bool | None:
    """`token_ok` for the word vote: a word in capitals that is a well-formed syllable ("BAN", "HỘI") is judged
    as the syllable it is, not left out as a possible abbreviation (line scores still leave it out), so two
    readings of a heading's word that are both syllables are voted like any other pair ("BẠN" / "BAN");
    against an abbreviation ("CH" / "HO") it stays neutral (`prefer_trueocr`)."""
    verdict = token_ok(token)
    if verdict is None:
        core = token.strip(_PUNCT)
        if len(core) >= 2 and core.isalpha() and is_syllable(core):
            return True
    return verdict


def words_in_use(token: str) -> bool:
    """True when every syllable of a well-formed token is one Vietnamese text writes (ocr.syllables.in_use;
    numbers and codes count as in use): "truyền" yes, "truyển" (a misread tone) no."""
    parts = [part for part in re.split(r"[,;:/-]", token.strip(_PUNCT)) if part]
    return all(in_use(part) for part in parts if part.isalpha() and is_syllable(part))


def line_score(words: list[RecognisedWord]) -> float:
    """Well-formed tokens (syllables, numbers, codes) − other tokens with a letter or digit; a word is cut at
    "," ";" ":" first (a reading that dropped the space after them is not charged: "phòng,chống")."""
    verdicts = [token_ok(part) for w in words for part in re.split(r"[,;:]", w.text)]
    return float(sum(v is True for v in verdicts) - sum(v is False for v in verdicts))


@dataclass
class Choice:
    """One TrueOCR line and the Tesseract words it covers, and which reading was kept."""

    trueocr: list[RecognisedWord]
    tesseract: list[int]  # indices into the Tesseract words
    trueocr_score: float
    tesseract_score: float

    @property
    def use_trueocr(self) -> bool:
        return self.trueocr_score > self.tesseract_score + MARGIN


def _box(words: list[RecognisedWord]) -> tuple[int, int, int, int]:
    return (min(w.left for w in words), min(w.top for w in words),
            max(w.left + w.width for w in words), max(w.top + w.height for w in words))


def _lines(words: list[RecognisedWord]) -> list[list[RecognisedWord]]:
    grouped: dict[tuple[int, int, int], list[RecognisedWord]] = {}
    for w in words:
        grouped.setdefault((w.block, w.paragraph, w.line), []).append(w)
    return list(grouped.values())


def match(tesseract: list[RecognisedWord], trueocr: list[RecognisedWord]) -> list[Choice]:
    """Each TrueOCR line with the Tesseract words it covers and both scores."""
    lines = _lines(trueocr)
    boxes = np.array([_box(line) for line in lines], np.float64).reshape(-1, 4)
    owner = [-1] * len(tesseract)
    for i, w in enumerate(tesseract):
        if not len(boxes):
            break
        ix = np.minimum(boxes[:, 2], w.left + w.width) - np.maximum(boxes[:, 0], w.left)
        iy = np.minimum(boxes[:, 3], w.top + w.height) - np.maximum(boxes[:, 1], w.top)
        ix, iy = np.clip(ix, 0, None), np.clip(iy, 0, None)
        ok = (ix >= 0.5 * max(1, w.width)) & (iy >= 0.5 * np.minimum(max(1, w.height), boxes[:, 3] - boxes[:, 1]))
        if ok.any():
            area = np.where(ok, ix * iy, -1)
            owner[i] = int(area.argmax())
    covered: list[list[int]] = [[] for _ in lines]
    for i, k in enumerate(owner):
        if k >= 0:
            covered[k].append(i)
    return [Choice(line, covered[k], line_score(line), line_score([tesseract[i] for i in covered[k]]))
            for k, line in enumerate(lines)]


def disputed(tesseract: RecognisedWord, trueocr: RecognisedWord) -> bool:
    """Whether a second reading may settle the two engines' readings of one word: both well-formed words
    without digits (syllables: a tone or vowel mark apart, mostly), equally in use or not, different beyond
    punctuation and case (a line read alone may lose a capital: "Ông" → "ông"), and Tesseract's at least
    SECOND_READING_FROM sure."""
    if tesseract.text.strip(_PUNCT).lower() == trueocr.text.strip(_PUNCT).lower() \
            or tesseract.confidence < SECOND_READING_FROM:
        return False
    if any(ch.isdigit() for ch in tesseract.text + trueocr.text):
        return False
    return vote_ok(tesseract.text) is True and vote_ok(trueocr.text) is True \
        and words_in_use(tesseract.text) == words_in_use(trueocr.text)


def prefer_trueocr(tesseract: RecognisedWord, trueocr: RecognisedWord,
                   second: str | Callable[[], str | None] | None = None) -> bool | None:
    """Of two readings of one word (boxes overlapping one to one), whether TrueOCR's is the better: the
    well-formed one when only one is; when both are, the one in use when only one is (`words_in_use`: on
    the real pages the engines' disagreements are mostly tone marks, and a misread tone often lands on a
    syllable nobody writes); else, for a `disputed` word, the one a second reading of its line agrees with
    (`second`: Tesseract's reading of the line's gray tones, one line alone, or a function that reads it, called
    only for a disputed word; see `combine`), when it agrees with exactly one, case aside (a line read alone may
    lose a capital); else TrueOCR's when Tesseract is unsure of its word and
    TrueOCR sure of its own (WORD_TESSERACT_BELOW, WORD_TRUEOCR_FROM: measured on generated pages,
    docs/quality.md); None (no opinion) when neither is well-formed."""
    t_ok, r_ok = token_ok(tesseract.text), token_ok(trueocr.text)
    if vote_ok(tesseract.text) is True and vote_ok(trueocr.text) is True:  # capitals too ("BẠN" / "BAN"), but a
        # capital syllable does not beat an abbreviation ("CH" against "HO"): one-sided, `token_ok` decides
        t_ok = r_ok = True
    if t_ok is True and r_ok is True:
        t_used, r_used = words_in_use(tesseract.text), words_in_use(trueocr.text)
        if t_used != r_used:
            return r_used
        if second is not None and disputed(tesseract, trueocr):
            again = second() if callable(second) else second
            if again is not None:
                again = again.strip(_PUNCT).lower()
                if again == trueocr.text.strip(_PUNCT).lower():
                    return True
                if again == tesseract.text.strip(_PUNCT).lower():
                    return False
        return tesseract.confidence < WORD_TESSERACT_BELOW and trueocr.confidence >= WORD_TRUEOCR_FROM
    if True in (t_ok, r_ok):
        return r_ok is True
    return None


def _overlap(a: RecognisedWord, b: RecognisedWord) -> bool:
    return min(a.left + a.width, b.left + b.width) - max(a.left, b.left) > 0.5 * min(a.width, b.width)


def _key(text: str) -> str:
    return text.strip(_PUNCT).lower()


def _overlaps(base: list[RecognisedWord], other: list[RecognisedWord]) -> list[list[int]]:
    """For each word of `base`, the indices of the words of `other` it overlaps (`_overlap`)."""
    return [[j for j, x in enumerate(other) if _overlap(word, x)] for word in base]


def _pairs(base: list[RecognisedWord], other: list[RecognisedWord]) -> list[RecognisedWord | None]:
    """For each word of `base` (one line's words), its counterpart in `other` when the boxes overlap one to one
    (the word overlaps only that one, and that one only this word), else None."""
    found = _overlaps(base, other)
    overlapped = [0] * len(other)
    for js in found:
        for j in js:
            overlapped[j] += 1
    return [other[js[0]] if len(js) == 1 and overlapped[js[0]] == 1 else None for js in found]


@dataclass
class PageContext:
    """Pairs of neighbouring words that both engines read the same on this page (`agreed_pairs`): the page's
    own evidence of which syllables go together ("hồ sơ", "đề nghị", "căn cứ" recur in a letter)."""

    bigrams: Counter

    def support(self, word: str, left: str | None, right: str | None) -> int:
        """How often `word` stands beside the same left or right neighbour elsewhere on the page."""
        return (self.bigrams[(left, word)] if left else 0) + (self.bigrams[(word, right)] if right else 0)


def agreed_pairs(tesseract: list[RecognisedWord], choices: list[Choice]) -> PageContext:
    """Neighbouring words (in Tesseract's order within each TrueOCR line) that both engines read alike, case
    and edge punctuation aside, each word one to one with the other engine's."""
    bigrams: Counter = Counter()
    for choice in choices:
        covered = [tesseract[i] for i in choice.tesseract]
        previous = None
        for word, partner in zip(covered, _pairs(covered, choice.trueocr)):
            key = _key(word.text)
            if partner is None or not key or _key(partner.text) != key:
                previous = None
                continue
            if previous is not None:
                bigrams[(previous, key)] += 1
            previous = key
    return PageContext(bigrams)


def by_context(tesseract: RecognisedWord, trueocr: RecognisedWord, left: str | None, right: str | None,
               context: PageContext | None) -> bool | None:
    """For two readings of one word that are both well-formed and equally in use (a tone apart, mostly: "chi" /
    "chỉ", "số" / "sổ"), whether TrueOCR's is the one the page's agreed word pairs support (`PageContext`:
    the word with the same left or right neighbour elsewhere on the page, read alike by both engines there);
    None when neither or both are supported equally, or the two are not such a pair."""
    if context is None:
        return None
    a, b = _key(tesseract.text), _key(trueocr.text)
    if a == b or token_ok(tesseract.text) is not True or token_ok(trueocr.text) is not True \
            or words_in_use(tesseract.text) != words_in_use(trueocr.text):
        return None
    for_tesseract, for_trueocr = context.support(a, left, right), context.support(b, left, right)
    if for_tesseract == for_trueocr:
        return None
    return for_trueocr > for_tesseract


def vote(base: list[RecognisedWord], other: list[RecognisedWord], base_is_tesseract: bool,
         second: Callable[[RecognisedWord], str | None] | None = None,
         context: PageContext | None = None) -> list[RecognisedWord]:
    """`base` (one line's words) with each word that has exactly one counterpart in `other` (and is that
    counterpart's only one) replaced by it: first, in either kind of line, where the page's agreed word pairs
    support one of two well-formed readings equally in use (`by_context`, given `context`; the neighbours are
    `base`'s); else, in a line Tesseract kept, where `prefer_trueocr` says so; in a line TrueOCR won, only a
    misformed TrueOCR word by a well-formed Tesseract one. Boxes and layout stay `base`'s.
    `second(tesseract_word)`: a second reading of that word (`combine`), asked only for `disputed` words."""
    out = []
    keys = [_key(w.text) for w in base]
    for k, (word, partner) in enumerate(zip(base, _pairs(base, other))):
        if partner is not None and partner.text != word.text:
            tess, true = (word, partner) if base_is_tesseract else (partner, word)
            left = keys[k - 1] if k > 0 else None
            right = keys[k + 1] if k + 1 < len(base) else None
            supported = by_context(tess, true, left, right, context)
            if supported is not None:
                take = supported is base_is_tesseract
            elif base_is_tesseract:  # the second reading is asked for (and its line read) only for a disputed word
                take = prefer_trueocr(tess, true, None if second is None else lambda: second(tess)) is True
            else:  # the line went to TrueOCR: Tesseract's word only where TrueOCR's alone is misformed, or
                # both are well-formed and only Tesseract's is a syllable in use
                t_ok, r_ok = token_ok(tess.text), token_ok(true.text)
                take = t_ok is True and (r_ok is False or (r_ok is True and words_in_use(tess.text)
                                                           and not words_in_use(true.text)))
            if take:
                word = replace(word, text=partner.text, confidence=partner.confidence)
        out.append(word)
    return out


def join_split_codes(words: list[RecognisedWord], other: list[RecognisedWord]) -> list[RecognisedWord | None]:
    """`words` (one line's, as voted) where the other engine read a number or code as one well-formed token that
    these words cut at its separators ("29-" "-NQ/TW," against "29-NQ/TW,", "45" "/2013" "/QH13" against
    "45/2013/QH13"): the run of words that overlaps only that token (and it only them) becomes that token, in
    their joint box; the run's other places are None. Everything else as it is."""
    out: list[RecognisedWord | None] = list(words)
    partners = _overlaps(words, other)
    k = 0
    while k < len(words):
        if len(partners[k]) != 1:
            k += 1
            continue
        index = partners[k][0]
        token = other[index]
        end = k
        while end + 1 < len(words) and partners[end + 1] == [index]:
            end += 1
        run = range(k, end + 1)
        texts = [words[j].text for j in run]
        alone = all(j in run or index not in partners[j] for j in range(len(words)))
        cut = any(a.endswith(("-", "/")) or b.startswith(("-", "/")) for a, b in zip(texts, texts[1:]))
        code = vote_ok(token.text) is True and any(ch.isdigit() for ch in token.text)
        if len(run) >= 2 and alone and cut and code:
            x0, y0, x1, y1 = _box([words[j] for j in run])
            first = words[k]
            out[k] = RecognisedWord(text=token.text, left=x0, top=y0, width=x1 - x0, height=y1 - y0,
                                    confidence=token.confidence, block=first.block, paragraph=first.paragraph,
                                    line=first.line)
            for j in run[1:]:
                out[j] = None
        k = end + 1
    return out


def combine(tesseract: list[RecognisedWord], trueocr: list[RecognisedWord],
            read_line: Callable[[tuple[int, int, int, int]], list[RecognisedWord]] | None = None
            ) -> list[RecognisedWord]:
    """The page's words: Tesseract's with the lines where TrueOCR reads better replaced, then word by word
    the better reading where the two engines cut a line into the same words (module doc).

    `read_line(box)`: words of the page's crop `box` (left, top, right, bottom) read again as one text line
    (CombinedEngine: Tesseract on the page's gray tones); a `disputed` word takes the word of that second
    reading at its place (`second_reading`), each Tesseract line read at most once."""
    choices = match(tesseract, trueocr)
    second = second_reading(tesseract, read_line) if read_line is not None else None
    context = agreed_pairs(tesseract, choices) if USE_CONTEXT else None
    replaced: dict[int, list[RecognisedWord]] = {}  # first Tesseract index of a replaced stretch → its words
    substituted: dict[int, RecognisedWord] = {}  # Tesseract index → the word voted in its place
    dropped: set[int] = set()
    added: list[Choice] = []
    for choice in choices:
        covered = [tesseract[i] for i in choice.tesseract]
        if not choice.tesseract:
            if choice.trueocr_score > 0:
                added.append(choice)
        elif choice.use_trueocr:
            layout = _majority(covered)
            voted = join_split_codes(vote(choice.trueocr, covered, False, context=context), covered)
            replaced[choice.tesseract[0]] = _renumbered([w for w in voted if w is not None], *layout)
            dropped.update(choice.tesseract)
        else:
            voted = join_split_codes(vote(covered, choice.trueocr, True, second, context), choice.trueocr)
            for i, word in zip(choice.tesseract, voted):
                if word is None:  # joined into the word before it
                    dropped.add(i)
                else:
                    substituted[i] = word
    matched = {i for c in choices for i in c.tesseract}
    # Tesseract lines on no TrueOCR line: kept when they read as something
    unmatched = [i for i in range(len(tesseract)) if i not in matched]
    by_line: dict[tuple[int, int, int], list[int]] = {}
    for i in unmatched:
        w = tesseract[i]
        by_line.setdefault((w.block, w.paragraph, w.line), []).append(i)
    for indices in by_line.values():
        if line_score([tesseract[i] for i in indices]) <= 0:
            dropped.update(indices)

    out: list[RecognisedWord] = []
    for i, w in enumerate(tesseract):
        if i in replaced:
            out.extend(replaced[i])
        if i not in dropped:
            out.append(substituted.get(i, w))
    for n, choice in enumerate(sorted(added, key=lambda c: _box(c.trueocr)[1])):
        top = _box(choice.trueocr)[1]
        words = _renumbered(choice.trueocr, NEW_BLOCK + n, 1, 1)
        # before the first block that begins below this line
        at = next((k for k, w in enumerate(out)
                   if (k == 0 or out[k - 1].block != w.block) and w.top > top), len(out))
        out[at:at] = words
    return out


def second_reading(tesseract: list[RecognisedWord],
                   read_line: Callable[[tuple[int, int, int, int]], list[RecognisedWord]]
                   ) -> Callable[[RecognisedWord], str | None]:
    """`second(word)` for a Tesseract word: the text of the one word of a second reading of its Tesseract line
    (`read_line` on the line's box, widened by 0.3 line heights + 4 px) whose span overlaps the word's by more
    than half the shorter; None when no word or several do. Each line is read once, when first asked."""
    lines: dict[tuple[int, int, int], list[RecognisedWord]] = {}
    for w in tesseract:
        lines.setdefault((w.block, w.paragraph, w.line), []).append(w)
    read: dict[tuple[int, int, int], list[RecognisedWord]] = {}

    def second(word: RecognisedWord) -> str | None:
        key = (word.block, word.paragraph, word.line)
        if key not in lines:
            return None
        if key not in read:
            x0, y0, x1, y1 = _box(lines[key])
            pad = int(0.3 * (y1 - y0)) + 4
            read[key] = read_line((max(0, x0 - pad), max(0, y0 - pad), x1 + pad, y1 + pad))
        left, right = word.left, word.left + word.width
        found = [w.text for w in read[key]
                 if min(w.left + w.width, right) - max(w.left, left) > 0.5 * min(w.width, right - left)]
        return found[0] if len(found) == 1 else None

    return second


def _majority(words: list[RecognisedWord]) -> tuple[int, int, int]:
    counts: dict[tuple[int, int, int], int] = {}
    for w in words:
        key = (w.block, w.paragraph, w.line)
        counts[key] = counts.get(key, 0) + 1
    return max(counts, key=counts.__getitem__)


def _renumbered(words: list[RecognisedWord], block: int, paragraph: int, line: int) -> list[RecognisedWord]:
    return [replace(w, block=block, paragraph=paragraph, line=line) for w in words]


def line_reader(tesseract, page: np.ndarray, bilevel: bool = False):
    """A function reading one line box (x0, y0, x1, y1) of `page` with `tesseract`'s single-line mode, its words'
    boxes in page coordinates; `bilevel`: `page` holds only 0 and 255 (handed to Tesseract as 1 bit a pixel)."""

    def read_line(box: tuple[int, int, int, int]) -> list[RecognisedWord]:
        x0, y0, x1, y1 = box
        crop = np.ascontiguousarray(page[y0:y1, x0:x1])
        found = tesseract.recognise_line(crop, bilevel=True) if bilevel else tesseract.recognise_line(crop)
        return [replace(w, left=w.left + x0, top=w.top + y0) for w in found]

    return read_line


class CombinedEngine:
    """Tesseract and TrueOCR on the same image, combined by `combine`."""

    name = "combined"
    wants_gray = True

    def __init__(self, tesseract, trueocr):
        self.tesseract, self.trueocr = tesseract, trueocr

    def recognise(self, image: np.ndarray, bilevel: bool = False,
                  gray: np.ndarray | None = None) -> list[RecognisedWord]:
        read_line = None
        if hasattr(self.tesseract, "recognise_line"):
            read_line = line_reader(self.tesseract, gray if gray is not None else image)
        return combine(self.tesseract.recognise(image, bilevel=bilevel),
                       self.trueocr.recognise(image, bilevel=bilevel, gray=gray), read_line)


# ------------------------------------------------------------------------- TrueOCR first, Tesseract where unsure
#: a TrueOCR line is doubtful (and read by Tesseract too) when one of its words is below this confidence (0-100,
#: TrueOCR's CTC mean peak probability × 100), misformed, or a well-formed syllable not in use
LINE_DOUBT_BELOW = 90.0
#: the doubtful lines are read by Tesseract from this image: "image" (ocr.clean's output, what the page-wide
#: Tesseract reading reads) or "gray" (the page's gray tones, what the second reading reads)
LINE_SOURCE = "image"
#: a doubtful line is read by Tesseract only around its doubtful words, with this many words of context either side
#: of each (windows that touch or are one word apart are read as one; a window over most of the line reads the whole
#: line); None: the whole line (before 2026-12-07 night). Measured (docs/performance.md, "Tesseract around the
#: doubtful words only"): Tesseract's line readings 0.47 → 0.24 CPU s a bench page, real printed recall equal
#: (0.932), bench CER 0.76 → 0.81 %; context 1 cheaper still (0.16 s) but two real pages 0.015-0.020 lower
DOUBT_CONTEXT: int | None = 2
#: TrueOCR's line detector reads the page at this many pixels on its long side in combined-lines (None: the model's
#: 1024). 768 measured: detection 0.08 → 0.05 CPU s a bench page, but real pages mixed and a seed-5 photocopy page
#: at 5 % CER (docs/performance.md)
LINES_DETECTION_LONG_SIDE: int | None = None
#: a window holding more than this share of a line's words is read as the whole line
WHOLE_LINE_FROM = 0.7


def doubtful_word(word: RecognisedWord, below: float | None = None) -> bool:
    """Whether TrueOCR's reading of one word needs Tesseract's beside it: below `below` (LINE_DOUBT_BELOW) sure,
    a misformed token, or a well-formed syllable nobody writes."""
    below = LINE_DOUBT_BELOW if below is None else below
    return word.confidence < below or token_ok(word.text) is False or not words_in_use(word.text)


def doubtful(line: list[RecognisedWord], below: float | None = None) -> bool:
    """Whether TrueOCR's reading of one line needs Tesseract's beside it: one of its words is `doubtful_word`."""
    return any(doubtful_word(word, below) for word in line)


def windows(line: list[RecognisedWord], below: float | None = None, context: int | None = None
            ) -> list[tuple[int, int]]:
    """The stretches [start, end) of a line's words Tesseract reads again: each doubtful word with `context`
    (DOUBT_CONTEXT) words either side, stretches at most one word apart joined; the whole line when `context` is
    None or a stretch holds more than WHOLE_LINE_FROM of its words."""
    context = DOUBT_CONTEXT if context is None else context
    if context is None:
        return [(0, len(line))]
    spans: list[tuple[int, int]] = []
    for i, word in enumerate(line):
        if doubtful_word(word, below):
            start, end = max(0, i - context), min(len(line), i + context + 1)
            if spans and start <= spans[-1][1] + 1:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    if any(end - start > WHOLE_LINE_FROM * len(line) for start, end in spans):
        return [(0, len(line))]
    return spans


def _window_box(line: list[RecognisedWord], start: int, end: int) -> tuple[int, int, int, int]:
    """The crop of words [start, end) of a line: the line's box widened by 0.3 line heights + 4 px, cut
    sideways halfway between the window's outer words and their neighbours outside it."""
    x0, y0, x1, y1 = _box(line)
    pad = int(0.3 * (y1 - y0)) + 4
    left, right = x0 - pad, x1 + pad
    if start > 0:
        left = max(left, (line[start - 1].left + line[start - 1].width + line[start].left) // 2)
    if end < len(line):
        right = min(right, (line[end - 1].left + line[end - 1].width + line[end].left + 1) // 2)
    return max(0, left), max(0, y0 - pad), right, y1 + pad


def combine_lines(trueocr: list[RecognisedWord],
                  read_line: Callable[[tuple[int, int, int, int]], list[RecognisedWord]],
                  below: float | None = None, context: int | None = None) -> list[RecognisedWord]:
    """TrueOCR's words (its layout and reading order), with each `doubtful` line also read by Tesseract alone
    (`read_line` on the line's box, widened by 0.3 line heights + 4 px; with DOUBT_CONTEXT, only the `windows`
    around its doubtful words) and the better reading of the two kept as `combine` keeps it: the line (or window)
    by `line_score` (a tie keeps Tesseract's), then word by word (`vote`)."""
    out: list[RecognisedWord] = []
    for line in _lines(trueocr):
        if not doubtful(line, below):
            out.extend(line)
            continue
        layout = (line[0].block, line[0].paragraph, line[0].line)
        done = 0
        for start, end in windows(line, below, context):
            out.extend(line[done:start])
            part = line[start:end]
            found = read_line(_window_box(line, start, end))
            if not found:
                out.extend(part)
            else:
                found = _renumbered(found, *layout)
                if line_score(part) > line_score(found) + MARGIN:
                    out.extend(vote(part, found, False))
                else:
                    out.extend(vote(found, part, True))
            done = end
        out.extend(line[done:])
    return as_rows(out)


#: combined-lines: ink of the cleaned page outside every TrueOCR line (a line its detector missed) is read by
#: Tesseract too, one band at a time, and kept where its reading scores above zero (`undetected_bands`); off:
#: measured in docs/performance.md ("TrueOCR first")
READ_UNDETECTED = False
#: an undetected band's reading is kept only when Tesseract's mean word confidence is at least this (a photocopy's
#: dark edge reads as capitals that are syllables: "TEEN TT TỰ TÀ TY")
UNDETECTED_CONFIDENCE = 75.0
#: at most this many undetected bands a page are read (the largest)
UNDETECTED_MAX = 8


def undetected_bands(image: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of text-like ink of `image` (dark pixels) outside the line `boxes` (widened by 0.3
    of the median line height): ink joined sideways over a line height, kept where the band is 0.5-2.5 line heights
    high, at least 2 wide and 5 % ink; the UNDETECTED_MAX largest, top to bottom."""
    import cv2

    if not boxes:
        return []
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    height = float(np.median([y1 - y0 for _, y0, _, y1 in boxes]))
    pad = int(0.3 * height)
    rest = (gray < 128).astype(np.uint8)
    for x0, y0, x1, y1 in boxes:
        rest[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad] = 0
    if not rest.any():
        return []
    joined = cv2.dilate(rest, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(height)), 3)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    found = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if 0.5 * height <= h <= 2.5 * height and w >= 2 * height \
                and np.count_nonzero(rest[y:y + h, x:x + w]) >= 0.05 * w * h:
            found.append((area, (x, y, x + w, y + h)))
    largest = [box for _, box in sorted(found, reverse=True)[:UNDETECTED_MAX]]
    return sorted(largest, key=lambda b: b[1])


def as_rows(words: list[RecognisedWord]) -> list[RecognisedWord]:
    """`words` renumbered the way Tesseract numbers a page's layout where TrueOCR's differs: lines that sit side by
    side (vertical spans overlapping by more than half the lower line) are one line, each such row a block of its
    own, top to bottom. TrueOCR detects the two columns of an agency's header as separate lines in separate blocks
    and orders them block by block; as rows, ocr.engine.reading_order splits them into columns (left first) as it
    does Tesseract's reading."""
    rows: list[list[RecognisedWord]] = []
    span = (0, 0)
    for line in sorted(_lines(words), key=lambda ws: min(w.top for w in ws)):
        top, bottom = min(w.top for w in line), max(w.top + w.height for w in line)
        if rows and min(bottom, span[1]) - max(top, span[0]) > 0.5 * min(bottom - top, span[1] - span[0]):
            rows[-1].extend(line)
            span = (min(top, span[0]), max(bottom, span[1]))
        else:
            rows.append(list(line))
            span = (top, bottom)
    return [w for n, row in enumerate(rows, 1) for w in _renumbered(sorted(row, key=lambda w: w.left), n, 1, 1)]


class LinesEngine:
    """TrueOCR on the page, Tesseract only on the lines TrueOCR is unsure of (`combine_lines`)."""

    name = "combined-lines"
    wants_gray = True

    def __init__(self, tesseract, trueocr):
        self.tesseract, self.trueocr = tesseract, trueocr

    def recognise(self, image: np.ndarray, bilevel: bool = False,
                  gray: np.ndarray | None = None) -> list[RecognisedWord]:
        if LINE_SOURCE == "gray" and gray is not None:
            read_line = line_reader(self.tesseract, gray)
        else:  # ocr.clean's output: a binarised page goes to Tesseract as 1 bit a pixel (the same words, less time)
            read_line = line_reader(self.tesseract, image, bilevel=bilevel)
        if LINES_DETECTION_LONG_SIDE:
            trueocr = self.trueocr.recognise(image, bilevel=bilevel, gray=gray, long_side=LINES_DETECTION_LONG_SIDE)
        else:
            trueocr = self.trueocr.recognise(image, bilevel=bilevel, gray=gray)
        words = combine_lines(trueocr, read_line)
        if not READ_UNDETECTED:
            return words
        added = []
        for n, (x0, y0, x1, y1) in enumerate(undetected_bands(image, [_box(line) for line in _lines(trueocr)])):
            pad = int(0.3 * (y1 - y0)) + 4
            found = read_line((max(0, x0 - pad), max(0, y0 - pad), x1 + pad, y1 + pad))
            if found and line_score(found) > 0 and np.mean([w.confidence for w in found]) >= UNDETECTED_CONFIDENCE:
                added.extend(_renumbered(found, NEW_BLOCK + n, 1, 1))
        return as_rows(words + added) if added else words
