"""Domain exceptions and the problem records that content validation reports."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a content or quiz file, at a given line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class CoursewareError(Exception):
    """Base class of the domain's exceptions."""


class ContentError(CoursewareError):
    """Content or quiz files failed validation; carries every problem found."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(sorted(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class NotFound(CoursewareError):
    """A module, track, quiz or record does not exist."""


class InvalidInput(CoursewareError):
    """Input that the domain rejects; `field` names the offending field, if any."""

    def __init__(self, message: str, field: str | None = None):
        self.field = field
        super().__init__(message)


class NotYetAvailable(InvalidInput):
    """Something the learner cannot do yet (a locked module); the message says what to finish first."""
