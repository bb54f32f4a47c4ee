"""The Alembic migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from courseware.persistence import models  # noqa: F401 - registers the tables
from courseware.persistence.base import Base
from courseware.persistence.db import make_engine


# SQLAlchemy cannot reflect an expression index from SQLite (users' lower(display_name) sort index) and says so;
# PostgreSQL reflects and compares it.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index 'ix_users_sort_name'")
def test_models_and_migrations_agree(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []
