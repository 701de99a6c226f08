"""From a stored record to the search index's document (one place for the mapping), the indexing of a
stored document through the read path (`records.read`: corrections applied), and the building of a whole
index from the records (`donthu reindex`, and `open_index` for an embedded index that is missing).

The index is always derived from the records, never the other way: an embedded index (tantivy, the default,
or SQLite FTS5) that is missing, empty or half-built while done documents exist — an install whose records
were indexed by SQLite FTS5 before tantivy became the default, a data folder restored from a backup (which
does not hold the tantivy index), a build that was interrupted — is built from the records by `open_index`
before it is used, once, by whichever process opens it first (the others wait for it)."""

from __future__ import annotations

import dataclasses
import fcntl
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from classify.gazetteer import place_names, place_text, resolve_parts
from donthu.config import Settings
from donthu.schema import Record, ResolvedPlace
from records.confidential import confidential_parties, is_confidential, redact_record
from records.corrections import add_correction
from records.read import done_documents, read_document
from records.store import Store
from search import open_backend
from search.backend import IndexDocument, IndexPage

log = logging.getLogger(__name__)


def _unique(values) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value:
            seen.setdefault(value, None)
    return list(seen)


def record_places(record: Record) -> list[ResolvedPlace]:
    """The resolved places of a record's parcels and party addresses; a parcel without one (a clerk's
    correction) is resolved here from its commune, district and province."""
    places = []
    for p in record.parcels:
        if p.place is not None:
            places.append(p.place)
        elif p.commune or p.district:
            places.append(resolve_parts(p.commune, p.district, p.province, on=record.date))
    places.extend(p.place for p in record.parties if p.place is not None)
    return places


def index_document(doc_id: int, record: Record, dossier_id: int | None = None, unit: str = "") -> IndexDocument:
    """The index document of `record` as the system reads it, with the masked texts (`records.confidential`)
    that searchers without clearance match against: for a denunciation, each page's text with the
    denouncer's identity masked and the file name masked."""
    masked = redact_record(record) if is_confidential(record) else None
    masked_pages = {p.number: p.text for p in masked.pages} if masked is not None else {}
    # a denouncer's address is not a searchable place (the places index serves every searcher)
    hidden = confidential_parties(record) if masked is not None else []
    places = record_places(record.model_copy(update={"parties": [p for p in record.parties if p not in hidden]}))
    names = [place_names(p) for p in places]
    return IndexDocument(
        doc_id=doc_id,
        file=record.file,
        masked_file=masked.file if masked is not None else None,
        kind=record.kind,
        type=record.type,
        pages=[IndexPage(number=p.number, text=p.text, masked_text=masked_pages.get(p.number))
               for p in record.pages],
        date=record.date,
        communes=_unique(p.commune for p in record.parcels),
        districts=_unique(p.district for p in record.parcels),
        parcels=_unique((p.parcel_no, p.map_sheet) for p in record.parcels),
        parties=_unique(p.name for p in record.parties),
        dossier_id=dossier_id,
        old_communes=_unique(n for x in names for n in x["old_communes"]),
        old_districts=_unique(n for x in names for n in x["old_districts"]),
        new_communes=_unique(n for x in names for n in x["new_communes"]),
        places=_unique(place_text(p) for p in places),
        unit=unit,
    )


def stored_index_document(store: Any, document_id: int) -> IndexDocument | None:
    """The index document of a stored, done document as every reader sees it (None if not done)."""
    info = read_document(store, document_id)
    if info is None or info.status != "done" or info.record is None:
        return None
    return index_document(info.id, info.record, info.dossier_id, info.unit)


def stored_index_documents(store: Any, batch: int = 200) -> Iterator[list[IndexDocument]]:
    """Every done document's index document, as every reader sees it, in id order and batches of `batch`
    (what `donthu reindex` sends to either backend)."""
    last = 0
    while True:
        infos = done_documents(store, after=last, limit=batch)
        if not infos:
            return
        yield [index_document(i.id, i.record, i.dossier_id, i.unit) for i in infos if i.record is not None]
        last = infos[-1].id


def reindex_stored(store: Any, index: Any, document_id: int) -> bool:
    """Index the stored document again (after it was saved or corrected); False when it is not done."""
    doc = stored_index_document(store, document_id)
    if doc is None:
        return False
    index.index(doc)
    return True


