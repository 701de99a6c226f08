"""`donthu eval`: run the real pipeline over a generated corpus and score it against the ground truth.

corpus_dir/manifest.jsonl ─ for each file: ingest.pipeline.process_bytes ─ record + page texts
                                          └ raw baseline: `tesseract -l vie` on the same page images
→ DocResult per file (scores, counts, timings) → EvalReport (+ summary()) → corpus.report tables / JSON.

One file's failure is recorded on its DocResult (its truth still counts, against an empty prediction);
it never stops the run.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import numpy as np

from corpus.metrics import (
    Accuracy,
    bag_of_words_errors,
    ClassScores,
    Counts,
    ErrorTally,
    ParcelMatch,
    PartyMatch,
    ReferenceMatch,
    char_errors,
    classification_scores,
    match_parcels,
    match_parties,
    match_references,
    normalise_text,
    parcel_field_mismatches,
    parcel_key,
    party_name_key,
    reference_key,
    unmatched,
    word_errors,
)
from donthu.config import Settings
from donthu.schema import KINDS

REAL_TYPES: tuple[str, ...] = ("complaint", "denunciation", "recommendation", "land_dispute")
LEVELS: tuple[str, ...] = ("clean", "light", "heavy", "photocopy", "phone", "typewriter", "digital",
                           "born-digital, scanned page")
DIGITAL = "digital"  # pages read from a PDF text layer
BORN_DIGITAL = "born-digital"  # the generator's level of a text PDF (a scanned page in it is "light")
BORN_DIGITAL_SCAN = "born-digital, scanned page"
ALL_OCR = "all OCR pages"
ALL_PAGES = "all pages"

ProgressCallback = Callable[[int, int, "DocResult"], None]  # (done, total, result)


# ----------------------------------------------------------------------------------------- manifest


@dataclass
class ManifestEntry:
    """One line of OUTDIR/manifest.jsonl (written by corpus.generate)."""

    id: str
    file: str  # relative to the corpus directory
    family: str
    kind: str
    type: str
    title_names_type: bool
    level: str
    mime: str
    pages: list[str]  # truth text per page, in reading order (left column of a 2-column block first)
    parties: list[dict] = field(default_factory=list)
    parcels: list[dict] = field(default_factory=list)
    references: list[dict] = field(default_factory=list)
    date: str | None = None
    dpi: float | None = None
    font: str | None = None
    format: str | None = None
    dossier: str | None = None
    #: the same pages in row order (how Tesseract may read a two-column header); [] when not given
    pages_by_row: list[str] = field(default_factory=list)
    #: "ocr" / "text" per page as the generator wrote it; [] when not given
    page_sources: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ManifestEntry":
        return cls(
            id=str(data["id"]), file=data["file"], family=data.get("family", ""), kind=data["kind"],
            type=data["type"], title_names_type=bool(data.get("title_names_type", True)),
            level=data.get("level", "clean"), mime=data.get("mime", "application/octet-stream"),
            pages=list(data.get("pages") or []), parties=list(data.get("parties") or []),
            parcels=list(data.get("parcels") or []), references=list(data.get("references") or []),
            date=data.get("date"), dpi=data.get("dpi"), font=data.get("font"), format=data.get("format"),
            dossier=data.get("dossier"), pages_by_row=list(data.get("pages_by_row") or []),
            page_sources=list(data.get("page_sources") or []),
        )


def load_manifest(corpus_dir: Path, limit: int | None = None) -> list[ManifestEntry]:
    entries = []
    with open(Path(corpus_dir) / "manifest.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                entries.append(ManifestEntry.from_json(json.loads(line)))
                if limit is not None and len(entries) >= limit:
                    break
    return entries


# ------------------------------------------------------------------------------------------ results


@dataclass
class PageScore:
    number: int
    level: str  # the document's degradation level, or "digital" for a text-layer page
    source: str  # "ocr", "text", or "missing" (the pipeline produced no such page)
    chars: ErrorTally
    words: ErrorTally
    raw_chars: ErrorTally | None = None  # raw tesseract baseline; None for text pages / baseline off
    raw_words: ErrorTally | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # pipeline time per step for this page
    text: str = ""  # the pipeline's text of the page (for error analysis)
    raw_text: str | None = None  # raw tesseract's text
    bag: ErrorTally = field(default_factory=ErrorTally)  # order-free word errors (metrics.bag_of_words_errors)
    raw_bag: ErrorTally | None = None


@dataclass
class DocResult:
    id: str
    file: str
    family: str
    level: str
    title_names_type: bool
    kind_true: str
    type_true: str
    kind_pred: str | None = None  # None when the pipeline crashed
    type_pred: str | None = None
    date_true: str | None = None
    date_pred: str | None = None
    parties: PartyMatch = field(default_factory=PartyMatch)
    parcels: ParcelMatch = field(default_factory=ParcelMatch)
    references: ReferenceMatch = field(default_factory=ReferenceMatch)
    pages: list[PageScore] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # pipeline stages (sniff, pages, ocr, classify)
    wall_seconds: float = 0.0  # process_bytes, end to end
    baseline_seconds: float = 0.0
    error: str | None = None  # the pipeline raised (a bug: process_bytes should never raise)
    failed: bool = False  # the pipeline could not read the file (ProcessedDocument.failed)
    record_errors: list[str] = field(default_factory=list)
    baseline_errors: list[str] = field(default_factory=list)
    predicted: dict[str, Any] = field(default_factory=dict)  # kind/type/date/parties/parcels/references
    #: for error analysis: "parties missed"/"parties spurious" ("name (role)"), "parcels missed"/"parcels
    #: spurious" ("no/sheet"), "parcel fields" ("no/sheet field: truth → predicted"), "references
    #: missed"/"references spurious"; only non-empty lists
    mistakes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def n_pages(self) -> int:
        return len(self.pages)

    @property
    def unsuccessful(self) -> bool:
        return self.error is not None or self.failed


@dataclass
class OcrRow:
    pages: int = 0
    chars: ErrorTally = field(default_factory=ErrorTally)
    words: ErrorTally = field(default_factory=ErrorTally)
    raw_pages: int = 0  # pages that have a raw baseline
    raw_chars: ErrorTally = field(default_factory=ErrorTally)
    raw_words: ErrorTally = field(default_factory=ErrorTally)
    paired_chars: ErrorTally = field(default_factory=ErrorTally)  # pipeline on exactly the raw_pages
    paired_words: ErrorTally = field(default_factory=ErrorTally)
    bag: ErrorTally = field(default_factory=ErrorTally)  # order-free word errors
    raw_bag: ErrorTally = field(default_factory=ErrorTally)

    def add(self, page: PageScore) -> None:
        self.pages += 1
        self.chars += page.chars
        self.words += page.words
        self.bag += page.bag
        if page.raw_chars is not None and page.raw_words is not None:
            self.raw_pages += 1
            self.raw_chars += page.raw_chars
            self.raw_words += page.raw_words
            self.paired_chars += page.chars
            self.paired_words += page.words
            if page.raw_bag is not None:
                self.raw_bag += page.raw_bag


@dataclass
class Speed:
    documents: int
    pages: int
    failed: int  # documents the pipeline could not read or crashed on
    crashed: int  # of which process_bytes raised
    wall_seconds: float  # the whole evaluation run (baseline included when on)
    pipeline_seconds: float  # sum of process_bytes time over documents
    workers: int
    pages_per_second_wall: float | None
    pages_per_second_pipeline: float | None  # pages / pipeline_seconds * workers: throughput without baseline
    stage_seconds_per_page: dict[str, float]  # mean per page of ProcessedDocument.seconds
    step_seconds_per_page: dict[str, float]  # mean per OCR page of PageResult.seconds


@dataclass
class Summary:
    ocr: dict[str, OcrRow]
    types: ClassScores
    types_neutral_title: ClassScores  # letters whose title does not name the type (ĐƠN, ĐƠN TRÌNH BÀY…)
    kinds: ClassScores
    parties: PartyMatch
    parcels: ParcelMatch
    references: ReferenceMatch
    date: Accuracy
    speed: Speed


@dataclass
class EvalReport:
    corpus_dir: str
    workers: int
    baseline: bool
    wall_seconds: float
    documents: list[DocResult]

    def summary(self) -> Summary:
        return summarise(self.documents, wall_seconds=self.wall_seconds, workers=self.workers)

    def to_dict(self) -> dict[str, Any]:
        return {
            "corpus_dir": self.corpus_dir,
            "workers": self.workers,
            "baseline": self.baseline,
            "wall_seconds": self.wall_seconds,
            "summary": _jsonable(asdict(self.summary())),
            "documents": [_jsonable(asdict(d)) for d in self.documents],
        }

    def to_json(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "EvalReport":
        return cls(data["corpus_dir"], data["workers"], data["baseline"], data["wall_seconds"],
                   [_doc_from_dict(d) for d in data["documents"]])

    @classmethod
    def from_json(cls, path: str | Path) -> "EvalReport":
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


def _jsonable(value: Any) -> Any:
    """asdict() output with rates added next to tallies, and non-finite floats as null."""
    if isinstance(value, dict):
        out = {k: _jsonable(v) for k, v in value.items()}
        if set(value) == {"distance", "length"}:
            out["rate"] = ErrorTally(**value).rate
            out["rate"] = None if out["rate"] in (float("inf"),) else out["rate"]
        elif set(value) == {"correct", "total"}:
            out["rate"] = Accuracy(**value).rate
        elif set(value) == {"tp", "fp", "fn"}:
            scores = Counts(**value).scores
            out.update(precision=scores.precision, recall=scores.recall, f1=scores.f1)
        return out
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    return value


def _tally(d: dict | None) -> ErrorTally | None:
    return None if d is None else ErrorTally(d["distance"], d["length"])


def _counts(d: dict) -> Counts:
    return Counts(d["tp"], d["fp"], d["fn"])


def _accuracy(d: dict) -> Accuracy:
    return Accuracy(d["correct"], d["total"])


def _doc_from_dict(d: dict[str, Any]) -> DocResult:
    p, c, r = d["parties"], d["parcels"], d["references"]
    return DocResult(
        id=d["id"], file=d["file"], family=d["family"], level=d["level"],
        title_names_type=d["title_names_type"], kind_true=d["kind_true"], type_true=d["type_true"],
        kind_pred=d["kind_pred"], type_pred=d["type_pred"], date_true=d["date_true"], date_pred=d["date_pred"],
        parties=PartyMatch(_counts(p["name"]), _counts(p["exact_name"]), _counts(p["name_role"]),
                           _accuracy(p["id_number"]), _accuracy(p["address"]),
                           _counts(p["address_slots"]) if "address_slots" in p else Counts()),
        parcels=ParcelMatch(_counts(c["key"]), {k: _accuracy(v) for k, v in c["fields"].items()},
                            {k: _counts(v) for k, v in c.get("slots", {}).items()}),
        references=ReferenceMatch(_counts(r["number"]), _accuracy(r["date"])),
        pages=[PageScore(x["number"], x["level"], x["source"], _tally(x["chars"]), _tally(x["words"]),
                         _tally(x["raw_chars"]), _tally(x["raw_words"]), x["seconds"], x.get("text", ""),
                         x.get("raw_text"), _tally(x.get("bag")) or ErrorTally(), _tally(x.get("raw_bag")))
               for x in d["pages"]],
        seconds=d["seconds"], wall_seconds=d["wall_seconds"], baseline_seconds=d["baseline_seconds"],
        error=d["error"], failed=d["failed"], record_errors=d["record_errors"],
        baseline_errors=d["baseline_errors"], predicted=d["predicted"], mistakes=d.get("mistakes", {}),
    )


# ---------------------------------------------------------------------------------------- summarise


def summarise(documents: list[DocResult], *, wall_seconds: float, workers: int) -> Summary:
    """Aggregate per-document scores: sums of distances/counts, never means of per-document rates."""
    ocr: dict[str, OcrRow] = {}
    for doc in documents:
        for page in doc.pages:
            ocr.setdefault(page.level, OcrRow()).add(page)
    ordered = {level: ocr[level] for level in LEVELS if level in ocr}
    ordered.update({level: row for level, row in sorted(ocr.items()) if level not in ordered})
    all_ocr, all_pages = OcrRow(), OcrRow()
    for doc in documents:
        for page in doc.pages:
            all_pages.add(page)
            if page.level != DIGITAL:
                all_ocr.add(page)
    ordered[ALL_OCR] = all_ocr
    ordered[ALL_PAGES] = all_pages

    def pred(value: str | None, fallback: str) -> str:
        return value if value is not None else fallback

    type_pairs = [(d.type_true, pred(d.type_pred, "unknown")) for d in documents]
    neutral_pairs = [(d.type_true, pred(d.type_pred, "unknown")) for d in documents
                     if not d.title_names_type and d.kind_true == "petition"]
    kind_pairs = [(d.kind_true, pred(d.kind_pred, "(failed)")) for d in documents]

    parties, parcels, references, date = PartyMatch(), ParcelMatch(), ReferenceMatch(), Accuracy()
    for doc in documents:
        parties += doc.parties
        parcels += doc.parcels
        references += doc.references
        if doc.date_true is not None:
            date.add(doc.date_true == doc.date_pred)

    return Summary(
        ocr=ordered,
        types=classification_scores(type_pairs, REAL_TYPES, extra_columns=("unknown",)),
        types_neutral_title=classification_scores(neutral_pairs, REAL_TYPES, extra_columns=("unknown",)),
        kinds=classification_scores(kind_pairs, KINDS),
        parties=parties, parcels=parcels, references=references, date=date,
        speed=_speed(documents, wall_seconds, workers),
    )


def _speed(documents: list[DocResult], wall_seconds: float, workers: int) -> Speed:
    pages = sum(d.n_pages for d in documents if not d.unsuccessful)
    pipeline_seconds = sum(d.wall_seconds for d in documents)
    stages: dict[str, float] = {}
    for doc in documents:
        for stage, seconds in doc.seconds.items():
            stages[stage] = stages.get(stage, 0.0) + seconds
    steps: dict[str, float] = {}
    ocr_pages = 0
    for doc in documents:
        for page in doc.pages:
            if page.source == "ocr":
                ocr_pages += 1
                for step, seconds in page.seconds.items():
                    steps[step] = steps.get(step, 0.0) + seconds
    return Speed(
        documents=len(documents),
        pages=pages,
        failed=sum(1 for d in documents if d.unsuccessful),
        crashed=sum(1 for d in documents if d.error is not None),
        wall_seconds=wall_seconds,
        pipeline_seconds=pipeline_seconds,
        workers=workers,
        pages_per_second_wall=pages / wall_seconds if wall_seconds > 0 else None,
        pages_per_second_pipeline=pages / pipeline_seconds * workers if pipeline_seconds > 0 else None,
        stage_seconds_per_page={k: v / pages for k, v in stages.items()} if pages else {},
        step_seconds_per_page={k: v / ocr_pages for k, v in steps.items()} if ocr_pages else {},
    )


# ---------------------------------------------------------------------------------- raw baseline


def raw_tesseract(image: np.ndarray, dpi: float | None, lang: str = "vie", timeout: float = 600) -> str:
    """The `tesseract` CLI with `-l LANG` and no clean-up on exactly this image (lossless PNG)."""
    from PIL import Image

    array = np.asarray(image)
    if array.dtype != np.uint8:
        array = (array > 0).astype(np.uint8) * 255 if array.dtype == bool else array.clip(0, 255).astype(np.uint8)
    if array.ndim == 3 and array.shape[2] == 3:
        array = array[:, :, ::-1]  # BGR (OpenCV) → RGB
    elif array.ndim == 3 and array.shape[2] == 4:
        array = array[:, :, [2, 1, 0, 3]]
    with tempfile.TemporaryDirectory(prefix="donthu-eval-") as tmp:
        path = Path(tmp) / "page.png"
        picture = Image.fromarray(array)
        command = ["tesseract", str(path), "stdout", "-l", lang]
        if dpi:
            picture.save(path, dpi=(float(dpi), float(dpi)))
            command += ["--dpi", str(int(round(dpi)))]
        else:
            picture.save(path)
        env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
        done = subprocess.run(command, capture_output=True, env=env, timeout=timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"tesseract exited {done.returncode}: {done.stderr.decode(errors='replace')[-300:]}")
        return done.stdout.decode("utf-8", errors="replace")


def baseline_texts(data: bytes, mime: str, settings: Settings) -> tuple[dict[int, str], list[str]]:
    """Raw tesseract text per OCR page number (text-layer pages are skipped), and errors."""
    from ingest.pages import iter_pages

    texts: dict[int, str] = {}
    errors: list[str] = []
    try:
        for page in iter_pages(data, mime, settings):
            if page.source != "ocr" or page.image is None:
                continue
            try:
                texts[page.number] = raw_tesseract(page.image, page.dpi, settings.ocr_lang)
            except Exception as exc:  # noqa: BLE001 - one page's baseline failure is recorded
                errors.append(f"page {page.number}: {type(exc).__name__}: {exc}")
    except Exception as exc:  # noqa: BLE001
        errors.append(f"{type(exc).__name__}: {exc}")
    return texts, errors


# ---------------------------------------------------------------------------------- one document


def page_level(doc_level: str, truth_source: str | None, pipeline_source: str | None) -> str:
    """The level a page is reported under: "digital" for a text-layer page, else its document's level."""
    if truth_source == "text" or pipeline_source == "text":
        return DIGITAL
    if doc_level == BORN_DIGITAL:
        return BORN_DIGITAL_SCAN
    return doc_level


