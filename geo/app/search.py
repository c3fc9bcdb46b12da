"""Find features by Chinese or English name (partial, case-insensitive).

Search looks in the layers the catalog marks ``searchable``, ranked in catalog order.
Counties also match by the prefecture they belong to, so "遵义" offers the districts of
遵义市. A county that is a unit of the zone (an ``admin`` feature whose id is also in a
``unit`` layer) resolves to the unit, where its role and evidence are.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.data.layers import LayerSet
from geo.spatial.labels import short_name


@dataclass(frozen=True)
class Hit:
    """One search result."""

    layer_id: str
    feature_id: str
    name_zh: str
    name_en: str
    score: int  # lower is better

    @property
    def key(self) -> tuple[str, str]:
        """(layer id, feature id): what the dashboard selects."""
        return (self.layer_id, self.feature_id)


# A place is also found by its name without the kind of unit: "綦江" names 綦江区 as exactly as it
# names the station 綦江, and then catalog order puts the district first.
_UNIT_SUFFIXES = ("自治县", "新区", "区", "县", "市", " district", " county", " city", " new area")


def _bare(name: str) -> str:
    text = short_name(name).casefold()
    for suffix in _UNIT_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def _score(query: str, names: list[str], context: list[str]) -> int | None:
    q = query.casefold()
    best = None
    for rank, texts in ((0, names), (3, context)):
        for text in texts:
            t = (text or "").casefold()
            if not t or q not in t:
                continue
            exact = t == q or _bare(text) == q
            score = rank + (0 if exact else 1 if t.startswith(q) else 2)
            best = score if best is None else min(best, score)
    return best


def search(layerset: LayerSet, query: str, *, limit: int = 30) -> list[Hit]:
    """Features whose name (or a county's prefecture) contains `query`, best first."""
    query = query.strip()
    if not query:
        return []
    catalog = layerset.catalog
    unit_ids = {
        str(fid)
        for layer_id in catalog.with_role("unit")
        if (f := layerset.frame(layer_id)) is not None
        for fid in f["id"]
    }
    hits: list[Hit] = []
    searchable = [spec.id for spec in catalog.layers if spec.searchable and spec.id in layerset.frames]
    order = {layer_id: i for i, layer_id in enumerate(searchable)}
    for layer_id in searchable:
        frame = layerset.frames[layer_id]
        admin = catalog.layer(layer_id).role == "admin"
        for row in frame.drop(columns="geometry").to_dict("records"):
            fid = str(row["id"])
            if admin and fid in unit_ids:
                continue  # found through its scope layer instead
            context = [str(row.get("city_zh") or ""), str(row.get("city_en") or "")]
            score = _score(query, [str(row["name_zh"]), str(row["name_en"])], context)
            if score is not None:
                hits.append(Hit(layer_id, fid, str(row["name_zh"]), str(row["name_en"]), score))
    hits.sort(key=lambda h: (h.score, order[h.layer_id], h.name_zh))
    return hits[:limit]


__all__ = ["Hit", "search"]
