from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from zhiliang.accounts import selectors
from zhiliang.accounts.models import ApiToken, User
from zhiliang.common.admin_scope import ScopedAdmin


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):  # type: ignore[type-arg]
    scope = staticmethod(selectors.visible_users)
    list_display = (
        "username",
        "display_name",
        "role",
        "enterprise",
        "lab",
        "jurisdiction",
        "is_active",
    )
    list_filter = ("role", "is_active")
    raw_id_fields = ("enterprise", "lab", "jurisdiction")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Role"), {"fields": ("role", "display_name", "enterprise", "lab", "jurisdiction")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdmin):
    scope = staticmethod(selectors.visible_tokens)
    list_display = (
        "name",
        "user",
        "hint",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    readonly_fields = ("hint", "created_at", "last_used_at")
    fields = (
        "user",
        "name",
        "scopes",
        "expires_at",
        "revoked_at",
        "hint",
        "created_at",
        "last_used_at",
    )

    def has_add_permission(self, request, *args):  # type: ignore[no-untyped-def]
        return False  # tokens are issued by the owner, so the text reaches only them
