"""An organisation's engagement history, assembled from what each feature contributes.

The core knows no feature: each one registers a *timeline source* when its blueprint is
registered (``bp.record_once(lambda s: add_timeline_source(s.app, "name", function))``). A source is
one small function: it receives the directory entry (a company or startup; ``organisation_id`` may
be None) and returns its :class:`TimelineEntry` items, using a fixed number of queries (one, with
eager loads), so a timeline costs one query per source however long the history is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened between PSEB and an organisation."""

    at: datetime
    #: What kind of engagement (``webinar``, ``meetup``, ``meeting``, ``facilitation``,
    #: ``verification``...): the page shows it as a label and a CSS class.
    kind: str
    title: str
    #: A short sentence of what happened ("2 registered, 1 attended").
    detail: str = ""
    url: str | None = None
    #: A state value for the ``state_badge`` macro, if any.
    state: str | None = None


TimelineSource = Callable[[Any], Iterable[TimelineEntry]]

EXTENSION_KEY = "engagement.timeline_sources"


def add_timeline_source(app: Flask, name: str, source: TimelineSource) -> None:
    """Register ``source`` under ``name`` (registering the same name again replaces it)."""
    app.extensions.setdefault(EXTENSION_KEY, {})[name] = source


def timeline_sources(app: Flask | None = None) -> dict[str, TimelineSource]:
    return dict((app or current_app).extensions.get(EXTENSION_KEY, {}))


def timeline_for(entry: Any) -> list[TimelineEntry]:
    """Every registered source's entries for ``entry``, newest first."""
    items: list[TimelineEntry] = []
    for source in timeline_sources().values():
        items.extend(source(entry))
    return sorted(items, key=lambda item: item.at, reverse=True)
