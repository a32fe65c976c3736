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

#: (group module, group, command module, command): commands added to another module's group here,
#: so that the group's module need not import them (``engagement.scale`` uses ``engagement.seed``).
SUBCOMMANDS = [
    ("engagement.seed", "seed", "engagement.scale", "scale_command"),
]


def register(app: Flask) -> None:
    for module, attribute in COMMANDS:
        app.cli.add_command(getattr(importlib.import_module(module), attribute))
    for group_module, group, module, attribute in SUBCOMMANDS:
        parent = getattr(importlib.import_module(group_module), group)
        parent.add_command(getattr(importlib.import_module(module), attribute))
