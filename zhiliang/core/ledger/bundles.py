"""C2SP tlog-tiles entry bundles: the entries themselves, 256 per bundle.

Each entry is written as a 2-byte big-endian length and its bytes (C2SP tlog-tiles, "Log
Entries"), so an entry above 65,535 bytes cannot be bundled and the ledger refuses it on append.
Entry i of bundle N hashes (RFC 9162 leaf hash) to hash i of level-0 tile N.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from zhiliang.core.ledger.tiles import (
    TILE_HEIGHT,
    TILE_WIDTH,
    check_index_width,
    encode_index,
    width_suffix,
)

MAX_ENTRY_SIZE: Final = 0xFFFF  # the bundle length prefix is two bytes


class BundleError(ValueError):
    """An entry bundle that cannot be decoded, or an entry that cannot be bundled."""


@dataclass(frozen=True, slots=True, order=True)
class BundleId:
    """Entry bundle ``index`` holding entries [index*256, index*256 + width)."""

    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        check_index_width(self.index, self.width)

    @property
    def path(self) -> str:
        return f"tile/entries/{encode_index(self.index)}{width_suffix(self.width)}"


@dataclass(frozen=True, slots=True)
class Bundles:
    """The entry bundles for a tree size: ``full_bundles`` full ones, then maybe a partial."""

    full_bundles: int
    partial_width: int

    @property
    def last_full_bundle(self) -> BundleId | None:
        return BundleId(self.full_bundles - 1) if self.full_bundles else None

    @property
    def partial_bundle(self) -> BundleId | None:
        return BundleId(self.full_bundles, self.partial_width) if self.partial_width else None


def bundles_for_size(size: int) -> Bundles:
    return Bundles(size >> TILE_HEIGHT, size % TILE_WIDTH)


def encode_bundle(entries: Iterable[bytes]) -> bytes:
    out = bytearray()
    for number, entry in enumerate(entries):
        if len(entry) > MAX_ENTRY_SIZE:
            raise BundleError(
                f"entry {number} has {len(entry)} bytes; a bundled entry has at "
                f"most {MAX_ENTRY_SIZE} (its length prefix is two bytes)"
            )
        out += len(entry).to_bytes(2, "big")
        out += entry
    return bytes(out)


def decode_bundle(data: bytes, width: int | None = None) -> list[bytes]:
    """The entries of a bundle; ``width``, when given, is how many it must hold."""
    entries: list[bytes] = []
    offset = 0
    while offset < len(data):
        if offset + 2 > len(data):
            raise BundleError(f"bundle ends inside the length of entry {len(entries)}")
        length = int.from_bytes(data[offset : offset + 2], "big")
        offset += 2
        if offset + length > len(data):
            raise BundleError(
                f"entry {len(entries)} declares {length} bytes, {len(data) - offset} remain"
            )
        entries.append(data[offset : offset + length])
        offset += length
    if width is not None and len(entries) != width:
        raise BundleError(f"bundle holds {len(entries)} entries, not {width}")
    return entries


def integrate_bundles(size: int, partial: bytes, entries: Iterable[bytes]) -> dict[BundleId, bytes]:
    """The bundles written by appending ``entries`` to a log of ``size`` entries.

    ``partial`` is the partial bundle at ``size`` (empty when ``size`` is a multiple of 256).
    """
    pending = decode_bundle(partial, width=size % TILE_WIDTH)
    index = size >> TILE_HEIGHT
    written: dict[BundleId, bytes] = {}
    grown = False
    for entry in entries:
        if len(entry) > MAX_ENTRY_SIZE:
            raise BundleError(
                f"entry {index * TILE_WIDTH + len(pending)} has {len(entry)} bytes; "
                f"a bundled entry has at most {MAX_ENTRY_SIZE}"
            )
        pending.append(entry)
        grown = True
        if len(pending) == TILE_WIDTH:
            written[BundleId(index)] = encode_bundle(pending)
            pending, index, grown = [], index + 1, False
    if grown:
        written[BundleId(index, len(pending))] = encode_bundle(pending)
    return written
