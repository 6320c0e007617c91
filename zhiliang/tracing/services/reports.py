"""What producers and sellers report besides EPCIS documents (T4, T5): production figures, GS1
company prefixes, and flows through web forms and Excel uploads, which become EPCIS events and
go through the one capture service, so the same rules and the same ledger apply."""

import dataclasses
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any, Final
from zipfile import BadZipFile

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from zhiliang.accounts.actors import Actor
from zhiliang.accounts.roles import Role
from zhiliang.common.audit import record_audit
from zhiliang.common.errors import Conflict, DomainError, Forbidden, Problem
from zhiliang.core.identifiers import InvalidIdentifier, parse_uscc
from zhiliang.core.tracing.epc import PARTY_URN
from zhiliang.core.tracing.epcis.model import Document, EpcisInvalid
from zhiliang.core.tracing.epcis.validation import parse_document
from zhiliang.registry import selectors as registry
from zhiliang.tracing import scopes
from zhiliang.tracing.models import CaptureJob, CompanyPrefix, ProductionReport
from zhiliang.tracing.problems import identifier_problem
from zhiliang.tracing.services.capture import capture
from zhiliang.tracing.services.codes import code_uri

STEPS: Final = ("shipping", "receiving", "retail_selling")
DISPOSITIONS: Final = {
    "shipping": "in_transit",
    "receiving": "sellable_accessible",
    "retail_selling": "retail_sold",
}
EXCEL_COLUMNS: Final = ("code", "step", "counterparty_credit_code", "time")
MAX_ROWS: Final = 100_000


def _member(actor: Actor, scope: str) -> int:
    if actor.role not in (Role.ENTERPRISE_MEMBER, Role.PLATFORM_OPERATOR) or not (
        actor.enterprise_id and actor.has_scope(scope)
    ):
        raise Forbidden(Problem("role", "not_allowed", _("Only enterprise members report this.")))
    return actor.enterprise_id


@transaction.atomic(durable=True)
def report_production(
    *, actor: Actor, product_model_id: int, month: date, units: int
) -> ProductionReport:
    enterprise = _member(actor, scopes.CODES)
    model = registry.get_product_model(actor, product_model_id)
    if units < 0:
        raise DomainError(Problem("units_made", "negative", _("Units made cannot be negative.")))
    report, _made = ProductionReport.objects.update_or_create(
        product_model=model,
        month=month.replace(day=1),
        defaults={"enterprise_id": enterprise, "units_made": units},
    )
    record_audit(actor, "tracing.production.report", report, {"units": units})
    return report


@transaction.atomic(durable=True)
def register_company_prefix(*, actor: Actor, prefix: str) -> CompanyPrefix:
    enterprise = _member(actor, scopes.CODES)
    if not (prefix.isascii() and prefix.isdigit() and 6 <= len(prefix) <= 12):
        raise DomainError(
            Problem("prefix", "bad_format", _("A GS1 company prefix has 6 to 12 digits."))
        )
    clash = CompanyPrefix.objects.filter(prefix__in=[prefix[:n] for n in range(6, len(prefix) + 1)])
    longer = CompanyPrefix.objects.filter(prefix__startswith=prefix)
    if clash.exists() or longer.exists():
        raise Conflict(
            Problem("prefix", "prefix_taken", _("This prefix, or one nested in it, is registered."))
        )
    try:
        with transaction.atomic():
            found = CompanyPrefix.objects.create(prefix=prefix, enterprise_id=enterprise)
    except IntegrityError:
        raise Conflict(Problem("prefix", "prefix_taken", _("This prefix is registered."))) from None
    record_audit(actor, "tracing.prefix.register", found)
    return found


@dataclasses.dataclass(frozen=True)
class Flow:
    step: str
    codes: Sequence[str]
    counterparty: str = ""  # credit code
    at: datetime | None = None


