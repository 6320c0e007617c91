from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhiliang.accounts.actors import actor_of
from zhiliang.accounts.roles import Role
from zhiliang.common import outbox
from zhiliang.common.admin_scope import ReadOnlyAdmin, ScopedAdmin
from zhiliang.common.models import AuditEvent, OutboxEndpoint, OutboxMessage


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "action", "outcome", "user", "role", "object_type", "object_id")
    list_filter = ("outcome", "role", "action")
    search_fields = ("action", "object_id")
    date_hierarchy = "at"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return actor_of(request).role == Role.ADMIN


@admin.register(OutboxEndpoint)
class OutboxEndpointAdmin(ScopedAdmin):
    list_display = ("name", "url", "active", "description")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return actor_of(request).role == Role.ADMIN


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "topic",
        "endpoint",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    )
    list_filter = ("status", "endpoint", "topic")
    actions = ("send_again",)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return actor_of(request).role == Role.ADMIN

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return actor_of(request).role == Role.ADMIN and obj is None  # for the action only

    @admin.action(description=_("Send the selected dead letters again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        n = outbox.requeue(
            actor=actor_of(request),
            message_ids=[str(pk) for pk in queryset.values_list("pk", flat=True)],
        )
        self.message_user(request, _("%(n)d messages queued again.") % {"n": n}, messages.SUCCESS)
