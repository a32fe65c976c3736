"""Roadmap jobs: the weekly re-plan of the rolling six-month horizon."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from engagement import clock
from engagement.auth.models import Role, User
from engagement.extensions import db
from engagement.notifications.services import queue_mail
from engagement.roadmap import adapter
from engagement.roadmap.models import RoadmapPlan
from engagement.scheduler.registry import job

log = logging.getLogger(__name__)


def _week_key() -> str:
    year, week, _ = clock.now().isocalendar()
    return f"{year}-W{week:02d}"


@job("roadmap_weekly_replan", "cron", day_of_week="mon", hour=2, minute=30)
def weekly_replan() -> str:
    """Re-plan the horizon as drafts (published meetups stay fixed; cancelled ones get a
    replacement proposal) and email staff what changed. Once per ISO week."""
    now = clock.now()
    week_start = (now - timedelta(days=now.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    done = db.session.scalar(
        sa.select(RoadmapPlan.id).where(
            RoadmapPlan.source == "weekly", RoadmapPlan.created_at >= week_start
        )
    )
    if done is not None:
        return "already planned this week"
    try:
        outcome = adapter.run_planner(None, "weekly")
    except adapter.RoadmapError as error:
        log.warning("weekly roadmap re-plan refused: %s", error.message)
        return f"refused: {error.message}"
    link = current_app.config["BASE_URL"].rstrip("/") + "/roadmap/board"
    week = _week_key()
    staff = db.session.scalars(
        sa.select(User)
        .where(User.role.in_((Role.STAFF, Role.ADMIN)), User.active.is_(True))
        .order_by(User.id)
    ).all()
    for user in staff:
        queue_mail(
            user.email,
            f"Meetup roadmap re-planned ({week}): {len(outcome.added)} new, "
            f"{len(outcome.dropped)} dropped",
            "roadmap_summary",
            dedupe_key=f"roadmap-summary:{week}:{user.id}",
            user=user,
            plan=outcome.plan,
            outcome=outcome,
            link=link,
        )
    return f"plan {outcome.plan.id}: +{len(outcome.added)} -{len(outcome.dropped)}"
