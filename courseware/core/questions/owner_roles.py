"""Helpers for the types whose answers are owner roles (route, split): their words and a simulated pick."""

from __future__ import annotations

import random

from ..catalog import Registry
from .base import NOT_ANSWERED

# When a learner gets an owner role wrong, the role they most likely pick instead.
CONFUSED_WITH = {"am": ("pm", "shared"), "pm": ("am", "shared"), "shared": ("am", "pm"), "pmo": ("pm", "am")}


def owner_role_words(registry: Registry, role: str | None) -> str:
    """An owner role's label, or 'Not answered'."""
    return registry.owner_role_label(role) if role else NOT_ANSWERED


def simulated_owner_role(key: str, options: tuple[str, ...], skill: float, rng: random.Random) -> str | None:
    """The role a learner of this skill picks: usually the key; a wrong pick leans towards the usual AM ↔ PM confusions."""
    roll = rng.random()
    if roll < 0.02:
        return None  # left unanswered
    if roll < skill or len(options) < 2:
        return key
    likely = [r for r in CONFUSED_WITH.get(key, ()) if r in options and r != key]
    if likely and rng.random() < 0.75:
        return likely[0]
    return rng.choice([o for o in options if o != key])
