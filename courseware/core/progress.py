"""Progress rules: which modules are complete, in progress, available or locked."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from .catalog import Catalog, Module, Track


class Status(StrEnum):
    """Where a learner stands on one module."""

    COMPLETE = "complete"
    IN_PROGRESS = "in_progress"
    AVAILABLE = "available"
    LOCKED = "locked"


@dataclass(frozen=True)
class ModuleState:
    """A module with the learner's status and, when locked, what is missing."""

    module: Module
    status: Status
    missing: tuple[Module, ...] = ()

    @property
    def locked_reason(self) -> str:
        """A sentence telling the learner what to finish first."""
        if not self.missing:
            return ""
        return "Finish " + ", ".join(f"“{m.title}”" for m in self.missing) + " first."


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


def module_state(module: Module, catalog: Catalog, completed: Collection[str], started: Collection[str]) -> ModuleState:
    """The state of one module given the ids the learner completed and started."""
    if module.id in completed:
        return ModuleState(module, Status.COMPLETE)
    missing = tuple(
        m for m in (catalog.get(dep) for dep in module.prerequisites) if m is not None and m.id not in completed
    )
    if missing:
        return ModuleState(module, Status.LOCKED, missing)
    if module.id in started:
        return ModuleState(module, Status.IN_PROGRESS)
    return ModuleState(module, Status.AVAILABLE)


def learner_path(catalog: Catalog, completed: Collection[str], started: Collection[str]) -> LearnerPath:
    """Every track's progress and the next module to read (in progress first, then available)."""
    completed, started = set(completed), set(started)
    tracks = []
    states: list[ModuleState] = []
    for track in catalog.registry.tracks:
        track_states = tuple(module_state(m, catalog, completed, started) for m in catalog.modules_in(track.id))
        states.extend(track_states)
        if track_states:
            tracks.append(TrackProgress(track, track_states))
    next_state = next((s for s in states if s.status is Status.IN_PROGRESS), None) or next(
        (s for s in states if s.status is Status.AVAILABLE), None
    )
    return LearnerPath(tuple(tracks), next_state)
