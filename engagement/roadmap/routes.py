"""Roadmap pages: the public roadmap, the staff board and its actions, and the planning data
(cities' priorities, teams, closures, settings)."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from engagement.auth.access import public, staff_required
from engagement.auth.models import Role, User
from engagement.core.cache import anonymous_page
from engagement.core.jsonbody import load_json
from engagement.core.pagination import paginate_list
from engagement.core.timefmt import format_date
from engagement.directory.models import City
from engagement.directory.services import reference_data_problem
from engagement.extensions import db
from engagement.meetups import services as meetup_services
from engagement.meetups.forms import (
    AbsenceForm,
    ClosureForm,
    ImportPlanForm,
    MoveForm,
    SettingsForm,
    TeamForm,
    VenueForm,
)
from engagement.meetups.models import Venue
from engagement.roadmap import adapter, bp
from engagement.roadmap.adapter import RoadmapError
from engagement.roadmap.models import (
    Closure,
    EntryState,
    RoadmapEntry,
    RoadmapPlan,
    StaffTeam,
    TeamAbsence,
)
from engagement.roadmap.priority import suggested_priority


def _refuse(error: RoadmapError) -> None:
    """Roll back whatever the action started and show why it was refused."""
    db.session.rollback()
    flash(error.message, "error")
    for line in error.problems:
        flash(line, "error")


# --- Public roadmap -----------------------------------------------------------------------------


@bp.route("/", endpoint="public")
@public
@anonymous_page
def public_roadmap():
    from engagement.meetups.services import upcoming_meetup_rows
    from engagement.roadmap import svgmap

    meetups = upcoming_meetup_rows()
    by_month: dict[date, list] = defaultdict(list)
    by_province: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    counts: dict[int, int] = defaultdict(int)
    for meetup in meetups:
        local = meetup.event.starts_at.astimezone(_zone(meetup.event.timezone))
        by_month[date(local.year, local.month, 1)].append(meetup)
        by_province[meetup.city.province.name][meetup.city.name].append(meetup)
        counts[meetup.city_id] += 1
    cities = db.session.scalars(
        sa.select(City).options(selectinload(City.province)).order_by(City.name)
    ).all()
    points = svgmap.city_points(list(cities), counts)
    map_list: dict[str, list] = defaultdict(list)
    for point in sorted(points, key=lambda p: p.city.name):
        map_list[point.city.province.name].append(point)
    return render_template(
        "roadmap/public.html",
        meetups=meetups,
        by_month=sorted(by_month.items()),
        by_province=sorted((p, sorted(c.items())) for p, c in by_province.items()),
        points=points,
        map_list=sorted(map_list.items()),
        provinces=svgmap.provinces(),
        view_box=svgmap.view_box(),
        printable=request.args.get("print") == "1",
    )


def _zone(name: str):  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return ZoneInfo(name or "Asia/Karachi")


# --- Board --------------------------------------------------------------------------------------


@bp.route("/board")
@staff_required
def board():
    from engagement.roadmap.board import build_board

    return render_template("roadmap/board.html", board=build_board(), import_form=ImportPlanForm())


@bp.route("/board/plan", methods=["POST"])
@staff_required
def replan():
    """Run the planner as a proposal and show what it would change before anything changes."""
    try:
        proposal = adapter.propose_plan(current_user)
    except RoadmapError as error:
        _refuse(error)
        return redirect(url_for("roadmap.board"))
    return redirect(url_for("roadmap.proposal", plan_id=proposal.id))


@bp.route("/board/plans/<int:plan_id>")
@staff_required
def proposal(plan_id: int):
    """A re-plan's difference from the roadmap (moved, added, removed, per city), to keep or not."""
    if db.session.get(RoadmapPlan, plan_id) is None:
        abort(404)
    try:
        plan = adapter.get_proposal(plan_id)
    except RoadmapError as error:
        flash(error.message, "info")
        return redirect(url_for("roadmap.board"))
    current = adapter.latest_plan()
    return render_template(
        "roadmap/compare.html",
        plan=plan,
        current=current,
        difference=adapter.plan_difference(plan),
    )


