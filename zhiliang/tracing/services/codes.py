"""Source coding (源头赋码, T2): a producer's units get codes in one of the four schemes, issued
by the platform or registered from the producer's own system, in batches of up to millions.

Memory stays flat however large the batch: codes are generated or read line by line and written
in chunks of ``CHUNK`` rows inside one transaction, so a batch is all there or not at all.
Serials come from a counter row locked for the reservation, so the platform never hands out a
serial twice; a registered code that is already taken (by anyone, in any batch) refuses the whole
request with its line number. Codes are never deleted, so a code is never reused.
"""

import dataclasses
import itertools
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from functools import lru_cache
from typing import Final

import psycopg
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.common import idempotency
from zhiliang.common.audit import record_audit
from zhiliang.common.errors import Conflict, DomainError, Forbidden, NotFound, Problem
from zhiliang.core.identifiers import InvalidIdentifier
from zhiliang.core.tracing import codes as schemes
from zhiliang.core.tracing.codes import Scheme
from zhiliang.core.tracing.digital_link import CANONICAL_HOST, encode, gtin_path, parse_digital_link
from zhiliang.core.tracing.epc import Epc
from zhiliang.ledger import services as ledger
from zhiliang.registry import selectors as registry
from zhiliang.registry.models import CertificateStatus, ProductModel
from zhiliang.tracing import bulk, scopes
from zhiliang.tracing.models import (
    CodeBatch,
    CodeOrigin,
    CustodyState,
    SerialCounter,
    TraceCode,
    code_key,
    code_key_text,
)
from zhiliang.tracing.problems import identifier_problem

CHUNK: Final = 5000
MAX_BATCH: Final = 5_000_000
SERIAL_DIGITS: Final = 10
LEDGER_KIND: Final = "tracing.codes"
ISSUABLE: Final = (Scheme.GS1, Scheme.DIC, Scheme.CCC)


def identity(epc: Epc) -> tuple[str, str]:
    """(scheme, canonical value) of an identifier: what ``code_key`` hashes."""
    return _identity(epc.scheme, epc.canonical)


def _identity(scheme: str, canonical: str) -> tuple[str, str]:
    if scheme == Scheme.GS1 and canonical.startswith(CANONICAL_HOST):
        return Scheme.GS1, canonical[len(CANONICAL_HOST) :]
    if scheme in (Scheme.ECODE, Scheme.DIC, Scheme.CCC):
        return scheme, canonical.rsplit(":", 1)[1]
    return Scheme.URI, canonical


def key_of(epc: Epc) -> str:
    """The primary key of a code as text; cached by the identifier's canonical spelling (cheaper
    to look up than the whole identifier value)."""
    return _key_of(epc.scheme, epc.canonical)


@lru_cache(maxsize=262144)
def _key_of(scheme: str, canonical: str) -> str:
    return code_key_text(*_identity(scheme, canonical))


def uri_of(code: TraceCode) -> str:
    """The identifier an EPCIS document uses for a code (Digital Link or platform URN)."""
    if code.scheme == Scheme.GS1:
        return CANONICAL_HOST + code.value
    if code.scheme == Scheme.URI:
        return code.value
    return schemes.urn(code.scheme, code.value)


def resolver_path(scheme: str, value: str) -> str:
    """Where a code resolves on the platform: Digital Link paths, or the scheme's short path."""
    if scheme == Scheme.GS1:
        return value
    if scheme == Scheme.URI:
        return "/scan/uri?uri=" + encode(value)
    return schemes.short_path(scheme, value)


@dataclasses.dataclass(frozen=True)
class BatchRequest:
    product_model_id: int
    scheme: str
    count: int = 0  # issue: how many; register: ignored (the lines decide)
    lot: str = ""
    produced_on: date | None = None
    ccc_certificate: str = ""  # CCC scheme: which of the producer's certificates


