"""The ledger in the back office is read-only, for administrators too."""

import pytest

from zhiliang.ledger.models import Checkpoint, Leaf

pytestmark = [pytest.mark.both_databases, pytest.mark.django_db]


def test_an_administrator_reads_entries_and_checkpoints_but_changes_nothing(
    client, admin_user, facts
) -> None:
    facts(3)
    client.force_login(admin_user.user)

    listing = client.get("/admin/ledger/leaf/")
    assert listing.status_code == 200
    assert "test.fact" in listing.content.decode()
    assert client.get("/admin/ledger/leaf/1/change/").status_code == 200
    assert client.get("/admin/ledger/checkpoint/").status_code == 200
    assert client.get("/admin/ledger/leaf/add/").status_code == 403
    assert client.post("/admin/ledger/leaf/1/delete/", {"post": "yes"}).status_code == 403
    assert client.post("/admin/ledger/checkpoint/1/delete/", {"post": "yes"}).status_code == 403
    assert Leaf.objects.count() == 3 and Checkpoint.objects.count() == 1
