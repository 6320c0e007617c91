"""Every write to users and tokens."""

import hmac
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiliang.accounts import selectors
from zhiliang.accounts.actors import Actor, actor_for_user
from zhiliang.accounts.models import TOKEN_PREFIX, ApiToken, User, hash_token, new_token_secret
from zhiliang.accounts.roles import ROLE_SCOPES, Scope
from zhiliang.common.audit import record_audit
from zhiliang.common.errors import DomainError, Forbidden, Problem

MAX_TOKEN_DAYS = 730


def authenticate_token(raw: str) -> tuple[User, Actor] | None:
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__jurisdiction")
        .filter(key_hash=hash_token(raw))
        .first()
    )
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        # Throttled so that a busy client does not turn every read into a write.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    actor = actor_for_user(token.user, scopes=frozenset(token.scopes), token_id=token.pk)
    return token.user, actor


@transaction.atomic(durable=True)
def create_token(
    *, actor: Actor, name: str, scopes: list[str] | None = None, days: int | None = None
) -> tuple[ApiToken, str]:
    """Issue a token for the actor itself; returns it with its text, which is never stored."""
    if actor.user_id is None or not actor.has_scope(Scope.TOKENS):
        raise Forbidden(Problem("scopes", "scope_missing", _("You may not manage API tokens.")))
    user = User.objects.select_related("jurisdiction").get(pk=actor.user_id)
    allowed = ROLE_SCOPES[user.role]
    wanted = set(allowed if scopes is None else scopes)
    problems = [
        Problem(
            f"scopes.{i}",
            "scope_not_allowed",
            _("Your role cannot hold the scope %(scope)s.") % {"scope": s},
        )
        for i, s in enumerate(scopes or [])
        if s not in allowed
    ]
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        problems.append(
            Problem(
                "days",
                "out_of_range",
                _("A token lives between 1 and %(max)d days.") % {"max": MAX_TOKEN_DAYS},
            )
        )
    if problems:
        raise DomainError(*problems)
    raw = new_token_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=hash_token(raw),
        hint=raw[: len(TOKEN_PREFIX) + 4],
        scopes=sorted(wanted),
        expires_at=timezone.now() + timedelta(days=days),
    )
    record_audit(actor, "accounts.token.create", token, {"scopes": sorted(wanted)})
    return token, raw


@transaction.atomic(durable=True)
def revoke_token(*, actor: Actor, token_id: int) -> ApiToken:
    token = selectors.get_token(actor, token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_audit(actor, "accounts.token.revoke", token)
    return token


def demo_token_text(username: str) -> str:
    """Demo tokens are derived from this installation's secret key, so they can be printed
    again (``zhiliang demo-tokens``) without storing them, yet cannot be guessed elsewhere."""
    mac = hmac.new(settings.SECRET_KEY.encode(), f"demo-token:{username}".encode(), "sha256")
    return f"{TOKEN_PREFIX}demo_{mac.hexdigest()[:40]}"


def ensure_demo_token(user: User) -> str:
    """Create (once) and return the demo token of a demo user."""
    raw = demo_token_text(user.username)
    ApiToken.objects.get_or_create(
        key_hash=hash_token(raw),
        defaults={
            "user": user,
            "name": "demo",
            "hint": raw[: len(TOKEN_PREFIX) + 4],
            "scopes": sorted(ROLE_SCOPES[user.role]),
            "expires_at": timezone.now() + timedelta(days=MAX_TOKEN_DAYS),
        },
    )
    return raw
