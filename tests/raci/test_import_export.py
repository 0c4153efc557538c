import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from apps.projects.choices import Role
from apps.raci.importing import MAX_IMPORT_BYTES, RaciImportError, raci_import
from apps.raci.models import RaciActivity
from apps.raci.selectors import grid_build

HEADER = "Key,Activity,Stage,Product Owner,QA / Test Engineer,Data Scientist / ML Engineer\n"


def _csv(text: str, name="raci.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _row(matrix, key):
    return next(row for row in grid_build(matrix=matrix).rows if row.activity.key == key)


def test_import_moves_the_accountable_and_adds_a_team_activity(matrix, staffed_project):
    text = HEADER + "gate:evaluation,Evaluation gate,,C,A,R\n,Red-team review,Evaluation,A,R,C\n"
    result = raci_import(actor=staffed_project.owner, matrix=matrix, upload=_csv(text))
    assert result.updated == 1 and result.created == ["Red-team review"]
    assert _row(matrix, "gate:evaluation").accountable == Role.QA_ENGINEER
    custom = RaciActivity.objects.get(matrix=matrix, name="Red-team review")
    assert _row(matrix, custom.key).cells == {"product_owner": "A", "qa_engineer": "R", "data_scientist": "C"}


def test_import_is_all_or_nothing_with_errors_by_row_and_column(matrix, staffed_project):
    before = grid_build(matrix=matrix).snapshot()
    text = (
        HEADER
        + "gate:evaluation,Evaluation gate,,C,A,R\n"  # fine on its own
        + "gate:model_development,Model Development gate,,A,X,R\n"  # X is not a letter
        + ",New thing,,R,,\n"  # no stage
        + "deliverable:eda-report,EDA Report,,A,A,R\n"  # two Accountables
    )
    with pytest.raises(RaciImportError) as caught:
        raci_import(actor=staffed_project.owner, matrix=matrix, upload=_csv(text))
    messages = [str(error) for error in caught.value.errors_by_row]
    assert messages == [
        "Row 3, column “QA / Test Engineer”: “X” is not RACI: use R, A, C and I only",
        "Row 4, column “Stage”: a new activity needs its lifecycle stage (got “”)",
        "Row 5, column “QA / Test Engineer”: only one role may be Accountable"
        " (Product Owner and QA / Test Engineer are)",
    ]
    assert grid_build(matrix=matrix).snapshot() == before


def test_import_refuses_an_accountable_kept_from_a_role_missing_from_the_file(matrix, staffed_project):
    text = "Activity,QA / Test Engineer\nEvaluation gate,A\n"  # the Product Owner keeps its A
    with pytest.raises(RaciImportError, match="only one role may be Accountable"):
        raci_import(actor=staffed_project.owner, matrix=matrix, upload=_csv(text))


def test_import_refuses_unknown_columns_and_oversized_files(matrix, staffed_project):
    with pytest.raises(RaciImportError, match="Row 1, column “Budget”"):
        raci_import(actor=staffed_project.owner, matrix=matrix, upload=_csv("Activity,Budget\nX,1\n"))
    with pytest.raises(RaciImportError, match="larger than"):
        raci_import(actor=staffed_project.owner, matrix=matrix, upload=_csv("a" * (MAX_IMPORT_BYTES + 1)))


def test_import_page_lists_row_errors_and_saves_nothing(client, matrix, staffed_project):
    client.force_login(staffed_project.owner)
    url = reverse("raci:import", args=[staffed_project.slug])
    page = client.post(url, {"file": _csv(HEADER + "gate:model_development,Model Development gate,,A,Q,R\n")})
    assert page.status_code == 200 and "Nothing was imported: 1 problem" in page.content.decode()


def test_import_api_answers_row_errors_in_the_error_shape(api_client, matrix, staffed_project):
    api_client.force_authenticate(staffed_project.owner)
    url = f"/api/v1/projects/{staffed_project.slug}/raci/import/"
    response = api_client.post(url, {"file": _csv(HEADER + "gate:scoping,Scoping gate,,A,A,R\n")}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["rows"][0].startswith("Row 2, column “QA / Test Engineer”")


def test_pdf_export_prints_every_activity_and_letter(client, matrix, staffed_project):
    client.force_login(staffed_project.owner)
    response = client.get(reverse("raci:export", args=[staffed_project.slug, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "RACI matrix — " + staffed_project.name in text
    assert "Evaluation gate" in text and "Model Card / Fact Sheet" in text


def test_csv_export_imports_back_unchanged_and_xlsx_has_the_same_columns(client, matrix, staffed_project):
    from openpyxl import load_workbook

    from apps.raci.exports import COLUMNS

    client.force_login(staffed_project.owner)
    response = client.get(reverse("raci:export", args=[staffed_project.slug, "csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].split(",")[:4] == ["Key", "Activity", "Stage", "Kind"]
    before = grid_build(matrix=matrix).snapshot()
    result = raci_import(actor=staffed_project.owner, matrix=matrix, upload=_csv(text))
    assert result.updated == 37 and result.created == []
    assert grid_build(matrix=matrix).snapshot() == before
    matrix.refresh_from_db()
    assert matrix.revision == 1  # nothing changed, so no new revision

    workbook = client.get(reverse("raci:export", args=[staffed_project.slug, "xlsx"]))
    sheet = load_workbook(io.BytesIO(workbook.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS and len(rows) == 38


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("raci.xlsx", b"PK\x03\x04", "give a .csv file"),
        ("raci.csv", b"Activity,Product Owner\n\x00,A\n", "NUL characters"),
        ("raci.csv", b"\xff\xfeA\x00", "not UTF-8"),
    ],
)
def test_import_refuses_files_that_are_not_csv_text(matrix, staffed_project, name, content, message):
    with pytest.raises(RaciImportError, match=message):
        raci_import(actor=staffed_project.owner, matrix=matrix, upload=SimpleUploadedFile(name, content))
