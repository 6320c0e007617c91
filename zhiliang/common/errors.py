"""Refusals that every layer understands.

Services raise these; the API renders them as ``{"errors": [...]}`` with the status below, pages
show them as form errors and commands turn them into one line on stderr. Anything else is a bug.
"""

import dataclasses
from collections.abc import Mapping
from typing import Any, ClassVar


@dataclasses.dataclass(frozen=True)
class Problem:
    field: str  # where in the input: "credit_code", "ccc_certificates.1.number"
    code: str  # stable, for programs: "check_character"
    reason: str  # one translated sentence, for people
    detail: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "code": self.code,
            "reason": str(self.reason),
            "detail": dict(self.detail),
        }


class DomainError(Exception):
    """The request was understood and refused: never a bug, never a 500."""

    status: ClassVar[int] = 422

    def __init__(self, *problems: Problem) -> None:
        super().__init__(", ".join(p.code for p in problems))
        self.problems = problems

    def as_body(self) -> dict[str, list[dict[str, Any]]]:
        return {"errors": [p.as_dict() for p in self.problems]}


class NotFound(DomainError):
    """Also for objects that exist but are not the caller's to see: the same answer for both."""

    status = 404


class Forbidden(DomainError):
    """The caller may see the object but not do this to it (a role or scope is missing)."""

    status = 403


class Conflict(DomainError):
    """The request contradicts the current state (a duplicate, a reused idempotency key)."""

    status = 409
