"""Keep each code's custody current as events are captured (core rules in core/tracing/custody).

The codes an event names are updated, and so are the units packed in a logistic unit it names:
shipping a pallet moves every battery on it. Rows are locked in primary-key order before they are
read (two captures touching the same codes take turns instead of losing an update), changed in
memory in event-time order, and written back grouped by their new state, so commissioning a
hundred thousand units is a handful of UPDATE statements rather than one per unit.

Keys travel as text (the UUID's canonical spelling) and PostgreSQL casts them; the units an
event names mostly share their custody before it, so each event's outcome is worked out once
per distinct custody and reused for the rest of its units. On PostgreSQL the locked rows come
back grouped by custody (a lot shipped together is one row of keys, its times read once), each
key with its row's physical address (``ctid``), so writing the new custody finds the rows
without looking their keys up in the index again.
"""

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final, cast

from django.db import connection

from zhiliang.core.tracing import custody as rules
from zhiliang.tracing import bulk
from zhiliang.tracing.models import CustodyState, TraceCode

LOCK_CHUNK: Final = 5000
_STATE: Final = {
    rules.HELD: CustodyState.HELD.value,
    rules.IN_TRANSIT: CustodyState.IN_TRANSIT.value,
    rules.SOLD: CustodyState.SOLD.value,
    rules.DESTROYED: CustodyState.DESTROYED.value,
}
_NEW: Final = CustodyState.NEW.value
_NOBODY: Final = rules.Custody()
FIELDS: Final = ("holder_id", "state", "seller_id", "sold_at", "parent_id", "last_event_at")
_FIELDS: Final = FIELDS


_Group = tuple[
    int | None,
    str,
    int | None,
    datetime | None,
    str | None,
    datetime | None,
    int | None,
    bool,
    list[tuple[str, str | None]],
]  # holder, state, seller, sold_at, parent, last_event_at, issuer, is_logistic_unit, and the
# (key, ctid) of every code that has them; ctid None where rows are found by key (SQLite)


@dataclass(slots=True)
class Unit:
    custody: rules.Custody
    fresh: bool  # never commissioned: state NEW until an event says otherwise
    issuer: int | None = None
    changed: bool = False
    ctid: str | None = None  # where the locked row is, while this capture holds its lock


