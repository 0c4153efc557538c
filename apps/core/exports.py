"""Tabular exports: one way to turn rows into a CSV or XLSX download.

* CSV streams (`StreamingHttpResponse`), so a long table never sits in memory;
  UTF-8 with a byte-order mark, so Excel reads it as UTF-8.
* XLSX is an openpyxl write-only workbook: numbers and dates stay typed.
* Every text cell, in both formats, goes through `csv_safe`: a cell that starts
  with = + - @ gets a leading quote and never runs as a formula.

`tabular_response` covers a table; `workbook_response` writes several sheets
(the risk register's heat maps and export details, say).
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from .spreadsheets import csv_safe

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
DEFAULT_WIDTH = 14


@dataclass(frozen=True)
class Bold:
    """A cell written in bold in XLSX (a label in a sheet's body); plain text in CSV."""

    value: object


@dataclass
class Sheet:
    """One worksheet: a bold header row (`columns`, may be empty) and the rows under it."""

    title: str
    columns: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] = ()  # column widths from A on; default: 14 for each column
    freeze: str | None = None  # e.g. "C2": keep the header row and two columns in view
    auto_filter: bool = False


def _unwrap(value):
    return value.value if isinstance(value, Bold) else value


def _local(value):
    """Aware datetimes in the portal's time zone, without tzinfo (Excel has no time zones)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def cell_text(value) -> str:
    """A cell as CSV text: empty for None, ISO dates, datetimes to the minute in local time."""
    value = _local(_unwrap(value))
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class _Echo:
    """csv.writer writes into this and gets the line back, so rows can be yielded one by one."""

    def write(self, value):
        return value


def _attachment(response, filename: str):
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence]) -> Iterable[str]:
    """The CSV text, line by line: BOM and header first, every cell escaped."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([csv_safe(cell_text(name)) for name in columns])
    for row in rows:
        yield writer.writerow([csv_safe(cell_text(value)) for value in row])


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook  # imported here: only exports and imports need it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def cell(sheet, value, *, header=False):
        header = header or isinstance(value, Bold)
        value = _local(_unwrap(value))
        if isinstance(value, str):
            value = csv_safe(ILLEGAL_CHARACTERS_RE.sub("", value))
        result = WriteOnlyCell(sheet, value=value)
        if header:
            result.font = bold
        elif isinstance(value, datetime.date):
            result.number_format = "yyyy-mm-dd hh:mm" if isinstance(value, datetime.datetime) else "yyyy-mm-dd"
        return result

    for spec in sheets:
        sheet = workbook.create_sheet(spec.title[:31])
        if spec.freeze:
            sheet.freeze_panes = spec.freeze
        for index, width in enumerate(spec.widths or [DEFAULT_WIDTH] * len(spec.columns), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        if spec.columns:
            sheet.append([cell(sheet, name, header=True) for name in spec.columns])
        count = 0
        for row in spec.rows:
            sheet.append([cell(sheet, value) for value in row])
            count += 1
        if spec.auto_filter and spec.columns:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(spec.columns))}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_response(*, filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    """An XLSX download of several sheets; `filename` without extension."""
    return _attachment(HttpResponse(xlsx_bytes(sheets), content_type=XLSX_CONTENT_TYPE), f"{filename}.{XLSX}")


def tabular_response(
    *,
    fmt: str,
    filename: str,
    columns: Sequence[str],
    rows: Iterable[Sequence],
    sheet_title: str = "Export",
    widths: Sequence[int] = (),
) -> HttpResponse:
    """A table as a download: `fmt` "csv" (streamed) or "xlsx"; `filename` without extension.

    `rows` may be a generator over a queryset's `iterator()`: CSV reads it while
    the response streams, XLSX while the workbook is written.
    """
    if fmt == CSV:
        response = StreamingHttpResponse(csv_lines(columns, rows), content_type="text/csv; charset=utf-8")
        return _attachment(response, f"{filename}.{CSV}")
    if fmt == XLSX:
        sheet = Sheet(title=sheet_title, columns=columns, rows=rows, widths=widths, freeze="A2", auto_filter=True)
        return workbook_response(filename=filename, sheets=[sheet])
    raise ValueError(f"Unknown export format {fmt!r}: expected one of {', '.join(FORMATS)}.")
