"""xAPI statements built from hand-worked facts on the fixture quiz (core only: no app, no database).

PARTIAL earns 5 of 11 (see test_review): q1 route pm (key am) 0/1 · q2 split t1 pm ✓, t2 am ✗ (pm), t3 am ✓,
t4 blank (pm) 2/4 · q3 raci am I ✓, pm R ✗ (A), pmo C ✓ 2/3 · q4 choice a,b (keys a,c) 0/2 · q5 choice a ✓ 1/1.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

from courseware.core import xapi
from courseware.core.catalog import load_catalog
from courseware.core.grading import grade
from courseware.core.quiz import load_quizzes

DATA = Path(__file__).parent.parent / "data"
CATALOG = load_catalog(DATA / "content")
QUIZ = load_quizzes(DATA / "quizzes", CATALOG).get("scope-check")
assert QUIZ is not None
PARTIAL = {"q1": "pm", "q2": {"t1": "pm", "t2": "am", "t3": "am"}, "q3": {"am": "I", "pm": "R", "pmo": "C"},
           "q4": ["a", "b"], "q5": "a"}
SITE = xapi.Site("https://cw.example.com/")
LEE = xapi.Learner(7, "lee@example.com", "Lee")
AT = datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=UTC)
FACTS = xapi.AttemptFacts(attempt_id=42, number=1, model="separate", points=Fraction(5), max_points=Fraction(11),
                          passed=False, submitted_at=AT)


def statements(**changes: object) -> dict[str, dict]:  # type: ignore[type-arg]
    facts = xapi.AttemptFacts(**{**FACTS.__dict__, **changes})  # type: ignore[arg-type]
    built = xapi.attempt_statements(SITE, LEE, QUIZ, facts, grade(QUIZ, PARTIAL, "separate").items, CATALOG.registry)
    by_name = {}
    for s in built:
        name = s.kind if s.kind != "answered" else "answered:" + s.body["object"]["id"].rsplit("/", 1)[1]
        by_name[name] = s.body
        assert s.body["id"] == s.id
    return by_name


def test_ids_are_uuid5_of_the_event_and_revision() -> None:
    built = statements()
    assert list(built) == ["attempted", "failed", "answered:q1", "answered:q2", "answered:q3", "answered:q4",
                           "answered:q5"]
    assert built["attempted"]["id"] == str(uuid.uuid5(xapi.NAMESPACE, "attempt/42/r0/attempted"))
    assert built["answered:q2"]["id"] == str(uuid.uuid5(xapi.NAMESPACE, "attempt/42/r0/answered/q2"))
    assert statements() == built  # the same event, the same ids and bodies: a retry is no duplicate
    regraded = statements(revision=1)
    assert not {b["id"] for b in built.values()} & {b["id"] for b in regraded.values()}


def test_quiz_statements_carry_score_success_model_and_areas() -> None:
    built = statements()
    assert built["attempted"]["actor"] == {"objectType": "Agent", "name": "Lee", "mbox": "mailto:lee@example.com"}
    assert built["attempted"]["verb"]["id"] == "http://adlnet.gov/expapi/verbs/attempted"
    assert built["attempted"]["object"]["id"] == "https://cw.example.com/xapi/quizzes/scope-check"
    failed = built["failed"]
    assert failed["verb"]["id"] == "http://adlnet.gov/expapi/verbs/failed"
    assert failed["result"] == {"score": {"scaled": 0.4545, "raw": 5.0, "min": 0.0, "max": 11.0}, "success": False,
                                "completion": True}
    assert failed["timestamp"] == "2026-12-01T09:30:15.123Z"
    assert failed["context"]["extensions"] == {"https://cw.example.com/xapi/extensions/operating-model": "separate",
                                               "https://cw.example.com/xapi/extensions/attempt": 1}
    # every area an item was graded in, once, in order: q1 scope, q2 budget (t4 time), q3 risk, q4/q5 communication
    assert [c["id"].rsplit("/", 1)[1] for c in failed["context"]["contextActivities"]["category"]] == [
        "scope", "budget", "time", "risk", "communication"]
    assert failed["context"]["contextActivities"]["category"][0]["definition"]["name"] == {"en": "Scope"}
    passed = statements(points=Fraction(9), passed=True)["passed"]
    assert passed["result"]["score"]["scaled"] == 0.8182 and passed["result"]["success"] is True


def test_route_and_split_are_matchings_of_tasks_to_owner_roles() -> None:
    built = statements()
    q1 = built["answered:q1"]
    definition = q1["object"]["definition"]
    assert definition["interactionType"] == "matching"
    assert definition["correctResponsesPattern"] == ["q1[.]am"]
    assert [s["id"] for s in definition["source"]] == ["q1"]
    assert [(t["id"], t["description"]["en"]) for t in definition["target"]] == [
        ("am", "Account Manager"), ("pm", "Project Manager"), ("shared", "Shared (AM and PM)")]
    assert q1["result"]["response"] == "q1[.]pm" and q1["result"]["success"] is False
    q2 = built["answered:q2"]
    definition = q2["object"]["definition"]
    assert definition["correctResponsesPattern"] == ["t1[.]pm[,]t2[.]pm[,]t3[.]am[,]t4[.]pm"]
    assert [(s["id"], s["description"]["en"]) for s in definition["source"]] == [
        ("t1", "Update the change log"), ("t2", "Re-forecast the production budget"),
        ("t3", "Agree the extra fee with the client"), ("t4", "Brief the editor")]
    assert [t["id"] for t in definition["target"]] == ["am", "pm", "shared", "pmo"]
    assert q2["result"]["response"] == "t1[.]pm[,]t2[.]am[,]t3[.]am"  # t4 left blank
    assert q2["result"]["score"] == {"scaled": 0.5, "raw": 2.0, "min": 0.0, "max": 4.0}
    assert [c["id"].rsplit("/", 1)[1] for c in q2["context"]["contextActivities"]["category"]] == ["budget", "time"]
    assert q2["context"]["contextActivities"]["parent"][0]["id"] == "https://cw.example.com/xapi/quizzes/scope-check"


def test_raci_is_a_matching_of_roles_to_letters_and_choice_is_a_choice() -> None:
    built = statements()
    q3 = built["answered:q3"]
    definition = q3["object"]["definition"]
    assert definition["interactionType"] == "matching"
    assert definition["correctResponsesPattern"] == ["am[.]I[,]pm[.]A[,]pmo[.]C"]
    assert [t["id"] for t in definition["target"]] == ["R", "A", "C", "I"]
    assert [(s["id"], s["description"]["en"]) for s in definition["source"]][1] == ("pm", "Project Manager")
    assert q3["result"]["response"] == "am[.]I[,]pm[.]R[,]pmo[.]C"
    assert q3["result"]["score"]["scaled"] == 0.6667
    q4 = built["answered:q4"]
    definition = q4["object"]["definition"]
    assert definition["interactionType"] == "choice"
    assert definition["correctResponsesPattern"] == ["a[,]c"]
    assert [c["id"] for c in definition["choices"]] == ["a", "b", "c"]
    assert q4["result"]["response"] == "a[,]b" and q4["result"]["score"]["raw"] == 0.0
    q5 = built["answered:q5"]
    assert q5["result"] == {"response": "a", "success": True, "completion": True,
                            "score": {"scaled": 1.0, "raw": 1.0, "min": 0.0, "max": 1.0}}


def test_actor_by_account_and_module_completed_and_voiding() -> None:
    site = xapi.Site("https://cw.example.com", actor_kind="account")
    module = CATALOG.get("basics")
    assert module is not None
    done = xapi.module_completed(site, LEE, module, "hybrid", CATALOG.registry, AT)
    assert done.id == str(uuid.uuid5(xapi.NAMESPACE, "module-completed/7/basics"))
    assert done.body["actor"] == {"objectType": "Agent", "name": "Lee",
                                  "account": {"homePage": "https://cw.example.com", "name": "7"}}
    assert done.body["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert done.body["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/module"
    assert [c["id"] for c in done.body["context"]["contextActivities"]["category"]] == [
        "https://cw.example.com/xapi/areas/scope", "https://cw.example.com/xapi/areas/communication"]
    assert done.body["context"]["extensions"] == {"https://cw.example.com/xapi/extensions/operating-model": "hybrid"}
    void = xapi.voiding(site, done.id, AT)
    assert void.id == str(uuid.uuid5(xapi.NAMESPACE, f"void/{done.id}"))
    assert void.body["verb"]["id"] == "http://adlnet.gov/expapi/verbs/voided"
    assert void.body["object"] == {"objectType": "StatementRef", "id": done.id}