class CustodyBook:
    """Custody of the codes one capture touches, loaded once and written once."""

    def __init__(self, keys: Iterable[str], *, read: bool = True) -> None:
        """Lock the codes' rows; ``read=False`` only sends the lock, and ``read`` reads the rows
        (in a pipeline the database locks them while the caller works on something else)."""
        self.units: dict[str, Unit] = {}
        self.children: dict[str, set[str]] = defaultdict(set)
        self._move: rules.Movement | None = None  # the movement the outcomes below are of
        self._outcomes: dict[tuple[rules.Custody, bool], rules.Custody] = {}
        self._last: tuple[rules.Custody, bool, rules.Custody] | None = None
        self._locked = _lock(sorted(set(keys)))
        if read:
            self.read()

    def read(self) -> None:
        groups = self._locked()
        while groups:
            logistic: list[str] = []
            for holder, state, seller, sold_at, parent, last, issuer, unit, codes in groups:
                custody = rules.Custody(holder, _core_state(state), seller, sold_at, parent, last)
                fresh = state == _NEW
                for key, ctid in codes:
                    self.units[key] = Unit(custody, fresh=fresh, issuer=issuer, ctid=ctid)
                if parent:
                    self.children[parent].update(key for key, _ctid in codes)
                if unit:
                    logistic.extend(key for key, _ctid in codes)
            # units packed in these codes, which their events move too
            packed = _children_of(logistic) if logistic else []
            pending = sorted(set(packed) - self.units.keys())
            groups = _lock(pending)() if pending else []

    def add_new(self, key: str, issuer: int | None) -> None:
        if key not in self.units:
            self.units[key] = Unit(_NOBODY, fresh=True, issuer=issuer)

    def apply(self, key: str, move: rules.Movement) -> list[str]:
        """The event named this code: move it, and what is packed in it (returned)."""
        unit = self.units.get(key)
        if unit is None:
            return []
        before = unit.custody
        if move.event_type == "AggregationEvent" and move.parent == key:
            # the pallet itself: an aggregation is not a movement of the pallet
            after = rules.apply(before, replace(move, event_type="ObjectEvent", action="OBSERVE"))
        else:
            after = self._outcome(before, move, as_child=False)
        self._set(key, unit, after, before)
        if move.event_type != "ObjectEvent" or key not in self.children:
            return []
        carried = self._descendants(key)
        for child in carried:
            child_unit = self.units[child]
            moved = self._outcome(child_unit.custody, move, as_child=True)
            self._set(child, child_unit, moved, child_unit.custody)
        return carried

    def _outcome(
        self, before: rules.Custody, move: rules.Movement, *, as_child: bool
    ) -> rules.Custody:
        """``rules.apply``, once per distinct custody for the units of one movement."""
        if move is not self._move:
            self._move, self._outcomes, self._last = move, {}, None
        last = self._last  # consecutive units mostly share one custody object: no hashing
        if last is not None and last[0] is before and last[1] is as_child:
            return last[2]
        found = self._outcomes.get((before, as_child))
        if found is None:
            found = self._outcomes[(before, as_child)] = rules.apply(
                before, move, as_child=as_child
            )
        self._last = (before, as_child, found)
        return found

    def unpack_all(self, parent: str, at: datetime) -> None:
        """An AggregationEvent DELETE without childEPCs empties the whole logistic unit."""
        for child in list(self.children.get(parent, ())):
            unit = self.units[child]
            if unit.custody.last_event_at is None or unit.custody.last_event_at <= at:
                self._set(
                    child, unit, replace(unit.custody, parent=None, last_event_at=at), unit.custody
                )

    def _set(self, key: str, unit: Unit, after: rules.Custody, before: rules.Custody) -> None:
        if after == before:
            return
        if after.parent != before.parent:
            if before.parent:
                self.children[before.parent].discard(key)
            if after.parent:
                self.children[after.parent].add(key)
        unit.custody = after
        unit.fresh = unit.fresh and after.holder is None and after.state == rules.HELD
        unit.changed = True

    def _descendants(self, key: str) -> list[str]:
        found, stack = [], list(self.children.get(key, ()))
        while stack:
            child = stack.pop()
            if child in self.units and child not in found:
                found.append(child)
                stack.extend(self.children.get(child, ()))
        return found

    def row(self, key: str) -> tuple[object, ...]:
        """The custody columns (``FIELDS``) of a code about to be created."""
        return _row(self.units[key])

    def changed(self) -> list[str]:
        return [key for key, unit in self.units.items() if unit.changed]

    def save(self, skip: Collection[str] = frozenset()) -> int:
        """Write the changed custody of existing codes (``skip``: the ones created with it)."""
        groups: dict[tuple[object, ...], list[tuple[str, Unit]]] = defaultdict(list)
        for key, unit in self.units.items():
            if unit.changed and key not in skip:
                groups[_row(unit)].append((key, unit))
        for values, members in groups.items():
            _update([key for key, _unit in members], [u.ctid for _key, u in members], values)
            for _key, unit in members:  # written: the row has moved, nothing is left to write
                unit.ctid, unit.changed = None, False
        return sum(len(members) for members in groups.values())

    def holder_of(self, key: str) -> int | None:
        unit = self.units.get(key)
        return unit.custody.holder if unit else None

    def snapshot(self) -> Mapping[str, Unit]:
        return self.units


_GROUPED: Final = (  # the lock is taken in the materialised part, row by row in key order
    "WITH locked AS MATERIALIZED ("
    " SELECT id, ctid, holder_id, state, seller_id, sold_at, parent_id, last_event_at,"
    " issuer_id, is_logistic_unit FROM tracing_tracecode"
    " WHERE id = ANY(string_to_array(%s, ',')::uuid[]) ORDER BY id FOR NO KEY UPDATE) "
    "SELECT holder_id, state, seller_id, sold_at, parent_id::text, last_event_at, issuer_id, "
    "is_logistic_unit, string_agg(id::text || ctid::text, ';') FROM locked "
    "GROUP BY holder_id, state, seller_id, sold_at, parent_id, last_event_at, issuer_id, "
    "is_logistic_unit"
)
_KEY_LENGTH: Final = 36  # a UUID's canonical spelling; its ctid follows it


