"""security: server-side sessions, shared rate counters, company rename audit

Revision ID: a7c3e9d1f204
Revises: 94b1bce28f5f
Create Date: 2026-12-02 14:50:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a7c3e9d1f204"
down_revision = '94b1bce28f5f'
branch_labels = None
depends_on = None

OLD_STATES = ("confirmed", "waitlisted", "cancelled", "attended", "no_show")
NEW_STATES = (*OLD_STATES, "pending")


def upgrade():
    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=200), nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=False),
        sa.Column("remember", sa.Boolean(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_user_session_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_user_session_key_hash")),
    )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_session_user_id"), ["user_id"], unique=False)
    op.create_table(
        "rate_counter",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_counter")),
    )
    with op.batch_alter_table("rate_counter", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rate_counter_expires_at"), ["expires_at"], unique=False
        )
    op.create_table(
        "company_rename",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("old_name", sa.String(length=200), nullable=False),
        sa.Column("new_name", sa.String(length=200), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["company.id"],
            name=op.f("fk_company_rename_company_id_company"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user.id"],
            name=op.f("fk_company_rename_changed_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_rename")),
    )
    with op.batch_alter_table("company_rename", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_company_rename_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_company_rename_changed_by_id"), ["changed_by_id"], unique=False
        )
    # Registrations gain "pending" (a colleague confirms by the emailed link before holding a seat).
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_registration_registration_state"), type_="check")
        batch_op.create_check_constraint(
            "registration_state",
            sa.text("state IN (" + ", ".join(f"'{v}'" for v in NEW_STATES) + ")"),
        )
    # Tokens made before tokens expired never would: revoke them (their owners make new ones).
    op.execute(
        "UPDATE api_token SET revoked_at = CURRENT_TIMESTAMP "
        "WHERE expires_at IS NULL AND revoked_at IS NULL"
    )


def downgrade():
    op.execute("UPDATE registration SET state = 'cancelled' WHERE state = 'pending'")
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_registration_registration_state"), type_="check")
        batch_op.create_check_constraint(
            "registration_state",
            sa.text("state IN (" + ", ".join(f"'{v}'" for v in OLD_STATES) + ")"),
        )
    with op.batch_alter_table("company_rename", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_company_rename_changed_by_id"))
        batch_op.drop_index(batch_op.f("ix_company_rename_company_id"))
    op.drop_table("company_rename")
    with op.batch_alter_table("rate_counter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_counter_expires_at"))
    op.drop_table("rate_counter")
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_session_user_id"))
    op.drop_table("user_session")
