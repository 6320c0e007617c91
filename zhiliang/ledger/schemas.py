"""What the ledger API accepts and returns. Hashes travel as lowercase hex.

Sizes and indexes are bounded by what the database holds (a signed 64-bit integer), so an
absurd number is a 422 at the edge, never an overflow below it.
"""

from datetime import datetime
from typing import Annotated, Any, Final

from ninja import Field, Schema
from pydantic import StringConstraints

from zhiliang.ledger.selectors import ConsistencyProof, InclusionProof, LeafEntry, SignedCheckpoint

MAX_INDEX: Final = 2**63 - 1
Index = Annotated[int, Field(ge=0, le=MAX_INDEX)]
Hex256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{64}$", to_lower=True)]


class ProblemOut(Schema):
    field: str
    code: str
    reason: str
    detail: dict[str, Any]


class ErrorOut(Schema):
    errors: list[ProblemOut]


class EntriesQuery(Schema):
    start: Index = 0
    end: Index | None = Field(None, description="exclusive; at most 1,000 entries per page")


class InclusionQuery(Schema):
    leaf_index: Index | None = None
    leaf_hash: Hex256 | None = None
    tree_size: Index | None = Field(None, description="default: the latest checkpoint's size")


class ConsistencyQuery(Schema):
    first: Index
    second: Index


class SthOut(Schema):
    origin: str
    tree_size: int
    root_hash: str
    timestamp: datetime | None
    note: str

    @staticmethod
    def resolve_tree_size(obj: SignedCheckpoint) -> int:
        return obj.size

    @staticmethod
    def resolve_root_hash(obj: SignedCheckpoint) -> str:
        return obj.root.hex()

    @staticmethod
    def resolve_timestamp(obj: SignedCheckpoint) -> datetime | None:
        return obj.signed_at


class EntryOut(Schema):
    leaf_index: int
    entry: str
    leaf_hash: str

    @staticmethod
    def resolve_leaf_hash(obj: LeafEntry) -> str:
        return obj.leaf_hash.hex()


class InclusionOut(Schema):
    leaf_index: int
    tree_size: int
    leaf_hash: str
    audit_path: list[str]

    @staticmethod
    def resolve_leaf_hash(obj: InclusionProof) -> str:
        return obj.leaf_hash.hex()

    @staticmethod
    def resolve_audit_path(obj: InclusionProof) -> list[str]:
        return [value.hex() for value in obj.audit_path]


class ConsistencyOut(Schema):
    first: int
    second: int
    proof: list[str]

    @staticmethod
    def resolve_proof(obj: ConsistencyProof) -> list[str]:
        return [value.hex() for value in obj.proof]
