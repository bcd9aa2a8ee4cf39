"""Helpers for the public-page, privacy and permission tests: verified accounts and marked personal data.

Every person in a cast carries marker strings in their personal data (e-mail, biography, need statement),
so a test can tell whose data a response shows: `owners_seen(response_text, cast)`.
"""

from __future__ import annotations

import dataclasses

from allauth.account.models import EmailAddress


def verify_email(user):
    """Give `user` a verified primary e-mail address, as after clicking allauth's confirmation link."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def email_marker(key: str) -> str:
    # The key comes right after a fixed prefix, so no marker is part of another ("mentor", "other_mentor").
    return f"marker.{key}@people.example.org"


def text_marker(key: str) -> str:
    return f"PRIVATE-{key.upper()}-TEXT"


@dataclasses.dataclass
class Cast:
    """People by role name, with the objects the matrix points at."""

    users: dict = dataclasses.field(default_factory=dict)
    objects: dict = dataclasses.field(default_factory=dict)

    def markers(self, key):
        return (email_marker(key), text_marker(key))


def owners_seen(text: str, keys) -> set[str]:
    """Whose marker strings (e-mail or private text) appear in `text`."""
    return {key for key in keys if email_marker(key) in text or text_marker(key) in text}
