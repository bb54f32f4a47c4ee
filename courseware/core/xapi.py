"""xAPI 1.0.3 statements for what learners do: pure functions from facts to statement JSON.

Each statement's id is a UUID derived (uuid5) from the event and a revision, so building it twice gives the
same id: a retry never makes a duplicate, and a regrade (revision + 1) makes new ids.  Each question type says
how it is put as an interaction (``Question.xapi_interaction``); this module wraps that in a statement with
the actor, the knowledge areas (``context.contextActivities.category``) and the operating model
(``context.extensions``).  Nothing here does I/O or reads a clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

from .catalog import Module, Registry
from .questions import ItemResult, question_type
from .quiz import Quiz

VERSION = "1.0.3"
# Fixed forever: changing it would change every statement id.
NAMESPACE = uuid.UUID("6f1c8f4e-4a57-5b8e-9c1a-2f0d3b7e9a11")
LANG = "en"

VERB_IRIS = {
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "attempted": "http://adlnet.gov/expapi/verbs/attempted",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "voided": "http://adlnet.gov/expapi/verbs/voided",
}
MODULE_TYPE = "http://adlnet.gov/expapi/activities/module"
ASSESSMENT_TYPE = "http://adlnet.gov/expapi/activities/assessment"
INTERACTION_TYPE = "http://adlnet.gov/expapi/activities/cmi.interaction"
AREA_TYPE = "http://id.tincanapi.com/activitytype/category"
ACTOR_KINDS = ("mbox", "account")


@dataclass(frozen=True)
class Site:
    """Where activity IRIs live (the site's base URL) and how learners are named (``mbox`` or ``account``)."""

    base_iri: str
    actor_kind: str = "mbox"
    platform: str = "Courseware"

    def iri(self, *parts: str) -> str:
        """An IRI under the site: ``<base>/xapi/<parts…>``."""
        return "/".join([self.base_iri.rstrip("/"), "xapi", *parts])

    @property
    def model_extension(self) -> str:
        """The context extension key that carries the operating model."""
        return self.iri("extensions", "operating-model")


@dataclass(frozen=True)
class Learner:
    """Who did it."""

    user_id: int
    email: str
    name: str


@dataclass(frozen=True)
class Statement:
    """One statement: its id, the kind of event (the verb's short name) and its JSON."""

    id: str
    kind: str
    body: dict[str, Any]


@dataclass(frozen=True)
class AttemptFacts:
    """A graded attempt, as the statements need it."""

    attempt_id: int
    number: int
    model: str
    points: Fraction
    max_points: Fraction
    passed: bool
    submitted_at: datetime
    revision: int = 0


def statement_id(*parts: object) -> str:
    """The UUID of the statement for this event: the same parts give the same id, always."""
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def timestamp(at: datetime) -> str:
    """ISO 8601 in UTC with a Z, to the millisecond (a naive time is taken as UTC)."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def actor(site: Site, learner: Learner) -> dict[str, Any]:
    """The learner as an Agent: by ``mbox`` (their email), or by an ``account`` on the site (their user id)."""
    agent: dict[str, Any] = {"objectType": "Agent", "name": learner.name}
    if site.actor_kind == "account":
        agent["account"] = {"homePage": site.base_iri.rstrip("/"), "name": str(learner.user_id)}
    else:
        agent["mbox"] = f"mailto:{learner.email}"
    return agent


def platform_agent(site: Site) -> dict[str, Any]:
    """The site itself as an Agent (the actor of voiding statements: the site withdraws what it said)."""
    return {"objectType": "Agent", "name": site.platform,
            "account": {"homePage": site.base_iri.rstrip("/"), "name": "courseware"}}


def _lang(text: str) -> dict[str, str]:
    return {LANG: text}


def _activity(iri: str, kind: str, name: str, description: str = "", **definition: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"type": kind, "name": _lang(name)}
    if description:
        body["description"] = _lang(description)
    body.update(definition)
    return {"objectType": "Activity", "id": iri, "definition": body}


def area_activities(site: Site, registry: Registry, areas: Iterable[str]) -> list[dict[str, Any]]:
    """The knowledge areas as category activities, each once, in the order first met."""
    return [_activity(site.iri("areas", a), AREA_TYPE, registry.area_label(a)) for a in dict.fromkeys(areas)]


def _context(site: Site, registry: Registry, model: str, areas: Iterable[str],
             parent: dict[str, Any] | None = None) -> dict[str, Any]:
    activities: dict[str, Any] = {}
    categories = area_activities(site, registry, areas)
    if categories:
        activities["category"] = categories
    if parent is not None:
        activities["parent"] = [parent]
    context: dict[str, Any] = {"platform": site.platform, "language": LANG,
                               "extensions": {site.model_extension: model}}
    if activities:
        context["contextActivities"] = activities
    return context


def _statement(kind: str, sid: str, who: dict[str, Any], obj: dict[str, Any], at: datetime,
               result: dict[str, Any] | None = None, context: dict[str, Any] | None = None) -> Statement:
    body: dict[str, Any] = {"id": sid, "actor": who, "verb": {"id": VERB_IRIS[kind], "display": {"en-US": kind}},
                            "object": obj, "timestamp": timestamp(at), "version": VERSION}
    if result is not None:
        body["result"] = result
    if context is not None:
        body["context"] = context
    return Statement(sid, kind, body)


def _score(points: Fraction, max_points: Fraction) -> dict[str, float]:
    scaled = points / max_points if max_points else Fraction(0)
    return {"scaled": round(float(scaled), 4), "raw": round(float(points), 4), "min": 0.0,
            "max": round(float(max_points), 4)}


def module_activity(site: Site, module: Module) -> dict[str, Any]:
    """A module as an activity."""
    return _activity(site.iri("modules", module.id), MODULE_TYPE, module.title, module.summary)


def quiz_activity(site: Site, quiz: Quiz) -> dict[str, Any]:
    """A quiz as an assessment activity."""
    return _activity(site.iri("quizzes", quiz.id), ASSESSMENT_TYPE, quiz.title, quiz.description)


def module_completed(site: Site, learner: Learner, module: Module, model: str, registry: Registry,
                     at: datetime) -> Statement:
    """'<learner> completed <module>' (the module's areas as categories); one id per learner and module."""
    sid = statement_id("module-completed", learner.user_id, module.id)
    return _statement("completed", sid, actor(site, learner), module_activity(site, module), at,
                      {"completion": True}, _context(site, registry, model, module.areas))


def attempt_subject(attempt_id: int) -> str:
    """What the statements of one attempt are about (the outbox groups them by it, to void them later)."""
    return f"attempt:{attempt_id}"


def attempt_statements(site: Site, learner: Learner, quiz: Quiz, facts: AttemptFacts, items: Sequence[ItemResult],
                       registry: Registry) -> list[Statement]:
    """An attempt's statements: 'attempted' and 'passed'/'failed' for the quiz (``result.score.scaled``,
    ``success``), then 'answered' for each question graded, as its type's interaction."""
    who = actor(site, learner)
    areas = [i.area for i in items]
    base = ("attempt", facts.attempt_id, f"r{facts.revision}")
    score = _score(facts.points, facts.max_points)
    quiz_object = quiz_activity(site, quiz)
    context = _context(site, registry, facts.model, areas)
    context["extensions"][site.iri("extensions", "attempt")] = facts.number
    out = [
        _statement("attempted", statement_id(*base, "attempted"), who, quiz_object, facts.submitted_at,
                   {"score": score, "completion": True}, context),
        _statement("passed" if facts.passed else "failed", statement_id(*base, "outcome"), who, quiz_object,
                   facts.submitted_at, {"score": score, "success": facts.passed, "completion": True}, context),
    ]
    by_question: dict[str, list[ItemResult]] = {}
    for item in items:
        by_question.setdefault(item.question_id, []).append(item)
    for question_id, graded in by_question.items():
        answered = answered_statement(site, who, quiz, facts, question_id, graded, registry)
        if answered is not None:
            out.append(answered)
    return out


def answered_statement(site: Site, who: dict[str, Any], quiz: Quiz, facts: AttemptFacts, question_id: str,
                       items: Sequence[ItemResult], registry: Registry) -> Statement | None:
    """'answered' for one question, put as its type's interaction; None when the question or type is gone, or the
    type has no mapping."""
    question = quiz.question(question_id)
    try:
        kind = question_type(items[0].kind)
    except KeyError:
        return None
    if question is None or not isinstance(question, kind):
        return None
    interaction = question.xapi_interaction(items, registry)
    if interaction is None:
        return None
    definition: dict[str, Any] = {"interactionType": interaction.type,
                                  "correctResponsesPattern": [interaction.correct_pattern]}
    for name, pairs in (("choices", interaction.choices), ("source", interaction.source),
                        ("target", interaction.target)):
        if pairs:
            definition[name] = [{"id": i, "description": _lang(text)} for i, text in pairs]
    prompt = question.prompt
    obj = _activity(site.iri("quizzes", quiz.id, "questions", question_id), INTERACTION_TYPE,
                    f"{quiz.title}: {question_id}", prompt, **definition)
    points = sum((i.points for i in items), Fraction(0))
    max_points = sum((i.max_points for i in items), Fraction(0))
    result = {"response": interaction.response, "success": all(i.correct for i in items),
              "score": _score(points, max_points), "completion": True}
    context = _context(site, registry, facts.model, [i.area for i in items], parent=quiz_activity(site, quiz))
    sid = statement_id("attempt", facts.attempt_id, f"r{facts.revision}", "answered", question_id)
    return _statement("answered", sid, who, obj, facts.submitted_at, result, context)


def voiding(site: Site, target_id: str, at: datetime) -> Statement:
    """The site voids a statement it sent (after a regrade or a reset); one id per voided statement."""
    return _statement("voided", statement_id("void", target_id), platform_agent(site),
                      {"objectType": "StatementRef", "id": target_id}, at)
