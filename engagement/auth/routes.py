"""Sign up, sign in, email verification, password reset, account page, admin of users."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, logout_user
from markupsafe import Markup

from engagement.auth import bp, services, sessions, throttle
from engagement.auth.access import ROLE_NAMES, admin_required, login_required, public
from engagement.auth.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    ChangePasswordForm,
    DeactivateForm,
    EmptyForm,
    ForgotPasswordForm,
    InviteForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
    RoleForm,
    SignupForm,
    StaffInvitationForm,
    StaffInviteForm,
)
from engagement.auth.models import ApiToken, Role, User
from engagement.core.i18n import remember_language
from engagement.core.pagination import paginate_list
from engagement.core.web import problem, render_error, wants_json
from engagement.extensions import db, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.login_message_category = "info"


@login_manager.unauthorized_handler
def unauthorized():  # type: ignore[no-untyped-def]
    if wants_json():
        return problem(401, "Sign in required", "A valid bearer token or session is required.")
    flash(str(login_manager.login_message), "info")
    return redirect(
        url_for("auth.login", next=request.full_path if request.method == "GET" else None)
    )


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after sign-in."""
    if not target:
        return None
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return None
    return target


def _too_many(error: services.TooManyAttempts):  # type: ignore[no-untyped-def]
    """429 in the layout (or problem+json) with ``Retry-After``."""
    body, status = render_error(429, str(error))
    return body, status, {"Retry-After": str(error.retry_after)}


@bp.route("/signup", methods=["GET", "POST"])
@public
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = SignupForm()
    if request.method == "POST":
        try:
            services.check_rate(
                "signup-ip",
                throttle.client_address(),
                "SIGNUP_RATE_LIMIT",
                _("Too many sign-ups from your network."),
            )
        except services.TooManyAttempts as error:
            return _too_many(error)
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.email.data,
                form.password.data,
                Role(form.role.data),
                name=form.name.data,
                org_name=form.org_name.data,
            )
        except services.AccountError as error:
            message: str = str(error)
            if error.code == "email_taken":
                message = Markup(
                    _(
                        'An account with this email already exists. Is it yours? <a href="%(login)s">Sign in</a>'
                        ' or <a href="%(reset)s">reset your password</a>.',
                        login=url_for("auth.login"),
                        reset=url_for("auth.forgot_password"),
                    )
                )
            getattr(form, error.field or "email").errors.append(message)
        else:
            remember_language(user)
            services.send_verification_email(user)
            sessions.log_in(user)
            flash(
                _("Welcome! We sent you an email: open the link in it to confirm your address."),
                "success",
            )
            return redirect(url_for("auth.account"))
    return render_template("auth/signup.html", form=form), 422 if request.method == "POST" else 200


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.sign_in(form.email.data, form.password.data)
        except services.TooManyAttempts as error:
            return _too_many(error)
        except services.AccountError as error:
            getattr(form, error.field or "password").errors.append(str(error))
        else:
            sessions.log_in(user, remember=form.remember.data)
            services.record_login(user)
            flash(_("Signed in as %(email)s.", email=user.email), "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("core.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    EmptyForm().validate_on_submit() or abort(400)
    if current_user.is_authenticated:
        sessions.end_session(current_user)  # the cookies die on the server, not just here
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("core.home"))


@bp.route("/verify/<token>")
@public
def verify_email(token: str):
    try:
        user = services.verify_email_token(token)
    except services.AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("auth.login"))
    flash(_("Thank you: %(email)s is confirmed.", email=user.email), "success")
    return redirect(
        url_for("auth.account") if current_user.is_authenticated else url_for("auth.login")
    )