def _event(flow: Flow, own: str, index: int) -> dict[str, Any]:
    at = timezone.localtime(flow.at or timezone.now())
    offset = at.strftime("%z")
    me = PARTY_URN + own
    other = PARTY_URN + flow.counterparty if flow.counterparty else None
    event: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:{uuid.uuid4()}",
        "eventTime": at.isoformat(timespec="milliseconds"),
        "eventTimeZoneOffset": f"{offset[:3]}:{offset[3:]}",
        "epcList": [code_uri(c) for c in flow.codes],
        "action": "OBSERVE",
        "bizStep": flow.step,
        "disposition": DISPOSITIONS[flow.step],
        "bizLocation": {"id": me},
    }
    if flow.step == "shipping":
        event["sourceList"] = [{"type": "possessing_party", "source": me}]
        if other:
            event["destinationList"] = [{"type": "possessing_party", "destination": other}]
    elif flow.step == "receiving":
        event["destinationList"] = [{"type": "possessing_party", "destination": me}]
        if other:
            event["sourceList"] = [{"type": "possessing_party", "source": other}]
    return event


def _check(flow: Flow, where: str) -> list[Problem]:
    problems = []
    if flow.step not in STEPS:
        problems.append(
            Problem(
                f"{where}step",
                "invalid_choice",
                _("The step is shipping, receiving or retail_selling."),
            )
        )
    if not flow.codes:
        problems.append(Problem(f"{where}codes", "required", _("Give at least one code.")))
    if flow.counterparty:
        try:
            parse_uscc(flow.counterparty)
        except InvalidIdentifier as exc:
            problems.append(identifier_problem(f"{where}counterparty_credit_code", exc))
    if flow.step == "shipping" and not flow.counterparty:
        problems.append(
            Problem(f"{where}counterparty_credit_code", "required", _("Say whom you ship to."))
        )
    return problems


def report_flows(*, actor: Actor, flows: Iterable[Flow], channel: str = "form") -> CaptureJob:
    """One capture of the flows, each an ObjectEvent with the reporter as party."""
    _member(actor, scopes.CAPTURE)
    own = registry.get_enterprise(actor, actor.enterprise_id or 0).credit_code
    flows = list(flows)
    problems = [
        p for i, f in enumerate(flows) for p in _check(f, f"flows.{i}." if len(flows) > 1 else "")
    ]
    if problems:
        raise DomainError(*problems)
    document_json: dict[str, Any] = {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": timezone.now().isoformat(timespec="milliseconds"),
        "epcisBody": {"eventList": [_event(f, own, i) for i, f in enumerate(flows)]},
    }
    try:
        document: Document = parse_document(document_json)
    except EpcisInvalid as exc:
        raise DomainError(
            *(Problem(f"flows.{p.event}.{p.field}", p.code, p.message) for p in exc.problems)
        ) from None
    return capture(actor=actor, document=document, channel=channel)


def read_flow_sheet(handle: IO[bytes]) -> list[Flow]:
    """Rows of the Excel template: code, step, counterparty credit code, time (optional).
    Rows with the same step, counterparty and time become one event."""
    try:
        sheet = load_workbook(handle, read_only=True, data_only=True).active
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError):
        raise DomainError(
            Problem("file", "not_a_workbook", _("The file is not an Excel workbook."))
        ) from None
    groups: dict[tuple[str, str, datetime | None], list[str]] = defaultdict(list)
    problems: list[Problem] = []
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):  # type: ignore[union-attr]
        if number > MAX_ROWS + 1:
            problems.append(Problem("file", "too_many_rows", _("At most 100,000 rows per file.")))
            break
        cells = [*row, None, None, None, None][:4]
        code, step, counterparty, at = cells
        if not code:
            continue
        when = at if isinstance(at, datetime) else None
        if when is not None and when.tzinfo is None:
            when = timezone.make_aware(when)
        groups[(str(step or "").strip(), str(counterparty or "").strip(), when)].append(str(code))
    if problems:
        raise DomainError(*problems)
    return [
        Flow(step, codes, counterparty, at) for (step, counterparty, at), codes in groups.items()
    ]
