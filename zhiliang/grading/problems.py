"""Turn the core's refusals into translated Problems: stable codes for programs, one sentence
for people. Details (the earned grade, the standard in force …) fill the sentence and are also
returned as they are, so a program can offer the earned grade without parsing text."""

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhiliang.common.errors import Problem
from zhiliang.core.grading.declaration import Refusal
from zhiliang.core.grading.evidence import Fault

REASONS: Mapping[str, Promise] = {
    # declarations (G4)
    "product_not_in_catalogue": _("This product is not in the grading catalogue today."),
    "no_standard_in_force": _("No grading standard is in force for this product today."),
    "standard_not_in_force": _(
        "This is not the grading standard in force for this product; it is %(in_force)s."
    ),
    "standard_superseded": _(
        "This standard has been superseded; the standard in force is %(in_force)s."
    ),
    "evidence_required": _("Cite at least one test report or certificate."),
    "unknown_evidence": _("No such test report or certificate."),
    "evidence_other_model": _("This evidence is about another product model."),
    "evidence_unsigned": _(
        "This evidence is not signed with its body's registered key, or the signature fails."
    ),
    "evidence_revoked": _("This evidence was revoked by the body that issued it."),
    "body_not_accredited": _(
        "The body that issued this evidence is not accredited for this product."
    ),
    "evidence_expired": _(
        "This evidence is one year old or more (issued %(issued_on)s), or its certificate lapsed."
    ),
    "evidence_other_standard": _(
        "This evidence was made against %(standard)s, not the standard in force."
    ),
    "not_conforming": _(
        "This evidence finds the product non-conforming to its product standard or a "
        "mandatory national standard."
    ),
    "conformity_missing": _(
        "No evidence states that the product conforms to its product standard and the "
        "mandatory national standards."
    ),
    "indicator_missing": _("No measured value for the indicators %(missing)s."),
    "no_grade_earned": _("The measured values do not reach grade A."),
    "grade_above_earned": _(
        "The evidence supports grade %(earned)s at most; you may declare %(earned)s or lower."
    ),
    "role_not_allowed": _("Only members of the producing enterprise declare its grades."),
    "not_renewable": _(
        "Only a valid, expired or suspended record of the same model can be renewed."
    ),
    # signed evidence
    "unknown_format": _("The format is not zhiliang.lab-report/1 or zhiliang.certificate/1."),
    "required": _("This field is required."),
    "bad_text": _("Text of 1 to 80 characters without control characters."),
    "bad_id": _("A positive whole number (the platform's id)."),
    "bad_date": _("A date as YYYY-MM-DD."),
    "after_report_date": _("The sample date is after the report date."),
    "before_issue": _("The certificate expires before it was issued."),
    "bad_measurements": _("Measured values are an object of indicator keys and values."),
    "bad_indicator_key": _("Indicator keys are lower-case letters, digits and underscores."),
    "bad_value": _("A measured value is a decimal number in a string, or pass or fail."),
    "bad_flag": _("true, false or null."),
    "bad_conformity": _("Conformity is an object with product_standard and mandatory_standards."),
    "bad_grade": _("A grade is one of AAAAA, AAAA, AAA, AA, A."),
    "not_your_lab": _("You may submit only what your own body signed."),
    "not_a_lab": _("This body is not registered as a testing laboratory."),
    "not_a_certification_body": _("This body is not registered as a certification body."),
    "no_public_key": _("The body has no registered public key; ask an administrator."),
    "signature_invalid": _("The signature does not verify with the body's registered key."),
    "accreditation_expired": _("The body's accreditation had lapsed on the report date."),
    "unknown_standard": _("No grading standard of this product has this number."),
    "unknown_indicator": _("The standard has no indicator %(key)s."),
    "in_future": _("This date is in the future."),
    "already_registered": _("This body already registered evidence with this number."),
    "already_revoked": _("This evidence is already revoked."),
    "not_a_workbook": _("The file is not an Excel workbook (.xlsx)."),
    "no_signature_column": _("The sheet has no signature column; sign it with zhiliang lab sign."),
    # standards and catalogue (G1, G2)
    "same_level_overlap": _(
        "%(other)s is already the %(level)s standard of this product in this period; "
        "a product has one standard per level at a time."
    ),
    "ends_before_start": _("The end date is before the start date."),
    "unknown_level": _("The level is national, industry or group."),
    "rules_invalid": _("The rule set is not valid: %(message)s"),
    "standard_mismatch": _("The rule set names another standard number."),
    "catalogue_overlap": _("The product is already in the catalogue in this period."),
    # labels and supervision (G5, G6)
    "record_not_valid": _("Labels are issued only for valid grading records."),
    "case_closed": _("This case is already decided."),
    "not_a_regulator": _("Only regulators open inspections and cases."),
    "nothing_to_inspect": _("Name the grading record or scan the label's QR code."),
    "photo_too_large": _("A photo is at most 5 MB."),
    "photo_type": _("Photos are JPEG or PNG images."),
    "measured_not_lower": _("The spot check does not show a lower grade."),
}


def _reason(code: str, detail: Mapping[str, str]) -> str:
    template = REASONS.get(code)
    if template is None:
        return code
    try:
        return str(template) % dict(detail)
    except (KeyError, ValueError, TypeError):
        return str(template)


def problem(field: str, code: str, **detail: str) -> Problem:
    return Problem(field, code, _reason(code, detail), dict(detail))


def problem_for(refusal: Refusal | Fault) -> Problem:
    return Problem(
        refusal.field, refusal.code, _reason(refusal.code, refusal.detail), dict(refusal.detail)
    )
