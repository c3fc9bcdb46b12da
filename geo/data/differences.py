"""What changed between two years, from the same dated tables that draw each year.

``2019 → 2026: 渝湘高铁：规划 → 已通车（2025-06-27）；江北区、渝北区 → 两江新区（行政区）（2026-01-25）…``
Units abolished and created on the same day are one change (their successor); a feature in
several layers (a county in ``counties`` and ``pole_hosts``) is named once; the geography
layers (a seat of an abolished unit) are left out, their units say it. Each change carries
the date of the entry that made it, so the list reads in time order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from geo.data.catalog import Catalog
from geo.data.layers import LayerSet
from geo.data.timeline import (
    DATES,
    Year,
    as_of,
    dated_columns,
    interval_ends,
    is_temporal,
    props_at,
    year_key,
)
from geo.i18n import Lang


@dataclass(frozen=True)
class Change:
    """One difference between the two years: when it happened (ISO date) and what, per language."""

    when: str
    zh: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


def _names(props: Mapping[str, Any]) -> tuple[str, str]:
    return str(props.get("name_zh") or props["id"]), str(props.get("name_en") or props.get("name_zh") or props["id"])


def _value(catalog: Catalog, column: str, value: Any, lang: Lang) -> str:
    text = catalog.value_text(column, value)
    return text.get(lang) if text else str(value)


def _when(props: Mapping[str, Any], column: str, right: Year | None) -> str:
    """The date of the dated entry that gives `column` its value in `right`."""
    history = str(props.get(column + DATES) or "")
    until = as_of(right).isoformat()
    dates = [e.split(":", 1)[0].strip() for e in history.split(";") if ":" in e]
    return max((d for d in dates if d <= until), default="")


def _changed_values(
    catalog: Catalog, props: Mapping[str, Any], then: Mapping[str, Any], now: Mapping[str, Any], right: Year | None
) -> list[Change]:
    """A feature that exists in both years: its dated values that differ (status, host)."""
    name_zh, name_en = _names(props)
    out = []
    for column in dated_columns(props):
        if then.get(column) == now.get(column) or column.endswith(("_id", "_en")):
            continue
        before = {lang: _value(catalog, column, then.get(column), lang) for lang in ("zh", "en")}
        after = {lang: _value(catalog, column, now.get(column), lang) for lang in ("zh", "en")}
        if column.endswith("_zh"):  # a host's name: the English comes from its own column
            base = column.removesuffix("_zh")
            before["en"], after["en"] = str(then.get(base + "_en")), str(now.get(base + "_en"))
        when = _when(props, column, right)
        out.append(
            Change(
                when,
                f"{name_zh}：{before['zh']} → {after['zh']}（{when or '日期未知'}）",
                f"{name_en}: {before['en']} → {after['en']} ({when or 'date not known'})",
            )
        )
    return out


def _joined(names: Iterable[tuple[str, str]]) -> tuple[str, str]:
    unique = list(dict.fromkeys(names))
    return "、".join(n[0] for n in unique), ", ".join(n[1] for n in unique)


def _successions(ended: Mapping[str, list], begun: Mapping[str, list]) -> list[Change]:
    """Units abolished and created: one change a day (abolished → created on the same day)."""
    out = []
    for when in sorted(set(ended) | set(begun)):
        gone, new = _joined(ended.get(when, [])), _joined(begun.get(when, []))
        if gone[0] and new[0]:
            out.append(Change(when, f"{gone[0]} → {new[0]}（{when}）", f"{gone[1]} → {new[1]} ({when})"))
        elif gone[0]:
            out.append(Change(when, f"{gone[0]} 撤销（{when}）", f"{gone[1]} abolished ({when})"))
        else:
            out.append(Change(when, f"{new[0]} 设立（{when}）", f"{new[1]} created ({when})"))
    return out


def between(layerset: LayerSet, left: Year | None, right: Year | None, layer_ids: Iterable[str]) -> list[Change]:
    """The differences in `layer_ids` from `left` to `right` (None: this year), in time order."""
    catalog = layerset.catalog
    ended: dict[str, list[tuple[str, str]]] = defaultdict(list)
    begun: dict[str, list[tuple[str, str]]] = defaultdict(list)
    changes: dict[str, Change] = {}
    wanted = set(layer_ids)
    # the geography (a seat of an abolished unit) repeats its unit: the plan's layers and the units say it
    chosen = [i for i in catalog.layer_ids if i in wanted & set(layerset.frames) and catalog.layer(i).role != "context"]
    for layer_id in chosen:
        frame = layerset.frames[layer_id]
        if not is_temporal(frame.columns):
            continue
        for props in frame.drop(columns="geometry").to_dict("records"):
            then, now = props_at(props, left), props_at(props, right)
            start, end = interval_ends(props.get("valid"))
            if then is not None and now is None:
                ended[end or ""].append(_names(props))
            elif now is not None and then is None:
                begun[start or ""].append(_names(props))
            elif then is not None and now is not None:
                for change in _changed_values(catalog, props, then, now, right):
                    changes.setdefault(change.zh, change)
    found = [*changes.values(), *_successions(ended, begun)]
    return sorted(found, key=lambda c: (c.when, c.zh))


def heading(left: Year | None, right: Year | None, lang: Lang) -> str:
    """``"2019 → 2026"`` / ``"方案发布时 → 2026"`` for the list's head."""
    names = {"planned": "方案发布时" if lang == "zh" else "as planned", "now": str(as_of(None).year)}
    return " → ".join(names.get(year_key(y), year_key(y)) for y in (left, right))


def summary(layerset: LayerSet, left: Year | None, right: Year | None, layer_ids: Iterable[str], lang: Lang) -> str:
    """The whole list as one line: heading, then the changes (or that there are none)."""
    found = between(layerset, left, right, layer_ids)
    if not found:
        return heading(left, right, lang) + ("：所示图层无变化" if lang == "zh" else ": no change in the layers shown")
    sep = "；" if lang == "zh" else "; "
    return f"{heading(left, right, lang)}{'：' if lang == 'zh' else ': '}{sep.join(c.get(lang) for c in found)}"


__all__ = ["Change", "between", "heading", "summary"]
