"""The zone in a given year: which features existed, and what state each project was in.

A year Y means "as of the end of Y" (for the current year: as of today). ``"planned"`` means
the plan's own view: the units as they were at the plan's date (2019-03-14), every project it
proposes drawn, each with its status at that date ("planned" where none is known).

Features carry ``valid_from`` / ``valid_to`` (ISO dates; a unit abolished or created) and
projects a ``status_dates`` history (``"2018-11-22:under_construction;2025-06-27:open"``, dates
possibly partial: "2018-04", "2020"), each entry sourced in ``layers/tables/status.csv``.
Nothing is guessed: before a project's first dated entry its status is "not known".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Literal

import pandas as pd

from geo.layers import LayerSet

Year = int | Literal["planned"]
PLAN_DATE = dt.date(2019, 3, 14)
FIRST_YEAR = 2019
NOT_KNOWN = "not_known"


def current_year(today: dt.date | None = None) -> int:
    """This year (the default year of every map)."""
    return (today or dt.date.today()).year


def years(today: dt.date | None = None) -> list[Year]:
    """The years a reader can choose: 2019 … this year, and "planned"."""
    return [*range(FIRST_YEAR, current_year(today) + 1), "planned"]


def parse_year(value: str, today: dt.date | None = None) -> Year:
    """A year from a link or the command line; ValueError says what is allowed."""
    text = str(value).strip().lower()
    if text in ("planned", "plan", "规划"):
        return "planned"
    if text.isdigit() and FIRST_YEAR <= int(text) <= current_year(today):
        return int(text)
    raise ValueError(f"year must be {FIRST_YEAR}–{current_year(today)} or 'planned', not {value!r}")


def as_of(year: Year, today: dt.date | None = None) -> dt.date:
    """The date a year stands for: the plan's date, today (this year) or the year's last day."""
    today = today or dt.date.today()
    if year == "planned":
        return PLAN_DATE
    return today if year >= today.year else dt.date(year, 12, 31)


def _day(text: str) -> str:
    return str(text).strip()


def status_at(history: Any, when: dt.date, *, planned: bool = False) -> str:
    """A project's status at `when` from its dated history (latest entry on or before it)."""
    status = None
    for entry in str(history or "").split(";"):
        date, _, value = entry.partition(":")
        if date and value and _day(date) <= when.isoformat():
            status = value
    if status is None:
        return "planned" if planned else NOT_KNOWN
    return status


def valid_at(props: dict[str, Any], when: dt.date) -> bool:
    """Whether a feature existed at `when` (``valid_from`` ≤ when < ``valid_to``)."""
    start, end = props.get("valid_from"), props.get("valid_to")
    iso = when.isoformat()
    if isinstance(start, str) and start and start > iso:
        return False
    return not (isinstance(end, str) and end and end <= iso)


def in_year(layerset: LayerSet, year: Year, today: dt.date | None = None) -> LayerSet:
    """The layers as they were in `year`: features that existed then, projects in their state then."""
    when = as_of(year, today)
    frames = {}
    for layer_id, frame in layerset.frames.items():
        records = frame.drop(columns="geometry").to_dict("records")
        keep = [valid_at(r, when) for r in records]
        kept = frame[keep].copy() if not all(keep) else frame
        if "status_dates" in kept.columns:
            kept = kept.copy()
            kept["status"] = [status_at(h, when, planned=year == "planned") for h in kept["status_dates"]]
        frames[layer_id] = kept
    return dataclasses.replace(layerset, frames=frames)


def projects_open(layerset: LayerSet) -> tuple[int, int]:
    """(open, all) of the plan's corridor projects in `layerset` (already taken to a year)."""
    opened = total = 0
    for frame in layerset.frames.values():
        if "project" not in frame.columns:
            continue
        projects = frame[frame["project"].astype(str) == "yes"]
        total += len(projects)
        opened += int((projects["status"] == "open").sum())
    return opened, total


def year_text(year: Year, lang: str) -> str:
    """"截至 2026 年" / "as of 2026" / "方案规划" / "as planned"."""
    if year == "planned":
        return "方案规划（2019）" if lang == "zh" else "as planned (2019)"
    return f"截至 {year} 年" if lang == "zh" else f"as of {year}"


def is_dated(value: Any) -> bool:
    """True for a non-empty date string (pandas gives NaN for an empty cell)."""
    return isinstance(value, str) and bool(value) and not pd.isna(value)


__all__ = [
    "FIRST_YEAR",
    "NOT_KNOWN",
    "PLAN_DATE",
    "Year",
    "as_of",
    "current_year",
    "in_year",
    "parse_year",
    "projects_open",
    "status_at",
    "valid_at",
    "year_text",
    "years",
]
