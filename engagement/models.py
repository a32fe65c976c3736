"""Every feature's models, imported in one place so metadata is complete (Alembic, create_all)."""

from engagement.auth.models import *  # noqa: F403
from engagement.dashboard.models import *  # noqa: F403
from engagement.directory.models import *  # noqa: F403
from engagement.events.models import *  # noqa: F403
from engagement.facilitation.models import *  # noqa: F403
from engagement.meetups.models import *  # noqa: F403
from engagement.notifications.models import *  # noqa: F403
from engagement.partners.models import *  # noqa: F403
from engagement.roadmap.models import *  # noqa: F403
from engagement.scheduler.models import *  # noqa: F403
from engagement.webinars.models import *  # noqa: F403
