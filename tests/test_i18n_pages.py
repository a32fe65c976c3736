"""Key pages of every feature, rendered in Urdu (``?lang=ur``) for each kind of visitor, have no
English left in what people read.

The demo data (``flask seed demo``: every feature, every role) is loaded once; each page's
visible text (tags, scripts and styles stripped; ``title``, ``aria-label``, ``placeholder``,
``alt``, ``data-confirm`` and ``data-msg-*`` attributes kept, since people read or hear those too)
must have no English word except:

- content people typed or loaded, which stays as written: every word of the database's text
  columns (names, titles, descriptions, cities, sectors), but not of its enum columns, so a raw
  state value shown instead of its label still fails;
- emails, URLs, IANA zone names and codes with digits (``PSEB/2012/0418``, ``ISO 27001``);
- the short list of proper names and codes below, each a name the Urdu text keeps on purpose.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from engagement.extensions import db

#: Names and codes an Urdu page keeps in Latin letters (as PSEB's own Urdu pages do).
ALLOWED = {
    # the product, the board and the switcher's own name for English
    "pseb", "engage", "english",
    # file formats, protocols and standards staff see by those names
    "api", "json", "csv", "pdf", "ics", "url", "qr", "sla", "nda", "iana", "utc", "fy",
    "png", "jpeg", "gif", "webp", "xlsx", "ods", "xls", "markdown", "wi", "fi",
    # abbreviations Pakistan's IT sector uses as they are
    "ites", "stp", "ngo", "usd", "cmmi", "iso", "hr",
    # products named in hints (calendar apps, video tools, keyboard keys)
    "google", "calendar", "outlook", "apple", "zoom", "microsoft", "teams", "meet", "ctrl", "cmd",
    # sources credited by name
    "natural", "earth", "data4pakistan",
    # units, and CLDR's own Urdu country names ("ہانگ کانگ SAR چین")
    "mb", "kb", "sar",
    # a province on the map's boundary data (Natural Earth), not in our reference data
    "federally", "administered", "tribal", "areas",
    # time-zone abbreviations printed by strftime("%Z")
    "pkt", "cet", "cest", "est", "edt", "gmt", "bst", "jst", "gst",
    # format examples in hints, and the remittance CSV's column "source" (its other columns have
    # underscores, skipped as codes)
    "yyyy", "nnnn", "source",
}  # fmt: skip

PAGES = {
    None: [
        "/", "/webinars/", "/webinars/past", "/meetups/", "/roadmap/", "/companies/", "/login",
        "/signup", "/password/forgot",
    ],
    "company@techlogix.demo": [
        "/account", "/account/security", "/account/organisation", "/my/registrations",
        "/directory/profile", "/meetings/",
    ],
    "founder@gilgitgrowth.demo": ["/facilitation/new", "/facilitation/my"],
    "partner@gpcci.demo": ["/partner/", "/meetings/"],
    "staff@pseb.demo": [
        "/staff/events", "/facilitation/queue", "/facilitation/report", "/roadmap/board",
        "/roadmap/cities", "/roadmap/venues", "/roadmap/settings", "/dashboard/",
        "/dashboard/briefing", "/dashboard/remittances", "/staff/meetings", "/directory/companies",
        "/directory/overseas", "/directory/bodies",
    ],
    "admin@pseb.demo": ["/admin/users"],
}  # fmt: skip
#: Pages reached through the first link matching the pattern on a page above.
FOLLOW = {
    "staff@pseb.demo": [
        ("/staff/events", r"/staff/events/\d+"),
        ("/facilitation/queue", r"/facilitation/requests/\d+"),
        ("/meetups/", r"/meetups/\d+"),
        ("/roadmap/board", r"/roadmap/entries/\d+"),
        ("/directory/companies", r"/directory/companies/\d+"),
    ],
    None: [("/webinars/", r"/webinars/\d+"), ("/meetups/", r"/meetups/\d+")],
    "partner@gpcci.demo": [("/meetings/", r"/meetings/\d+")],
}
ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-confirm"}
#: Emails, URLs, IANA zones, codes with digits or underscores (CSV column names), and a word cut
#: short with "…" (a long name shortened for a chart label).
SKIPPED = re.compile(
    r"\S+@\S+|https?://\S+|\b[A-Z][a-z]+/[A-Za-z_]+(?:/[A-Za-z_]+)?\b|\S*[\d_]\S*|\w+…"
)
WORD = re.compile(r"[A-Za-z]{2,}")


class VisibleText(HTMLParser):
    """What a person reads or hears on a page, and the page's links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.pieces: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.hidden += 1
        for name, value in attrs:
            if value and (name in ATTRIBUTES or name.startswith("data-msg-")):
                self.pieces.append(value)
            if tag == "a" and name == "href" and value:
                self.links.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.pieces.append(" ".join(data.split()))


def in_urdu(path: str) -> str:
    return path + ("&" if "?" in path else "?") + "lang=ur"


def content_words() -> set[str]:
    """Every word of the database's text columns (not its enum columns): what people typed."""
    words: set[str] = set()
    for table in db.metadata.sorted_tables:
        columns = [
            c
            for c in table.columns
            if isinstance(c.type, sa.String | sa.Text) and not isinstance(c.type, sa.Enum)
        ]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)):
            for value in row:
                if isinstance(value, str):
                    words.update(w.lower() for w in WORD.findall(value))
    return words


