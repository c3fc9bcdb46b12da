"""Basemaps (``layers/basemaps.toml``) as frozen objects, with xyzservices where it has the provider.

A key (Tianditu's ``tk``, CARTO's API key) is never stored: the caller passes it in (the
dashboard reads the environment or Streamlit secrets, under the entry's ``key_env`` name) and
it is written only into what the user asked to contain it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from geo.data.ids import by_id
from geo.errors import FileProblems, read_toml
from geo.i18n import Lang, Text, parse_text
from geo.paths import BASEMAPS_PATH

Crs = Literal["wgs84", "gcj02"]


class BasemapError(FileProblems):
    """The basemap file is unusable."""


class MissingKey(ValueError):
    """A basemap needs a key and none was given."""


@dataclass(frozen=True)
class Basemap:
    """One basemap: tiles (none for offline), their CRS, attribution, and whether a key is needed."""

    id: str
    name: Text
    crs: Crs
    url: str | None = None
    annotation: Mapping[str, str] | None = None
    subdomains: str = ""
    attribution: str = ""
    max_zoom: int = 18
    key_env: str | None = None  # where the key comes from; None when no key is needed

    @property
    def needs_key(self) -> bool:
        """True when tiles load only with a user key."""
        return self.key_env is not None

    @property
    def is_offline(self) -> bool:
        """True when it draws no tiles (and so requests nothing)."""
        return self.url is None

    def tile_layers(self, lang: Lang, key: str | None) -> list[dict[str, Any]]:
        """Leaflet tile layers to draw, base first: ``{"url", "options"}`` with the key filled in.

        Raises
        ------
        MissingKey
            When the basemap needs a key and `key` is empty.
        """
        if self.url is None:
            return []
        if self.needs_key and not key:
            raise MissingKey(f"the {self.id} basemap needs a key ({self.key_env})")
        urls = [self.url]
        if self.annotation:
            urls.append(self.annotation.get(lang) or next(iter(self.annotation.values())))
        options: dict[str, Any] = {"attribution": self.attribution, "maxZoom": self.max_zoom}
        if self.subdomains:
            options["subdomains"] = self.subdomains
        return [{"url": u.replace("{key}", key or ""), "options": options} for u in urls]


def _from_xyz(name: str, keyed: bool) -> dict[str, Any]:
    import xyzservices.providers as providers

    provider: Any = providers
    for part in name.split("."):
        provider = provider[part]
    # a provider's own key placeholder becomes ours, filled only when a key is given
    url = provider.build_url(fill_subdomain=False, **({"apikey": "{key}"} if keyed else {}))
    out = {"url": url, "attribution": provider.html_attribution, "max_zoom": provider.get("max_zoom", 18)}
    if "subdomains" in provider:
        out["subdomains"] = provider["subdomains"]
    return out


def load_basemaps(path: Path = BASEMAPS_PATH) -> tuple[Basemap, ...]:
    """Read and check every basemap entry; report all problems at once."""
    raw = read_toml(path, BasemapError)
    problems: list[str] = []
    out: list[Basemap] = []
    for i, entry in enumerate(raw.get("basemaps", [])):
        bid = entry.get("id")
        where = f"basemaps[{i}] (id={bid!r})"
        values: dict[str, Any] = {}
        if "xyz" in entry:
            try:
                values.update(_from_xyz(entry["xyz"], keyed="key_env" in entry))
            except KeyError:
                problems.append(f"{where}: xyzservices has no provider {entry['xyz']!r}")
        values.update({k: v for k, v in entry.items() if k in ("url", "subdomains", "attribution", "max_zoom")})
        if entry.get("crs") not in ("wgs84", "gcj02"):
            problems.append(f"{where}: crs must be 'wgs84' or 'gcj02'")
        name = parse_text(entry.get("name"), f"{where}.name", problems)
        url = values.get("url")
        if url is not None and not str(url).startswith("https://"):
            problems.append(f"{where}: url must be https (mixed content is blocked on https pages)")
        key_env = entry.get("key_env")
        if key_env is not None and "{key}" not in str(url):
            problems.append(f"{where}: key_env is set but the url has no {{key}}")
        out.append(
            Basemap(
                id=str(bid),
                name=name,
                crs=entry.get("crs", "wgs84"),
                url=url,
                annotation=entry.get("annotation"),
                subdomains=str(values.get("subdomains", "")),
                attribution=str(values.get("attribution", "")),
                max_zoom=int(values.get("max_zoom", 18)),
                key_env=key_env,
            )
        )
    ids = [b.id for b in out]
    if len(ids) != len(set(ids)) or "offline" not in ids:
        problems.append("ids must be unique and include 'offline'")
    if problems:
        raise BasemapError(path, problems)
    return tuple(out)


def find_key(basemap: Basemap, *sources: Mapping[str, Any]) -> str | None:
    """The user's key for `basemap` from the first of `sources` (environment, secrets …) that has one.
    A source that cannot be read is skipped (Streamlit's secrets raise when there is no secrets file)."""
    if not basemap.key_env:
        return None
    for source in sources:
        try:
            value = str(source.get(basemap.key_env) or "").strip()
        except FileNotFoundError:
            continue
        if value:
            return value
    return None


def basemap_by_id(basemaps: tuple[Basemap, ...], basemap_id: str) -> Basemap:
    """The basemap `basemap_id`; KeyError names the known ids."""
    return by_id(basemaps, basemap_id, "basemap")
