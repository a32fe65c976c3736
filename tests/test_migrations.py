"""Migrations build the schema the models describe: ``flask db upgrade`` on an empty database
(SQLite, and PostgreSQL when the suite runs on it), then Alembic's autogenerate comparison must
find no difference; ``flask db downgrade base`` takes everything away again.

The commands run in a subprocess, exactly as an operator runs them (and so Alembic's logging
set-up cannot disturb the rest of the suite).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engagement import models  # noqa: F401 - every feature's tables in db.metadata
from engagement.extensions import db
from tests.servers import ROOT, server_env


def flask_db(url: str, instance: Path, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "db", *args],
        cwd=ROOT,
        env=server_env(url, instance),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"flask db {' '.join(args)} failed:\n{result.stderr[-4000:]}"


def summarise(difference: object) -> str:
    """``('add_table', Table(...))`` → ``add_table event``: short enough to read in a failure."""
    if isinstance(difference, list):  # modify_* differences come grouped per column
        return "; ".join(summarise(item) for item in difference)
    op, *items = difference  # type: ignore[misc]
    names = [
        item if isinstance(item, str) else getattr(item, "name", None) or type(item).__name__
        for item in items
        if item is not None and not isinstance(item, dict)
    ]
    return f"{op} {' '.join(str(name) for name in names[:4])}"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path) -> Iterator[str]:
    """The URL of a new, empty database of the given kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    admin_url = os.environ.get("ENGAGEMENT_TEST_PG_ADMIN_URL")
    test_url = os.environ.get("ENGAGEMENT_TEST_DATABASE_URL", "")
    if not admin_url or not test_url.startswith("postgresql"):
        pytest.skip("PostgreSQL runs only under scripts/test (ENGAGEMENT_TEST_PG_ADMIN_URL)")
    name = f"engagement_migrations_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


# SQLite cannot reflect expression indexes (the facilitation queue's PostgreSQL-only due-sort
# index): Alembic skips comparing them there and says so.
@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index"
)
def test_upgrade_matches_models_and_downgrade_removes_all(empty_database, tmp_path):
    flask_db(empty_database, tmp_path, "upgrade")
    engine = sa.create_engine(empty_database)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert not differences, (
            "The models and migrations/versions differ; regenerate the migration "
            "(flask db migrate) and review it:\n  "
            + "\n  ".join(summarise(difference) for difference in differences)
        )
        flask_db(empty_database, tmp_path, "downgrade", "base")
        left = set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
        assert not left, f"downgrade base left tables behind: {sorted(left)}"
    finally:
        engine.dispose()
