"""The grading app's tables: catalogue, standards and rule sets, evidence, records, supervision."""

from zhiliang.grading.models.catalogue import (
    CatalogueEntry,
    GradingStandard,
    Policy,
    RuleSetVersion,
    StandardLevel,
)
from zhiliang.grading.models.evidence import Evidence, EvidenceKind
from zhiliang.grading.models.records import Declaration, Notice, RecordStatus
from zhiliang.grading.models.supervision import (
    Case,
    CaseSource,
    CaseStatus,
    Exposure,
    Finding,
    Inspection,
    LabelCheckResult,
    Photo,
    PlaceKind,
    ViolationKind,
)

__all__ = [
    "Case",
    "CaseSource",
    "CaseStatus",
    "CatalogueEntry",
    "Declaration",
    "Evidence",
    "EvidenceKind",
    "Exposure",
    "Finding",
    "GradingStandard",
    "Inspection",
    "LabelCheckResult",
    "Notice",
    "Photo",
    "PlaceKind",
    "Policy",
    "RecordStatus",
    "RuleSetVersion",
    "StandardLevel",
    "ViolationKind",
]
