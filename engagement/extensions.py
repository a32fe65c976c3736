"""Flask extensions, created unbound and initialised in :func:`engagement.create_app`."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.pagination import SelectPagination
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import orm

from engagement.db import Base


class CappedPagination(SelectPagination):
    """``db.paginate``'s result, with a count that stops ``PAGINATION_COUNT_AHEAD`` rows ahead.

    ``count(*)`` over a large filtered set reads every matching row on each page view; here the
    count reads at most this page's offset plus ``PAGINATION_COUNT_AHEAD`` (default 1000) + 1
    rows. Past that, ``total`` is that bound and ``total_is_lower_bound`` is true ("more than
    N"); ``pages``/``has_next`` follow from it, so the pager always offers the next pages, and
    the bound moves on as the reader goes further. Same number of statements as before.
    """

    total_is_lower_bound: bool = False

    def _query_count(self) -> int:
        ahead = int(current_app.config.get("PAGINATION_COUNT_AHEAD", 1000))
        # At least one row past this page, so a stopped count still offers the next page.
        bound = self._query_offset + max(ahead, self.per_page + 1)
        select = self._query_args["select"]
        sub = select.options(orm.lazyload("*")).order_by(None).limit(bound + 1).subquery()
        total = (
            self._query_args["session"]
            .execute(sa.select(sa.func.count()).select_from(sub))
            .scalar_one()
        )
        if total > bound:
            self.total_is_lower_bound = True
            return bound
        return total

    @property
    def total_label(self) -> str:
        """``"54"``, or ``"more than 1,000"`` when the count stopped at its bound."""
        total = self.total or 0
        return f"more than {total:,}" if self.total_is_lower_bound else f"{total:,}"


class EngageSQLAlchemy(SQLAlchemy):
    """Flask-SQLAlchemy whose ``paginate`` counts with a bound (:class:`CappedPagination`)."""

    def paginate(
        self, select, *, page=None, per_page=None, max_per_page=None, error_out=True, count=True
    ):  # type: ignore[no-untyped-def,override]
        return CappedPagination(
            select=select,
            session=self.session(),
            page=page,
            per_page=per_page,
            max_per_page=max_per_page,
            error_out=error_out,
            count=count,
        )


db = EngageSQLAlchemy(model_class=Base, engine_options={"pool_pre_ping": True})
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
cache = Cache()
babel = Babel()
