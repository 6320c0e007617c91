"""The demo generator: deterministic, idempotent, valid codes, users for every role."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from zhiliang.accounts.models import User
from zhiliang.accounts.roles import Role
from zhiliang.core import identifiers
from zhiliang.registry.models import CccCertificate, Enterprise, ProductModel


def _snapshot() -> list[tuple[str, str, str]]:
    return list(
        Enterprise.objects.order_by("credit_code").values_list("credit_code", "name", "town__code")
    )


@pytest.mark.both_databases
@pytest.mark.django_db
def test_small_demo_is_valid_and_a_second_run_adds_nothing(capsys) -> None:
    call_command("demo", scale="small", seed=7)
    first = _snapshot()
    counts = (Enterprise.objects.count(), ProductModel.objects.count(), User.objects.count())
    assert counts[0] == 300
    for code, _name, town in first:
        identifiers.parse_uscc(code)
        assert code[2:8] == town[:6]  # registered by the county it sits in
    for gtin in ProductModel.objects.exclude(gtin=None).values_list("gtin", flat=True):
        assert gtin is not None
        assert identifiers.parse_gtin(gtin).gtin14 == gtin and gtin[1:4] in {
            f"69{d}" for d in "0123456789"
        }
    for number in CccCertificate.objects.values_list("number", flat=True)[:50]:
        assert len(number) == 16
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values) - {Role.PUBLIC}

    call_command("demo", scale="small", seed=7)
    assert "already loaded" in capsys.readouterr().out
    assert (
        Enterprise.objects.count(),
        ProductModel.objects.count(),
        User.objects.count(),
    ) == counts
    with pytest.raises(CommandError, match="scale small and seed 7"):
        call_command("demo", scale="small", seed=8)


def _build(tmp_path: Path, name: str, seed: int) -> list[tuple[str, ...]]:
    """Build a small demo in its own SQLite file, as `zhiliang demo` would, and read it back."""
    folder = tmp_path / name
    folder.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "ZHILIANG_VAR_DIR": str(folder),
        "SECRET_KEY": "same-for-both-builds",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    for command in (["migrate", "-v0"], ["demo", "--scale", "small", "--seed", str(seed)]):
        subprocess.run(
            [sys.executable, "-m", "zhiliang.cli", *command],
            env=env,
            check=True,
            capture_output=True,
            cwd=settings.BASE_DIR,
        )
    with sqlite3.connect(folder / "db.sqlite3") as db:
        return db.execute(
            "SELECT e.credit_code, e.name, e.address, m.brand, m.model, m.gtin "
            "FROM registry_enterprise e LEFT JOIN registry_productmodel m "
            "ON m.enterprise_id = e.id ORDER BY e.credit_code, m.model"
        ).fetchall()


def test_the_same_seed_builds_the_same_data(tmp_path) -> None:
    first, again = _build(tmp_path, "a", 3), _build(tmp_path, "b", 3)
    assert first == again and len(first) > 300
    assert _build(tmp_path, "c", 4) != first


@pytest.mark.django_db
def test_demo_tokens_are_printed_again(capsys) -> None:
    call_command("demo", scale="small", seed=1)
    call_command("demo-tokens")
    out = capsys.readouterr().out
    assert "regulator" in out and "zl_demo_" in out
