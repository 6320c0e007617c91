"""The EPCIS 2.0 simple event query against every case of conformance/epcis/queries.json."""

from typing import Any
from urllib.parse import quote

import pytest

from zhiliang.core.tests.shared import load_json
from zhiliang.tracing.tests.conftest import capture

QUERIES = load_json("conformance/epcis/queries.json")["queries"]


def _encoded(query_string: str) -> str:
    """Percent-encode '|' and '+' on the wire, as the case file says clients do."""
    pairs = []
    for pair in query_string.split("&"):
        name, _sep, value = pair.partition("=")
        pairs.append(f"{name}={quote(value, safe=':/*')}")
    return "&".join(pairs)


def _ids(response: Any) -> list[str]:
    body = response.json()
    assert body["type"] == "EPCISQueryDocument"
    events = body["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    return [e["eventID"] for e in events]


@pytest.mark.django_db
@pytest.mark.parametrize("case", QUERIES, ids=lambda c: c["id"])
def test_query(api, connected_system, case: dict[str, Any]) -> None:
    """Capture the case's documents into an empty repository, run its query string."""
    loaded = connected_system
    for path in case["captured_documents"]:
        assert capture(api, load_json(path), loaded).status_code == 202
    response = api.get("/epcis/events?" + _encoded(case["query_string"]), as_=loaded)
    if "expected_error" in case:
        status = 413 if "TooLarge" in case["expected_error"] else 400
        assert response.status_code == status, response.content
        kind = case["expected_error"].split(" ")[0]
        assert response.json()["type"] == f"epcisException:{kind}"
        return
    assert response.status_code == 200, response.content
    if "expected_pages" in case:
        pages = []
        while True:
            pages.append(_ids(response))
            if "Link" not in response:
                break
            link = response["Link"]
            assert link.endswith('>; rel="next"')
            response = api.get(link[1 : link.index(">")], as_=loaded)
            assert response.status_code == 200
        assert pages == case["expected_pages"]
        return
    ids, expected = _ids(response), case["expected_event_ids"]
    if case["ordered"]:
        assert ids == expected
    else:
        assert sorted(ids) == sorted(expected)
