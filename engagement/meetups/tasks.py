"""Meetup jobs: the feedback survey after each meetup."""

from __future__ import annotations

from engagement.core.context import offline_request_context
from engagement.meetups.services import send_feedback_surveys
from engagement.scheduler.registry import job


@job("meetups_feedback_survey", minutes=30)
def feedback_survey_job() -> int:
    """Email the survey link to each registrant of a meetup that just ended (once each)."""
    with offline_request_context():
        return send_feedback_surveys()
