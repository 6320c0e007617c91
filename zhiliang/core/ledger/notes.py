"""C2SP signed-note with Ed25519: how checkpoints are signed, cosigned and opened.

A note is UTF-8 text ending in a newline, a blank line, then signature lines
``— <key name> base64(key ID || signature)``. A key is named by (name, key ID); a verifier
ignores lines from keys it does not know, must verify every line from a key it knows and needs
at least one (C2SP signed-note, "Signatures"). A failing signature from a known key rejects the
whole note even when another known key verifies: the spec says SHOULD, Go's ``note.Open`` does
it, and a bad signature from a trusted key means something is wrong.

Keys are written as Go's ``x/mod/sumdb/note`` does: a verifier key ``<name>+<key ID>+<base64(0x01
|| public key)>`` and a signer key ``PRIVATE+KEY+<name>+<key ID>+<base64(0x01 || seed)>``.
"""

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519: Final = b"\x01"  # the signature type byte of Ed25519 (C2SP signed-note)
_KEY_SIZE: Final = 32
_SIGNATURE_SIZE: Final = 64
_DASH: Final = "\u2014 "  # em dash and space open every signature line
# Go stops at 100; C2SP asks verifiers to accept at least 16 and to set some limit.
MAX_SIGNATURES: Final = 100
_KEY_ID: Final = re.compile(r"[0-9a-f]{8}")


class NoteError(ValueError):
    """A note that is malformed or not signed as required."""


class KeyFormatError(ValueError):
    """A verifier or signer key string that cannot be used."""


def b64decode_strict(text: str) -> bytes:
    """Standard padded base64 (RFC 4648 §4) in its one canonical spelling, or ``ValueError``.

    ``base64.b64decode`` without ``validate`` skips foreign characters, and even with it accepts
    non-zero padding bits; re-encoding closes both doors.
    """
    try:
        value = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise ValueError("not standard padded base64") from None
    if base64.b64encode(value).decode("ascii") != text:
        raise ValueError("not canonical base64")
    return value


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def is_valid_key_name(name: str) -> bool:
    """Key names are non-empty, without Unicode spaces or '+' (C2SP signed-note, "Format")."""
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def key_id(name: str, public_key: bytes) -> bytes:
    """SHA-256(name || 0x0A || 0x01 || public key)[:4] (C2SP signed-note, Ed25519 key ID)."""
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public_key).digest()[:4]


@dataclass(frozen=True, slots=True)
class Verifier:
    """A known Ed25519 key: the signature lines it may verify carry ``name`` and ``key_id``."""

    name: str
    key_id: bytes
    public_key: bytes

    @property
    def vkey(self) -> str:
        return f"{self.name}+{self.key_id.hex()}+{_b64(ED25519 + self.public_key)}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        if len(signature) != _SIGNATURE_SIZE:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


def _parse_key(name: str, id_hex: str, key64: str, what: str) -> tuple[str, bytes, bytes]:
    if not is_valid_key_name(name):
        raise KeyFormatError(f"{what}: invalid key name {name!r}")
    if not _KEY_ID.fullmatch(id_hex):
        raise KeyFormatError(f"{what}: key ID is not 8 lowercase hex digits")
    try:
        material = b64decode_strict(key64)
    except ValueError as exc:
        raise KeyFormatError(f"{what}: key is {exc}") from None
    if material[:1] != ED25519:
        raise KeyFormatError(f"{what}: unknown signature type")
    if len(material) != 1 + _KEY_SIZE:
        raise KeyFormatError(f"{what}: an Ed25519 key has {_KEY_SIZE} bytes")
    return name, bytes.fromhex(id_hex), material[1:]


def parse_vkey(vkey: str) -> Verifier:
    """A verifier from ``<name>+<key ID>+<base64(0x01 || public key)>``."""
    name, id_hex, key64 = [*vkey.split("+", 2), "", ""][:3]
    name, expected_id, public_key = _parse_key(name, id_hex, key64, "verifier key")
    try:
        Ed25519PublicKey.from_public_bytes(public_key)
    except ValueError:
        raise KeyFormatError("verifier key: not an Ed25519 public key") from None
    if key_id(name, public_key) != expected_id:
        raise KeyFormatError("verifier key: key ID does not match the name and key")
    return Verifier(name, expected_id, public_key)