def _best(refs: list[str], hyp: str) -> tuple[ErrorTally, ErrorTally]:
    """CER and WER tallies against the closest of the equally valid reference texts."""
    chars = min((char_errors(r, hyp) for r in refs), key=lambda t: (t.distance, -t.length))
    words = min((word_errors(r, hyp) for r in refs), key=lambda t: (t.distance, -t.length))
    return chars, words


def score_pages(entry: ManifestEntry, pages: list[Any], raw: dict[int, str] | None) -> list[PageScore]:
    """Page-by-page scores, aligned on the 1-based page number.

    `pages` are PageResult-like (number, source, text, seconds). A truth page the pipeline did not
    produce is a full deletion; a page the truth does not have is scored against an empty reference.
    The truth of a page is its reading-order text or, when the manifest gives it, its row-order text
    (a two-column header read row by row is not an OCR error): each hypothesis (the pipeline's and the
    raw baseline's alike) is scored against the closer of the two.
    """
    truth = entry.pages
    by_number = {p.number: p for p in pages}
    count = max([len(truth), *by_number.keys()]) if (truth or by_number) else 0
    scores = []
    for number in range(1, count + 1):
        refs = [truth[number - 1] if number <= len(truth) else ""]
        if number <= len(entry.pages_by_row) and entry.pages_by_row[number - 1] != refs[0]:
            refs.append(entry.pages_by_row[number - 1])
        page = by_number.get(number)
        hyp = page.text if page is not None else ""
        source = page.source if page is not None else "missing"
        truth_source = entry.page_sources[number - 1] if number <= len(entry.page_sources) else None
        chars, words = _best(refs, hyp)
        score = PageScore(number, page_level(entry.level, truth_source, source), source, chars, words,
                          seconds=dict(getattr(page, "seconds", {}) or {}), text=hyp,
                          bag=bag_of_words_errors(refs[0], hyp))
        if raw is not None and source != "text" and number in raw:
            score.raw_chars, score.raw_words = _best(refs, raw[number])
            score.raw_text = raw[number]
            score.raw_bag = bag_of_words_errors(refs[0], raw[number])
        scores.append(score)
    return scores


