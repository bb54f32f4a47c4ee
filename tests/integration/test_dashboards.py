"""Dashboard aggregates against values worked out by hand from a small, fully known organisation.

The world (today = 20 Nov 2026; the fixture course has modules intro, basics, scope; intro and basics are
complete when marked, scope when the quiz scope-check is passed — the completion rule):

| learner | cohort | mentors   | modules marked (✓) / opened       | submitted attempts (best)            | complete |
|---------|--------|-----------|-----------------------------------|--------------------------------------|----------|
| Ana     | Autumn | M1        | intro ✓, basics ✓, scope opened   | scope-check 40, 90 ✓; other-quiz 70  | 3        |
| Ben     | Autumn | M1        | intro ✓, scope ✓ (quiz not passed) | scope-check 60 (and an open attempt) | 1        |
| Cy      | Winter | M1, M2    | —                                 | —                                    | 0        |
| Dee     | Autumn | M2        | all three ✓                       | scope-check 100 ✓                    | 3        |
| Eve     | —      | —         | —                                 | —                                    | 0        |

Ana's scope counts (passed at 12:00 on 7 Nov) though she never marked it; Ben's mark on scope does not.
Ben's RACI answer gives A to two roles: one rule break.
Assignments: Autumn — module basics due 10 Nov, quiz scope-check due 15 Nov; Winter — quiz scope-check
due 19 Nov; Ben — module scope due 1 Dec (not yet due); Cy — module intro due 1 Nov.
Overdue: Ana 0, Ben 2 (basics, scope-check), Cy 2 (intro, scope-check), Dee 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from courseware.core.progress import CompletionRule
from courseware.persistence import dashboards
from courseware.persistence.models import (
    Assignment,
    Attempt,
    AttemptItem,
    Cohort,
    MentorNote,
    Mentorship,
    ModuleProgress,
)
from tests.conftest import make_user

TODAY = date(2026, 11, 20)
MODULES = ("intro", "basics", "scope")
RULE = CompletionRule(by_quiz=(("scope", ("scope-check",)),), by_reading=("intro", "basics"))


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A time in November 2026, UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@dataclass
class World:
    ids: dict[str, int]


def _attempt(db: Session, user_id: int, quiz_id: str, number: int, *, score: float | None, passed: bool | None,
             started: datetime, submitted: datetime | None, items: list[tuple[Any, ...]] = ()) -> None:  # type: ignore[assignment]
    attempt = Attempt(user_id=user_id, quiz_id=quiz_id, number=number, state="submitted" if submitted else "open",
                      model="separate", seed=1, layout={}, started_at=started, submitted_at=submitted, score=score,
                      passed=passed, points=None, max_points=None)
    db.add(attempt)
    db.flush()
    for question_id, item_id, kind, area, expected, given, correct, points, max_points in items:
        db.add(AttemptItem(
            attempt_id=attempt.id, user_id=user_id, quiz_id=quiz_id, question_id=question_id, item_id=item_id, kind=kind,
            area=area, expected=expected, given=given, correct=correct, points=points, max_points=max_points,
            misrouted=kind in ("route", "split") and given is not None and given != expected,
        ))


def _progress(db: Session, user_id: int, module_id: str, started: datetime, completed: datetime | None) -> None:
    db.add(ModuleProgress(user_id=user_id, module_id=module_id, started_at=started, completed_at=completed))


@pytest.fixture
def world(db: Session) -> World:
    m1 = make_user(db, "m1@example.com", ("mentor",), name="Morgan One")
    m2 = make_user(db, "m2@example.com", ("mentor",), name="Sam Two")
    m3 = make_user(db, "m3@example.com", ("mentor",), name="Zed Idle")
    ana = make_user(db, "ana@example.com", name="Ana")
    ben = make_user(db, "ben@example.com", name="Ben")
    cy = make_user(db, "cy@example.com", name="Cy")
    dee = make_user(db, "dee@example.com", name="Dee")
    eve = make_user(db, "eve@example.com", name="Eve")
    autumn = Cohort(name="Autumn", start_date=date(2026, 9, 1))
    winter = Cohort(name="Winter", start_date=date(2026, 12, 1))
    spring = Cohort(name="Spring", start_date=date(2027, 3, 1))
    db.add_all([autumn, winter, spring])
    db.flush()
    for user, cohort in ((ana, autumn), (ben, autumn), (dee, autumn), (cy, winter)):
        user.cohort_id = cohort.id
    ana.last_seen_at = at(18, 10)
    ben.last_seen_at = at(10)
    dee.last_seen_at = at(20, 7)
    for mentor, mentee in ((m1, ana), (m1, ben), (m1, cy), (m2, cy), (m2, dee)):
        db.add(Mentorship(mentor_id=mentor.id, mentee_id=mentee.id))

    _progress(db, ana.id, "intro", at(2), at(2, 10))
    _progress(db, ana.id, "basics", at(3), at(4))
    _progress(db, ana.id, "scope", at(5), None)
    _progress(db, ben.id, "intro", at(2), at(12))
    _progress(db, ben.id, "scope", at(11), at(11, 9, 30))
    for module_id in MODULES:
        _progress(db, dee.id, module_id, at(3), at(3, 12))

    _attempt(db, ana.id, "scope-check", 1, score=40, passed=False, started=at(6), submitted=at(6, 12), items=[
        ("q1", "", "route", "scope", "am", "pm", False, 0, 1),
        ("q2", "t2", "split", "budget", "pm", "am", False, 0, 1),
        ("q2", "t3", "split", "budget", "am", "am", True, 1, 1),
    ])
    _attempt(db, ana.id, "scope-check", 2, score=90, passed=True, started=at(7), submitted=at(7, 12), items=[
        ("q1", "", "route", "scope", "am", "am", True, 1, 1),
        ("q2", "t2", "split", "budget", "pm", "am", False, 0, 1),
        ("q2", "t3", "split", "budget", "am", "am", True, 1, 1),
    ])
    _attempt(db, ana.id, "other-quiz", 1, score=70, passed=False, started=at(19, 8), submitted=at(19, 8, 30), items=[
        ("q1", "", "choice", "communication", "a,c", "a,c", True, 2, 2),
    ])
    _attempt(db, ben.id, "scope-check", 1, score=60, passed=False, started=at(8), submitted=at(8, 12), items=[
        ("q1", "", "route", "scope", "am", "am", True, 1, 1),
        ("q2", "t2", "split", "budget", "pm", "pm", True, 1, 1),
        ("q2", "t3", "split", "budget", "am", "pm", False, 0, 1),
        ("q3", "am", "raci", "risk", "I", "A", False, 0, 1),
        ("q3", "pm", "raci", "risk", "A", "A", True, 1, 1),
    ])
    _attempt(db, ben.id, "scope-check", 2, score=None, passed=None, started=at(13), submitted=None)
    _attempt(db, dee.id, "scope-check", 1, score=100, passed=True, started=at(4), submitted=at(4, 12), items=[
        ("q1", "", "route", "scope", "am", "am", True, 1, 1),
        ("q2", "t2", "split", "budget", "pm", None, False, 0, 1),
    ])

    db.add_all([
        Assignment(kind="module", item_id="basics", cohort_id=autumn.id, due_on=date(2026, 11, 10)),
        Assignment(kind="quiz", item_id="scope-check", cohort_id=autumn.id, due_on=date(2026, 11, 15)),
        Assignment(kind="quiz", item_id="scope-check", cohort_id=winter.id, due_on=date(2026, 11, 19)),
        Assignment(kind="module", item_id="scope", user_id=ben.id, due_on=date(2026, 12, 1)),
        Assignment(kind="module", item_id="intro", user_id=cy.id, due_on=date(2026, 11, 1)),
    ])
    db.add(MentorNote(mentee_id=ana.id, author_id=m1.id, body="First check-in", html="<p>First check-in</p>",
                      created_at=at(10)))
    db.add(MentorNote(mentee_id=ana.id, author_id=m2.id, body="Second", html="<p>Second</p>", created_at=at(11)))
    db.commit()
    return World({
        "m1": m1.id, "m2": m2.id, "m3": m3.id, "ana": ana.id, "ben": ben.id, "cy": cy.id, "dee": dee.id, "eve": eve.id,
        "autumn": autumn.id, "winter": winter.id, "spring": spring.id,
    })


def table(db: Session, world: World, viewer: str | None, **kwargs: Any) -> dashboards.MenteeTable:
    mentor_id = world.ids[viewer] if viewer else None
    return dashboards.mentor_mentees(db, mentor_id, rule=RULE, today=TODAY, **kwargs)


def test_mentor_table_numbers(db: Session, world: World) -> None:
    result = table(db, world, "m1")
    assert result.total == 3
    got = {r.name: (r.cohort, r.modules_completed, r.quizzes_passed, r.average_best, r.last_activity, r.overdue,
                    r.rule_breaks)
           for r in result.rows}
    assert got == {
        "Ana": ("Autumn", 3, 1, pytest.approx(80.0), at(19, 8, 30), 0, 0),  # best 90 and 70; the other-quiz submission
        "Ben": ("Autumn", 1, 0, pytest.approx(60.0), at(12), 2, 1),  # the open attempt counts for nothing
        "Cy": ("Winter", 0, 0, None, None, 2, 0),
    }
    assert [(c.name, c.learners) for c in result.cohorts] == [("Autumn", 2), ("Winter", 1)]
    assert result.rows[0].email == "ana@example.com"


def test_admin_sees_every_learner_and_only_learners(db: Session, world: World) -> None:
    result = table(db, world, None)
    assert [r.name for r in result.rows] == ["Ana", "Ben", "Cy", "Dee", "Eve"]
    assert result.total == 5
    assert [(c.name, c.learners) for c in result.cohorts] == [("Autumn", 3), ("Winter", 1), (None, 1)]
    no_cohort = table(db, world, None, cohort_id=None)  # None: learners without a cohort
    assert [r.name for r in no_cohort.rows] == ["Eve"] and no_cohort.total == 1


@pytest.mark.parametrize(("sort", "direction", "expected"), [
    ("name", "desc", ["Cy", "Ben", "Ana"]),
    ("score", "desc", ["Ana", "Ben", "Cy"]),
    ("score", "asc", ["Ben", "Ana", "Cy"]),  # no score sorts last either way
    ("overdue", "desc", ["Ben", "Cy", "Ana"]),  # ties by name
    ("activity", "desc", ["Ana", "Ben", "Cy"]),
    ("activity", "asc", ["Ben", "Ana", "Cy"]),
    ("completed", "asc", ["Cy", "Ben", "Ana"]),
    ("cohort", "desc", ["Cy", "Ana", "Ben"]),
    ("email", "asc", ["Ana", "Ben", "Cy"]),
    ("nonsense", "asc", ["Ana", "Ben", "Cy"]),
])
def test_mentor_table_sorts(db: Session, world: World, sort: str, direction: str, expected: list[str]) -> None:
    assert [r.name for r in table(db, world, "m1", sort=sort, direction=direction).rows] == expected


def test_mentor_table_filters_and_paginates(db: Session, world: World) -> None:
    winter = table(db, world, "m1", cohort_id=world.ids["winter"])
    assert [r.name for r in winter.rows] == ["Cy"] and winter.total == 1
    assert [r.name for r in table(db, world, "m1", per_page=2, page=2).rows] == ["Cy"]
    assert [r.name for r in table(db, world, "m1", per_page=2, page=2, sort="overdue", direction="desc").rows] == ["Ana"]
    assert [r.name for r in table(db, world, "m1", per_page=None, sort="score", direction="desc").rows] == ["Ana", "Ben", "Cy"]
    # Another mentor's cohort filter shows nothing of theirs.
    assert table(db, world, "m2", cohort_id=world.ids["autumn"]).rows[0].name == "Dee"
    assert table(db, world, "m3").rows == [] and table(db, world, "m3").total == 0


def detail_of(db: Session, mentee_id: int, mentor_id: int | None) -> dashboards.MenteeDetail | None:
    return dashboards.mentee_detail(db, mentee_id, mentor_id, rule=RULE, today=TODAY)


def test_mentee_scope(db: Session, world: World) -> None:
    ids = world.ids
    assert detail_of(db, ids["ana"], ids["m1"]) is not None
    assert detail_of(db, ids["ana"], ids["m2"]) is None
    assert detail_of(db, ids["dee"], ids["m1"]) is None
    assert detail_of(db, ids["cy"], ids["m2"]) is not None
    assert detail_of(db, ids["eve"], None) is not None  # admins see everyone
    assert detail_of(db, ids["m1"], None) is not None
    assert detail_of(db, ids["m1"], ids["m2"]) is None
    assert detail_of(db, 999_999, None) is None


def test_mentee_detail_numbers(db: Session, world: World) -> None:
    detail = detail_of(db, world.ids["ana"], world.ids["m1"])
    assert detail is not None
    h = detail.header
    assert (h.name, h.cohort, h.cohort_members) == ("Ana", "Autumn", 3)
    assert (h.modules_completed, h.quizzes_passed, h.attempts_submitted, h.overdue, h.rule_breaks) == (3, 1, 3, 0, 0)
    # scope is complete since her first passing attempt (7 Nov, 12:00), though she never marked it.
    assert [(m.module_id, m.completed_at, m.read_at) for m in detail.modules] == [
        ("intro", at(2, 10), at(2, 10)), ("basics", at(4), at(4)), ("scope", at(7, 12), None)]
    assert [(a.quiz_id, a.number, a.score, a.passed) for a in detail.attempts] == [
        ("scope-check", 1, 40, False), ("scope-check", 2, 90, True), ("other-quiz", 1, 70, False)]
    # Ana: scope 1/2, budget 2/4, communication 2/2.  m1 sees Ana and Ben of Autumn (Dee is m2's):
    # the mean covers those two only.
    assert [(a.area, a.learner, a.cohort, a.group) for a in detail.areas] == [
        ("budget", pytest.approx(50.0), pytest.approx((50 + 50) / 2), 2),
        ("communication", pytest.approx(100.0), pytest.approx(100.0), 1),
        ("risk", None, pytest.approx(50.0), 1),  # Ben's RACI: 1 of 2 roles
        ("scope", pytest.approx(50.0), pytest.approx((50 + 100) / 2), 2),
    ]
    # An admin sees the whole cohort: Ana, Ben and Dee; below a minimum group of 3 the mean is hidden.
    whole = dashboards.mentee_detail(db, world.ids["ana"], None, rule=RULE, today=TODAY, min_group=3)
    assert whole is not None
    assert [(a.area, a.learner, a.cohort, a.group) for a in whole.areas] == [
        ("budget", pytest.approx(50.0), pytest.approx((50 + 50 + 0) / 3), 3),
        ("communication", pytest.approx(100.0), None, 1),
        ("risk", None, None, 1),
        ("scope", pytest.approx(50.0), pytest.approx((50 + 100 + 100) / 3), 3),
    ]
    assert [(m.question_id, m.item_id, m.expected, m.given, m.times, m.answered) for m in detail.misroutes] == [
        ("q2", "t2", "pm", "am", 2, 2), ("q1", "", "am", "pm", 1, 2)]
    assert [(n.html, n.author) for n in detail.notes] == [("<p>Second</p>", "Sam Two"), ("<p>First check-in</p>", "Morgan One")]
    assert detail.notes_total == 2
    assert [(a.item_id, a.via_cohort, a.done) for a in detail.assignments] == [
        ("basics", True, True), ("scope-check", True, True)]


def test_mentee_without_cohort_or_answers(db: Session, world: World) -> None:
    detail = detail_of(db, world.ids["ben"], world.ids["m1"])
    assert detail is not None
    h = detail.header
    assert (h.modules_completed, h.quizzes_passed, h.attempts_submitted, h.overdue, h.rule_breaks) == (1, 0, 1, 2, 1)
    # His mark on scope is on record (read) but the module is not complete: scope-check is not passed.
    assert [(m.module_id, m.completed_at, m.read_at) for m in detail.modules] == [
        ("intro", at(12), at(12)), ("scope", None, at(11, 9, 30))]
    assert [(a.item_id, a.due_on, a.via_cohort, a.done) for a in detail.assignments] == [
        ("basics", date(2026, 11, 10), True, False), ("scope-check", date(2026, 11, 15), True, False),
        ("scope", date(2026, 12, 1), False, False)]
    assert [(a.quiz_id, a.state, a.score) for a in detail.attempts] == [
        ("scope-check", "submitted", 60), ("scope-check", "open", None)]
    eve = detail_of(db, world.ids["eve"], None)
    assert eve is not None and eve.header.cohort is None and eve.areas == [] and eve.misroutes == [] and eve.modules == []
    notes, total = dashboards.mentee_notes(db, world.ids["ana"], page=2, per_page=1)
    assert [n.html for n in notes] == ["<p>First check-in</p>"] and total == 2


def test_cohort_scope(db: Session, world: World) -> None:
    ids = world.ids
    admin = dashboards.cohort_header(db, ids["autumn"], None)
    assert admin is not None and (admin.name, admin.members, admin.learners) == ("Autumn", 3, 3)
    mine = dashboards.cohort_header(db, ids["autumn"], ids["m1"])
    assert mine is not None and (mine.members, mine.learners) == (3, 2)
    assert dashboards.cohort_header(db, ids["spring"], ids["m1"]) is None  # no mentee of theirs in it
    assert dashboards.cohort_header(db, ids["spring"], None) is not None  # admins see empty cohorts
    assert dashboards.cohort_header(db, 999_999, None) is None


def test_cohort_page_numbers(db: Session, world: World) -> None:
    autumn = world.ids["autumn"]
    rows = dashboards.heatmap(db, autumn, None, rule=RULE)
    assert [(r.name, r.done, r.cells) for r in rows] == [
        ("Ana", 3, {"intro": "complete", "basics": "complete", "scope": "complete"}),
        ("Ben", 1, {"intro": "complete", "scope": "in_progress"}),
        ("Dee", 3, {"intro": "complete", "basics": "complete", "scope": "complete"}),
    ]
    assert [r.name for r in dashboards.heatmap(db, autumn, None, rule=RULE, page=2, per_page=2)] == ["Dee"]
    assert [r.name for r in dashboards.heatmap(db, autumn, world.ids["m1"], rule=RULE)] == ["Ana", "Ben"]
    stats = {m.module_id: (m.started, m.completed) for m in dashboards.module_stats(db, autumn, None, RULE)}
    assert stats == {"intro": (3, 3), "basics": (2, 2), "scope": (3, 2)}
    quizzes = [(q.quiz_id, q.learners, q.passed, q.average_best) for q in dashboards.quiz_stats(db, autumn, None)]
    assert quizzes == [("other-quiz", 1, 0, pytest.approx(70.0)), ("scope-check", 3, 2, pytest.approx((90 + 60 + 100) / 3))]
    found = dashboards.confusion(db, autumn, None)
    cells = {(c.area, c.expected, c.given): c.count for c in found}
    assert {(c.area, c.area_total, c.area_correct) for c in found} == {("scope", 4, 3), ("budget", 7, 3)}
    assert cells == {
        ("scope", "am", "pm"): 1, ("scope", "am", "am"): 3,
        ("budget", "pm", "am"): 2, ("budget", "am", "am"): 2, ("budget", "pm", "pm"): 1, ("budget", "am", "pm"): 1,
        ("budget", "pm", None): 1,
    }
    # Answers are attempts that asked the question: q1 and q2 four each (Ana twice, Ben, Dee), q3 and other-quiz's
    # q1 one each.  Nothing reaches the 5 answers a ranking needs; with 4, q2 (3 of 7 items right) ranks first.
    hardest = dashboards.hardest_questions(db, autumn, None)
    assert (hardest.questions, hardest.too_few, hardest.min_answers) == ([], 4, 5)
    four = dashboards.hardest_questions(db, autumn, None, min_answers=4)
    assert [(q.quiz_id, q.question_id, q.answers, q.share_correct) for q in four.questions] == [
        ("scope-check", "q2", 4, pytest.approx(3 / 7)), ("scope-check", "q1", 4, pytest.approx(0.75)),
    ]
    assert four.too_few == 2


def test_cohort_numbers_for_a_mentor_cover_only_their_mentees(db: Session, world: World) -> None:
    autumn, m1 = world.ids["autumn"], world.ids["m1"]
    stats = {m.module_id: (m.started, m.completed) for m in dashboards.module_stats(db, autumn, m1, RULE)}
    assert stats == {"intro": (2, 2), "basics": (1, 1), "scope": (2, 1)}
    quizzes = [(q.quiz_id, q.learners, q.passed, q.average_best) for q in dashboards.quiz_stats(db, autumn, m1)]
    assert quizzes == [("other-quiz", 1, 0, pytest.approx(70.0)), ("scope-check", 2, 1, pytest.approx(75.0))]
    budget = {(c.expected, c.given): c.count for c in dashboards.confusion(db, autumn, m1) if c.area == "budget"}
    assert budget == {("pm", "am"): 2, ("am", "am"): 2, ("pm", "pm"): 1, ("am", "pm"): 1}


def test_manager_overview_numbers(db: Session, world: World) -> None:
    cohorts, total = dashboards.cohort_summaries(db, rule=RULE, today=TODAY)
    assert total == 3
    got = [(c.name, c.learners, c.modules_completed, c.finished, c.overdue) for c in cohorts]
    # Autumn: Ana 3 + Ben 1 + Dee 3 = 7 modules; Ana and Dee finished the path.
    assert got == [("Spring", 0, 0, 0, 0), ("Winter", 1, 0, 0, 2), ("Autumn", 3, 7, 2, 2)]
    assert cohorts[2].completion == pytest.approx(100 * 7 / 9)
    assert cohorts[0].completion == 0.0
    second, _ = dashboards.cohort_summaries(db, rule=RULE, today=TODAY, page=2, per_page=2)
    assert [c.name for c in second] == ["Autumn"]

    mentors, total = dashboards.mentor_summaries(db, rule=RULE, today=TODAY)
    assert total == 3
    got = [(m.name, m.email, m.learners, m.modules_completed, m.finished, m.overdue) for m in mentors]
    assert got == [
        ("Morgan One", "m1@example.com", 3, 4, 1, 4),  # Ana 3 + Ben 1 + Cy 0
        ("Sam Two", "m2@example.com", 2, 3, 1, 2),  # Cy 0 + Dee 3
        ("Zed Idle", "m3@example.com", 0, 0, 0, 0),
    ]
    assert mentors[0].completion == pytest.approx(100 * 4 / 9)
    head = dashboards.headline(db)
    assert (head.learners, head.cohorts, head.mentors, head.unmentored) == (5, 3, 3, 1)


def test_overdue_follows_today(db: Session, world: World) -> None:
    early = dashboards.mentor_mentees(db, world.ids["m1"], rule=RULE, today=date(2026, 11, 12))
    assert {r.name: r.overdue for r in early.rows} == {"Ana": 0, "Ben": 1, "Cy": 1}  # basics; intro
    late = dashboards.mentor_mentees(db, world.ids["m1"], rule=RULE, today=date(2026, 12, 2))
    # Ben's scope (due 1 Dec) is overdue: he marked it read, but has not passed its quiz.
    assert {r.name: r.overdue for r in late.rows} == {"Ana": 0, "Ben": 3, "Cy": 2}