def _model_for(actor: Actor, request: BatchRequest) -> ProductModel:
    if actor.role not in (Role.ENTERPRISE_MEMBER, Role.ADMIN) or not actor.has_scope(scopes.CODES):
        raise Forbidden(
            Problem("role", "not_allowed", _("Only a producer's members code its units."))
        )
    model = registry.get_product_model(actor, request.product_model_id)
    if actor.role == Role.ENTERPRISE_MEMBER and model.enterprise_id != actor.enterprise_id:
        raise NotFound(Problem("product_model_id", "not_found", _("No such product model.")))
    problems = []
    if request.scheme not in Scheme.ALL or request.scheme == Scheme.URI:
        problems.append(
            Problem("scheme", "invalid_choice", _("The scheme is gs1, ecode, dic or ccc."))
        )
    if request.lot:
        try:
            parse_digital_link(_lot_probe(request.lot))
        except InvalidIdentifier as exc:
            problems.append(identifier_problem("lot", exc))
    if request.scheme == Scheme.GS1 and not model.gtin:
        problems.append(
            Problem(
                "scheme", "no_gtin", _("This model has no GTIN; add one or use another scheme.")
            )
        )
    if problems:
        raise DomainError(*problems)
    return model


def _lot_probe(lot: str) -> str:
    """A Digital Link that carries the lot, so the lot is checked by the same rules (AI 10)."""
    return f"{CANONICAL_HOST}/01/09520123456788/10/{encode(lot)}"


def _counter(key: str) -> SerialCounter:
    """A numbering space's counter, locked until the transaction ends."""
    counter, _made = SerialCounter.objects.select_for_update().get_or_create(key=key)
    return counter


def _certificate_number(model: ProductModel, wanted: str) -> str:
    certificates = registry.ccc_certificates_of(model.enterprise).filter(
        status=CertificateStatus.VALID
    )
    if wanted:
        certificates = certificates.filter(number=wanted)
    number = certificates.filter(product=model.product).values_list("number", flat=True).first()
    if number is None:
        raise DomainError(
            Problem(
                "ccc_certificate",
                "no_valid_certificate",
                _("The producer holds no valid CCC certificate for this product."),
            )
        )
    return number


def _values(model: ProductModel, request: BatchRequest, first: int) -> Iterator[str]:
    """The canonical values of issued codes from serial ``first`` on, one by one (never all in
    memory, and as many as the caller takes)."""
    serials = itertools.count(first)
    if request.scheme == Scheme.GS1:
        assert model.gtin
        return (gtin_path(model.gtin, serial=f"{n:0{SERIAL_DIGITS}d}") for n in serials)
    if request.scheme == Scheme.DIC:
        return (schemes.make_identity_code(model.enterprise_id, n) for n in serials)
    number = _certificate_number(model, request.ccc_certificate)
    return (f"{number}.{n:0{SERIAL_DIGITS}d}" for n in serials)


def _counter_key(model: ProductModel, request: BatchRequest) -> str:
    if request.scheme == Scheme.GS1:
        return f"gs1:{model.gtin}"
    if request.scheme == Scheme.DIC:
        return f"dic:{model.enterprise_id}"
    return f"ccc:{_certificate_number(model, request.ccc_certificate)}"


@transaction.atomic(durable=True)
def issue_codes(
    *,
    actor: Actor,
    request: BatchRequest,
    idempotency_key: str | None = None,
    on_chunk: Callable[[int], None] = lambda n: None,
) -> CodeBatch:
    """The platform issues ``count`` new codes for a model (GS1 serials under its GTIN, digital
    identity codes, or unit serials under its CCC certificate)."""
    return issue_codes_within(
        actor=actor, request=request, idempotency_key=idempotency_key, on_chunk=on_chunk
    )


def issue_codes_within(
    *,
    actor: Actor,
    request: BatchRequest,
    idempotency_key: str | None = None,
    on_chunk: Callable[[int], None] = lambda n: None,
) -> CodeBatch:
    """``issue_codes`` for callers that already hold the transaction (the demo generator)."""
    assert connection.in_atomic_block, "issue_codes_within belongs inside a transaction"
    fields = dataclasses.asdict(request)
    if earlier := idempotency.replay(
        actor, idempotency_key, "tracing.codes.issue", fields, CodeBatch
    ):
        return earlier
    model = _model_for(actor, request)
    if request.scheme not in ISSUABLE:
        raise DomainError(
            Problem(
                "scheme",
                "not_issuable",
                _("Ecodes are assigned by the Article Numbering Center; register them instead."),
            )
        )
    if not 1 <= request.count <= MAX_BATCH:
        raise DomainError(
            Problem(
                "count",
                "out_of_range",
                _("A batch has 1 to %(max)d codes.") % {"max": MAX_BATCH},
            )
        )
    counter = _counter(_counter_key(model, request))
    first = counter.next_serial
    batch = _new_batch(actor, model, request, CodeOrigin.ISSUED, first)
    values = enumerate(_values(model, request, first), start=1)
    count, used = _write(batch, values, limit=request.count, on_chunk=on_chunk)
    SerialCounter.objects.filter(pk=counter.pk).update(next_serial=first + used)
    return _finish(actor, batch, count, idempotency_key, "tracing.codes.issue", fields)


