"""Staff directory pages (lists, detail pages, CSV exports, edits) and own-profile editing."""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from engagement import clock
from engagement.auth.access import roles_required, staff_required
from engagement.auth.forms import EmptyForm
from engagement.auth.models import Role
from engagement.core.pagination import paginate_list
from engagement.core.timeline import timeline_for
from engagement.directory import bp, services
from engagement.directory.forms import (
    CompanyProfileForm,
    ContactForm,
    OverseasEntityForm,
    RevokeVerificationForm,
    ShowcaseForm,
    StakeholderBodyForm,
    StartupProfileForm,
    VerifyRegistrationForm,
)
from engagement.directory.models import (
    CERTIFICATIONS,
    Company,
    OverseasEntityType,
    StakeholderKind,
    StartupStage,
)
from engagement.directory.services import DirectoryError, DirectoryFilters

#: The staff lists: page key → (title, search function, template, kind choices).
LISTS: dict[str, dict[str, Any]] = {
    "companies": {
        "title": _l("Companies"),
        "search": services.search_companies,
        "kinds": [],
    },
    "startups": {
        "title": _l("Startups"),
        "search": services.search_startups,
        "kinds": [(stage.value, stage.label) for stage in StartupStage],
    },
    "overseas": {
        "title": _l("Overseas entities"),
        "search": services.search_overseas_entities,
        "kinds": [(kind.value, kind.label) for kind in OverseasEntityType],
    },
    "bodies": {
        "title": _l("Stakeholder bodies"),
        "search": services.search_stakeholder_bodies,
        "kinds": [(kind.value, kind.label) for kind in StakeholderKind],
    },
}


def _filters(list_key: str) -> DirectoryFilters:
    kinds = [value for value, _label in LISTS[list_key]["kinds"]]
    return DirectoryFilters.from_args(request.args, kinds)


def _list_page(list_key: str, endpoint_csv: str) -> str:
    spec = LISTS[list_key]
    filters = _filters(list_key)
    if filters.invalid:
        flash(
            _(
                "Some filters were not understood and are ignored: %(filters)s",
                filters=", ".join(filters.invalid),
            ),
            "warning",
        )
    page = paginate_list(spec["search"](filters))
    return render_template(
        f"directory/{list_key}.html",
        title=spec["title"],
        list_key=list_key,
        page=page,
        filters=filters,
        kinds=spec["kinds"],
        sectors=services.all_sectors(),
        cities=services.all_cities(),
        provinces=services.all_provinces(),
        countries=services.country_choices(),
        country_names=services.country_names(),
        csv_url=url_for(endpoint_csv, **filters.as_args()),
    )


