"""Reads of users and tokens: a user sees its own tokens; an admin sees all."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.models import ApiToken, User
from zhiliang.accounts.roles import Role
from zhiliang.common.errors import NotFound, Problem


def visible_tokens(actor: Actor) -> QuerySet[ApiToken]:
    tokens = ApiToken.objects.select_related("user").order_by("-created_at")
    if actor.role == Role.ADMIN:
        return tokens
    if actor.user_id is None:
        return tokens.none()
    return tokens.filter(user_id=actor.user_id)


def get_token(actor: Actor, token_id: int) -> ApiToken:
    try:
        return visible_tokens(actor).get(pk=token_id)
    except ApiToken.DoesNotExist:
        raise NotFound(Problem("token_id", "not_found", _("No such API token."))) from None


def visible_users(actor: Actor) -> QuerySet[User]:
    users = User.objects.select_related("enterprise", "lab", "jurisdiction")
    if actor.role == Role.ADMIN:
        return users
    if actor.role == Role.REGULATOR and actor.jurisdiction_path:
        # A regulator sees the accounts of enterprises in its subtree (for support), no others.
        return users.filter(enterprise__town__path__startswith=actor.jurisdiction_path)
    if actor.user_id is None:
        return users.none()
    return users.filter(pk=actor.user_id)
