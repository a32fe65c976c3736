"""The briefing's headline sentences, worded like the Ministry's press releases."""

from __future__ import annotations

from engagement.dashboard.metrics import Dashboard, Figure

#: The figures the briefing leads with, in order.
HEADLINES = (
    "companies_registered",
    "remittances_computer_usd_m",
    "remittances_ict_usd_m",
    "webinars_held",
    "overseas_entities_engaged",
    "introductions_made",
    "meetups_held",
    "meetups_focus_share_pct",
    "requests_received",
    "requests_resolved",
)


def format_number(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if unit == "US$ million":
        return f"US$ {value:,.3f}".rstrip("0").rstrip(".") + " million"
    text = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
    return f"{text} %" if unit == "%" else text


def sentence(figure: Figure, board: Dashboard) -> str:
    """``PSEB-registered IT and ITeS companies: 2,631 on 31 October 2020 against 2,106 a year
    before, a growth of 24.9 %``."""
    when = (
        f"on {board.period.end_label}"
        if figure.key == "companies_registered"
        else f"in {board.period.label}"
    )
    text = (
        f"{figure.label}: {format_number(figure.value, figure.unit)} {when}"
        f" against {format_number(figure.previous, figure.unit)} a year before"
    )
    growth = figure.growth_pct
    if growth is None:
        return text + " (no growth figure: nothing to compare with)."
    word = "a growth" if growth >= 0 else "a fall"
    return f"{text}, {word} of {abs(growth):.1f} %."


def headline_sentences(board: Dashboard) -> list[str]:
    return [sentence(board.figure(key), board) for key in HEADLINES]