@transaction.atomic(durable=True)
def register_codes(
    *,
    actor: Actor,
    request: BatchRequest,
    lines: Iterable[bytes],
    idempotency_key: str | None = None,
    on_chunk: Callable[[int], None] = lambda n: None,
) -> CodeBatch:
    """Codes from the producer's own system, one per line (open, non-exclusive: T2).

    A GS1 line may be a serial (under the model's GTIN) or a whole Digital Link; other schemes
    take the code itself. One bad or taken line refuses the whole request, naming the line.
    """
    fields = {**dataclasses.asdict(request), "lines": "stream"}
    if earlier := idempotency.replay(
        actor, idempotency_key, "tracing.codes.register", fields, CodeBatch
    ):
        return earlier
    model = _model_for(actor, request)
    batch = _new_batch(actor, model, request, CodeOrigin.REGISTERED, None)
    count, _used = _write(batch, _parsed(model, request, lines), limit=None, on_chunk=on_chunk)
    if count == 0:
        raise DomainError(Problem("body", "empty", _("The request holds no codes.")))
    return _finish(actor, batch, count, idempotency_key, "tracing.codes.register", fields)


def _parsed(
    model: ProductModel, request: BatchRequest, lines: Iterable[bytes]
) -> Iterator[tuple[int, str]]:
    """(line number, canonical value) of each code line; at most ``MAX_BATCH`` codes."""
    codes = 0
    for number, raw in enumerate(lines, start=1):
        text = raw.decode("utf-8", errors="replace").strip()
        if not text or (number == 1 and text.lower() in ("code", "serial")):
            continue
        codes += 1
        if codes > MAX_BATCH:
            raise DomainError(
                Problem(
                    f"line.{number}",
                    "too_many_codes",
                    _("A batch has 1 to %(max)d codes.") % {"max": MAX_BATCH},
                )
            )
        try:
            yield number, _canonical(model, request, text)
        except InvalidIdentifier as exc:
            raise DomainError(identifier_problem(f"line.{number}", exc)) from None


def _canonical(model: ProductModel, request: BatchRequest, text: str) -> str:
    match request.scheme:
        case Scheme.GS1:
            uri = (
                text
                if "/01/" in text
                else CANONICAL_HOST + gtin_path(model.gtin or "", serial=text)
            )
            link = parse_digital_link(uri)
            if link.gtin != model.gtin or link.serial is None:
                raise InvalidIdentifier(
                    "not_this_model", "The code is not a serial of this model's GTIN."
                )
            return gtin_path(model.gtin or "", serial=link.serial)
        case Scheme.ECODE:
            return schemes.parse_ecode(text)
        case Scheme.DIC:
            code = schemes.parse_identity_code(text)
            if schemes.identity_issuer(code) != model.enterprise_id:
                raise InvalidIdentifier("not_your_issuer", "The code was issued to another issuer.")
            return code
        case _:
            code = schemes.parse_ccc_unit(text)
            _certificate_number(model, code.split(".", 1)[0])
            return code


def _new_batch(
    actor: Actor, model: ProductModel, request: BatchRequest, origin: str, first: int | None
) -> CodeBatch:
    return CodeBatch.objects.create(
        enterprise_id=model.enterprise_id,
        product_model=model,
        scheme=request.scheme,
        origin=origin,
        lot=request.lot,
        produced_on=request.produced_on,
        first_serial=first,
        created_by_id=actor.user_id,
    )


ROW_FIELDS: Final = (
    "id",
    "scheme",
    "value",
    "origin",
    "batch_id",
    "issuer_id",
    "registered_by_id",
    "product_model_id",
    "gtin",
    "lot",
    "is_logistic_unit",
    "created_at",
    "state",
)