def evaluate_document(entry: ManifestEntry, corpus_dir: Path, settings: Settings, baseline: bool) -> DocResult:
    """Run the pipeline (and the raw baseline) on one manifest entry and score it. Never raises."""
    result = DocResult(id=entry.id, file=entry.file, family=entry.family, level=entry.level,
                       title_names_type=entry.title_names_type, kind_true=entry.kind, type_true=entry.type,
                       date_true=entry.date)
    pipeline_pages: list[Any] = []
    mime = entry.mime
    try:
        data = (Path(corpus_dir) / entry.file).read_bytes()
    except OSError as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        result.pages = score_pages(entry, [], None)
        _score_entities(result, entry, None)
        return result

    try:
        from ingest.pipeline import process_bytes

        start = time.perf_counter()
        processed = process_bytes(data, Path(entry.file).name, settings)
        result.wall_seconds = time.perf_counter() - start
        record = processed.record
        pipeline_pages = list(processed.pages)
        result.seconds = {k: float(v) for k, v in processed.seconds.items()}
        result.failed = bool(getattr(processed, "failed", False))
        result.record_errors = list(record.errors)
        result.kind_pred, result.type_pred, result.date_pred = record.kind, record.type, record.date
        result.predicted = _predicted(record)
        if record.mime and record.mime != "application/octet-stream":
            mime = record.mime
    except Exception as exc:  # noqa: BLE001 - a crash is a result, not the end of the run
        result.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
        record = None

    raw: dict[int, str] | None = None
    if baseline:
        start = time.perf_counter()
        raw, result.baseline_errors = baseline_texts(data, mime, settings)
        result.baseline_seconds = time.perf_counter() - start

    result.pages = score_pages(entry, pipeline_pages, raw)
    _score_entities(result, entry, record)
    return result


