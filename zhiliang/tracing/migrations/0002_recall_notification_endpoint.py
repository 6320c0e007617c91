"""The outbox endpoint recall notices go to: created inactive, because the address of the
notification gateway (SMS, the national platform, enterprises' systems) is a deployment fact. An
administrator sets its URL and secret and activates it; notices queued before then wait."""

import secrets

from django.db import migrations

NAME = "tracing-recalls"


def create(apps, schema_editor):
    Endpoint = apps.get_model("common", "OutboxEndpoint")
    Endpoint.objects.get_or_create(
        name=NAME,
        defaults={
            "url": "https://notifications.invalid/recalls",
            "secret": secrets.token_urlsafe(32),
            "active": False,
            "description": "Recall notices to every holder (set the gateway URL, then activate)",
        },
    )


def remove(apps, schema_editor):
    apps.get_model("common", "OutboxEndpoint").objects.filter(name=NAME, messages=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("common", "0001_audit_idempotency_outbox"),
        ("tracing", "0001_codes_events_captures_scans_recalls"),
    ]

    operations = [migrations.RunPython(create, remove)]
