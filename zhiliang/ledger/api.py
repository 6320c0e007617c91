"""Ledger JSON endpoints under /api/ledger/ (public, no token)."""

from ninja import Router

router = Router(tags=["ledger"])
