"""The cast every test can use, and an API client that speaks as one of them.

``api.post(path, body, as_=producer)`` sends the Bearer token of whoever ``as_`` names; the
public is ``anonymous``. Regions come from shared/data/regions.csv, as in production.
"""

import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from zhiliang.accounts import services as account_services
from zhiliang.accounts.models import User
from zhiliang.accounts.roles import Role

# The ledger's tables refuse row deletes; this plugin clears them before Django's flush.
pytest_plugins = ["zhiliang.ledger.tests.plugin"]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, and before PostgreSQL's is dropped, the end of any
    session a test's thread left open on it (an idle one, last seen after a rolled-back test
    transaction, otherwise stopped the drop with "being accessed by other users")."""
    yield
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connections.close_all()


@pytest.fixture(autouse=True)
def _plain_settings(settings, tmp_path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast tests
    # Each scan written at once, in the test's transaction (the batched journal has its own
    # tests in zhiliang/tracing/tests/test_scan_journal.py).
    settings.TRACING_SCAN_FLUSH_SECONDS = 0
    # Nothing kept between scans: its listener's connection would outlive the test database
    # (zhiliang/tracing/tests/test_code_states.py turns it on and stops it).
    settings.TRACING_CODE_CACHE = False


@pytest.fixture
def regions(db) -> None:
    from django.conf import settings

    from zhiliang.registry import reference

    reference.load_regions(settings.SHARED_DIR / "data" / "regions.csv")


class Person:
    """A cast member: the user and a token to speak as them."""

    def __init__(self, user: User | None) -> None:
        self.user = user
        self.token = account_services.demo_token_text(user.username) if user else None
        if user:
            account_services.ensure_demo_token(user)

    @property
    def enterprise(self) -> Any:
        return self.user.enterprise if self.user else None

    def __repr__(self) -> str:
        return f"<{self.user.role if self.user else 'anonymous'}>"


def _make(username: str, role: Role, **binding: Any) -> Person:
    user = User.objects.create_user(
        username=username, password="pw-for-tests-1", role=role, **binding
    )
    return Person(user)


@pytest.fixture
def producer(regions) -> Person:
    from zhiliang.registry.tests.factories import EnterpriseFactory

    return _make("producer", Role.ENTERPRISE_MEMBER, enterprise=EnterpriseFactory.create())


@pytest.fixture
def outsider(regions) -> Person:
    from zhiliang.registry.tests.factories import EnterpriseFactory

    return _make(
        "outsider",
        Role.ENTERPRISE_MEMBER,
        enterprise=EnterpriseFactory.create(county="330483", town_code="330483001"),
    )


@pytest.fixture
def county_regulator(regions) -> Person:
    from zhiliang.registry.models import Region

    return _make("nanhu", Role.REGULATOR, jurisdiction=Region.objects.get(code="330402"))


@pytest.fixture
def other_county_regulator(regions) -> Person:
    from zhiliang.registry.models import Region

    return _make("tongxiang", Role.REGULATOR, jurisdiction=Region.objects.get(code="330483"))


@pytest.fixture
def city_regulator(regions) -> Person:
    from zhiliang.registry.models import Region

    return _make("jiaxing", Role.REGULATOR, jurisdiction=Region.objects.get(code="330400"))


@pytest.fixture
def department_reader(regions) -> Person:
    from zhiliang.registry.models import Region

    return _make("fgw", Role.DEPARTMENT_READER, jurisdiction=Region.objects.get(code="330400"))


@pytest.fixture
def lab_staff(regions) -> Person:
    from zhiliang.registry.tests.factories import TestingBodyFactory

    return _make("lab", Role.LAB_STAFF, lab=TestingBodyFactory.create())


@pytest.fixture
def platform_operator(regions) -> Person:
    from zhiliang.registry.tests.factories import EnterpriseFactory

    return _make(
        "platform",
        Role.PLATFORM_OPERATOR,
        enterprise=EnterpriseFactory.create(is_producer=False, is_platform=True),
    )


@pytest.fixture
def connected_system(regions) -> Person:
    return _make("tracesys", Role.CONNECTED_SYSTEM)


@pytest.fixture
def admin_user(regions) -> Person:
    return _make("root", Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def anonymous() -> Person:
    return Person(None)


class Api:
    """Django's test client with JSON bodies and a Bearer token per call."""

    def __init__(self) -> None:
        self.client = Client()

    def _headers(self, as_: Person | None, headers: dict[str, str] | None) -> dict[str, str]:
        out = dict(headers or {})
        if as_ is not None and as_.token:
            out["Authorization"] = f"Bearer {as_.token}"
        return out

    def get(self, path: str, as_: Person | None = None, **params: Any) -> Any:
        return self.client.get(path, params, headers=self._headers(as_, None))

    def _send(
        self, method: str, path: str, body: Any, as_: Person | None, headers: dict[str, str] | None
    ) -> Any:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body, default=str)
        call: Callable[..., Any] = getattr(self.client, method)
        return call(
            path, data, content_type="application/json", headers=self._headers(as_, headers)
        )

    def post(
        self,
        path: str,
        body: Any = None,
        as_: Person | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        return self._send("post", path, body if body is not None else {}, as_, headers)

    def patch(self, path: str, body: Any, as_: Person | None = None) -> Any:
        return self._send("patch", path, body, as_, None)

    def delete(self, path: str, as_: Person | None = None) -> Any:
        return self.client.delete(path, headers=self._headers(as_, None))


@pytest.fixture
def api() -> Api:
    return Api()
