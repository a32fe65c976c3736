"""The ``flask`` command groups of every feature."""

from __future__ import annotations

import importlib

from flask import Flask

#: module, attribute: each a click group or command.
COMMANDS = [
    ("engagement.auth.commands", "users"),
    ("engagement.seed", "seed"),
    ("engagement.scheduler.commands", "scheduler"),
    ("engagement.roadmap.commands", "roadmap"),
]


def register(app: Flask) -> None:
    for module, attribute in COMMANDS:
        app.cli.add_command(getattr(importlib.import_module(module), attribute))
