"""The public ledger page in Debian's Chromium: a visitor checks an entry without trusting us."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from zhiliang.ledger.models import Leaf

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


def test_a_visitor_checks_an_entry_and_a_forgery_in_the_browser(live_server, page, facts) -> None:
    facts(40)
    page.goto(live_server.url + "/ledger/")
    expect(page.get_by_test_id("tree-size")).to_have_text("40")
    result = page.get_by_test_id("verify-result")
    status = page.get_by_test_id("verify-status")

    page.get_by_test_id("check-entry-39").click()  # the newest entry, listed on the page
    expect(result).to_have_attribute("data-state", "verified")
    expect(status).to_have_text("已验证：该条目在账本中。")
    expect(page.locator("[data-field=leaf-index]")).to_have_text("39")
    expect(page.locator("[data-field=signature]")).to_have_text("检查点签名已在您的浏览器中验证。")

    forged = Leaf.objects.get(leaf_index=7).entry.replace('"n":7', '"n":70')
    page.get_by_test_id("verify-input").fill(forged)
    page.get_by_test_id("verify-submit").click()
    expect(result).to_have_attribute("data-state", "not-found")
    expect(status).to_contain_text("未找到")

    leaf = bytes(Leaf.objects.get(leaf_index=7).leaf_hash).hex()
    page.get_by_test_id("verify-input").fill(leaf)
    page.get_by_test_id("verify-submit").click()
    expect(result).to_have_attribute("data-state", "verified")
    expect(page.locator("[data-field=leaf-index]")).to_have_text("7")
