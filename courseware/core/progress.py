"""Progress rules: when a module is complete, when a quiz may be started, and each module's state for a learner.

Completion is derived, never stored: a module that has a quiz (a quiz's ``module``) is complete once every
quiz of it is passed; a module without one, or with ``completion: read`` in its front matter, once the learner
marked it complete.  ``CompletionRule`` states this once, from the catalog and the quiz bank; My path applies it
in Python (``learner_path``), the dashboards in SQL (``persistence/completion.py`` reads the same rule).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from .catalog import Catalog, Module, Track
from .quiz import Quiz


class Status(StrEnum):
    """Where a learner stands on one module."""

    COMPLETE = "complete"
    IN_PROGRESS = "in_progress"
    AVAILABLE = "available"
    LOCKED = "locked"


@dataclass(frozen=True)
class CompletionRule:
    """Which modules their quizzes complete, which the learner's click completes, and what each quiz needs first.

    Built once from the catalog and the quiz bank (``completion_rule``); hashable, so SQL statements built from
    it can be cached per rule.
    """

    by_quiz: tuple[tuple[str, tuple[str, ...]], ...]  # (module id, quiz ids to pass), in path order
    by_reading: tuple[str, ...]  # modules completed by "Mark as complete"
    quiz_requires: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (quiz id, modules to complete before it starts)

    @cached_property
    def gates(self) -> dict[str, tuple[str, ...]]:
        """{module id: the quizzes that complete it} for the modules completed by passing."""
        return dict(self.by_quiz)

    @cached_property
    def module_of_quiz(self) -> dict[str, str]:
        """{quiz id: the module it completes} (quizzes that complete no module are absent)."""
        return {quiz: module for module, quizzes in self.by_quiz for quiz in quizzes}

    @property
    def module_ids(self) -> tuple[str, ...]:
        """Every module the rule covers (a learner's path: the course but tracks marked for an audience)."""
        return tuple(m for m, _ in self.by_quiz) + self.by_reading

    def completed(self, read: Collection[str], passed: Collection[str]) -> frozenset[str]:
        """The modules complete for a learner who marked ``read`` complete and passed the quizzes ``passed``."""
        done = {m for m in self.by_reading if m in read}
        done.update(m for m, quizzes in self.by_quiz if all(q in passed for q in quizzes))
        return frozenset(done)

    def to_pass(self, module_id: str, passed: Collection[str]) -> tuple[str, ...]:
        """The quizzes of a module (completed by passing) not passed yet."""
        return tuple(q for q in self.gates.get(module_id, ()) if q not in passed)

    def requires(self, quiz_id: str) -> tuple[str, ...]:
        """The modules a quiz needs complete before it may be started."""
        return dict(self.quiz_requires).get(quiz_id, ())


def completion_rule(catalog: Catalog, quizzes: Iterable[Quiz] = (), audiences: Collection[str] = ()) -> CompletionRule:
    """The course's completion rule: a module with a quiz is complete when its quizzes are passed, unless
    ``completion: read``; a quiz may start once its module's prerequisites are complete (a quiz without a module,
    such as a final assessment, once every module of the learners' path is).

    It covers the learners' path (``Catalog.path_modules``): tracks marked for an audience (``audience: mentor``)
    only when ``audiences`` names it — the rule of those people's own path.  Dashboards count learners with the
    learners' rule, so such a track never counts in anyone's completion figures.
    """
    modules = catalog.modules_for(audiences)
    covered = {m.id for m in modules}
    module_quizzes: dict[str, list[str]] = {}
    requires: list[tuple[str, tuple[str, ...]]] = []
    for quiz in quizzes:
        module = catalog.get(quiz.module) if quiz.module else None
        if module is not None:
            if module.id in covered:
                module_quizzes.setdefault(module.id, []).append(quiz.id)
            needed = tuple(p for p in module.prerequisites if catalog.get(p) is not None)
        else:  # a final assessment: the learners' path, whoever takes it
            needed = tuple(m.id for m in catalog.path_modules)
        requires.append((quiz.id, needed))
    by_quiz = tuple((m.id, tuple(module_quizzes[m.id])) for m in modules
                    if m.id in module_quizzes and m.completion != "read")
    gated = {m for m, _ in by_quiz}
    return CompletionRule(by_quiz, tuple(m.id for m in modules if m.id not in gated), tuple(requires))


@dataclass(frozen=True)
class Standing:
    """What a learner has done, as recorded: modules marked complete (read), modules opened, quizzes passed."""

    read: frozenset[str] = frozenset()
    started: frozenset[str] = frozenset()
    passed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ModuleState:
    """A module with the learner's status and, when locked, what is missing; ``to_pass``: its quizzes not passed."""

    module: Module
    status: Status
    missing: tuple[Module, ...] = ()
    to_pass: tuple[str, ...] = ()  # quiz ids that complete this module and are not passed yet
    read: bool = False  # the learner marked it complete (counts only once its quizzes are passed)

    @property
    def locked_reason(self) -> str:
        """A sentence telling the learner what to finish first."""
        return finish_first(self.missing)


FINISH_FIRST_NAMES = 3  # a longer list (a final assessment's) names this many and counts the rest


def finish_first(missing: Iterable[Module]) -> str:
    """'Finish “A”, “B” first.' (empty when nothing is missing; beyond three: '… and 12 more modules first.')."""
    titles = [f"“{m.title}”" for m in missing]
    if len(titles) > FINISH_FIRST_NAMES + 1:
        rest = len(titles) - FINISH_FIRST_NAMES
        return "Finish " + ", ".join(titles[:FINISH_FIRST_NAMES]) + f" and {rest} more modules first."
    return "Finish " + ", ".join(titles) + " first." if titles else ""


@dataclass(frozen=True)
class TrackProgress:
    """One track's modules with their states and the share completed."""

    track: Track
    modules: tuple[ModuleState, ...]

    @property
    def completed(self) -> int:
        """How many modules of the track are complete."""
        return sum(1 for s in self.modules if s.status is Status.COMPLETE)

    @property
    def total(self) -> int:
        """How many modules the track has."""
        return len(self.modules)

    @property
    def percent(self) -> int:
        """Completion as a whole percentage."""
        return round(100 * self.completed / self.total) if self.total else 0


@dataclass(frozen=True)
class LearnerPath:
    """A learner's whole path: every track, overall completion and the next module."""

    tracks: tuple[TrackProgress, ...]
    next_module: ModuleState | None
    completed_ids: frozenset[str] = field(default_factory=frozenset)

    @property
    def completed(self) -> int:
        """Completed modules across all tracks."""
        return sum(t.completed for t in self.tracks)

    @property
    def total(self) -> int:
        """All modules across all tracks."""
        return sum(t.total for t in self.tracks)

    @property
    def percent(self) -> int:
        """Overall completion as a whole percentage."""
        return round(100 * self.completed / self.total) if self.total else 0


def missing_modules(module_ids: Iterable[str], catalog: Catalog, completed: Collection[str]) -> tuple[Module, ...]:
    """The modules of ``module_ids`` (that exist) not complete yet."""
    return tuple(m for m in (catalog.get(i) for i in module_ids) if m is not None and m.id not in completed)


def module_state(module: Module, catalog: Catalog, rule: CompletionRule, standing: Standing,
                 completed: Collection[str] | None = None) -> ModuleState:
    """The state of one module for a learner (``completed``: the derived completions, when already computed)."""
    done = rule.completed(standing.read, standing.passed) if completed is None else completed
    to_pass = rule.to_pass(module.id, standing.passed)
    read = module.id in standing.read
    if module.id in done:
        return ModuleState(module, Status.COMPLETE, read=read)
    missing = missing_modules(module.prerequisites, catalog, done)
    if missing:
        return ModuleState(module, Status.LOCKED, missing, to_pass, read)
    if module.id in standing.started or read:
        return ModuleState(module, Status.IN_PROGRESS, (), to_pass, read)
    return ModuleState(module, Status.AVAILABLE, (), to_pass, read)


def learner_path(catalog: Catalog, rule: CompletionRule, standing: Standing) -> LearnerPath:
    """Every track's progress and the next module to read (in progress first, then available)."""
    done = rule.completed(standing.read, standing.passed)
    tracks = []
    states: list[ModuleState] = []
    covered = set(rule.module_ids)  # the person's path: the learners', plus their audience's tracks
    for track in catalog.registry.tracks:
        track_states = tuple(module_state(m, catalog, rule, standing, done) for m in catalog.modules_in(track.id)
                             if m.id in covered)
        states.extend(track_states)
        if track_states:
            tracks.append(TrackProgress(track, track_states))
    next_state = next((s for s in states if s.status is Status.IN_PROGRESS), None) or next(
        (s for s in states if s.status is Status.AVAILABLE), None
    )
    return LearnerPath(tuple(tracks), next_state, done)


def quiz_missing(quiz_id: str, catalog: Catalog, rule: CompletionRule, standing: Standing) -> tuple[Module, ...]:
    """The modules to complete before this quiz may be started (empty: it may start)."""
    return missing_modules(rule.requires(quiz_id), catalog, rule.completed(standing.read, standing.passed))


def is_new(standing: Standing) -> bool:
    """Whether a learner has not started yet: no module opened or marked read, no quiz passed (the welcome shows)."""
    return not (standing.started or standing.read or standing.passed)


def assignment_lock(kind: str, item_id: str, catalog: Catalog, rule: CompletionRule, standing: Standing) -> str:
    """What unlocks an assigned module or quiz, naming the modules to finish first ('' when it is open)."""
    if kind == "module":
        module = catalog.get(item_id)
        return module_state(module, catalog, rule, standing).locked_reason if module is not None else ""
    return finish_first(quiz_missing(item_id, catalog, rule, standing))
