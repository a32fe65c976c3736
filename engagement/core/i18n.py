"""Languages: English and Urdu (right to left), with Flask-Babel.

The viewer's language is, in order: ``?lang=`` on any page (then remembered), the signed-in
user's profile, the ``lang`` cookie of an anonymous visitor, the browser's ``Accept-Language``,
English. Text direction comes from Babel's ``Locale.text_direction``, never from a list of ours.
"""

from __future__ import annotations

from functools import cache

from babel import Locale
from flask import Flask, Response, g, has_request_context, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from engagement.extensions import babel, db

#: code -> the language's name in itself (what the switcher shows).
LANGUAGES: dict[str, str] = {"en": "English", "ur": "اردو"}
DEFAULT_LANGUAGE = "en"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def _asked() -> str | None:
    """The language named by ``?lang=`` on this request, when it is one we speak."""
    code = request.args.get("lang")
    return code if code in LANGUAGES else None


def select_locale() -> str:
    """The viewer's language code (see the module docstring for the order)."""
    if not has_request_context():  # a job or a command: English, unless force_locale says else
        return DEFAULT_LANGUAGE
    code = _asked()
    if code:
        return code
    if current_user and current_user.is_authenticated:
        saved = getattr(current_user, "language", None)
        if saved in LANGUAGES:
            return saved
    saved = request.cookies.get(COOKIE)
    if saved in LANGUAGES:
        return saved
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def mail_language(user: object) -> str:
    """The language ``user`` reads mail in: their saved choice, else English. Mail code wraps
    rendering in ``flask_babel.force_locale(mail_language(recipient))``."""
    saved = getattr(user, "language", None)
    return saved if saved in LANGUAGES else DEFAULT_LANGUAGE


def remember_language(user: object) -> None:
    """A new account made on a page in Urdu (or another language than the default) keeps that
    language, so its first mails (the address confirmation) are in it too; English stays unset,
    the browser's choice."""
    code = current_language()
    if code != DEFAULT_LANGUAGE and getattr(user, "language", None) is None:
        user.language = code  # type: ignore[attr-defined]


def current_language() -> str:
    """The language code this response is written in."""
    return str(get_locale() or DEFAULT_LANGUAGE)


@cache
def _direction(code: str) -> str:
    return Locale.parse(code).text_direction


def text_direction() -> str:
    """``"rtl"`` for Urdu, ``"ltr"`` for English: Babel's word, for ``<html dir>``."""
    return _direction(current_language())


def language_links() -> list[dict[str, object]]:
    """The switcher: each language with a link to this same page in it."""
    args = request.args.to_dict(flat=False)
    links = []
    for code, name in LANGUAGES.items():
        args["lang"] = [code]
        endpoint = request.endpoint or "core.home"
        view_args = request.view_args or {}
        try:
            href = url_for(endpoint, **view_args, **args)
        except Exception:  # an error page for a URL that does not route: the home page
            href = url_for("core.home", lang=code)
        links.append(
            {"code": code, "name": name, "href": href, "current": code == current_language()}
        )
    return links


def _remember_choice() -> None:
    """``?lang=`` on a signed-in user's request is saved in the profile."""
    code = _asked()
    if code and current_user.is_authenticated and getattr(current_user, "language", code) != code:
        current_user.language = code
        db.session.flush()
    g.language_asked = code
    # Resolve the language now, while the user is loaded: Flask-Babel keeps it for the request,
    # so a streamed body (CSV exports) that names countries later needs no database.
    get_locale()


def _set_cookie(response: Response) -> Response:
    code = getattr(g, "language_asked", None)
    if code and request.cookies.get(COOKIE) != code:
        response.set_cookie(COOKIE, code, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True)
    return response


def init_app(app: Flask) -> None:
    """Bind Flask-Babel (catalogues in ``engagement/translations``) and the language helpers."""
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(_remember_choice)
    app.after_request(_set_cookie)
    app.jinja_env.globals.update(
        current_language=current_language,
        text_direction=text_direction,
        language_links=language_links,
    )
