"""The rule for new passwords: long enough, and not one of the passwords everybody tries first.

At least 12 characters, no composition rules (NIST SP 800-63B): length and a blocklist do more
than "one digit, one capital".  The blocklist is the list of 19,646 common passwords that Django
ships (``common_passwords.txt.gz``, BSD licence, from Royce Williams' compilation of leaked
passwords), compared without regard to case; the person's own email address is refused too.
Existing passwords are never re-checked: the rule applies when a password is set.
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from .errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 200
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt.gz")


@cache
def common_passwords() -> frozenset[str]:
    """The blocklist, lower-cased (read once per process)."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def check_new_password(password: str | None, *, email: str | None = None, field: str = "password") -> str:
    """The password if it may be set, else InvalidInput saying why (on ``field``)."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"Use at least {MIN_LENGTH} characters (a few words in a row are easy to remember).", field=field)
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"Use at most {MAX_LENGTH} characters.", field=field)
    lowered = password.strip().lower()
    if lowered in common_passwords():
        raise InvalidInput("This password is on a list of common passwords that attackers try first; choose another.",
                           field=field)
    if email and lowered == email.strip().lower():
        raise InvalidInput("Do not use your email address as your password.", field=field)
    return password
