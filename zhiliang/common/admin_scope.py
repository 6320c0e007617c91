"""Admin pages read through the same selectors as views and the API.

``ScopedAdmin`` asks a selector for the queryset, so a regulator using the back office sees its
subtree and nothing else; only administrators may add, change or delete through the admin.
"""

from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from zhiliang.accounts.actors import actor_of
from zhiliang.accounts.roles import Role


class ScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    scope: ClassVar[Callable[..., QuerySet[Any]] | None] = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        actor = actor_of(request)
        base = super().get_queryset(request)
        scope = type(self).scope
        if scope is None:
            return base if actor.role == Role.ADMIN else base.none()
        return base.filter(pk__in=scope(actor).values("pk"))

    def _is_admin(self, request: HttpRequest) -> bool:
        return actor_of(request).role == Role.ADMIN

    def has_module_permission(self, request: HttpRequest) -> bool:
        return actor_of(request).role in (Role.ADMIN, Role.REGULATOR)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._is_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._is_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._is_admin(request)


class ReadOnlyAdmin(ScopedAdmin):
    """Records of what happened: nobody edits them, not even an administrator."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
