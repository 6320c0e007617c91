"""The public ledger page and the C2SP tlog-tiles resources, under /ledger/."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from zhiliang.core.ledger import TILE_WIDTH, TileId, TilePathError, parse_path
from zhiliang.ledger import selectors

# C2SP tlog-tiles: full tiles and bundles never change; partial ones and the checkpoint do.
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=5"


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ledger/index.html",
        {
            "checkpoint": selectors.latest_checkpoint(),
            "public_key": selectors.public_key(),
            "recent": selectors.recent_entries(),
        },
    )


@require_safe
def checkpoint(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        selectors.latest_checkpoint().note, content_type="text/plain; charset=utf-8"
    )
    response["Cache-Control"] = SHORT
    return response


@require_safe
def tile(request: HttpRequest, path: str) -> HttpResponse:
    """``tile/<L>/<N>[.p/<W>]`` and ``tile/entries/<N>[.p/<W>]``; any other spelling is a 404."""
    try:
        wanted = parse_path(path)
    except TilePathError:
        raise Http404 from None
    if isinstance(wanted, TileId):
        data = selectors.hash_tile(wanted)
    else:
        data = selectors.entry_bundle(wanted)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Cache-Control"] = IMMUTABLE if wanted.width == TILE_WIDTH else SHORT
    return response