def english_left(html: str, allowed: set[str]) -> tuple[list[str], list[str]]:
    """(pieces of visible text with an English word not allowed, the page's links)."""
    parser = VisibleText()
    parser.feed(html)
    left = []
    for piece in parser.pieces:
        words = WORD.findall(SKIPPED.sub(" ", piece))
        if any(w.lower() not in allowed for w in words):
            left.append(piece)
    return left, parser.links


@pytest.fixture
def demo(app):
    from engagement.core.context import offline_request_context
    from engagement.seed import seed_demo

    with app.app_context():
        with offline_request_context():
            seed_demo()
        db.session.commit()
        words = content_words()
    # Requests must not run inside this app context: Flask-Babel keeps the locale on it.
    return words


def test_key_pages_in_urdu_have_no_english_left(app, demo):
    allowed = ALLOWED | demo
    found: dict[str, list[str]] = {}
    rendered = 0
    for email, paths in PAGES.items():
        client = app.test_client()
        if email:
            answer = client.post(
                "/login?lang=ur", data={"email": email, "password": "demo-pass-2026"}
            )
            assert answer.status_code == 302, email
        links: dict[str, list[str]] = {}
        todo = list(paths) + [path for path, _ in FOLLOW.get(email, [])]
        for path in dict.fromkeys(todo):
            response = client.get(in_urdu(path))
            assert response.status_code == 200, (email, path, response.status_code)
            assert 'lang="ur" dir="rtl"' in response.text
            left, links[path] = english_left(response.text, allowed)
            rendered += 1
            if left:
                found[f"{email or 'anonymous'} {path}"] = left
        for path, pattern in FOLLOW.get(email, []):
            target = next(link for link in links[path] if re.fullmatch(pattern, link))
            response = client.get(in_urdu(target))
            assert response.status_code == 200, (email, target)
            left, _links = english_left(response.text, allowed)
            rendered += 1
            if left:
                found[f"{email or 'anonymous'} {target}"] = left
    assert rendered > 40
    report = "\n".join(f"{page}: {pieces}" for page, pieces in found.items())
    assert found == {}, f"English left on Urdu pages:\n{report}"


def test_form_errors_in_urdu_are_urdu(app, client):
    """WTForms' own messages (a required field, a bad email, a bad choice) come from our
    catalogue, in the page's language."""
    page = client.post("/login?lang=ur", data={"email": "", "password": ""}).text
    assert "This field is required." not in page
    english, _links = english_left(page, ALLOWED)
    assert english == []
    signup = client.post(
        "/signup?lang=ur",
        data={"email": "not-an-email", "password": "x", "role": "nonsense", "name": ""},
    ).text
    english, _links = english_left(signup, ALLOWED)
    assert english == []
    assert "یہ درست انتخاب نہیں۔" in signup or "یہ خانہ پُر کرنا ضروری ہے۔" in signup


def test_wtforms_messages_follow_the_language(app):
    from wtforms import SelectField, StringField
    from wtforms.fields.choices import SelectChoice
    from wtforms.validators import DataRequired, Length

    from engagement.core.validation import EngageForm

    class Probe(EngageForm):
        class Meta:
            csrf = False

        name = StringField("name", [DataRequired()])
        code = StringField("code", [Length(min=3)])
        kind = SelectField("kind", choices=[SelectChoice("a", "A")])

    data = {"name": "", "code": "x", "kind": "z"}
    with app.test_request_context("/?lang=ur", method="POST", data=data):
        form = Probe()
        assert not form.validate()
        assert form.name.errors == ["یہ خانہ پُر کرنا ضروری ہے۔"]
        assert form.code.errors == ["یہ خانہ کم از کم 3 حروف کا ہونا چاہیے۔"]
        assert form.kind.errors == ["یہ درست انتخاب نہیں۔"]
    with app.test_request_context("/?lang=en", method="POST", data=data):
        form = Probe()
        assert not form.validate()
        assert form.name.errors == ["This field is required."]
        assert form.code.errors == ["Field must be at least 3 characters long."]


def test_roadmap_import_refused_in_urdu_has_no_english_left(app, demo):
    """A plan file that breaks planning rules: the import page's problems are Urdu sentences."""
    import io
    import json
    from datetime import date, timedelta

    client = app.test_client()
    client.post("/login?lang=ur", data={"email": "staff@pseb.demo", "password": "demo-pass-2026"})
    first = client.get("/roadmap/export/plan.json").get_json()["meetups"][0]
    # The same team in the same city the next day: too close, and maybe not a meetup day.
    next_day = (date.fromisoformat(first["date"]) + timedelta(days=1)).isoformat()
    plan = {"version": 1, "meetups": [first, {**first, "date": next_day}]}
    response = client.post(
        "/roadmap/import?lang=ur",
        data={"plan_file": (io.BytesIO(json.dumps(plan).encode()), "plan.json")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200 and 'lang="ur" dir="rtl"' in response.text
    errors = re.findall(r'<p class="flash flash-error">(.*?)</p>', response.text, re.S)
    assert len(errors) >= 2, errors
    left, _links = english_left(response.text, ALLOWED | demo)
    assert left == [], f"English left on the refused import: {left}"
