"""Roadmap jobs: the weekly re-plan of the rolling six-month horizon."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from engagement import clock
from engagement.auth.models import Role, User
from engagement.core.i18n import mail_language
from engagement.directory.models import City
from engagement.extensions import db
from engagement.notifications.services import queue_mail
from engagement.roadmap import adapter
from engagement.roadmap.board import worded_shortfall
from engagement.roadmap.models import RoadmapPlan
from engagement.roadmap.wording import short_day
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
    names = {slug: name for slug, name in db.session.execute(sa.select(City.slug, City.name))}
    for user in staff:
        # Each staff member reads the summary (subject, dates, reasons) in their own language.
        with force_locale(mail_language(user)):
            queue_mail(
                user.email,
                _(
                    "Meetup roadmap re-planned (%(week)s): %(added)s new, %(dropped)s dropped",
                    week=week,
                    added=len(outcome.added),
                    dropped=len(outcome.dropped),
                ),
                "roadmap_summary",
                dedupe_key=f"roadmap-summary:{week}:{user.id}",
                user=user,
                plan=outcome.plan,
                outcome=outcome,
                shortfall=worded_shortfall(outcome.plan, names),
                short_day=short_day,
                link=link,
            )
    return f"plan {outcome.plan.id}: +{len(outcome.added)} -{len(outcome.dropped)}"
