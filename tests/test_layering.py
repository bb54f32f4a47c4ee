"""The core, persistence and services layers never import the web stack."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "courseware"
WEB = {"flask", "flask_login", "flask_wtf", "wtforms", "werkzeug.wrappers"}
CORE_FORBIDDEN = WEB | {"sqlalchemy", "alembic"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level and node.module and node.module.startswith("web"):
            names.add("courseware.web")
    return names


@pytest.mark.parametrize(("layer", "forbidden"), [("core", CORE_FORBIDDEN), ("persistence", WEB), ("services", WEB)])
def test_layer_does_not_import(layer: str, forbidden: set[str]) -> None:
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files
    offenders = []
    for path in files:
        for name in imported_modules(path):
            root = name.split(".")[0]
            if root in forbidden or name in forbidden or name.startswith("courseware.web"):
                offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []
