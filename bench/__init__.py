"""Benchmarks: ours against the straightforward streamlit-folium way, in the same run."""
