"""What is saved, as values: a map's state (as link parameters), its user layers, a story's steps,
its title, author and note; and the checks a record passes before it is written."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import geopandas as gpd
import shapely

from geo.i18n import Text
from geo.links import KNOWN
from geo.store.database import StoreError
from geo.uploads.files import Limits

# An id is 16 URL-safe characters (geo.store.store.new_id: about 95 random bits), unguessable.
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{16}")
MAX_TITLE, MAX_AUTHOR, MAX_NOTE, MAX_CAPTION = 200, 100, 4000, 1000
MAX_STEPS = 100
MAX_VALUE = 2000  # a link parameter's value
KINDS = ("map", "story")


@dataclass(frozen=True)
class SavedLayer:
    """A user's layer as saved: its id, the file it came from, its colour and geometry kind, and
    its features (a frame with id, name, properties and geometry, WGS-84)."""

    layer_id: str
    file: str
    colour: str
    kind: str
    frame: gpd.GeoDataFrame = field(compare=False)


@dataclass(frozen=True)
class Step:
    """One step of a story: a map (link parameters) and its caption."""

    query: Mapping[str, str]
    caption: Text


@dataclass(frozen=True)
class Record:
    """A map or a story as its author saves it."""

    title: Text
    query: Mapping[str, str]
    author: str = ""
    note: str = ""
    layers: tuple[SavedLayer, ...] = ()
    steps: tuple[Step, ...] = ()

    @property
    def kind(self) -> str:
        return "story" if self.steps else "map"

    @property
    def features(self) -> int:
        return sum(len(layer.frame) for layer in self.layers)


@dataclass(frozen=True)
class Saved:
    """A record as stored: its id, its version (each save adds one) and when it was made and changed."""

    id: str
    version: int
    created: datetime
    updated: datetime
    record: Record


@dataclass(frozen=True)
class Entry:
    """A line of the list of saved maps and stories."""

    id: str
    kind: str
    title: Text
    author: str
    updated: datetime
    features: int


class BadRecord(StoreError):
    """A record that may not be saved as it is (too long, too big, nothing to call it)."""


def _too_long(what: Text, limit: int) -> BadRecord:
    return BadRecord(
        Text(f"{what.zh}过长（最多 {limit} 个字符）", f"{what.en} is too long (at most {limit} characters)")
    )


def check(record: Record, limits: Limits) -> None:
    """Refuse a record past the limits (uploads' limits for its features and vertices).

    Raises
    ------
    BadRecord
        Saying what is wrong, in both languages.
    """
    if not (record.title.zh.strip() or record.title.en.strip()):
        raise BadRecord(Text("请填写标题（中文或英文）", "Give it a title (Chinese or English)"))
    for value, limit, what in (
        (record.title.zh, MAX_TITLE, Text("标题", "The title")),
        (record.title.en, MAX_TITLE, Text("标题", "The title")),
        (record.author, MAX_AUTHOR, Text("作者", "The author")),
        (record.note, MAX_NOTE, Text("说明", "The note")),
        *(
            (c, MAX_CAPTION, Text("步骤说明", "A step's caption"))
            for s in record.steps
            for c in (s.caption.zh, s.caption.en)
        ),
    ):
        if len(value) > limit:
            raise _too_long(what, limit)
    if len(record.steps) > MAX_STEPS:
        raise BadRecord(Text(f"步骤过多（最多 {MAX_STEPS} 步）", f"Too many steps (at most {MAX_STEPS})"))
    for query in (record.query, *(s.query for s in record.steps)):
        if any(k not in KNOWN or not isinstance(v, str) or len(v) > MAX_VALUE for k, v in query.items()):
            raise BadRecord(Text("地图状态无法保存", "The map's state cannot be saved"))
    _check_size(record, limits)


def _check_size(record: Record, limits: Limits) -> None:
    count = record.features
    if count > limits.max_features:
        raise BadRecord(
            Text(
                f"图层共 {count:,} 个要素，超过上限 {limits.max_features:,}",
                f"The layers hold {count:,} features, more than the limit of {limits.max_features:,}",
            )
        )
    vertices = sum(int(shapely.get_num_coordinates(layer.frame.geometry.values).sum()) for layer in record.layers)
    if vertices > limits.max_vertices:
        raise BadRecord(
            Text(
                f"图层共 {vertices:,} 个顶点，超过上限 {limits.max_vertices:,}",
                f"The layers hold {vertices:,} vertices, more than the limit of {limits.max_vertices:,}",
            )
        )


def valid_id(value: str) -> bool:
    """Whether `value` has the form of a saved map's id (checked before any query)."""
    return bool(ID_PATTERN.fullmatch(value))


__all__ = ["ID_PATTERN", "KINDS", "BadRecord", "Entry", "Record", "Saved", "SavedLayer", "Step", "check", "valid_id"]