class Signer:
    """Signs note texts with an Ed25519 key under a key name."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        if not is_valid_key_name(name):
            raise KeyFormatError(f"invalid key name {name!r}")
        self.name = name
        self._private_key = private_key
        self.public_key = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = key_id(name, self.public_key)

    @classmethod
    def from_seed(cls, name: str, seed: bytes) -> "Signer":
        """A signer from the 32-byte RFC 8032 private key (the seed)."""
        return cls(name, Ed25519PrivateKey.from_private_bytes(seed))

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.key_id, self.public_key)

    @property
    def vkey(self) -> str:
        return self.verifier.vkey

    def signature_line(self, text: str) -> str:
        """``— <name> base64(key ID || Ed25519(text))`` and a newline; Ed25519 is deterministic."""
        signature = self._private_key.sign(text.encode())
        return f"{_DASH}{self.name} {_b64(self.key_id + signature)}\n"


def parse_skey(skey: str) -> Signer:
    """A signer from Go's ``PRIVATE+KEY+<name>+<key ID>+<base64(0x01 || seed)>``."""
    prefix, _, rest = skey.partition("PRIVATE+KEY+")
    if prefix or not rest:
        raise KeyFormatError("signer key: must start with PRIVATE+KEY+")
    name, id_hex, key64 = [*rest.split("+", 2), "", ""][:3]
    name, expected_id, seed = _parse_key(name, id_hex, key64, "signer key")
    signer = Signer.from_seed(name, seed)
    if signer.key_id != expected_id:
        raise KeyFormatError("signer key: key ID does not match the name and key")
    return signer


def _check_text(text: str) -> None:
    """UTF-8 without ASCII control characters but newline (C2SP signed-note, "Format")."""
    if any(c < " " and c != "\n" for c in text):
        raise NoteError("note contains a control character other than newline")
    try:
        text.encode()
    except UnicodeEncodeError:
        raise NoteError("note text is not valid Unicode") from None


def sign_note(text: str, signers: Iterable[Signer]) -> str:
    """``text``, a blank line, and one signature line per signer, in the order given."""
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    _check_text(text)
    lines = [signer.signature_line(text) for signer in signers]
    if not lines:
        raise NoteError("a note needs at least one signature")
    return text + "\n" + "".join(lines)


@dataclass(frozen=True, slots=True)
class OpenedNote:
    """A note's text and the names of the known keys whose signatures verified, in note order."""

    text: str
    verified_by: tuple[str, ...]


def open_note(note: bytes, verifiers: Iterable[Verifier]) -> OpenedNote:
    """The text of ``note`` once it is well formed and signed by at least one known key."""
    try:
        whole = note.decode("utf-8")
    except UnicodeDecodeError:
        raise NoteError("note is not valid UTF-8") from None
    _check_text(whole)
    # The last blank line separates text and signatures: the text may contain blank lines.
    split = whole.rfind("\n\n")
    if split < 0:
        raise NoteError("note has no blank line before its signatures")
    text, signatures = whole[: split + 1], whole[split + 2 :]
    if not signatures.endswith("\n"):
        raise NoteError("signature lines must end with a newline")
    lines = signatures[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"more than {MAX_SIGNATURES} signatures")

    known = {(v.name, v.key_id): v for v in verifiers}
    message = text.encode()
    seen: set[tuple[str, bytes]] = set()
    verified_by: list[str] = []
    for line in lines:
        name, signature = _parse_signature_line(line)
        key = (name, signature[:4])
        verifier = known.get(key)
        if key in seen or verifier is None:
            continue  # unknown keys are ignored, even when they share a name or an ID
        seen.add(key)
        if not verifier.verify(message, signature[4:]):
            raise NoteError(f"signature by known key {name} does not verify")
        verified_by.append(name)
    if not verified_by:
        raise NoteError("no signature by a known key")
    return OpenedNote(text, tuple(verified_by))


def _parse_signature_line(line: str) -> tuple[str, bytes]:
    if not line.startswith(_DASH):
        raise NoteError("a signature line starts with an em dash and a space")
    name, space, encoded = line[len(_DASH) :].partition(" ")
    if not space or not is_valid_key_name(name):
        raise NoteError("a signature line needs a valid key name and a signature")
    try:
        signature = b64decode_strict(encoded)
    except ValueError:
        raise NoteError(f"signature by {name} is not base64") from None
    if len(signature) < 5:
        raise NoteError(f"signature by {name} is too short")
    return name, signature
