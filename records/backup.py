"""Backup, verification and restore of the embedded data folder (issue 20 item 3).

What a backup holds: the records database (`donthu.sqlite`) and, when the search engine is SQLite FTS5
(`DONTHU_SEARCH_BACKEND=sqlite`), its index (`index.sqlite`), each copied with SQLite's online backup API (a
consistent snapshot while the service keeps running and writing), the originals referenced by the snapshot
and any others in `originals/`, copied by checksum (each re-hashed while copied; a blob the previous backup
already holds with the same hash is hard-linked from it, so a nightly backup copies only what is new), and
`manifest.json` (when, counts, schema revision, the SHA-256 of every file). The tantivy index
(`index.tantivy/`, the default engine) is not copied: it is derived from the records, and after a restore it
is built from them on first use (`ingest.indexing.open_index`; `donthu reindex` does the same) — a restore
removes the data folder's tantivy index, which described the records it replaced.

A backup is written into a hidden sibling folder and moved into place only when complete: a backup killed
midway leaves the previous backup at DEST untouched. `verify_backup` re-hashes every original and database
file against the manifest and runs SQLite's integrity check. `restore` verifies first and refuses a data
folder that already holds records (unless `force`).

PostgreSQL (scale-out) is backed up with its own tools (`pg_dump`, docs/operations.md); this module
refuses a non-SQLite records database rather than copy half of it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from donthu.config import Settings
from donthu.procs import process_alive
from donthu.types import DonthuError

MANIFEST = "manifest.json"
RECORDS_DB = "donthu.sqlite"
INDEX_DB = "index.sqlite"
ORIGINALS = "originals"
FORMAT = 1


class BackupError(DonthuError):
    """A backup or restore that cannot be done, with the reason for the archivist."""


@dataclass
class BackupReport:
    path: str
    created: str
    documents: int
    originals: int
    bytes_copied: int
    originals_linked: int
    schema_revision: str | None


@dataclass
class VerifyReport:
    path: str
    ok: bool
    originals: int
    problems: list[str] = field(default_factory=list)


def _sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _snapshot(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (the online backup API; WAL contents included)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal/-shm beside it
    finally:
        dst.close()
        src.close()


def _referenced(db: Path) -> tuple[int, set[str], str | None]:
    """(documents, SHA-256 of their originals, Alembic revision) in a records snapshot."""
    con = sqlite3.connect(db)
    try:
        docs, = con.execute("SELECT count(*) FROM documents").fetchone()
        shas = {row[0] for row in con.execute("SELECT sha256 FROM documents") if row[0]}
        try:
            revision = con.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            revision = None
        return docs, shas, revision[0] if revision else None
    finally:
        con.close()


def _blob_path(root: Path, sha: str) -> Path:
    return root / sha[:2] / sha[2:]


def _all_blobs(root: Path) -> set[str]:
    if not root.is_dir():
        return set()
    return {f"{d.name}{f.name}" for d in root.iterdir() if d.is_dir() and len(d.name) == 2
            for f in d.iterdir() if f.is_file() and len(f.name) == 62}


def _copy_verified(source: Path, target: Path, sha: str) -> int:
    """Copy one original, hashing what is read; a blob whose content no longer matches its name is an error."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as src, target.open("wb") as dst:
        while block := src.read(1 << 20):
            digest.update(block)
            dst.write(block)
            size += len(block)
    if digest.hexdigest() != sha:
        raise BackupError(f"original {sha[:12]}… in {source.parent.parent} is damaged (its content hashes to "
                          f"{digest.hexdigest()[:12]}…): restore it from an earlier backup")
    return size


def _require_sqlite(settings: Settings) -> None:
    if settings.database_url and not settings.database_url.startswith("sqlite"):
        raise BackupError("the records are in PostgreSQL: back them up with pg_dump (docs/operations.md); "
                          "`donthu backup` copies the embedded SQLite data folder")


