"""The grading pages as people reach them: public pages for anyone, consoles for their role and
a 404 for everyone else."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pyzbar.pyzbar import decode

from zhiliang.grading import services
from zhiliang.grading.tests import factories
from zhiliang.ledger import services as ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(producer, world, report):
    from zhiliang.accounts.actors import actor_for_user

    evidence = report(earns="AAAA")
    return services.declare_grade(
        actor=actor_for_user(producer.user),
        product_model_id=world.model.pk,
        grade="AAAA",
        evidence_ids=[evidence.pk],
    )


PUBLIC = [
    "/grading/",
    "/grading/catalogue/",
    "/grading/standards/",
    "/grading/policies/",
    "/grading/exposures/",
    "/grading/rule-set.schema.json",
]


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_open_for_anyone(client, world, path) -> None:
    response = client.get(path)
    assert response.status_code == 200


def test_the_standard_page_shows_rules_and_marks_illustrative_values(client, world) -> None:
    world.standard.illustrative = True
    world.standard.save()
    page = client.get(f"/grading/standards/{world.standard.pk}/").content.decode()
    assert world.standard.number in page and "转换效率" in page
    assert 'data-testid="illustrative"' in page
    rules = client.get(f"/grading/standards/{world.standard.pk}/rules.json")
    assert rules.json()["standard"] == world.standard.number


def test_the_scan_page_shows_grade_status_check_and_proof(client, record) -> None:
    ledger.sequence()
    from zhiliang.grading.presenters import qr_url

    url = qr_url(record).replace("https://zl.example.gov.cn", "")
    page = client.get(url).content.decode()
    assert 'data-testid="grade">AAAA<' in page
    assert 'data-testid="status">有效<' in page or 'data-testid="status">Valid<' in page
    assert 'data-verdict="genuine"' in page
    assert "proof-verified" in page


@pytest.mark.parametrize("kind", ["svg", "png", "pdf"])
def test_labels_download_for_valid_records(client, record, kind) -> None:
    response = client.get(f"/grading/r/{record.pk}/label.{kind}")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{kind}"')


def test_a_suspended_record_gets_no_label(client, record) -> None:
    record.status = "suspended"
    record.save()
    assert client.get(f"/grading/r/{record.pk}/label.png").status_code == 409


def test_the_png_label_decodes_to_the_signed_url(client, record) -> None:
    import io

    from PIL import Image

    from zhiliang.core.grading.labels import verify_label
    from zhiliang.grading import signing

    png = client.get(f"/grading/r/{record.pk}/label.png").content
    image = Image.open(io.BytesIO(png))
    assert image.info["dpi"][0] == pytest.approx(600, abs=1)
    [symbol] = decode(image.convert("L"))
    url = symbol.data.decode()
    check = verify_label(url, signing.public_key())
    assert check.signature_valid and check.claim.grade == "AAAA"


def test_unknown_records_are_404(client, world) -> None:
    assert client.get("/grading/r/999999").status_code == 404
    assert client.get("/grading/r/999999/label.svg").status_code == 404


CONSOLES = {
    "/grading/console/declare/": "producer",
    "/grading/console/lab/": "lab_staff",
    "/grading/console/supervision/": "county_regulator",
}


@pytest.mark.parametrize(("path", "owner"), CONSOLES.items())
def test_each_console_opens_for_its_role_and_is_404_for_outsiders(
    request, client, world, path, owner, outsider
) -> None:
    person = request.getfixturevalue(owner)
    client.force_login(person.user)
    assert client.get(path).status_code == 200
    client.force_login(outsider.user)
    assert client.get(path).status_code in (404, 200 if owner == "producer" else 404)


def test_the_records_console_lists_only_own_records_and_exports(
    client, producer, outsider, record
) -> None:
    client.force_login(producer.user)
    page = client.get("/grading/console/records/").content.decode()
    assert record.product_model.model in page
    export = client.get("/grading/console/records/?format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(outsider.user)
    assert (
        record.product_model.model not in client.get("/grading/console/records/").content.decode()
    )


def test_evidence_older_than_a_year_is_shown_with_the_date(world) -> None:
    old = factories.signed_report(
        world.lab,
        world.model,
        world.standard.number,
        report_date=timezone.localdate() - timedelta(days=400),
    )
    assert old.issued_on < timezone.localdate()