def _predicted(x: Any) -> dict[str, Any]:
    """What a Record (or a classify Analysis) predicted, as saved in DocResult.predicted."""
    return {
        "kind": x.kind, "type": x.type, "type_confidence": x.type_confidence,
        "type_evidence": list(x.type_evidence), "date": x.date,
        "parties": [p.model_dump() for p in x.parties],
        "parcels": [p.model_dump() for p in x.parcels],
        "references": [r.model_dump() for r in x.references],
    }


def _score_entities(result: DocResult, entry: ManifestEntry, record: Any) -> None:
    parties = [p.model_dump() for p in record.parties] if record is not None else []
    parcels = [p.model_dump() for p in record.parcels] if record is not None else []
    references = [r.model_dump() for r in record.references] if record is not None else []
    result.parties = match_parties(entry.parties, parties)
    result.parcels = match_parcels(entry.parcels, parcels)
    result.references = match_references(entry.references, references)
    result.mistakes = mistakes(entry, parties, parcels, references)


def mistakes(entry: ManifestEntry, parties: list[dict], parcels: list[dict],
             references: list[dict]) -> dict[str, list[str]]:
    """What the prediction got wrong, in words a developer can act on (see DocResult.mistakes)."""
    out: dict[str, list[str]] = {}

    def party_keys(items: list[dict]) -> list[tuple[str, str]]:
        return [(party_name_key(x["name"]), x.get("role")) for x in items]

    def party_label(items: list[dict]) -> dict[tuple[str, str], str]:
        return {(party_name_key(x["name"]), x.get("role")): f"{normalise_text(x['name'])} ({x.get('role')})"
                for x in items}

    labels = {**party_label(parties), **party_label(entry.parties)}
    missed, spurious = unmatched(party_keys(entry.parties), party_keys(parties))
    out["parties missed"] = [labels[k] for k in missed]
    out["parties spurious"] = [labels[k] for k in spurious]

    def sheet(key: tuple) -> str:
        return "/".join(str(k) for k in key)

    missed, spurious = unmatched(map(parcel_key, entry.parcels), map(parcel_key, parcels))
    out["parcels missed"] = [sheet(k) for k in missed]
    out["parcels spurious"] = [sheet(k) for k in spurious]
    out["parcel fields"] = [f"{key} {name}: {t!r} → {p!r}"
                            for key, name, t, p in parcel_field_mismatches(entry.parcels, parcels)]

    ref_labels = {reference_key(x["number"]): x["number"] for x in [*references, *entry.references]}
    missed, spurious = unmatched((reference_key(x["number"]) for x in entry.references),
                                 (reference_key(x["number"]) for x in references))
    out["references missed"] = [ref_labels[k] for k in missed]
    out["references spurious"] = [ref_labels[k] for k in spurious]
    return {k: v for k, v in out.items() if v}


