"""The traceability demo: the codes it prints scan with the status they are printed for."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_demo_codes_scan_with_the_status_they_are_printed_for(client, capsys) -> None:
    call_command("demo", scale="small", seed=3)  # imports the demo steps in their order
    capsys.readouterr()
    from zhiliang.tracing.demo_steps import codes_to_try

    codes = codes_to_try()
    assert set(codes) == {"ok", "recalled", "possible_clone", "confirm_receipt"}
    expected = {"ok": "ok", "recalled": "recalled", "possible_clone": "possible_clone",
                "confirm_receipt": "ok"}  # fmt: skip
    for kind, path in codes.items():
        assert path.startswith("/01/") and "/21/" in path
        scanned = client.get("/scan/gs1" + path, HTTP_ACCEPT="application/json")
        assert scanned.status_code == 200, path
        assert scanned.json()["status"] == expected[kind], (kind, scanned.json()["status"])
    call_command("tracing-demo-codes")
    printed = capsys.readouterr().out
    assert all(path in printed for path in codes.values()), printed
