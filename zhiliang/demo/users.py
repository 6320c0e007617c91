"""Demo users: one (or two) per role, with a known password and a re-printable API token."""

import dataclasses

from zhiliang.accounts import services as account_services
from zhiliang.accounts.models import User
from zhiliang.accounts.roles import Role
from zhiliang.demo.steps import Context, Step, register_step
from zhiliang.registry.models import Enterprise, Region, TestingBody

DEMO_PASSWORD = "zhiliang-demo"  # noqa: S105 (printed by `make run`; demo databases only)


@dataclasses.dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    display_name: str
    note: str


DEMO_USERS = (
    DemoUser("admin", Role.ADMIN, "平台管理员", "back office (/admin/)"),
    DemoUser("jiaxing", Role.REGULATOR, "嘉兴市市场监督管理局", "regulator of 嘉兴市 (330400)"),
    DemoUser("nanhu", Role.REGULATOR, "南湖区市场监督管理局", "regulator of 南湖区 (330402)"),
    DemoUser(
        "producer", Role.ENTERPRISE_MEMBER, "生产企业质量负责人", "member of a 南湖区 producer"
    ),
    DemoUser(
        "outsider", Role.ENTERPRISE_MEMBER, "另一企业质量负责人", "member of a 桐乡市 producer"
    ),
    DemoUser("lab", Role.LAB_STAFF, "检测机构报告签发人", "staff of a demo testing body"),
    DemoUser("platform", Role.PLATFORM_OPERATOR, "电商平台运营", "operator of a demo platform"),
    DemoUser("tracesys", Role.CONNECTED_SYSTEM, "既有追溯系统", "connected traceability system"),
    DemoUser("fgw", Role.DEPARTMENT_READER, "嘉兴市发展和改革委员会", "read-only department"),
)


def _binding(user: DemoUser) -> dict[str, object]:
    producers = Enterprise.objects.filter(is_producer=True, product_models__isnull=False)
    match user.username:
        case "jiaxing" | "fgw":
            return {"jurisdiction": Region.objects.get(code="330400")}
        case "nanhu":
            return {"jurisdiction": Region.objects.get(code="330402")}
        case "producer":
            return {
                "enterprise": producers.filter(town__parent__code="330402").order_by("pk").first()
            }
        case "outsider":
            return {
                "enterprise": producers.filter(town__parent__code="330483").order_by("pk").first()
            }
        case "lab":
            return {"lab": TestingBody.objects.filter(is_lab=True).order_by("pk").first()}
        case "platform":
            return {
                "enterprise": Enterprise.objects.filter(is_platform=True).order_by("pk").first()
            }
    return {}


def _users(ctx: Context) -> int:
    for demo in DEMO_USERS:
        user = User(
            username=demo.username,
            role=demo.role,
            display_name=demo.display_name,
            is_staff=demo.role in (Role.ADMIN, Role.REGULATOR),
            is_superuser=demo.role == Role.ADMIN,
            **_binding(demo),
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        account_services.ensure_demo_token(user)
        ctx.advance(1)
    return len(DEMO_USERS)


def demo_tokens() -> list[tuple[DemoUser, str]]:
    """The demo users that exist here, each with its API token (derived, never stored)."""
    present = set(
        User.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list(
            "username", flat=True
        )
    )
    return [
        (u, account_services.demo_token_text(u.username))
        for u in DEMO_USERS
        if u.username in present
    ]


register_step(Step("users", "users for every role", lambda c: len(DEMO_USERS), _users))
