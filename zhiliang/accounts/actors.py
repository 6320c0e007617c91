"""The Actor: who is asking, passed explicitly to every selector and service.

Built once per request from the session or the API token (never a thread-local), so a selector
can decide what the caller sees from plain values.
"""

import dataclasses

from django.http import HttpRequest

from zhiliang.accounts.roles import ROLE_SCOPES, Role


@dataclasses.dataclass(frozen=True, slots=True)
class Actor:
    role: Role
    user_id: int | None = None
    username: str = ""
    enterprise_id: int | None = None
    lab_id: int | None = None
    jurisdiction_path: str | None = None  # e.g. "000000/330000/330400/", ends in "/"
    scopes: frozenset[str] = frozenset()
    token_id: int | None = None

    @property
    def is_public(self) -> bool:
        return self.role == Role.PUBLIC

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


PUBLIC = Actor(role=Role.PUBLIC)


def actor_for_user(
    user: object, *, scopes: frozenset[str] | None = None, token_id: int | None = None
) -> Actor:
    """The Actor of a logged-in user; scopes default to all the role allows (a session)."""
    from zhiliang.accounts.models import User

    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return PUBLIC
    role = Role(user.role)
    allowed = ROLE_SCOPES[role]
    return Actor(
        role=role,
        user_id=user.pk,
        username=user.username,
        enterprise_id=user.enterprise_id,
        lab_id=user.lab_id,
        jurisdiction_path=user.jurisdiction.path if user.jurisdiction else None,
        scopes=allowed if scopes is None else allowed & scopes,
        token_id=token_id,
    )


def actor_of(request: HttpRequest) -> Actor:
    """The request's Actor, set by ApiTokenMiddleware for tokens, else from the session."""
    actor = getattr(request, "actor", None)
    if isinstance(actor, Actor):
        return actor
    actor = actor_for_user(getattr(request, "user", None))
    request.actor = actor  # type: ignore[attr-defined]
    return actor
