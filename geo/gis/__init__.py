"""The map's layers handed to GIS and CAD tools: GeoPackage, Shapefile (UTF-8 or GBK), KML/KMZ,
DXF in CGCS2000 Gauss–Krüger, GeoJSON and CSV — each as a zip with a README of its provenance
(``python -m geo data``, the dashboard's "下载数据 / Download data").

May import: ``geo.state`` and below; not ``geo.web``, ``geo.printing``, ``geo.uploads`` or ``geo.build``.
"""
