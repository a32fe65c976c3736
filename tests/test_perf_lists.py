"""Issue 13 (speed): the bounded pagination count and the per-process reference-list cache."""

from __future__ import annotations

import sqlalchemy as sa

from engagement.directory import reference
from engagement.directory.models import City, Company, EmployeeBand
from engagement.extensions import db


def _companies(app, n: int) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        db.session.add_all(
            Company(legal_name=f"Indus Works {i:02d}", employee_band=EmployeeBand.B11_50)
            for i in range(n)
        )
        db.session.commit()


def _statements(app, call):  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def listener(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        result = call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return result, seen


def test_count_stops_at_its_bound_and_moves_on_with_the_page(app, monkeypatch):
    _companies(app, 9)
    monkeypatch.setitem(app.config, "PAGINATION_COUNT_AHEAD", 4)
    select = sa.select(Company).order_by(Company.legal_name)
    with app.test_request_context():
        first = db.paginate(select, page=1, per_page=2)
        assert (first.total, first.total_is_lower_bound, first.total_label) == (
            4,
            True,
            "more than 4",
        )
        assert first.has_next and first.pages == 2
        assert [c.legal_name for c in first.items] == ["Indus Works 00", "Indus Works 01"]
        # Page 3 counts up to its offset (4) + 4: still more than 8.
        third = db.paginate(select, page=3, per_page=2)
        assert (third.total, third.total_is_lower_bound) == (8, True)
        assert third.has_next
        # Page 4 counts up to 6 + 4 = 10 > 9 rows: the exact total.
        fourth = db.paginate(select, page=4, per_page=2)
        assert (fourth.total, fourth.total_is_lower_bound, fourth.total_label) == (9, False, "9")
        assert fourth.pages == 5
    monkeypatch.setitem(app.config, "PAGINATION_COUNT_AHEAD", 1000)
    with app.test_request_context():
        exact = db.paginate(select, page=1, per_page=2)
        assert (exact.total, exact.total_is_lower_bound) == (9, False)


def test_count_reads_a_bounded_subquery(app, monkeypatch):
    _companies(app, 3)
    monkeypatch.setitem(app.config, "PAGINATION_COUNT_AHEAD", 50)
    with app.test_request_context():
        _page, seen = _statements(
            app, lambda: db.paginate(sa.select(Company).order_by(Company.id), per_page=25)
        )
    count = next(s for s in seen if "count(*)" in s)
    assert "LIMIT" in count.upper()


def test_directory_page_and_api_say_more_than(app, login_as, monkeypatch):
    _companies(app, 6)
    monkeypatch.setitem(app.config, "PAGINATION_COUNT_AHEAD", 2)
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    staff = login_as("staff")
    html = staff.get("/directory/companies?q=indus").get_data(as_text=True)
    assert "more than 3 entries match" in html
    assert 'rel="next"' in html

    from engagement.auth.models import User
    from engagement.auth.services import issue_api_token

    with app.app_context():
        _, secret = issue_api_token(db.session.get(User, staff.user_id), "perf test")
        db.session.commit()
    document = staff.get(
        "/api/v1/directory/companies?per_page=2",
        headers={"Authorization": f"Bearer {secret}"},
    ).json
    assert document["total"] == 3 and document["total_is_lower_bound"] is True
    monkeypatch.setitem(app.config, "PAGINATION_COUNT_AHEAD", 1000)
    document = staff.get(
        "/api/v1/directory/companies?per_page=2",
        headers={"Authorization": f"Bearer {secret}"},
    ).json
    assert document["total"] == 6 and "total_is_lower_bound" not in document


def test_reference_lists_are_read_once_and_follow_staff_changes(app):
    with app.test_request_context():
        reference.invalidate()
        cities, seen = _statements(app, reference.cities_list)
        assert cities and any("FROM city" in s for s in seen)
        again, seen = _statements(app, reference.cities_list)
        assert again is cities and seen == []
        lahore = next(c for c in cities if c.name == "Lahore")
        assert lahore.province.name == "Punjab"

        # A change through the ORM (what the roadmap's priority form does) clears the cache.
        city = db.session.get(City, lahore.id)
        before = city.meetup_priority
        city.meetup_priority = 10 if before != 10 else 9
        db.session.commit()
        try:
            fresh = next(c for c in reference.cities_list() if c.id == lahore.id)
            assert fresh.meetup_priority == city.meetup_priority
        finally:
            city.meetup_priority = before
            db.session.commit()
        assert next(c for c in reference.cities_list() if c.id == lahore.id).meetup_priority == (
            before
        )


def test_reference_cache_can_be_turned_off(app, monkeypatch):
    monkeypatch.setitem(app.config, "REFERENCE_CACHE_SECONDS", 0)
    with app.test_request_context():
        reference.sectors_list()
        _sectors, seen = _statements(app, reference.sectors_list)
    assert any("FROM sector" in s for s in seen)


def test_directory_search_can_use_the_trigram_index_on_postgresql(app):
    from engagement.directory.services import DirectoryFilters, search_companies

    _companies(app, 3)
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            import pytest

            pytest.skip("the trigram indexes are PostgreSQL's")
        statement = search_companies(DirectoryFilters.from_args({"q": "indus"}))
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        # Three rows are too few for the planner to prefer an index on its own: forbid the scan.
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(db.session.scalars(sa.text(f"EXPLAIN {compiled}")))
        db.session.rollback()
    assert "ix_company_legal_name_trgm" in plan, plan
    assert "ix_company_registration_number_trgm" in plan, plan


def test_token_and_session_users_come_with_their_organisation_in_one_statement(app, make_user):
    from engagement.auth.models import User
    from engagement.auth.services import issue_api_token, user_for_api_token
    from engagement.auth.sessions import load_user, start_session

    user_id = make_user("company", org="Indus Works")
    with app.app_context(), app.test_request_context():
        user = db.session.get(User, user_id)
        _, secret = issue_api_token(user, "perf test")
        start_session(user)
        session_id = user.get_id()
        db.session.commit()
    for load in (lambda: user_for_api_token(secret), lambda: load_user(session_id)):
        with app.test_request_context():
            db.session.expunge_all()
            name, seen = _statements(app, lambda load=load: load().membership.organisation.name)
            assert name == "Indus Works"
            assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == 1, seen
