"""Looking a thing up by its id: layers, views, basemaps — one way, with one error."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar


class Identified(Protocol):
    """Anything with an ``id``: a layer spec, a view, a basemap."""

    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=Identified)


def find(items: Iterable[T], item_id: str | None) -> T | None:
    """The item whose id is `item_id`, or None."""
    return next((item for item in items if item.id == item_id), None) if item_id else None


def by_id(items: Iterable[T], item_id: str, kind: str) -> T:
    """The item whose id is `item_id`; a KeyError that names the `kind` and the known ids otherwise."""
    items = tuple(items)
    found = find(items, item_id)
    if found is None:
        raise KeyError(f"unknown {kind} {item_id!r}; known: {', '.join(i.id for i in items)}")
    return found


__all__ = ["Identified", "by_id", "find"]