def backup(settings: Settings, dest: str | Path) -> BackupReport:
    """Back up `settings.data_dir` into the folder `dest` (replaced only once the new backup is complete)."""
    _require_sqlite(settings)
    dest = Path(dest).resolve()
    records_db = settings.sqlite_path
    if not records_db.is_file():
        raise BackupError(f"no records database at {records_db}: nothing to back up")
    if dest == settings.data_dir.resolve() or settings.data_dir.resolve() in dest.parents:
        raise BackupError("the backup folder must be outside the data folder")
    dest.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(dest)
    work = dest.parent / f".{dest.name}.partial-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        _snapshot(records_db, work / RECORDS_DB)
        if settings.embedded_index_path == settings.index_path and settings.index_path.is_file():
            _snapshot(settings.index_path, work / INDEX_DB)  # SQLite FTS5 is the engine: its index too
        documents, referenced, revision = _referenced(work / RECORDS_DB)
        source_root = settings.originals_dir
        present = _all_blobs(source_root)
        missing = sorted(referenced - present)
        if missing:
            raise BackupError(f"{len(missing)} originals named by the records are missing from "
                              f"{source_root} (first: {missing[0][:12]}…)")
        previous = dest / ORIGINALS
        copied = linked = 0
        files: dict[str, str] = {}
        for sha in sorted(present):
            target = _blob_path(work / ORIGINALS, sha)
            old = _blob_path(previous, sha)
            if old.is_file() and old.stat().st_size == _blob_path(source_root, sha).stat().st_size:
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(old, target)  # content-addressed: the same name is the same bytes
                except OSError:
                    shutil.copyfile(old, target)
                linked += 1
            else:
                copied += _copy_verified(_blob_path(source_root, sha), target, sha)
        for name in (RECORDS_DB, INDEX_DB):
            if (work / name).is_file():
                files[name] = _sha256_file(work / name)
        created = datetime.now(UTC).isoformat(timespec="seconds")
        manifest = {"format": FORMAT, "created": created, "source": str(settings.data_dir.resolve()),
                    "documents": documents, "schema_revision": revision, "files": files,
                    "originals": sorted(present)}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        _swap_into_place(work, dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return BackupReport(str(dest), created, documents, len(present), copied, linked, revision)


def _remove_stale(dest: Path) -> None:
    """Half-written folders of backups that were killed (their process is gone) are removed."""
    for kind in ("partial", "old"):
        for folder in dest.parent.glob(f".{dest.name}.{kind}-*"):
            pid = folder.name.rpartition("-")[2]
            if pid.isdigit() and int(pid) != os.getpid() and not process_alive(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)


def _swap_into_place(work: Path, dest: Path) -> None:
    """Move the finished backup to `dest`; the old one is removed only after the new one is there."""
    if not dest.exists():
        os.replace(work, dest)
        return
    if not (dest / MANIFEST).is_file():
        raise BackupError(f"{dest} exists and is not a donthu backup: choose an empty or new folder")
    old = dest.parent / f".{dest.name}.old-{os.getpid()}"
    os.replace(dest, old)
    os.replace(work, dest)
    shutil.rmtree(old, ignore_errors=True)


def verify_backup(path: str | Path) -> VerifyReport:
    """Re-hash every original and database file of a backup against its manifest; SQLite integrity check."""
    path = Path(path)
    report = VerifyReport(str(path), ok=False, originals=0)
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        report.problems.append(f"no readable manifest: {exc}")
        return report
    for name, sha in manifest.get("files", {}).items():
        file = path / name
        if not file.is_file():
            report.problems.append(f"{name} is missing")
        elif _sha256_file(file) != sha:
            report.problems.append(f"{name} does not match its checksum")
        else:
            con = sqlite3.connect(f"file:{file}?mode=ro&immutable=1", uri=True)  # writes nothing beside it
            try:
                result = con.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                con.close()
            if result != "ok":
                report.problems.append(f"{name}: integrity check says {result}")
    for sha in manifest.get("originals", []):
        blob = _blob_path(path / ORIGINALS, sha)
        if not blob.is_file():
            report.problems.append(f"original {sha[:12]}… is missing")
        elif _sha256_file(blob) != sha:
            report.problems.append(f"original {sha[:12]}… is damaged")
        else:
            report.originals += 1
    report.ok = not report.problems
    return report


def restore(source: str | Path, settings: Settings, *, force: bool = False) -> VerifyReport:
    """Restore a verified backup into `settings.data_dir` (refused when it holds records, unless `force`)."""
    _require_sqlite(settings)
    source = Path(source)
    checked = verify_backup(source)
    if not checked.ok:
        raise BackupError(f"the backup at {source} does not verify: " + "; ".join(checked.problems[:5]))
    data = settings.data_dir
    if settings.sqlite_path.is_file() and not force:
        raise BackupError(f"{data} already holds records: restore into an empty folder, or use --force to "
                          "replace them")
    data.mkdir(parents=True, exist_ok=True)
    for name in (RECORDS_DB, INDEX_DB):
        for suffix in ("", "-wal", "-shm"):
            (data / f"{name}{suffix}").unlink(missing_ok=True)
        if (source / name).is_file():
            tmp = data / f".{name}.restoring"
            shutil.copyfile(source / name, tmp)
            os.replace(tmp, data / name)
    # the tantivy index described the records just replaced: it is built again from the restored ones on first
    # use (ingest.indexing.open_index), as is an FTS5 index the backup did not hold
    shutil.rmtree(settings.tantivy_path, ignore_errors=True)
    for sha in json.loads((source / MANIFEST).read_text(encoding="utf-8"))["originals"]:
        target = _blob_path(settings.originals_dir, sha)
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.restoring")
            shutil.copyfile(_blob_path(source / ORIGINALS, sha), tmp)
            os.replace(tmp, target)
    return checked


def report_dict(report: BackupReport | VerifyReport) -> dict:
    return asdict(report)
