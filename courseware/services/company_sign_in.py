"""Who a company sign-in signs in: the account with the provider's verified email, or a new one from a
sign-up domain; anything else is refused with a reason the page shows."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..core.company_sign_in import Provider, email_is_verified, may_sign_up
from ..core.errors import InvalidInput
from ..persistence import queries
from ..persistence.models import User
from . import accounts, audit, cohorts


class SignInRefused(InvalidInput):
    """The provider signed the person in, but Courseware will not (unverified email, unknown domain, inactive)."""


def sign_in(session: Session, provider: Provider, claims: dict[str, Any]) -> User:
    """The account for these ID-token claims; made (a learner, in the sign-up cohort) when the domain allows it.

    Only a verified email is trusted (``email_verified`` true): an unverified one could be anyone's address.
    """
    email = str(claims.get("email") or "").strip()
    if not email or "@" not in email:
        raise SignInRefused(f"{provider.label} did not tell us your email address.")
    if not email_is_verified(claims):
        raise SignInRefused(f"{provider.label} has not verified the address {email}, so it cannot sign you in here.")
    user = queries.user_by_email(session, accounts.normalise_email(email))
    if user is not None:
        if not user.active:
            raise SignInRefused("This account is deactivated. Ask an admin if you need it again.")
        return user
    if not may_sign_up(provider, email):
        raise SignInRefused(f"No Courseware account uses {email}, and people of its domain cannot sign up here. "
                            "Ask an admin to invite you.")
    name = str(claims.get("name") or "").strip() or email.split("@")[0]
    user = accounts.create_user(session, email=email, display_name=name, password=None, roles=("learner",))
    audit.record(session, actor_id=None, kind="user.company_sign_up", target=audit.of_user(user),
                 after={"provider": provider.name, "cohort": provider.signup_cohort},
                 reason=f"Signed up through {provider.label}")
    if provider.signup_cohort:
        cohort = cohorts.cohort_by_name(session, provider.signup_cohort)
        if cohort is not None:
            cohorts.set_cohort(session, user, cohort.id)
    return user
