"""The API's resources and inputs as pydantic v2 models: they validate input and emit the JSON Schema of the document."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Role = Literal["learner", "mentor", "manager", "admin"]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120, pattern=r"^[^\x00-\x1f\x7f]*$")]
Email = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254,
                                        pattern=r"^[^@\s\x00-\x1f]+@[^@\s\x00-\x1f]+$")]
NextLink = Annotated[str | None, Field(description="The URL of the next page, or null on the last page.")]


class Out(BaseModel):
    """Base of the resources sent back."""

    model_config = ConfigDict(frozen=True)


class In(BaseModel):
    """Base of the inputs: unknown fields are refused, so a typo is a 422, not a silent no-op."""

    model_config = ConfigDict(extra="forbid")


class UserOut(Out):
    """A person."""

    id: int
    email: str
    display_name: str
    active: bool
    roles: list[Role]
    cohort_id: int | None
    created_at: datetime
    last_seen_at: datetime | None


class UserList(Out):
    """A page of people."""

    items: list[UserOut]
    next: NextLink


class Progress(Out):
    """A learner's progress through the course."""

    modules_total: int
    modules_completed: list[str]
    modules_started: list[str]
    quizzes_passed: list[str]


class AttemptOut(Out):
    """One try at one quiz (open, submitted, or reset and kept on record)."""

    id: int
    user_id: int
    quiz_id: str
    number: int
    state: Literal["open", "submitted", "reset"]
    started_at: datetime
    submitted_at: datetime | None
    score: float | None = Field(description="0 to 1, once submitted.")
    passed: bool | None


class AttemptList(Out):
    """A page of attempts."""

    items: list[AttemptOut]
    next: NextLink


class GradedItem(Out):
    """One graded unit of a submitted attempt. ``expected`` (the key) is null while the quiz's reveal policy hides it."""

    question_id: str
    item_id: str
    kind: str
    area: str
    given: str | None
    expected: str | None
    correct: bool
    points: float
    max_points: float


class AttemptDetail(AttemptOut):
    """An attempt with its graded items (none until it is submitted)."""

    items: list[GradedItem]


class Me(Out):
    """The token's owner, with their progress and attempts."""

    user: UserOut
    progress: Progress
    attempts: list[AttemptOut]


class UserCreate(In):
    """Invite a person: they get an email to choose a password."""

    email: Email
    display_name: Name
    roles: list[Role] = Field(default_factory=lambda: ["learner"], min_length=1, max_length=4)
    cohort_id: Id | None = None


class UserPatch(In):
    """Change a person's name, roles or whether they may sign in (only the fields given)."""

    display_name: Name | None = None
    roles: list[Role] | None = Field(default=None, min_length=1, max_length=4)
    active: bool | None = None


class CohortOut(Out):
    """A group of learners who start together."""

    id: int
    name: str
    start_date: date
    operating_model: str | None


class CohortList(Out):
    """A page of cohorts."""

    items: list[CohortOut]
    next: NextLink


class MembershipCreate(In):
    """Put a learner in the cohort (moving them from another one)."""

    user_id: Id


class MentorshipOut(Out):
    """A mentor assigned to a mentee."""

    mentor_id: int
    mentee_id: int
    created_at: datetime


class MentorshipList(Out):
    """A page of mentorships."""

    items: list[MentorshipOut]
    next: NextLink


class AssignmentOut(Out):
    """A module or quiz assigned to one learner or a whole cohort, due on a date."""

    id: int
    kind: Literal["module", "quiz"]
    item_id: str
    user_id: int | None
    cohort_id: int | None
    due_on: date


class AssignmentList(Out):
    """A page of assignments."""

    items: list[AssignmentOut]
    next: NextLink


class MyAssignment(Out):
    """An assignment as the learner sees it: done or overdue by the course's completion rule."""

    id: int
    kind: Literal["module", "quiz"]
    item_id: str
    title: str
    due_on: date
    via_cohort: bool
    done: bool
    overdue: bool


class MyAssignmentList(Out):
    """A page of the learner's assignments, soonest due first."""

    items: list[MyAssignment]
    next: NextLink


class AssignmentCreate(In):
    """Assign a module or quiz to one learner (``user_id``) or one cohort (``cohort_id``)."""

    kind: Literal["module", "quiz"]
    item_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    due_on: date
    user_id: Id | None = None
    cohort_id: Id | None = None


class ProgressRow(Out):
    """One learner's row of a cohort's progress: each module started is 'complete' or 'in_progress'."""

    user_id: int
    name: str
    modules_completed: int
    modules: dict[str, Literal["complete", "in_progress"]]


class ProgressReport(Out):
    """A page of a cohort's progress, over the learners the caller sees."""

    cohort_id: int
    items: list[ProgressRow]
    next: NextLink


class GradeRow(Out):
    """One learner's record on one quiz."""

    user_id: int
    name: str
    email: str
    attempts: int
    best: float | None
    last: float | None
    passed: bool


class GradeReport(Out):
    """A page of a cohort's grades on one quiz, over the learners the caller sees."""

    cohort_id: int
    quiz_id: str
    items: list[GradeRow]
    next: NextLink


class OrganisationOut(Out):
    """The organisation's settings."""

    name: str
    default_model: str
    time_zone: str
    model_note: str | None


class OrganisationPatch(In):
    """Change the organisation's settings (only the fields given)."""

    name: Name | None = None
    default_model: Annotated[str, StringConstraints(min_length=1, max_length=16)] | None = None
    time_zone: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
