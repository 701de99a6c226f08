"""`donthu backup DEST`, `donthu verify-backup SRC`, `donthu restore SRC`: the embedded data folder's backup
(records.backup)."""

from __future__ import annotations

import sys

from donthu.config import Settings


def cmd_backup(args, settings: Settings) -> int:
    from records.backup import BackupError, backup, verify_backup

    try:
        report = backup(settings, args.dest)
    except BackupError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"backup {report.path}: {report.documents} documents, {report.originals} originals "
          f"({report.originals_linked} already in the previous backup, {report.bytes_copied} bytes copied), "
          f"schema {report.schema_revision}")
    if args.verify:
        return _print_verify(verify_backup(report.path))
    return 0


def _print_verify(report) -> int:
    if report.ok:
        print(f"verified {report.path}: {report.originals} originals and the databases match their checksums")
        return 0
    print(f"backup {report.path} does NOT verify:", file=sys.stderr)
    for problem in report.problems:
        print(f"  {problem}", file=sys.stderr)
    return 1


def cmd_verify(args, settings: Settings) -> int:
    from records.backup import verify_backup

    return _print_verify(verify_backup(args.src))


def cmd_restore(args, settings: Settings) -> int:
    from records.backup import BackupError, restore

    try:
        report = restore(args.src, settings, force=args.force)
    except BackupError as exc:
        print(f"restore failed: {exc}", file=sys.stderr)
        return 1
    print(f"restored {args.src} into {settings.data_dir}: {report.originals} originals")
    if settings.embedded_index_path is not None and not settings.embedded_index_path.exists():
        print(f"the search index ({settings.search_engine}) is built from the restored records on first use "
              "(the next `donthu serve` or command), or now with `donthu reindex`")
    return 0


def add_commands(sub) -> None:
    p = sub.add_parser("backup", help="back up the data folder (records, originals; the index of "
                       "the SQLite FTS5 engine — tantivy's is built again from the records) into DEST")
    p.add_argument("dest")
    p.add_argument("--verify", action="store_true", help="re-hash everything in the new backup afterwards")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("verify-backup", help="re-hash a backup's originals and databases against its manifest")
    p.add_argument("src")
    p.set_defaults(func=cmd_verify)
    p = sub.add_parser("restore", help="restore a verified backup into the data folder")
    p.add_argument("src")
    p.add_argument("--force", action="store_true", help="replace the records already in the data folder")
    p.set_defaults(func=cmd_restore)
