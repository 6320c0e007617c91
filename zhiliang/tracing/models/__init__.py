"""The traceability tables: codes and their batches, EPCIS events and capture jobs, scans, recalls,
production reports and the GS1 company prefixes that tie parties to enterprises.

Codes are the one table that grows to billions of rows (T2: every unit of every catalogue
product), so it is keyed for that: a code's primary key is derived from its scheme and canonical
value (``code_key``), which makes a scan one primary-key lookup with no second index, makes a code
unique per scheme by construction, and spreads rows evenly so the table can be hash-partitioned
or distributed by that key (docs/tracing.md). The event-to-code link table leads with the same key.
"""

from zhiliang.tracing.models.codes import (
    CodeBatch,
    CodeOrigin,
    CompanyPrefix,
    CustodyState,
    SerialCounter,
    TraceCode,
    code_key,
    code_key_text,
)
from zhiliang.tracing.models.events import CaptureJob, EventCode, EventRole, TraceEvent
from zhiliang.tracing.models.recalls import Recall, RecallNotice, RecallStatus
from zhiliang.tracing.models.reports import ProductionReport, Scan, ScanVerdict

__all__ = [
    "CaptureJob",
    "CodeBatch",
    "CodeOrigin",
    "CompanyPrefix",
    "CustodyState",
    "EventCode",
    "EventRole",
    "ProductionReport",
    "Recall",
    "RecallNotice",
    "RecallStatus",
    "Scan",
    "ScanVerdict",
    "SerialCounter",
    "TraceCode",
    "TraceEvent",
    "code_key",
    "code_key_text",
]
