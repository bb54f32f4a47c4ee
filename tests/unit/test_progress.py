"""Progress rules on the fixture course (intro -> basics -> scope; the quiz scope-check belongs to scope)."""

from dataclasses import replace
from pathlib import Path

from courseware.core.catalog import Catalog, load_catalog
from courseware.core.progress import CompletionRule, Standing, Status, completion_rule, learner_path, quiz_missing
from courseware.core.quiz import Quiz, load_quizzes

CATALOG = load_catalog(Path(__file__).parent.parent / "data" / "content")
QUIZZES = load_quizzes(Path(__file__).parent.parent / "data" / "quizzes", CATALOG)
RULE = completion_rule(CATALOG, QUIZZES)


def standing(read: set[str] = frozenset(), started: set[str] = frozenset(),  # type: ignore[assignment]
             passed: set[str] = frozenset()) -> Standing:  # type: ignore[assignment]
    return Standing(frozenset(read), frozenset(started), frozenset(passed))


def statuses(read: set[str], started: set[str], passed: set[str] = frozenset()) -> dict[str, Status]:  # type: ignore[assignment]
    path = learner_path(CATALOG, RULE, standing(read, started, passed))
    return {s.module.id: s.status for t in path.tracks for s in t.modules}


def test_the_rule_of_the_fixture_course() -> None:
    assert RULE == CompletionRule(by_quiz=(("scope", ("scope-check",)),), by_reading=("intro", "basics"),
                                  quiz_requires=(("scope-check", ("basics",)),))
    assert RULE.completed({"intro", "basics", "scope"}, set()) == {"intro", "basics"}  # scope's click is not enough
    assert RULE.completed({"intro"}, {"scope-check"}) == {"intro", "scope"}  # passing completes it, read or not


def test_new_learner() -> None:
    path = learner_path(CATALOG, RULE, standing())
    assert statuses(set(), set()) == {"intro": Status.AVAILABLE, "basics": Status.LOCKED, "scope": Status.LOCKED}
    assert path.next_module is not None and path.next_module.module.id == "intro"
    assert (path.completed, path.total, path.percent) == (0, 3, 0)
    locked = path.tracks[0].modules[1]
    assert locked.locked_reason == "Finish “Introduction” first."


def test_in_progress_comes_before_available() -> None:
    path = learner_path(CATALOG, RULE, standing({"intro"}, {"intro", "basics"}))
    assert path.next_module is not None and path.next_module.module.id == "basics"
    assert path.next_module.status is Status.IN_PROGRESS
    assert (path.completed, path.percent) == (1, 33)
    assert [t.percent for t in path.tracks] == [50, 0]


def test_a_module_with_a_quiz_is_complete_only_once_the_quiz_is_passed() -> None:
    read_everything = standing({"intro", "basics", "scope"}, {"intro", "basics", "scope"})
    path = learner_path(CATALOG, RULE, read_everything)
    scope = path.tracks[1].modules[0]
    assert (scope.status, scope.read, scope.to_pass) == (Status.IN_PROGRESS, True, ("scope-check",))
    assert (path.completed, path.percent) == (2, 67)  # 2 of 3: the click on scope counts for nothing yet
    passed = learner_path(CATALOG, RULE, replace(read_everything, passed=frozenset({"scope-check"})))
    assert passed.next_module is None and passed.percent == 100


def test_read_completion_keeps_the_click() -> None:
    by_reading = Catalog(CATALOG.registry, tuple(replace(m, completion="read") if m.id == "scope" else m
                                                 for m in CATALOG.modules))
    rule = completion_rule(by_reading, QUIZZES)
    assert rule.by_quiz == () and rule.by_reading == ("intro", "basics", "scope")
    assert rule.completed({"intro", "basics", "scope"}, set()) == {"intro", "basics", "scope"}


def test_a_quiz_added_later_changes_completion_the_same_way() -> None:
    without = completion_rule(CATALOG, ())
    assert without.completed({"intro", "basics", "scope"}, set()) == {"intro", "basics", "scope"}
    assert RULE.completed({"intro", "basics", "scope"}, set()) == {"intro", "basics"}


def test_quiz_gating_follows_the_modules_prerequisites() -> None:
    assert [m.id for m in quiz_missing("scope-check", CATALOG, RULE, standing())] == ["basics"]
    assert [m.id for m in quiz_missing("scope-check", CATALOG, RULE, standing({"intro", "basics"}))] == []
    # A quiz of no module (a final assessment) waits for every module of the course.
    final = Quiz(id="final", title="Final", questions=QUIZZES.get("scope-check").questions)  # type: ignore[union-attr]
    rule = completion_rule(CATALOG, [*QUIZZES, final])
    assert [m.id for m in quiz_missing("final", CATALOG, rule, standing({"intro", "basics", "scope"}))] == ["scope"]
    assert quiz_missing("final", CATALOG, rule, standing({"intro", "basics"}, passed={"scope-check"})) == ()


def test_a_long_list_of_modules_to_finish_names_three_and_counts_the_rest() -> None:
    from courseware.core.progress import finish_first

    modules = [replace(CATALOG.modules[0], title=f"M{i}") for i in range(1, 8)]
    assert finish_first(modules[:4]) == "Finish “M1”, “M2”, “M3”, “M4” first."
    assert finish_first(modules) == "Finish “M1”, “M2”, “M3” and 4 more modules first."
    assert finish_first([]) == ""
