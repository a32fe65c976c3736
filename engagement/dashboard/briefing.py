"""The briefing's headline sentences, worded like the Ministry's press releases."""

from __future__ import annotations

from flask_babel import gettext as _

from engagement.dashboard.metrics import Dashboard, Figure, as_of_days
from engagement.dashboard.periods import day_label

REMITTANCE_KEYS = ("remittances_computer_usd_m", "remittances_ict_usd_m")

#: The figures the briefing leads with, in order.
HEADLINES = (
    "companies_registered",
    "webinars_held",
    "overseas_entities_engaged",
    "meetings_held",
    "meetups_held",
    "meetups_focus_share_pct",
    "requests_received",
    "requests_resolved",
)


def format_number(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if unit == "US$ million":
        amount = f"{value:,.3f}".rstrip("0").rstrip(".")
        return _("US$ %(amount)s million", amount=amount)
    text = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
    return f"{text} %" if unit == "%" else text


def _compared(text: str, growth: float | None) -> str:
    if growth is None:
        return _("%(text)s (no growth figure: nothing to compare with).", text=text)
    pct = f"{abs(growth):.1f}"
    if growth >= 0:
        return _("%(text)s, a growth of %(pct)s %%.", text=text, pct=pct)
    return _("%(text)s, a fall of %(pct)s %%.", text=text, pct=pct)


def remittance_sentences(board: Dashboard) -> list[str]:
    """The latest quarter entered up to the period's end against the same quarter a year before
    (as PSEB reports them), in both series."""
    if not board.remittance_quarters:
        return [sentence(board.figure(key), board) for key in REMITTANCE_KEYS]
    latest = board.remittance_quarters[-1]
    lines = []
    for key, prefix, label in (
        (
            "computer",
            "computer_services",
            _("IT and ITeS export remittances (computer and call-centre services)"),
        ),
        (
            "ict",
            "ict_services",
            _("Including telecommunication, computer and information services"),
        ),
    ):
        value = latest[f"{prefix}_usd_m"]
        if value is None:
            continue
        growth = latest[f"{key}_growth_pct"]
        before = latest.get(f"{prefix}_before_usd_m")
        amount = format_number(value, "US$ million")
        if before is not None:
            text = _(
                "%(label)s, %(quarter)s: %(value)s against %(before)s a year before",
                label=label,
                quarter=latest["label"],
                value=amount,
                before=format_number(before, "US$ million"),
            )
        else:
            text = _(
                "%(label)s, %(quarter)s: %(value)s",
                label=label,
                quarter=latest["label"],
                value=amount,
            )
        lines.append(_compared(text, growth))
    return lines


def sentence(figure: Figure, board: Dashboard) -> str:
    """``PSEB-registered IT and ITeS companies: 2,631 on 31 October 2020 against 2,106 a year
    before, a growth of 24.9 %``."""
    value = format_number(figure.value, figure.unit)
    before = format_number(figure.previous, figure.unit)
    if figure.key == "companies_registered":
        day_now, _day_before = as_of_days(board.period, board.previous)
        text = _(
            "%(figure)s: %(value)s on %(day)s against %(before)s a year before",
            figure=figure.label,
            value=value,
            day=day_label(day_now),
            before=before,
        )
    else:
        text = _(
            "%(figure)s: %(value)s in %(period)s against %(before)s a year before",
            figure=figure.label,
            value=value,
            period=board.period.label,
            before=before,
        )
    return _compared(text, figure.growth_pct)


def headline_sentences(board: Dashboard) -> list[str]:
    lines = [sentence(board.figure(key), board) for key in HEADLINES]
    return lines[:1] + remittance_sentences(board) + lines[1:]
