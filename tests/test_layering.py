"""Imports point one way: web → services → core, services → persistence → core; never back.

- core imports nothing of the app's other layers, nor Flask, WTForms, SQLAlchemy or Alembic;
- persistence imports neither services nor web, nor the web stack;
- services import no web, nor the web stack.
Relative imports are resolved, so ``from ..services import x`` counts like ``courseware.services``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "courseware"
WEB_STACK = {"flask", "flask_login", "flask_wtf", "wtforms", "werkzeug.wrappers"}
RULES: dict[str, set[str]] = {
    "core": WEB_STACK | {"sqlalchemy", "alembic", "courseware.persistence", "courseware.services", "courseware.web",
                         "courseware.app", "courseware.cli", "courseware.state"},
    "persistence": WEB_STACK | {"courseware.services", "courseware.web", "courseware.app", "courseware.cli"},
    "services": WEB_STACK | {"courseware.web", "courseware.app", "courseware.cli"},
}


def imported_modules(path: Path, root: Path) -> set[str]:
    """Every module ``path`` imports, relative imports resolved against its place under ``root``."""
    package = list(path.relative_to(root.parent).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)  # `from .. import services`
    return names


def offenders(root: Path) -> list[str]:
    """'<file> imports <module>' for every import that breaks a layer's rule, under the package ``root``."""
    found = []
    for layer, forbidden in RULES.items():
        for path in sorted((root / layer).rglob("*.py")):
            for name in sorted(imported_modules(path, root)):
                if any(name == bad or name.startswith(bad + ".") for bad in forbidden):
                    found.append(f"{path.relative_to(root.parent)} imports {name}")
    return found


def test_the_code_respects_every_direction() -> None:
    assert all(list((PACKAGE / layer).rglob("*.py")) for layer in RULES)
    assert offenders(PACKAGE) == []


@pytest.mark.parametrize(("layer", "line", "expected"), [
    ("core", "from ..services import accounts", "courseware/core/planted.py imports courseware.services"),
    ("core", "from sqlalchemy import select", "courseware/core/planted.py imports sqlalchemy"),
    ("persistence", "from courseware.services.accounts import get_user",
     "courseware/persistence/planted.py imports courseware.services.accounts"),
    ("persistence", "from ..web import db", "courseware/persistence/planted.py imports courseware.web"),
    ("services", "from ..web.db import get_db", "courseware/services/planted.py imports courseware.web.db"),
    ("services", "import flask", "courseware/services/planted.py imports flask"),
    ("services", "from .. import web", "courseware/services/planted.py imports courseware.web"),
])
def test_a_planted_wrong_import_fails(tmp_path: Path, layer: str, line: str, expected: str) -> None:
    root = tmp_path / "courseware"
    for name in RULES:
        (root / name).mkdir(parents=True)
        (root / name / "fine.py").write_text("from __future__ import annotations\nfrom ..core import errors\n")
    (root / layer / "planted.py").write_text(line + "\n")
    found = offenders(root)
    assert expected in found
    assert all(f.startswith(f"courseware/{layer}/planted.py imports ") for f in found)  # fine.py passes