def _write(
    batch: CodeBatch,
    values: Iterable[tuple[int, str]],
    *,
    limit: int | None,
    on_chunk: Callable[[int], None],
) -> tuple[int, int]:
    """Write the batch's codes chunk by chunk: memory stays flat whatever the count.

    Registered codes (``limit`` None) are all written, and a code already taken refuses the
    request, naming its line. Issued codes (``limit`` the count wanted) skip the serials that
    a producer's own system or a connected system registered first, so an issued code is
    never one already in use. Returns (codes written, values used)."""
    gtin = batch.product_model.gtin if batch.scheme == Scheme.GS1 and batch.product_model else ""
    now = timezone.now()
    common = (
        *(str(batch.origin), batch.pk, batch.enterprise_id, batch.created_by_id),
        *(batch.product_model_id, gtin or "", batch.lot, False, now, str(CustodyState.NEW)),
    )
    written = used = 0
    chunk: dict[uuid.UUID, tuple[int, str]] = {}
    source = iter(values)
    while limit is None or written < limit:
        item = next(source, None)
        if item is not None:
            used += 1
            line, value = item
            key = code_key(batch.scheme, value)
            if key in chunk and limit is None:
                raise _taken(line, value)
            chunk[key] = item
        full = len(chunk) >= CHUNK or (limit is not None and written + len(chunk) >= limit)
        if chunk and (full or item is None):
            added = _flush(batch.scheme, chunk, common, refuse=limit is None)
            written += added
            on_chunk(added)
            chunk = {}
        if item is None:
            break
    return written, used


def _flush(
    scheme: str, chunk: dict[uuid.UUID, tuple[int, str]], common: tuple[object, ...], refuse: bool
) -> int:
    for key in _taken_keys(list(chunk)):
        if refuse:
            line, value = chunk[key]
            raise _taken(line, value)
        del chunk[key]
    bulk.insert(
        TraceCode,
        ROW_FIELDS,
        ((key, scheme, value, *common) for key, (_line, value) in chunk.items()),
    )
    return len(chunk)


def _taken_keys(keys: list[uuid.UUID]) -> list[uuid.UUID]:
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        # The keys go as one array parameter (server-side binding), not written into the text:
        # psycopg remembers the text of the last hundred statements it ran, and each chunk's
        # text with its thousands of keys would keep up to ~15 MB in the worker.
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
            cursor.execute("SELECT id FROM tracing_tracecode WHERE id = ANY(%s)", [keys])
            return [row[0] for row in cursor.fetchall()]
    return [
        uuid.UUID(str(pk))
        for pk in TraceCode.objects.filter(pk__in=keys).values_list("pk", flat=True)
    ]


def _taken(line: int, value: str) -> Conflict:
    return Conflict(
        Problem(
            f"line.{line}",
            "code_taken",
            _("This code is already registered; codes are unique and never reused."),
            {"code": value},
        )
    )


def _finish(
    actor: Actor,
    batch: CodeBatch,
    count: int,
    key: str | None,
    action: str,
    fields: dict[str, object],
) -> CodeBatch:
    batch.count = count
    batch.save(update_fields=["count"])
    idempotency.remember(actor, key, action, fields, batch)
    ledger.append(
        LEDGER_KIND,
        {
            "batch": batch.pk,
            "credit_code": batch.enterprise.credit_code,
            "scheme": batch.scheme,
            "origin": batch.origin,
            "gtin": batch.product_model.gtin if batch.product_model else None,
            "lot": batch.lot,
            "count": count,
            "first_serial": batch.first_serial,
            "at": timezone.now().isoformat(),
        },
    )
    record_audit(actor, action, batch, {"count": count, "scheme": batch.scheme})
    return batch


def code_uri(text: str) -> str:
    """The EPCIS identifier of a code as a person or scanner gives it: a Digital Link, an EPC or
    platform URN, or the platform URL printed in the QR code (``…/i/<code>``, ``…/e/…``,
    ``…/ccc/…``)."""
    text = text.strip()
    for scheme, short in schemes.SHORT_PATHS.items():
        marker = f"/{short}/"
        if text.startswith(("http://", "https://")) and marker in text:
            return schemes.urn(scheme, text.split(marker, 1)[1].split("?", 1)[0])
    return text
