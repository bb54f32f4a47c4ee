"""The courseware command: check, grade, init-db, create-user, seed-demo."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from courseware.cli import check_command, cli, grade_command
from courseware.persistence import queries
from courseware.persistence.db import make_session_factory
from courseware.state import state_of

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent


def run(command, args: list[str]):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(command, args, catch_exceptions=False)


def test_check_is_clean_on_the_repository() -> None:
    result = run(check_command, ["--content", str(REPO / "content"), "--quizzes", str(REPO / "quizzes")])
    assert result.exit_code == 0
    assert result.output.startswith("OK: ")


@pytest.fixture
def broken(tmp_path: Path) -> tuple[Path, Path]:
    content, quizzes = tmp_path / "content", tmp_path / "quizzes"
    shutil.copytree(DATA / "content", content)
    shutil.copytree(DATA / "quizzes", quizzes)
    return content, quizzes


def write_quiz(quizzes: Path, body: str) -> Path:
    path = quizzes / "bad.yaml"
    path.write_text(body)
    return path


QUIZ_HEAD = 'id: bad\ntitle: "Bad"\nmodule: scope\nquestions:\n'


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (QUIZ_HEAD + '  - id: q1\n    type: route\n    area: scope\n    prompt: "P"\n    options: [am, pm]\n    answer: pmo\n',
         ":10: question q1: key 'pmo' is not among the options (am, pm)"),
        (QUIZ_HEAD + '  - id: q1\n    type: route\n    area: vibes\n    prompt: "P"\n    options: [am, ceo]\n    answer: am\n',
         ":7: question q1: unknown knowledge area 'vibes'"),
        (QUIZ_HEAD + '  - id: q1\n    type: route\n    area: scope\n    prompt: "P"\n    options: [am, ceo]\n    answer: am\n',
         ":9: question q1: unknown role 'ceo'"),
        (QUIZ_HEAD + '  - id: q1\n    type: raci\n    area: risk\n    prompt: "P"\n    roles: [am, pm]\n'
         '    answer: {am: A, pm: A}\n', ":10: question q1: a RACI key needs exactly one A (found 2)"),
        (QUIZ_HEAD + '  - id: q1\n    type: choice\n    area: risk\n    prompt: "P"\n    options: {a: "x", b: "y"}\n'
         '    answer: a\n  - id: q1\n    type: choice\n    area: risk\n    prompt: "P"\n    options: {a: "x", b: "y"}\n'
         '    answer: a\n', ":11: duplicate question id 'q1' (first at line 5)"),
        (QUIZ_HEAD + '  - id: q1\n    type: choice\n    area: risk\n    prompt: "P"\n    options: {a: "x", b: "y"}\n'
         '    answer: a\n    see: scope#nowhere\n',
         ":11: question q1: 'see' points to '#nowhere', which is not a heading of 'scope'"),
        (QUIZ_HEAD.replace("module: scope", "module: ghost") + '  - id: q1\n    type: choice\n    area: risk\n'
         '    prompt: "P"\n    options: {a: "x", b: "y"}\n    answer: a\n', ":3: 'module' points to unknown module 'ghost'"),
        (QUIZ_HEAD + '  - id: q1\n    type: route\n    area: scope\n    prompt: [unclosed\n', ":8: YAML syntax error"),
        (QUIZ_HEAD + '  - id: q1\n    type: route\n    area: scope\n    prompt: "P"\n    options: [am, pm]\n'
         '    answer: am\n    answer: pm\n', ":11: duplicate key 'answer' (first at line 10)"),
        (QUIZ_HEAD + '  - id: q1\n    type: route\n    area: scope\n    prompt: "P"\n    options: [am, pm]\n    anser: am\n',
         ":5: questions/0: 'answer' is a required property"),
    ],
)
def test_check_reports_quiz_problems(broken: tuple[Path, Path], body: str, expected: str) -> None:
    content, quizzes = broken
    path = write_quiz(quizzes, body)
    result = run(check_command, ["--content", str(content), "--quizzes", str(quizzes)])
    assert result.exit_code == 1
    assert f"{path}{expected}" in result.output, result.output
    assert "Traceback" not in result.output


def test_check_reports_module_problems_too(broken: tuple[Path, Path]) -> None:
    content, quizzes = broken
    (content / "foundations" / "01-intro.md").write_text("---\nid: intro\n---\n")
    result = run(check_command, ["--content", str(content), "--quizzes", str(quizzes)])
    assert result.exit_code == 1
    assert f"{content / 'foundations' / '01-intro.md'}:2: missing required field 'title'" in result.output


def item(item_id: str | None, area: str, expected: str, given: str | None, points: float, max_points: float) -> dict:  # type: ignore[type-arg]
    """One graded item as ``courseware grade`` prints it (credit = points / max points)."""
    return {"item": item_id, "area": area, "expected": expected, "given": given, "points": points,
            "max_points": max_points, "credit": points / max_points}


def test_grade_prints_json(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"q1": "pm", "q2": {"t1": "pm", "t2": "am", "t3": "am"},
                                   "q3": {"am": "I", "pm": "R", "pmo": "C"}, "q4": ["a", "b"], "q5": "a"}))
    result = run(grade_command, [str(DATA / "quizzes" / "scope.yaml"), str(answers), "--content", str(DATA / "content")])
    assert result.exit_code == 0
    assert json.loads(result.output) == {
        "quiz": "scope-check", "model": "separate", "points": 5, "max_points": 11, "score": 45.5, "passed": False,
        "areas": {"scope": 0.0, "budget": 66.7, "time": 0.0, "risk": 66.7, "communication": 33.3},
        "questions": [
            {"id": "q1", "points": 0, "max_points": 1,
             "items": [{**item(None, "scope", "am", "pm", 0, 1), "feedback": "The PM sizes it; the AM takes it to the client."}],
             "explanation": "Client-driven change is handled strategically by the AM."},
            {"id": "q2", "points": 2, "max_points": 4, "items": [  # 1 point per task
                item("t1", "budget", "pm", "pm", 1, 1), item("t2", "budget", "pm", "am", 0, 1),
                item("t3", "budget", "am", "am", 1, 1), item("t4", "time", "pm", None, 0, 1)],
             "explanation": "Execution is the PM's; on a small hybrid account, the AM's."},
            {"id": "q3", "points": 2, "max_points": 3, "items": [
                item("am", "risk", "I", "I", 1, 1), item("pm", "risk", "A", "R", 0, 1), item("pmo", "risk", "C", "C", 1, 1)],
             "rule_breaks": ["No role is Accountable: a RACI has exactly one A."],  # I, R, C: no A at all
             "explanation": "The PM is accountable for delivery risk."},
            {"id": "q4", "points": 0, "max_points": 2, "items": [item(None, "communication", "a,c", "a,b", 0, 2)],
             "explanation": "One voice per message, agreed up front."},
            {"id": "q5", "points": 1, "max_points": 1, "items": [item(None, "communication", "a", "a", 1, 1)],
             "explanation": "PMs update clients on progress directly."},
        ],
        "misroutes": [{"question": "q1", "task": None, "expected": "am", "given": "pm"},
                      {"question": "q2", "task": "t2", "expected": "pm", "given": "am"}],
    }
    hybrid = run(grade_command, [str(DATA / "quizzes" / "scope.yaml"), str(answers), "--model", "hybrid",
                                 "--content", str(DATA / "content")])
    assert json.loads(hybrid.output)["points"] == 4  # t1 is the AM's under hybrid: split drops to 1 of 4


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"q9": "am"}, "unknown question id 'q9'"),
        ({"q1": "pmo"}, "question q1: 'pmo' is not one of its options (am, pm, shared)"),
        ({"q3": {"ceo": "A"}}, "question q3: role 'ceo' is not one of its roles (am, pm, pmo)"),
    ],
)
def test_grade_rejects_bad_answers_with_exit_2(tmp_path: Path, answers: dict, message: str) -> None:  # type: ignore[type-arg]
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers))
    result = CliRunner().invoke(grade_command, [str(DATA / "quizzes" / "scope.yaml"), str(path), "--content",
                                                str(DATA / "content")])
    assert result.exit_code == 2
    assert message in result.output


def test_grade_rejects_unknown_model(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text("{}")
    result = CliRunner().invoke(grade_command, [str(DATA / "quizzes" / "scope.yaml"), str(path), "--model", "matrix",
                                                "--content", str(DATA / "content")])
    assert result.exit_code == 2 and "'matrix' is not one of 'separate', 'hybrid'" in result.output


def test_create_user_and_seed_demo(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "Boss@Example.com", "--name", "Boss", "--role", "admin",
                                 "--password", "long-password"])
    assert result.exit_code == 0 and "Created boss@example.com (admin)." in result.output
    dup = runner.invoke(args=["create-user", "boss@example.com", "--password", "long-password"])
    assert dup.exit_code == 1 and "A user with this email already exists." in dup.output
    seeded = runner.invoke(args=["seed-demo", "--password", "demo-password", "--if-empty"])
    assert "already has users" in seeded.output
    short = runner.invoke(args=["seed-demo", "--password", "demo-pass"])  # new passwords need 12 characters
    assert short.exit_code == 1 and "--password: Use at least 12 characters" in short.output
    seeded = runner.invoke(args=["seed-demo", "--password", "demo-password"])
    assert seeded.exit_code == 0
    for email in ("admin@example.com", "mentor@example.com", "mentor2@example.com", "learner@example.com"):
        assert email in seeded.output
    with make_session_factory(state_of(app).engine)() as session:
        learner = queries.user_by_email(session, "learner@example.com")
        assert learner is not None and learner.access_roles == {"learner"}


def test_init_db_is_idempotent(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0 and "is already current" in result.output


def test_app_refuses_to_start_on_broken_content(broken: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    content, quizzes = broken
    (content / "areas" / "01-scope.md").write_text((content / "areas" / "01-scope.md").read_text().replace(
        "prerequisites: [basics]", "prerequisites: [ghost]"))
    monkeypatch.setenv("COURSEWARE_CONTENT_DIR", str(content))
    monkeypatch.setenv("COURSEWARE_QUIZ_DIR", str(quizzes))
    monkeypatch.setenv("COURSEWARE_SECRET_KEY", "x" * 32)
    result = CliRunner().invoke(cli, ["init-db"])
    assert result.exit_code == 1
    assert f"{content / 'areas' / '01-scope.md'}:9: unknown prerequisite 'ghost'" in result.output
    assert "Traceback" not in result.output
