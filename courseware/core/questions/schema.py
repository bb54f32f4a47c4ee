"""The question part of quiz.schema.json, generated from the registry (the quiz part is in ``core/quiz.py``)."""

from __future__ import annotations

from typing import Any

from ..operating_model import MODELS
from . import QUESTION_TYPES, QuestionType
from .base import ACCOUNT_SIZES, CONTACTS

# Keys every question has, with their schema; each type adds its own (``schema_properties``).
COMMON_PROPERTIES: dict[str, Any] = {
    "id": {"$ref": "#/$defs/id"},
    "type": None,  # filled with the registered names
    "area": {"$ref": "#/$defs/id"},
    "points": {"$ref": "#/$defs/points"},
    "prompt": {"$ref": "#/$defs/text"},
    "explanation": {"type": "string"},
    "explanation_by_model": {"allOf": [{"$ref": "#/$defs/modelNames"}], "additionalProperties": {"type": "string"}},
    "see": {"$ref": "#/$defs/see"},
    "work": {"$ref": "#/$defs/id"},
    "account": {"enum": list(ACCOUNT_SIZES)},
    "level": {"type": "string"},  # checked against LEVELS with its line (check_curriculum_fields)
    "contact": {"enum": list(CONTACTS)},
}
BUILDING_BLOCKS: dict[str, Any] = {
    "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,62}$"},
    "text": {"type": "string", "minLength": 1},
    "points": {"type": "number", "exclusiveMinimum": 0, "default": 1},
    "see": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*(#[A-Za-z0-9_-]+)?$"},
    "roleList": {"type": "array", "minItems": 2, "uniqueItems": True, "items": {"$ref": "#/$defs/id"}},
    "modelNames": {"type": "object", "propertyNames": {"enum": list(MODELS)}},
}


def _when(cls: QuestionType) -> dict[str, Any]:
    """if type is this one, then only the common keys and the type's own are allowed."""
    properties: dict[str, Any] = {"type": {"const": cls.type}}
    properties.update({key: True for key in COMMON_PROPERTIES if key != "type"})
    properties.update(cls.schema_properties)
    return {
        "if": {"properties": {"type": {"const": cls.type}}, "required": ["type"]},
        "then": {"properties": properties, "required": list(cls.schema_required), "additionalProperties": False},
    }


def question_defs() -> dict[str, Any]:
    """The ``$defs`` describing questions: building blocks, ``common``, ``question`` and each type's own defs."""
    types = list(QUESTION_TYPES.values())
    common = {**COMMON_PROPERTIES, "type": {"enum": [cls.type for cls in types]}}
    defs: dict[str, Any] = {
        **BUILDING_BLOCKS,
        "common": {"type": "object", "required": ["id", "type", "area", "prompt"], "properties": common},
        "question": {"type": "object", "allOf": [{"$ref": "#/$defs/common"}, *(_when(cls) for cls in types)]},
    }
    for cls in types:
        for name, schema in cls.schema_defs.items():
            if name in defs and defs[name] != schema:
                raise ValueError(f"question type '{cls.type}' redefines $defs/{name}")
            defs[name] = schema
    return defs
