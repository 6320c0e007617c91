"""Ledger JSON endpoints under /api/ledger/ (public, no token): parse, call a selector, respond."""

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from zhiliang.ledger import selectors
from zhiliang.ledger.schemas import (
    ConsistencyOut,
    ConsistencyQuery,
    EntriesQuery,
    EntryOut,
    ErrorOut,
    InclusionOut,
    InclusionQuery,
    SthOut,
)
from zhiliang.ledger.selectors import (
    ConsistencyProof,
    InclusionProof,
    LeafEntry,
    SignedCheckpoint,
)

router = Router(tags=["ledger"])
REFUSED = {404: ErrorOut, 422: ErrorOut}
SHORT_CACHE = "public, max-age=5"  # a new checkpoint is signed every few seconds at most


def _text(body: str, cache: str = "no-cache") -> HttpResponse:
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = cache
    return response


@router.get("/public-key", auth=None, summary="The verifier key (C2SP signed-note vkey)")
def public_key(request: HttpRequest) -> HttpResponse:
    return _text(selectors.public_key() + "\n", cache="public, max-age=3600")


@router.get("/checkpoint", auth=None, summary="The latest signed checkpoint (text/plain note)")
def checkpoint(request: HttpRequest) -> HttpResponse:
    return _text(selectors.latest_checkpoint().note, cache=SHORT_CACHE)


@router.get("/sth", response=SthOut, auth=None, summary="The latest signed tree head as JSON")
def signed_tree_head(request: HttpRequest) -> SignedCheckpoint:
    return selectors.latest_checkpoint()


@router.get("/entries", response={200: list[EntryOut], **REFUSED}, auth=None)
def entries(request: HttpRequest, query: Query[EntriesQuery]) -> list[LeafEntry]:
    """Entries [start, end) with the exact text that was hashed; at most 1,000 per page."""
    return selectors.entries(query.start, query.end)


@router.get("/proof/inclusion", response={200: InclusionOut, **REFUSED}, auth=None)
def inclusion_proof(request: HttpRequest, query: Query[InclusionQuery]) -> InclusionProof:
    """The audit path of one leaf, named by leaf_index or leaf_hash (RFC 9162 §2.1.3)."""
    return selectors.inclusion_proof(
        leaf_index=query.leaf_index,
        leaf_hash=bytes.fromhex(query.leaf_hash) if query.leaf_hash else None,
        tree_size=query.tree_size,
    )


@router.get("/proof/consistency", response={200: ConsistencyOut, **REFUSED}, auth=None)
def consistency_proof(request: HttpRequest, query: Query[ConsistencyQuery]) -> ConsistencyProof:
    """The proof that the tree of `first` entries is a prefix of `second`'s (RFC 9162 §2.1.4)."""
    return selectors.consistency_proof(query.first, query.second)
