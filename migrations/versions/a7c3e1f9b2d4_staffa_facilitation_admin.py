"""staffa: facilitation and admin staff workflows

"Other" funding channels named while referring.

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


def upgrade():
    with op.batch_alter_table("funding_channel", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_funding_channel_funding_channel_kind"), type_="check")
        batch_op.create_check_constraint("funding_channel_kind", _kind_check(NEW_KINDS))


def downgrade():
    op.execute("UPDATE funding_channel SET kind = 'investor' WHERE kind = 'other'")
    with op.batch_alter_table("funding_channel", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_funding_channel_funding_channel_kind"), type_="check")
        batch_op.create_check_constraint("funding_channel_kind", _kind_check(OLD_KINDS))
