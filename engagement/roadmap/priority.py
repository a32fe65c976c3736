"""The suggested meetup priority of a city, with its reason (staff may override it)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

#: Poverty rate thresholds (percent) and the priority each earns before the focus bonus.
POVERTY_BANDS = [(Decimal(50), 5), (Decimal(40), 4), (Decimal(30), 3), (Decimal(15), 2)]
FOCUS_BONUS = 3
UNKNOWN_POVERTY_PRIORITY = 3


def suggested_priority(poverty_rate: Decimal | None, pseb_focus: bool) -> tuple[int, str]:
    """Priority 1-10 from the district poverty rate and PSEB's focus flag, and why."""
    if poverty_rate is None:
        base = UNKNOWN_POVERTY_PRIORITY
        reason = _("no district poverty estimate (Gilgit-Baltistan/AJK): treated as moderate need")
    else:
        base = next(
            (priority for threshold, priority in POVERTY_BANDS if poverty_rate >= threshold), 1
        )
        reason = _("district poverty rate %(rate)s %%", rate=poverty_rate)
    if pseb_focus:
        base += FOCUS_BONUS
        reason = _(
            "%(reason)s; PSEB focus area for a Software Technology Park (+%(bonus)s)",
            reason=reason,
            bonus=FOCUS_BONUS,
        )
    return min(base, 10), reason
