"""`courseware check`: validate a content directory and a quiz directory together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import course_checks
from .catalog import Catalog, load_catalog, load_registry
from .diagnostic import load_diagnostic
from .errors import ContentError, Problem
from .quiz import load_quiz_file, load_quizzes, quiz_files
from .templates_pack import load_templates


@dataclass(frozen=True)
class CheckReport:
    """Every problem found, and what was counted when clean."""

    problems: tuple[Problem, ...]
    modules: int = 0
    quizzes: int = 0
    questions: int = 0


def check_course(content_dir: Path, quiz_dir: Path) -> CheckReport:
    """Load content and quizzes; never raises for bad files, reports every problem instead."""
    problems: list[Problem] = []
    try:
        catalog = load_catalog(content_dir)
    except ContentError as exc:
        problems.extend(exc.problems)
        catalog = None
    if catalog is None:
        # Still check the quizzes on their own, against the registry if it reads.
        registry_problems: list[Problem] = []
        registry = load_registry(Path(content_dir), registry_problems)
        if Path(quiz_dir).is_dir():
            for path in quiz_files(Path(quiz_dir)):
                problems.extend(load_quiz_file(path, registry, None)[1])
        return CheckReport(tuple(sorted(set(problems))))
    try:
        bank = load_quizzes(quiz_dir, catalog)
    except ContentError as exc:
        return CheckReport(tuple(sorted(exc.problems)))
    problems = cross_file_problems(catalog, Path(content_dir), Path(quiz_dir))
    if problems:
        return CheckReport(tuple(sorted(set(problems))))
    return CheckReport((), modules=len(catalog.modules), quizzes=len(bank),
                       questions=sum(len(q.questions) for q in bank))


def cross_file_problems(catalog: Catalog, content_dir: Path, quiz_dir: Path) -> list[Problem]:
    """What only shows across files: keys against the master RACI, the cast, images, the diagnostic, templates."""
    problems: list[Problem] = []
    if catalog.raci is not None:
        problems += course_checks.check_keys_against_master(catalog.raci, quiz_dir)
    problems += course_checks.check_cast(content_dir, quiz_dir)
    problems += course_checks.check_images(catalog, content_dir)
    load_diagnostic(content_dir, catalog, problems)
    load_templates(content_dir, problems)
    return problems
