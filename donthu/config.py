"""One place for options (as OCRmyPDF keeps its options in one place).

Every value comes from the environment with a sensible embedded default; nothing else is global.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("./donthu-data")
    #: SQLAlchemy URL of the system of record; default: SQLite file inside data_dir
    database_url: str | None = None
    #: "sqlite" (FTS5, embedded) or "elasticsearch"
    search_backend: str = "sqlite"
    es_url: str | None = None
    #: Celery broker (scale-out); when set, the API queues uploads for Celery workers instead of its own pool
    broker_url: str | None = None
    #: local worker pool size (embedded mode)
    workers: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))
    ocr_lang: str = "vie"
    #: page-level quality control: a poorly read page is read other ways and the best reading kept (ocr.page)
    ocr_quality_control: bool = True
    #: decompression-bomb guard: refuse page images above this many pixels
    max_pixels: int = 180_000_000
    #: refuse files above this size (bytes)
    max_file_bytes: int = 512 * 1024 * 1024
    #: refuse documents with more pages than this
    max_pages: int = 2000
    #: DPI to render PDF pages that have no single embedded image
    render_dpi: int = 300
    #: DPI of page images served for text-layer pages
    preview_dpi: int = 150

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "donthu.sqlite"

    @property
    def index_path(self) -> Path:
        return self.data_dir / "index.sqlite"

    @property
    def originals_dir(self) -> Path:
        return self.data_dir / "originals"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path}"

    def with_data_dir(self, path: str | Path) -> "Settings":
        return replace(self, data_dir=Path(path))


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment (`env`: another mapping, e.g. the environment of a worker to start)."""
    env = os.environ if env is None else env
    return Settings(
        data_dir=Path(env.get("DONTHU_DATA_DIR", "./donthu-data")),
        database_url=env.get("DONTHU_DATABASE_URL") or None,
        search_backend=env.get("DONTHU_SEARCH_BACKEND", "sqlite"),
        es_url=env.get("DONTHU_ES_URL") or None,
        broker_url=env.get("DONTHU_BROKER_URL") or None,
        workers=_int("DONTHU_WORKERS", max(1, os.cpu_count() or 1)),
        ocr_lang=env.get("DONTHU_OCR_LANG", "vie"),
        ocr_quality_control=env.get("DONTHU_OCR_QUALITY_CONTROL", "1").strip().lower() not in ("0", "false", "no"),
        max_pixels=_int("DONTHU_MAX_PIXELS", 180_000_000),
        max_file_bytes=_int("DONTHU_MAX_FILE_BYTES", 512 * 1024 * 1024),
        max_pages=_int("DONTHU_MAX_PAGES", 2000),
        render_dpi=_int("DONTHU_RENDER_DPI", 300),
        preview_dpi=_int("DONTHU_PREVIEW_DPI", 150),
    )
