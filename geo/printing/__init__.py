"""Print-ready sheets (PDF, PNG, SVG) drawn offline with matplotlib: the sheet's layout, its parts
(layers, names, legend, inset, sources) and its fonts.

May import: ``geo.state`` and below; not ``geo.web``.
"""
