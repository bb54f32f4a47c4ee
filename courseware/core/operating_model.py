"""The operating model an agency runs under, which decides some quiz keys: its names, labels and resolution.

- **separate**: Account Management and Project Management are distinct departments;
- **hybrid**: on smaller accounts the AM also runs execution, mentored by a Delivery/PMO manager,
  while larger accounts keep a dedicated PM.

A learner is graded under their own model if set, else their cohort's, else the organisation's
default (``resolve_model``).  Every other part of the app takes these names from here.
"""

from __future__ import annotations

from .errors import InvalidInput

MODELS = ("separate", "hybrid")
DEFAULT_MODEL = "separate"
LABELS = {"separate": "Separate departments", "hybrid": "Hybrid model"}
DESCRIPTIONS = {
    "separate": "Separate departments: Account Management and Project Management are distinct teams.",
    "hybrid": ("Hybrid: on smaller accounts the AM also runs execution, mentored by a Delivery/PMO manager; "
               "larger accounts keep a dedicated PM."),
}
INHERIT_LABEL = "Organisation default"


def model_label(model: str | None) -> str:
    """A model's label; None (inherit) reads as the organisation default."""
    return LABELS.get(model or "", INHERIT_LABEL)


def check_model(model: str | None, *, allow_inherit: bool = False, field: str = "operating_model") -> str | None:
    """A valid model name, or None where ``allow_inherit`` (None or '' mean: inherit); else InvalidInput."""
    if model in (None, "") and allow_inherit:
        return None
    if model not in MODELS:
        raise InvalidInput(f"Unknown operating model '{model}'; use {' or '.join(MODELS)}.", field=field)
    return model


def resolve_model(own: str | None, cohort: str | None, organisation: str | None) -> str:
    """The model that applies: the learner's own, else their cohort's, else the organisation's, else the default."""
    return own or cohort or organisation or DEFAULT_MODEL
