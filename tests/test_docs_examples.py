"""The worked examples of docs/quiz-format.md (docs/examples/*.yaml) give the numbers the page states."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from courseware.cli import grade_command

REPO = Path(__file__).parent.parent
EXAMPLES = REPO / "docs" / "examples"
CONTENT = REPO / "tests" / "data" / "content"


def grade(name: str, answers: str | None = None, model: str = "separate") -> tuple[int, str]:
    result = CliRunner().invoke(grade_command, [str(EXAMPLES / f"{name}.yaml"),
                                                str(EXAMPLES / f"{answers or name + '-answers'}.json"),
                                                "--model", model, "--content", str(CONTENT)])
    return result.exit_code, result.output


def test_the_page_names_every_example() -> None:
    page = (REPO / "docs" / "quiz-format.md").read_text()
    for path in sorted(EXAMPLES.glob("*.yaml")):
        assert f"docs/examples/{path.name}" in page, path.name


def test_near_miss_example() -> None:
    code, output = grade("near-miss")
    data = json.loads(output)
    assert code == 0 and (data["points"], data["max_points"], data["score"]) == (2, 3, 66.7)
    assert data["areas"] == {"budget": 50.0, "scope": 75.0}
    q1, q2 = data["questions"]
    assert (q1["points"], q1["items"][0]["credit"], q1["items"][0]["near_miss"]) == (
        0.5, 0.5, "partly right: 'shared' where the key is 'am'")
    assert q2["points"] == 1.5


def test_raci_rules_example() -> None:
    data = json.loads(grade("raci-rules")[1])
    assert data["points"] == 2 and data["questions"][0]["rule_breaks"] == [
        "2 roles are Accountable (am, pm): a RACI has exactly one A.",
        "No role is Responsible: someone has to do the work."]


@pytest.mark.parametrize(("model", "points", "feedback", "explanation"), [
    ("separate", 0, "With separate departments, timelines are the PM's.",
     "Timeline and vendor coordination are execution: the PM's."),
    ("hybrid", 1, "Right: under the hybrid model the AM runs execution on a small account.",
     "On a small account in the hybrid model, the AM runs execution, timelines included."),
])
def test_by_model_example(model: str, points: int, feedback: str, explanation: str) -> None:
    question = json.loads(grade("by-model", model=model)[1])["questions"][0]
    assert (question["points"], question["items"][0]["feedback"], question["explanation"]) == (
        points, feedback, explanation)


def test_pools_example() -> None:
    data = json.loads(grade("pools")[1])
    assert (data["drawn"], data["points"], data["max_points"], data["score"]) == (["q1", "q3", "q4"], 2, 3, 66.7)
    code, output = grade("pools", "pools-too-many")
    assert code == 2
    assert output.strip().endswith("pools-too-many.json: pool owners draws 2 of its questions; the answers give 3 "
                                   "(q1, q2, q3)")
