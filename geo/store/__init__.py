"""Saved maps and stories: a database (one SQLite file by default, PostgreSQL with PostGIS when
``YQ_DATABASE_URL`` names one), its versioned schema (Alembic, migrated on start) and the
saving, opening, listing and guarding of what users keep.

May import: ``geo.uploads``, ``geo.links`` and below; not ``geo.app``, ``geo.web`` or ``geo.printing``.
"""
