"""A question type is one module, registered: a throw-away "yesno" type goes through checks, schema and grading."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest

from courseware.core import strict_yaml
from courseware.core.catalog import load_catalog
from courseware.core.grading import AnswerError, grade
from courseware.core.questions import QUESTION_TYPES, ROUTED_KINDS, question_type, register, routed_kinds
from courseware.core.quiz import load_quiz_file, make_layout, quiz_schema
from tests.unit.yesno_type import YESNO_QUIZ, YesNoQuestion, registered

DATA = Path(__file__).parent.parent / "data"
CATALOG = load_catalog(DATA / "content")


@pytest.fixture
def yesno() -> Iterator[None]:
    with registered(YesNoQuestion):
        yield


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "yesno.yaml"
    path.write_text(text)
    return path


def test_the_builtin_types_and_the_routed_kinds() -> None:
    assert list(QUESTION_TYPES) == ["route", "split", "raci", "choice"]
    assert ROUTED_KINDS == routed_kinds() == ("route", "split")
    with pytest.raises(ValueError, match="already registered"):
        register(question_type("route"))
    with pytest.raises(KeyError, match="unknown question type 'yesno'"):
        question_type("yesno")


def test_a_quiz_using_the_new_type_loads(yesno: None, tmp_path: Path) -> None:
    quiz, problems = load_quiz_file(write(tmp_path, YESNO_QUIZ), CATALOG.registry, CATALOG)
    assert problems == [] and quiz is not None
    y1 = quiz.question("y1")
    assert isinstance(y1, YesNoQuestion) and y1.answer is True and y1.points == 2
    assert [q.type for q in quiz.questions] == ["yesno", "route"]
    assert make_layout(quiz, 1)["questions"] == ["y1", "r1"]


def test_its_own_check_reports_path_and_line(yesno: None, tmp_path: Path) -> None:
    path = write(tmp_path, YESNO_QUIZ.replace("the client?\"", "the client.\""))
    quiz, problems = load_quiz_file(path, CATALOG.registry, CATALOG)
    assert quiz is None
    assert [str(p) for p in problems] == [f"{path}:9: question y1: a yes/no prompt ends with a question mark"]


def test_its_schema_fragment_is_part_of_the_schema(yesno: None, tmp_path: Path) -> None:
    path = write(tmp_path, YESNO_QUIZ.replace("answer: true", "answer: \"maybe\""))
    assert [str(p) for p in load_quiz_file(path, CATALOG.registry, CATALOG)[1]] == [
        f"{path}:10: questions/0/answer: 'maybe' is not of type 'boolean'"]
    validator = jsonschema.Draft202012Validator(quiz_schema())
    assert validator.is_valid(strict_yaml.load(YESNO_QUIZ))
    assert not validator.is_valid(strict_yaml.load(YESNO_QUIZ.replace("answer: true", "answer: 1")))
    assert "yesno" in quiz_schema()["$defs"]["common"]["properties"]["type"]["enum"]


def test_without_registration_the_type_is_unknown(tmp_path: Path) -> None:
    path = write(tmp_path, YESNO_QUIZ)
    assert [str(p) for p in load_quiz_file(path, CATALOG.registry, CATALOG)[1]] == [
        f"{path}:6: questions/0/type: 'yesno' is not one of ['route', 'split', 'raci', 'choice']"]
    assert "yesno" not in quiz_schema()["$defs"]["common"]["properties"]["type"]["enum"]


def test_grade_scores_it(yesno: None, tmp_path: Path) -> None:
    quiz = load_quiz_file(write(tmp_path, YESNO_QUIZ), CATALOG.registry, CATALOG)[0]
    assert quiz is not None
    right = grade(quiz, {"y1": True, "r1": "am"}, "separate")  # 2 of 2 + 0 of 1 = 2/3 → 66.7
    assert (right.points, right.max_points, right.score, right.passed) == (2, 3, 66.7, False)
    assert right.areas == {"scope": 100.0, "time": 0.0}
    assert [(i.kind, i.expected, i.given, i.correct, i.misrouted) for i in right.items] == [
        ("yesno", "yes", "yes", True, False), ("route", "pm", "am", False, True)]
    assert grade(quiz, {"y1": False, "r1": "pm"}, "hybrid").points == 1
    assert grade(quiz, {}, "separate").points == Fraction(0)
    with pytest.raises(AnswerError, match="question y1: expected true or false"):
        grade(quiz, {"y1": "yes"}, "separate")


def test_its_form_inputs_and_answers_round_trip(yesno: None, tmp_path: Path) -> None:
    quiz = load_quiz_file(write(tmp_path, YESNO_QUIZ), CATALOG.registry, CATALOG)[0]
    assert quiz is not None
    y1 = quiz.question("y1")
    assert y1 is not None
    (spec,) = y1.inputs(make_layout(quiz, 1), CATALOG.registry)
    assert (spec.item_id, spec.choices, spec.multiple) == ("", (("yes", "Yes"), ("no", "No")), False)
    assert y1.answer_from_inputs({"": "no"}) is False and y1.answer_from_inputs({"": None}) is None
    assert y1.input_values(False) == {"": "no"}
