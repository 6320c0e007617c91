"""``zhiliang lab sign``: what a lab signs offline, the platform accepts (JSON and Excel)."""

import base64
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from zhiliang.core.grading import evidence as signed
from zhiliang.grading import workbook
from zhiliang.grading.models import Evidence
from zhiliang.grading.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "lab.key"
    path.write_text(base64.b64encode(b"\x11" * 32).decode())  # factories.LAB_KEY's seed
    return path


def test_a_report_signed_by_the_command_is_accepted(
    api, lab_staff, world, key_file, tmp_path
) -> None:
    payload = factories.report_payload(world.lab, world.model, world.standard.number)
    source = tmp_path / "report.json"
    source.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("lab", "sign", str(source), "--key", str(key_file), stdout=out)
    body = json.loads(out.getvalue())
    assert signed.verify(world.lab.public_key, body["report"], body["signature"])
    assert api.post("/api/lab/reports", body, as_=lab_staff).status_code == 201


def test_a_signed_sheet_imports_row_by_row(api, lab_staff, world, key_file, tmp_path) -> None:
    sheet_path = tmp_path / "reports.xlsx"
    sheet_path.write_bytes(workbook.template(["efficiency", "capacity"]))
    book = load_workbook(sheet_path)
    sheet = book.active
    assert sheet is not None
    for n, efficiency in enumerate((86, 88.5), start=1):
        sheet.append(
            [
                f"X-{n}",
                world.model.pk,
                world.standard.number,
                "2026-10-01",
                "2026-10-20",
                "合格",
                "合格",
                None,
                efficiency,
                100,
            ]
        )
    sheet.append(
        ["X-3", 999999, world.standard.number, None, "2026-10-20", "yes", "yes", None, 80, 100]
    )
    book.save(sheet_path)

    call_command(
        "lab",
        "sign",
        "--key",
        str(key_file),
        "--lab",
        world.lab.credit_code,
        "--xlsx",
        str(sheet_path),
        stdout=io.StringIO(),
    )
    with sheet_path.open("rb") as handle:
        response = api.client.post(
            "/api/lab/reports/import",
            {"file": handle},
            headers={"Authorization": f"Bearer {lab_staff.token}"},
        )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["accepted"], body["refused"]) == (2, 1)
    assert body["rows"][2]["errors"][0]["code"] == "not_found"
    assert sorted(e.measurements["efficiency"] for e in Evidence.objects.all()) == ["86", "88.5"]


def test_an_unsigned_sheet_is_refused(api, lab_staff, world, tmp_path) -> None:
    response = api.client.post(
        "/api/lab/reports/import",
        {"file": io.BytesIO(b"not a workbook")},
        headers={"Authorization": f"Bearer {lab_staff.token}"},
    )
    assert response.status_code in (422, 400)


def test_a_bad_key_file_is_one_line_on_stderr(tmp_path) -> None:
    bad = tmp_path / "bad.key"
    bad.write_text("not base64!")
    with pytest.raises(CommandError, match="key"):
        call_command("lab", "sign", "x.json", "--key", str(bad))


def test_keygen_prints_a_usable_pair() -> None:
    out = io.StringIO()
    call_command("lab", "keygen", stdout=out)
    assert "public key" in out.getvalue()


def test_the_reference_command_loads_once(regions) -> None:
    from zhiliang.registry import reference

    reference.load_catalogue()
    out = io.StringIO()
    call_command("load_grading_reference", stdout=out)
    call_command("load_grading_reference", stdout=out)
    assert out.getvalue().splitlines()[1].startswith("catalogue entries 0, standards 0")
