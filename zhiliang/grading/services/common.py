"""What the grading services share: the platform's own actor and the outbox endpoints."""

import secrets

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.common.models import OutboxEndpoint

# Commands and worker jobs act as the platform itself, so their audit records name it.
SYSTEM = Actor(role=Role.ADMIN, username="zhiliang")

CREDIT_PUBLICITY = "credit-publicity"  # the national enterprise credit publicity system (G6)
ENTERPRISE_NOTICES = "enterprise-notices"  # enterprises' own systems: reminders, suspensions
_DESCRIPTIONS = {
    CREDIT_PUBLICITY: "National enterprise credit publicity system: confirmed grading violations",
    ENTERPRISE_NOTICES: "Enterprises' systems: grading expiry reminders and suspensions",
}


def ensure_endpoint(name: str) -> str:
    """The endpoint's name, creating it inactive when missing: messages wait, undelivered,
    until an administrator sets the receiver's URL and secret and activates it."""
    OutboxEndpoint.objects.get_or_create(
        name=name,
        defaults={
            "url": f"https://{name}.invalid/",
            "secret": secrets.token_urlsafe(32),
            "active": False,
            "description": _DESCRIPTIONS.get(name, "")[:200],
        },
    )
    return name
