"""The demo generator's grading steps: records in every state, signed by the demo labs."""

import io
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from zhiliang.core.grading import evidence as signed
from zhiliang.grading.models import Declaration, Evidence, Exposure

pytestmark = pytest.mark.django_db


def test_the_small_demo_has_records_in_every_state_and_signed_reports() -> None:
    call_command(
        "demo", "--scale", "small", "--seed", "1", stdout=io.StringIO(), stderr=io.StringIO()
    )
    today = timezone.localdate()
    states = Counter(r.status_on(today) for r in Declaration.objects.all())
    assert {"valid", "expired", "suspended", "revoked"} <= set(states)
    soon = Declaration.objects.filter(
        valid_until__gte=today, valid_until__lte=today + timedelta(days=30)
    )
    assert soon.exists()
    assert Exposure.objects.filter(kind="grade_above_earned").count() == 1
    for evidence in Evidence.objects.select_related("body"):
        assert signed.verify(evidence.body.public_key, evidence.payload, evidence.signature)
    producer = Declaration.objects.filter(enterprise__members__username="producer")
    assert producer.exists()
    out = io.StringIO()
    lab = Evidence.objects.first().body.name  # type: ignore[union-attr]
    call_command("lab", "demo-key", "--lab", lab, stdout=out)
    assert len(out.getvalue().strip()) == 44
