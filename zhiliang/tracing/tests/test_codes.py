"""Source coding: issuing and registering codes in the four schemes, uniqueness, print files."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiliang.core.tracing.codes import identity_issuer, make_identity_code, parse_identity_code
from zhiliang.ledger.models import PendingEntry
from zhiliang.registry.tests.factories import CccCertificateFactory, ProductModelFactory
from zhiliang.tracing.models import CodeBatch, TraceCode, code_key, code_key_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def model(producer):
    return ProductModelFactory(enterprise=producer.enterprise)


def issue(api, person, **body):
    return api.post("/api/tracing/code-batches", body, as_=person)


def register(api, person, model_id, scheme, text, **params):
    query = "&".join(
        f"{k}={v}" for k, v in {"product_model_id": model_id, "scheme": scheme, **params}.items()
    )
    return api.client.post(
        f"/api/tracing/code-batches/registrations?{query}",
        text,
        content_type="text/plain",
        headers={"Authorization": f"Bearer {person.token}"},
    )


def test_a_producer_issues_gs1_codes_under_its_gtin(api, producer, model) -> None:
    response = issue(api, producer, product_model_id=model.pk, scheme="gs1", count=5, lot="L2025A")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["count"] == 5 and body["codes_url"].endswith("/codes")
    values = sorted(TraceCode.objects.values_list("value", flat=True))
    assert values[0] == f"/01/{model.gtin}/21/0000000001" and len(set(values)) == 5
    entry = PendingEntry.objects.order_by("pk").last()
    assert entry is not None and json.loads(entry.entry)["body"]["count"] == 5
    again = issue(api, producer, product_model_id=model.pk, scheme="gs1", count=3)
    assert again.status_code == 201
    assert TraceCode.objects.filter(value__endswith="/21/0000000006").exists()  # never reused


def test_digital_identity_codes_check_and_name_their_issuer(api, producer, model) -> None:
    assert issue(api, producer, product_model_id=model.pk, scheme="dic", count=3).status_code == 201
    for value in TraceCode.objects.values_list("value", flat=True):
        assert parse_identity_code(value) == value
        assert identity_issuer(value) == producer.enterprise.pk


def test_ccc_codes_need_a_valid_certificate_for_the_product(api, producer, model) -> None:
    refused = issue(api, producer, product_model_id=model.pk, scheme="ccc", count=2)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "no_valid_certificate"
    CccCertificateFactory(enterprise=producer.enterprise, product=model.product)
    assert issue(api, producer, product_model_id=model.pk, scheme="ccc", count=2).status_code == 201


def test_ecodes_are_registered_not_issued(api, producer, model) -> None:
    assert (
        issue(api, producer, product_model_id=model.pk, scheme="ecode", count=2).status_code == 422
    )
    response = register(api, producer, model.pk, "ecode", "10001ABC0001\n10001ABC0002\n")
    assert response.status_code == 201 and response.json()["count"] == 2


def test_an_outsider_cannot_code_another_enterprises_model(api, outsider, model) -> None:
    assert issue(api, outsider, product_model_id=model.pk, scheme="gs1", count=1).status_code == 404
    assert not TraceCode.objects.exists()


def test_registering_streams_lines_and_refuses_a_bad_one_naming_it(api, producer, model) -> None:
    lines = "code\nA1\nA2\n" + f"https://x.example/01/{model.gtin}/21/A3\n"
    ok = register(api, producer, model.pk, "gs1", lines)
    assert ok.status_code == 201 and ok.json()["count"] == 3
    bad_gtin = model.gtin[:-1] + str((int(model.gtin[-1]) + 1) % 10)
    refused = register(
        api, producer, model.pk, "gs1", f"B1\nhttps://x.example/01/{bad_gtin}/21/B2\n"
    )
    assert refused.status_code == 422
    problem = refused.json()["errors"][0]
    assert (problem["field"], problem["code"]) == ("line.2", "bad_check_digit")
    assert TraceCode.objects.count() == 3


def test_a_registration_stops_at_the_batch_limit_naming_the_line(
    api, producer, model, monkeypatch
) -> None:
    from zhiliang.tracing.services import codes

    monkeypatch.setattr(codes, "MAX_BATCH", 2)
    refused = register(api, producer, model.pk, "gs1", "code\nA1\nA2\nA3\nA4\n")
    assert refused.status_code == 422
    problem = refused.json()["errors"][0]
    assert (problem["field"], problem["code"]) == ("line.4", "too_many_codes")
    assert not TraceCode.objects.exists()


def test_a_code_is_unique_per_scheme_and_never_registered_twice(api, producer, model) -> None:
    register(api, producer, model.pk, "gs1", "A1\nA2\n")
    taken = register(api, producer, model.pk, "gs1", "A3\nA2\n")
    assert taken.status_code == 409
    assert taken.json()["errors"][0]["field"] == "line.2"
    twice = register(api, producer, model.pk, "gs1", "C1\nC1\n")
    assert twice.status_code == 409
    assert TraceCode.objects.count() == 2 and CodeBatch.objects.count() == 1


def test_issuing_skips_serials_a_producers_own_system_took_first(api, producer, model) -> None:
    assert register(api, producer, model.pk, "gs1", "0000000002\n0000000003\n").status_code == 201
    assert issue(api, producer, product_model_id=model.pk, scheme="gs1", count=3).status_code == 201
    issued = TraceCode.objects.filter(origin="issued").values_list("value", flat=True)
    assert sorted(v.rsplit("/", 1)[1] for v in issued) == ["0000000001", "0000000004", "0000000005"]
    assert issue(api, producer, product_model_id=model.pk, scheme="gs1", count=1).status_code == 201
    assert TraceCode.objects.filter(value__endswith="/21/0000000006").exists()


def test_a_retried_issue_with_the_same_key_is_not_issued_twice(api, producer, model) -> None:
    body = {"product_model_id": model.pk, "scheme": "gs1", "count": 4}
    headers = {"Idempotency-Key": "batch-1"}
    first = api.post("/api/tracing/code-batches", body, as_=producer, headers=headers)
    second = api.post("/api/tracing/code-batches", body, as_=producer, headers=headers)
    assert first.json()["id"] == second.json()["id"] and TraceCode.objects.count() == 4


def test_print_files_stream_every_code_with_its_qr_content(api, producer, model, client) -> None:
    batch = issue(api, producer, product_model_id=model.pk, scheme="gs1", count=3, lot="L9").json()
    csv = api.get(batch["codes_url"], as_=producer)
    assert csv.status_code == 200
    rows = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
    assert rows[0] == "code,qr_content,text" and len(rows) == 4
    assert rows[1].split(",")[1].endswith(f"/01/{model.gtin}/10/L9/21/0000000001")
    client.force_login(producer.user)
    pdf = client.get(batch["labels_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_codes_resolve_by_their_own_short_paths(api, producer, model) -> None:
    issue(api, producer, product_model_id=model.pk, scheme="dic", count=1)
    value = TraceCode.objects.get().value
    assert api.client.get(f"/i/{value}", HTTP_ACCEPT="application/json").json()["status"] == "ok"
    wrong = value[:-1] + ("0" if value[-1] != "0" else "1")
    malformed = api.client.get(f"/i/{wrong}", HTTP_ACCEPT="application/json")
    assert malformed.status_code == 400
    assert malformed.json()["errors"][0]["code"] == "bad_check_char"
    unknown = make_identity_code(999_999, 1)
    assert (
        api.client.get(f"/i/{unknown}", HTTP_ACCEPT="application/json").json()["status"]
        == "unknown"
    )


@given(st.sampled_from(["gs1", "ecode", "dic", "ccc", "uri"]), st.text(max_size=40))
def test_a_codes_key_as_text_is_the_text_of_its_key(scheme: str, value: str) -> None:
    assert code_key_text(scheme, value) == str(code_key(scheme, value))
