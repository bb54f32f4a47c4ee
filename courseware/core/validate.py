"""`courseware check`: validate a content directory and a quiz directory together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .catalog import load_catalog
from .errors import ContentError, Problem


@dataclass(frozen=True)
class CheckReport:
    """Every problem found, and what was counted when clean."""

    problems: tuple[Problem, ...]
    modules: int = 0
    quizzes: int = 0
    questions: int = 0


def check_course(content_dir: Path, quiz_dir: Path | None) -> CheckReport:
    """Load content (and quizzes, against it); never raises for bad content."""
    try:
        catalog = load_catalog(content_dir)
    except ContentError as exc:
        return CheckReport(exc.problems)
    return CheckReport((), modules=len(catalog.modules))
