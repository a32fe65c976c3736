"""Core: home page, error handling, transaction boundary, security headers, time display."""

from flask import Blueprint

bp = Blueprint("core", __name__)
# The views are attached by ``engagement.core.routes``, imported by ``engagement.blueprints``, not
# here: every feature imports helpers from this package (validation, i18n, context), and the
# views import features, so importing them here made ``import engagement.notifications.services``
# circular before the app was built.
