"""Import from CSV or XLSX: bounded before parsing, checked in one pass, previewed, then confirmed or cancelled."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from apps.audit.models import AuditEntry
from apps.risks import importing
from apps.risks.choices import Category, ImportState, ReviewFrequency, RiskStatus
from apps.risks.importing import (
    EXAMPLE_FILE,
    risk_import_cancel,
    risk_import_confirm,
    risk_import_start,
)
from apps.risks.models import Risk, RiskImport
from tests.factories import ProjectFactory

HEADER = "Title,Category,Impact,Likelihood,Owner,Residual"
# The guide's extract as a spreadsheet user pastes it: no Category column, its own codes.
GUIDE_EXTRACT_WITHOUT_CATEGORY = (
    "\n".join(
        ",".join(cells[:7])
        for cells in (line.split(",") for line in EXAMPLE_FILE.read_text(encoding="utf-8").splitlines())
    )
    + "\n"
)


def csv_file(text: str, name: str = "register.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_file(rows: list[list], name: str = "register.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows))


def sample() -> SimpleUploadedFile:
    return SimpleUploadedFile(EXAMPLE_FILE.name, EXAMPLE_FILE.read_bytes())


def start(actor, project, upload) -> RiskImport:
    risk_import = risk_import_start(actor=actor, project=project, upload=upload)
    risk_import.refresh_from_db()
    return risk_import


def problems_of(risk_import) -> list[tuple[int, str]]:
    return [(problem["row"], problem["column"]) for problem in risk_import.problems]


# --- The whole flow: the guide's sample --------------------------------------------------------------


def test_the_guides_sample_is_previewed_with_each_owner_resolution_then_confirmed(project, team):
    risk_import = start(team["compliance"], project, sample())
    assert risk_import.state == ImportState.READY and risk_import.problems == []
    assert not Risk.objects.exists(), "nothing is saved before the confirm"
    preview = {row["code"]: row for row in importing.preview_rows(risk_import)}
    assert list(preview) == ["R-001", "R-002", "R-003", "R-004", "R-005"]
    assert preview["R-001"]["owner_text"] == f"Data Engineer role → {team['engineer']}"
    # "Product / Data Scientist": the Product Owner is the one member of the first role that fits; shown as such.
    assert preview["R-002"]["owner_text"] == f"Product Owner role → {team['owner']}"
    assert preview["R-002"]["owner"]["text"] == "Product / Data Scientist"
    assert preview["R-005"]["owner_text"] == f"MLOps Engineer role → {team['mlops']}"
    assert (preview["R-001"]["inherent"]["score"], preview["R-001"]["residual"]["score"]) == (12, 4)

    risk_import = risk_import_confirm(actor=team["compliance"], risk_import=risk_import)
    assert risk_import.state == ImportState.CONFIRMED
    assert risk_import.created_codes == ["R-001", "R-002", "R-003", "R-004", "R-005"]
    rows = {
        r.code: (r.impact, r.likelihood, r.residual_impact, r.residual_likelihood, r.owner, r.category)
        for r in Risk.objects.all()
    }
    assert rows == {
        "R-001": (4, 3, 4, 1, team["engineer"], Category.DEPENDENCY_FRAGILITY),
        "R-002": (3, 4, 3, 3, team["owner"], Category.DATA_AVAILABILITY),
        "R-003": (4, 3, 4, 2, team["mlops"], Category.CONCEPT_DRIFT),
        "R-004": (4, 2, 4, 2, team["compliance"], Category.REGULATORY_CHANGE),
        "R-005": (3, 3, 3, 1, team["mlops"], Category.COST_OVERRUN),
    }
    first = Risk.objects.get(number=1)
    assert first.title == "Upstream transaction schema change breaks ingestion"
    assert first.mitigation == "Data contract + schema diff alerts + staging canary"
    assert first.review_frequency == ReviewFrequency.WEEKLY and first.status == RiskStatus.OPEN
    assert first.created_by == team["compliance"]


def test_an_owner_given_by_name_is_shown_as_a_person(project, team):
    name = team["scientist"].get_full_name()
    risk_import = start(team["owner"], project, csv_file(f"{HEADER}\nA,Privacy,2,2,{name},\nB,Privacy,2,2,,\n"))
    first, second = importing.preview_rows(risk_import)
    assert first["owner_text"] == f"{team['scientist']} (by name)"
    assert second["owner_text"] == "" and second["owner"]["how"] == ""


def test_the_guides_extract_with_several_errors_reports_every_problem_in_one_pass(project, team, make_risk):
    for _ in range(5):
        make_risk()
    risk_import = start(team["compliance"], project, csv_file(GUIDE_EXTRACT_WITHOUT_CATEGORY))
    assert risk_import.state == ImportState.FAILED
    # The missing column AND the codes already used, rows 2-6: all at once.
    assert problems_of(risk_import) == [(1, "Category")] + [(row, "ID") for row in range(2, 7)]
    assert "required column is missing" in risk_import.problems[0]["message"]
    assert all("already issued" in problem["message"] for problem in risk_import.problems[1:])
    # Owners are still resolved and shown, so the next upload holds no surprise.
    assert importing.preview_rows(risk_import)[1]["owner_text"] == f"Product Owner role → {team['owner']}"
    with pytest.raises(ValidationError, match="has problems"):
        risk_import_confirm(actor=team["compliance"], risk_import=risk_import)
    assert Risk.objects.count() == 5


def test_every_problem_of_every_row_is_reported(project, team):
    upload = csv_file(
        "ID,Title,Category,Impact,Likelihood,Owner,Residual\n"
        "R-001,A,Weather,3,3,,\n"
        "R-001,B,Privacy,3,3,nobody@nowhere.test,\n"
        "X-9,C,Privacy,2,Often,,High\n"
    )
    risk_import = start(team["owner"], project, upload)
    assert problems_of(risk_import) == [(2, "Category"), (3, "ID"), (3, "Owner"), (4, "ID"), (4, "Likelihood")]
    owner = importing.preview_rows(risk_import)[1]
    assert owner["owner_text"] == "unresolved" and owner["errors"]


def test_codes_already_issued_are_refused_and_given_codes_are_kept(project, team, make_risk):
    make_risk()
    make_risk()
    refused = start(team["owner"], project, csv_file(f"ID,{HEADER}\nR-002,T,Privacy,2,2,,\n"))
    assert "already issued" in refused.problems[0]["message"]
    kept = start(team["owner"], project, csv_file(f"ID,{HEADER}\nR-010,A,Privacy,2,2,,\n,B,Privacy,2,2,,\n"))
    assert [(row["code"], row["code_given"]) for row in kept.rows] == [("R-010", True), ("R-011", False)]
    assert risk_import_confirm(actor=team["owner"], risk_import=kept).created_codes == ["R-010", "R-011"]


def test_xlsx_imports_with_numbers_and_residual_columns_and_lists_ignored_columns(project, team):
    upload = xlsx_file(
        [
            ["Title", "Category", "Impact", "Likelihood", "Residual impact", "Residual likelihood", "Owner", "Notes"],
            ["Prompt injection via tickets", "Security", 4, 3, 4, 2, team["mlops"].username, "ignored"],
        ]
    )
    risk_import = start(team["owner"], project, upload)
    assert risk_import.ignored_columns == ["Notes"]
    risk_import_confirm(actor=team["owner"], risk_import=risk_import)
    risk = Risk.objects.get()
    assert (risk.inherent, risk.residual, risk.owner) == (12, 8, team["mlops"])


def test_a_missing_required_column_is_reported_on_the_header_row(project, team):
    risk_import = start(team["owner"], project, csv_file("Title,Impact\nA,3\n"))
    assert problems_of(risk_import) == [(1, "Category"), (1, "Likelihood")]


# --- Confirm and cancel -------------------------------------------------------------------------------


def test_confirm_creates_all_or_nothing_when_a_code_was_issued_meanwhile(project, team, make_risk):
    risk_import = start(team["owner"], project, csv_file(f"ID,{HEADER}\n,A,Privacy,2,2,,\nR-003,B,Privacy,2,2,,\n"))
    assert risk_import.state == ImportState.READY
    for _ in range(3):
        make_risk()  # recorded by hand after the preview
    with pytest.raises(ValidationError, match="R-003"):
        risk_import_confirm(actor=team["owner"], risk_import=risk_import)
    assert Risk.objects.count() == 3
    risk_import.refresh_from_db()
    assert risk_import.state == ImportState.READY and risk_import.created_codes == []


@pytest.mark.parametrize("rows", [3, 60])
def test_confirm_costs_the_same_queries_whatever_the_number_of_rows(rows, project, team, django_assert_max_num_queries):
    body = "".join(f"Risk {n},Privacy,3,2,{team['engineer'].username},\n" for n in range(rows))
    risk_import = start(team["owner"], project, csv_file(f"{HEADER}\n{body}"))
    assert risk_import.state == ImportState.READY
    with django_assert_max_num_queries(36):  # was about 7 per row
        risk_import_confirm(actor=team["owner"], risk_import=risk_import)
    created = Risk.objects.filter(project=project)
    assert created.count() == rows and {r.owner_id for r in created} == {team["engineer"].pk}
    entries = AuditEntry.objects.filter(content_type__model="risk", project_id=project.pk, action=0)
    assert entries.count() == rows  # each imported risk audited


def test_confirm_refuses_an_owner_who_left_the_project_and_saves_nothing(project, team):
    risk_import = start(team["owner"], project, csv_file(f"{HEADER}\nA,Privacy,2,2,{team['scientist'].username},\n"))
    team["scientist"].memberships.all().delete()
    with pytest.raises(ValidationError, match="no longer a member"):
        risk_import_confirm(actor=team["owner"], risk_import=risk_import)
    assert not Risk.objects.exists()


def test_cancel_creates_nothing_and_a_cancelled_import_cannot_be_confirmed(project, team):
    risk_import = start(team["compliance"], project, sample())
    risk_import = risk_import_cancel(actor=team["compliance"], risk_import=risk_import)
    assert risk_import.state == ImportState.CANCELLED and risk_import.decided_by == team["compliance"]
    with pytest.raises(ValidationError, match="was cancelled"):
        risk_import_confirm(actor=team["compliance"], risk_import=risk_import)
    assert not Risk.objects.exists()


def test_only_the_uploader_or_a_product_owner_decides(project, team):
    risk_import = start(team["compliance"], project, sample())
    with pytest.raises(ValidationError, match="Only"):
        risk_import_confirm(actor=team["engineer"], risk_import=risk_import)
    assert risk_import_confirm(actor=team["owner"], risk_import=risk_import).decided_by == team["owner"]


def test_the_import_is_one_audit_event_and_the_risks_carry_its_correlation_id(project, team):
    risk_import = start(team["compliance"], project, sample())
    risk_import_confirm(actor=team["compliance"], risk_import=risk_import)
    entries = AuditEntry.objects.filter(object_pk=str(risk_import.pk), content_type__model="riskimport").order_by("id")
    states = [entry.changes.get("state") for entry in entries]
    assert states[0][1] == ImportState.VALIDATING and states[-1] == [ImportState.READY, ImportState.CONFIRMED]
    assert "R-005" in entries.last().changes["created_codes"][1]
    assert entries.last().project_id == project.pk
    risk_entries = AuditEntry.objects.filter(content_type__model="risk", action=AuditEntry.Action.CREATE)
    assert risk_entries.count() == 5
    assert set(risk_entries.values_list("cid", flat=True)) == {risk_import.audit_cid}


# --- Bounded before and while parsing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("diagram.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "is not a spreadsheet"),
        ("register.pdf", b"%PDF-1.7\n", "is not a spreadsheet"),
        ("register.xlsx", b"MZ\x90\x00 this is an executable", "is not a .xlsx file"),
        ("register.csv", b"\xff\xfe\x00\x00binary\x00\x00", "not UTF-8 text"),
        ("register.csv", b"Category,Impact\nPrivacy,2\x00\n", "NUL character"),
        ("register.csv", b"", "is empty"),
    ],
)
def test_a_non_spreadsheet_upload_is_refused_cleanly_and_nothing_is_kept(project, team, name, content, reason):
    with pytest.raises(ValidationError) as error:
        risk_import_start(actor=team["owner"], project=project, upload=SimpleUploadedFile(name, content))
    assert reason in " ".join(error.value.message_dict["file"])
    assert not RiskImport.objects.exists() and not Risk.objects.exists()


def test_an_oversized_file_is_refused_before_it_is_read(project, team):
    upload = csv_file(HEADER + "\n" + "x" * (3 * 1024 * 1024))
    with pytest.raises(ValidationError) as error:
        risk_import_start(actor=team["owner"], project=project, upload=upload)
    assert "is 3.0\xa0MB; an import is at most 2.0\xa0MB" in error.value.message_dict["file"][0]


def bomb(*, unpacked_mb: int) -> bytes:
    """A real workbook whose sheet is padded with megabytes of repeated, empty rows (compresses ~1000:1)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["Title", "Category", "Impact", "Likelihood"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                padding = b"<!-- " + b"A" * (unpacked_mb * 1024 * 1024) + b" -->"
                data = data.replace(b"<sheetData>", padding + b"<sheetData>")
            archive.writestr(info.filename, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("unpacked_mb", "reason"),
    [(12, "to 1 (at most 100 to 1)"), (39, "unpacks to far more data than a risk register holds")],
)
def test_a_zip_bomb_workbook_is_refused_before_openpyxl_parses_it(project, team, monkeypatch, unpacked_mb, reason):
    import openpyxl

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not parse a refused workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    content = bomb(unpacked_mb=unpacked_mb)
    assert len(content) < 200 * 1024
    with pytest.raises(ValidationError) as error:
        risk_import_start(actor=team["owner"], project=project, upload=SimpleUploadedFile("register.xlsx", content))
    assert reason in error.value.message_dict["file"][0]
    assert not RiskImport.objects.exists()


def test_a_normal_workbook_of_two_thousand_rows_passes_the_archive_checks():
    rows = [["Title", "Category", "Impact", "Likelihood"]] + [
        [f"Risk {n}", "Privacy", 3, 2] for n in range(importing.MAX_IMPORT_ROWS)
    ]
    importing.check_workbook_archive(xlsx_bytes(rows))


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize(
    ("shape", "reason"),
    [
        ("rows", "more than 2,000 risks"),
        ("columns", "has 51 columns; an import reads at most 50"),
        ("cell", "10,000 characters"),
    ],
)
def test_a_file_over_the_row_column_or_cell_caps_is_refused_with_a_clear_message(
    project, team, kind, shape, reason, django_capture_on_commit_callbacks
):
    header = ["Title", "Category", "Impact", "Likelihood"]
    rows = [header, ["A", "Privacy", "2", "2"]]
    if shape == "rows":
        rows = [header] + [[f"R{n}", "Privacy", "2", "2"] for n in range(importing.MAX_IMPORT_ROWS + 1)]
    elif shape == "columns":
        rows = [header + [f"Extra {n}" for n in range(47)]] + rows[1:]
    else:
        rows = [header, ["x" * (importing.MAX_CELL_CHARS + 1), "Privacy", "2", "2"]]
    upload = (
        csv_file("\n".join(",".join(row) for row in rows) + "\n")
        if kind == "csv"
        else xlsx_file([list(row) for row in rows])
    )
    with django_capture_on_commit_callbacks(execute=True):  # the large ones are checked by the task
        risk_import = start(team["owner"], project, upload)
    risk_import.refresh_from_db()
    assert risk_import.state == ImportState.FAILED
    assert reason in risk_import.problems[0]["message"], risk_import.problems
    assert risk_import.rows == []


def test_a_sheet_that_claims_a_million_blank_rows_stops_at_the_scan_cap(project, team):
    risk_import = start(
        team["owner"],
        project,
        xlsx_file([["Title", "Category", "Impact", "Likelihood"]] + [[]] * importing.MAX_SCANNED_ROWS + [["A"]]),
    )
    assert "runs past row 10,000" in risk_import.problems[0]["message"]


# --- Large files: checked by the task, with progress ------------------------------------------------


def large_csv(rows: int) -> SimpleUploadedFile:
    lines = [HEADER] + [f"Risk number {n} with a longer title,Privacy,3,2,," for n in range(rows)]
    return csv_file("\n".join(lines) + "\n", name="large.csv")


def test_a_large_file_is_checked_by_the_task_with_progress_states(
    client, project, team, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(importing, "PROGRESS_EVERY_ROWS", 100)
    seen = []
    original = importing._refresh_progress

    def spy(risk_import, **counters):
        original(risk_import, **counters)
        seen.append(RiskImport.objects.values_list("state", "rows_checked", "rows_total").get(pk=risk_import.pk))

    monkeypatch.setattr(importing, "_refresh_progress", spy)
    upload = large_csv(700)
    assert upload.size > importing.INLINE_CHECK_MAX_BYTES
    client.force_login(team["compliance"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"/projects/{project.slug}/risks/import/", {"file": upload})
    risk_import = RiskImport.objects.get()
    assert response.status_code == 302 and response.url == risk_import.get_absolute_url()
    assert risk_import.state == ImportState.VALIDATING and risk_import.in_background
    page = client.get(risk_import.get_absolute_url())
    assert "Checking “large.csv”" in page.content.decode() and "Reading the file" in page.content.decode()
    poll = client.get(f"{risk_import.get_absolute_url()}?progress=1", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in poll.content.decode()

    for callback in callbacks:
        callback()  # the worker runs check_risk_import (CELERY_TASK_ALWAYS_EAGER in tests)
    assert seen[0] == (ImportState.VALIDATING, 0, 700)
    assert [checked for _, checked, _ in seen[1:]] == [100, 200, 300, 400, 500, 600, 700]
    risk_import.refresh_from_db()
    assert (risk_import.state, risk_import.rows_checked, risk_import.rows_total) == (ImportState.READY, 700, 700)
    done = client.get(f"{risk_import.get_absolute_url()}?progress=1", headers={"HX-Request": "true"})
    assert done.headers["HX-Refresh"] == "true"
    page = client.get(risk_import.get_absolute_url())
    assert "700 risks will be created" in page.content.decode()


def test_the_task_checks_once_when_run_twice(project, team, django_capture_on_commit_callbacks):
    from apps.risks.tasks import check_risk_import

    with django_capture_on_commit_callbacks(execute=True):
        risk_import = risk_import_start(actor=team["owner"], project=project, upload=large_csv(700))
    assert check_risk_import(risk_import.pk) == ImportState.READY
    assert RiskImport.objects.get().rows_total == 700


# --- Pages and API ------------------------------------------------------------------------------------


def test_import_pages_preview_confirm_and_the_register_gets_the_risks(client, project, team):
    client.force_login(team["compliance"])
    response = client.post(f"/projects/{project.slug}/risks/import/", {"file": sample()})
    risk_import = RiskImport.objects.get()
    assert response.url == risk_import.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "5 risks will be created" in page
    assert f"Product Owner role → {team['owner']}" in page and "written: “Product / Data Scientist”" in page
    assert "Confirm and create 5 risks" in page
    done = client.post(f"{response.url}confirm/", follow=True)
    assert "Imported 5 risks from “risk-register-sample.csv”: R-001, R-002, R-003, R-004, R-005." in (
        done.content.decode()
    )
    assert Risk.objects.count() == 5


def test_the_failed_preview_lists_missing_columns_and_row_problems_together(client, project, team, make_risk):
    for _ in range(5):
        make_risk()
    client.force_login(team["compliance"])
    response = client.post(
        f"/projects/{project.slug}/risks/import/", {"file": csv_file(GUIDE_EXTRACT_WITHOUT_CATEGORY)}, follow=True
    )
    page = response.content.decode()
    assert "6 problems</strong> in 5 of 5 rows" in page
    assert "This required column is missing." in page
    # each code problem is in the report and on its row of the preview
    assert page.count("was already issued in this project") == 10
    assert "Confirm and create" not in page


def test_a_refused_file_shows_the_reason_on_the_form(client, project, team):
    client.force_login(team["compliance"])
    page = client.post(f"/projects/{project.slug}/risks/import/", {"file": SimpleUploadedFile("x.pdf", b"%PDF")})
    assert page.status_code == 200 and "is not a spreadsheet" in page.content.decode()
    assert not RiskImport.objects.exists()


def test_another_member_may_read_but_not_confirm_someone_elses_import(client, api_client, project, team):
    risk_import = start(team["compliance"], project, sample())
    client.force_login(team["engineer"])
    page = client.get(risk_import.get_absolute_url())
    assert (
        page.status_code == 200
        and "Only" in page.content.decode()
        and "Confirm and create" not in page.content.decode()
    )
    assert client.post(f"{risk_import.get_absolute_url()}confirm/").status_code == 403
    api_client.force_authenticate(team["engineer"])
    api = f"/api/v1/projects/{project.slug}/risks/imports/{risk_import.pk}/"
    assert api_client.post(f"{api}cancel/").status_code == 403
    assert not Risk.objects.exists()


def test_outsiders_get_404_and_auditors_read_but_every_write_is_403(
    client, api_client, project, team, outsider, auditor
):
    risk_import = start(team["compliance"], project, sample())
    url = risk_import.get_absolute_url()
    api = f"/api/v1/projects/{project.slug}/risks/imports/{risk_import.pk}/"
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(f"{url}confirm/").status_code == 404
    api_client.force_authenticate(outsider)
    assert api_client.get(api).status_code == 404
    client.force_login(auditor)
    assert client.get(url).status_code == 200
    for path in (f"{url}confirm/", f"{url}cancel/"):
        assert client.post(path).status_code == 403
    api_client.force_authenticate(auditor)
    assert api_client.get(api).status_code == 200
    for path in (f"{api}confirm/", f"{api}cancel/"):
        assert api_client.post(path).status_code == 403
    elsewhere = ProjectFactory()
    other = start(elsewhere.owner, elsewhere, sample())
    client.force_login(team["owner"])
    assert client.get(f"/projects/{project.slug}/risks/import/{other.pk}/").status_code == 404
    assert not Risk.objects.exists()


def test_api_upload_returns_the_preview_then_confirm_creates_the_risks(api_client, project, team):
    api_client.force_authenticate(team["compliance"])
    base = f"/api/v1/projects/{project.slug}/risks/"
    response = api_client.post(f"{base}import/", {"file": sample()}, format="multipart")
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "ready" and body["problems"] == []
    assert body["rows"][1]["owner"]["how"] == "role"
    assert body["rows"][1]["owner"]["resolution"] == f"Product Owner role → {team['owner']}"
    assert (body["rows"][0]["code"], body["rows"][0]["impact"], body["rows"][0]["category"]) == (
        "R-001",
        4,
        "dependency_fragility",
    )
    assert api_client.get(f"{base}imports/{body['id']}/").json()["state"] == "ready"
    confirmed = api_client.post(f"{base}imports/{body['id']}/confirm/")
    assert confirmed.status_code == 200
    assert confirmed.json()["created_codes"] == ["R-001", "R-002", "R-003", "R-004", "R-005"]
    again = api_client.post(f"{base}imports/{body['id']}/confirm/")
    assert again.status_code == 400 and "already confirmed" in again.json()["error"]["message"]


def test_api_errors_keep_the_error_shape(api_client, project, team):
    api_client.force_authenticate(team["compliance"])
    base = f"/api/v1/projects/{project.slug}/risks/"
    refused = api_client.post(f"{base}import/", {"file": SimpleUploadedFile("x.pdf", b"%PDF")}, format="multipart")
    assert refused.status_code == 400 and "is not a spreadsheet" in refused.json()["error"]["fields"]["file"][0]
    failed = api_client.post(
        f"{base}import/", {"file": csv_file(f"{HEADER}\nA,Privacy,2,Often,,\n")}, format="multipart"
    )
    assert failed.status_code == 201 and failed.json()["state"] == "failed"
    assert failed.json()["problems"] == [
        {"row": 2, "column": "Likelihood", "message": failed.json()["problems"][0]["message"]}
    ]
    confirm = api_client.post(f"{base}imports/{failed.json()['id']}/confirm/")
    assert confirm.status_code == 400 and confirm.json()["error"]["status"] == 400


def test_api_large_upload_answers_202_and_is_polled_until_ready(
    api_client, project, team, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(team["compliance"])
    base = f"/api/v1/projects/{project.slug}/risks/"
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"{base}import/", {"file": large_csv(700)}, format="multipart")
    assert response.status_code == 202 and response.json()["state"] == "validating"
    polled = api_client.get(f"{base}imports/{response.json()['id']}/").json()
    assert (polled["state"], polled["rows_checked"], polled["percent_checked"]) == ("ready", 700, 100)


@pytest.mark.parametrize("rows", [5, 60])
def test_the_preview_page_costs_the_same_queries_whatever_the_number_of_rows(
    client, project, team, django_assert_max_num_queries, rows
):
    lines = [HEADER] + [f"Risk {n},Privacy,3,2,{team['engineer'].username},Low" for n in range(rows)]
    risk_import = start(team["compliance"], project, csv_file("\n".join(lines)))
    client.force_login(team["compliance"])
    with django_assert_max_num_queries(12):
        assert client.get(risk_import.get_absolute_url()).status_code == 200
    api_client_url = f"/api/v1/projects/{project.slug}/risks/imports/{risk_import.pk}/"
    with django_assert_max_num_queries(10):
        assert client.get(api_client_url).status_code == 200


@pytest.mark.parametrize("imports", [1, 8])
def test_the_upload_page_with_recent_imports_costs_bounded_queries(
    client, project, team, django_assert_max_num_queries, imports
):
    for _ in range(imports):
        start(team["compliance"], project, sample())
    client.force_login(team["compliance"])
    with django_assert_max_num_queries(10):
        page = client.get(f"/projects/{project.slug}/risks/import/")
    assert page.content.decode().count("risk-register-sample.csv</a>") == imports


def test_a_large_import_is_confirmed_by_the_task_and_its_risks_carry_the_confirmer(
    client, project, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        risk_import = start(team["compliance"], project, large_csv(700))
    risk_import.refresh_from_db()
    assert risk_import.state == ImportState.READY
    client.force_login(team["compliance"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"{risk_import.get_absolute_url()}confirm/", follow=True)
    assert "Creating 700 risks…" in response.content.decode()
    risk_import.refresh_from_db()
    assert risk_import.state == ImportState.IMPORTING and not Risk.objects.exists()
    with pytest.raises(ValidationError, match="being created"):
        risk_import_cancel(actor=team["compliance"], risk_import=risk_import)
    for callback in callbacks:
        callback()
    risk_import.refresh_from_db()
    assert risk_import.state == ImportState.CONFIRMED and len(risk_import.created_codes) == 700
    assert Risk.objects.count() == 700
    created = AuditEntry.objects.filter(content_type__model="risk", action=AuditEntry.Action.CREATE)
    assert set(created.values_list("actor", "cid")) == {(team["compliance"].pk, risk_import.audit_cid)}


def test_a_large_confirm_that_meets_a_code_issued_meanwhile_fails_and_creates_nothing(
    project, team, make_risk, django_capture_on_commit_callbacks
):
    lines = [f"ID,{HEADER}", "R-002,Given code,Privacy,2,2,,"] + [f",Risk {n},Privacy,3,2,," for n in range(700)]
    with django_capture_on_commit_callbacks(execute=True):
        risk_import = start(team["owner"], project, csv_file("\n".join(lines)))
    risk_import.refresh_from_db()
    assert risk_import.in_background and risk_import.state == ImportState.READY
    make_risk()
    make_risk()
    with django_capture_on_commit_callbacks(execute=True):
        risk_import_confirm(actor=team["owner"], risk_import=risk_import)
    risk_import.refresh_from_db()
    assert risk_import.state == ImportState.FAILED and "R-002" in risk_import.problems[0]["message"]
    assert Risk.objects.count() == 2