def rescore(report: EvalReport, corpus_dir: Path | None = None) -> EvalReport:
    """Score the saved page texts again against the manifest (after a metric change), without OCR.

    Entities cannot be re-scored from a saved report's counts alone: they are re-matched from
    `DocResult.predicted`, so a report of a crashed document stays empty.
    """
    from types import SimpleNamespace

    entries = {e.id: e for e in load_manifest(Path(corpus_dir or report.corpus_dir))}
    documents = []
    for doc in report.documents:
        entry = entries.get(doc.id)
        if entry is None:
            documents.append(doc)
            continue
        pages = [SimpleNamespace(number=p.number, source=p.source, text=p.text, seconds=p.seconds)
                 for p in doc.pages if p.source != "missing"]
        raw = {p.number: p.raw_text for p in doc.pages if p.raw_text is not None} if report.baseline else None
        predicted = doc.predicted
        record = SimpleNamespace(
            parties=[_Dumped(x) for x in predicted.get("parties", [])],
            parcels=[_Dumped(x) for x in predicted.get("parcels", [])],
            references=[_Dumped(x) for x in predicted.get("references", [])],
        ) if predicted else None
        new = replace(doc, pages=score_pages(entry, pages, raw))
        _score_entities(new, entry, record)
        documents.append(new)
    return replace(report, documents=documents)


