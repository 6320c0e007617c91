"""The public facts of the registry, as they go into the ledger.

Only what the national enterprise credit publicity system would show: never a member account,
a legal representative's details beyond the name, or anything a selector hides from the public.
"""

from typing import Any

from zhiliang.registry.models import (
    CccCertificate,
    Enterprise,
    ProductionLicence,
    TestingBody,
)

ENTERPRISE = "registry.enterprise"
LICENCE = "registry.licence"
CCC_CERTIFICATE = "registry.ccc_certificate"
TESTING_BODY = "registry.testing_body"


def enterprise_fact(e: Enterprise) -> dict[str, Any]:
    return {
        "credit_code": e.credit_code,
        "name": e.name,
        "town_code": e.town.code,
        "roles": e.roles,
    }


def licence_fact(licence: ProductionLicence, credit_code: str) -> dict[str, Any]:
    return {
        "credit_code": credit_code,
        "number": licence.number,
        "product": licence.product.code if licence.product else None,
        "issued_on": licence.issued_on.isoformat(),
        "valid_until": licence.valid_until.isoformat(),
        "status": licence.status,
    }


def ccc_fact(certificate: CccCertificate, credit_code: str) -> dict[str, Any]:
    return {
        "credit_code": credit_code,
        "number": certificate.number,
        "product": certificate.product.code if certificate.product else None,
        "issued_on": certificate.issued_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "status": certificate.status,
    }


def testing_body_fact(body: TestingBody, scope: list[str]) -> dict[str, Any]:
    return {
        "credit_code": body.credit_code,
        "name": body.name,
        "cma_number": body.cma_number,
        "cnas_number": body.cnas_number,
        "accredited_until": body.accredited_until.isoformat(),
        "public_key": body.public_key,
        "scope": sorted(scope),
    }
