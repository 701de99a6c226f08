"""Pure evaluation metrics: OCR error rates, P/R/F1, entity set matching, classification scores.

Everything here is a pure function of its arguments (no I/O, no global state). Entities are accepted as
plain dicts (the manifest's ground truth) or as `donthu.schema` models (the pipeline's record).

Conventions
- Text for CER/WER: NFC, every run of whitespace (newlines included) collapsed to one space, stripped;
  decorative rules written as text (`-------`, `______`) are dropped from both sides (`ocr_normalise`).
  Rates are aggregated as sum(distance) / sum(reference length) over a group (`ErrorTally`).
- `prf`: precision is 1.0 when nothing was predicted, recall is 1.0 when nothing was expected (a
  document with no references and no predicted references is perfect); F1 is 0.0 when P + R = 0.
- Macro-F1 averages over the given labels that occur in the truth or in the predictions; a label that
  occurs in neither is left out (it has no F1 to speak of). A prediction outside the labels (e.g.
  `unknown`) is only a miss for the true label, never a false positive of a real label.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from rapidfuzz.distance import Levenshtein

from donthu.text import fold, nfc

_WHITESPACE = re.compile(r"\s+")
#: a decorative rule written as text (`-------` under an agency name, `________`): drawn as a line on paper,
#: removed by the clean-up's line removal, so not text to recognise
_RULE = re.compile(r"(?<!\S)[-_=.·•~*\u2013\u2014]{3,}(?!\S)")
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                         "\u2212": "-"})


# --------------------------------------------------------------------------------------------- text


def normalise_text(text: str) -> str:
    """NFC, whitespace runs (newlines included) collapsed to one space, stripped."""
    return _WHITESPACE.sub(" ", nfc(text or "")).strip()


def ocr_normalise(text: str) -> str:
    """`normalise_text` without decorative rules (a word of 3+ dashes/underscores/dots/equals only)."""
    return normalise_text(_RULE.sub(" ", nfc(text or "")))


@dataclass
class ErrorTally:
    """Edit distance and reference length summed over a group of pages (CER or WER)."""

    distance: int = 0
    length: int = 0

    @property
    def rate(self) -> float | None:
        if self.length == 0:
            return None if self.distance == 0 else float("inf")
        return self.distance / self.length

    def __add__(self, other: "ErrorTally") -> "ErrorTally":
        return ErrorTally(self.distance + other.distance, self.length + other.length)


def char_errors(ref: str, hyp: str) -> ErrorTally:
    """Character edit distance between normalised texts (`ocr_normalise`), with the reference length."""
    r, h = ocr_normalise(ref), ocr_normalise(hyp)
    return ErrorTally(Levenshtein.distance(r, h), len(r))


def word_errors(ref: str, hyp: str) -> ErrorTally:
    """Word edit distance (on word lists) between normalised texts, with the reference word count."""
    r, h = ocr_normalise(ref).split(), ocr_normalise(hyp).split()
    return ErrorTally(Levenshtein.distance(r, h), len(r))


def bag_of_words_errors(ref: str, hyp: str) -> ErrorTally:
    """Order-free word errors: max(words missing, words extra) as multisets, over the reference count.

    Blind to reading order (a two-column header read row by row costs nothing), so the gap between WER and
    this rate is what reading order costs.
    """
    r, h = Counter(ocr_normalise(ref).split()), Counter(ocr_normalise(hyp).split())
    missing, extra = sum((r - h).values()), sum((h - r).values())
    return ErrorTally(max(missing, extra), sum(r.values()))


def cer(ref: str, hyp: str) -> float:
    """Character error rate; 0.0 for two empty texts, inf for an empty reference and a non-empty hyp."""
    return char_errors(ref, hyp).rate or 0.0


def wer(ref: str, hyp: str) -> float:
    """Word error rate; 0.0 for two empty texts, inf for an empty reference and a non-empty hyp."""
    return word_errors(ref, hyp).rate or 0.0


def aggregate(tallies: Iterable[ErrorTally]) -> ErrorTally:
    total = ErrorTally()
    for tally in tallies:
        total = total + tally
    return total


def relative_reduction(baseline: float | None, improved: float | None) -> float | None:
    """(baseline - improved) / baseline: 0.4 means 40 % fewer errors than the baseline."""
    if baseline is None or improved is None or baseline == 0:
        return None
    return (baseline - improved) / baseline


# ------------------------------------------------------------------------------------ P/R/F1 counts


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float


def prf(tp: int, fp: int, fn: int) -> PRF:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1)


@dataclass
class Counts:
    """True positives, false positives, false negatives of a set matching."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def scores(self) -> PRF:
        return prf(self.tp, self.fp, self.fn)