def reanalyse(report: EvalReport, corpus_dir: Path | None = None) -> EvalReport:
    """Run understanding (`ingest.pipeline.assemble`'s `classify.analyse`) again on the saved page texts.

    OCR is deterministic for a given engine and clean-up, so after a change to `classify/` this gives the
    numbers a full run would, in seconds instead of an hour. Crashed or failed documents are kept as they are.
    """
    from classify import analyse
    from ingest.pipeline import join_pages

    entries = {e.id: e for e in load_manifest(Path(corpus_dir or report.corpus_dir))}
    documents = []
    for doc in report.documents:
        entry = entries.get(doc.id)
        if entry is None or doc.unsuccessful:
            documents.append(doc)
            continue
        start = time.perf_counter()
        analysis = analyse(join_pages([p for p in doc.pages if p.source != "missing"]))
        seconds = dict(doc.seconds, classify=time.perf_counter() - start)
        new = replace(doc, kind_pred=analysis.kind, type_pred=analysis.type, date_pred=analysis.date,
                      seconds=seconds, predicted=_predicted(analysis))
        _score_entities(new, entry, analysis)
        documents.append(new)
    return replace(report, documents=documents)


class _Dumped(dict):
    """A saved entity dict that answers model_dump() like the pydantic model it came from."""

    def model_dump(self) -> dict:
        return dict(self)


