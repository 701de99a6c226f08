"""A denouncer's identity and its masking (Luật Tố cáo 2018, Law 25/2018/QH14, Art. 8(3), 47, 56).

For a denunciation (record type ``denunciation``, or any record naming a ``denouncer``), the denouncer's name,
address, ID-card number, phone and e-mail are confidential: whoever lacks `Action.READ_IDENTITY` gets the
record with each of them replaced by `MASK` — in the parties, the page texts (typed and OCR), the record's
text, the type evidence and the file name; `identity_word_indices` says which OCR words of a page are the
identity, for the black boxes drawn over page images (`records.redaction`).

What counts as the identity (`Identity`, from the record):

- the parties whose role is ``denouncer`` (and, in a denunciation, the ``representative`` who writes for
  them): name, address, ID number;
- in a denunciation's text, also what is written about the writer even when the extraction missed it: the
  name after ``Tôi tên là`` / ``Tôi là`` / ``Họ và tên người tố cáo:`` / ``Người tố cáo:``, the address after
  ``trú tại`` / ``địa chỉ:`` … near a denouncer's name, every run of 9 or more digits (ID-card numbers,
  phones, bank accounts: the letter's numbers that long are the writer's), phone numbers written in groups,
  and e-mail addresses.

Names and addresses are found word by word on folded text (`donthu.text.fold`: case and diacritics do not
matter), across line breaks, with one OCR slip allowed per word of four letters or more; a name is also
found as honorific + its last word (``ông Bình``). All functions are pure: the read path (`records.read`)
applies `mask_record` for every reader, so the API, the web pages, the CLI and exports get the same masking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from donthu.access import Action, Principal
from donthu.schema import Party, Record
from donthu.text import fold, nfc

#: what replaces each piece of the identity
MASK = "[đã ẩn]"
#: roles whose identity is confidential in a denunciation
CONFIDENTIAL_ROLES = frozenset({"denouncer"})
#: roles that are also confidential when the record is a denunciation (the person who writes for them)
DENUNCIATION_ROLES = frozenset({"denouncer", "representative"})

_TOKEN = re.compile(r"[^\W_]+")
_HONORIFICS = {"ong", "ba", "anh", "chi", "co", "chu", "bac", "cu", "em"}
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
#: 9+ digits, possibly written in groups separated by a space, dot or dash (09 1234 5678, 0912.345.678)
_LONG_NUMBER = re.compile(r"(?<![\w/])(?:\+ ?84[ .\-]?)?\d(?:[ .\-]?\d){8,}(?![\w/])")
#: labels a writer puts before their own name
_NAME_LABELS = re.compile(
    r"(?:toi|chung toi)\s+(?:ten\s+la|ten|la)\s*:?\s+"
    r"|ho\s+(?:va\s+)?ten(?:\s+nguoi\s+(?:to\s+cao|lam\s+don|viet\s+don))?\s*:\s*"
    r"|nguoi\s+(?:to\s+cao|lam\s+don|viet\s+don|dai\s+dien)\s*:\s*"
)
#: labels of an address
_ADDRESS_LABELS = re.compile(
    r"(?:thuong\s+tru|hien\s+tru|cu\s+tru|tam\s+tru|tru|ngu|o)\s+tai\s*:?\s*"
    r"|dia\s+chi(?:\s+(?:thuong\s+tru|lien\s+he|cu\s+tru|hien\s+nay))?\s*:?\s*"
    r"|noi\s+(?:o|cu\s+tru)(?:\s+hien\s+nay)?\s*:?\s*"
)
#: words that end a label-found name (the next field of the sentence)
_NAME_STOP = {"sinh", "nam", "cccd", "cmnd", "so", "dia", "tru", "thuong", "hien", "ngu", "dien", "can",
              "chung", "la", "toi", "nghe", "tai"}
#: how far (characters) after a mention of the writer an address label still belongs to them
_NEAR = 400
#: the longest address taken after a label (characters; "số 223, đường …, khóm …, phường …, thành phố …, tỉnh …")
_ADDRESS_CHARS = 160


@dataclass(frozen=True)
class Identity:
    """The confidential pieces of one record (folded word lists for names and addresses)."""

    names: tuple[tuple[str, ...], ...] = ()
    addresses: tuple[tuple[str, ...], ...] = ()
    id_numbers: tuple[str, ...] = ()
    #: also mask what is written about the writer (labels, long numbers, e-mails): the record is a denunciation
    denunciation: bool = False
    #: other parties' folded names: a writer's address window stops at them
    others: tuple[tuple[str, ...], ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not (self.names or self.addresses or self.id_numbers or self.denunciation)


def _words(text: str | None) -> tuple[str, ...]:
    return tuple(fold(w) for w in _TOKEN.findall(nfc(text or "")))


def is_confidential(record: Record | None) -> bool:
    """Does the record hold a denouncer's identity (a denunciation, or a record naming a denouncer)?"""
    if record is None:
        return False
    return record.type == "denunciation" or any(p.role in CONFIDENTIAL_ROLES for p in record.parties)


