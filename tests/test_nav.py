"""The header's links per role: staff tools under "Manage" (a <details>, no JavaScript), the
rest in the bar; the same links behind "Menu" for narrow screens."""

from __future__ import annotations

import re


def wide_nav(html: str) -> tuple[list[str], list[str]]:
    nav = html[html.index('class="nav-wide"') : html.index('class="user-menu"')]
    manage = re.search(r'<ul class="menu-list">(.*?)</ul>', nav, re.S)
    bar = nav.replace(manage.group(0), "") if manage else nav
    labels = lambda text: re.findall(r"<a [^>]*>([^<]+)</a>", text)  # noqa: E731
    return labels(bar), labels(manage.group(1)) if manage else []


def test_staff_tools_are_grouped_under_manage(login_as):
    html = login_as("admin").get("/webinars/").get_data(as_text=True)
    bar, manage = wide_nav(html)
    assert bar == ["Webinars", "Meetups", "Companies", "My registrations"]
    assert manage == [
        "Dashboard",
        "Events",
        "Roadmap board",
        "Requests",
        "B2B meetings",
        "Directory",
        "Users",
    ]
    assert "<summary>Manage</summary>" in html
    narrow = html[html.index('class="nav-narrow"') :]
    for label in (*bar, *manage, "Your account"):
        assert f">{label}</a>" in narrow


def test_manage_is_marked_current_on_a_staff_page(login_as):
    html = login_as("staff").get("/directory/companies").get_data(as_text=True)
    assert '<summary aria-current="true">Manage</summary>' in html
    assert 'href="/directory/companies" aria-current="page">Directory</a>' in html


def test_company_and_visitor_have_no_manage_menu(login_as, client):
    bar, manage = wide_nav(login_as("company").get("/webinars/").get_data(as_text=True))
    assert bar == ["Webinars", "Meetups", "Companies", "My registrations", "Meetings", "My profile"]
    assert manage == []
    html = client.get("/webinars/").get_data(as_text=True)
    assert wide_nav(html) == (["Webinars", "Meetups", "Companies"], [])
    assert "Manage" not in html
