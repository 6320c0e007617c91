"""The identifiers package as a whole: no Django, and a refusal that behaves like a value."""

import subprocess
import sys

import pytest

from zhiliang.core.identifiers import InvalidIdentifier, parse_uscc
from zhiliang.core.tests.shared import REPO_ROOT


def test_importing_the_identifiers_leaves_django_unloaded() -> None:
    script = (
        "import sys, zhiliang.core.identifiers; "
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_a_refusal_carries_a_stable_code_and_cannot_be_altered() -> None:
    with pytest.raises(InvalidIdentifier) as refusal:
        parse_uscc("91330402MA2B3C4D1P")
    error = refusal.value

    assert error.code == "bad_check_char"
    assert isinstance(error, ValueError)
    assert error == InvalidIdentifier(error.code, error.reason)
    assert len({error, InvalidIdentifier(error.code, error.reason)}) == 1
    assert str(error).startswith("bad_check_char: ")
    with pytest.raises(AttributeError):
        error.code = "other"  # type: ignore[misc]
    match error:
        case InvalidIdentifier("bad_check_char", reason):
            assert "N" in reason  # names the character that would have been right
        case _:
            pytest.fail("a refusal matches by code and reason")
