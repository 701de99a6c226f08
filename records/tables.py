"""Tables of the system of record (SQLAlchemy Core; portable between SQLite and PostgreSQL).

`metadata` is the one place the schema is declared: the records (documents, dossiers, batches, pages, words,
entities), staff corrections (`records.corrections`) and the scale-out bookkeeping (`ingest.distributed`).
Tables are created only by the Alembic migrations in `records/migrations/` (`Store` runs them on open, the
embedded SQLite database included); `tests/test_migrations.py` checks the migrated schema equals this one.
Timestamps are stored as naive UTC (`DateTime` without time zone) so both back ends compare them alike.
Dates found in documents are `YYYY-MM-DD` strings (they sort and range-compare as text).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData()

#: document processing states
STATUSES: tuple[str, ...] = ("queued", "processing", "done", "failed")
#: what happened to one file of a batch
OUTCOMES: tuple[str, ...] = ("done", "skipped", "failed", "queued")

batches = Table(
    "batches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("label", String(500), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

dossiers = Table(
    "dossiers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(500), nullable=False),
    Column("folder", String(2000)),
    Column("created_at", DateTime, nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("file", String(2000), nullable=False),  # path (batch) or upload name (API)
    Column("sha256", String(64), nullable=False, unique=True),
    Column("mime", String(200)),
    Column("size_bytes", Integer, nullable=False),
    Column("batch_id", Integer, ForeignKey("batches.id", ondelete="SET NULL")),
    Column("dossier_id", Integer, ForeignKey("dossiers.id", ondelete="SET NULL")),
    Column("status", String(20), nullable=False, default="queued"),
    Column("error", Text),
    Column("pages_total", Integer, nullable=False, default=0),
    Column("pages_done", Integer, nullable=False, default=0),
    Column("kind", String(40)),
    Column("type", String(40)),
    Column("type_confidence", Float),
    Column("doc_date", String(10)),
    Column("record_json", Text),  # the full donthu.schema.Record as JSON
    # the claim of a `processing` document: "host:pid" of the worker, and how many claims so far
    Column("owner", String(300)),
    Column("attempts", Integer, nullable=False, default=0),
    # the unit (donthu.access path, "" = the root) the document belongs to: the uploader's unit, or
    # `donthu ingest --unit`; records.read shows it only to readers whose unit contains it (migration 0005)
    Column("unit", String(300), nullable=False, default="", server_default=""),
    Column("created_at", DateTime, nullable=False),
    # also the lease heartbeat of a `processing` claim (see Store.claim)
    Column("updated_at", DateTime, nullable=False),
    Index("ix_documents_status", "status"),
    Index("ix_documents_batch", "batch_id"),
    Index("ix_documents_dossier", "dossier_id"),
    Index("ix_documents_unit", "unit"),
)

pages = Table(
    "pages",
    metadata,
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("number", Integer, primary_key=True, autoincrement=False),  # 1-based
    Column("source", String(10), nullable=False),  # ocr | text
    Column("confidence", Float),
    Column("text", Text, nullable=False),
    Column("width", Integer, nullable=False, default=0),
    Column("height", Integer, nullable=False, default=0),
    Column("notes", Text),  # JSON list of strings
    Column("error", Text),
    # judged handwritten (ocr.handwriting): listed for a clerk to type (records.typed); migration 0004
    Column("handwritten", Boolean, nullable=False, default=False, server_default=false()),
)

words = Table(
    "words",
    metadata,
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("page_number", Integer, primary_key=True, autoincrement=False),
    Column("idx", Integer, primary_key=True, autoincrement=False),  # reading order within the page
    Column("text", Text, nullable=False),
    Column("left", Integer, nullable=False),
    Column("top", Integer, nullable=False),
    Column("width", Integer, nullable=False),
    Column("height", Integer, nullable=False),
    Column("confidence", Float),
    Column("line", Integer, nullable=False, default=0),
    Column("block", Integer, nullable=False, default=0),
)

parties = Table(
    "parties",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(500), nullable=False),
    Column("role", String(40), nullable=False),
    Column("id_number", String(40)),
    Column("address", Text),
    Index("ix_parties_document", "document_id"),
    Index("ix_parties_name", "name"),
)

parcels = Table(
    "parcels",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("parcel_no", String(100), nullable=False),
    Column("map_sheet", String(100)),
    Column("area_m2", Float),
    # the area as written (migration 0008): "1,5 công tầm cấy" → count 1.5, unit "công tầm cấy", no m²
    Column("area_text", String(200)),
    Column("area_value", Float),
    Column("area_unit", String(40)),
    Column("land_use", String(200)),
    Column("commune", String(200)),
    Column("district", String(200)),
    Column("province", String(200)),
    Index("ix_parcels_document", "document_id"),
    Index("ix_parcels_no", "parcel_no", "map_sheet"),
)

# "references" is a reserved word in SQL
doc_references = Table(
    "doc_references",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("number", String(200), nullable=False),
    Column("date", String(10)),
    Column("issuer", String(500)),
    Index("ix_doc_references_document", "document_id"),
    Index("ix_doc_references_number", "number"),
)

# One row per file a batch saw, including files skipped because they were already ingested
# (a document may therefore belong to several batches; documents.batch_id is the batch that first added it).
batch_items = Table(
    "batch_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", Integer, ForeignKey("batches.id", ondelete="CASCADE"), nullable=False),
    Column("file", String(2000), nullable=False),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="SET NULL")),
    Column("outcome", String(20), nullable=False),  # done | skipped | failed | queued
    Column("error", Text),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_batch_items_batch", "batch_id"),
    UniqueConstraint("batch_id", "file", name="uq_batch_items_batch_file"),
)


# Corrections staff make to an extracted record (records.corrections): one row per corrected field.
corrections = Table(
    "corrections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("field", String(20), nullable=False),
    Column("value_json", Text, nullable=False),
    Column("who", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),  # naive UTC, like the store's timestamps
    Index("ix_corrections_document", "document_id", "field"),
)

# Scale-out (ingest.distributed): one row per submitted document: its queue, page count, deliveries of the
# planning task, timings
document_jobs = Table(
    "document_jobs",
    metadata,
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("queue", String(200), nullable=False),
    Column("mime", String(200)),
    Column("pages_total", Integer, nullable=False, default=0),
    Column("attempts", Integer, nullable=False, default=0),
    Column("submitted_at", DateTime, nullable=False),
    Column("started_at", DateTime),
    Column("finished_at", DateTime),
)

# Scale-out: one row per page of a document in flight (deleted once the document is saved)
page_results = Table(
    "page_results",
    metadata,
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("page_number", Integer, primary_key=True, autoincrement=False),
    Column("status", String(20), nullable=False),  # running | done
    Column("attempts", Integer, nullable=False, default=0),
    Column("owner", String(300)),  # "host:pid" of the worker process reading it
    Column("result_json", Text),  # the PageResult (words included) once done
    Column("updated_at", DateTime, nullable=False),
)

# Text a clerk typed for a page (records.typed): one row per entry, the latest per page applies; the OCR text
# stays in `pages` and in the record. `analysis_json` is the understanding (donthu.schema.Analysis) of the
# document's text with every page typed so far, computed when the entry was stored. Migration 0004.
typed_pages = Table(
    "typed_pages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("page_number", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("who", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),  # naive UTC, like every timestamp here
    Column("analysis_json", Text, nullable=False),
    Index("ix_typed_pages_document", "document_id", "page_number"),
)

# The register of incoming letters (sổ xử lý đơn, records.register.book; Circular 05/2021/TT-TTCP allows it
# to be kept in software): one row per letter received by a unit, numbered per unit and year. Senders,
# parcels, references and accused people are JSON lists; `signature` is the letter's MinHash
# (records.register.duplicates) so the duplicate index is rebuilt without re-reading texts. Migration 0006.
register_letters = Table(
    "register_letters",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit", String(300), nullable=False),  # donthu.access unit path
    Column("year", Integer, nullable=False),
    Column("number", Integer, nullable=False),  # register number within (unit, year)
    Column("received", String(10), nullable=False),  # YYYY-MM-DD
    Column("channel", String(20), nullable=False),  # in_person | post | forwarded | online
    Column("forwarded_by", String(500)),  # the body that forwarded it, its số and ngày
    Column("forwarded_number", String(100)),
    Column("forwarded_date", String(10)),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="SET NULL")),
    Column("dossier_id", Integer, ForeignKey("dossiers.id", ondelete="SET NULL")),  # the archived matter
    Column("senders_json", Text, nullable=False),
    Column("sender_count", Integer, nullable=False, default=1),
    Column("summary", Text, nullable=False, default=""),
    Column("type", String(40), nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("recipient", String(500)),
    Column("parcels_json", Text, nullable=False),
    Column("references_json", Text, nullable=False),
    Column("subjects_json", Text, nullable=False),
    Column("processable", Boolean),  # None: not yet judged
    Column("unprocessable_reason", String(40)),  # records.register.book.UNPROCESSABLE_REASONS
    Column("decision", String(20)),  # accept | forward | guide | return | file
    Column("decision_date", String(10)),
    Column("decision_to", String(500)),  # the competent body it was forwarded to
    Column("decision_documents", Text),  # JSON list of the documents issued (số, ngày)
    Column("accepted", String(10)),  # date of thụ lý, from which resolution deadlines run
    Column("complex_case", Boolean, nullable=False, default=False, server_default=false()),
    Column("remote", Boolean, nullable=False, default=False, server_default=false()),
    Column("officer", String(200)),
    Column("status", String(20), nullable=False),  # received | processing | decided | resolved
    Column("matter_id", Integer),  # the matter (vụ việc): the id of its first letter
    Column("signature", LargeBinary),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    # the day the next legal deadline ends (YYYY-MM-DD; None: nothing pending), records.register.book keeps it
    Column("next_due", String(10)),
    UniqueConstraint("unit", "year", "number", name="uq_register_letters_number"),
    Index("ix_register_letters_unit", "unit", "year"),
    Index("ix_register_letters_received", "received", "id"),
    Index("ix_register_letters_next_due", "next_due"),
    Index("ix_register_letters_status", "status"),
    Index("ix_register_letters_matter", "matter_id"),
)

# A letter's status history (who changed what, when)
register_events = Table(
    "register_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("letter_id", Integer, ForeignKey("register_letters.id", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("who", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("note", Text),
    Index("ix_register_events_letter", "letter_id"),
)

# Duplicate proposals made at registration and the clerk's answer (proposed | confirmed | rejected)
register_links = Table(
    "register_links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("letter_id", Integer, ForeignKey("register_letters.id", ondelete="CASCADE"), nullable=False),
    Column("other_id", Integer, ForeignKey("register_letters.id", ondelete="CASCADE"), nullable=False),
    Column("score", Float, nullable=False),
    Column("reasons_json", Text, nullable=False),
    Column("state", String(20), nullable=False),
    Column("who", String(200)),
    Column("decided_at", DateTime),
    UniqueConstraint("letter_id", "other_id", name="uq_register_links_pair"),
    Index("ix_register_links_letter", "letter_id"),
)

# Accounts (records.accounts; migration 0005): local users with an argon2 password hash, a role and a unit of
# donthu.access; API tokens for scripts (only their SHA-256 is stored); no default user.
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("password_hash", String(300), nullable=False),
    Column("role", String(20), nullable=False),
    Column("unit", String(300), nullable=False, default=""),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 hex of the token
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("label", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
)

# The audit trail (records.audit; migration 0005): append-only, each row's `hash` is the SHA-256 of the previous
# row's hash and this row's canonical content, so an edited, removed or inserted row breaks the chain.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),  # naive UTC
    Column("username", String(100), nullable=False),  # "" when nobody is logged in (a failed login)
    Column("client", String(100), nullable=False),  # the client's address
    Column("action", String(40), nullable=False),
    Column("target", Text, nullable=False),
    Column("result", String(40), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_log_action_at", "action", "at"),  # recent failed logins (migration 0009)
)

# Web sessions (records.accounts; migration 0009): one row per login, keyed by the SHA-256 of the cookie's
# random nonce; a logout, a disabled user or a changed role or unit sets `ended_at`, and `seen_at` (moved on at
# most once a minute) is what the idle timeout is judged by.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nonce_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("seen_at", DateTime, nullable=False),
    Column("ended_at", DateTime),
    Column("end_reason", String(40)),  # logout | disabled | role_changed | password_changed | idle | expired
    Index("ix_web_sessions_user", "user_id"),
)

# The archival metadata an archivist set on a dossier or a document (records.archival; Circular 05/2025/TT-BNV):
# one row per field set, the latest per (scope, target, field) applies; what nobody set is derived from the
# records. Migration 0010.
archival_metadata = Table(
    "archival_metadata",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scope", String(10), nullable=False),  # dossier | document
    Column("target_id", Integer, nullable=False),  # dossiers.id or documents.id
    Column("field", String(40), nullable=False),
    Column("value_json", Text, nullable=False),
    Column("who", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_archival_metadata_target", "scope", "target_id", "field"),
)
