"""Every change leaves who, when, what, before and after; a refusal leaves only its audit event."""

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from zhiliang.common.models import AuditEvent
from zhiliang.core.identifiers import make_uscc
from zhiliang.registry.models import Enterprise
from zhiliang.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.both_databases

ENTERPRISES = "/api/registry/enterprises"
CREDIT_CODE = make_uscc("9", "1", "330402", "MA000001")


def enterprise_body(**changes: Any) -> dict[str, Any]:
    return {
        "credit_code": CREDIT_CODE,
        "name": "嘉兴市南湖审计电器有限公司",
        "address": "南湖区南湖街道中山路1号",
        "town_code": "330402010",
        "size": "small",
        "roles": ["producer"],
    } | changes


def enterprise_entries() -> Any:
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Enterprise))


def test_an_accepted_registration_records_who_did_it_and_the_new_values(
    api, county_regulator
) -> None:
    response = api.post(ENTERPRISES, enterprise_body(), as_=county_regulator)

    assert response.status_code == 201, response.json()
    enterprise_id = str(response.json()["id"])
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome) == ("registry.enterprise.register", "accepted")
    assert (event.user, event.role) == (county_regulator.user, "regulator")
    assert (event.object_type, event.object_id) == ("registry.enterprise", enterprise_id)
    [entry] = enterprise_entries()
    assert (entry.action, entry.object_pk, entry.actor) == (
        LogEntry.Action.CREATE,
        enterprise_id,
        county_regulator.user,
    )
    assert entry.changes_dict["credit_code"][1] == CREDIT_CODE
    assert entry.changes_dict["address"][1] == "南湖区南湖街道中山路1号"


def test_a_refused_registration_leaves_nothing_but_its_audit_event(api, county_regulator) -> None:
    wrong_check = CREDIT_CODE[:-1] + ("0" if CREDIT_CODE[-1] != "0" else "1")

    response = api.post(ENTERPRISES, enterprise_body(credit_code=wrong_check), as_=county_regulator)

    assert response.status_code == 422
    assert not Enterprise.objects.exists()
    assert not enterprise_entries().exists()
    [event] = AuditEvent.objects.all()
    assert (event.outcome, event.user) == ("refused", county_regulator.user)
    assert event.detail["status"] == 422
    assert [(p["field"], p["code"]) for p in event.detail["problems"]] == [
        (p["field"], p["code"]) for p in response.json()["errors"]
    ]
    assert "credit_code" in {p["field"] for p in event.detail["problems"]}


def admin_client(person: Any) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def form_data(response: Any) -> dict[str, Any]:
    """What a browser would send back from an admin change form it was shown, unchanged."""
    form = response.context["adminform"].form
    data = {
        name: form[name].value() for name in form.fields if form[name].value() not in (None, False)
    }
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {
            f"{inline.formset.prefix}-{name}": management[name].value()
            for name in management.fields
        }
    return data


def test_an_admin_edit_records_the_admin_and_the_address_before_and_after(admin_user) -> None:
    enterprise = EnterpriseFactory.create(address="南湖区南湖街道中山路1号")
    client = admin_client(admin_user)
    page = reverse("admin:registry_enterprise_change", args=[enterprise.pk])

    response = client.post(page, form_data(client.get(page)) | {"address": "南湖区七星街道1号"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = enterprise_entries().filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == admin_user.user
    assert entry.changes_dict == {"address": ["南湖区南湖街道中山路1号", "南湖区七星街道1号"]}


def test_nobody_edits_or_deletes_an_audit_event_not_even_an_admin(
    api, county_regulator, admin_user
) -> None:
    api.post(ENTERPRISES, enterprise_body(), as_=county_regulator)
    event = AuditEvent.objects.get()
    client = admin_client(admin_user)
    change = reverse("admin:common_auditevent_change", args=[event.pk])

    assert client.get(reverse("admin:common_auditevent_changelist")).status_code == 200
    assert client.post(change, {"action": "tampered"}).status_code == 403
    assert (
        client.post(reverse("admin:common_auditevent_delete", args=[event.pk])).status_code == 403
    )
    event.refresh_from_db()
    assert event.action == "registry.enterprise.register"
