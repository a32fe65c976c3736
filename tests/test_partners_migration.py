"""The partners migration moves B2B introduction requests into meeting requests (and back on
downgrade), and lets the ``partner`` role past the user table's CHECK constraint."""

from __future__ import annotations

import sqlalchemy as sa

from tests.test_migrations import empty_database, flask_db  # noqa: F401 - fixture

#: The first release: upgrading from it also crosses later migrations that rebuild SQLite tables
#: (event, user), which must keep the rows that refer to them.
BEFORE = "0d95fa68f738"
NOW = "2027-03-01 10:00:00"


def _seed_introductions(connection) -> None:
    run = connection.execute
    run(
        sa.text(
            "INSERT INTO organisation (id, name, kind, created_at, updated_at) "
            "VALUES (1, 'Lahore Soft', 'company', :t, :t)"
        ),
        {"t": NOW},
    )
    run(
        sa.text(
            'INSERT INTO "user" (id, email, name, password_hash, role, active, security_stamp, '
            "calendar_token, created_at, updated_at) VALUES (1, 'rep@lahore.test', 'Rep', 'x', "
            "'company', true, 's', 'c', :t, :t)"
        ),
        {"t": NOW},
    )
    run(
        sa.text(
            "INSERT INTO overseas_entity (id, name, country_code, timezone, entity_type, "
            "description, created_at, updated_at) VALUES (1, 'Berlin Chamber', 'DE', "
            "'Europe/Berlin', 'chamber', '', :t, :t)"
        ),
        {"t": NOW},
    )
    columns = [c["name"] for c in sa.inspect(connection).get_columns("event")]
    values = {
        "id": 1,
        "kind": "webinar",
        "title": "Fintech with Germany",
        "starts_at": NOW,
        "ends_at": "2027-03-01 11:00:00",
        "capacity": 10,
        "state": "published",
        "timezone": "Asia/Karachi",
        "created_at": NOW,
        "updated_at": NOW,
    }
    defaults = {"description": "", "waitlist_enabled": True, "slug": "fintech"}
    values.update({k: v for k, v in defaults.items() if k in columns})
    names = ", ".join(values)
    run(
        sa.text(f"INSERT INTO event ({names}) VALUES ({', '.join(':' + k for k in values)})"),
        values,
    )
    run(
        sa.text(
            "INSERT INTO webinar (event_id, speakers, platform, created_at, updated_at) "
            "VALUES (1, '', '', :t, :t)"
        ),
        {"t": NOW},
    )
    run(
        sa.text(
            "INSERT INTO overseas_entity (id, name, country_code, timezone, entity_type,"
            " description, created_at, updated_at) VALUES (2, 'Munich Buyers', 'DE', "
            "'Europe/Berlin', 'company', '', :t, :t)"
        ),
        {"t": NOW},
    )
    for number, state, note in ((1, "requested", None), (2, "declined", "Not now")):
        run(
            sa.text(
                "INSERT INTO b2b_introduction_request (id, webinar_id, organisation_id, "
                "overseas_entity_id, requested_by_id, purpose, state, staff_note, created_at, "
                "updated_at) VALUES (:id, 1, 1, :id, 1, :purpose, :state, :note, :t, :t)"
            ),
            {
                "id": number,
                "purpose": f"Introduction {number}",
                "state": state,
                "note": note,
                "t": NOW,
            },
        )


def test_introductions_become_meeting_requests_and_come_back(empty_database, tmp_path):  # noqa: F811
    flask_db(empty_database, tmp_path, "upgrade", BEFORE)
    engine = sa.create_engine(empty_database)
    try:
        with engine.begin() as connection:
            _seed_introductions(connection)
        flask_db(empty_database, tmp_path, "upgrade")
        with engine.begin() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT organisation_id, overseas_entity_id, event_id, requested_side, "
                    "message, state, decline_reason FROM meeting_request ORDER BY id"
                )
            ).all()
            assert [tuple(r) for r in rows] == [
                (1, 1, 1, "company", "Introduction 1", "requested", None),
                (1, 2, 1, "company", "Introduction 2", "declined", "Not now"),
            ]
            assert "b2b_introduction_request" not in sa.inspect(connection).get_table_names()
            connection.execute(
                sa.text(
                    'INSERT INTO "user" (id, email, name, password_hash, role, active, '
                    "security_stamp, calendar_token, created_at, updated_at, overseas_entity_id)"
                    " VALUES (2, 'p@berlin.test', 'P', 'x', 'partner', true, 's2', 'c2', :t, :t, 1)"
                ),
                {"t": NOW},
            )
        try:
            with engine.begin() as connection:
                connection.execute(sa.text("UPDATE \"user\" SET role = 'bogus' WHERE id = 1"))
        except sa.exc.IntegrityError:
            pass
        else:  # pragma: no cover - the CHECK constraint must refuse it
            raise AssertionError("the role CHECK constraint is missing")
        flask_db(empty_database, tmp_path, "downgrade", BEFORE)
        with engine.begin() as connection:
            back = connection.execute(
                sa.text(
                    "SELECT overseas_entity_id, purpose, state, staff_note "
                    "FROM b2b_introduction_request ORDER BY overseas_entity_id"
                )
            ).all()
            assert [tuple(r) for r in back] == [
                (1, "Introduction 1", "requested", None),
                (2, "Introduction 2", "declined", "Not now"),
            ]
            roles = connection.execute(sa.text('SELECT role FROM "user"')).scalars().all()
            assert roles == ["company"]
    finally:
        engine.dispose()
