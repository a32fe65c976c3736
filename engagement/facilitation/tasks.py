"""Facilitation jobs: SLA escalations, needs-information reminders, the weekly staff digest.

Each job reads what is due from our tables and queues mail with a dedupe key, so running it
twice (or in two processes) sends nothing twice.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from engagement import clock
from engagement.extensions import db
from engagement.facilitation import sla
from engagement.facilitation.models import CLOSED_STATES, FacilitationRequest, RequestState
from engagement.facilitation.services import (
    absolute_url,
    escalation_recipients,
    mail_language,
    request_link,
    staff_users,
    startup_recipients,
)
from engagement.notifications.services import queue_mail
from engagement.scheduler.registry import job


def overdue_requests() -> list[FacilitationRequest]:
    """Open requests whose first response is past due."""
    return list(
        db.session.scalars(
            sa.select(FacilitationRequest)
            .where(
                FacilitationRequest.first_response_at.is_(None),
                FacilitationRequest.first_response_due_at < clock.now(),
                FacilitationRequest.state.not_in(CLOSED_STATES | {RequestState.DRAFT}),
            )
            .options(
                joinedload(FacilitationRequest.assignee),
                joinedload(FacilitationRequest.organisation),
            )
            .order_by(FacilitationRequest.first_response_due_at, FacilitationRequest.id)
        )
    )


@job("facilitation_sla_check", "cron", hour=4, minute=0)
def check_slas() -> int:
    """Escalate each overdue request to its assignee and their supervisor, once per breach."""
    queued = 0
    for request in overdue_requests():
        # A breach is identified by the due time it missed: a new due time is a new breach.
        breach = request.first_response_due_at.strftime("%Y%m%dT%H%M")
        for user in escalation_recipients(request):
            with force_locale(mail_language(user)):
                queued += queue_mail(
                    user.email,
                    _(
                        "[Request #%(id)s] first response overdue: %(title)s",
                        id=request.id,
                        title=request.title,
                    ),
                    "facilitation_escalation",
                    dedupe_key=f"facilitation-sla:{request.id}:{breach}:{user.id}",
                    request=request,
                    recipient=user,
                    link=request_link(request),
                )
    return queued


@job("facilitation_needs_info_reminder", "cron", hour=5, minute=0)
def remind_needs_information() -> int:
    """Remind the startup when PSEB's question has waited NEEDS_INFO_REMINDER_DAYS working days."""
    days = int(current_app.config["NEEDS_INFO_REMINDER_DAYS"])
    now = clock.now()
    queued = 0
    waiting = db.session.scalars(
        sa.select(FacilitationRequest)
        .where(
            FacilitationRequest.state == RequestState.NEEDS_INFORMATION,
            FacilitationRequest.needs_information_at.is_not(None),
        )
        .order_by(FacilitationRequest.id)
    ).all()
    for request in waiting:
        if sla.add_working_days(request.needs_information_at, days) > now:
            continue
        asked = request.needs_information_at.strftime("%Y%m%dT%H%M%S")
        for user in startup_recipients(request):
            with force_locale(mail_language(user)):
                queued += queue_mail(
                    user.email,
                    _(
                        "[Request #%(id)s] PSEB is waiting for your answer: %(title)s",
                        id=request.id,
                        title=request.title,
                    ),
                    "facilitation_reminder",
                    dedupe_key=f"facilitation-needs-info:{request.id}:{asked}:{user.id}",
                    request=request,
                    recipient=user,
                    days=days,
                    link=request_link(request),
                )
    return queued


@job("facilitation_weekly_digest", "cron", day_of_week="mon", hour=3, minute=30)
def weekly_digest() -> int:
    """Monday summary for every staff member: open requests, overdue ones, their own queue."""
    now = clock.now()
    week = now.astimezone(sla.PK_ZONE).strftime("%G-W%V")
    open_requests = db.session.scalars(
        sa.select(FacilitationRequest)
        .where(FacilitationRequest.state.not_in(CLOSED_STATES | {RequestState.DRAFT}))
        .options(joinedload(FacilitationRequest.assignee))
        .order_by(FacilitationRequest.first_response_due_at, FacilitationRequest.id)
    ).all()
    counts = {state: 0 for state in RequestState}
    for request in open_requests:
        counts[request.state] += 1
    overdue = [r for r in open_requests if r.is_overdue]
    unassigned = [r for r in open_requests if r.assignee_id is None]
    queued = 0
    for user in staff_users():
        mine = [r for r in open_requests if r.assignee_id == user.id]
        with force_locale(mail_language(user)):
            queued += queue_mail(
                user.email,
                _("Facilitation digest, week %(week)s", week=week),
                "facilitation_digest",
                dedupe_key=f"facilitation-digest:{week}:{user.id}",
                recipient=user,
                week=week,
                counts={s: n for s, n in counts.items() if n},
                total=len(open_requests),
                overdue=overdue,
                unassigned=unassigned,
                mine=mine,
                link=request_link,
                queue_link=absolute_url("facilitation.queue"),
            )
    return queued
