"""Pages people open: home in both languages, login, each role's console, lists and exports."""

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from zhiliang.registry.tests.factories import EnterpriseFactory

CONSOLE_CARDS = {
    "producer": "card-own-enterprise",
    "county_regulator": "card-enterprises",
    "city_regulator": "card-enterprises",
    "department_reader": "card-enterprises",
    "lab_staff": "card-lab",
    "platform_operator": "card-own-enterprise",
    "connected_system": "card-system",
    "admin_user": "card-admin",
}


def logged_in(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_home_is_chinese_first_with_an_english_switch(db) -> None:
    client = Client()
    page = client.get("/").content.decode()
    assert "产品质量" in page and 'lang="zh-hans"' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert 'lang="en"' in english and "Quality grading" in english


def test_pages_carry_security_headers(db) -> None:
    response = Client().get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "csrftoken" not in response.cookies or response.cookies["csrftoken"]["httponly"] == ""


@pytest.mark.parametrize("role", sorted(CONSOLE_CARDS))
def test_each_role_has_a_console_home(role, request) -> None:
    person = request.getfixturevalue(role)
    page = logged_in(person).get("/console/")
    assert page.status_code == 200
    assert f'data-testid="{CONSOLE_CARDS[role]}"' in page.content.decode()


def test_console_needs_a_login(db) -> None:
    response = Client().get("/console/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_outsider_gets_404_for_another_enterprise_page(producer, outsider) -> None:
    url = f"/console/enterprises/{producer.enterprise.pk}/"
    assert logged_in(outsider).get(url).status_code == 404
    assert logged_in(producer).get(url).status_code == 200


def test_enterprise_list_is_scoped_paged_and_pins_its_queries(county_regulator, outsider) -> None:
    for i in range(60):
        EnterpriseFactory.create(name=f"嘉兴市列表{i:02d}电器有限公司")
    client = logged_in(county_regulator)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/console/enterprises/")
    text = page.content.decode()
    assert "嘉兴市列表00电器有限公司" in text
    assert outsider.enterprise.name not in text
    assert len(queries) <= 8, [q["sql"] for q in queries]


def test_enterprise_list_exports_to_excel(county_regulator, producer, outsider) -> None:
    response = logged_in(county_regulator).get("/console/enterprises/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    codes = {row[0] for row in rows[1:]}
    assert producer.enterprise.credit_code in codes
    assert outsider.enterprise.credit_code not in codes


def test_login_and_throttling(producer, settings) -> None:
    client = Client()
    ok = client.post("/login/", {"username": "producer", "password": "pw-for-tests-1"})
    assert ok.status_code == 302 and ok["Location"] == "/console/"
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post("/login/", {"username": "producer", "password": "wrong"})
    locked = attacker.post("/login/", {"username": "producer", "password": "pw-for-tests-1"})
    assert locked.status_code == 429
    assert "locked-out" in locked.content.decode()


def test_tokens_page_issues_shows_once_and_revokes(producer) -> None:
    client = logged_in(producer)
    page = client.post("/console/tokens/", {"name": "ERP", "days": 30}).content.decode()
    assert 'data-testid="new-token"' in page
    token = producer.user.api_tokens.get(name="ERP")
    client.post("/console/tokens/", {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_passwords_are_hashed_with_argon2() -> None:
    from zhiliang import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_deploy_check_is_clean_under_production_settings(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **env,
        "ZHILIANG_PUBLIC_URL": "https://zhiliang.example",
        "SECRET_KEY": "x" * 64 + "-production-secret-for-the-deploy-check",
        "ZHILIANG_VAR_DIR": str(tmp_path),
        "ZHILIANG_DEBUG": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "zhiliang.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
