"""The map in the browser: what the browser receives as data (payloads, big layers, popups), the
folium elements and offline assets, the live dashboard map and the self-contained HTML export.
The browser code itself is in ``geo/static/``.

May import: ``geo.state`` and below; not ``geo.uploads``, ``geo.printing`` or ``geo.build``.
"""