# ---------------------------------------------------------------------------------- process pool

_WORKER: dict[str, Any] = {}


def warm_up() -> None:
    """Load the understanding models once in this process (best effort: a failure shows up per file)."""
    try:
        from classify import analyse

        analyse("Kính gửi: Ủy ban nhân dân huyện Chợ Mới")
    except Exception:  # noqa: BLE001
        pass


def _init_worker(corpus_dir: str, settings: Settings, baseline: bool) -> None:
    from ingest.tasks import one_thread_per_process

    one_thread_per_process()  # one core per worker process, as the ingest pool
    _WORKER.update(corpus_dir=Path(corpus_dir), settings=settings, baseline=baseline)
    warm_up()


def _run_in_worker(entry: ManifestEntry) -> DocResult:
    return evaluate_document(entry, _WORKER["corpus_dir"], _WORKER["settings"], _WORKER["baseline"])


def _crashed(entry: ManifestEntry, message: str) -> DocResult:
    result = DocResult(id=entry.id, file=entry.file, family=entry.family, level=entry.level,
                       title_names_type=entry.title_names_type, kind_true=entry.kind, type_true=entry.type,
                       date_true=entry.date, error=message)
    result.pages = score_pages(entry, [], None)
    _score_entities(result, entry, None)
    return result


