"""journeys: events recorded after they took place (event.recorded_past)

Revision ID: 94b1bce28f5f
Revises: 830c720d7fb6
Create Date: 2026-12-02 14:49:49.710554

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "94b1bce28f5f"
down_revision = '830c720d7fb6'
branch_labels = None
depends_on = None


def upgrade():
    # Existing events were all scheduled ahead: false. The model keeps the server default too.
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recorded_past", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("recorded_past")
