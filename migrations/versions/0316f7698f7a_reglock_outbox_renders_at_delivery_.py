"""reglock: outbox mails rendered at delivery; the registrant's page language

Registration mails (confirmed, waitlisted, confirm your place, cancelled) no longer render their
templates and calendar file inside the seat lock: the outbox row stores the template, a small
JSON context of ids and values and the language, and the deliverer renders subject, text and
attachment when it sends (``engagement.notifications.services.render_message``). Until then
``subject`` and ``body_text`` are NULL.

``registration.language``: the page language a registrant without an account acted in, so their
later mails (reminders, feedback, a seat from the waitlist) are in it (NULL: English).

Revision ID: 0316f7698f7a
Revises: c5d2e8f1a3b7
Create Date: 2026-12-02 17:53:59.740970

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0316f7698f7a"
down_revision = "c5d2e8f1a3b7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("template", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("context", sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=10), nullable=True))
        batch_op.alter_column("subject", existing_type=sa.VARCHAR(length=300), nullable=True)
        batch_op.alter_column("body_text", existing_type=sa.TEXT(), nullable=True)

    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_column("language")

    # The older code cannot render a mail: one still waiting for its text is given up (kept,
    # failed, saying why) rather than sent empty or deleted.
    op.execute(
        "UPDATE outbox_message SET state = 'failed', subject = '', body_text = '', "
        "last_error = 'not rendered before a downgrade of the outbox' "
        "WHERE body_text IS NULL AND state = 'pending'"
    )
    op.execute("UPDATE outbox_message SET subject = '' WHERE subject IS NULL")
    op.execute("UPDATE outbox_message SET body_text = '' WHERE body_text IS NULL")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.alter_column("body_text", existing_type=sa.TEXT(), nullable=False)
        batch_op.alter_column("subject", existing_type=sa.VARCHAR(length=300), nullable=False)
        batch_op.drop_column("language")
        batch_op.drop_column("context")
        batch_op.drop_column("template")