def evaluate(
    corpus_dir: Path,
    settings: Settings,
    *,
    workers: int = 1,
    baseline: bool = True,
    limit: int | None = None,
    progress: ProgressCallback | None = None,
) -> EvalReport:
    """Evaluate the pipeline on every file of the corpus (the first `limit` with `limit`)."""
    corpus_dir = Path(corpus_dir)
    entries = load_manifest(corpus_dir, limit)
    results: list[DocResult | None] = [None] * len(entries)
    start = time.perf_counter()
    done = 0
    if workers <= 1:
        warm_up()
        for i, entry in enumerate(entries):
            results[i] = evaluate_document(entry, corpus_dir, settings, baseline)
            done += 1
            if progress:
                progress(done, len(entries), results[i])
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_init_worker,
                                 initargs=(str(corpus_dir), settings, baseline)) as pool:
            futures = {pool.submit(_run_in_worker, entry): i for i, entry in enumerate(entries)}
            for future in as_completed(futures):
                i = futures[future]
                try:
                    results[i] = future.result()
                except Exception as exc:  # noqa: BLE001 - e.g. a worker killed by the OOM killer
                    results[i] = _crashed(entries[i], f"{type(exc).__name__}: {exc}")
                done += 1
                if progress:
                    progress(done, len(entries), results[i])
    wall = time.perf_counter() - start
    return EvalReport(str(corpus_dir), max(1, workers), baseline, wall, [r for r in results if r is not None])


# ------------------------------------------------------------------------------------------------ CLI


def run_cli(corpus_dir: str, json_out: str | None, workers: int, baseline: bool, limit: int | None,
            *, details: bool = False, settings: Settings | None = None,
            reanalyse_from: str | None = None) -> int:
    """`donthu eval CORPUS_DIR [--json OUT] [--workers N] [--no-baseline] [--limit N] [--details]`.

    Prints the report (Markdown) on stdout and one progress line per file on stderr; returns 0, or 2
    when the directory has no manifest. `details` adds every document's mistakes; `settings` defaults to
    `donthu.config.load_settings()`. `reanalyse_from` (a JSON report of this corpus) skips OCR and runs
    understanding again on that report's page texts (`reanalyse`).
    """
    from corpus.report import format_report
    from donthu.config import load_settings

    if not (Path(corpus_dir) / "manifest.jsonl").is_file():
        print(f"donthu eval: no manifest.jsonl in {corpus_dir}", file=sys.stderr)
        return 2

    def progress(done: int, total: int, result: DocResult) -> None:
        status = "CRASH" if result.error else ("failed" if result.failed else "ok")
        print(f"[{done}/{total}] {result.file} {status} {result.wall_seconds:.1f}s", file=sys.stderr, flush=True)

    if reanalyse_from:
        report = reanalyse(EvalReport.from_json(reanalyse_from), Path(corpus_dir))
    else:
        report = evaluate(Path(corpus_dir), settings or load_settings(), workers=workers, baseline=baseline,
                          limit=limit, progress=progress)
    if json_out:
        report.to_json(json_out)
    print(format_report(report, details=details))
    return 0


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="donthu eval", description=__doc__.splitlines()[0])
    parser.add_argument("corpus_dir")
    parser.add_argument("--json", dest="json_out", default=None, help="write the full report as JSON")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="skip the raw tesseract baseline")
    parser.add_argument("--limit", type=int, default=None, help="evaluate only the first N files")
    parser.add_argument("--details", action="store_true", help="list every document's mistakes")
    parser.add_argument("--reanalyse", metavar="REPORT_JSON", help="reuse this report's OCR page texts")
    args = parser.parse_args(argv)
    return run_cli(args.corpus_dir, args.json_out, args.workers, args.baseline, args.limit, details=args.details,
                   reanalyse_from=args.reanalyse)


if __name__ == "__main__":
    raise SystemExit(main())
