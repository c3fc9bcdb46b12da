"""The widgets' callbacks of one run, kept so a new session can replay its page's last action.

When a replica dies, the page keeps showing its map; the reader's next action starts a session
on another replica, from the link, and carries every widget's value. Streamlit runs no callback
for it (that session never saw the old values), so the dashboard keeps the callbacks it binds
(:meth:`Callbacks.on`) and, after the first run has drawn its widgets, runs those whose value
from the page differs from the link's (:meth:`Callbacks.changed`). No Streamlit import.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

Call = tuple[Callable[..., None], tuple[Any, ...], dict[str, Any]]


@dataclass
class Callbacks:
    """The callbacks bound in this run, by widget key (a button's marked: it fires when clicked)."""

    bound: dict[str, tuple[Call, bool]] = field(default_factory=dict)

    def on(
        self, key: str, callback: Callable[..., None], *args: Any, click: bool = False, **kwargs: Any
    ) -> dict[str, Any]:
        """Widget options that run `callback` when the widget `key` changes (a button: is clicked)."""
        self.bound[key] = ((callback, args, kwargs), click)
        return {"key": key, "on_click" if click else "on_change": callback, "args": args, "kwargs": kwargs}

    def changed(self, sent: Collection[str], link: Mapping[str, Any], now: Mapping[str, Any]) -> list[Call]:
        """The calls for the widgets the page sent (`sent`) whose value `now` differs from the one
        the link gave them (`link`), or the buttons it sent clicked."""
        calls = []
        for key in sorted(set(sent) & self.bound.keys()):
            call, click = self.bound[key]
            value = now.get(key)
            if (value is True) if click else (key in link and value != link[key]):
                calls.append(call)
        return calls


__all__ = ["Call", "Callbacks"]
