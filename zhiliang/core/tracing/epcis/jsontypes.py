"""The shape of parsed JSON, so that the EPCIS code is typed without ``Any``."""

from collections.abc import Mapping, Sequence
from typing import TypeAlias

Json: TypeAlias = bool | int | float | str | Sequence["Json"] | Mapping[str, "Json"] | None
JsonObject: TypeAlias = Mapping[str, Json]


def is_number(value: object) -> bool:
    """A JSON number: Python's bool is an int, JSON's true is not a number."""
    return isinstance(value, int | float) and not isinstance(value, bool)
