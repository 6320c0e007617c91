"""The log's name (its checkpoint origin) and its Ed25519 signing key.

The origin names the log in every checkpoint (C2SP tlog-checkpoint) and is also the key name of
its signatures, so a verifier key ``<origin>+<key ID>+<key>`` says which log it speaks for. It is
derived from ``ZHILIANG_PUBLIC_URL`` (``https://zhiliang.example`` → ``zhiliang.example/ledger``)
unless ``ZHILIANG_LEDGER_ORIGIN`` names it. The key is the 32-byte RFC 8032 seed, base64, from
``ZHILIANG_SIGNING_KEY``, else from the key file, which is generated once (mode 0600) when
missing, so a fresh installation signs without any set-up and keeps its key across restarts.
"""

import base64
import binascii
import os
import secrets
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from zhiliang.core.ledger import KeyFormatError, Signer, Verifier

ORIGIN_ENV = "ZHILIANG_LEDGER_ORIGIN"
_SEED_SIZE = 32


def origin() -> str:
    """The checkpoint origin: ``ZHILIANG_LEDGER_ORIGIN``, else host[:port][/path] + "/ledger"."""
    if named := os.environ.get(ORIGIN_ENV, "").strip():
        return named
    public = urlsplit(settings.PUBLIC_URL)
    return f"{public.netloc}{public.path.rstrip('/')}/ledger"


def _decode_seed(text: str, where: str) -> bytes:
    try:
        seed = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        raise ImproperlyConfigured(f"{where} is not base64") from None
    if len(seed) != _SEED_SIZE:
        raise ImproperlyConfigured(f"{where} must hold a {_SEED_SIZE}-byte Ed25519 seed")
    return seed


def _seed_from_file(path: Path) -> bytes:
    """Read the key file, creating it first if it is missing.

    O_EXCL makes two processes starting at once agree: one creates the file, the other reads
    the key it wrote instead of writing its own.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(base64.b64encode(secrets.token_bytes(_SEED_SIZE)).decode("ascii") + "\n")
    return _decode_seed(path.read_text(encoding="ascii"), str(path))


@lru_cache(maxsize=8)
def _signer(name: str, key: str, key_file: str) -> Signer:
    seed = _decode_seed(key, "ZHILIANG_SIGNING_KEY") if key else _seed_from_file(Path(key_file))
    try:
        return Signer.from_seed(name, seed)
    except KeyFormatError as exc:
        raise ImproperlyConfigured(f"the ledger origin {name!r} cannot name a key: {exc}") from None


def log_signer() -> Signer:
    """The signer of this log's checkpoints, named by its origin."""
    return _signer(origin(), settings.SIGNING_KEY, str(settings.SIGNING_KEY_FILE))


def log_verifier() -> Verifier:
    return log_signer().verifier
