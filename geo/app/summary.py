"""The zone's headline figures, from the layers the catalog's ``[headline]`` names.

Areas are equal-area, lengths geodesic (:mod:`geo.spatial.measure`).
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.data.layers import LayerSet
from geo.data.timeline import Year, in_year, projects_open, year_text
from geo.i18n import Lang, ui
from geo.spatial.measure import area_km2, length_km
from geo.web.popups import esc

# member_evidence values that count a unit as confirmed (named by the plan)
NAMED = ("named_in_plan", "named_prefecture_interpreted")


@dataclass(frozen=True)
class Summary:
    """Headline figures of the zone."""

    confirmed_units: int
    plan_units: int
    inferred_units: int
    confirmed_area_km2: float
    border_km: float
    rail_open_km: float
    rail_planned_km: float
    projects_open: int = 0
    projects_total: int = 0
    year: Year | None = None  # the year the figures are for (None: today)


def summary(layerset: LayerSet, year: Year | None = None) -> Summary:
    """Counts, areas and lengths from the layers as they were in `year` (default: today; areas
    equal-area, lengths geodesic), and how many of the plan's projects were open then."""
    layerset = in_year(layerset, year)
    headline = layerset.catalog.headline
    confirmed = inferred = 0
    area = 0.0
    for layer_id in headline.get("units", ()):
        frame = layerset.frame(layer_id)
        if frame is None:
            continue
        for _, row in frame.iterrows():
            if row["member_evidence"] in NAMED:
                confirmed += 1 + (1 if isinstance(row.get("includes"), str) and row.get("includes") else 0)
                area += area_km2(row.geometry)
            else:
                inferred += 1
    confirmed += sum(len(f) for f in _frames(layerset, "new_areas"))
    open_km = planned_km = 0.0
    for rail in _frames(layerset, "railways"):
        for _, row in rail.iterrows():
            if row["status"] == "open":
                open_km += length_km(row.geometry)
            else:
                planned_km += length_km(row.geometry)
    return Summary(
        confirmed_units=confirmed,
        plan_units=layerset.catalog.plan_units,
        inferred_units=inferred,
        confirmed_area_km2=area,
        border_km=sum(length_km(g) for f in _frames(layerset, "border_lines") for g in f.geometry),
        rail_open_km=open_km,
        rail_planned_km=planned_km,
        projects_open=projects_open(layerset)[0],
        projects_total=projects_open(layerset)[1],
        year=year,
    )


def headline_figures(figures: Summary, lang: Lang) -> list[tuple[str, str]]:
    """The headline figures as (label, value) pairs in `lang`, ready to show."""
    return [
        (ui("units_identified", lang), f"{figures.confirmed_units} / {figures.plan_units}"),
        (ui("units_inferred", lang), f"{figures.inferred_units}"),
        (ui("zone_area", lang), f"{figures.confirmed_area_km2:,.0f}"),
        (ui("border_length", lang), f"{figures.border_km:,.0f}"),
        (ui("rail_km", lang), f"{figures.rail_open_km:,.0f} / {figures.rail_planned_km:,.0f}"),
        (
            ui("projects_open", lang).format(year=year_text(figures.year, lang)),
            f"{figures.projects_open} / {figures.projects_total}",
        ),
    ]


def headline_html(figures: Summary, lang: Lang) -> str:
    """The headline figures as one compact band (escaped), readable on a phone and a shared screen."""
    items = "".join(
        f'<div class="yq-figure"><dt>{esc(label)}</dt><dd>{esc(value)}</dd></div>'
        for label, value in headline_figures(figures, lang)
    )
    return f'<dl class="yq-figures">{items}</dl>'


def _frames(layerset: LayerSet, figure: str) -> list:
    """The loaded frames of the layers the catalog names for a headline figure."""
    ids = layerset.catalog.headline.get(figure, ())
    return [f for i in ids if (f := layerset.frame(i)) is not None]


__all__ = ["NAMED", "Summary", "headline_figures", "headline_html", "summary"]
