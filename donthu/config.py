"""One place for options (as OCRmyPDF keeps its options in one place).

Every value comes from the environment with a sensible embedded default; nothing else is global, and no
other module reads a DONTHU_* variable: `Settings` (`load_settings`) for the whole service, `ScaleSettings`
(`load_scale_settings`) for the Celery scale-out.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("./donthu-data")
    #: SQLAlchemy URL of the system of record; default: SQLite file inside data_dir
    database_url: str | None = None
    #: "tantivy" (the default: embedded, directory index.tantivy in data_dir, made on first use; issue 19:
    #: docs/performance.md "Search at archive scale"), "sqlite" (FTS5, embedded, file index.sqlite;
    #: several times slower at 10^5 pages) or "elasticsearch" (scale-out, DONTHU_ES_URL). An embedded index
    #: that is missing while records exist is built from them on first use (ingest.indexing.open_index)
    search_backend: str = "tantivy"
    es_url: str | None = None
    #: Celery broker (scale-out); when set, the API queues uploads for Celery workers instead of its own pool
    broker_url: str | None = None
    #: local worker pool size (embedded mode)
    workers: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))
    ocr_lang: str = "vie"
    #: OCR engine behind ocr.engines: "tesseract", "trueocr" or "combined" (both, the better reading per line)
    ocr_engine: str = "combined"
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
    #: OCR engine binding: "" chooses (tesserocr when its Tesseract is the `tesseract` command's, else
    #: pytesseract), "tesserocr" or "pytesseract" forces one (ocr.engine)
    ocr_backend: str = ""
    #: characters of PDF text layers: "pdfium" (fast, where its coordinates map simply) or "pdfplumber"
    #: everywhere (ocr.textlayer)
    text_chars: str = "pdfium"
    #: Host header values the service answers (DNS rebinding guard, api.hardening); "*" answers any
    allowed_hosts: tuple[str, ...] = ("localhost", "127.0.0.1", "testserver")
    #: uploads received at the same time; one more is answered 503 with Retry-After (api.uploads)
    max_concurrent_uploads: int = 2
    #: bytes one uploader may send in 24 hours (0: no quota; api.uploads.UploadGate)
    upload_quota_bytes: int = 0
    #: pixel budget of a served page image: larger pages are scaled down to fit (ingest.pages.page_image)
    preview_max_pixels: int = 12_000_000
    #: most words (and quoted phrases' words) a search query may have — more are answered 422 (a query of
    #: 1,000 words made the index fail with a 500)
    max_query_words: int = 64
    #: key that signs the web session cookies (DONTHU_SECRET_KEY); None: a random one kept in
    #: data_dir/secret.key (made on first start, readable by the service's user only)
    secret_key: str | None = None
    #: a web session ends after this many minutes without a request (DONTHU_SESSION_IDLE_MINUTES)
    session_idle_minutes: int = 30
    #: and at the latest this many hours after the login (DONTHU_SESSION_MAX_HOURS)
    session_max_hours: int = 12

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "donthu.sqlite"

    @property
    def index_path(self) -> Path:
        return self.data_dir / "index.sqlite"

    @property
    def tantivy_path(self) -> Path:
        return self.data_dir / "index.tantivy"

    @property
    def search_engine(self) -> str:
        """`search_backend` as one name: "tantivy", "sqlite" or "elasticsearch" (also written "elastic" or "es";
        empty: the default)."""
        name = (self.search_backend or Settings.search_backend).lower()
        return "elasticsearch" if name in ("elastic", "es") else name

    @property
    def embedded_index_path(self) -> Path | None:
        """Where the configured embedded index lives (`tantivy_path` or `index_path`); None for Elasticsearch."""
        return {"tantivy": self.tantivy_path, "sqlite": self.index_path}.get(self.search_engine)

    @property
    def originals_dir(self) -> Path:
        return self.data_dir / "originals"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path}"

    def with_data_dir(self, path: str | Path) -> "Settings":
        return replace(self, data_dir=Path(path))


#: the OCR engines ocr.engines provides (DONTHU_OCR_ENGINE)
OCR_ENGINES = ("tesseract", "trueocr", "combined", "combined-lines")


def _engine(value: str) -> str:
    name = value.strip().lower() or "tesseract"
    if name not in OCR_ENGINES:
        raise ValueError(f"DONTHU_OCR_ENGINE={value!r}: not one of {', '.join(OCR_ENGINES)}")
    return name


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment (`env`: another mapping, e.g. the environment of a worker to start)."""
    env = os.environ if env is None else env
    return Settings(
        data_dir=Path(env.get("DONTHU_DATA_DIR", "./donthu-data")),
        database_url=env.get("DONTHU_DATABASE_URL") or None,
        search_backend=env.get("DONTHU_SEARCH_BACKEND", "").strip().lower() or Settings.search_backend,
        es_url=env.get("DONTHU_ES_URL") or None,
        broker_url=env.get("DONTHU_BROKER_URL") or None,
        workers=_env_int(env, "DONTHU_WORKERS", max(1, os.cpu_count() or 1)),
        ocr_lang=env.get("DONTHU_OCR_LANG", "vie"),
        ocr_engine=_engine(env.get("DONTHU_OCR_ENGINE", "combined")),
        ocr_quality_control=env.get("DONTHU_OCR_QUALITY_CONTROL", "1").strip().lower() not in ("0", "false", "no"),
        max_pixels=_env_int(env, "DONTHU_MAX_PIXELS", 180_000_000),
        max_file_bytes=_env_int(env, "DONTHU_MAX_FILE_BYTES", 512 * 1024 * 1024),
        max_pages=_env_int(env, "DONTHU_MAX_PAGES", 2000),
        render_dpi=_env_int(env, "DONTHU_RENDER_DPI", 300),
        preview_dpi=_env_int(env, "DONTHU_PREVIEW_DPI", 150),
        ocr_backend=env.get("DONTHU_OCR_BACKEND", "").strip().lower(),
        text_chars="pdfplumber" if env.get("DONTHU_TEXT_CHARS", "").strip().lower() == "pdfplumber" else "pdfium",
        allowed_hosts=_hosts(env.get("DONTHU_ALLOWED_HOSTS", "")),
        max_concurrent_uploads=max(1, _env_int(env, "DONTHU_MAX_CONCURRENT_UPLOADS", 2)),
        upload_quota_bytes=max(0, _env_int(env, "DONTHU_UPLOAD_QUOTA_BYTES", 0)),
        preview_max_pixels=max(1_000_000, _env_int(env, "DONTHU_PREVIEW_MAX_PIXELS", 12_000_000)),
        max_query_words=max(1, _env_int(env, "DONTHU_MAX_QUERY_WORDS", 64)),
        secret_key=env.get("DONTHU_SECRET_KEY") or None,
        session_idle_minutes=_env_int(env, "DONTHU_SESSION_IDLE_MINUTES", 30),
        session_max_hours=_env_int(env, "DONTHU_SESSION_MAX_HOURS", 12),
    )


