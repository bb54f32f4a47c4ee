"""CSV downloads: the csv module, an attachment filename, and no spreadsheet formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from flask import has_request_context, stream_with_context
from werkzeug.wrappers import Response

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, with text that a spreadsheet would read as a formula prefixed by an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


CHUNK_ROWS = 500  # rows written per chunk sent


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text in chunks of ``CHUNK_ROWS`` rows: the header first, each cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for number, row in enumerate(rows, start=1):
        writer.writerow([safe_cell(value) for value in row])
        if number % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A text/csv attachment named ``filename`` (ASCII) with a header row, streamed as it is written: the whole
    file is never held in memory, and ``rows`` may be a generator reading the database (the request context, and
    with it the session, stays open until the last chunk)."""
    chunks = csv_chunks(header, rows)
    response = Response(stream_with_context(chunks) if has_request_context() else chunks, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # personal data: keep it out of shared caches
    return response
