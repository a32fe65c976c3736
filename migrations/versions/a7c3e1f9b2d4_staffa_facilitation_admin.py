"""staffa: facilitation and admin staff workflows

"Other" funding channels named while referring; the staff who handle each sphere (new
requests are announced to them).

Revision ID: a7c3e1f9b2d4
Revises: 0d95fa68f738
Create Date: 2026-12-02 15:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c3e1f9b2d4"
down_revision = "0d95fa68f738"
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


def downgrade():
    with op.batch_alter_table("facilitation_sphere_handler", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilitation_sphere_handler_user_id"))
    op.drop_table("facilitation_sphere_handler")

    op.execute("UPDATE funding_channel SET kind = 'investor' WHERE kind = 'other'")
    with op.batch_alter_table("funding_channel", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_funding_channel_funding_channel_kind"), type_="check")
        batch_op.create_check_constraint("funding_channel_kind", _kind_check(OLD_KINDS))
