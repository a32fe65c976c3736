"""Export remittance figures: staff entry and CSV import (one row per quarter)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from engagement import ROOT
from engagement.dashboard.models import ExportRemittance
from engagement.extensions import db

#: The CSV columns, as in data/reference/export_remittances.csv.
CSV_COLUMNS = ("quarter_start", "computer_services_usd_m", "ict_services_usd_m", "source")
SEED_FILE = ROOT / "data" / "reference" / "export_remittances.csv"
QUARTER_MONTHS = (1, 4, 7, 10)


class RemittanceError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def quarter_problem(day: date) -> str | None:
    if day.day != 1 or day.month not in QUARTER_MONTHS:
        return "Must be the first day of a quarter (1 January, April, July or October)."
    return None


def save_remittance(
    quarter_start: date,
    computer_services_usd_m: Decimal,
    ict_services_usd_m: Decimal | None,
    source: str,
) -> ExportRemittance:
    """Insert or replace the figures of one quarter."""
    if problem := quarter_problem(quarter_start):
        raise RemittanceError("quarter_start", problem)
    for name, value in (
        ("computer_services_usd_m", computer_services_usd_m),
        ("ict_services_usd_m", ict_services_usd_m),
    ):
        if value is not None and value < 0:
            raise RemittanceError(name, "Must not be negative.")
    row = db.session.scalar(
        sa.select(ExportRemittance).where(ExportRemittance.quarter_start == quarter_start)
    )
    if row is None:
        row = ExportRemittance(quarter_start=quarter_start)
        db.session.add(row)
    row.computer_services_usd_m = computer_services_usd_m
    row.ict_services_usd_m = ict_services_usd_m
    row.source = source.strip()[:300]
    db.session.flush()
    return row


def delete_remittance(remittance_id: int) -> bool:
    row = db.session.get(ExportRemittance, remittance_id)
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    return True


@dataclass
class ImportResult:
    saved: int
    #: "line N: column: message", for every row that was refused.
    errors: list[str]


def _amount(raw: str, column: str, required: bool) -> Decimal | None:
    raw = (raw or "").strip().replace(",", "")
    if not raw:
        if required:
            raise RemittanceError(column, "Required.")
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise RemittanceError(column, "Not a number.") from None
    if not value.is_finite() or value >= Decimal("1e9"):
        raise RemittanceError(column, "Not a plausible amount.")
    return value


def import_csv(text: str) -> ImportResult:
    """Save every valid row of a CSV with :data:`CSV_COLUMNS`; nothing is saved when any row is
    bad (so a fixed file can simply be imported again)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS[:2] if c not in (reader.fieldnames or [])]
    if missing:
        return ImportResult(0, [f"header: missing column {', '.join(missing)}"])
    parsed = []
    errors = []
    for line, row in enumerate(reader, start=2):
        try:
            try:
                quarter = date.fromisoformat((row.get("quarter_start") or "").strip())
            except ValueError:
                raise RemittanceError("quarter_start", "Not a date (YYYY-MM-DD).") from None
            if problem := quarter_problem(quarter):
                raise RemittanceError("quarter_start", problem)
            computer = _amount(row.get("computer_services_usd_m") or "", CSV_COLUMNS[1], True)
            ict = _amount(row.get("ict_services_usd_m") or "", CSV_COLUMNS[2], False)
        except RemittanceError as error:
            errors.append(f"line {line}: {error.field}: {error.message}")
            continue
        parsed.append((quarter, computer, ict, row.get("source") or ""))
    if errors:
        return ImportResult(0, errors)
    for quarter, computer, ict, source in parsed:
        save_remittance(quarter, computer, ict, source)  # type: ignore[arg-type]
    return ImportResult(len(parsed), [])


def seed_remittances() -> int:
    """Load data/reference/export_remittances.csv (PSEB's published quarters); idempotent."""
    result = import_csv(SEED_FILE.read_text(encoding="utf-8"))
    if result.errors:
        raise ValueError("; ".join(result.errors))
    return result.saved


def remittance_rows() -> list[ExportRemittance]:
    """Every quarter entered, newest first (a short table: four rows a year)."""
    return list(
        db.session.scalars(
            sa.select(ExportRemittance).order_by(ExportRemittance.quarter_start.desc())
        )
    )


def remittances_csv(rows: list[ExportRemittance]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.quarter_start.isoformat(),
                row.computer_services_usd_m,
                "" if row.ict_services_usd_m is None else row.ict_services_usd_m,
                row.source,
            ]
        )
    return out.getvalue()
