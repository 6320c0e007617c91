"""Playwright drives Debian's Chromium (/usr/bin/chromium); it never downloads a browser.

Screenshots of every journey land in var/screenshots/ for people to look at.
"""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian's chromium is missing: run `make test` (it installs it) or "
            "`sudo apt-get install chromium fonts-noto-cjk`"
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def shoot(page):
    """Save a full-page screenshot under var/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def log_in(page, live_server):
    def go(username: str, password: str = "pw-for-tests-1") -> None:
        page.goto(live_server.url + "/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_test_id("login-submit").click()
        page.wait_for_url("**/console/")

    return go
