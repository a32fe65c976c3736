"""Scheduled sweep of the partners feature: meeting reminders 24 h and 1 h before."""

from __future__ import annotations

from engagement.partners.services import send_meeting_reminders
from engagement.scheduler.registry import job


@job("send_meeting_reminders", minutes=5)
def meeting_reminders() -> int:
    """Queue due reminders of accepted meetings (each once: outbox dedupe keys)."""
    return send_meeting_reminders()
