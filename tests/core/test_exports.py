"""Tabular exports (apps.core.exports): streamed CSV with a BOM, typed XLSX, formulas inert in both."""

import csv
import datetime
import io

import pytest
from django.http import StreamingHttpResponse
from openpyxl import load_workbook

from apps.core.exports import Bold, Sheet, tabular_response, workbook_response

ATTACK = "=cmd|' /C calc'!A0"
COLUMNS = ["Name", "Score", "Due", "Note"]
ROWS = [
    ["Ada", 7, datetime.date(2026, 2, 28), ATTACK],
    ["Grace", None, None, "+SUM(A1:A9)"],
    ["Zoë", 3, datetime.date(2026, 3, 1), "plain text"],
]


def csv_content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_csv_streams_utf8_with_a_bom_and_names_the_file():
    response = tabular_response(fmt="csv", filename="people-2026", columns=COLUMNS, rows=iter(ROWS))
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="people-2026.csv"'
    content = csv_content(response)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == COLUMNS
    assert rows[1] == ["Ada", "7", "2026-02-28", "'" + ATTACK]
    assert rows[2] == ["Grace", "", "", "'+SUM(A1:A9)"]
    assert rows[3][0] == "Zoë"


def test_csv_reads_rows_only_while_streaming():
    consumed = []

    def rows():
        for row in ROWS:
            consumed.append(row)
            yield row

    response = tabular_response(fmt="csv", filename="lazy", columns=COLUMNS, rows=rows())
    assert consumed == []
    csv_content(response)
    assert len(consumed) == len(ROWS)


def test_xlsx_keeps_types_and_writes_formulas_as_inert_text():
    response = tabular_response(fmt="xlsx", filename="people", columns=COLUMNS, rows=iter(ROWS), sheet_title="People")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="people.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content))["People"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    assert rows[1][:3] == ("Ada", 7, datetime.datetime(2026, 2, 28))
    assert rows[1][3] == "'" + ATTACK
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:D4"


def test_a_workbook_has_each_sheet_with_bold_labels_and_local_naive_datetimes(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    stamp = datetime.datetime(2026, 11, 29, 12, 0, tzinfo=datetime.UTC)
    response = workbook_response(
        filename="two",
        sheets=[
            Sheet(title="Data", columns=["When"], rows=[[stamp]]),
            Sheet(title="About", columns=(), rows=[[Bold("Exported by"), "=evil()"]], widths=[18, 60]),
        ],
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Data", "About"]
    assert workbook["Data"]["A2"].value == datetime.datetime(2026, 11, 29, 13, 0)
    label, value = workbook["About"]["A1"], workbook["About"]["B1"]
    assert label.font.bold and (label.value, value.value) == ("Exported by", "'=evil()")


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="csv, xlsx"):
        tabular_response(fmt="docx", filename="x", columns=[], rows=[])
