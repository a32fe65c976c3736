"""Run the registered jobs in one process, under a lease so a second process cannot double up."""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from engagement import clock
from engagement.core.context import offline_request_context
from engagement.db import write_intent
from engagement.extensions import db
from engagement.scheduler.models import SchedulerLease
from engagement.scheduler.registry import JOBS, Job

log = logging.getLogger(__name__)

LEASE_NAME = "scheduler"


def load_tasks() -> None:
    """Import every feature's ``tasks`` module so its jobs register."""
    import importlib
    import pkgutil

    import engagement

    for module in pkgutil.iter_modules(engagement.__path__):
        if module.ispkg:
            try:
                importlib.import_module(f"engagement.{module.name}.tasks")
            except ModuleNotFoundError as error:
                if error.name != f"engagement.{module.name}.tasks":
                    raise


def run_job(job: Job) -> Any:
    """Run one job as a writer, committing on success and rolling back on failure."""
    token = write_intent.set(True)
    try:
        with offline_request_context():
            result = job.func()
        db.session.commit()
        return result
    except Exception:
        db.session.rollback()
        log.exception("job %s failed", job.name)
        return None
    finally:
        db.session.remove()
        write_intent.reset(token)


def acquire_lease(holder: str, seconds: int) -> bool:
    """Take or renew the lease; False while another live holder has it."""
    token = write_intent.set(True)
    try:
        now = clock.now()
        lease = db.session.get(SchedulerLease, LEASE_NAME, with_for_update=True)
        if lease is None:
            db.session.add(
                SchedulerLease(
                    name=LEASE_NAME, holder=holder, expires_at=now + timedelta(seconds=seconds)
                )
            )
        elif lease.holder == holder or lease.expires_at <= now:
            lease.holder = holder
            lease.expires_at = now + timedelta(seconds=seconds)
        else:
            db.session.rollback()
            return False
        db.session.commit()
        return True
    except sa.exc.IntegrityError:
        db.session.rollback()
        return False
    finally:
        db.session.remove()
        write_intent.reset(token)


def release_lease(holder: str) -> None:
    token = write_intent.set(True)
    try:
        db.session.execute(
            sa.delete(SchedulerLease).where(
                SchedulerLease.name == LEASE_NAME, SchedulerLease.holder == holder
            )
        )
        db.session.commit()
    finally:
        db.session.remove()
        write_intent.reset(token)


def run_forever(app: Flask) -> None:
    """Block: wait for the lease, then run every job on its trigger until stopped."""
    load_tasks()
    holder = f"{socket.gethostname()}:{os.getpid()}"
    seconds = int(app.config["SCHEDULER_LEASE_SECONDS"])
    with app.app_context():
        while not acquire_lease(holder, seconds):
            log.info("another scheduler holds the lease; waiting")
            time.sleep(min(30, seconds / 4))
    log.info("scheduler %s holds the lease; jobs: %s", holder, ", ".join(sorted(JOBS)))

    scheduler = BlockingScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )

    def guarded(job: Job) -> None:
        with app.app_context():
            if not acquire_lease(holder, seconds):
                log.error("lost the scheduler lease; stopping")
                scheduler.shutdown(wait=False)
                return
            run_job(job)

    def heartbeat() -> None:
        with app.app_context():
            if not acquire_lease(holder, seconds):
                log.error("lost the scheduler lease; stopping")
                scheduler.shutdown(wait=False)

    for job in JOBS.values():
        scheduler.add_job(
            guarded, job.trigger, args=[job], id=job.name, name=job.name, **job.trigger_args
        )
    scheduler.add_job(heartbeat, "interval", seconds=max(5, seconds // 3), id="lease-heartbeat")
    try:
        scheduler.start()
    finally:
        with app.app_context():
            release_lease(holder)
