"""Where files come from: paths given on the command line, walked recursively in a stable order."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SourceFile:
    path: Path
    folder: Path  # the folder it was found in (a dossier with --dossier-per-folder)


def walk(paths: list[str | Path]) -> list[SourceFile]:
    """Files under `paths` (files as given, folders recursively), hidden entries skipped, sorted."""
    found: list[SourceFile] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        found.append(SourceFile(Path(root) / name, Path(root)))
        else:
            found.append(SourceFile(path, path.parent))
    return found
