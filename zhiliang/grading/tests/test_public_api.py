"""The public JSON API (G3, G5, G7): records for 质量分级专区, the label check done online, the
key to check labels offline, signed quality profiles for banks, and Excel exports."""

import base64
import io
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from openpyxl import load_workbook

from zhiliang.accounts.actors import actor_for_user
from zhiliang.core.grading.evidence import signing_bytes
from zhiliang.grading import services
from zhiliang.grading.presenters import qr_url
from zhiliang.ledger import services as ledger
from zhiliang.registry.tests.factories import ProductModelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def declare(producer, world, report):
    def make(grade="AAA", model=None, earns=None):
        model = model or world.model
        evidence = report(earns=earns or grade)
        evidence.product_model = model
        evidence.save()
        return services.declare_grade(
            actor=actor_for_user(producer.user),
            product_model_id=model.pk,
            grade=grade,
            evidence_ids=[evidence.pk],
        )

    return make


def test_records_are_listed_with_the_published_fields(api, declare) -> None:
    record = declare("AAAA")
    ledger.sequence()
    body = api.get("/api/grading/records").json()
    assert body["count"] == 1
    [item] = body["items"]
    assert set(item) == {
        "id",
        "product",
        "model",
        "enterprise",
        "grade",
        "standard",
        "valid_until",
        "status",
        "qr_url",
        "label_svg_url",
        "label_png_url",
        "label_pdf_url",
        "ledger_index",
    }
    assert (item["id"], item["grade"], item["status"]) == (record.pk, "AAAA", "valid")
    assert isinstance(item["ledger_index"], int)


def test_records_filter_by_product_enterprise_grade_status_and_region(
    api, declare, world, producer
) -> None:
    declare("AAAA")
    other = ProductModelFactory(enterprise=producer.enterprise, product=world.product)
    declare("A", model=other, earns="A")
    get = lambda **q: api.get("/api/grading/records", **q).json()["count"]  # noqa: E731
    assert get() == 2
    assert get(grade="A") == 1
    assert get(product=world.product.code) == 2 and get(product=str(world.product.pk)) == 2
    assert get(enterprise=producer.enterprise.pk) == 2
    assert get(status="valid") == 2 and get(status="revoked") == 0
    assert get(region="330402") == 2 and get(region="330483") == 0
    page = api.get("/api/grading/records", limit=1).json()
    assert (page["count"], len(page["items"])) == (2, 1)


def test_the_list_costs_a_fixed_number_of_queries(
    api, declare, django_assert_max_num_queries
) -> None:
    for _ in range(3):
        declare("AAA")
    with django_assert_max_num_queries(4):
        assert api.get("/api/grading/records").json()["count"] == 3


def test_verify_says_genuine_for_a_label_of_a_valid_record(api, declare) -> None:
    record = declare("AAA")
    body = api.get("/api/grading/verify", qr=qr_url(record)).json()
    assert body["verdict"] == "genuine"
    assert body["signature_valid"] and body["matches_record"] and body["status"] == "valid"
    assert body["record"]["id"] == record.pk


@pytest.mark.parametrize(
    ("change", "verdict"),
    [
        (lambda url: url.replace("g=AAA&", "g=AAAAA&"), "forged"),
        (lambda url: url.replace("/grading/r/", "/grading/r/9"), "forged"),
        (lambda url: url.split("&sig=")[0], "forged"),
        (lambda url: "https://elsewhere.example/x?g=A&s=S&e=2030-01-01&sig=" + "A" * 86, "forged"),
    ],
)
def test_verify_catches_forged_labels(api, declare, change, verdict) -> None:
    body = api.get("/api/grading/verify", qr=change(qr_url(declare("AAA")))).json()
    assert body["verdict"] == verdict and not body["signature_valid"]


def test_verify_reports_a_genuine_label_of_a_record_no_longer_valid(api, declare) -> None:
    record = declare("AAA")
    record.status = "suspended"
    record.save()
    body = api.get("/api/grading/verify", qr=qr_url(record)).json()
    assert (body["verdict"], body["status"], body["signature_valid"]) == (
        "not_valid",
        "suspended",
        True,
    )


def test_the_label_key_verifies_labels_offline(api, declare) -> None:
    from zhiliang.core.grading.labels import verify_label

    key = base64.b64decode(api.get("/api/grading/label-key").json()["public_key_base64"])
    assert verify_label(qr_url(declare("AAA")), key).signature_valid


def test_a_bank_gets_a_signed_quality_profile(api, declare, producer) -> None:
    declare("AAAA")
    body = api.get(f"/api/grading/enterprises/{producer.enterprise.pk}/profile").json()
    profile = body["profile"]
    assert profile["enterprise"]["credit_code"] == producer.enterprise.credit_code
    assert [r["grade"] for r in profile["records"]] == ["AAAA"]
    assert profile["records"][0]["evidence_dates"]
    key = base64.b64decode(api.get("/api/grading/label-key").json()["public_key_base64"])
    signature = base64.urlsafe_b64decode(body["signature"] + "==")
    Ed25519PublicKey.from_public_bytes(key).verify(signature, signing_bytes(profile))


def test_catalogue_standards_rules_and_schema_are_public(api, world) -> None:
    assert [e["product_code"] for e in api.get("/api/grading/catalogue").json()] == [
        world.product.code
    ]
    assert api.get("/api/grading/catalogue", on="2020-01-01").json() == []
    [standard] = api.get("/api/grading/standards").json()
    rules = api.get(f"/api/grading/standards/{standard['id']}/rules").json()
    assert rules["standard"] == standard["number"]
    schema = api.get("/api/grading/rule-set-schema").json()
    assert schema["$schema"].startswith("https://json-schema.org/draft/2020-12")
    assert api.get("/api/grading/standards/999999").status_code == 404


def test_public_lists_export_to_excel(client, declare) -> None:
    declare("AAA")
    for path in (
        "/grading/?format=xlsx",
        "/grading/catalogue/?format=xlsx",
        "/grading/standards/?format=xlsx",
        "/grading/exposures/?format=xlsx",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        sheet: Any = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        assert sheet.max_row >= 1
    records: Any = load_workbook(
        io.BytesIO(b"".join(client.get("/grading/?format=xlsx").streaming_content))
    ).active
    assert records.max_row == 2 and records.cell(2, 6).value == "AAA"


def test_the_enterprise_grading_page_lists_its_records(client, declare, producer) -> None:
    record = declare("AA")
    page = client.get(f"/grading/enterprises/{producer.enterprise.pk}/").content.decode()
    assert record.product_model.model in page
