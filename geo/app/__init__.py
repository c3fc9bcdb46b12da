"""The dashboard's Streamlit-free side: data every session shares, what the panels show, what a
click or a pan reports back, details, headline figures, search and table downloads.
``dashboard.py`` draws these with Streamlit.

May import: anything in ``geo`` but ``geo.cli``.
"""
