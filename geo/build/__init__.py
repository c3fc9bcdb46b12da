"""Deriving every ``layers/*.geojson`` from the hand-edited tables and the boundary source
(``python -m geo build``): the inputs, the context layers, dated features and English names.

May import: ``geo.data`` and below. Nothing imports it but the command line.
"""
