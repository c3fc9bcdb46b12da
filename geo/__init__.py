"""The 渝黔 map's logic: everything but the Streamlit page (``dashboard.py``) and the data (``layers/``).

Rooms, lowest first; a room imports only from rooms below it (checked by the import contract in
``pyproject.toml``, run by ``tests/test_architecture.py``), and nothing here imports Streamlit:

- ``paths``, ``errors``, ``i18n``: where files are, the "this file has problems" error, bilingual text.
- ``spatial``: camera, GCJ-02, metric measures, label anchors — geometry helpers that know no layer.
- ``data``: the catalog, styles, layer files, views, basemaps, tables and the zone in a given year.
- ``state``: what the reader sees, as one value; ``links``: that value as URL parameters.
- ``build``, ``uploads``, ``web``, ``printing``: independent of each other — deriving the layer
  files, reading a user's file, drawing in the browser (live and exported), printing sheets.
- ``app``: the dashboard's Streamlit-free side: shared data, what panels show, picking, search.
- ``cli``: ``python -m geo``.
"""
