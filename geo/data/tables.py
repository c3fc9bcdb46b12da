"""The hand-edited tables under ``layers/tables/``: read, check, cite.

Every row is checked when read; all problems of a table are reported at once,
each naming the file, the row and the column.
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.data.catalog import CONFIDENCE
from geo.errors import FileProblems
from geo.paths import TABLES_DIR


class TableError(FileProblems):
    """A hand-edited table is unusable."""


@dataclass(frozen=True)
class Sources:
    """Citations by id, from ``sources.toml``."""

    entries: Mapping[str, tuple[str, str]]

    def cite(self, ids: str) -> str:
        """Full citation for a ``;``-separated list of source ids."""
        parts = []
        for sid in _split(ids):
            title, url = self.entries[sid]
            parts.append(f"{title} {url}")
        return "; ".join(parts)

    def unknown(self, ids: str) -> list[str]:
        """The ids in `ids` that have no entry."""
        return [sid for sid in _split(ids) if sid not in self.entries]


def _split(ids: str) -> list[str]:
    return [s.strip() for s in ids.split(";") if s.strip()]


def read_sources(path: Path = TABLES_DIR / "sources.toml") -> Sources:
    """Read ``sources.toml``: every entry needs a title and an http(s) URL."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    problems = []
    entries = {}
    for sid, entry in raw.items():
        title, url = entry.get("title"), entry.get("url")
        if not isinstance(title, str) or not title.strip():
            problems.append(f"[{sid}]: missing title")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            problems.append(f"[{sid}]: url must start with http:// or https://")
        entries[sid] = (str(title), str(url))
    if problems:
        raise TableError(path, problems)
    return Sources(entries)


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML table file."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


def read_csv(
    path: Path,
    *,
    required: Iterable[str],
    sources: Sources | None = None,
    key: str | None = None,
    coords: str = "none",
) -> list[dict[str, str]]:
    """Read a UTF-8 CSV table and check it.

    Parameters
    ----------
    path
        The CSV file.
    required
        Columns that must exist and be non-empty in every row.
    sources
        When given, the ``source`` column must cite known ids and ``confidence``
        must be high/medium/low.
    key
        A column whose values must be unique.
    coords
        ``"required"``: ``lon``/``lat`` must be numbers in range; ``"optional"``:
        both empty or both valid; ``"none"``: not checked.
    """
    problems: list[str] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        rows = list(reader)
    required = list(required)
    missing_cols = [c for c in required if c not in header]
    if missing_cols:
        raise TableError(path, [f"missing column(s) {missing_cols}"])
    seen: set[str] = set()
    for lineno, row in enumerate(rows, start=2):
        where = f"row {lineno}" + (f" ({key}={row.get(key)!r})" if key else "")
        problems += [f"{where}: {p}" for p in _cell_problems(row, required)]
        if key:
            if row.get(key) in seen:
                problems.append(f"{where}: duplicate {key}")
            seen.add(row.get(key) or "")
        if sources is not None:
            problems += [f"{where}: {p}" for p in _provenance_problems(row, sources)]
        if coords != "none":
            problems.extend(_check_coords(row, where, optional=coords == "optional"))
    if problems:
        raise TableError(path, problems)
    return rows


def _cell_problems(row: Mapping[str | None, Any], required: Iterable[str]) -> list[str]:
    """No value past the last column, required cells filled, prose in both languages or neither."""
    problems = ["more values than columns"] if None in row else []
    problems += [f"empty '{col}'" for col in required if not (row.get(col) or "").strip()]
    for column in row:
        if column and column.endswith("_en") and f"{column[:-3]}_zh" in row:
            if bool((row[column] or "").strip()) != bool((row[f"{column[:-3]}_zh"] or "").strip()):
                problems.append(f"'{column[:-3]}' must be given in both languages (_zh and _en)")
    return problems


def _provenance_problems(row: Mapping[str, str], sources: Sources) -> list[str]:
    """The row cites known sources and states a confidence."""
    problems = []
    unknown = sources.unknown(row.get("source", ""))
    if unknown:
        problems.append(f"unknown source id(s) {unknown}")
    if row.get("confidence") not in CONFIDENCE:
        problems.append(f"confidence {row.get('confidence')!r} is not one of {list(CONFIDENCE)}")
    return problems


def _check_coords(row: Mapping[str, str], where: str, *, optional: bool) -> list[str]:
    lon, lat = (row.get("lon") or "").strip(), (row.get("lat") or "").strip()
    if optional and not lon and not lat:
        return []
    try:
        x, y = float(lon), float(lat)
    except ValueError:
        return [f"{where}: lon/lat {lon!r}/{lat!r} are not numbers"]
    # The zone and its context lie well inside this box; a swapped pair falls outside it.
    if not (97.0 <= x <= 117.0 and 20.0 <= y <= 35.0):
        return [f"{where}: lon/lat {x}/{y} is outside the region (97–117°E, 20–35°N); swapped?"]
    return []
