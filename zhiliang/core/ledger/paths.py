"""C2SP tlog-tiles paths: the one canonical spelling of every hash tile and entry bundle."""

import re
from typing import Final

from zhiliang.core.ledger.bundles import BundleId
from zhiliang.core.ledger.tiles import TILE_WIDTH, TileError, TileId, TilePathError

# ASCII digits only: Python's \d and int() also accept other scripts' digits.
_PATH: Final = re.compile(
    r"tile/(?:(entries)|(0|[1-9][0-9]?))/((?:x[0-9]{3}/)*[0-9]{3})(?:\.p/([1-9][0-9]{0,2}))?"
)


def parse_path(path: str) -> TileId | BundleId:
    """The tile or bundle a path names; only the one canonical spelling of each is accepted.

    Paths round-trip, as Go's sumdb/tlog requires, so ``x000/001`` or ``.p/256`` are refused
    rather than served under a second name.
    """
    match = _PATH.fullmatch(path)
    if match is None:
        raise TilePathError(f"not a tile path: {path!r}")
    entries, level, index_text, width_text = match.groups()
    index = int(index_text.replace("x", "").replace("/", ""))
    width = int(width_text) if width_text else TILE_WIDTH
    if width_text and width >= TILE_WIDTH:
        raise TilePathError(f"partial width must be below {TILE_WIDTH}: {path!r}")
    try:
        parsed: TileId | BundleId = (
            BundleId(index, width) if entries else TileId(int(level), index, width)
        )
    except TileError as exc:
        raise TilePathError(f"{exc}: {path!r}") from None
    if parsed.path != path:
        raise TilePathError(f"not the canonical spelling of {parsed.path!r}: {path!r}")
    return parsed
