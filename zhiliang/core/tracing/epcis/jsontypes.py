"""The shape of parsed JSON, so that the EPCIS code is typed without ``Any``."""

from collections.abc import Mapping, Sequence
from typing import TypeAlias

Json: TypeAlias = bool | int | float | str | Sequence["Json"] | Mapping[str, "Json"] | None
JsonObject: TypeAlias = Mapping[str, Json]


def is_number(value: object) -> bool:
    """A JSON number: Python's bool is an int, JSON's true is not a number."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def frozen(value: Json) -> object:
    """A hashable stand-in for a string, a flat object or a list of flat objects (a place, a
    party list, lot master data), so what is made of such a value can be kept by it; None for
    anything else."""
    if type(value) is str:
        return value
    if type(value) is dict:
        items = tuple(value.items())
        for _key, item in items:
            if type(item) is not str:
                return None
        return items
    if type(value) is list:
        found = []
        for entry in value:
            flat = frozen(entry) if type(entry) is dict else None
            if flat is None:
                return None
            found.append(flat)
        return ("list", *found)
    return None
