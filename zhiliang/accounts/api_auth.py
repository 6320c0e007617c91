"""Route-level authentication for the API: who may call a route at all.

What the caller may see or change is decided afterwards by selectors and services; a route only
names the roles (and scope) it serves. Session users get Django's CSRF check on unsafe methods;
token users do not need it (no cookies are involved).
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.utils import check_csrf

from zhiliang.accounts.actors import Actor, actor_of
from zhiliang.accounts.roles import Role
from zhiliang.common.errors import Forbidden, Problem

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ActorAuth:
    def __init__(self, *roles: Role, scope: str | None = None) -> None:
        self.roles = frozenset(roles)
        self.scope = scope

    def __call__(self, request: HttpRequest) -> Actor | None:
        actor = actor_of(request)
        if actor.is_public:
            return None  # ninja answers 401
        if (
            actor.token_id is None
            and request.method not in SAFE_METHODS
            and (error_response := check_csrf(request))
        ):
            raise Forbidden(
                Problem(
                    "csrf",
                    "csrf_failed",
                    _("The CSRF check failed; reload the page.")
                    + f" ({error_response.status_code})",
                )
            )
        if self.roles and actor.role not in self.roles:
            raise Forbidden(
                Problem("role", "role_not_allowed", _("Your role cannot use this endpoint."))
            )
        if self.scope and not actor.has_scope(self.scope):
            raise Forbidden(
                Problem(
                    "scope",
                    "scope_missing",
                    _("Your API token lacks the scope %(scope)s.") % {"scope": self.scope},
                )
            )
        return actor


def signed_in(*roles: Role, scope: str | None = None) -> ActorAuth:
    return ActorAuth(*roles, scope=scope)
