"""C2SP tlog-checkpoint: the signed statement "this log had this many entries under this root".

The body is the text of a signed note: the origin line (the log's name), the tree size in ASCII
decimal, the root hash in standard base64, then optional extension lines, each ending in a
newline. Parsing is strict where Python is lenient: ``int()`` takes ``+8``, ``1_000`` and other
scripts' digits, ``str.splitlines()`` splits on ``\\r`` and U+2028, and each of those would give
one signed text two readings.
"""

import base64
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from zhiliang.core.ledger.hashes import HASH_SIZE
from zhiliang.core.ledger.notes import (
    NoteError,
    Signer,
    Verifier,
    b64decode_strict,
    open_note,
    sign_note,
)

_SIZE: Final = re.compile(r"0|[1-9][0-9]*")  # ASCII digits, no sign, no leading zero
MAX_TREE_SIZE: Final = 2**64 - 1  # RFC 9162 tree_size is a uint64


class CheckpointError(ValueError):
    """A checkpoint body that does not follow C2SP tlog-checkpoint."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_lines([self.origin, *self.extensions])
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise CheckpointError("tree size is outside 0..2**64-1")
        if len(self.root) != HASH_SIZE:
            raise CheckpointError(f"root hash must have {HASH_SIZE} bytes")

    def format(self) -> str:
        """The note text that is signed."""
        root = base64.b64encode(self.root).decode("ascii")
        lines = [self.origin, str(self.size), root, *self.extensions]
        return "".join(f"{line}\n" for line in lines)


def _check_lines(lines: Sequence[str]) -> None:
    for line in lines:
        if not line:
            raise CheckpointError("checkpoint lines must not be empty")
        if any(c < " " for c in line):
            raise CheckpointError("checkpoint lines must not contain control characters")


def parse_checkpoint(body: str) -> Checkpoint:
    """The checkpoint a note text states, or ``CheckpointError``."""
    if not body.endswith("\n"):
        raise CheckpointError("checkpoint text must end with a newline")
    lines = body[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("a checkpoint has an origin, a size and a root line")
    _check_lines(lines)
    origin, size_text, root_text, *extensions = lines
    if not _SIZE.fullmatch(size_text):
        raise CheckpointError("tree size must be ASCII decimal without sign or leading zeros")
    size = int(size_text)
    if size > MAX_TREE_SIZE:
        raise CheckpointError("tree size is outside 0..2**64-1")
    try:
        root = b64decode_strict(root_text)
    except ValueError as exc:
        raise CheckpointError(f"root hash is {exc}") from None
    if len(root) != HASH_SIZE:
        raise CheckpointError(f"root hash must have {HASH_SIZE} bytes")
    return Checkpoint(origin, size, root, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signers: Iterable[Signer]) -> str:
    """The signed note of a checkpoint, the log's own signer first by convention."""
    return sign_note(checkpoint.format(), signers)


@dataclass(frozen=True, slots=True)
class OpenedCheckpoint:
    checkpoint: Checkpoint
    verified_by: tuple[str, ...]


def open_checkpoint(
    note: bytes, log: Verifier, *, origin: str | None = None, witnesses: Iterable[Verifier] = ()
) -> OpenedCheckpoint:
    """A checkpoint signed by ``log`` for ``origin`` (by default the log key's name).

    The origin names the log (C2SP tlog-checkpoint), so a checkpoint of another log signed by
    the same key is refused; witness signatures that verify are reported beside the log's.
    """
    opened = open_note(note, [log, *witnesses])
    if log.name not in opened.verified_by:
        raise NoteError(f"checkpoint is not signed by the log key {log.name}")
    checkpoint = parse_checkpoint(opened.text)
    expected = log.name if origin is None else origin
    if checkpoint.origin != expected:
        raise CheckpointError(f"origin {checkpoint.origin!r} is not {expected!r}")
    return OpenedCheckpoint(checkpoint, opened.verified_by)
