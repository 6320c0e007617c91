"""The API scopes traceability needs, and which roles may hold them.

Until ``accounts/roles.py`` lists them in ``ROLE_SCOPES`` itself, ``grant()`` (called from
``TracingConfig.ready``) adds them there; the grants are the same either way.
"""

from typing import Final

from zhiliang.accounts.roles import ROLE_SCOPES, Role

CODES: Final = "tracing:codes"  # issue and register codes, print files, production reports
CAPTURE: Final = "tracing:capture"  # EPCIS capture, flows by form and Excel
READ: Final = "tracing:read"  # EPCIS queries
RECALL: Final = "tracing:recall"  # open recalls, notify holders
ALL: Final = frozenset({CODES, CAPTURE, READ, RECALL})

GRANTS: Final[dict[str, frozenset[str]]] = {
    Role.ENTERPRISE_MEMBER: frozenset({CODES, CAPTURE, READ}),
    Role.PLATFORM_OPERATOR: frozenset({CAPTURE, READ}),
    Role.CONNECTED_SYSTEM: frozenset({CAPTURE, READ}),
    Role.REGULATOR: frozenset({READ, RECALL}),
    Role.DEPARTMENT_READER: frozenset({READ}),
    Role.ADMIN: ALL,
}


def grant() -> None:
    for role, scopes in GRANTS.items():
        ROLE_SCOPES[role] = ROLE_SCOPES[role] | scopes