def _hosts(value: str) -> tuple[str, ...]:
    """DONTHU_ALLOWED_HOSTS: comma-separated host names (no port), e.g. "donthu.thanhtra.gov.vn,10.0.0.5"."""
    hosts = tuple(h.strip().lower() for h in value.split(",") if h.strip())
    return hosts or Settings.allowed_hosts


DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/0"


def _env_int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name)
    return int(value) if value else default


@dataclass(frozen=True)
class ScaleSettings:
    """Options of the distributed mode (env DONTHU_*; see ingest.celery_app and docs/scale-out.md)."""

    broker_url: str = DEFAULT_BROKER_URL
    result_backend: str = DEFAULT_BROKER_URL
    queue_prefix: str = ""
    visibility_timeout: int = 900
    unacked_restore_interval: int = 10
    #: deliveries of one document (or page) before it is given up as a poison file
    max_attempts: int = 3
    #: retries of a transient fault (database/broker/index unreachable), exponential backoff
    retry_max: int = 6
    retry_backoff_max: int = 300

    @property
    def intake_queue(self) -> str:
        return f"{self.queue_prefix}intake"

    @property
    def archive_queue(self) -> str:
        return f"{self.queue_prefix}archive"

    def queue(self, name: str) -> str:
        """The real queue name of "intake" or "archive"."""
        if name not in ("intake", "archive"):
            raise ValueError(f"queue must be 'intake' or 'archive', not {name!r}")
        return self.intake_queue if name == "intake" else self.archive_queue


def load_scale_settings(env: Mapping[str, str] | None = None) -> ScaleSettings:
    env = os.environ if env is None else env
    broker = env.get("DONTHU_BROKER_URL") or DEFAULT_BROKER_URL
    visibility = _env_int(env, "DONTHU_VISIBILITY_TIMEOUT", 900)
    return ScaleSettings(
        broker_url=broker,
        result_backend=env.get("DONTHU_RESULT_BACKEND") or broker,
        queue_prefix=env.get("DONTHU_QUEUE_PREFIX", ""),
        visibility_timeout=visibility,
        unacked_restore_interval=_env_int(env, "DONTHU_UNACKED_RESTORE_INTERVAL", 10),
        max_attempts=max(1, _env_int(env, "DONTHU_MAX_ATTEMPTS", 3)),
        retry_max=_env_int(env, "DONTHU_RETRY_MAX", 6),
        # a retry waits as an ETA message held by the worker: keep it well inside the visibility timeout
        retry_backoff_max=min(_env_int(env, "DONTHU_RETRY_BACKOFF_MAX", 300), max(1, visibility // 2)),
    )
