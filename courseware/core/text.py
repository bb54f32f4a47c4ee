"""Rules for text people type: which characters no field may hold."""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls.  NUL in particular cannot be stored in PostgreSQL text at all.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Multi-line text (notes) keeps its line breaks and tabs.
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_MESSAGE = "Remove the control characters (such as NUL) from this field."


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Whether ``text`` holds a control character (line breaks and tabs are allowed when ``multiline``)."""
    return bool((_CONTROL_MULTILINE if multiline else _CONTROL).search(text))


def without_control_characters(text: str) -> str:
    """``text`` with every control character removed (for search boxes and other filters, never stored)."""
    return _CONTROL.sub("", text)
