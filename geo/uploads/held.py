"""Uploaded layers held once per process, whichever sessions uploaded them.

A planning office shares its cadastre: ten planners upload the same 50,000-parcel file. Each
session gets the same :class:`Held` — read once, its frame and browser payload shared read-only —
found by the file's content, name and the form's options. It lives as long as some session
keeps it (a weak reference here), so removing the layer everywhere frees it.

After reading a big file or serialising it, the memory the work used is handed back to the
system (glibc keeps freed blocks for reuse otherwise: a 50,000-parcel upload left 200 MB more
resident than it holds).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import geopandas as gpd

from geo.data.catalog import LayerSpec
from geo.uploads.layer import LoadReport, read_upload


class Held:
    """One upload as read — unpacks like ``(spec, frame, notes)`` — and, once drawn, its browser
    payload (`drawn`). Shared: nothing may change it in place."""

    __slots__ = ("__weakref__", "drawn", "frame", "key", "notes", "spec")

    def __init__(self, key: str, spec: LayerSpec, frame: gpd.GeoDataFrame, notes: LoadReport) -> None:
        self.key, self.spec, self.frame, self.notes = key, spec, frame, notes
        self.drawn: Any = None

    def __iter__(self) -> Iterator[Any]:
        return iter((self.spec, self.frame, self.notes))

    def payload(self, make: Callable[[], Any]) -> Any:
        """What `make()` gives (the layer's browser payload), made once for every session."""
        if self.drawn is None:
            self.drawn = make()
            release_freed_memory()
        return self.drawn


_HELD: weakref.WeakValueDictionary[str, Held] = weakref.WeakValueDictionary()
_LOCK = threading.Lock()


def upload_key(name: str, data: bytes, options: Mapping[str, Any]) -> str:
    """What makes two uploads the same layer: the file's bytes, its name (the layer's id and
    title come from it) and the form's options (SHA-256)."""
    digest = hashlib.sha256(data)
    digest.update(json.dumps([name, sorted((k, str(v)) for k, v in options.items())]).encode())
    return digest.hexdigest()


def read_held(name: str, data: bytes, options: Mapping[str, Any], *, env: Mapping[str, str]) -> Held:
    """The upload as read — the one already held if any session uploaded the same — or raise
    :class:`geo.data.layers.LayerError` as :func:`read_upload` does."""
    key = upload_key(name, data, options)
    with _LOCK:
        found = _HELD.get(key)
    if found is not None:
        return found
    held = Held(key, *read_upload(name, data, options, env=env))
    release_freed_memory()
    with _LOCK:
        return _HELD.setdefault(key, held)  # two sessions reading the same file at once: the first kept


def held_count() -> int:
    """How many uploads are held now (for the bench and tests)."""
    with _LOCK:
        return len(_HELD)


def _trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc (musl, macOS, Windows): nothing to hand back
        return None


_MALLOC_TRIM = _trim()


def release_freed_memory() -> None:
    """Hand memory freed by a big read or serialisation back to the system (glibc only)."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


__all__ = ["Held", "held_count", "read_held", "release_freed_memory", "upload_key"]
