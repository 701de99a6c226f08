"""Initial schema: every table of records/tables.py, plus document_jobs and page_results (ingest.distributed).

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-25
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('batches',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('label', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('dossiers',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('folder', sa.String(length=2000), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('file', sa.String(length=2000), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('mime', sa.String(length=200), nullable=True),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('pages_total', sa.Integer(), nullable=False),
    sa.Column('pages_done', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=True),
    sa.Column('type', sa.String(length=40), nullable=True),
    sa.Column('type_confidence', sa.Float(), nullable=True),
    sa.Column('doc_date', sa.String(length=10), nullable=True),
    sa.Column('record_json', sa.Text(), nullable=True),
    sa.Column('owner', sa.String(length=300), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256')
    )
    op.create_index('ix_documents_batch', 'documents', ['batch_id'], unique=False)
    op.create_index('ix_documents_dossier', 'documents', ['dossier_id'], unique=False)
    op.create_index('ix_documents_status', 'documents', ['status'], unique=False)
    op.create_table('batch_items',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('file', sa.String(length=2000), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('batch_id', 'file', name='uq_batch_items_batch_file')
    )
    op.create_index('ix_batch_items_batch', 'batch_items', ['batch_id'], unique=False)
    op.create_table('doc_references',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=200), nullable=False),
    sa.Column('date', sa.String(length=10), nullable=True),
    sa.Column('issuer', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_doc_references_document', 'doc_references', ['document_id'], unique=False)
    op.create_index('ix_doc_references_number', 'doc_references', ['number'], unique=False)
    op.create_table('document_jobs',
    sa.Column('document_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('queue', sa.String(length=200), nullable=False),
    sa.Column('mime', sa.String(length=200), nullable=True),
    sa.Column('pages_total', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id')
    )
    op.create_table('page_results',
    sa.Column('document_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('page_number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('owner', sa.String(length=300), nullable=True),
    sa.Column('result_json', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'page_number')
    )
    op.create_table('pages',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'number')
    )
    op.create_table('parcels',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('parcel_no', sa.String(length=100), nullable=False),
    sa.Column('map_sheet', sa.String(length=100), nullable=True),
    sa.Column('area_m2', sa.Float(), nullable=True),
    sa.Column('land_use', sa.String(length=200), nullable=True),
    sa.Column('commune', sa.String(length=200), nullable=True),
    sa.Column('district', sa.String(length=200), nullable=True),
    sa.Column('province', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_parcels_document', 'parcels', ['document_id'], unique=False)
    op.create_index('ix_parcels_no', 'parcels', ['parcel_no', 'map_sheet'], unique=False)
    op.create_table('parties',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('id_number', sa.String(length=40), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_parties_document', 'parties', ['document_id'], unique=False)
    op.create_index('ix_parties_name', 'parties', ['name'], unique=False)
    op.create_table('words',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('page_number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('idx', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('left', sa.Integer(), nullable=False),
    sa.Column('top', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('block', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', 'page_number', 'idx')
    )


def downgrade() -> None:
    op.drop_table('words')
    op.drop_index('ix_parties_name', table_name='parties')
    op.drop_index('ix_parties_document', table_name='parties')
    op.drop_table('parties')
    op.drop_index('ix_parcels_no', table_name='parcels')
    op.drop_index('ix_parcels_document', table_name='parcels')
    op.drop_table('parcels')
    op.drop_table('pages')
    op.drop_table('page_results')
    op.drop_table('document_jobs')
    op.drop_index('ix_doc_references_number', table_name='doc_references')
    op.drop_index('ix_doc_references_document', table_name='doc_references')
    op.drop_table('doc_references')
    op.drop_index('ix_batch_items_batch', table_name='batch_items')
    op.drop_table('batch_items')
    op.drop_index('ix_documents_status', table_name='documents')
    op.drop_index('ix_documents_dossier', table_name='documents')
    op.drop_index('ix_documents_batch', table_name='documents')
    op.drop_table('documents')
    op.drop_table('dossiers')
    op.drop_table('batches')
