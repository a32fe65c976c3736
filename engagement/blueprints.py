"""The feature blueprints, registered by the factory in this order."""

from engagement.api import bp as api_bp
from engagement.auth import bp as auth_bp
from engagement.core import bp as core_bp
from engagement.core import routes as _core_views  # noqa: F401 - attaches the core views
from engagement.dashboard import bp as dashboard_bp
from engagement.directory import bp as directory_bp
from engagement.events import bp as events_bp
from engagement.facilitation import bp as facilitation_bp
from engagement.meetups import bp as meetups_bp
from engagement.partners import bp as partners_bp
from engagement.roadmap import bp as roadmap_bp
from engagement.webinars import bp as webinars_bp

BLUEPRINTS = [
    core_bp,
    auth_bp,
    directory_bp,
    events_bp,
    webinars_bp,
    meetups_bp,
    roadmap_bp,
    facilitation_bp,
    partners_bp,
    api_bp,
    dashboard_bp,
]
