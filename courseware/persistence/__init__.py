"""Persistence: SQLAlchemy 2.x models, engine and queries. Knows nothing of Flask."""