def correct(store: Any, index: Any, document_id: int, changes: list[tuple[str, Any]], who: str) -> list[Any]:
    """Store a clerk's corrections (`records.corrections.add_correction`, each (field, value)) and re-index
    the document so search filters, facets and snippets follow at once. The corrections are stored even
    when the index cannot be reached (logged; `donthu reindex` or the next processing catches up).
    `index`: the search backend, or a function returning it."""
    stored = [add_correction(store, document_id, field, value, who) for field, value in changes]
    if stored:
        try:
            reindex_stored(store, index() if callable(index) else index, document_id)
        except Exception:  # noqa: BLE001 - the correction is stored; the index catches up later
            log.exception("could not re-index document %s after a correction", document_id)
    return stored


#: beside the embedded indexes in the data folder: flocked while an index is built from the records, and
#: holding the built index's name until that build has finished (so a build that was interrupted is redone)
BUILD_FILE = "index-build.lock"


def _index_all(store: Any, index: Any, batch: int) -> int:
    count = 0
    for docs in stored_index_documents(store, batch):
        index.index_many(docs)
        count += len(docs)
    if hasattr(index, "refresh"):
        index.refresh()
    return count


@contextmanager
def _building(settings: Settings, say: Callable[[str], None] | None = None) -> Iterator[Path]:
    """One build of an embedded index at a time in a data folder (other processes wait, told through `say`);
    yields the build file, which says which index was left half-built."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / BUILD_FILE
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if say is not None:
                say("another process is building the search index from the records: waiting for it …")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _unfinished(settings: Settings, name: str) -> bool:
    """Whether a build of the embedded index `name` started and did not finish (interrupted)."""
    try:
        return name in (settings.data_dir / BUILD_FILE).read_text(encoding="utf-8").split()
    except OSError:
        return False


def _mark(path: Path, name: str, building: bool) -> None:
    names = set(path.read_text(encoding="utf-8").split()) if path.exists() else set()
    names = names | {name} if building else names - {name}
    path.write_text("".join(f"{n}\n" for n in sorted(names)), encoding="utf-8")


def _build(build_file: Path, name: str, store: Any, index: Any, batch: int) -> int:
    """Every done document into `index`, the build of `name` marked unfinished in `build_file` meanwhile."""
    _mark(build_file, name, building=True)
    count = _index_all(store, index, batch)
    _mark(build_file, name, building=False)
    return count


def reindex(settings: Settings, backend: str | None = None, batch: int = 200) -> int:
    """Index every done document again into `backend` ("tantivy", "sqlite" or "elasticsearch"; default: the
    configured one), as every reader sees it (`records.read`: corrections applied); the count."""
    target = dataclasses.replace(settings, search_backend=backend or settings.search_backend)
    name = target.search_engine
    store = Store(settings)
    index = open_backend(target)
    try:
        if target.embedded_index_path is None:
            return _index_all(store, index, batch)
        with _building(settings) as build_file:
            return _build(build_file, name, store, index, batch)
    finally:
        index.close()
        store.close()


def open_index(settings: Settings, store: Any = None, say: Callable[[str], None] | None = None,
               batch: int = 200) -> Any:
    """The configured search backend (`search.open_backend`), after building it from the records when it is
    an embedded index (tantivy, SQLite FTS5) that is empty or whose last build did not finish while done
    documents exist (module docstring). `store`: an open `Store` (else one is opened for the check); `say`
    tells the person waiting (the command line's standard error, the server's log) that a build runs and
    what it did. Cheap when the index is there: its document count and a file's contents."""
    location = settings.embedded_index_path
    existed = location is not None and location.exists()
    index = open_backend(settings)
    try:
        _build_if_missing(settings, index, store, say or log.warning, batch, existed)
    except BaseException:
        index.close()
        raise
    return index


def _build_if_missing(settings: Settings, index: Any, store: Any, say: Callable[[str], None], batch: int,
                      existed: bool) -> None:
    location = settings.embedded_index_path
    if location is None:
        return  # Elasticsearch: `donthu reindex --to elasticsearch` (docs/scale-out.md)
    name = settings.search_engine
    if index.count() > 0 and not _unfinished(settings, name):
        return
    own = store is None
    store = Store(settings) if own else store
    try:
        done = store.count_documents(status="done")
        if done == 0:
            return
        with _building(settings, say) as build_file:
            if index.count() > 0 and not _unfinished(settings, name):
                return  # another process built it while this one waited
            why = ("was not finished" if _unfinished(settings, name)
                   else "is empty" if existed else "does not exist yet")
            say(f"the search index ({name}, {location}) {why} and {done} documents are stored: building it "
                "from the records now (once; `donthu reindex` does the same) …")
            started = time.perf_counter()
            count = _build(build_file, name, store, index, batch)
            say(f"the search index ({name}) holds {count} documents, built in {time.perf_counter() - started:.1f} s")
    finally:
        if own:
            store.close()
