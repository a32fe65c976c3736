"""staffa: facilitation and admin staff workflows

"Other" funding channels named while referring; the staff who handle each sphere (new
requests are announced to them); the audit of account administration (invitations,
deactivation, roles, supervisors); the supervisor each staff member reports to.

Revision ID: a7c3e1f9b2d4
Revises: fc17684a3c4c
Create Date: 2026-12-02 15:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c3e1f9b2d4"
down_revision = 'fc17684a3c4c'
branch_labels = None
depends_on = None

OLD_KINDS = ("investor", "vc", "angel_network", "bank", "government", "donor", "accelerator")
NEW_KINDS = (*OLD_KINDS, "other")


def _kind_check(kinds: tuple[str, ...]) -> str:
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


SPHERES = (
    "marketing",
    "infrastructure",
    "capital_availability",
    "policy_consulting",
    "hr",
    "business_development",
)


def upgrade():
    with op.batch_alter_table("funding_channel", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_funding_channel_funding_channel_kind"), type_="check")
        batch_op.create_check_constraint("funding_channel_kind", _kind_check(NEW_KINDS))

    op.create_table(
        "facilitation_sphere_handler",
        sa.Column(
            "sphere",
            sa.Enum(
                *SPHERES,
                name="facilitation_sphere_handler_sphere",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_facilitation_sphere_handler_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sphere", "user_id", name=op.f("pk_facilitation_sphere_handler")),
    )
    with op.batch_alter_table("facilitation_sphere_handler", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilitation_sphere_handler_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "account_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user.id"],
            name=op.f("fk_account_event_actor_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_account_event_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_event")),
    )
    with op.batch_alter_table("account_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_event_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_account_event_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_account_event_created_at"), ["created_at"], unique=False
        )

    with op.batch_alter_table("facilitation_staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reports_to_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_facilitation_staff_reports_to_id"), ["reports_to_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_facilitation_staff_reports_to_id_user"),
            "user",
            ["reports_to_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("facilitation_staff", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_facilitation_staff_reports_to_id_user"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_facilitation_staff_reports_to_id"))
        batch_op.drop_column("reports_to_id")

    with op.batch_alter_table("account_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_event_created_at"))
        batch_op.drop_index(batch_op.f("ix_account_event_user_id"))
        batch_op.drop_index(batch_op.f("ix_account_event_actor_id"))
    op.drop_table("account_event")

    with op.batch_alter_table("facilitation_sphere_handler", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilitation_sphere_handler_user_id"))
    op.drop_table("facilitation_sphere_handler")

    op.execute("UPDATE funding_channel SET kind = 'investor' WHERE kind = 'other'")
    with op.batch_alter_table("funding_channel", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_funding_channel_funding_channel_kind"), type_="check")
        batch_op.create_check_constraint("funding_channel_kind", _kind_check(OLD_KINDS))
