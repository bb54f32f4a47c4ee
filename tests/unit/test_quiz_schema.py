"""The published quiz.schema.json is exactly what the registry generates; one home for the pass-mark default."""

from __future__ import annotations

import json

from courseware.core.operating_model import MODELS
from courseware.core.questions.__main__ import main as regenerate
from courseware.core.quiz import DEFAULT_PASS_MARK, SCHEMA_PATH, Quiz, quiz_schema, schema_text


def test_the_published_schema_is_the_generated_one() -> None:
    # When this fails after changing a question type: python -m courseware.core.questions
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text()
    assert regenerate(["--check"]) == 0


def test_the_schema_takes_its_vocabulary_from_the_code() -> None:
    schema = quiz_schema()
    assert schema["properties"]["pass_mark"]["default"] == float(DEFAULT_PASS_MARK) == 0.8
    assert schema["$defs"]["modelNames"]["propertyNames"]["enum"] == list(MODELS)
    assert Quiz("q", "Q", ()).pass_mark == DEFAULT_PASS_MARK
    assert json.loads(schema_text()) == schema