@dataclass
class Accuracy:
    """Correct out of total (a per-field accuracy among matched entities)."""

    correct: int = 0
    total: int = 0

    def __add__(self, other: "Accuracy") -> "Accuracy":
        return Accuracy(self.correct + other.correct, self.total + other.total)

    @property
    def rate(self) -> float | None:
        return self.correct / self.total if self.total else None

    def add(self, ok: bool) -> None:
        self.correct += int(ok)
        self.total += 1


def match_counts(truth_keys: Iterable[Any], predicted_keys: Iterable[Any]) -> Counts:
    """Multiset matching of hashable keys: tp = |truth ∩ predicted|."""
    truth, predicted = Counter(truth_keys), Counter(predicted_keys)
    tp = sum((truth & predicted).values())
    return Counts(tp, sum(predicted.values()) - tp, sum(truth.values()) - tp)


def unmatched(truth_keys: Iterable[Any], predicted_keys: Iterable[Any]) -> tuple[list[Any], list[Any]]:
    """(missed, spurious): truth keys without a predicted match and predicted keys without a true one."""
    truth, predicted = Counter(truth_keys), Counter(predicted_keys)
    return list((truth - predicted).elements()), list((predicted - truth).elements())


def _pairs(truth_keyed: Sequence[tuple[Any, Any]], predicted_keyed: Sequence[tuple[Any, Any]]
           ) -> list[tuple[Any, Any]]:
    """Greedy one-to-one pairing of items with equal keys, in order: [(truth_item, predicted_item)]."""
    pool: dict[Any, list[Any]] = {}
    for key, item in predicted_keyed:
        pool.setdefault(key, []).append(item)
    pairs = []
    for key, item in truth_keyed:
        candidates = pool.get(key)
        if candidates:
            pairs.append((item, candidates.pop(0)))
    return pairs


def _as_dict(item: Any) -> Mapping[str, Any]:
    if isinstance(item, Mapping):
        return item
    if hasattr(item, "model_dump"):
        return item.model_dump()
    return vars(item)


def _folded(value: Any) -> str | None:
    if value is None:
        return None
    text = normalise_text(str(value))
    return fold(text) if text else None


# ------------------------------------------------------------------------------------------ parties


def party_name_key(name: str) -> str:
    """Folded name (diacritics off, đ→d, lower, spaces squashed): NFC/case variants are equal too."""
    return fold(normalise_text(name))


def party_exact_key(name: str) -> str:
    """The name exactly as written, after NFC and whitespace squashing."""
    return normalise_text(name)


def _digits(value: Any) -> str | None:
    if value is None:
        return None
    digits = re.sub(r"\D", "", str(value))
    return digits or None


@dataclass
class PartyMatch:
    name: Counts = field(default_factory=Counts)  # folded-equal names
    exact_name: Counts = field(default_factory=Counts)  # NFC-equal names, case and diacritics kept
    name_role: Counts = field(default_factory=Counts)  # folded name and role equal
    id_number: Accuracy = field(default_factory=Accuracy)  # among name matches whose truth has one
    address: Accuracy = field(default_factory=Accuracy)  # folded-equal, among name matches with one
    #: the address among name matches, as a slot: tp = given and right, fp = given and wrong (or none
    #: written), fn = written and not given or given wrong
    address_slots: Counts = field(default_factory=Counts)

    def __add__(self, other: "PartyMatch") -> "PartyMatch":
        return PartyMatch(self.name + other.name, self.exact_name + other.exact_name,
                          self.name_role + other.name_role, self.id_number + other.id_number,
                          self.address + other.address, self.address_slots + other.address_slots)


def match_parties(truth: Sequence[Any], predicted: Sequence[Any]) -> PartyMatch:
    t = [_as_dict(p) for p in truth]
    p = [_as_dict(x) for x in predicted]
    result = PartyMatch(
        name=match_counts((party_name_key(x["name"]) for x in t), (party_name_key(x["name"]) for x in p)),
        exact_name=match_counts((party_exact_key(x["name"]) for x in t),
                                (party_exact_key(x["name"]) for x in p)),
        name_role=match_counts(((party_name_key(x["name"]), x.get("role")) for x in t),
                               ((party_name_key(x["name"]), x.get("role")) for x in p)),
    )
    # pair on (name, role) first so a person named twice in two roles pairs with the right entry
    pairs = _pairs([((party_name_key(x["name"]), x.get("role")), x) for x in t],
                   [((party_name_key(x["name"]), x.get("role")), x) for x in p])
    paired_truth = {id(a) for a, _ in pairs}
    paired_pred = {id(b) for _, b in pairs}
    pairs += _pairs([(party_name_key(x["name"]), x) for x in t if id(x) not in paired_truth],
                    [(party_name_key(x["name"]), x) for x in p if id(x) not in paired_pred])
    for true_party, pred_party in pairs:
        if true_party.get("id_number"):
            result.id_number.add(_digits(true_party["id_number"]) == _digits(pred_party.get("id_number")))
        truth, given = true_party.get("address") or None, pred_party.get("address") or None
        ok = _folded(truth) == _folded(given)
        if truth:
            result.address.add(ok)
        if ok and truth:
            result.address_slots.tp += 1
        else:
            result.address_slots.fp += given is not None
            result.address_slots.fn += truth is not None
    return result


