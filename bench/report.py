"""Write one section of docs/benchmarks.md, leaving the other sections as they are."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
TITLE = ("# Benchmarks\n\nMeasured on the project's CI machine kind (2 cores, 24 GiB). "
         "Each section says the command that made it.\n")


def write_section(heading: str, body: str) -> None:
    """Replace the section `## heading` (or append it) with ``body``."""
    text = DOC.read_text() if DOC.exists() else TITLE
    section = f"## {heading}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(text)
