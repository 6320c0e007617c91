"""The database schema and the API description: the same on SQLite and PostgreSQL."""

import io

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.both_databases
@pytest.mark.django_db
def test_models_and_migrations_agree() -> None:
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.both_databases
@pytest.mark.django_db
def test_migrations_made_every_table() -> None:
    tables = set(connection.introspection.table_names())
    assert {
        "registry_enterprise",
        "accounts_apitoken",
        "common_outboxmessage",
        "auditlog_logentry",
        "demo_demostep",
    } <= tables


@pytest.mark.django_db
def test_openapi_describes_every_router(client) -> None:
    spec = client.get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/registry/enterprises", "/api/accounts/tokens", "/api/registry/regions"} <= paths
    assert spec["info"]["title"] == "zhiliang API"
