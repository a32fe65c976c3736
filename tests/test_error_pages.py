"""403 and 404 pages say plainly what happened and what to do instead, in the site layout;
JSON clients still get problem+json."""

from __future__ import annotations

import re


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_company_opening_facilitation_is_told_it_is_for_startups(login_as):
    company = login_as("company")
    for path in ("/facilitation/new", "/facilitation/my"):
        response = company.get(path)
        assert response.status_code == 403
        page = text(response)
        assert "This page is for startups. You are signed in as a company representative." in page
        assert "Facilitation (office space, funding channels, policy and HR help)" in page
        assert '<a class="btn" href="/webinars/">Upcoming webinars</a>' in page
        assert '<a class="btn" href="/meetings/">My meetings</a>' in page
        assert "read-protected" not in page


def test_staff_opening_the_startup_form_are_sent_to_the_queue(login_as):
    page = text(login_as("staff").get("/facilitation/new"))
    assert "This page is for startups. You are signed in as PSEB staff." in page
    assert '<a class="btn" href="/facilitation/queue">Request queue</a>' in page


def test_startup_opening_the_directory_is_offered_its_profile(login_as):
    response = login_as("startup").get("/directory/companies")
    assert response.status_code == 403
    page = text(response)
    assert "This page is for PSEB staff. You are signed in as a startup founder." in page
    assert '<a class="btn" href="/directory/profile">My profile</a>' in page


def test_a_refusal_without_advice_still_says_who_the_page_is_for(login_as):
    response = login_as("staff").get("/admin/users")
    assert response.status_code == 403
    assert "This page is for PSEB administrators. You are signed in as PSEB staff." in text(
        response
    )


def test_404_page_is_plain_and_offers_sign_in(client, login_as):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = text(response)
    assert "There is no page at this address." in page
    assert "requested URL was not found" not in page
    assert 'href="/login?next=/no/such/page"' in page
    # Another startup's request is a 404 too, with the same plain text (no sign-in offered).
    signed_in = text(login_as("startup").get("/facilitation/requests/999999"))
    assert "There is no page at this address." in signed_in and "Sign in</a>" not in signed_in


def test_json_clients_still_get_problem_json(login_as):
    company = login_as("company")
    response = company.get("/facilitation/new", headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"].startswith("This page is for startups.")


def test_every_role_has_its_words_on_the_403_page():
    from engagement.auth.access import AUDIENCES, VIEWERS
    from engagement.auth.models import Role

    assert set(AUDIENCES) == set(Role) == set(VIEWERS)
