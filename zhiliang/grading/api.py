"""Grading endpoints under /api/grading/."""

from ninja import Router

router = Router(tags=["grading"])
