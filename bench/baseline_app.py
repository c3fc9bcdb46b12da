"""The baseline: streamlit-folium as its README shows it, on the same layers.

A fresh folium.Map with every visible layer as folium.GeoJson on each rerun, passed
to st_folium with default arguments. Loading is cached (st.cache_data) as a careful
new user would, and Leaflet is served from the installed package (the same data URIs
as ours) so the baseline can render offline; everything else is folium's default.
"""

from __future__ import annotations

import sys
from pathlib import Path

import folium
import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from geo.data.catalog import load_catalog
from geo.web.assets import make_offline

CATALOG = load_catalog()


@st.cache_data
def read(layer_id: str) -> gpd.GeoDataFrame:
    frame = gpd.read_file(CATALOG.layer_dir() / f"{layer_id}.geojson")
    return frame[frame.geometry.notna()]


st.set_page_config(layout="wide")
# the plan's layers (the offline map's geography — a relief image, rivers, city names — is ours only)
PLAN = [spec for spec in CATALOG.layers if spec.group != "geography"]
visible = [s.id for s in PLAN if st.sidebar.checkbox(s.title.zh, value=s.on_by_default("offline"))]
m = folium.Map(location=[28.2, 107.4], zoom_start=7, tiles=None)
make_offline(m)
for layer_id in visible:
    folium.GeoJson(read(layer_id), name=layer_id, tooltip=folium.GeoJsonTooltip(fields=["name_zh"])).add_to(m)
st_folium(m, width=1000, height=700)
