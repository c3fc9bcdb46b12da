"""Time in the built layers: dated project statuses and the changes of units since the plan.

The build writes, beside each feature's current properties:

- ``valid`` (an ISO 8601 interval, ``../2026-01-25``) on units created or abolished (``changes.toml``);
- ``X_dates`` histories (``"2018-11-22:under_construction;2025-06-27:open"``) for properties
  that changed: a project's ``status`` (``status.csv``), a park's host, a pole's hosts;
- ``status_history_zh`` / ``_en``: the dated statuses with their source ids, for reading.

:mod:`geo.data.timeline` reads them back for a year. Every dated entry cites a source.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from geo.data import geojson
from geo.data.tables import Sources, TableError, read_csv, read_toml
from geo.data.timeline import interval, interval_ends
from geo.spatial.measure import area_km2

STATUSES = ("planned", "under_construction", "open")
STATUS_TEXT = {
    "planned": ("规划", "planned"),
    "under_construction": ("在建", "under construction"),
    "open": ("已通车", "open"),
}


def _is_date(text: str) -> bool:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (partial dates are allowed; never guessed)."""
    parts = text.split("-")
    return 1 <= len(parts) <= 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4


def read_status(path: Path, sources: Sources, corridor_ids: set[str]) -> dict[str, list[dict[str, str]]]:
    """``status.csv``: dated statuses per corridor, checked (known corridor, status, date, source)."""
    rows = read_csv(path, required=("corridor_id", "date", "status", "source", "confidence"), sources=sources)
    problems = []
    out: dict[str, list[dict[str, str]]] = {}
    for lineno, row in enumerate(rows, start=2):
        where = f"row {lineno} ({row['corridor_id']} {row['date']})"
        if row["corridor_id"] not in corridor_ids:
            problems.append(f"{where}: corridor_id is not in corridors.csv")
        if row["status"] not in STATUSES:
            problems.append(f"{where}: status {row['status']!r} is not one of {list(STATUSES)}")
        if not _is_date(row["date"]):
            problems.append(f"{where}: date {row['date']!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        out.setdefault(row["corridor_id"], []).append(row)
    if problems:
        raise TableError(path, problems)
    return {cid: sorted(entries, key=lambda r: r["date"]) for cid, entries in out.items()}


def read_changes(path: Path, sources: Sources, counties: Mapping[str, Any]) -> dict[str, Any]:
    """``changes.toml``: units abolished and created, and features moved to a new host, checked."""
    raw = read_toml(path)
    problems = []
    for kind in ("abolished", "created", "moved"):
        for i, entry in enumerate(raw.get(kind, [])):
            where = f"{kind}[{i}]"
            if not _is_date(str(entry.get("date", ""))):
                problems.append(f"{where}: date must be YYYY-MM-DD")
            if not entry.get("source") or sources.unknown(str(entry["source"])):
                problems.append(f"{where}: source must cite known ids")
            codes = [entry["adcode"]] if kind == "abolished" else entry.get("members", [])
            problems += [f"{where}: adcode {c} is not in the boundary data" for c in codes if c not in counties]
    if problems:
        raise TableError(path, problems)
    return raw


def history(entries: list[tuple[str, str]]) -> str:
    """``[(date, value), …]`` as ``"date:value;date:value"`` (values never hold ``;``)."""
    for _, value in entries:
        if ";" in value:
            raise ValueError(f"a dated value cannot contain ';': {value!r}")
    return ";".join(f"{date}:{value}" for date, value in entries)


def corridor_time(entries: list[dict[str, str]], cite: Any) -> dict[str, Any]:
    """A project's dated statuses: the history, readable in both languages, and its sources."""
    if not entries:
        return {}
    zh, en, ids = [], [], []
    for row in entries:
        text_zh, text_en = STATUS_TEXT[row["status"]]
        refs = row["source"].replace(";", ", ")
        zh.append(f"{row['date']} {text_zh}" + (f"（{row['note_zh']}）" if row.get("note_zh") else "") + f" [{refs}]")
        en.append(f"{row['date']} {text_en}" + (f" ({row['note_en']})" if row.get("note_en") else "") + f" [{refs}]")
        ids += [s for s in row["source"].split(";") if s not in ids]
    return {
        "status_dates": history([(r["date"], r["status"]) for r in entries]),
        "status_history_zh": "；".join(zh),
        "status_history_en": "; ".join(en),
        "_status_sources": ";".join(ids),
    }


def with_sources(props: dict[str, Any], row_sources: str, cite: Any) -> dict[str, Any]:
    """`props` citing its row's sources and those of its dated entries (each once)."""
    extra = props.pop("_status_sources", "")
    ids = [s for s in f"{row_sources};{extra}".split(";") if s]
    props["source"] = cite(";".join(dict.fromkeys(ids)))
    return props


def abolish(features: list[dict[str, Any]], changes: Mapping[str, Any], cite: Any) -> list[dict[str, Any]]:
    """Mark the units abolished since the plan: their ``valid`` interval ends (in place), citing the change."""
    ends = {c["adcode"]: c for c in changes.get("abolished", [])}
    for feat in features:
        props = feat["properties"]
        change = ends.get(props.get("adcode") or props["id"])
        if change:
            start, _ = interval_ends(props.get("valid"))
            props["valid"] = interval(start, change["date"])
            props["source"] = f"{props['source']}; {cite(change['source'])}"
    return features


def created(ctx: Any, changes: Mapping[str, Any], **extra: Any) -> list[dict[str, Any]]:
    """The units created since the plan, drawn as the union of their member counties."""
    out = []
    for spec in changes.get("created", []):
        geom = ctx.union(spec["members"])
        props: dict[str, Any] = {"id": spec["id"], "name_zh": spec["name_zh"], "name_en": spec["name_en"], **extra}
        props.update(
            {
                "area_km2": round(area_km2(geom), 1),
                "official_area_km2": float(spec["official_area_km2"]),
                "member_ids": ";".join(spec["members"]),
                "valid": interval(spec["date"], None),
                "source": ctx.cite(spec["source"]),
                "confidence": spec["confidence"],
                "geometry_note_zh": spec["geometry_note_zh"],
                "geometry_note_en": spec["geometry_note_en"],
                "note_zh": spec["note_zh"],
                "note_en": spec["note_en"],
            }
        )
        out.append(geojson.feature(props, geom))
    return out


def successor(changes: Mapping[str, Any], adcode: str) -> dict[str, Any] | None:
    """The unit created from `adcode` when it was abolished (``created.members``), if any."""
    return next((c for c in changes.get("created", []) if adcode in c.get("members", [])), None)


def moved(features: list[dict[str, Any]], changes: Mapping[str, Any], cite: Any) -> None:
    """Give features whose host changed a dated host history (in place): features hosted by an
    abolished unit move to its successor, and those listed in ``[[moved]]`` to their new host."""
    moves = {m["id"]: (m["to"], m["date"], m["source"]) for m in changes.get("moved", [])}
    names = created_names(changes)
    for feat in features:
        props = feat["properties"]
        new = successor(changes, str(props.get("host_id") or ""))
        move = moves.get(props["id"]) or (new and (new["id"], new["date"], new["source"]))
        if not move:
            continue
        to, date, source = move
        zh, en = names[to]
        props["host_id_dates"] = history([(date, to)])
        props["host_zh_dates"] = history([(date, zh)])
        props["host_en_dates"] = history([(date, en)])
        props["source"] = f"{props['source']}; {cite(source)}"


def created_names(changes: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """(Chinese, English) names of the units created since the plan, by id."""
    return {c["id"]: (c["name_zh"], c["name_en"]) for c in changes.get("created", [])}


__all__ = [
    "STATUSES",
    "abolish",
    "corridor_time",
    "created",
    "created_names",
    "history",
    "moved",
    "read_changes",
    "read_status",
    "successor",
    "with_sources",
]
