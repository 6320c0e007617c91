"""The caller's own account and API tokens."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from zhiliang.accounts import selectors, services
from zhiliang.accounts.actors import actor_of
from zhiliang.accounts.api_auth import signed_in
from zhiliang.accounts.models import ApiToken
from zhiliang.accounts.roles import Scope
from zhiliang.accounts.schemas import MeOut, NewTokenOut, TokenIn, TokenOut

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut, auth=signed_in())
def me(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    user = selectors.visible_users(actor).get(pk=actor.user_id or 0)
    return {
        "username": user.username,
        "role": user.role,
        "display_name": user.display_name,
        "enterprise_id": user.enterprise_id,
        "lab_id": user.lab_id,
        "jurisdiction": user.jurisdiction.code if user.jurisdiction else None,
        "scopes": sorted(actor.scopes),
    }


@router.get("/tokens", response=list[TokenOut], auth=signed_in(scope=Scope.TOKENS))
@paginate
def list_tokens(request: HttpRequest) -> QuerySet[ApiToken]:
    return selectors.visible_tokens(actor_of(request))


@router.post("/tokens", response={201: NewTokenOut}, auth=signed_in(scope=Scope.TOKENS))
def create_token(request: HttpRequest, payload: TokenIn) -> tuple[int, dict[str, Any]]:
    token, raw = services.create_token(
        actor=actor_of(request), name=payload.name, scopes=payload.scopes, days=payload.days
    )
    return 201, {**TokenOut.from_orm(token).dict(), "token": raw}


@router.delete("/tokens/{token_id}", response=TokenOut, auth=signed_in(scope=Scope.TOKENS))
def revoke_token(request: HttpRequest, token_id: int) -> ApiToken:
    return services.revoke_token(actor=actor_of(request), token_id=token_id)
