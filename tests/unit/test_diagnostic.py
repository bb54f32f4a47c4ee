"""The self-diagnostic's recommendation, worked by hand for three agencies against content/diagnostic.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from courseware.core.catalog import load_catalog
from courseware.core.diagnostic import load_diagnostic, recommend
from courseware.core.errors import InvalidInput

CONTENT = Path(__file__).parent.parent.parent / "content"
PROBLEMS: list = []  # type: ignore[type-arg]
DIAGNOSTIC = load_diagnostic(CONTENT, load_catalog(CONTENT), PROBLEMS)


def test_the_course_diagnostic_loads_clean() -> None:
    assert PROBLEMS == [] and DIAGNOSTIC is not None
    assert (DIAGNOSTIC.separate_at, DIAGNOSTIC.dedicated_at) == (9, 0)


def test_a_12_person_shop_gets_a_hybrid() -> None:
    assert DIAGNOSTIC is not None
    # under-25 −4, mixed 0, no PMs −3, mostly small −3, print and social 0, one contact −1: −11 < 0
    result = recommend(DIAGNOSTIC, {"headcount": "under-25", "am-seniority": "mixed", "pm-bench": "none",
                                    "accounts": "mostly-small", "complexity": ["print-social"], "clients": "one-contact"})
    assert (result.outcome, result.model, result.score, result.note) == ("hybrid", "hybrid", -11, "")
    assert [r.weight for r in result.reasons] == [-4, -3, -3, -1]  # strongest first; zero weights give no reason
    assert result.reasons[0].see == "hybrid-model#when-the-hybrid-model-makes-sense"


def test_a_60_person_agency_with_two_large_accounts_gets_dedicated_pms_for_named_account_types() -> None:
    assert DIAGNOSTIC is not None
    # 25-79 0, mixed 0, one to three PMs 0, a few large +1, shoots +2, builds +2, mixed clients 0: 5, in [0, 9)
    result = recommend(DIAGNOSTIC, {"headcount": "25-to-79", "am-seniority": "mixed", "pm-bench": "one-to-three",
                                    "accounts": "few-large", "complexity": ["shoots", "builds"], "clients": "mixed"})
    assert (result.outcome, result.model, result.score) == ("hybrid-dedicated", "hybrid", 5)
    assert result.account_types == ("your largest accounts", "accounts with shoots or broadcast production",
                                    "accounts with digital builds")
    assert result.note == ("Dedicated PMs for: your largest accounts; accounts with shoots or broadcast production; "
                           "accounts with digital builds.")


def test_a_300_person_network_office_gets_separate_departments() -> None:
    assert DIAGNOSTIC is not None
    # 200+ +5, mostly senior +2, ten or more PMs +3, mostly large +3, shoots/builds/markets +6, named contact +1: 20
    result = recommend(DIAGNOSTIC, {"headcount": "200-plus", "am-seniority": "mostly-senior", "pm-bench": "ten-plus",
                                    "accounts": "mostly-large", "complexity": ["shoots", "builds", "multi-market"],
                                    "clients": "named-project-contact"})
    assert (result.outcome, result.model, result.score, result.account_types) == ("separate", "separate", 20, ())


def test_the_middle_band_without_an_account_type_stays_hybrid() -> None:
    assert DIAGNOSTIC is not None
    # 80-199 +3, mixed 0, one to three 0, mostly small −3, print 0, named contact +1: 1 ≥ 0, but nothing named
    result = recommend(DIAGNOSTIC, {"headcount": "80-to-199", "am-seniority": "mixed", "pm-bench": "one-to-three",
                                    "accounts": "mostly-small", "complexity": ["print-social"],
                                    "clients": "named-project-contact"})
    assert (result.outcome, result.score) == ("hybrid", 1)


@pytest.mark.parametrize(("answers", "field"), [
    ({"headcount": "under-25"}, "am-seniority"),
    ({"headcount": "huge"}, "headcount"),
])
def test_incomplete_or_unknown_answers_are_refused(answers: dict, field: str) -> None:  # type: ignore[type-arg]
    assert DIAGNOSTIC is not None
    full = {"headcount": "under-25", "am-seniority": "mixed", "pm-bench": "none", "accounts": "mostly-small",
            "complexity": ["print-social"], "clients": "one-contact"}
    given = {**full, **answers}
    if field == "am-seniority":
        del given["am-seniority"]
    with pytest.raises(InvalidInput) as error:
        recommend(DIAGNOSTIC, given)
    assert error.value.field == field
