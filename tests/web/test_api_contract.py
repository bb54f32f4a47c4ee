"""The API against its own OpenAPI document, with schemathesis: every operation, with a token of each role.

For each operation of the document served at /api/v1/openapi.json, schemathesis generates requests —
valid ones with random ids, valid ones with the ids of real rows (a cohort with a learner and their
mentor, an assignment, a graded attempt: the route table's fixtures), and invalid ones — and each is sent
with the learner's, the mentor's, the manager's and the admin's write token, in that order (the admin's
writes come last).  Every response must be documented (status code, content type, headers, body schema)
and never a server error; invalid input must be refused with a 4xx; a request without the token, 401.

(schemathesis's own pytest loader, ``from_fixture``, does not run under pytest 9, so the test drives its
Hypothesis strategies itself and reports every failing operation at once.)
"""

from __future__ import annotations

from typing import Any

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.web.route_fixtures import route_ids
from tests.web.routes_api import ROLES, api_headers

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection, ignored_auth]
EXAMPLES = 8


def _run(app: Flask, strategy: Any, negative: bool) -> None:
    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        for role in ROLES:
            # A negative case may leave the token out on purpose: then it goes without one (and must get a 401).
            left_out = negative and "Authorization" not in (case.headers or {})
            case.call_and_validate(headers=None if left_out else api_headers(app, role), checks=CHECKS)

    check()


def test_api_matches_its_document(app: Flask, people: dict[str, Any]) -> None:
    ids = route_ids(app, people)
    real = {"user_id": people["learner"].id, "cohort_id": ids["cohort"], "attempt_id": ids["learner_result"],
            "assignment_id": ids["assignment"]}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        names = [p.name for p in operation.path_parameters]
        strategies = [(operation.as_strategy(), False),
                      (operation.as_strategy(generation_mode=GenerationMode.NEGATIVE), True)]
        if names:
            strategies.insert(1, (operation.as_strategy(path_parameters={n: real[n] for n in names}), False))
        for strategy, negative in strategies:
            try:
                _run(app, strategy, negative)
            except Exception as exc:  # every failing operation is reported, not only the first
                failures.append(f"{operation.label}: {exc}")
    assert failures == [], "\n\n".join(failures)