def _csv(list_key: str) -> Response:
    filters = _filters(list_key)
    stamp = clock.now().strftime("%Y%m%d")
    return Response(
        stream_with_context(services.export_csv(list_key, filters)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="pseb-{list_key}-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )


def _apply_error(form: Any, error: DirectoryError) -> None:
    target = getattr(form, error.field, None) if error.field else None
    if target is None:
        flash(str(error), "error")
    else:
        target.errors = [*target.errors, str(error)]


def _fill_choices(form: Any) -> None:
    if hasattr(form, "sectors"):
        form.sectors.choices = [(s.id, s.name) for s in services.all_sectors()]
    if hasattr(form, "city"):
        form.city.choices = [("", _("Not stated"))] + [
            (c.id, f"{c.name} ({c.province.name})") for c in services.all_cities()
        ]
    if hasattr(form, "province"):
        form.province.choices = [("", _("None (federal or national)"))] + [
            (p.id, p.name) for p in services.all_provinces()
        ]
    if hasattr(form, "country_code"):
        form.country_code.choices = [("", _("Choose a country"))] + services.country_choices()


# --- Lists and CSV ------------------------------------------------------------------------------


@bp.route("/companies")
@staff_required
def companies():
    return _list_page("companies", "directory.companies_csv")


@bp.route("/companies.csv")
@staff_required
def companies_csv():
    return _csv("companies")


@bp.route("/startups")
@staff_required
def startups():
    return _list_page("startups", "directory.startups_csv")


@bp.route("/startups.csv")
@staff_required
def startups_csv():
    return _csv("startups")


@bp.route("/overseas")
@staff_required
def overseas():
    return _list_page("overseas", "directory.overseas_csv")


@bp.route("/overseas.csv")
@staff_required
def overseas_csv():
    return _csv("overseas")


@bp.route("/bodies")
@staff_required
def bodies():
    return _list_page("bodies", "directory.bodies_csv")


@bp.route("/bodies.csv")
@staff_required
def bodies_csv():
    return _csv("bodies")


# --- Companies and startups ---------------------------------------------------------------------


def _company_page(company: Company, verify_form: VerifyRegistrationForm, status: int = 200):
    return render_template(
        "directory/company.html",
        company=company,
        verify_form=verify_form,
        revoke_form=RevokeVerificationForm(formdata=None),
        history=services.verification_history(company),
        timeline_items=timeline_for(company),
        empty_form=EmptyForm(),
        renames=services.company_renames(company),
        markets=[
            (code, services.country_name(code))
            for code in company.export_markets.split(",")
            if code
        ],
    ), status


@bp.route("/companies/<int:company_id>")
@staff_required
def company(company_id: int):
    company = services.get_company_for(current_user, company_id)
    form = VerifyRegistrationForm(registration_number=company.registration_number)
    return _company_page(company, form)


@bp.route("/companies/<int:company_id>/verify", methods=["POST"])
@staff_required
def verify_company(company_id: int):
    company = services.get_company_for(current_user, company_id)
    form = VerifyRegistrationForm()
    if form.validate_on_submit():
        try:
            services.verify_registration(company, current_user, form.registration_number.data)
        except DirectoryError as error:
            _apply_error(form, error)
        else:
            flash(
                _(
                    "%(name)s: registration %(number)s verified.",
                    name=company.legal_name,
                    number=company.registration_number,
                ),
                "success",
            )
            return redirect(url_for("directory.company", company_id=company.id))
    return _company_page(company, form, 422)


@bp.route("/companies/<int:company_id>/unverify", methods=["POST"])
@staff_required
def unverify_company(company_id: int):
    company = services.get_company_for(current_user, company_id)
    form = RevokeVerificationForm()
    # Redirect after the POST either way, so a reload never re-sends it (a refusal has nothing
    # typed worth keeping: the reason was empty, or nothing is verified).
    if not form.validate_on_submit():
        flash(
            " ".join(map(str, form.reason.errors)) or _("Say why the verification is withdrawn."),
            "error",
        )
    else:
        try:
            services.revoke_verification(company, current_user, form.reason.data)
        except DirectoryError as error:
            flash(str(error), "error")
        else:
            flash(_("%(name)s: verification withdrawn.", name=company.legal_name), "info")
    return redirect(url_for("directory.company", company_id=company.id))


@bp.route("/startups/<int:startup_id>")
@staff_required
def startup(startup_id: int):
    startup = services.get_startup_for(current_user, startup_id)
    return render_template(
        "directory/startup.html", startup=startup, timeline_items=timeline_for(startup)
    )


# --- Own profile --------------------------------------------------------------------------------


@bp.route("/profile", methods=["GET", "POST"])
@roles_required(Role.COMPANY, Role.STARTUP)
def my_profile():
    profile = services.own_profile(current_user)
    if profile is None:
        return render_template("directory/no_profile.html")
    is_company = isinstance(profile, Company)
    form_cls = CompanyProfileForm if is_company else StartupProfileForm
    if request.method == "GET":
        form = form_cls(obj=profile)
        form.sectors.data = [s.id for s in profile.sectors]
        form.city.data = profile.city_id
        if is_company:
            form.employee_band.data = profile.employee_band.value if profile.employee_band else ""
            form.export_markets.data = profile.export_markets.replace(",", ", ")
        else:
            form.stage.data = profile.stage.value if profile.stage else ""
    else:
        form = form_cls()
    _fill_choices(form)
    locked = is_company and profile.verified
    if locked:
        form.registration_number.render_kw = {"readonly": True}
    status = 200
    if request.method == "POST":
        if is_company and locked:
            form.registration_number.data = profile.registration_number
        if form.validate_on_submit():
            try:
                if is_company:
                    services.update_company_profile(
                        profile,
                        current_user,
                        legal_name=form.legal_name.data,
                        registration_number=form.registration_number.data,
                        sector_ids=form.sectors.data or [],
                        city_id=form.city.data,
                        employee_band=form.employee_band.data or None,
                        export_markets=form.export_markets.data or "",
                        website=form.website.data,
                        description=form.description.data or "",
                    )
                else:
                    services.update_startup_profile(
                        profile,
                        name=form.name.data,
                        founding_year=form.founding_year.data,
                        stage=form.stage.data or None,
                        sector_ids=form.sectors.data or [],
                        city_id=form.city.data,
                        founders=form.founders.data or "",
                        website=form.website.data,
                        description=form.description.data or "",
                    )
            except DirectoryError as error:
                _apply_error(form, error)
            else:
                flash(_("Your profile is saved."), "success")
                return redirect(url_for("directory.my_profile"))
        status = 422
    return _my_profile_page(profile, form, locked, status)


def _my_profile_page(profile: Any, form: Any, locked: bool, status: int, showcase_form=None):
    is_company = isinstance(profile, Company)
    if is_company and showcase_form is None:
        showcase_form = ShowcaseForm(obj=profile, formdata=None)
        showcase_form.certifications.data = profile.certifications.split(",")
    if showcase_form is not None:
        showcase_form.certifications.choices = [
            SelectChoice(code, label) for code, label in CERTIFICATIONS.items()
        ]
    return render_template(
        "directory/my_profile.html",
        form=form,
        profile=profile,
        is_company=is_company,
        locked=locked,
        showcase_form=showcase_form,
    ), status


@bp.route("/profile/showcase", methods=["POST"])
@roles_required(Role.COMPANY)
def my_showcase():
    """The company's public showcase entry, saved from its profile page."""
    profile = services.own_profile(current_user)
    if not isinstance(profile, Company):
        abort(404)
    showcase_form = ShowcaseForm()
    showcase_form.certifications.choices = [
        SelectChoice(code, label) for code, label in CERTIFICATIONS.items()
    ]
    if showcase_form.validate_on_submit():
        try:
            services.update_company_showcase(
                profile,
                opt_in=showcase_form.showcase_opt_in.data,
                services=showcase_form.services.data or "",
                certifications=showcase_form.certifications.data or [],
                certifications_other=showcase_form.certifications_other.data or "",
                founded_year=showcase_form.founded_year.data,
                pitch=showcase_form.pitch.data or "",
            )
        except DirectoryError as error:
            _apply_error(showcase_form, error)
        else:
            flash(_("Your showcase entry is saved."), "success")
            return redirect(url_for("directory.my_profile"))
    form = CompanyProfileForm(obj=profile, formdata=None)
    form.sectors.data = [s.id for s in profile.sectors]
    form.city.data = profile.city_id
    _fill_choices(form)
    return _my_profile_page(profile, form, profile.verified, 422, showcase_form)


# --- Overseas entities --------------------------------------------------------------------------


def _overseas_fields(form: OverseasEntityForm) -> dict[str, Any]:
    return {
        "name": form.name.data,
        "country_code": form.country_code.data,
        "timezone": form.timezone.data,
        "entity_type": form.entity_type.data,
        "sector_ids": form.sectors.data or [],
        "website": form.website.data,
        "description": form.description.data or "",
    }


@bp.route("/overseas/<int:entity_id>")
@staff_required
def overseas_entity(entity_id: int):
    entity = services.get_overseas_entity_for(current_user, entity_id)
    return render_template(
        "directory/overseas_entity.html",
        entity=entity,
        country=services.country_name(entity.country_code),
    )


@bp.route("/overseas/new", methods=["GET", "POST"])
@staff_required
def new_overseas_entity():
    return _edit_overseas(None)


@bp.route("/overseas/<int:entity_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_overseas_entity(entity_id: int):
    return _edit_overseas(services.get_overseas_entity_for(current_user, entity_id))


def _edit_overseas(entity: Any):
    form = OverseasEntityForm(obj=entity if request.method == "GET" else None)
    if request.method == "GET" and entity is not None:
        form.sectors.data = [s.id for s in entity.sectors]
        form.entity_type.data = entity.entity_type.value
    _fill_choices(form)
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                entity = services.save_overseas_entity(entity, **_overseas_fields(form))
            except DirectoryError as error:
                _apply_error(form, error)
            else:
                flash(_("%(name)s is saved.", name=entity.name), "success")
                return redirect(url_for("directory.overseas_entity", entity_id=entity.id))
        return render_template("directory/edit.html", form=form, entry=entity, kind="overseas"), 422
    return render_template("directory/edit.html", form=form, entry=entity, kind="overseas")


# --- Stakeholder bodies and contacts ------------------------------------------------------------


@bp.route("/bodies/<int:body_id>")
@staff_required
def body(body_id: int):
    body = services.get_stakeholder_body_for(current_user, body_id)
    return render_template(
        "directory/body.html", body=body, contact_form=ContactForm(), empty_form=EmptyForm()
    )


@bp.route("/bodies/new", methods=["GET", "POST"])
@staff_required
def new_body():
    return _edit_body(None)


@bp.route("/bodies/<int:body_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_body(body_id: int):
    return _edit_body(services.get_stakeholder_body_for(current_user, body_id))


def _edit_body(body: Any):
    form = StakeholderBodyForm(obj=body if request.method == "GET" else None)
    if request.method == "GET" and body is not None:
        form.kind.data = body.kind.value
        form.province.data = body.province_id
    _fill_choices(form)
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                body = services.save_stakeholder_body(
                    body,
                    name=form.name.data,
                    kind=form.kind.data,
                    province_id=form.province.data,
                    website=form.website.data,
                )
            except DirectoryError as error:
                _apply_error(form, error)
            else:
                flash(_("%(name)s is saved.", name=body.name), "success")
                return redirect(url_for("directory.body", body_id=body.id))
        return render_template("directory/edit.html", form=form, entry=body, kind="body"), 422
    return render_template("directory/edit.html", form=form, entry=body, kind="body")


@bp.route("/bodies/<int:body_id>/contacts", methods=["POST"])
@staff_required
def add_contact(body_id: int):
    body = services.get_stakeholder_body_for(current_user, body_id)
    form = ContactForm()
    if form.validate_on_submit():
        try:
            services.save_contact(
                body,
                None,
                name=form.name.data,
                position=form.position.data,
                email=form.email.data,
                phone=form.phone.data,
            )
        except DirectoryError as error:
            _apply_error(form, error)
        else:
            flash(_("%(name)s added to %(body)s.", name=form.name.data, body=body.name), "success")
            return redirect(url_for("directory.body", body_id=body.id))
    return render_template(
        "directory/body.html", body=body, contact_form=form, empty_form=EmptyForm()
    ), 422


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_contact(contact_id: int):
    contact = services.get_contact_for(current_user, contact_id)
    form = ContactForm(obj=contact if request.method == "GET" else None)
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.save_contact(
                    contact.body,
                    contact,
                    name=form.name.data,
                    position=form.position.data,
                    email=form.email.data,
                    phone=form.phone.data,
                )
            except DirectoryError as error:
                _apply_error(form, error)
            else:
                flash(_("Contact saved."), "success")
                return redirect(url_for("directory.body", body_id=contact.body_id))
        return render_template("directory/edit.html", form=form, entry=contact, kind="contact"), 422
    return render_template("directory/edit.html", form=form, entry=contact, kind="contact")


@bp.route("/contacts/<int:contact_id>/delete", methods=["POST"])
@staff_required
def delete_contact(contact_id: int):
    contact = services.get_contact_for(current_user, contact_id)
    EmptyForm().validate_on_submit() or abort(400)
    body_id = contact.body_id
    services.delete_contact(contact)
    flash(_("Contact removed."), "info")
    return redirect(url_for("directory.body", body_id=body_id))


@bp.app_template_global("country_name")
def country_name_global(code: str | None) -> str | None:
    """Templates name countries as people read them (``DE`` → ``Germany``)."""
    return services.country_name(code)
