"""Meetup jobs: the feedback survey after each meetup."""

from __future__ import annotations

from flask import current_app

from engagement.meetups.services import send_feedback_surveys
from engagement.scheduler.registry import job


@job("meetups_feedback_survey", minutes=30)
def feedback_survey_job() -> int:
    """Email the survey link to each registrant of a meetup that just ended (once each)."""
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        return send_feedback_surveys()
