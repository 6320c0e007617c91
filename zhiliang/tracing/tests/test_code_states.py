"""What an app process keeps of the codes it scanned, and PostgreSQL's notices that drop it: a
committed change shows on the next scan, whichever part of the platform made it."""

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, transaction

from zhiliang.core.tracing.codes import Scheme
from zhiliang.ledger import services as ledger
from zhiliang.tracing.models import Scan, TraceCode, code_key
from zhiliang.tracing.selectors import scan as selectors
from zhiliang.tracing.selectors.code_states import LISTENER_NAME, code_states
from zhiliang.tracing.selectors.scan import CodeState
from zhiliang.tracing.tests.conftest import capture, document

pytestmark = pytest.mark.django_db(transaction=True)
SN1 = "/01/06901234567892/21/SN0001"
SN2 = "/01/06901234567892/21/SN0002"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def kept(settings) -> Iterator[None]:
    if connection.vendor != "postgresql":
        pytest.skip("change notices are PostgreSQL's (nothing is kept on SQLite)")
    settings.TRACING_CODE_CACHE = True
    code_states.stop()
    yield
    code_states.stop()  # its connection must not outlive the test database


@pytest.fixture
def story(api, chain, kept):
    for name in ("zl-01", "zl-02"):
        assert capture(api, document(name), chain.producer).status_code == 202
    ledger.sequence()
    connection.ensure_connection()
    code_states.usable(connection)  # starts this process's listener
    assert until(lambda: code_states.listening), "the listener never listened"
    return chain


def until(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def scan_json(api, path: str) -> Any:
    response = api.client.get("/scan/gs1" + path, **JSON)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def key(path: str) -> Any:
    return code_key(Scheme.GS1, path)


def found(path: str) -> CodeState:
    code = selectors.find(Scheme.GS1, path).code
    assert code is not None
    return code


def is_kept(path: str) -> bool:
    return code_states.get(key(path), True) is not None


def test_a_scanned_code_is_kept_until_a_capture_changes_it(api, story) -> None:
    assert scan_json(api, SN1)["status"] == "ok"
    assert is_kept(SN1)
    for name, person in [("zl-03", story.distributor), ("zl-04", story.distributor),
                         ("zl-05", story.retailer)]:  # fmt: skip
        assert capture(api, document(name), person).status_code == 202
    assert until(lambda: not is_kept(SN1)), "the capture's notice never dropped the code"
    assert scan_json(api, SN1)["status"] == "sold"


def test_a_positioned_scan_written_elsewhere_drops_the_code(api, story) -> None:
    """Another app process's journal writes a scan with a position: clone checks must see it."""
    scan_json(api, SN1)
    scan_json(api, SN2)
    code = TraceCode.objects.get(value=SN1)
    other = TraceCode.objects.get(value=SN2)
    Scan.objects.create(code=code, at=code.created_at, by_consumer=True, verdict="ok")
    Scan.objects.create(code=other, at=other.created_at, lat="43.83", lng="87.62",
                        by_consumer=True, verdict="ok")  # fmt: skip
    # Notices arrive in commit order: once the second has dropped SN2, the first had its turn.
    assert until(lambda: not is_kept(SN2))
    assert is_kept(SN1), "a scan without a position changes nothing a scan reads"


def test_a_statement_changing_more_than_200_codes_drops_everything(api, story) -> None:
    response = api.post(
        "/api/tracing/code-batches",
        {"product_model_id": story.model.pk, "scheme": "gs1", "count": 250, "lot": "L9"},
        as_=story.producer,
    )
    assert response.status_code == 201, response.content
    scan_json(api, SN1)
    assert is_kept(SN1)
    assert TraceCode.objects.filter(lot="L9").update(holder=story.enterprises["retailer"]) == 250
    assert until(lambda: len(code_states) == 0), "a '*' notice drops every code"


def test_reads_inside_a_transaction_are_neither_served_nor_kept(api, story) -> None:
    with transaction.atomic():
        code = found(SN1)
        assert not is_kept(SN1)
        TraceCode.objects.filter(pk=code.pk).update(state="sold")
        assert found(SN1).state == "sold"  # its own change
        transaction.set_rollback(True)
    assert found(SN1).state != "sold"


def test_a_read_that_began_before_a_notice_is_not_kept(story) -> None:
    code = found(SN1)
    code_states.heard("*")  # everything dropped, including what find kept
    ticket = code_states.ticket()
    code_states.heard(str(code.pk))  # the code changed while it was being read
    code_states.keep(code.pk, True, (code, []), ticket)
    assert not is_kept(SN1)
    code_states.keep(code.pk, True, (code, []), code_states.ticket())
    assert is_kept(SN1)


def test_an_unreadable_notice_drops_everything(story) -> None:
    selectors.find_for_scan(Scheme.GS1, SN1)
    assert is_kept(SN1)
    code_states.heard("not-a-key")
    assert len(code_states) == 0


def test_a_lost_listener_drops_everything_until_it_listens_again(api, story) -> None:
    scan_json(api, SN1)
    assert is_kept(SN1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            [LISTENER_NAME],
        )
        assert cursor.fetchall() == [(True,)]
    assert until(lambda: not code_states.listening and len(code_states) == 0, 5)
    assert until(lambda: code_states.listening), "the listener did not listen again"
    scan_json(api, SN1)
    assert is_kept(SN1)
