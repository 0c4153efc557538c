"""Import from CSV or XLSX: the guide's sample imports; any bad row saves nothing and is named."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from apps.risks.choices import Category, ReviewFrequency, RiskStatus
from apps.risks.importing import EXAMPLE_FILE, RiskImportError, risk_import
from apps.risks.models import Risk

HEADER = "Title,Category,Impact,Likelihood,Owner,Residual"


def csv_file(text: str, name: str = "register.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def xlsx_file(rows: list[list], name: str = "register.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_the_guides_sample_extract_imports_cleanly(project, team):
    upload = SimpleUploadedFile(EXAMPLE_FILE.name, EXAMPLE_FILE.read_bytes())
    result = risk_import(actor=team["compliance"], project=project, upload=upload)
    assert [risk.code for risk in result.risks] == ["R-001", "R-002", "R-003", "R-004", "R-005"]
    assert result.ignored_columns == []
    rows = {
        r.code: (r.impact, r.likelihood, r.residual_impact, r.residual_likelihood, r.owner, r.category)
        for r in Risk.objects.all()
    }
    assert rows == {
        # High x Medium, residual Low; owner "Data Engineer"
        "R-001": (4, 3, 4, 1, team["engineer"], Category.DEPENDENCY_FRAGILITY),
        # "Product / Data Scientist": the Product Owner is the one member of the first role that fits
        "R-002": (3, 4, 3, 3, team["owner"], Category.DATA_AVAILABILITY),
        "R-003": (4, 3, 4, 2, team["mlops"], Category.CONCEPT_DRIFT),
        "R-004": (4, 2, 4, 2, team["compliance"], Category.REGULATORY_CHANGE),
        # "Tech Lead / MLOps": no Tech Lead role, so the MLOps Engineer
        "R-005": (3, 3, 3, 1, team["mlops"], Category.COST_OVERRUN),
    }
    first = Risk.objects.get(number=1)
    assert first.title == "Upstream transaction schema change breaks ingestion"
    assert first.mitigation == "Data contract + schema diff alerts + staging canary"
    assert (first.inherent_band.label, first.residual_band.label) == ("High", "Low")
    assert first.review_frequency == ReviewFrequency.WEEKLY and first.status == RiskStatus.OPEN


def test_a_file_with_one_bad_row_saves_nothing_and_names_the_row_and_column(project, team):
    upload = csv_file(
        f"{HEADER}\n"
        "Schema change breaks ingestion,Dependency fragility,High,Medium,Data Engineer,Low\n"
        "Labelling too slow,Talent gaps,Huge,High,,\n"
        "Drift,Concept drift,4,3,,Medium\n"
    )
    with pytest.raises(RiskImportError) as error:
        risk_import(actor=team["owner"], project=project, upload=upload)
    assert [(e.row, e.column) for e in error.value.row_errors] == [(3, "Impact")]
    assert "“Huge” is not a level" in error.value.row_errors[0].message
    assert error.value.message_dict["rows"][0].startswith("Row 3, column “Impact”:")
    assert not Risk.objects.exists()


def test_every_problem_of_every_row_is_reported(project, team):
    upload = csv_file(
        "ID,Title,Category,Impact,Likelihood,Owner,Residual\n"
        "R-001,A,Weather,3,3,,\n"
        "R-001,B,Privacy,3,3,nobody@nowhere.test,\n"
        "X-9,C,Privacy,2,2,,High\n"
    )
    with pytest.raises(RiskImportError) as error:
        risk_import(actor=team["owner"], project=project, upload=upload)
    assert [(e.row, e.column) for e in error.value.row_errors] == [
        (2, "Category"),
        (3, "ID"),
        (3, "Owner"),
        (4, "ID"),
        (4, "Residual"),
    ]


def test_codes_already_issued_in_the_project_are_refused(project, team, make_risk):
    make_risk()
    make_risk()
    with pytest.raises(RiskImportError) as error:
        risk_import(actor=team["owner"], project=project, upload=csv_file(f"ID,{HEADER}\nR-002,T,Privacy,2,2,,\n"))
    assert "already issued" in error.value.row_errors[0].message


def test_given_codes_are_kept_and_the_others_follow_them(project, team):
    upload = csv_file(f"ID,{HEADER}\nR-010,A,Privacy,2,2,,\n,B,Privacy,2,2,,\n")
    result = risk_import(actor=team["owner"], project=project, upload=upload)
    assert [risk.code for risk in result.risks] == ["R-010", "R-011"]


def test_xlsx_imports_with_numbers_and_residual_columns(project, team):
    upload = xlsx_file(
        [
            ["Title", "Category", "Impact", "Likelihood", "Residual impact", "Residual likelihood", "Owner", "Notes"],
            ["Prompt injection via tickets", "Security", 4, 3, 4, 2, team["mlops"].username, "ignored"],
        ]
    )
    result = risk_import(actor=team["owner"], project=project, upload=upload)
    risk = result.risks[0]
    assert (risk.inherent, risk.residual, risk.owner) == (12, 8, team["mlops"])
    assert result.ignored_columns == ["Notes"]


def test_a_missing_required_column_is_reported_on_the_header_row(project, team):
    with pytest.raises(RiskImportError) as error:
        risk_import(actor=team["owner"], project=project, upload=csv_file("Title,Impact\nA,3\n"))
    assert [(e.row, e.column) for e in error.value.row_errors] == [(1, "Category"), (1, "Likelihood")]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("diagram.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "is not a spreadsheet"),
        ("register.pdf", b"%PDF-1.7\n", "is not a spreadsheet"),
        ("register.xlsx", b"MZ\x90\x00 this is an executable", "is not a .xlsx file"),
        ("register.csv", b"\xff\xfe\x00\x00binary\x00\x00", "not UTF-8 text"),
        ("register.csv", b"", "is empty"),
    ],
)
def test_a_non_spreadsheet_upload_is_refused_cleanly(project, team, name, content, reason):
    with pytest.raises(ValidationError) as error:
        risk_import(actor=team["owner"], project=project, upload=SimpleUploadedFile(name, content))
    assert reason in " ".join(error.value.message_dict["file"])
    assert not Risk.objects.exists()


def test_an_oversized_file_is_refused_before_it_is_read(project, team):
    upload = csv_file(HEADER + "\n" + "x" * (3 * 1024 * 1024))
    with pytest.raises(ValidationError) as error:
        risk_import(actor=team["owner"], project=project, upload=upload)
    assert "is 3.0\xa0MB; an import is at most 2.0\xa0MB" in error.value.message_dict["file"][0]


def test_import_page_lists_row_errors_and_the_api_answers_400(client, api_client, project, team):
    client.force_login(team["compliance"])
    bad = f"{HEADER}\nA,Privacy,2,Often,,\n"
    page = client.post(f"/projects/{project.slug}/risks/import/", {"file": csv_file(bad)})
    assert page.status_code == 200
    assert "Nothing was imported" in page.content.decode() and page.context["row_errors"][0].column == "Likelihood"
    api_client.force_authenticate(team["compliance"])
    response = api_client.post(
        f"/api/v1/projects/{project.slug}/risks/import/", {"file": csv_file(bad)}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["rows"][0].startswith("Row 2, column “Likelihood”")
    upload = SimpleUploadedFile(EXAMPLE_FILE.name, EXAMPLE_FILE.read_bytes())
    created = api_client.post(f"/api/v1/projects/{project.slug}/risks/import/", {"file": upload}, format="multipart")
    assert created.status_code == 201 and created.json()["codes"] == ["R-001", "R-002", "R-003", "R-004", "R-005"]
