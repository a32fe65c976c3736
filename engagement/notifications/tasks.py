"""Outbox delivery job."""

import time

from engagement.notifications.services import deliver_outbox
from engagement.scheduler.registry import job

#: Seconds one run keeps sending while mails are due (the job runs every 20 s): a burst of
#: registrations is mailed within the minute, not 100 mails per run.
RUN_BUDGET_SECONDS = 15
BATCH = 100


@job("deliver_outbox", seconds=20)
def deliver_outbox_job() -> int:
    """Send due mails, batch after batch until none is due or the run's time is up; failures
    retry with back-off."""
    deadline = time.monotonic() + RUN_BUDGET_SECONDS
    total = 0
    while True:
        sent = deliver_outbox(batch=BATCH)
        total += sent
        if sent < BATCH or time.monotonic() >= deadline:
            return total
