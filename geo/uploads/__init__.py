"""A user's own file (GeoJSON, zipped Shapefile, GeoPackage) read from memory within limits, checked,
repaired where it can be and turned into a layer.

May import: ``geo.data`` and below; not ``geo.web`` or ``geo.printing``.
"""
