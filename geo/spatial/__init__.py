"""Geometry helpers that know no layer: where the map looks (camera), GCJ-02 offsets, areas and
lengths in metres, and where a feature's name goes.

May import: the standard library, shapely, pyproj, numpy and coordtransform; nothing else of ``geo``.
"""
