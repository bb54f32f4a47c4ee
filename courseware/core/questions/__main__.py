"""``python -m courseware.core.questions [--check]``: write quiz.schema.json from the registry (or check it is current)."""

from __future__ import annotations

import sys

from ..quiz import SCHEMA_PATH, schema_text


def main(argv: list[str]) -> int:
    """Write the schema file, or with --check exit 1 when it differs from what the registry generates."""
    text = schema_text()
    if "--check" in argv:
        if SCHEMA_PATH.read_text(encoding="utf-8") != text:
            print(f"{SCHEMA_PATH} is out of date: run python -m courseware.core.questions", file=sys.stderr)
            return 1
        return 0
    SCHEMA_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