# ------------------------------------------------------------------------------------------ parcels

PARCEL_FIELDS: tuple[str, ...] = ("area_m2", "land_use", "commune", "district", "province")
#: the area as written (count and unit, `1,5 công tầm cấy`): scored only where the truth carries them (the
#: second template set, corpus/content/wordings.py; the first generator's truth has only area_m2)
AREA_WRITTEN_FIELDS: tuple[str, ...] = ("area_text", "area_value", "area_unit")


def _number_key(value: Any) -> str | None:
    """'045' → '45', ' 12 ' → '12', None stays None."""
    if value is None:
        return None
    text = re.sub(r"\s+", "", str(value))
    stripped = text.lstrip("0")
    return stripped or ("0" if text else None)


def parcel_key(parcel: Any) -> tuple[str | None, str | None]:
    d = _as_dict(parcel)
    return _number_key(d.get("parcel_no")), _number_key(d.get("map_sheet"))


def area_matches(truth: float | None, predicted: float | None) -> bool:
    """Within 0.5 m² or 0.1 % of the true area (None only matches None)."""
    if truth is None or predicted is None:
        return truth is None and predicted is None
    diff = abs(float(truth) - float(predicted))
    return diff <= 0.5 or diff <= 0.001 * abs(float(truth))


def field_matches(name: str, truth: Any, predicted: Any) -> bool:
    if name == "area_m2":
        return area_matches(truth, predicted)
    if name == "area_value":
        if truth is None or predicted is None:
            return truth is None and predicted is None
        return abs(float(truth) - float(predicted)) < 1e-6
    if name == "area_text":  # spaces and the m² superscript as typed or as OCR normalisation writes it aside
        return _area_text_key(truth) == _area_text_key(predicted)
    return _folded(truth) == _folded(predicted)


def _area_text_key(value: str | None) -> str | None:
    return _folded(re.sub(r"m2(?!\d)", "m²", re.sub(r"\s+", "", value))) if value else None


def _scored_fields(true_parcel: dict) -> list[str]:
    return list(PARCEL_FIELDS) + [f for f in AREA_WRITTEN_FIELDS if f in true_parcel]


@dataclass
class ParcelMatch:
    key: Counts = field(default_factory=Counts)  # (parcel_no, map_sheet)
    fields: dict[str, Accuracy] = field(default_factory=lambda: {f: Accuracy() for f in PARCEL_FIELDS})
    #: per field among matched parcels, as slots: tp = a value given and right, fp = a value given and wrong
    #: (or none true), fn = a true value not given or given wrong (precision and recall of each field)
    slots: dict[str, Counts] = field(default_factory=dict)

    def __add__(self, other: "ParcelMatch") -> "ParcelMatch":
        names = set(self.fields) | set(other.fields)
        slot_names = set(self.slots) | set(other.slots)
        return ParcelMatch(self.key + other.key,
                           {f: self.fields.get(f, Accuracy()) + other.fields.get(f, Accuracy())
                            for f in sorted(names, key=_field_order)},
                           {f: self.slots.get(f, Counts()) + other.slots.get(f, Counts())
                            for f in sorted(slot_names, key=_field_order)})


def _field_order(name: str) -> tuple[int, str]:
    order = PARCEL_FIELDS + AREA_WRITTEN_FIELDS
    return (order.index(name) if name in order else len(order), name)


def parcel_field_mismatches(truth: Sequence[Any], predicted: Sequence[Any]) -> list[tuple[str, str, Any, Any]]:
    """[(parcel key "no/sheet", field, truth value, predicted value)] for matched parcels that disagree."""
    t = [_as_dict(x) for x in truth]
    p = [_as_dict(x) for x in predicted]
    out = []
    for true_parcel, pred_parcel in _pairs([(parcel_key(x), x) for x in t], [(parcel_key(x), x) for x in p]):
        for name in _scored_fields(true_parcel):
            if not field_matches(name, true_parcel.get(name), pred_parcel.get(name)):
                key = "/".join(str(k) for k in parcel_key(true_parcel))
                out.append((key, name, true_parcel.get(name), pred_parcel.get(name)))
    return out


