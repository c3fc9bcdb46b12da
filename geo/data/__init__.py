"""The project's data, read and checked: the layer catalog and its styles, the layer files, preset
views, basemaps, the hand-edited tables and the zone as it was in a given year; GeoJSON reading
and writing.

May import: ``geo.spatial``, ``geo.i18n``, ``geo.errors``, ``geo.paths``.
"""