def confidential_parties(record: Record) -> list[Party]:
    """The parties whose identity is confidential in this record."""
    roles = DENUNCIATION_ROLES if record.type == "denunciation" else CONFIDENTIAL_ROLES
    return [p for p in record.parties if p.role in roles]


def identity_of(record: Record | None) -> Identity:
    """What of `record` is the denouncer's identity (empty for a record that is not confidential)."""
    if not is_confidential(record):
        return Identity()
    assert record is not None
    hidden = confidential_parties(record)
    names = {_words(p.name) for p in hidden} - {()}
    addresses = {_words(p.address) for p in hidden if p.address} - {()}
    ids = {re.sub(r"\D", "", p.id_number or "") for p in hidden} - {""}
    others = {_words(p.name) for p in record.parties if p not in hidden} - {()} - names
    return Identity(names=tuple(sorted(names)), addresses=tuple(sorted(addresses)),
                    id_numbers=tuple(sorted(ids)), denunciation=record.type == "denunciation"
                    or bool(hidden), others=tuple(sorted(others)))


def merged_identity(identities: list[Identity]) -> Identity:
    """One identity for text about several records (a dossier's title, notes): every name, address and number
    of each, and the writer's labels when any of them is a denunciation."""
    parts = [i for i in identities if not i.empty]
    if not parts:
        return Identity()
    names = {n for i in parts for n in i.names}
    return Identity(names=tuple(sorted(names)), addresses=tuple(sorted({a for i in parts for a in i.addresses})),
                    id_numbers=tuple(sorted({n for i in parts for n in i.id_numbers})),
                    denunciation=any(i.denunciation for i in parts),
                    others=tuple(sorted({o for i in parts for o in i.others} - names)))


def cleared(principal: Principal | None) -> bool:
    """May this reader see a denouncer's identity? None is the system itself (indexers, reindex): yes."""
    return principal is None or principal.may(Action.READ_IDENTITY)


