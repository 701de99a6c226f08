"""Intake: the one way a file enters the system of record (`admit`), used by `donthu ingest`, `donthu
submit`, the API upload (`POST /documents`) and so the web page's upload, which posts there.

One rule set for every door:
* refused, nothing stored: an empty file, a file above `max_file_bytes`, a format that is not PDF / TIFF /
  PNG / JPEG judged from its bytes (`ingest.sniff`), more pages than `max_pages`. A file whose pages cannot
  be counted here (encrypted, damaged inside) is admitted: its worker records the reason on the document,
  where a clerk sees it and can retry.
* the same content (SHA-256) again: a document already **done** is a duplicate (skipped, nothing runs);
  one that **failed** earlier is queued again (`retry`: submitting a file again is asking to try again);
  one still **queued or processing** is `pending`: batch commands resume it, uploads leave it to the run
  that has it.
* the same content twice in one batch: the second is skipped ("same content as ...").
* batch and dossier: the file is recorded as an item of `batch_id` (queued / skipped / failed with the
  reason); a new document is filed under the dossier (`dossier`: an id, or a function giving one, called
  only when a new document is stored).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from donthu.config import Settings
from donthu.types import DonthuError, TooLarge, UnsupportedFile
from ingest.pages import count_pages
from ingest.sniff import sniff

Action = Literal["new", "retry", "pending", "duplicate", "refused"]


@dataclass
class Admission:
    """What intake did with one file."""

    file: str
    action: Action
    document_id: int | None = None
    sha256: str | None = None
    mime: str | None = None
    #: status of the document before this admission (duplicates, retries, pending)
    earlier_status: str | None = None
    #: reason a clerk can read: why refused, or why skipped
    reason: str | None = None
    #: the refusal (TooLarge, UnsupportedFile, ...): the API answers 413 / 415 / 400 from its class
    error: DonthuError | None = None
    #: pages expected (the progress bar); 1 when they cannot be counted here
    pages: int = 1

    @property
    def to_run(self) -> bool:
        """A document to hand to the workers (a new file, or an earlier failure tried again)."""
        return self.action in ("new", "retry")

    @property
    def batch_outcome(self) -> str:
        return {"refused": "failed", "duplicate": "skipped"}.get(self.action, "queued")


class EmptyFile(UnsupportedFile):
    """A file of 0 bytes."""


def _too_large(size: int, limit: int) -> TooLarge:
    return TooLarge(f"file too large: {size / 2**20:.1f} MB (limit {limit / 2**20:.0f} MB)")


def _read(source: bytes | Path, settings: Settings) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
        if len(data) > settings.max_file_bytes:
            raise _too_large(len(data), settings.max_file_bytes)
        return data
    size = source.stat().st_size
    if size > settings.max_file_bytes:
        raise _too_large(size, settings.max_file_bytes)
    return source.read_bytes()


def _check(data: bytes, settings: Settings) -> tuple[str, int]:
    """(mime, pages) or the refusal."""
    if not data:
        raise EmptyFile("empty file (0 bytes)")
    mime = sniff(data)
    try:
        pages = count_pages(data, mime, settings)
    except TooLarge:
        raise
    except DonthuError:
        return mime, 1  # encrypted or damaged inside: admitted, the worker records why
    if pages > settings.max_pages:
        raise TooLarge(f"too many pages ({pages}, limit {settings.max_pages})")
    return mime, max(1, pages)


def admit(
    store: Any,
    source: bytes | Path,
    name: str,
    settings: Settings,
    *,
    batch_id: int | None = None,
    dossier: int | Callable[[], int] | None = None,
    seen: dict[str, str] | None = None,
    unit: str = "",
) -> Admission:
    """Take one file in (see the module docstring); `source` is its bytes or its path, `name` what the
    record calls it; `seen` (sha256 → name) spots the same content twice within one batch; `unit` is the unit
    a new document belongs to (the uploader's, or `donthu ingest --unit`; "" = the root)."""
    from ingest.pipeline import sha256_hex

    try:
        data = _read(source, settings)
        mime, pages = _check(data, settings)
    except (OSError, DonthuError) as exc:
        error = exc if isinstance(exc, DonthuError) else UnsupportedFile(f"cannot read the file: {exc}")
        return _record(store, batch_id, Admission(name, "refused", reason=str(error), error=error))
    sha = sha256_hex(data)
    if seen is not None:
        if sha in seen:
            return _record(store, batch_id, Admission(name, "duplicate", sha256=sha, mime=mime,
                                                      reason=f"same content as {seen[sha]}", pages=pages))
        seen[sha] = name
    existing = store.find_by_sha(sha)
    if existing is not None:
        action: Action = {"done": "duplicate", "failed": "retry"}.get(existing.status, "pending")
        admission = Admission(name, action, existing.id, sha, mime, existing.status, pages=pages,
                              reason="already ingested" if action == "duplicate" else None)
        if action == "duplicate":
            admission.pages = existing.pages_total or pages
        if action != "duplicate":
            store.put_original(data)  # once by SHA-256: a no-op unless the original went missing
        return _record(store, batch_id, admission)
    dossier_id = dossier() if callable(dossier) else dossier
    store.put_original(data)
    document_id = store.add_document(name, sha, len(data), mime=mime, batch_id=batch_id, dossier_id=dossier_id,
                                     unit=unit)
    return _record(store, batch_id, Admission(name, "new", document_id, sha, mime, pages=pages))


def _record(store: Any, batch_id: int | None, admission: Admission) -> Admission:
    if batch_id is not None:
        store.add_batch_item(batch_id, admission.file, admission.document_id, admission.batch_outcome,
                             admission.reason if admission.action in ("refused", "duplicate") else None)
    return admission
