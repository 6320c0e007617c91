"""Test reports as Excel rows, for labs that keep their results in spreadsheets (G4).

A row becomes the same signed payload the API takes (``zhiliang.lab-report/1``), so
``zhiliang lab sign --xlsx`` can fill the ``signature`` column and the import can verify it:
both build the payload with ``payload_from_row``. Columns: number, product_model, standard,
sample_date, report_date, product_standard, mandatory_standards, signature, and one
``m:<indicator key>`` column per measured value.
"""

import io
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from openpyxl import Workbook, load_workbook

from zhiliang.core.grading.evidence import REPORT_FORMAT, Json

COLUMNS: Final = (
    "number",
    "product_model",
    "standard",
    "sample_date",
    "report_date",
    "product_standard",
    "mandatory_standards",
    "signature",
)
MEASURED: Final = "m:"
MAX_ROWS: Final = 2000
_TRUE: Final = {"1", "true", "yes", "y", "合格", "符合", "是"}
_FALSE: Final = {"0", "false", "no", "n", "不合格", "不符合", "否"}


def text_of(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value).strip()


def _flag(value: object) -> bool | None:
    text = text_of(value).lower()
    return True if text in _TRUE else False if text in _FALSE else None


def payload_from_row(lab: str, header: Sequence[str], row: Sequence[object]) -> dict[str, Json]:
    cells = dict(zip(header, row, strict=False))
    model = text_of(cells.get("product_model"))
    payload: dict[str, Json] = {
        "format": REPORT_FORMAT,
        "lab": lab,
        "number": text_of(cells.get("number")),
        "product_model": int(model) if model.isdigit() else model,
        "standard": text_of(cells.get("standard")),
        "sample_date": text_of(cells.get("sample_date")) or None,
        "report_date": text_of(cells.get("report_date")),
        "measurements": {
            name[len(MEASURED) :]: text_of(value)
            for name, value in cells.items()
            if name.startswith(MEASURED) and text_of(value)
        },
        "conformity": {
            "product_standard": _flag(cells.get("product_standard")),
            "mandatory_standards": _flag(cells.get("mandatory_standards")),
        },
    }
    if payload["sample_date"] is None:
        del payload["sample_date"]
    return payload


def rows(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[object]]]]:
    """The header and the (row number, values) of the first sheet; empty rows are skipped."""
    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = [text_of(v) for v in next(lines, ())]

    def body() -> Iterator[tuple[int, list[object]]]:
        for n, values in enumerate(lines, start=2):
            if n > MAX_ROWS + 1:
                break
            if any(v not in (None, "") for v in values):
                yield n, list(values)

    return header, body()


def template(indicators: Sequence[str]) -> bytes:
    """An empty import sheet with the columns for a rule set's indicators."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "reports"
    sheet.append([*COLUMNS, *(MEASURED + key for key in indicators)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