def _lock(keys: list[str]) -> Callable[[], list[_Group]]:
    """Lock the codes' custody rows in key order (two captures on the same codes queue here
    instead of overwriting each other); the rows, grouped by custody, are read by calling the
    result. One array parameter on PostgreSQL."""
    if connection.vendor != "postgresql":
        found = _locked_rows(keys)
        return lambda: found
    cursor = connection.cursor()
    cursor.execute(_GROUPED, [bulk.uuids(keys)])

    def rows() -> list[_Group]:
        with cursor:
            return [
                (*row[:8], [(c[:_KEY_LENGTH], c[_KEY_LENGTH:]) for c in row[8].split(";")])
                for row in cursor.fetchall()
            ]

    return rows


def _locked_rows(keys: list[str]) -> list[_Group]:
    groups: dict[tuple[Any, ...], list[tuple[str, str | None]]] = defaultdict(list)
    for start in range(0, len(keys), LOCK_CHUNK):
        rows = (
            TraceCode.objects.select_for_update(no_key=True)
            .filter(pk__in=keys[start : start + LOCK_CHUNK])
            .order_by("pk")
            .values_list("pk", *_FIELDS, "issuer_id", "is_logistic_unit")
        )
        for pk, holder, state, seller, sold_at, parent, last, issuer, unit in rows:
            custody = (holder, state, seller, sold_at, str(parent) if parent else None, last)
            groups[(*custody, issuer, unit)].append((str(pk), None))
    return [(*values, codes) for values, codes in groups.items()]


def _children_of(parents: list[str]) -> list[str]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id::text FROM tracing_tracecode "
                "WHERE parent_id = ANY(string_to_array(%s, ',')::uuid[])",
                [bulk.uuids(parents)],
            )
            return [row[0] for row in cursor.fetchall()]
    found = TraceCode.objects.filter(parent_id__in=parents).values_list("pk", flat=True)
    return [str(pk) for pk in found]


_ASSIGNMENTS: Final = ", ".join(f"{f} = %s" for f in _FIELDS)


def _update(keys: list[str], ctids: list[str | None], values: tuple[object, ...]) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if None not in ctids:  # the rows this capture locked, where the lock found them
                cursor.execute(
                    f"UPDATE tracing_tracecode SET {_ASSIGNMENTS} "  # noqa: S608
                    "WHERE ctid = ANY(string_to_array(%s, ';')::tid[])",
                    [*cast(tuple[Any, ...], values), ";".join(cast(list[str], ctids))],
                )
                if cursor.rowcount == len(keys):
                    return
            # a row no longer where it was locked (this transaction changed it since): by key
            cursor.execute(
                f"UPDATE tracing_tracecode SET {_ASSIGNMENTS} "  # noqa: S608
                "WHERE id = ANY(string_to_array(%s, ',')::uuid[])",
                [*cast(tuple[Any, ...], values), bulk.uuids(keys)],
            )
        return
    update = dict(zip(_FIELDS, values, strict=True))
    for start in range(0, len(keys), LOCK_CHUNK):
        TraceCode.objects.filter(pk__in=keys[start : start + LOCK_CHUNK]).update(**update)


_CORE_STATE: Final = {
    CustodyState.IN_TRANSIT.value: rules.IN_TRANSIT,
    CustodyState.SOLD.value: rules.SOLD,
    CustodyState.DESTROYED.value: rules.DESTROYED,
}


def _core_state(state: str) -> str:
    return _CORE_STATE.get(state, rules.HELD)  # new and held: held


def _row(unit: Unit) -> tuple[object, ...]:
    c = unit.custody
    state = _NEW if unit.fresh else _STATE[c.state]
    return (c.holder, state, c.seller, c.sold_at, c.parent, c.last_event_at)
