"""The ledger in the back office: read-only, like the ledger itself."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from zhiliang.common.admin_scope import ReadOnlyAdmin
from zhiliang.ledger import selectors
from zhiliang.ledger.models import Checkpoint, Leaf, PendingEntry


@admin.register(Leaf)
class LeafAdmin(ReadOnlyAdmin):
    """Published entries: public, so every back-office user who may open the admin sees them."""

    list_display = ("leaf_index", "kind", "leaf_hash_hex", "pending_id")
    search_fields = ("=leaf_index", "kind")
    fields = ("leaf_index", "kind", "entry", "leaf_hash_hex", "pending_id")
    readonly_fields = fields
    show_full_result_count = False  # counting a million leaves on every page is wasted work

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return selectors.published_leaves()

    @admin.display(description=_("leaf hash"))
    def leaf_hash_hex(self, leaf: Leaf) -> str:
        return bytes(leaf.leaf_hash).hex()


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ("size", "root_hex", "signed_at")
    fields = ("size", "root_hex", "signed_at", "note")
    readonly_fields = fields
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return selectors.signed_checkpoints()

    @admin.display(description=_("root hash"))
    def root_hex(self, checkpoint: Checkpoint) -> str:
        return bytes(checkpoint.root).hex()


@admin.register(PendingEntry)
class PendingEntryAdmin(ReadOnlyAdmin):
    """The queue the sequencer works through; administrators only (scope None)."""

    list_display = ("id", "kind")
    fields = ("id", "kind", "entry")
    readonly_fields = fields