@bp.route("/board/plans/<int:plan_id>/keep", methods=["POST"])
@staff_required
def keep_proposal(plan_id: int):
    """Apply a proposal to the roadmap (its drafts replace the unpinned drafts)."""
    if db.session.get(RoadmapPlan, plan_id) is None:
        abort(404)
    try:
        plan = adapter.get_proposal(plan_id)
        outcome = adapter.keep_proposal(plan, current_user)
    except RoadmapError as error:
        _refuse(error)
        return redirect(url_for("roadmap.board"))
    if plan.bound is not None:
        message = _(
            "Kept the new plan: %(added)s draft(s) new or moved in, %(dropped)s out;"
            " score %(score)s of at most %(bound)s.",
            added=len(outcome.added),
            dropped=len(outcome.dropped),
            score=plan.score,
            bound=plan.bound,
        )
    else:
        message = _(
            "Kept the new plan: %(added)s draft(s) new or moved in, %(dropped)s out;"
            " score %(score)s.",
            added=len(outcome.added),
            dropped=len(outcome.dropped),
            score=plan.score,
        )
    flash(message, "success")
    if plan.shortfall:
        flash(
            _(
                "%(count)s city(ies) are below their target: see Shortfall.",
                count=len(plan.shortfall),
            ),
            "warning",
        )
    return redirect(url_for("roadmap.board"))


@bp.route("/board/publish", methods=["POST"])
@staff_required
def publish():
    start, end = adapter.horizon()
    drafts = [e for e in adapter.active_entries(start, end) if e.state == EntryState.DRAFT]
    publish_all = request.form.get("all") == "1"
    if not publish_all:
        chosen = {int(v) for v in request.form.getlist("entry_id") if v.isdigit()}
        drafts = [e for e in drafts if e.id in chosen]
    try:
        published, skipped = adapter.publish_entries(
            drafts, current_user, skip_without_venue=publish_all
        )
    except RoadmapError as error:
        _refuse(error)
        return redirect(url_for("roadmap.board"))
    flash(
        _("Published %(count)s meetup(s); the teams were emailed.", count=len(published)),
        "success",
    )
    if skipped:
        flash(
            _(
                "%(count)s draft(s) stay unpublished until their city has an operating venue:"
                " %(cities)s.",
                count=len(skipped),
                cities=", ".join(sorted({e.city.name for e in skipped})),
            ),
            "warning",
        )
    return redirect(url_for("roadmap.board"))


def _entry_or_back(entry_id: int) -> RoadmapEntry | None:
    try:
        return adapter.get_entry(entry_id)
    except RoadmapError as error:
        flash(error.message, "error")
        return None


def _move_form(entry: RoadmapEntry) -> MoveForm:
    form = MoveForm(data={"day": entry.day, "team_id": entry.team_id})
    form.team_id.choices = [
        (t.id, t.name) for t in db.session.scalars(sa.select(StaffTeam).order_by(StaffTeam.name))
    ]
    return form


@bp.route("/entries/<int:entry_id>", methods=["GET", "POST"])
@staff_required
def entry(entry_id: int):
    item = _entry_or_back(entry_id)
    if item is None:
        return redirect(url_for("roadmap.board"))
    form = _move_form(item)
    problems: list[str] = []
    refusal = ""
    status = 200
    if request.method == "POST":
        form.process(request.form)
        if form.validate():
            team = db.session.get(StaffTeam, form.team_id.data)
            try:
                adapter.move_entry(item, form.day.data, team)
            except RoadmapError as error:
                db.session.rollback()
                problems = error.problems
                refusal = error.message
                status = 422
                item = adapter.get_entry(entry_id)
            else:
                flash(
                    _(
                        "Moved %(city)s to %(day)s with %(team)s (pinned there).",
                        city=item.city.name,
                        day=format_date(item.day, "EEE dd MMM yyyy"),
                        team=item.team.name,
                    ),
                    "success",
                )
                return redirect(url_for("roadmap.board") + f"#city-{item.city.slug}")
        else:
            status = 422
    return render_template(
        "roadmap/entry.html", entry=item, form=form, problems=problems, refusal=refusal
    ), status


@bp.route("/entries/<int:entry_id>/<any(pin, unpin, remove):action>", methods=["POST"])
@staff_required
def entry_action(entry_id: int, action: str):
    item = _entry_or_back(entry_id)
    if item is None:
        return redirect(url_for("roadmap.board"))
    try:
        if action == "remove":
            adapter.remove_entry(item)
            flash(
                _(
                    "Removed the draft for %(city)s on %(day)s.",
                    city=item.city.name,
                    day=format_date(item.day),
                ),
                "success",
            )
        else:
            adapter.set_pinned(item, action == "pin")
            flash(
                (
                    _("Pinned %(city)s on %(day)s.")
                    if action == "pin"
                    else _("Unpinned %(city)s on %(day)s.")
                )
                % {"city": item.city.name, "day": format_date(item.day)},
                "success",
            )
    except RoadmapError as error:
        _refuse(error)
    return redirect(url_for("roadmap.board") + f"#city-{item.city.slug}")


