"""Dashboard pages: the figures, CSV downloads, the briefing (HTML and PDF), remittance entry."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for

from engagement import clock
from engagement.auth.access import staff_required
from engagement.dashboard import bp, metrics, services
from engagement.dashboard.charts import bar_chart
from engagement.dashboard.forms import RemittanceForm, RemittanceImportForm
from engagement.dashboard.pdf import PdfUnavailable, render_pdf
from engagement.dashboard.periods import (
    PeriodError,
    PeriodKind,
    parse_period,
    period_args,
    quarter_of,
    today_pk,
)
from engagement.directory.models import City
from engagement.extensions import db


def _chosen_period():  # type: ignore[no-untyped-def]
    """(period, error): the period from the query string, or this quarter and the problem."""
    today = today_pk(clock.now())
    try:
        return parse_period(request.args, today), None
    except PeriodError as error:
        return quarter_of(today), error


def _context(board: metrics.Dashboard) -> dict[str, Any]:
    from engagement.roadmap import svgmap

    cities = db.session.scalars(sa.select(City).order_by(City.name)).all()
    return {
        "board": board,
        "charts": {t.key: bar_chart(t) for s in board.sections for t in s.tables},
        "points": svgmap.city_points(list(cities), board.meetups_by_city),
        "view_box": svgmap.view_box(),
        "args": period_args(board.period),
    }


@bp.route("/")
@staff_required
def index():
    period, error = _chosen_period()
    board = metrics.dashboard_for(period, fresh=request.args.get("fresh") == "1")
    return render_template(
        "dashboard/index.html",
        error=error,
        kinds=list(PeriodKind),
        chosen=request.args,
        **_context(board),
    ), (422 if error else 200)


def _csv(text: str, name: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _period_or_422():  # type: ignore[no-untyped-def]
    period, error = _chosen_period()
    if error is not None:
        abort(422, description=f"{error.field}: {error.message}")
    return period


@bp.route("/figures.csv")
@staff_required
def figures_csv():
    board = metrics.dashboard_for(_period_or_422())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["section", "key", "figure", "unit", "period", "value", "previous", "growth_pct"]
    )
    for section in board.sections:
        for figure in section.figures:
            writer.writerow(
                [
                    section.title,
                    figure.key,
                    figure.label,
                    figure.unit,
                    board.period.label,
                    "" if figure.value is None else figure.value,
                    "" if figure.previous is None else figure.previous,
                    "" if figure.growth_pct is None else figure.growth_pct,
                ]
            )
    return _csv(out.getvalue(), f"dashboard-{board.period.first}-{board.period.last}.csv")


@bp.route("/tables/<key>.csv")
@staff_required
def table_csv(key: str):
    board = metrics.dashboard_for(_period_or_422())
    try:
        table = board.table(key)
    except KeyError:
        abort(404)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return _csv(out.getvalue(), f"{key}-{board.period.first}-{board.period.last}.csv")


def _briefing_html(board: metrics.Dashboard, pdf: bool) -> str:
    from engagement.core.timefmt import format_datetime
    from engagement.dashboard.briefing import headline_sentences

    return render_template(
        "dashboard/briefing.html",
        pdf=pdf,
        sentences=headline_sentences(board),
        now_label=format_datetime(clock.now(), "Asia/Karachi"),
        **_context(board),
    )


@bp.route("/briefing")
@staff_required
def briefing():
    return _briefing_html(metrics.dashboard_for(_period_or_422()), pdf=False)


@bp.route("/briefing.pdf")
@staff_required
def briefing_pdf():
    board = metrics.dashboard_for(_period_or_422())
    html = _briefing_html(board, pdf=True)
    try:
        data = render_pdf(html, Path(current_app.static_folder or "static") / "css" / "app.css")
    except PdfUnavailable as error:
        current_app.logger.warning("briefing PDF unavailable: %s", error)
        abort(
            503,
            description=(
                "The PDF cannot be made on this server: WeasyPrint or Debian's pango library is"
                " missing. Use the printable briefing page instead."
            ),
        )
    return Response(
        data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": (
                f'attachment; filename="briefing-{board.period.first}-{board.period.last}.pdf"'
            )
        },
    )


# --- Export remittances ---------------------------------------------------------------------


def _remittances_page(
    form: RemittanceForm, import_form: RemittanceImportForm, errors=(), status=200
):  # type: ignore[no-untyped-def]
    return render_template(
        "dashboard/remittances.html",
        rows=services.remittance_rows(),
        form=form,
        import_form=import_form,
        import_errors=list(errors),
        label=metrics.quarter_label,
    ), status


@bp.route("/remittances", methods=["GET", "POST"])
@staff_required
def remittances():
    form = RemittanceForm()
    if form.validate_on_submit():
        services.save_remittance(
            form.quarter_start.data,
            form.computer_services_usd_m.data,
            form.ict_services_usd_m.data,
            form.source.data or "",
        )
        flash(f"Saved {metrics.quarter_label(form.quarter_start.data)}.", "success")
        return redirect(url_for("dashboard.remittances"))
    status = 422 if request.method == "POST" else 200
    return _remittances_page(form, RemittanceImportForm(formdata=None), status=status)


@bp.route("/remittances/import", methods=["POST"])
@staff_required
def import_remittances():
    form = RemittanceImportForm()
    if not form.validate_on_submit():
        return _remittances_page(RemittanceForm(formdata=None), form, status=422)
    raw = form.file.data.read(1_000_001)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or len(raw) > 1_000_000:
        errors = ["file: must be a UTF-8 CSV file of at most 1 MB"]
    else:
        result = services.import_csv(text)
        errors = result.errors
    if errors:
        return _remittances_page(RemittanceForm(formdata=None), form, errors, status=422)
    flash(f"Imported {result.saved} quarter{'s' if result.saved != 1 else ''}.", "success")
    return redirect(url_for("dashboard.remittances"))


@bp.route("/remittances/<int:remittance_id>/delete", methods=["POST"])
@staff_required
def delete_remittance(remittance_id: int):
    if not services.delete_remittance(remittance_id):
        abort(404)
    flash("Quarter deleted.", "success")
    return redirect(url_for("dashboard.remittances"))


@bp.route("/remittances.csv")
@staff_required
def remittances_csv():
    return _csv(services.remittances_csv(services.remittance_rows()), "export-remittances.csv")
