"""``flask roadmap plan|check`` (see shared/roadmap/FORMAT.md)."""

from flask.cli import AppGroup

roadmap = AppGroup("roadmap", help="Plan and check the meetup roadmap.")
