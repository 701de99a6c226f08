"""Duplicate and related letters: at intake, which earlier letters are about the same matter, with a score and
the reasons (issue 17; measured in docs/register.md).

Evidence, each found through an index so that a look-up touches only a few letters:

- **same content** — near-duplicate text (the same letter scanned twice with different damage, or copied to
  several bodies): `datasketch` MinHash over character 5-grams of the diacritic-folded text, found with MinHash
  LSH; the Jaccard estimate is the content score. Folding makes OCR's commonest slip (a dropped or wrong tone
  mark) invisible; character shingles survive the other slips better than word shingles.
- **same sender** — the ID number (CCCD 12 digits, CMND 9; one wrong digit tolerated as an OCR slip), or the
  folded name with an address that agrees (rapidfuzz token-set ratio on the folded address without level words,
  so that `xã X, huyện Y` and a post-2025 `xã X, tỉnh An Giang` still agree).
- **same parcel** — parcel number, map sheet and commune (folded).
- **same contested decision / same accused** — a reference number or a named subject shared by both letters.
- **sent to several bodies** — near-identical content addressed to another body (Luật Tố cáo 2018 Art. 24:
  only the competent body handles it).
- **repeat of a resolved matter** — the earlier letter's matter is already resolved.

A sender alone is not a proposal (one person writes about several matters), nor is a village or a parcel
alone (neighbours write about neighbouring land): a proposal needs near-identical content, or the same sender
together with a shared parcel, decision, accused person or similar content.

Reasons never quote a name, ID number or address (a denouncer's identity stays with those cleared to see it,
Luật Tố cáo 2018 Art. 47): they say *that* the sender is the same, not who it is.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Hamming

from donthu.text import fold

if TYPE_CHECKING:  # datasketch (and SciPy under it) is imported when a MinHash is first made, not by every CLI call
    from datasketch import MinHash

NUM_PERM = 128
SHINGLE = 5
LSH_THRESHOLD = 0.5  # content candidates from about this Jaccard (near-duplicates propose from 0.6)
CONTENT_DUPLICATE = 0.6  # content alone proposes from here (estimated Jaccard)
SHARED_FACTS = 5.0  # with the same sender, rare shared facts (summed log inverse frequency) propose from here
ADDRESS_AGREES = 85  # rapidfuzz token-set ratio on folded addresses
PROPOSE = 0.5  # score from which a candidate is proposed
MIN_REGISTER = 1000  # rarity is judged as if the register held at least this many letters (a new register)
MAX_KEY_FANOUT = 200  # a key (name, parcel) shared by more letters than this is too common to look up alone

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_LEVEL_WORDS = re.compile(r"\b(to|ap|khom|xa|phuong|thi tran|thi xa|huyen|thanh pho|tinh|tp|so|duong|dac khu)\b")
_DIGITS = re.compile(r"\D+")


@dataclass(frozen=True)
class Sender:
    name: str
    id_number: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class ParcelRef:
    parcel_no: str
    map_sheet: str | None = None
    commune: str | None = None


@dataclass
class Letter:
    """What the proposer needs of one letter (the register or a record supplies it)."""

    id: int
    text: str
    senders: list[Sender] = field(default_factory=list)
    parcels: list[ParcelRef] = field(default_factory=list)
    references: list[str] = field(default_factory=list)  # numbers of decisions the letter contests
    subjects: list[str] = field(default_factory=list)  # names of the people it accuses
    recipient: str = ""  # the body it is addressed to
    resolved: bool = False  # its matter is resolved


@dataclass
class Proposal:
    """An earlier letter proposed as the same matter."""

    letter_id: int
    score: float
    reasons: list[str]
    content: float  # estimated Jaccard of the texts


def _fold_table() -> dict[int, str]:
    chars = [chr(c) for c in range(0xC0, 0x250)] + [chr(c) for c in range(0x1E00, 0x1F00)]
    table: dict[int, str | None] = {ord(ch): fold(ch) for ch in chars if fold(ch) != ch}
    table.update({c: None for c in range(0x300, 0x370)})  # a combining mark left over after NFC
    return table


_FOLD: dict[int, str | None] = _fold_table()  # donthu.text.fold as one str.translate (NFC text): the same result, many times faster


def quick_fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower().translate(_FOLD)


def content_key(text: str) -> str:
    """Folded text with every run of non-alphanumerics one space."""
    return _NON_ALNUM.sub(" ", quick_fold(text)).strip()


def body_key(text: str, senders: list[Sender] = ()) -> str:
    """`content_key` without the senders' names, ID numbers and addresses: what the letter is *about*. Two
    letters of one person about different matters share the identity and little else."""
    key = content_key(text)
    cut = []
    for s in senders:
        cut += [content_key(s.name or ""), content_key(s.address or ""), _DIGITS.sub("", s.id_number or "")]
    for c in sorted((c for c in cut if len(c) >= 6), key=len, reverse=True):
        key = key.replace(c, " ")
    return key


_NUMBER = re.compile(r"\d[\d.,/-]*\d")
_TOKEN = re.compile(r"\w+|[^\w\s]")


def facts(text: str, senders: list[Sender] = ()) -> set[str]:
    """What a letter is about, as short keys: numbers (dates, amounts, decision and parcel numbers) and
    capitalised names of two words or more (people, places, projects), folded, the senders' identity left out.
    Shared rare facts tie two letters to one matter; `DuplicateIndex` weighs them by how rare they are."""
    for s in senders:
        if s.id_number and len(s.id_number) >= 6:  # the number, and its date and place of issue after it
            text = re.sub(re.escape(s.id_number) + r".{0,80}", " ", text)
        for v in (s.name, s.address):
            if v and len(v) >= 6:
                text = text.replace(v, " ")
    out = set()
    for m in _NUMBER.finditer(text):
        digits = _DIGITS.sub("", m.group(0))
        if len(digits) >= 3 and not (len(digits) == 4 and m.group(0) == digits and 1900 <= int(digits) <= 2100):
            out.add("#" + digits)  # a year alone (a birth year, "năm 2019") says little
    home = " ".join(address_key(s.address) for s in senders if s.address)
    run: list[str] = []
    for w in [*_TOKEN.findall(text), ""]:
        if w[:1].isalnum() and (w[0].isupper() or (run and w.isdigit())) and not (w.isupper() and len(w) > 1):
            run.append(w)  # a capitalised word (a heading in capitals is not a name); punctuation ends a run
            continue
        if len(run) >= 2:
            name = " ".join(quick_fold(x) for x in run)
            if name not in home:  # the sender's own hamlet, commune, district: identity, not the matter
                out.add(name)
        run = []
    return out


def shingles(text: str, senders: list[Sender] = ()) -> set[int]:
    """Character 5-grams of the letter's body (`body_key`), each as its CRC-32 (stable across processes)."""
    key = body_key(text, senders).encode()
    return {zlib.crc32(key[i:i + SHINGLE]) for i in range(max(1, len(key) - SHINGLE + 1))}


@cache
def _permutations():
    """The MinHash permutations, generated once and shared by every MinHash of the process."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32").permutations


def _identity(x: int) -> int:
    return x


def minhash(text: str, senders: list[Sender] = ()) -> MinHash:
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=_identity, permutations=_permutations(),
                scheme="affine32")
    m.update_batch(list(shingles(text, senders)))
    return m


def id_key(id_number: str | None) -> str | None:
    digits = _DIGITS.sub("", id_number or "")
    return digits if len(digits) in (9, 12) else None


def name_key(name: str | None) -> str | None:
    key = " ".join(_NON_ALNUM.sub(" ", quick_fold(name or "")).split())
    return key if len(key.split()) >= 2 else None


def address_key(address: str | None) -> str:
    return " ".join(_LEVEL_WORDS.sub(" ", _NON_ALNUM.sub(" ", quick_fold(address or ""))).split())


def parcel_key(p: ParcelRef) -> tuple[str, str, str] | None:
    no = _DIGITS.sub("", p.parcel_no or "")
    if not no:
        return None
    sheet = _DIGITS.sub("", p.map_sheet or "")
    return (no.lstrip("0") or "0", sheet.lstrip("0"), address_key(p.commune))


def reference_key(number: str) -> str:
    return _NON_ALNUM.sub("", quick_fold(number))


def _masked(id_key: str) -> list[str]:
    """The ID number with each digit in turn replaced by '?': two numbers one digit apart share a key."""
    return [id_key[:i] + "?" + id_key[i + 1:] for i in range(len(id_key))]


def _jaccard(a: MinHash, b: MinHash) -> float:
    """MinHash estimate of the Jaccard similarity (`MinHash.jaccard` without its checks: same scheme here)."""
    return float(np.count_nonzero(a.hashvalues == b.hashvalues)) / NUM_PERM


@dataclass
class _Entry:
    letter: Letter
    mh: MinHash
    ids: set[str]
    names: set[str]
    addresses: list[tuple[str, str]]  # (name key, address key)
    parcels: set[tuple[str, str, str]]
    refs: set[str]
    subjects: set[str]
    facts: set[str]


class DuplicateIndex:
    """Earlier letters, indexed for candidate look-up; `propose(letter)` scores the candidates."""

    def __init__(self) -> None:
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self._entries: dict[int, _Entry] = {}
        self._by_id: dict[str, set[int]] = defaultdict(set)
        self._by_id_masked: dict[str, set[int]] = defaultdict(set)  # each digit masked in turn: one-digit slips
        self._by_name: dict[str, set[int]] = defaultdict(set)
        self._by_parcel: dict[tuple[str, str, str], set[int]] = defaultdict(set)
        self._by_ref: dict[str, set[int]] = defaultdict(set)
        self._fact_df: dict[str, int] = defaultdict(int)

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def _entry(letter: Letter, mh: MinHash | None = None) -> _Entry:
        ids = {k for s in letter.senders if (k := id_key(s.id_number))}
        names = {k for s in letter.senders if (k := name_key(s.name))}
        addresses = [(k, address_key(s.address)) for s in letter.senders if (k := name_key(s.name)) and s.address]
        parcels = {k for p in letter.parcels if (k := parcel_key(p))}
        refs = {k for r in letter.references if len(k := reference_key(r)) >= 4}
        subjects = {k for s in letter.subjects if (k := name_key(s))}
        return _Entry(letter, mh or minhash(letter.text, letter.senders), ids, names, addresses, parcels, refs,
                      subjects, facts(letter.text, letter.senders))

    def add(self, letter: Letter, mh: MinHash | None = None) -> None:
        e = self._entry(letter, mh)
        self._entries[letter.id] = e
        self._lsh.insert(letter.id, e.mh)
        for k in e.ids:
            self._by_id[k].add(letter.id)
            for masked in _masked(k):
                self._by_id_masked[masked].add(letter.id)
        for k in e.names:
            self._by_name[k].add(letter.id)
            self._by_name[k.replace(" ", "")].add(letter.id)
        for k in e.parcels:
            self._by_parcel[k].add(letter.id)
        for k in e.refs:
            self._by_ref[k].add(letter.id)
        for k in e.facts:
            self._fact_df[k] += 1

    def remove(self, letter_id: int) -> None:
        """Take a letter out of the index (to add it again corrected: `records.register.book.edit`)."""
        e = self._entries.pop(letter_id, None)
        if e is None:
            return
        self._lsh.remove(letter_id)
        for k in e.ids:
            self._by_id[k].discard(letter_id)
            for masked in _masked(k):
                self._by_id_masked[masked].discard(letter_id)
        for k in e.names:
            self._by_name[k].discard(letter_id)
            self._by_name[k.replace(" ", "")].discard(letter_id)
        for k in e.parcels:
            self._by_parcel[k].discard(letter_id)
        for k in e.refs:
            self._by_ref[k].discard(letter_id)
        for k in e.facts:
            self._fact_df[k] -= 1

    def set_resolved(self, letter_id: int, resolved: bool = True) -> None:
        self._entries[letter_id].letter.resolved = resolved

    def _candidates(self, e: _Entry) -> set[int]:
        # content candidates that cannot reach a content proposal are kept only if a key below finds them too
        found: set[int] = {i for i in self._lsh.query(e.mh)
                           if _jaccard(e.mh, self._entries[i].mh) >= CONTENT_DUPLICATE - 0.1}
        for k in e.ids:
            found |= self._by_id.get(k, set())
            for masked in _masked(k):
                ids = self._by_id_masked.get(masked, set())
                if len(ids) <= MAX_KEY_FANOUT:
                    found |= ids
        names = e.names | {n.replace(" ", "") for n in e.names}
        for index, keys in ((self._by_name, names), (self._by_parcel, e.parcels), (self._by_ref, e.refs)):
            for k in keys:
                ids = index.get(k, set())
                if len(ids) <= MAX_KEY_FANOUT:
                    found |= ids
        found.discard(e.letter.id)
        return found

    @staticmethod
    def _same_sender(a: _Entry, b: _Entry) -> str | None:
        for x in a.ids:
            for y in b.ids:
                if x == y:
                    return "same ID number"
                if len(x) == len(y) and Hamming.distance(x, y) == 1:
                    return "same ID number but one digit (an OCR slip)"
        for name, addr in a.addresses:
            for name2, addr2 in b.addresses:
                if name == name2 and fuzz.token_set_ratio(addr, addr2) >= ADDRESS_AGREES:
                    return "same name and address"
        for name, addr in a.addresses:
            for name2, addr2 in b.addresses:
                if fuzz.ratio(name, name2) >= 90 and fuzz.token_set_ratio(addr, addr2) >= ADDRESS_AGREES:
                    return "same name (one letter apart) and address"
        shared = {n for n in a.names if any(fuzz.ratio(n, m) >= 90 for m in b.names)}
        if len(shared) >= 2:
            return "same senders (several names)"
        return None

    @staticmethod
    def _same_name_only(a: _Entry, b: _Entry) -> bool:
        """The same name with nothing against it (no two different ID numbers): weaker, names repeat."""
        if a.ids and b.ids and not any(len(x) == len(y) and Hamming.distance(x, y) <= 1
                                       for x in a.ids for y in b.ids):
            return False
        return any(fuzz.ratio(n, m) >= 90 for n in a.names for m in b.names)

    def shared_facts(self, e: _Entry, other: _Entry) -> float:
        """Facts both letters state, each weighted by its rarity in the register: log(N / letters stating it)."""
        n = max(len(self._entries), MIN_REGISTER)
        return sum(math.log(n / max(self._fact_df.get(f, 0), 1)) for f in e.facts & other.facts
                   if self._fact_df.get(f, 0) * 50 <= n)

    def score(self, e: _Entry, other: _Entry) -> Proposal:
        content = _jaccard(e.mh, other.mh)
        reasons: list[str] = []
        sender = self._same_sender(e, other)
        parcel = bool(e.parcels & other.parcels)
        ref = bool(e.refs & other.refs)
        subject = bool(e.subjects & other.subjects)
        score = 0.0
        if content >= CONTENT_DUPLICATE:
            reasons.append(f"near-identical content (similarity {content:.2f})")
            score = max(score, 0.5 + content / 2)
        if not sender and self._same_name_only(e, other):
            shared = self.shared_facts(e, other)
            strong = [t for t, ok in (("same parcel", parcel), ("same contested decision", ref),
                                      ("same person accused", subject)) if ok]
            if strong or shared >= 2 * SHARED_FACTS:
                ties = strong + ([f"the same facts ({shared:.1f})"] if shared >= SHARED_FACTS else [])
                reasons.append("same name, " + ", ".join(ties))
                score = max(score, min(1.0, 0.5 + 0.1 * len(ties) + 0.3 * content))
        if sender:
            ties = []
            if parcel:
                ties.append("same parcel")
            if ref:
                ties.append("same contested decision")
            if subject:
                ties.append("same person accused")
            shared = self.shared_facts(e, other)
            if shared >= SHARED_FACTS:
                ties.append(f"the same facts ({shared:.1f})")
            if ties:
                reasons.append(sender + ", " + ", ".join(ties))
                score = max(score, min(1.0, 0.55 + 0.15 * len(ties) + 0.3 * content))
        if score >= PROPOSE:
            to_a, to_b = content_key(e.letter.recipient), content_key(other.letter.recipient)
            if to_a and to_b and to_a != to_b and content >= CONTENT_DUPLICATE:
                reasons.append("the same letter sent to several bodies (Luật Tố cáo 2018 Art. 24: only the "
                               "competent body handles it)")
            if other.letter.resolved:
                reasons.append("repeat of a matter already resolved")
        return Proposal(other.letter.id, round(score, 3), reasons, round(content, 3))

    def propose(self, letter: Letter, limit: int = 10, mh: MinHash | None = None) -> list[Proposal]:
        """Earlier letters about the same matter as `letter`, best first (the letter need not be indexed)."""
        e = self._entry(letter, mh)
        out = []
        for cid in self._candidates(e):
            p = self.score(e, self._entries[cid])
            if p.score >= PROPOSE:
                out.append(p)
        out.sort(key=lambda p: (-p.score, p.letter_id))
        return out[:limit]


def signature(letter: Letter) -> np.ndarray:
    """The MinHash signature (uint64 × NUM_PERM) of a letter, to store beside its register entry."""
    return minhash(letter.text, letter.senders).hashvalues


def from_signature(values: np.ndarray) -> MinHash:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1, hashfunc=_identity, hashvalues=values,
                   permutations=_permutations(), scheme="affine32")
