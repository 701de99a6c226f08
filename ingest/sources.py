"""Where files come from: paths given on the command line, walked recursively in a stable order."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SourceFile:
    path: Path
    folder: Path  # the folder it was found in (a dossier with --dossier-per-folder)


def _inside(path: Path, folders: list[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == folder or folder in resolved.parents for folder in folders)


def walk(paths: list[str | Path], exclude: Iterable[str | Path] = (),
         excluded: list[Path] | None = None) -> list[SourceFile]:
    """Files under `paths` (files as given, folders recursively), hidden entries skipped, sorted.

    Nothing at or under a folder of `exclude` is taken (the data folder: `donthu ingest .` with
    ./donthu-data inside must not read its own database); each path left out that way is appended to
    `excluded`, so the caller can say so.
    """
    folders = [Path(f).resolve() for f in exclude]
    found: list[SourceFile] = []

    def leave_out(path: Path) -> bool:
        if folders and _inside(path, folders):
            if excluded is not None:
                excluded.append(path)
            return True
        return False

    for raw in paths:
        path = Path(raw)
        if leave_out(path):
            continue
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                kept = []
                for d in sorted(d for d in dirs if not d.startswith(".")):
                    if not leave_out(Path(root) / d):
                        kept.append(d)
                dirs[:] = kept
                for name in sorted(files):
                    if not name.startswith("."):
                        found.append(SourceFile(Path(root) / name, Path(root)))
        else:
            found.append(SourceFile(path, path.parent))
    return found
