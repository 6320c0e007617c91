"""Clone detection, custody over flows, recall scope, and the EPCIS query parameters."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiliang.core.tracing.clone import MAX_SPEED_KMH, ScanPoint, distance_km, judge
from zhiliang.core.tracing.custody import (
    DESTROYED,
    IN_TRANSIT,
    SOLD,
    Custody,
    Movement,
    UnitInScope,
    apply,
    scope,
)
from zhiliang.core.tracing.epcis.query import QueryParameterError, parse_query

T0 = datetime(2025, 3, 8, 10, 0, tzinfo=UTC)
JIAXING = (30.75, 120.76, "3304")
TONGXIANG = (30.63, 120.57, "3304")
URUMQI = (43.83, 87.62, "6501")
BEIJING = (39.90, 116.40, "1101")
GUANGZHOU = (23.13, 113.26, "4401")
CHENGDU = (30.66, 104.07, "5101")


def scan(place: tuple[float, float, str], minutes: float, consumer: bool = True) -> ScanPoint:
    lat, lng, city = place
    return ScanPoint(T0 + timedelta(minutes=minutes), lat, lng, city, consumer)


def test_one_unit_cannot_be_in_jiaxing_and_urumqi_within_an_hour() -> None:
    verdict = judge([scan(JIAXING, 0), scan(URUMQI, 60)])
    assert verdict.possible_clone and verdict.reason == "impossible_travel"


def test_nearby_towns_and_slow_journeys_are_not_suspicious() -> None:
    assert not judge([scan(JIAXING, 0), scan(TONGXIANG, 5)]).possible_clone
    assert not judge([scan(JIAXING, 0), scan(URUMQI, 60 * 24 * 3)]).possible_clone


def test_a_sold_unit_scanned_in_many_cities_is_a_possible_clone() -> None:
    days = 60 * 24 * 5
    scans = [scan(p, i * days) for i, p in enumerate((JIAXING, BEIJING, GUANGZHOU, CHENGDU))]
    assert judge(scans, sold_at=T0).reason == "too_many_places"
    assert not judge(scans[:3], sold_at=T0).possible_clone


@given(st.floats(min_value=0, max_value=3000), st.floats(min_value=1, max_value=10_000))
def test_speed_rule_is_exactly_the_threshold(km_east: float, minutes: float) -> None:
    a = ScanPoint(T0, 0.0, 0.0, "0001")
    b = ScanPoint(T0 + timedelta(minutes=minutes), 0.0, km_east / 111.195, "0002")
    km = distance_km(a, b)
    fast = km >= 80 and km / (minutes / 60) > MAX_SPEED_KMH
    assert judge([a, b]).possible_clone == fast


def move(step: str, minutes: int, **kw: object) -> Movement:
    defaults: dict[str, object] = {"event_type": "ObjectEvent", "action": "OBSERVE"}
    return Movement(at=T0 + timedelta(minutes=minutes), biz_step=step, **(defaults | kw))  # type: ignore[arg-type]


def test_custody_follows_producer_distributor_retailer_consumer() -> None:
    c = apply(Custody(), move("commissioning", 0, action="ADD", capturer=1))
    assert c.holder == 1
    c = apply(c, move("shipping", 10, capturer=1, source=1, destination=2))
    assert (c.holder, c.state) == (2, IN_TRANSIT)
    c = apply(c, move("receiving", 20, capturer=2, destination=2))
    c = apply(c, move("shipping", 30, capturer=2, destination=3))
    c = apply(c, move("receiving", 40, capturer=3))
    c = apply(c, move("retail_selling", 50, capturer=3))
    assert (c.holder, c.state, c.seller) == (None, SOLD, 3)


def test_a_late_event_does_not_move_a_unit_back() -> None:
    c = apply(Custody(), move("receiving", 40, capturer=3))
    assert apply(c, move("shipping", 10, destination=2)).holder == 3


def test_packing_and_destroying() -> None:
    packed = apply(Custody(holder=1), move("packing", 5, event_type="AggregationEvent",
                                            action="ADD", parent="P"))  # fmt: skip
    assert packed.parent == "P"
    assert apply(packed, move("shipping", 6, destination=2), as_child=True).holder == 2
    unpacked = apply(packed, move("unpacking", 7, event_type="AggregationEvent", action="DELETE"))
    assert unpacked.parent is None
    assert apply(unpacked, move("destroying", 8, action="DELETE")).state == DESTROYED


def test_recall_scope_counts_each_unit_once() -> None:
    units = [
        UnitInScope(Custody(holder=2), "330402"),
        UnitInScope(Custody(holder=2), "330402"),
        UnitInScope(Custody(holder=3), "330483"),
        UnitInScope(Custody(state=SOLD, seller=3), "330483"),
        UnitInScope(Custody(state=DESTROYED), None),
    ]
    result = scope(units)
    assert (result.units, result.sold_to_consumers, result.destroyed) == (5, 1, 1)
    assert result.by_holder == {2: 2, 3: 1}
    assert result.by_seller == {3: 1}
    assert result.by_region == {"330402": 2, "330483": 2}
    assert result.holders == [2, 3]


def test_recall_scope_of_grouped_units_equals_the_scope_of_each() -> None:
    grouped = [
        UnitInScope(Custody(holder=2), "330402", 2),
        UnitInScope(Custody(holder=3), "330483"),
        UnitInScope(Custody(state=SOLD, seller=3), "330483", 4),
        UnitInScope(Custody(state=DESTROYED), None, 3),
    ]
    each = [UnitInScope(u.custody, u.region) for u in grouped for _ in range(u.count)]
    assert scope(grouped) == scope(each)
    assert (scope(grouped).units, scope(grouped).sold_to_consumers) == (10, 4)


def test_query_parameters_are_read_and_combined() -> None:
    query = parse_query({
        "EQ_bizStep": ["shipping|receiving"],
        "GE_eventTime": ["2025-03-05T00:00:00.000+08:00"],
        "MATCH_epc": ["urn:epc:idpat:sgtin:6901234.056789.*"],
        "orderBy": ["eventTime"], "orderDirection": ["ASC"], "perPage": ["2"],
    })  # fmt: skip
    assert query.biz_steps == ("shipping", "receiving")
    assert query.ge_event_time == datetime(2025, 3, 4, 16, tzinfo=UTC)
    assert query.match_epc[0].gtin == "06901234567892"
    assert (query.order_by, query.descending, query.per_page) == ("eventTime", False, 2)


@pytest.mark.parametrize(
    "params",
    [{"EQ_action": ["UPDATE"]}, {"GE_eventTime": ["yesterday"]},
     {"orderBy": ["eventTime"], "orderDirection": ["UP"]}, {"eventCountLimit": ["5"]},
     {"orderBy": ["eventTime"], "eventCountLimit": ["5"], "maxEventCount": ["5"]},
     {"perPage": ["0"]}, {"MATCH_epc": ["SN0001"]}, {"EQ_nonsense": ["1"]}],
)  # fmt: skip
def test_bad_query_parameters_are_refused_naming_the_parameter(
    params: dict[str, list[str]],
) -> None:
    with pytest.raises(QueryParameterError) as refused:
        parse_query(params)
    assert refused.value.parameter in params