@bp.route("/account/verify", methods=["POST"])
@login_required
def resend_verification():
    EmptyForm().validate_on_submit() or abort(400)
    if current_user.email_verified_at is None:
        try:
            services.check_rate(
                "verify-resend",
                str(current_user.id),
                "VERIFICATION_RESEND_RATE_LIMIT",
                _(
                    "We have sent several confirmation links already; check your inbox and spam folder."
                ),
            )
        except services.TooManyAttempts as error:
            return _too_many(error)
        services.send_verification_email(current_user)
        flash(_("We sent you a new confirmation link."), "success")
    return redirect(_safe_next(request.form.get("next")) or url_for("auth.account"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            services.check_rate(
                "reset-ip",
                throttle.client_address(),
                "PASSWORD_RESET_RATE_LIMIT",
                _("Too many reset requests from your network."),
            )
        except services.TooManyAttempts as error:
            return _too_many(error)
        services.send_password_reset(form.email.data)
        flash(
            _(
                "If an account exists for that address, we have emailed a reset link. It works once, for one hour."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    try:
        user = services.user_for_reset_token(token)
    except services.AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        try:
            services.set_password(user, form.password.data)
        except services.AccountError as error:
            form.password.errors.append(str(error))
        else:
            logout_user()
            flash(_("Your password is changed. Sign in with the new one."), "success")
            return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/reset_password.html", form=form), status


def _account_section(template: str, status: int = 200, **context: object):
    """One section of the account pages (they share a side menu and the email notice)."""
    context.setdefault("empty_form", EmptyForm())
    return render_template(
        f"auth/{template}.html",
        organisation=services.organisation_overview(current_user),
        **context,
    ), status


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    profile = ProfileForm(obj=current_user, prefix="profile")
    if request.method == "POST":
        if profile.validate_on_submit():
            current_user.name = profile.name.data.strip()
            current_user.timezone = profile.timezone.data or None
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("auth.account"))
        return _account_section("account", 422, profile=profile)
    return _account_section("account", profile=profile)


def _security_page(status: int = 200, password_form: ChangePasswordForm | None = None):
    current = sessions.current_session(current_user)
    return _account_section(
        "account_security",
        status,
        password_form=password_form or ChangePasswordForm(prefix="password"),
        sessions=sessions.active_sessions(current_user),
        current_session_id=current.id if current else None,
        device_label=sessions.device_label,
    )


@bp.route("/account/security")
@login_required
def account_security():
    return _security_page()


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm(prefix="password")
    form.account_email = current_user.email
    if form.validate_on_submit():
        try:
            services.check_rate(
                "password-check",
                str(current_user.id),
                "PASSWORD_CHECK_RATE_LIMIT",
                _("Too many password changes tried."),
            )
        except services.TooManyAttempts as error:
            return _too_many(error)
        if not services.check_password(current_user, form.current.data):
            form.current.errors.append(_("The current password is wrong."))
        else:
            # This session stays; every other one and every API token is revoked.
            services.set_password(current_user, form.password.data, keep_current_session=True)
            flash(
                _(
                    "Your password is changed. Other devices are signed out and your API tokens "
                    "are revoked."
                ),
                "success",
            )
            return redirect(url_for("auth.account_security"))
    return _security_page(422, password_form=form)


@bp.route("/account/sessions/<int:session_id>/revoke", methods=["POST"])
@login_required
def revoke_session(session_id: int):
    EmptyForm().validate_on_submit() or abort(400)
    sessions.revoke_session(current_user, session_id) or abort(404)
    flash(_("That device is signed out."), "success")
    return redirect(url_for("auth.account_security"))


@bp.route("/account/sessions/revoke-all", methods=["POST"])
@login_required
def sign_out_everywhere():
    EmptyForm().validate_on_submit() or abort(400)
    sessions.sign_out_everywhere(current_user)
    logout_user()
    flash(_("You are signed out on every device, and your API tokens are revoked."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/organisation")
@login_required
def account_organisation():
    return _account_section("account_organisation", invite_form=InviteForm(prefix="invite"))


@bp.route("/account/calendar")
@login_required
def account_calendar():
    return _account_section("account_calendar")


@bp.route("/account/invite", methods=["POST"])
@login_required
def invite():
    form = InviteForm(prefix="invite")
    if form.validate_on_submit():
        try:
            services.invite_colleague(current_user, form.email.data)
        except services.AccountError as error:
            flash(str(error), "error")
        else:
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(_("Invitation: %(error)s", error=error), "error")
    return redirect(url_for("auth.account_organisation"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    try:
        invitation = services.invitation_for_token(token)
    except services.AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("core.home"))
    form = AcceptInvitationForm(email=invitation.email)
    if (
        current_user.is_authenticated
        and request.method == "POST"
        and EmptyForm().validate_on_submit()
    ):
        try:
            services.accept_invitation(invitation, current_user)
        except services.AccountError as error:
            flash(str(error), "error")
        else:
            flash(_("You joined %(name)s.", name=invitation.organisation.name), "success")
            return redirect(url_for("auth.account"))
    elif not current_user.is_authenticated and form.validate_on_submit():
        if services.normalise_email(form.email.data) != invitation.email:
            form.email.errors.append(
                _(
                    "This invitation is for %(email)s; sign up with that address.",
                    email=invitation.email,
                )
            )
        else:
            try:
                # The link arrived at this address, so the email counts as verified.
                user = services.create_user(
                    invitation.email,
                    form.password.data,
                    services.role_for_organisation(invitation.organisation),
                    name=form.name.data,
                    verified=True,
                )
                services.accept_invitation(invitation, user)
            except services.AccountError as error:
                getattr(form, error.field or "email").errors.append(str(error))
            else:
                remember_language(user)
                sessions.log_in(user)
                flash(
                    _("Welcome to %(name)s on PSEB Engage.", name=invitation.organisation.name),
                    "success",
                )
                return redirect(url_for("auth.account"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "auth/accept_invitation.html", invitation=invitation, form=form, empty_form=EmptyForm()
    ), status


def _tokens_page(status: int = 200, form: ApiTokenForm | None = None, new_token: str | None = None):
    tokens = db.session.scalars(
        sa.select(ApiToken)
        .where(ApiToken.user_id == current_user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.id)
    ).all()
    return _account_section(
        "account_tokens",
        status,
        tokens=tokens,
        token_form=form or ApiTokenForm(prefix="token"),
        new_token=new_token,
    )


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def create_token():
    form = ApiTokenForm(prefix="token")
    if request.method == "GET":
        return _tokens_page(form=form)
    if not form.validate_on_submit():
        return _tokens_page(422, form=form)
    try:
        _token, secret = services.issue_api_token(
            current_user, form.name.data, lifetime=timedelta(days=int(form.lifetime.data))
        )
    except services.EmailNotConfirmed:
        return _tokens_page(403, form=form)  # the page says why, with a resend button
    flash(_("Token created. Copy it now: it is shown only once."), "success")
    response, _status = _tokens_page(new_token=secret)
    return response, 200, {"Cache-Control": "no-store"}


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    EmptyForm().validate_on_submit() or abort(400)
    try:
        services.revoke_api_token(current_user, token_id)
    except services.AccountError:
        abort(404)
    flash(_("Token revoked."), "success")
    return redirect(url_for("auth.create_token"))


@bp.route("/admin/users", methods=["GET", "POST"])
@admin_required
def admin_users():
    form = StaffInviteForm()
    if form.validate_on_submit():
        try:
            services.invite_staff(current_user, form.email.data, form.name.data, form.role.data)
        except services.AccountError as error:
            getattr(form, error.field or "email").errors.append(str(error))
        else:
            flash(
                _(
                    "Invitation sent to %(email)s: the link lets them set a password "
                    "(valid %(days)s days, once).",
                    email=form.email.data,
                    days=services.STAFF_INVITATION_MAX_AGE // 86400,
                ),
                "success",
            )
            return redirect(url_for("auth.admin_users"))
    query = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    statement = sa.select(User).order_by(User.email)
    if query:
        statement = statement.where(
            sa.or_(
                User.email.contains(query.lower(), autoescape=True),
                sa.func.lower(User.name).contains(query.lower(), autoescape=True),
            )
        )
    if role in {r.value for r in Role}:
        statement = statement.where(User.role == Role(role))
    page = paginate_list(statement)
    return render_template(
        "auth/admin_users.html",
        form=form,
        page=page,
        empty_form=EmptyForm(),
        role_form=RoleForm(formdata=None),
        roles=list(Role),
        q=query,
        role=role,
        pending=services.pending_invitation,
        events=services.recent_account_events(),
    ), 422 if request.method == "POST" else 200


def _back_to_users():  # type: ignore[no-untyped-def]
    """Back to the users list as it was filtered (same-site referrer only)."""
    referrer = urlsplit(request.referrer or "")
    back = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return redirect(
        _safe_next(back)
        if referrer.path == url_for("auth.admin_users")
        else url_for("auth.admin_users")
    )


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@admin_required
def set_user_active(user_id: int):
    EmptyForm().validate_on_submit() or abort(400)
    user = db.session.get(User, user_id) or abort(404)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
    elif request.form.get("active") == "1":
        services.reactivate_user(current_user, user)
        flash(_("%(email)s is active again.", email=user.email), "success")
    else:
        # Deactivating asks first, with the person's open work (see deactivate_user).
        return redirect(url_for("auth.deactivate_user", user_id=user.id))
    return _back_to_users()


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@admin_required
def deactivate_user(user_id: int):
    """Confirmation page: warns about the person's open assignments and offers to hand them over."""
    user = db.session.get(User, user_id) or abort(404)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for("auth.admin_users"))
    if not user.active:
        flash(_("%(email)s is already deactivated.", email=user.email), "info")
        return redirect(url_for("auth.admin_users"))
    form = DeactivateForm()
    colleagues = [
        u
        for u in db.session.scalars(
            sa.select(User)
            .where(User.role.in_(services.STAFF_ROLES), User.active.is_(True), User.id != user.id)
            .order_by(User.name, User.id)
        )
    ]
    form.reassign_to.choices = [("", _("Nobody: leave them unassigned"))] + [
        (str(u.id), f"{u.name} ({u.email})") for u in colleagues
    ]
    if form.validate_on_submit():
        try:
            moved = services.deactivate_user(current_user, user, form.reassign_to.data)
        except services.AccountError as error:
            db.session.rollback()
            form.reassign_to.errors.append(str(error))
        else:
            flash(
                _("%(email)s is deactivated.", email=user.email)
                + (
                    " "
                    + ngettext(
                        "%(num)d open item reassigned.", "%(num)d open items reassigned.", moved
                    )
                    if moved
                    else ""
                ),
                "success",
            )
            return redirect(url_for("auth.admin_users"))
    return render_template(
        "auth/deactivate_user.html",
        user=user,
        form=form,
        open_work=services.open_work_of(user),
    ), 422 if request.method == "POST" else 200


@bp.route("/admin/users/<int:user_id>/role", methods=["POST"])
@admin_required
def change_role(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose Staff or Admin."), "error")
        return _back_to_users()
    try:
        services.change_role(current_user, user, form.role.data)
    except services.AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(
            _("%(email)s is now %(role)s.", email=user.email, role=ROLE_NAMES[user.role]), "success"
        )
    return _back_to_users()


@bp.route("/admin/users/<int:user_id>/invitation", methods=["POST"])
@admin_required
def resend_staff_invitation(user_id: int):
    EmptyForm().validate_on_submit() or abort(400)
    user = db.session.get(User, user_id) or abort(404)
    try:
        services.resend_staff_invitation(current_user, user)
    except services.AccountError as error:
        flash(str(error), "error")
    else:
        flash(
            _(
                "A new invitation was sent to %(email)s; the previous link no longer works.",
                email=user.email,
            ),
            "success",
        )
    return _back_to_users()


@bp.route("/staff-invitation/<token>", methods=["GET", "POST"])
@public
def accept_staff_invitation(token: str):
    try:
        user = services.user_for_staff_invitation(token)
    except services.AccountError as error:
        flash(str(error), "error")
        return redirect(url_for("auth.login"))
    form = StaffInvitationForm(data={"name": user.name} if request.method == "GET" else None)
    form.account_email = user.email
    if form.validate_on_submit():
        try:
            services.accept_staff_invitation(user, form.name.data, form.password.data)
        except services.AccountError as error:
            getattr(form, error.field or "password").errors.append(str(error))
        else:
            logout_user()
            sessions.log_in(user)
            services.record_login(user)
            flash(
                _("Welcome to PSEB Engage, %(name)s. Your password is set.", name=user.name),
                "success",
            )
            return redirect(url_for("core.home"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/staff_invitation.html", form=form, user=user), status