@bp.route("/export/instance.json")
@staff_required
def export_instance():
    instance = adapter.build_instance()
    return _json_download(instance, "roadmap-instance.json")


@bp.route("/export/plan.json")
@staff_required
def export_plan():
    return _json_download(adapter.current_plan_export(), "roadmap-plan.json")


def _json_download(data: dict, filename: str) -> Response:
    return Response(
        json.dumps(data, indent=1, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/import", methods=["POST"])
@staff_required
def import_plan():
    form = ImportPlanForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(url_for("roadmap.board"))
    try:
        data = load_json(form.plan_file.data.read().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        flash(_("The file is not valid JSON: %(error)s", error=error), "error")
        return redirect(url_for("roadmap.board"))
    try:
        outcome = adapter.import_plan(data, current_user)
    except RoadmapError as error:
        _refuse(error)
        return redirect(url_for("roadmap.board"))
    flash(
        _(
            "Imported the plan: %(count)s new draft(s), score %(score)s.",
            count=len(outcome.added),
            score=outcome.plan.score,
        ),
        "success",
    )
    return redirect(url_for("roadmap.board"))


# --- Settings -----------------------------------------------------------------------------------


@bp.route("/settings", methods=["GET", "POST"])
@staff_required
def settings():
    row = adapter.get_settings()
    form = SettingsForm(
        obj=row,
        data={"weekdays": row.weekday_list, "public_holidays": row.public_holidays or ""},
    )
    if request.method == "POST":
        form = SettingsForm()
    if form.validate_on_submit():
        row.weekdays = ",".join(d for d in form.weekdays.data)
        for name in (
            "max_per_week",
            "min_gap_days",
            "min_per_city",
            "max_per_city",
            "ramadan_avoid",
            "horizon_start",
            "horizon_weeks",
            "start_time",
            "duration_minutes",
        ):
            setattr(row, name, getattr(form, name).data)
        row.public_holidays = form.public_holidays.data or None
        db.session.flush()
        flash(_("Settings saved. Re-plan the roadmap to apply them."), "success")
        return redirect(url_for("roadmap.board"))
    status = 422 if form.errors else 200
    return render_template(
        "roadmap/form.html",
        form=form,
        title=_("Roadmap settings"),
        intro=_("The rules every roadmap plan keeps."),
        back=url_for("roadmap.board"),
    ), status


# --- Cities -------------------------------------------------------------------------------------


@bp.route("/cities")
@staff_required
def cities():
    rows = db.session.scalars(
        sa.select(City).options(selectinload(City.district)).order_by(City.name)
    ).all()
    items = []
    for city in rows:
        rate = city.district.poverty_rate if city.district else None
        suggested, reason = suggested_priority(rate, city.pseb_focus)
        items.append({"city": city, "rate": rate, "suggested": suggested, "reason": reason})
    return render_template("roadmap/cities.html", items=items)


@bp.route("/cities/<int:city_id>/priority", methods=["POST"])
@staff_required
def city_priority(city_id: int):
    city = db.session.get(City, city_id)
    if city is None:
        abort(404)
    value = request.form.get("priority", "").strip()
    if request.form.get("use_suggested") == "1":
        rate = city.district.poverty_rate if city.district else None
        value = str(suggested_priority(rate, city.pseb_focus)[0])
    if not value.isdigit() or not 1 <= int(value) <= 10:
        flash(
            _("%(city)s: the priority must be a whole number from 1 to 10.", city=city.name),
            "error",
        )
        return redirect(url_for("roadmap.cities") + f"#city-{city.slug}")
    city.meetup_priority = int(value)
    db.session.flush()
    flash(_("%(city)s: meetup priority set to %(value)s.", city=city.name, value=value), "success")
    return redirect(url_for("roadmap.cities") + f"#city-{city.slug}")


# --- Teams --------------------------------------------------------------------------------------


def _city_choices() -> list[tuple[int, str]]:
    return [(c.id, c.name) for c in db.session.scalars(sa.select(City).order_by(City.name))]


def _team_form(team: StaffTeam | None, submitted: bool = True) -> TeamForm:
    if submitted and request.method == "POST":
        form = TeamForm()
    elif team is not None:
        form = TeamForm(
            formdata=None,
            obj=team,
            data={
                "members": [u.id for u in team.members],
                "cities": [c.id for c in team.cities],
                "home_city_id": team.home_city_id or 0,
            },
        )
    else:
        form = TeamForm(formdata=None, data={"max_per_week": 1})
    form.home_city_id.choices = [(0, _("None")), *_city_choices()]
    form.cities.choices = _city_choices()
    form.members.choices = [
        (u.id, f"{u.name} ({u.email})")
        for u in db.session.scalars(
            sa.select(User)
            .where(User.role.in_((Role.STAFF, Role.ADMIN)), User.active.is_(True))
            .order_by(User.name)
        )
    ]
    return form


@bp.route("/teams")
@staff_required
def teams():
    rows = db.session.scalars(
        sa.select(StaffTeam)
        .options(
            selectinload(StaffTeam.members),
            selectinload(StaffTeam.cities),
            selectinload(StaffTeam.absences),
            selectinload(StaffTeam.home_city),
        )
        .order_by(StaffTeam.name)
    ).all()
    return render_template("roadmap/teams.html", teams=rows)


@bp.route("/teams/new", methods=["GET", "POST"])
@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@staff_required
def team_form(team_id: int | None = None):
    team = db.session.get(StaffTeam, team_id) if team_id else None
    if team_id and team is None:
        abort(404)
    form = _team_form(team)
    if form.validate_on_submit():
        for field, column in ((form.slug, StaffTeam.slug), (form.name, StaffTeam.name)):
            clash = db.session.scalar(sa.select(StaffTeam).where(column == field.data.strip()))
            if clash is not None and clash is not team:
                field.errors.append(_("Another team already uses this."))
        if not form.slug.errors and not form.name.errors:
            if team is None:
                team = StaffTeam()
                db.session.add(team)
            team.name = form.name.data.strip()
            team.slug = form.slug.data.strip()
            team.max_per_week = form.max_per_week.data
            team.home_city_id = form.home_city_id.data or None
            chosen_cities = set(form.cities.data or [])
            if team.home_city_id:
                chosen_cities.add(team.home_city_id)
            team.cities = list(
                db.session.scalars(sa.select(City).where(City.id.in_(chosen_cities)))
            )
            team.members = list(
                db.session.scalars(
                    sa.select(User).where(
                        User.id.in_(form.members.data or []),
                        User.role.in_((Role.STAFF, Role.ADMIN)),
                    )
                )
            )
            db.session.flush()
            flash(_("Saved team %(name)s.", name=team.name), "success")
            return redirect(url_for("roadmap.team_form", team_id=team.id))
    status = 422 if any(f.errors for f in form) else 200
    return render_template(
        "roadmap/team.html", form=form, team=team, absence_form=AbsenceForm()
    ), status


@bp.route("/teams/<int:team_id>/absences", methods=["POST"])
@staff_required
def add_absence(team_id: int):
    team = db.session.get(StaffTeam, team_id)
    if team is None:
        abort(404)
    form = AbsenceForm()
    if form.validate_on_submit():
        db.session.add(
            TeamAbsence(
                team=team,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                reason=form.reason.data.strip(),
            )
        )
        db.session.flush()
        flash(
            _(
                "%(name)s is away %(start)s to %(end)s.",
                name=team.name,
                start=form.starts_on.data,
                end=form.ends_on.data,
            ),
            "success",
        )
        return redirect(url_for("roadmap.team_form", team_id=team.id))
    edit = _team_form(team, submitted=False)
    return render_template("roadmap/team.html", form=edit, team=team, absence_form=form), 422


@bp.route("/absences/<int:absence_id>/delete", methods=["POST"])
@staff_required
def delete_absence(absence_id: int):
    absence = db.session.get(TeamAbsence, absence_id)
    if absence is None:
        abort(404)
    team_id = absence.team_id
    db.session.delete(absence)
    flash(_("Removed the away dates."), "success")
    return redirect(url_for("roadmap.team_form", team_id=team_id))


# --- Closures -----------------------------------------------------------------------------------


@bp.route("/closures")
@staff_required
def closures():
    rows = db.session.scalars(
        sa.select(Closure)
        .options(selectinload(Closure.city))
        .order_by(Closure.city_id.is_not(None), Closure.starts_on)
    ).all()
    return render_template("roadmap/closures.html", closures=rows)


@bp.route("/closures/new", methods=["GET", "POST"])
@bp.route("/closures/<int:closure_id>/edit", methods=["GET", "POST"])
@staff_required
def closure_form(closure_id: int | None = None):
    closure = db.session.get(Closure, closure_id) if closure_id else None
    if closure_id and closure is None:
        abort(404)
    if request.method == "POST":
        form = ClosureForm()
    else:
        form = ClosureForm(obj=closure, data={"city_id": closure.city_id or 0} if closure else {})
    form.city_id.choices = [(0, _("Whole country")), *_city_choices()]
    if form.validate_on_submit():
        if closure is None:
            closure = Closure()
            db.session.add(closure)
        closure.city_id = form.city_id.data or None
        closure.starts_on = form.starts_on.data
        closure.ends_on = form.ends_on.data
        closure.reason = form.reason.data.strip()
        closure.every_year = form.every_year.data
        db.session.flush()
        flash(_("Closure saved. Re-plan the roadmap to apply it."), "success")
        return redirect(url_for("roadmap.closures"))
    status = 422 if form.errors else 200
    return render_template(
        "roadmap/form.html",
        form=form,
        title=_("Edit closure") if closure else _("New closure"),
        intro=_("Days no meetup can be held in a city, or in the whole country."),
        back=url_for("roadmap.closures"),
    ), status


@bp.route("/closures/<int:closure_id>/delete", methods=["POST"])
@staff_required
def delete_closure(closure_id: int):
    closure = db.session.get(Closure, closure_id)
    if closure is None:
        abort(404)
    db.session.delete(closure)
    flash(_("Closure deleted."), "success")
    return redirect(url_for("roadmap.closures"))


# --- Venues (staff; kept by the meetups feature, shown as a roadmap tab) -----------------------------------------------------------------------------


@bp.route("/venues")
@staff_required
def venues():
    """The Venues tab: where meetups are held, by city."""
    query = (
        sa.select(Venue)
        .join(Venue.city)
        .options(selectinload(Venue.city).selectinload(City.province))
        .order_by(City.name, Venue.name)
    )
    city_slug = request.args.get("city", "")
    if city_slug:
        query = query.where(City.slug == city_slug)
    page = paginate_list(query, per_page=50)
    cities = db.session.scalars(sa.select(City).order_by(City.name)).all()
    return render_template("meetups/venues.html", page=page, cities=cities, city_slug=city_slug)


@bp.route("/venues/new", methods=["GET", "POST"])
@bp.route("/venues/<int:venue_id>/edit", methods=["GET", "POST"])
@staff_required
def venue_form(venue_id: int | None = None):
    """Create or edit a venue."""
    venue = db.session.get(Venue, venue_id) if venue_id else None
    if venue_id and venue is None:
        abort(404)
    form = VenueForm(
        obj=venue,
        data={"stp_status": venue.stp_status.value if venue and venue.stp_status else ""}
        if venue
        else {"capacity": 80, "active": True},
    )
    form.city_id.choices = [
        (c.id, c.name) for c in db.session.scalars(sa.select(City).order_by(City.name))
    ]
    if not form.city_id.choices and (problem := reference_data_problem(City, "cities")):
        flash(problem, "warning")
    if request.method == "GET" and venue is None and request.args.get("city", "").isdigit():
        form.city_id.data = int(request.args["city"])
    if form.validate_on_submit():
        try:
            saved = meetup_services.save_venue(
                venue,
                city_id=form.city_id.data,
                name=form.name.data,
                kind=form.kind.data,
                stp_status=form.stp_status.data,
                capacity=form.capacity.data,
                address=form.address.data,
                facilities=form.facilities.data,
                active=form.active.data,
            )
        except meetup_services.MeetupError as error:
            getattr(form, error.field or "name").errors.append(error.message)
        else:
            flash(_("Saved venue %(name)s.", name=saved.name), "success")
            return redirect(url_for("roadmap.venues"))
    status = 422 if any(f.errors for f in form) else 200
    return render_template(
        "meetups/form.html",
        form=form,
        title=_("Edit %(name)s", name=venue.name) if venue else _("New venue"),
        back=url_for("roadmap.venues"),
    ), status
