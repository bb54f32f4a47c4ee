"""The templates pack (``content/templates/*.yaml``): working documents filled in for a worked example, each
downloadable as Markdown and as CSV from the same data.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import strict_yaml
from .catalog import ID_PATTERN, display_path
from .errors import Problem

TEMPLATE_DIR = "templates"
# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Template:
    """One template: what it is for, the worked example it is filled in for, and its table."""

    id: str
    title: str
    summary: str
    example: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: str = ""
    order: int = 0

    def markdown(self) -> str:
        """The template as a Markdown document."""
        def cell(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        lines = [f"# {self.title}", "", self.summary, "", f"**Worked example.** {self.example}", "",
                 "| " + " | ".join(cell(c) for c in self.columns) + " |", "|" + "---|" * len(self.columns)]
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in self.rows]
        if self.notes:
            lines += ["", self.notes]
        return "\n".join(lines) + "\n"

    def csv(self) -> str:
        """The template's table as CSV (a header row, then the rows; no cell read as a formula)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow(["'" + c if c.startswith(FORMULA_START) else c for c in row])
        return buffer.getvalue()


@dataclass(frozen=True)
class TemplatePack:
    """Every template, by ``order`` then id."""

    templates: tuple[Template, ...] = ()

    def get(self, template_id: str) -> Template | None:
        """The template with this id, or None."""
        return next((t for t in self.templates if t.id == template_id), None)

    def __iter__(self) -> Iterator[Template]:
        return iter(self.templates)

    def __len__(self) -> int:
        return len(self.templates)


def load_templates(content_dir: Path, problems: list[Problem]) -> TemplatePack:
    """Read every ``templates/*.yaml`` below the content directory; problems are appended with their lines."""
    folder = Path(content_dir) / TEMPLATE_DIR
    found: dict[str, Template] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        shown = display_path(path)
        try:
            data = strict_yaml.load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, strict_yaml.YamlError) as exc:
            problems.append(Problem(shown, getattr(exc, "line", 1), str(exc)))
            continue
        template = _template(data, shown, problems)
        if template is None:
            continue
        if template.id in found:
            problems.append(Problem(shown, 1, f"duplicate template id '{template.id}'"))
            continue
        found[template.id] = template
    return TemplatePack(tuple(sorted(found.values(), key=lambda t: (t.order, t.id))))


def _template(data: Any, shown: str, problems: list[Problem]) -> Template | None:
    before = len(problems)
    if not isinstance(data, Mapping):
        problems.append(Problem(shown, 1, "a template must be a mapping"))
        return None
    for key in ("id", "title", "summary", "example"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            problems.append(Problem(shown, strict_yaml.line_of(data, key), f"missing required field '{key}' (text)"))
    if isinstance(data.get("id"), str) and not ID_PATTERN.match(data["id"]):
        problems.append(Problem(shown, strict_yaml.line_of(data, "id"), "'id' must be lower-case letters, digits and hyphens"))
    columns = data.get("columns")
    if not isinstance(columns, list) or len(columns) < 2 or not all(isinstance(c, str) for c in columns):
        problems.append(Problem(shown, strict_yaml.line_of(data, "columns"), "'columns' must list at least two headings"))
        columns = []
    rows = data.get("rows")
    if not isinstance(rows, list) or not rows:
        problems.append(Problem(shown, strict_yaml.line_of(data, "rows"), "'rows' must list the filled-in rows"))
        rows = []
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(columns) or not all(isinstance(c, str) for c in row):
            problems.append(Problem(shown, strict_yaml.line_of(rows, i), f"each row must give {len(columns)} cells of text"))
    if len(problems) > before:
        return None
    return Template(data["id"], data["title"].strip(), data["summary"].strip(), data["example"].strip(), tuple(columns),
                    tuple(tuple(r) for r in rows), (data.get("notes") or "").strip(), int(data.get("order", 0)))
