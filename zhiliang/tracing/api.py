"""Tracing endpoints under /api/tracing/."""

from ninja import Router

router = Router(tags=["tracing"])
