"""Exports for third-party evaluators and for the talent pool's monthly statements:
CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese text) and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font

from mediation.centre.messages import t
from mediation.centre.talent import Statement

CASE_COLUMNS = (
    "number",
    "dispute_type",
    "channel",
    "region",
    "received_on",
    "stage",
    "amount_claimed",
    "respondents",
    "outcome",
    "outcome_on",
    "days_to_outcome",
    "satisfaction",
    "complaint",
)

STATEMENT_COLUMNS = (
    "expert",
    "kind",
    "organisation",
    "case_number",
    "dispute_type",
    "complexity",
    "outcome",
    "completed_on",
    "rule_id",
    "amount",
)


def _header(columns: Sequence[str], lang: str) -> list[str]:
    return [t(f"col.{c}", lang) for c in columns]


def _csv(header: list[str], rows: Iterable[Sequence]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for r in rows:
        writer.writerow(
            ["" if v is None else v.isoformat() if isinstance(v, date) else v for v in r]
        )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _sheet(wb: Workbook, title: str, header: list[str], rows: Iterable[Sequence]) -> None:
    ws = wb.create_sheet(title=title[:31])
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(list(r))
    ws.freeze_panes = "A2"
    for col in ws.columns:
        width = max(len(str(c.value)) if c.value is not None else 0 for c in col)
        ws.column_dimensions[col[0].column_letter].width = min(50, max(10, width + 2))


def _xlsx(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _case_values(row: dict) -> list:
    return [row[c] for c in CASE_COLUMNS]


def cases_csv(rows: list[dict], lang: str) -> bytes:
    return _csv(_header(CASE_COLUMNS, lang), (_case_values(r) for r in rows))


def summary_rows(data: dict, lang: str) -> list[tuple[str, str, object]]:
    """The dashboard as (section, item, value) lines: one flat table for CSV."""
    out: list[tuple[str, str, object]] = []
    for k, v in data["filters"].items():
        out.append(("filters", k, v or ""))
    for k, v in data["totals"].items():
        out.append(("totals", k, v))
    for section in ("by_type", "by_stage", "by_channel", "by_region", "by_month"):
        for key, n in data[section]:
            out.append((section, key, n))
    for r in data["time_per_stage"]:
        out.append(("time_per_stage.avg_days", r["stage"], r["avg_days"]))
        out.append(("time_per_stage.stays", r["stage"], r["stays"]))
    for r in data["on_time"]:
        out.append(("on_time.rate", r["rule"], r["rate"]))
        out.append(("on_time.met", r["rule"], r["met"]))
        out.append(("on_time.missed", r["rule"], r["missed"]))
    for k, v in data["outcomes"]["by_outcome"].items():
        out.append(("outcomes", k, v))
    for k, v in data["satisfaction"]["distribution"].items():
        out.append(("satisfaction.distribution", k, v))
    for r in data["institutions"]:
        out.append(("institutions.cases", r["institution"], r["cases"]))
        out.append(("institutions.success_rate", r["institution"], r["success_rate"]))
        out.append(("institutions.avg_satisfaction", r["institution"], r["avg_satisfaction"]))
    return out


def summary_csv(data: dict, lang: str) -> bytes:
    return _csv(_header(("section", "item", "value"), lang), summary_rows(data, lang))


def dashboard_xlsx(data: dict, rows: list[dict], lang: str) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(
        wb,
        t("sheet.summary", lang),
        _header(("section", "item", "value"), lang),
        summary_rows(data, lang),
    )
    for section in ("by_type", "by_stage", "by_channel", "by_region", "by_month"):
        _sheet(wb, t(f"sheet.{section}", lang), _header(("item", "cases"), lang), data[section])
    _sheet(
        wb,
        t("sheet.time_per_stage", lang),
        _header(("stage", "stays", "avg_days", "max_days"), lang),
        ((r["stage"], r["stays"], r["avg_days"], r["max_days"]) for r in data["time_per_stage"]),
    )
    _sheet(
        wb,
        t("sheet.on_time", lang),
        _header(("rule", "met", "missed", "rate"), lang),
        ((r["rule"], r["met"], r["missed"], r["rate"]) for r in data["on_time"]),
    )
    _sheet(
        wb,
        t("sheet.institutions", lang),
        _header(
            (
                "institution",
                "cases",
                "concluded",
                "successes",
                "success_rate",
                "ratings",
                "avg_satisfaction",
            ),
            lang,
        ),
        (
            (
                r["institution"],
                r["cases"],
                r["concluded"],
                r["successes"],
                r["success_rate"],
                r["ratings"],
                r["avg_satisfaction"],
            )
            for r in data["institutions"]
        ),
    )
    _sheet(wb, t("sheet.cases", lang), _header(CASE_COLUMNS, lang), (_case_values(r) for r in rows))
    return _xlsx(wb)


def _statement_values(st: Statement):
    for line in st.lines:
        yield [
            line.expert,
            line.kind,
            line.organisation,
            line.case_number,
            line.dispute_type,
            line.complexity,
            line.outcome,
            line.completed_on,
            line.rule_id,
            line.amount,
        ]


def statement_csv(st: Statement, lang: str) -> bytes:
    return _csv(_header(STATEMENT_COLUMNS, lang), _statement_values(st))


def statement_xlsx(st: Statement, lang: str) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(
        wb,
        t("sheet.statement", lang) + " " + st.month,
        _header(STATEMENT_COLUMNS, lang),
        ([*v[:-1], float(v[-1])] for v in _statement_values(st)),
    )
    names = {line.expert_id: (line.expert, line.kind) for line in st.lines}
    totals = [
        (names[eid][0], names[eid][1], sum(1 for x in st.lines if x.expert_id == eid), float(total))
        for eid, total in st.totals.items()
    ]
    totals.append((t("col.total", lang), "", len(st.lines), float(st.total)))
    _sheet(
        wb, t("sheet.totals", lang), _header(("expert", "kind", "cases", "amount"), lang), totals
    )
    return _xlsx(wb)
