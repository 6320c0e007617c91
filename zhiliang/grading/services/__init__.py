"""Every write of the grading app: checks first, then one transaction with the fact, its ledger
entry, its audit record and its outbound messages."""

from zhiliang.grading.services.declarations import (
    declare_grade,
    send_expiry_reminders,
)
from zhiliang.grading.services.evidence import (
    ImportedRow,
    import_workbook,
    revoke_evidence,
    submit_evidence,
)
from zhiliang.grading.services.standards import load_reference
from zhiliang.grading.services.supervision import (
    PhotoUpload,
    confirm_violation,
    dismiss_case,
    open_case,
    open_inspection,
    recheck_from_spot_check,
    record_finding,
)

__all__ = [
    "ImportedRow",
    "PhotoUpload",
    "confirm_violation",
    "declare_grade",
    "dismiss_case",
    "import_workbook",
    "load_reference",
    "open_case",
    "open_inspection",
    "recheck_from_spot_check",
    "record_finding",
    "revoke_evidence",
    "send_expiry_reminders",
    "submit_evidence",
]
