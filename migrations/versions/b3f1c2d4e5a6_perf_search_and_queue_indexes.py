"""perf: trigram indexes for the directory's name search; the queue's due-sort index

The facilitation queue's default sort is ``(first_response_at IS NOT NULL), first_response_due_at,
id``; an index on exactly that expression lets PostgreSQL read the first page in order and stop
(``ix_facilitation_request_due_first_sort``, PostgreSQL only: SQLite sorts its small tables and
Alembic cannot compare expression indexes there).

The directory searches with ``column ILIKE '%text%'`` on PostgreSQL (engagement.directory.
services, ``_name_matches``; SQLite: ``lower(column) LIKE lower(text)``). A B-tree cannot serve
a pattern with a leading wildcard; a GIN index with ``gin_trgm_ops`` can, for any text of three
characters or more. On SQLite the same names are plain indexes on the columns (so migrations
and models agree everywhere; the substring search there stays a scan, on small databases).
The models declare the same indexes (``engagement.directory.models.TRIGRAM_INDEXES``).

Revision ID: b3f1c2d4e5a6
Revises: a7c3e9d1f204
Create Date: 2026-12-02 15:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b3f1c2d4e5a6"
down_revision = 'a7c3e9d1f204'
branch_labels = None
depends_on = None

#: (index name, table, column): each a GIN index on the column with gin_trgm_ops.
TRIGRAM_INDEXES = [
    ("ix_company_legal_name_trgm", "company", "legal_name"),
    ("ix_company_registration_number_trgm", "company", "registration_number"),
    ("ix_startup_name_trgm", "startup", "name"),
    ("ix_overseas_entity_name_trgm", "overseas_entity", "name"),
    ("ix_stakeholder_body_name_trgm", "stakeholder_body", "name"),
    ("ix_contact_name_trgm", "contact", "name"),
]


DUE_SORT = "ix_facilitation_request_due_first_sort"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        for name, table, column in TRIGRAM_INDEXES:
            op.create_index(name, table, [column])
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM_INDEXES:
        op.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON "{table}" USING gin ({column} gin_trgm_ops)'
        )
    op.execute(
        f"CREATE INDEX IF NOT EXISTS {DUE_SORT} ON facilitation_request "
        "((first_response_at IS NOT NULL), first_response_due_at, id)"
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        for name, table, _column in reversed(TRIGRAM_INDEXES):
            op.drop_index(name, table_name=table)
        return
    op.execute(f"DROP INDEX IF EXISTS {DUE_SORT}")
    for name, _table, _column in reversed(TRIGRAM_INDEXES):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    # The extension stays: other objects may use it, and dropping it needs more rights.
