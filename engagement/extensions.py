"""Flask extensions, created unbound and initialised in :func:`engagement.create_app`."""

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from engagement.db import Base

db = SQLAlchemy(model_class=Base, engine_options={"pool_pre_ping": True})
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
cache = Cache()
babel = Babel()
