from datetime import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints


class MeOut(Schema):
    username: str
    role: str
    display_name: str
    enterprise_id: int | None
    lab_id: int | None
    jurisdiction: str | None
    scopes: list[str]


class TokenIn(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    scopes: list[Annotated[str, StringConstraints(max_length=40)]] | None = Field(
        None, max_length=20
    )
    days: int | None = None


class TokenOut(Schema):
    id: int
    name: str
    hint: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class NewTokenOut(TokenOut):
    token: str  # shown once; only its hash is stored
