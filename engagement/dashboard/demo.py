"""Demo data for the dashboard: PSEB's published remittance quarters."""

from __future__ import annotations

from engagement.dashboard.services import seed_remittances


def seed_demo() -> list[str]:
    saved = seed_remittances()
    return [
        f"dashboard: {saved} export remittance quarters (data/reference/export_remittances.csv)"
    ]
