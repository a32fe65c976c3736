"""roadmap re-plan proposal: a board re-plan waits for staff to keep it

Revision ID: b7e2c41d9a05
Revises: b408feabab82
Create Date: 2026-12-02 14:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e2c41d9a05'
down_revision = 'b408feabab82'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('roadmap_plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposed_meetups', sa.JSON(none_as_null=True), nullable=True))


def downgrade():
    with op.batch_alter_table('roadmap_plan', schema=None) as batch_op:
        batch_op.drop_column('proposed_meetups')