def match_parcels(truth: Sequence[Any], predicted: Sequence[Any]) -> ParcelMatch:
    """Parcels matched on (parcel_no, map_sheet); each field's accuracy over matched pairs.

    A field counts correct when both sides agree, including both empty (a land use that is not written
    must come out null).
    """
    t = [_as_dict(x) for x in truth]
    p = [_as_dict(x) for x in predicted]
    result = ParcelMatch(key=match_counts(map(parcel_key, t), map(parcel_key, p)))
    for true_parcel, pred_parcel in _pairs([(parcel_key(x), x) for x in t], [(parcel_key(x), x) for x in p]):
        for name in _scored_fields(true_parcel):
            truth, predicted = true_parcel.get(name), pred_parcel.get(name)
            ok = field_matches(name, truth, predicted)
            result.fields.setdefault(name, Accuracy()).add(ok)
            slot = result.slots.setdefault(name, Counts())
            if ok and truth is not None:
                slot.tp += 1
            else:
                slot.fp += predicted is not None
                slot.fn += truth is not None
    return result


# --------------------------------------------------------------------------------------- references


def reference_key(number: str) -> str:
    """No spaces, dashes unified, diacritics folded, upper: `123/QD-UBND` ≡ `123 / QĐ-UBND`."""
    text = re.sub(r"\s+", "", nfc(number or "").translate(_DASHES))
    return fold(text).upper()


@dataclass
class ReferenceMatch:
    number: Counts = field(default_factory=Counts)
    date: Accuracy = field(default_factory=Accuracy)  # among matched; both null counts correct

    def __add__(self, other: "ReferenceMatch") -> "ReferenceMatch":
        return ReferenceMatch(self.number + other.number, self.date + other.date)


def match_references(truth: Sequence[Any], predicted: Sequence[Any]) -> ReferenceMatch:
    t = [_as_dict(x) for x in truth]
    p = [_as_dict(x) for x in predicted]
    result = ReferenceMatch(number=match_counts((reference_key(x["number"]) for x in t),
                                                (reference_key(x["number"]) for x in p)))
    for true_ref, pred_ref in _pairs([(reference_key(x["number"]), x) for x in t],
                                     [(reference_key(x["number"]), x) for x in p]):
        result.date.add((true_ref.get("date") or None) == (pred_ref.get("date") or None))
    return result


# ----------------------------------------------------------------------------------- classification


@dataclass
class ClassScores:
    n: int
    accuracy: float | None
    macro_f1: float | None
    per_label: dict[str, PRF]
    #: confusion[truth][predicted] = count; rows are the labels, columns the labels plus any other
    #: predicted value (e.g. "unknown")
    confusion: dict[str, dict[str, int]]


def confusion_matrix(pairs: Iterable[tuple[str, str]], labels: Sequence[str],
                     extra_columns: Sequence[str] = ()) -> dict[str, dict[str, int]]:
    """confusion[truth][predicted]; rows and columns cover `labels` (+ `extra_columns`) and anything seen."""
    pairs = list(pairs)
    rows = list(labels) + sorted({t for t, _ in pairs} - set(labels))
    columns = list(labels) + [c for c in extra_columns if c not in labels]
    columns += sorted({p for _, p in pairs} - set(columns))
    matrix = {r: {c: 0 for c in columns} for r in rows}
    for truth, predicted in pairs:
        matrix[truth][predicted] += 1
    return matrix


def classification_scores(pairs: Iterable[tuple[str, str]], labels: Sequence[str],
                          extra_columns: Sequence[str] = ()) -> ClassScores:
    """Accuracy, macro-F1 over `labels`, per-label P/R/F1 and the confusion matrix of (truth, predicted)."""
    pairs = list(pairs)
    per_label: dict[str, PRF] = {}
    for label in labels:
        tp = sum(1 for t, p in pairs if t == label and p == label)
        fp = sum(1 for t, p in pairs if t != label and p == label)
        fn = sum(1 for t, p in pairs if t == label and p != label)
        if tp + fp + fn:
            per_label[label] = prf(tp, fp, fn)
    accuracy = sum(1 for t, p in pairs if t == p) / len(pairs) if pairs else None
    macro = sum(s.f1 for s in per_label.values()) / len(per_label) if per_label else None
    return ClassScores(len(pairs), accuracy, macro, per_label,
                       confusion_matrix(pairs, labels, extra_columns))
