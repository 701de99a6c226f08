"""The system of record: documents, dossiers, batches, pages, words, entities, status (SQLAlchemy)."""
