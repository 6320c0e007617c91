from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "zhiliang.accounts"
    label = "accounts"
    verbose_name = _("Users and API tokens")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from zhiliang.accounts.models import ApiToken, User

        auditlog.register(User, exclude_fields=["password", "last_login"])
        auditlog.register(ApiToken, exclude_fields=["key_hash", "last_used_at"])
