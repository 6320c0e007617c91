"""The web shell as people see it: home in both languages, login, each role's console."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONSOLES = [
    ("producer", "企业用户", "card-own-enterprise"),
    ("county_regulator", "监管人员", "card-enterprises"),
    ("department_reader", "其他部门（只读）", "card-enterprises"),
    ("lab_staff", "检验检测/认证机构人员", "card-lab"),
    ("platform_operator", "电商平台运营者", "card-own-enterprise"),
    ("connected_system", "对接系统", "card-system"),
    ("admin_user", "管理员", "card-admin"),
]


def test_home_page_in_chinese_then_english(live_server, page, shoot, producer) -> None:
    page.goto(live_server.url + "/")
    expect(page.get_by_test_id("home-title")).to_have_text("产品质量，人人可查")
    expect(page.get_by_test_id("offer-tracing")).to_contain_text("扫码追溯")
    expect(page.get_by_test_id("stat-enterprises")).to_have_text("1")
    shoot("home-zh")
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("home-title")).to_have_text("Product quality, open to everyone")
    shoot("home-en")
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("home-title")).to_have_text("产品质量，人人可查")
    shoot("home-zh-mobile")


def test_login_refuses_a_wrong_password_then_lets_in(live_server, page, shoot, producer) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("用户名").fill("producer")
    page.get_by_label("密码").fill("wrong password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_role("alert")).to_be_visible()
    shoot("login-refused")
    page.get_by_label("密码").fill("pw-for-tests-1")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("console-title")).to_have_text("工作台")
    expect(page.get_by_test_id("console-role")).to_have_text("企业用户")


@pytest.mark.parametrize(("role", "label", "card"), CONSOLES, ids=[c[0] for c in CONSOLES])
def test_each_roles_console_home(
    request, live_server, page, shoot, log_in, role, label, card
) -> None:
    person = request.getfixturevalue(role)
    log_in(person.user.username)
    expect(page.get_by_test_id("console-role")).to_have_text(label)
    expect(page.get_by_test_id(card)).to_be_visible()
    shoot(f"console-{role}")


def test_regulator_filters_enterprises(
    live_server, page, shoot, log_in, county_regulator, producer, outsider
) -> None:
    log_in("nanhu")
    page.get_by_test_id("card-enterprises").get_by_role("link").click()
    expect(page.get_by_test_id("result-count")).to_have_text("共 1 家企业")
    expect(page.get_by_text(producer.enterprise.name)).to_be_visible()
    expect(page.get_by_text(outsider.enterprise.name)).to_have_count(0)
    page.get_by_placeholder("名称或信用代码").fill("不存在的企业")
    expect(page.get_by_text("没有符合条件的企业。")).to_be_visible()
    shoot("console-enterprises-filtered")
