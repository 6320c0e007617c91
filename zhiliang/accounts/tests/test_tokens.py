"""API tokens: stored hashed, scoped, expiring, revocable; the text is shown once."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from zhiliang.accounts.models import ApiToken, hash_token


def test_a_token_is_stored_hashed_and_works_until_revoked(api, producer) -> None:
    made = api.post(
        "/api/accounts/tokens", {"name": "ERP", "scopes": ["registry:read"]}, as_=producer
    )
    assert made.status_code == 201
    raw = made.json()["token"]
    token = ApiToken.objects.get(pk=made.json()["id"])
    assert token.key_hash == hash_token(raw) and raw not in str(token.__dict__)

    headers = {"Authorization": f"Bearer {raw}"}
    me = api.client.get("/api/accounts/me", headers=headers)
    assert me.status_code == 200 and me.json()["scopes"] == ["registry:read"]
    # The narrowed token cannot write, though the producer could.
    patch = api.client.patch(
        f"/api/registry/enterprises/{producer.enterprise.pk}",
        '{"address": "x路1号"}',
        content_type="application/json",
        headers=headers,
    )
    assert patch.status_code == 403

    assert api.delete(f"/api/accounts/tokens/{token.pk}", as_=producer).status_code == 200
    assert api.client.get("/api/accounts/me", headers=headers).status_code == 401


def test_an_expired_token_is_refused(api, producer) -> None:
    raw = api.post("/api/accounts/tokens", {"name": "short", "days": 1}, as_=producer).json()[
        "token"
    ]
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        response = api.client.get("/api/accounts/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


def test_scopes_beyond_the_role_are_refused(api, lab_staff) -> None:
    response = api.post(
        "/api/accounts/tokens", {"name": "x", "scopes": ["registry:write"]}, as_=lab_staff
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "scopes.0"


def test_nobody_revokes_anothers_token(api, producer, outsider) -> None:
    token_id = api.post("/api/accounts/tokens", {"name": "mine"}, as_=producer).json()["id"]
    assert api.delete(f"/api/accounts/tokens/{token_id}", as_=outsider).status_code == 404
    assert ApiToken.objects.get(pk=token_id).revoked_at is None
    listed = api.get("/api/accounts/tokens", as_=outsider).json()["items"]
    assert token_id not in {t["id"] for t in listed}


def test_the_public_has_no_tokens(api, anonymous, db) -> None:
    assert api.post("/api/accounts/tokens", {"name": "x"}, as_=anonymous).status_code == 401
