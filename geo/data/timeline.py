"""The zone in a given year: which features existed, and what state each project was in.

A year Y means "as of the end of Y" (for the current year: as of today). ``"planned"`` means
the plan's own view: the units as they were at the plan's date (2019-03-14), every project it
proposes drawn, each with its status at that date ("planned" where none is known).

Features carry ``valid``, an ISO 8601 interval with open ends written ``..`` (``"../2026-01-25"``: a
unit abolished that day; ``"2026-01-25/.."``: created), and
projects a ``status_dates`` history (``"2018-11-22:under_construction;2025-06-27:open"``, dates
possibly partial: "2018-04", "2020"), each entry sourced in ``layers/tables/status.csv``.
Nothing is guessed: before a project's first dated entry its status is "not known".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal, TypeGuard

from geo.data.layers import LayerSet

Year = int | Literal["planned"]
PLAN_DATE = dt.date(2019, 3, 14)
FIRST_YEAR = 2019
NOT_KNOWN = "not_known"
DATES = "_dates"


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


def year_key(year: Year | None) -> str:
    """A year as the browser and links name it: "2019", "planned", "now" (None: today)."""
    return "now" if year is None else str(year)


def as_of(year: Year | None, today: dt.date | None = None) -> dt.date:
    """The date a year stands for: the plan's date, today (this year, or None) or the year's last day."""
    today = today or dt.date.today()
    if year is None:
        return today
    if year == "planned":
        return PLAN_DATE
    return today if year >= today.year else dt.date(year, 12, 31)


def value_at(history: Any, when: dt.date) -> str | None:
    """The value a dated history (``"date:value;date:value"``) gives at `when`: the latest entry
    on or before it, or None before the first. Partial dates compare as their prefix."""
    found = None
    for entry in str(history or "").split(";"):
        date, _, value = entry.partition(":")
        if date and value and date.strip() <= when.isoformat():
            found = value
    return found


def status_at(history: Any, when: dt.date, *, planned: bool = False) -> str:
    """A project's status at `when`; before its first dated entry "not known" (or, for the
    plan's own view, "planned": the plan proposes it)."""
    found = value_at(history, when)
    if found is None:
        return "planned" if planned else NOT_KNOWN
    return found


OPEN = ".."  # an open end of an interval (ISO 8601-2, as in OGC API and STAC)


def interval(start: str | None, end: str | None) -> str:
    """``start/end`` as stored in ``valid`` (ISO dates), an open end as ``..``.

    One string, not two date properties: GDAL would read ISO dates as date fields, which
    ``folium.GeoJson(geopandas.read_file(...))`` and ``GeoDataFrame.to_json()`` cannot serialise.
    """
    return f"{start or OPEN}/{end or OPEN}"


def interval_ends(valid: Any) -> tuple[str | None, str | None]:
    """The (start, end) ISO dates of a ``valid`` interval; None for an open end or no interval."""
    if not is_dated(valid) or "/" not in valid:
        return None, None
    start, end = valid.split("/", 1)
    return (None if start == OPEN else start), (None if end == OPEN else end)


def valid_at(props: Mapping[str, Any], when: dt.date) -> bool:
    """Whether a feature existed at `when` (start ≤ when < end of its ``valid`` interval)."""
    start, end = interval_ends(props.get("valid"))
    iso = when.isoformat()
    if is_dated(start) and start > iso:
        return False
    return not (is_dated(end) and end <= iso)


def dated_columns(columns: Iterable[str]) -> list[str]:
    """The properties with a dated history (``X`` for each ``X_dates`` column)."""
    return [c[: -len(DATES)] for c in columns if c.endswith(DATES)]


def props_at(props: Mapping[str, Any], year: Year | None, today: dt.date | None = None) -> dict[str, Any] | None:
    """A feature's properties in `year`, or None when it did not exist then."""
    when = as_of(year, today)
    if not valid_at(props, when):
        return None
    out = dict(props)
    for column in dated_columns(props):
        history = props[column + DATES]
        if column == "status":
            out[column] = status_at(history, when, planned=year == "planned")
        elif is_dated(history):
            out[column] = value_at(history, when) or props.get(column)
    return out


_PLAIN_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def _entries_until(text: str, when: str, separator: str) -> str:
    """The entries of a dated list ("date:value;…" or "date text；…") on or before `when`."""
    kept = [e for e in text.split(separator) if e.strip() and e.strip()[:10].split(":")[0].split(" ")[0] <= when]
    return separator.join(kept)


def known_then(props: Mapping[str, Any], when: dt.date) -> dict[str, Any]:
    """A feature's properties with nothing from after `when`: histories (``X_dates`` and their
    ``X_history_zh/en`` texts) end there, and a plain date later than it (an opening) is left out."""
    out, iso = dict(props), when.isoformat()
    for column, value in props.items():
        if not isinstance(value, str):
            continue
        if column.endswith(DATES):
            out[column] = _entries_until(value, iso, ";")
        elif "_history_" in column:
            out[column] = _entries_until(value, iso, "；" if column.endswith("_zh") else "; ")
        elif _PLAIN_DATE.fullmatch(value) and value > iso:
            out[column] = None
    return out


def is_temporal(columns: Iterable[str]) -> bool:
    """Whether features with these properties can change with the year."""
    return any(c == "valid" or c.endswith(DATES) for c in columns)


def in_year(
    layerset: LayerSet, year: Year | None, today: dt.date | None = None, *, only_then: bool = False
) -> LayerSet:
    """The layers as they were in `year`: features that existed then, their properties then.
    With `only_then` (a file of that year alone) nothing from after it either (:func:`known_then`)."""
    frames = {}
    for layer_id, frame in layerset.frames.items():
        if not is_temporal(frame.columns):
            frames[layer_id] = frame
            continue
        records = frame.drop(columns="geometry").to_dict("records")
        at = [props_at(r, year, today) for r in records]
        if only_then:
            at = [None if a is None else known_then(a, as_of(year, today)) for a in at]
        kept = frame[[a is not None for a in at]].copy()
        changed = [c for c in frame.columns if c != "geometry"] if only_then else dated_columns(frame.columns)
        for column in changed:
            kept[column] = [a[column] for a in at if a is not None]
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


def year_text(year: Year | None, lang: str, today: dt.date | None = None) -> str:
    """ "截至 2026 年" / "as of 2026" / "方案规划（2019）" / "as planned (2019)"; None: this year."""
    year = current_year(today) if year is None else year
    if year == "planned":
        return "方案发布时 2019-03" if lang == "zh" else "as of the plan, 2019-03"
    return f"截至 {year} 年" if lang == "zh" else f"as of {year}"


def is_dated(value: Any) -> TypeGuard[str]:
    """True for a non-empty string (pandas gives NaN or None for an empty cell)."""
    return isinstance(value, str) and bool(value)


__all__ = [
    "FIRST_YEAR",
    "NOT_KNOWN",
    "PLAN_DATE",
    "Year",
    "as_of",
    "current_year",
    "dated_columns",
    "in_year",
    "is_temporal",
    "known_then",
    "parse_year",
    "projects_open",
    "props_at",
    "status_at",
    "valid_at",
    "value_at",
    "year_key",
    "year_text",
    "years",
]
