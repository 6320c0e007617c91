"""Who can use the platform, and the scopes an API token may carry.

A user has exactly one role. The role fixes what the user may ever do; a token's scopes narrow
that further for one client program (least privilege for connected systems).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PUBLIC = "public", _("Public")
    ENTERPRISE_MEMBER = "enterprise_member", _("Enterprise member")
    LAB_STAFF = "lab_staff", _("Testing or certification body staff")
    REGULATOR = "regulator", _("Regulator")
    PLATFORM_OPERATOR = "platform_operator", _("E-commerce platform operator")
    CONNECTED_SYSTEM = "connected_system", _("Connected system")
    DEPARTMENT_READER = "department_reader", _("Other department (read-only)")
    ADMIN = "admin", _("Administrator")


class Scope(models.TextChoices):
    REGISTRY_READ = "registry:read", _("Read registry data")
    REGISTRY_WRITE = "registry:write", _("Change registry data")
    TOKENS = "tokens", _("Manage own API tokens")
    TRACING_CODES = "tracing:codes", _("Issue and register traceability codes")
    TRACING_CAPTURE = "tracing:capture", _("Report trace events (EPCIS capture)")
    TRACING_READ = "tracing:read", _("Query trace events")
    TRACING_RECALL = "tracing:recall", _("Open recalls and notify holders")


# What each role may ever hold; a token is issued with a subset (by default all of them).
ROLE_SCOPES: dict[str, frozenset[str]] = {
    Role.PUBLIC: frozenset(),
    Role.ENTERPRISE_MEMBER: frozenset(
        {
            Scope.REGISTRY_READ,
            Scope.REGISTRY_WRITE,
            Scope.TOKENS,
            Scope.TRACING_CODES,
            Scope.TRACING_CAPTURE,
            Scope.TRACING_READ,
        }
    ),
    Role.LAB_STAFF: frozenset({Scope.REGISTRY_READ, Scope.TOKENS}),
    Role.REGULATOR: frozenset(
        {
            Scope.REGISTRY_READ,
            Scope.REGISTRY_WRITE,
            Scope.TOKENS,
            Scope.TRACING_READ,
            Scope.TRACING_RECALL,
        }
    ),
    Role.PLATFORM_OPERATOR: frozenset(
        {Scope.REGISTRY_READ, Scope.TOKENS, Scope.TRACING_CAPTURE, Scope.TRACING_READ}
    ),
    Role.CONNECTED_SYSTEM: frozenset(
        {Scope.REGISTRY_READ, Scope.TRACING_CAPTURE, Scope.TRACING_READ}
    ),
    Role.DEPARTMENT_READER: frozenset({Scope.REGISTRY_READ, Scope.TOKENS, Scope.TRACING_READ}),
    Role.ADMIN: frozenset(Scope.values),
}
