"""Bulk loading for seeding at scale: rows as tuples, written by the driver itself.

SQLAlchemy's executemany builds a parameter dict per row and, on PostgreSQL, one huge multi-row INSERT whose text
psycopg then parses (at 10,000 learners 3 of 3.5 minutes went there).  Here a table's rows go to the driver
connection of the session's own transaction: ``executemany`` of one prepared INSERT on SQLite, ``COPY … FROM
STDIN`` on PostgreSQL.  Values are converted by each column type's own bind processor (``Loader.wire``), so what
is stored is exactly what an ORM insert would store (UTC datetimes in SQLite's text format, JSON, booleans).

For seeding only: no session event sees these rows, so the caller rebuilds the rollups afterwards
(``persistence/rollups.rebuild``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session


def _same(value: Any) -> Any:
    return value


class Loader:
    """Writes rows of ``columns`` into ``table`` within ``session``'s transaction."""

    def __init__(self, session: Session, table: Table, columns: Sequence[str]) -> None:
        self.session = session
        self.table = table
        self.columns = list(columns)
        self.dialect = session.get_bind().dialect
        # (position, processor) of the columns whose type converts values on the way in.
        self._processors: list[tuple[int, Callable[[Any], Any]]] = []
        for position, name in enumerate(self.columns):
            processor = table.c[name].type._cached_bind_processor(self.dialect)  # noqa: SLF001 - the type's own
            if processor is not None:
                self._processors.append((position, processor))

    def processor(self, name: str) -> Callable[[Any], Any]:
        """The conversion of column ``name``'s values (identity when its type has none); never given None."""
        return dict(self._processors).get(self.columns.index(name), _same)

    def wire(self, row: Sequence[Any]) -> tuple[Any, ...]:
        """``row`` (Python values, in ``columns`` order) as the driver is sent it."""
        if not self._processors:
            return tuple(row)
        values = list(row)
        for position, processor in self._processors:
            if values[position] is not None:
                values[position] = processor(values[position])
        return tuple(values)

    def write(self, rows: Iterable[Sequence[Any]], *, wired: bool = False) -> int:
        """Insert ``rows``; ``wired``: they are converted already (``wire``).  Returns how many were written."""
        batch = list(rows) if wired else [self.wire(r) for r in rows]
        if not batch:
            return 0
        driver: Any = self.session.connection().connection.driver_connection
        names = ", ".join(self.columns)
        if self.dialect.name == "postgresql":
            with driver.cursor() as cursor, cursor.copy(f"COPY {self.table.name} ({names}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in self.columns)
            cursor = driver.cursor()
            try:
                cursor.executemany(f"INSERT INTO {self.table.name} ({names}) VALUES ({marks})", batch)
            finally:
                cursor.close()
        return len(batch)