# ------------------------------------------------------------------------------------------- finding spans
def _close(a: str, b: str) -> bool:
    """Same folded word, or one OCR slip (substitution, insertion, deletion) in a word of 4+ letters."""
    if a == b:
        return True
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) <= 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _sequence_spans(tokens: list[tuple[str, int, int]], want: tuple[str, ...]) -> list[tuple[int, int]]:
    """Character spans where the folded words `want` occur one after another among `tokens`."""
    out = []
    n, k = len(tokens), len(want)
    if not k:
        return out
    for i in range(n - k + 1):
        if all(_close(tokens[i + j][0], want[j]) for j in range(k)):
            exact = sum(tokens[i + j][0] == want[j] for j in range(k))
            if exact * 2 >= k:  # at least half of the words spelled exactly (after folding)
                out.append((tokens[i][1], tokens[i + k - 1][2]))
    return out


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(fold(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _label_name(text: str, folded: str, start: int) -> tuple[int, int] | None:
    """The name written right after a label ending at `start`: capitalised words up to a field word."""
    words = list(re.finditer(r"[^\W\d_]+", text[start:start + 80]))
    end = None
    for i, m in enumerate(words):
        gap = text[start + (words[i - 1].end() if i else 0):start + m.start()]
        if i and (any(c in gap for c in ",;:.()\n") or len(gap) > 3):
            break
        word = m.group()
        if not word[:1].isupper() or fold(word) in _NAME_STOP and i:
            break
        if i == 0 and fold(word) in _HONORIFICS and len(words) > 1:
            continue  # "Ông Nguyễn Văn A": the name starts after the honorific
        end = start + m.end()
        if i >= 5:
            break
    if end is None:
        return None
    first = words[1] if fold(words[0].group()) in _HONORIFICS and len(words) > 1 else words[0]
    return (start + first.start(), end)


_CONTINUES = re.compile(r"(?:\w+[ \t]+){0,2}\w+,")


def _continues(line: str) -> bool:
    """Does a wrapped line go on with the address above it? It starts in lower case, with a number, or with up to
    three words then a comma ("Sam, thành phố Châu Đốc"), and has no field label (no ':' in its first words)."""
    head = line.strip()
    if not head or ":" in " ".join(head.split()[:5]):
        return False
    return head[0].islower() or head[0].isdigit() or bool(_CONTINUES.match(head))


def _clause_end(text: str, start: int) -> int:
    """End of the clause starting at `start`: the next `;` or `.` followed by a space or line end, or a line end
    unless the next line goes on with the clause (`_continues`); at most `_ADDRESS_CHARS` on (cut at a word's
    end)."""
    stop = re.compile(r";|\.(?=\s|$)|\n")
    pos = start
    while True:
        m = stop.search(text, pos)
        end = m.start() if m else len(text)
        if m is None or m.group() != "\n" or end - start > _ADDRESS_CHARS:
            break
        line_end = text.find("\n", m.end())
        if not _continues(text[m.end():line_end if line_end >= 0 else len(text)]):
            break
        pos = m.end()
    if end - start > _ADDRESS_CHARS:
        cut = text.rfind(" ", start, start + _ADDRESS_CHARS)
        end = cut if cut > start else start + _ADDRESS_CHARS
    return end


def identity_spans(text: str, identity: Identity) -> list[tuple[int, int]]:
    """Sorted, merged (start, end) character spans of `text` (NFC) that are the identity."""
    if identity.empty or not text:
        return []
    tokens = _tokens(text)
    spans: list[tuple[int, int]] = []
    mentions: list[int] = []
    for name in identity.names:
        found = _sequence_spans(tokens, name)
        spans += found
        mentions += [s for s, _ in found]
        if len(name) >= 2:  # "ông Bình": honorific + the given name
            for i in range(len(tokens) - 1):
                if tokens[i][0] in _HONORIFICS and tokens[i + 1][0] == name[-1] \
                        and text[tokens[i + 1][1]:tokens[i + 1][1] + 1].isupper():
                    spans.append((tokens[i + 1][1], tokens[i + 1][2]))
    for address in identity.addresses:
        spans += _sequence_spans(tokens, address)
    for number in identity.id_numbers:
        digits = [(t, s, e) for t, s, e in tokens if t.isdigit()]
        for i in range(len(digits)):
            joined = ""
            for j in range(i, min(i + 4, len(digits))):
                joined += digits[j][0]
                if joined == number or (len(joined) == len(number) >= 9
                                        and sum(a != b for a, b in zip(joined, number)) <= 1):
                    spans.append((digits[i][1], digits[j][2]))
                    break
                if len(joined) >= len(number):
                    break
    if identity.denunciation:
        folded = fold(text)  # one character per character: offsets agree with `text`
        if len(folded) != len(text):
            folded = "".join(fold(c) or c for c in text)
        for m in _NAME_LABELS.finditer(folded):
            if m.start() and folded[m.start() - 1].isalnum():
                continue
            found = _label_name(text, folded, m.end())
            if found:
                spans.append(found)
                mentions.append(found[0])
        for m in _LONG_NUMBER.finditer(text):
            if sum(c.isdigit() for c in m.group()) >= 9:
                spans.append(m.span())
        for m in _EMAIL.finditer(text):
            spans.append(m.span())
        stops = sorted(s for other in identity.others for s, _ in _sequence_spans(tokens, other))
        for m in _ADDRESS_LABELS.finditer(folded):
            if m.start() and folded[m.start() - 1].isalnum():
                continue
            near = [p for p in mentions if p <= m.start() < p + _NEAR]
            if not near:
                continue
            writer = max(near)
            if any(writer < s < m.start() for s in stops):
                continue  # another party was named in between: the address is theirs
            end = _clause_end(text, m.end())
            if end > m.end():
                spans.append((m.end(), end))
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def mask_text(text: str | None, identity: Identity) -> str | None:
    """`text` with every identity span replaced by `MASK` (None stays None)."""
    if text is None or identity.empty:
        return text
    text = nfc(text)
    spans = identity_spans(text, identity)
    if not spans:
        return text
    out, cursor = [], 0
    for s, e in spans:
        out.append(text[cursor:s])
        out.append(MASK)
        cursor = e
    out.append(text[cursor:])
    return "".join(out)


def identity_word_indices(words: list[str], identity: Identity, lines: list[object] | None = None) -> set[int]:
    """Indices of the OCR words (in reading order, e.g. `Word.text`) that are part of the identity: the words
    are joined — with spaces, and line breaks where `lines` (one line key per word) changes — and searched
    like a page text, so names and addresses spread over words and lines count."""
    if identity.empty or not words:
        return set()
    starts: list[int] = []
    parts = []
    joined = ""
    for i, w in enumerate(words):
        w = nfc(w)
        if i:
            joined += "\n" if lines is not None and lines[i] != lines[i - 1] else " "
        starts.append(len(joined))
        parts.append(w)
        joined += w
    spans = identity_spans(joined, identity)
    out = set()
    for i, start in enumerate(starts):
        end = start + len(parts[i])
        if any(s < end and start < e for s, e in spans):
            out.add(i)
    return out


# ------------------------------------------------------------------------------------------- the record
def _mask_file(file: str, identity: Identity) -> str:
    """The file name with name words masked (`to-cao-nguyen-van-binh.pdf` → `to-cao-[đã ẩn].pdf`)."""
    masked = mask_text(file, Identity(names=identity.names, id_numbers=identity.id_numbers))
    return masked if masked is not None else file


def masked_file_name(file: str) -> str:
    """A denunciation's file name when its record is not at hand (a list without records): all of it but the
    extension is masked, since it may hold the writer's name."""
    stem, dot, ext = file.rpartition(".")
    return f"{MASK}.{ext}" if dot and stem and len(ext) <= 5 else MASK


def redact_record(record: Record) -> Record:
    """The record with its denouncer's identity masked (unchanged when it is not confidential)."""
    identity = identity_of(record)
    if identity.empty:
        return record
    hidden = {id(p) for p in confidential_parties(record)}
    secret = {"name": MASK}
    if "place" in Party.model_fields:
        secret["place"] = None  # the resolved place of the address
    parties = [p.model_copy(update={**secret, "address": MASK if p.address else None,
                                    "id_number": MASK if p.id_number else None})
               if id(p) in hidden else p.model_copy(update={"address": mask_text(p.address, identity)})
               for p in record.parties]
    pages = [p.model_copy(update={"text": mask_text(p.text, identity) or "",
                                  "ocr_text": mask_text(p.ocr_text, identity)})
             for p in record.pages]
    return record.model_copy(update={
        "file": _mask_file(record.file, identity),
        "text": mask_text(record.text, identity) or "",
        "pages": pages,
        "parties": parties,
        "type_evidence": [mask_text(e, identity) or "" for e in record.type_evidence],
    })


def restore_masked_parties(values: list[dict], stored: Record | None) -> list[dict]:
    """Parties a reader without clearance corrected (dicts, as `records.corrections` stores them), with each
    masked field taken back from the stored record: the n-th party whose name is `MASK` is the n-th
    confidential party, so saving a form that showed masks never overwrites the identity with them."""
    hidden = confidential_parties(stored) if stored is not None and is_confidential(stored) else []
    out, n = [], 0
    for value in values:
        value = dict(value)
        if value.get("name") == MASK:
            original = hidden[n] if n < len(hidden) else None
            n += 1
            if original is None:
                continue  # a masked row that matches nothing stored: dropped rather than stored as a mask
            for key in ("name", "address", "id_number"):
                if value.get(key) == MASK:
                    value[key] = getattr(original, key)
        out.append(value)
    return out


def mask_record(record: Record | None, principal: Principal | None) -> Record | None:
    """The record as `principal` may see it: unchanged for the system (None) and for readers cleared to see
    the identity (`Action.READ_IDENTITY`), the identity masked for everyone else."""
    if record is None or cleared(principal):
        return record
    return redact_record(record)
