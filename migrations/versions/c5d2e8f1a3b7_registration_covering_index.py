"""perf: the registration index (event_id, state, id) also carries checked_in_at and
organisation_id on PostgreSQL (INCLUDE), so the dashboard's seat counts per period read the
index alone instead of scanning every registration. SQLite has no INCLUDE: unchanged there.

Revision ID: c5d2e8f1a3b7
Revises: b3f1c2d4e5a6
Create Date: 2026-12-02 18:05:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c5d2e8f1a3b7"
down_revision = "b3f1c2d4e5a6"
branch_labels = None
depends_on = None

NAME = "ix_registration_event_state_id"


def _recreate(include: list[str] | None) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(NAME, table_name="registration")
    op.create_index(
        NAME, "registration", ["event_id", "state", "id"], postgresql_include=include or []
    )


def upgrade():
    _recreate(["checked_in_at", "organisation_id"])


def downgrade():
    _recreate(None)
