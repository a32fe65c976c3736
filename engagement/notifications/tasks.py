"""Outbox delivery job."""

from engagement.notifications.services import deliver_outbox
from engagement.scheduler.registry import job


@job("deliver_outbox", seconds=20)
def deliver_outbox_job() -> int:
    """Send due mails; failures retry with back-off."""
    return deliver_outbox()
