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
* several photos of one letter (`admit_photos`: uploaded together with `as_one`, `donthu ingest --as-one`) are
  joined first (`combine_photos`: one PDF page per photo, in the order given, each JPEG's bytes as they are,
  other images losslessly, EXIF orientation as the page's /Rotate) and then admitted like any file: one
  document, one page per photo.
* a disk that fills up (ENOSPC, or SQLite's "database or disk is full") while the original or its row is
  written fails this file with a clear reason (`DiskFull`), recorded against it when the batch row can still
  be written; nothing stored before is touched (originals are written to a temporary file and renamed,
  `records.blobs`).
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


class DiskFull(DonthuError):
    """No space left where originals or records are written: the file is not stored (the API answers 507)."""


def _disk_full(exc: BaseException) -> bool:
    import errno

    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc).lower()
    return "database or disk is full" in text or "no space left" in text


#: longer side of a photo's page when its file records no believable resolution (A4, in points)
_A4_LONG_PT = 842.0


def _photo_layout(width_px: int, height_px: int, ndpi: tuple[float, float]) -> tuple[float, float, float, float]:
    """img2pdf's layout: at the photo's own resolution when it is believable, else its longer side as A4's."""
    dpi_x, dpi_y = ndpi
    if dpi_x == dpi_y and 100 <= dpi_x <= 1200 and 2 <= max(width_px, height_px) / dpi_x <= 48:
        w, h = width_px * 72.0 / dpi_x, height_px * 72.0 / dpi_y
    else:
        scale = _A4_LONG_PT / max(width_px, height_px)
        w, h = width_px * scale, height_px * scale
    return w, h, w, h


def combine_photos(parts: list[tuple[str, bytes]]) -> bytes:
    """Photos of one letter (name, bytes), in order, as one PDF with one page per photo: a JPEG's bytes are
    embedded as they are, PNG/TIFF losslessly, a HEIC photo as the PNG it decodes to; the EXIF orientation
    becomes the page's /Rotate (what ingest.pages reads). Raises UnsupportedFile naming the part that is not a
    photo."""
    import io

    import img2pdf
    from PIL import Image

    from ingest.heif import HEIC, decode_to_png
    from ingest.sniff import JPEG, PNG, TIFF

    images = []
    for name, data in parts:
        if not data:
            raise EmptyFile(f"{name}: empty file (0 bytes)")
        try:
            mime = sniff(data)
        except DonthuError as exc:
            raise UnsupportedFile(f"{name}: {exc}") from exc
        if mime == HEIC:
            data, mime = decode_to_png(data), PNG
        if mime not in (JPEG, PNG, TIFF):
            raise UnsupportedFile(f"{name}: only photos and scans (JPEG, PNG, TIFF, HEIC) are joined into one "
                                  f"letter, not {mime}")
        if mime != JPEG:
            with Image.open(io.BytesIO(data)) as im:
                if im.mode in ("RGBA", "LA", "PA", "P", "I;16", "I", "F", "CMYK") or "transparency" in im.info:
                    out = io.BytesIO()  # img2pdf takes no alpha or 16-bit: flattened, still lossless PNG
                    converted = im.convert("L" if im.mode in ("LA", "I;16", "I", "F") else "RGB")
                    converted.save(out, format="PNG", dpi=im.info.get("dpi", (72, 72)))
                    data = out.getvalue()
        images.append(data)
    try:
        return img2pdf.convert(images, rotation=img2pdf.Rotation.ifvalid, layout_fun=_photo_layout)
    except Exception as exc:  # img2pdf's own errors (a damaged image)
        raise UnsupportedFile(f"the photos could not be joined ({str(exc)[:160]})") from exc


def admit_photos(store: Any, parts: list[tuple[str, bytes]], name: str, settings: Settings, **kwargs: Any
                 ) -> Admission:
    """Several photos of one letter as one document (`combine_photos`), admitted by `admit`."""
    try:
        data = combine_photos(parts)
    except DonthuError as exc:
        return _record(store, kwargs.get("batch_id"), Admission(name, "refused", reason=str(exc), error=exc))
    return admit(store, data, name, settings, **kwargs)


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
            try:
                store.put_original(data)  # once by SHA-256: a no-op unless the original went missing
            except OSError as exc:
                if not _disk_full(exc):
                    raise
                error = DiskFull("disk full: the original could not be stored again")
                return _record(store, batch_id, Admission(name, "refused", existing.id, sha, mime,
                                                          reason=str(error), error=error))
        return _record(store, batch_id, admission)
    try:
        dossier_id = dossier() if callable(dossier) else dossier
        store.put_original(data)
        document_id = store.add_document(name, sha, len(data), mime=mime, batch_id=batch_id,
                                         dossier_id=dossier_id, unit=unit)
    except Exception as exc:
        if not _disk_full(exc):
            raise
        error = DiskFull(f"disk full: the file was not stored ({len(data) / 2**20:.1f} MB); free space in the "
                         "data folder and submit it again")
        admission = Admission(name, "refused", sha256=sha, mime=mime, reason=str(error), error=error)
        try:
            return _record(store, batch_id, admission)
        except Exception as again:  # the batch row cannot be written either: the caller still gets the reason
            if not _disk_full(again):
                raise
            return admission
    return _record(store, batch_id, Admission(name, "new", document_id, sha, mime, pages=pages))


def _record(store: Any, batch_id: int | None, admission: Admission) -> Admission:
    if batch_id is not None:
        store.add_batch_item(batch_id, admission.file, admission.document_id, admission.batch_outcome,
                             admission.reason if admission.action in ("refused", "duplicate") else None)
    return admission
