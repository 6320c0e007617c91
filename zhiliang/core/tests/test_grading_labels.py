"""The label's signed QR URL: a round trip, and every tampering caught offline."""

from datetime import date
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given
from hypothesis import strategies as st

from zhiliang.core.grading import GRADES
from zhiliang.core.grading.labels import (
    LabelClaim,
    LabelFormatError,
    label_url,
    parse_label_url,
    verify_label,
)

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC = KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
CLAIM = LabelClaim(
    "https://zl.example.gov.cn/grading/r/42", "AAAA", "T/SZBIA 0002-2025", date(2027, 3, 19)
)


def signed(claim: LabelClaim = CLAIM) -> str:
    return label_url(claim, KEY.sign(claim.signing_text()))


def test_the_signing_text_is_five_lines_without_a_final_newline() -> None:
    assert CLAIM.signing_text() == (
        b"zhiliang-label/v1\nhttps://zl.example.gov.cn/grading/r/42\nAAAA\n"
        b"T/SZBIA 0002-2025\n2027-03-19"
    )


def test_a_label_url_round_trips_and_verifies_offline() -> None:
    url = signed()
    assert url.startswith(
        "https://zl.example.gov.cn/grading/r/42?g=AAAA&s=T%2FSZBIA%200002-2025&e=2027-03-19&sig="
    )
    check = verify_label(url, PUBLIC)
    assert check.signature_valid and check.claim == CLAIM


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("g=AAAA", "g=AAAAA"),  # a higher grade printed on the label (低级高标)
        ("e=2027-03-19", "e=2029-03-19"),
        ("/r/42", "/r/43"),
        ("T%2FSZBIA", "T%2FSZBIB"),
    ],
)
def test_any_changed_claim_fails_the_signature(old: str, new: str) -> None:
    url = signed().replace(old, new)
    assert not verify_label(url, PUBLIC).signature_valid


def test_another_key_does_not_verify() -> None:
    other = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert not verify_label(signed(), other).signature_valid


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://x/grading/r/1?g=A&s=S&e=2027-01-01&sig=" + "A" * 86, "not_a_label_url"),
        ("https://x/grading/r/1?g=A&s=S&e=2027-01-01", "bad_query"),
        ("https://x/grading/r/1?g=B&s=S&e=2027-01-01&sig=" + "A" * 86, "bad_grade"),
        ("https://x/grading/r/1?g=A&s=&e=2027-01-01&sig=" + "A" * 86, "bad_standard"),
        ("https://x/grading/r/1?g=A&s=S%0A&e=2027-01-01&sig=" + "A" * 86, "bad_standard"),
        ("https://x/grading/r/1?g=A&s=S&e=2027-02-30&sig=" + "A" * 86, "bad_expiry"),
        ("https://x/grading/r/1?g=A&s=S&e=2027-01-01&sig=" + "A" * 85, "bad_signature_encoding"),
        (
            "https://x/grading/r/1?g=A&s=S&e=2027-01-01&sig=" + "A" * 85 + "B",
            "bad_signature_encoding",
        ),
        ("https://x/grading/r/1?g=A&g=A&s=S&e=2027-01-01&sig=" + "A" * 86, "bad_query"),
        ("https://x/" + "a" * 700, "too_long"),
    ],
)
def test_malformed_urls_are_refused_with_a_code(url: str, code: str) -> None:
    with pytest.raises(LabelFormatError) as caught:
        parse_label_url(url)
    assert caught.value.code == code


@given(
    st.sampled_from(GRADES),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=40),
    st.dates(min_value=date(2020, 1, 1), max_value=date(2099, 12, 31)),
    st.integers(min_value=1, max_value=10**9),
)
def test_any_claim_round_trips(grade, standard, expires, record) -> None:
    claim = LabelClaim(f"http://127.0.0.1:8000/grading/r/{record}", grade, standard, expires)
    url = signed(claim)
    assert verify_label(url, PUBLIC) == verify_label(url, PUBLIC)
    assert verify_label(url, PUBLIC).claim == claim
    assert verify_label(url, PUBLIC).signature_valid
    assert quote(standard, safe="") in url


def test_the_verifier_published_in_the_docs_agrees() -> None:
    """docs/label-format.md gives third parties a verifier; it must accept what we sign and
    refuse what we refuse."""
    import re
    from pathlib import Path

    docs = Path(__file__).resolve().parents[3] / "docs" / "label-format.md"
    [code] = re.findall(r"```python\n(.*?)```", docs.read_text(encoding="utf-8"), re.S)
    namespace: dict[str, object] = {}
    exec(compile(code, str(docs), "exec"), namespace)  # noqa: S102 - our own documentation
    check = namespace["check"]
    assert callable(check)
    url = signed()
    assert check(url, PUBLIC) is True
    assert check(url.replace("g=AAAA&", "g=AAAAA&"), PUBLIC) is False
