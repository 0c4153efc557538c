"""Import an existing risk register from CSV or XLSX: upload, check, preview, then confirm or cancel.

The flow (docs/risks.md, "Import"):

1. `risk_import_start` refuses what must never be parsed, before any parser runs: another file
   type, more than 2 MB, a CSV that is not UTF-8 text or holds a NUL byte, a workbook whose zip
   directory promises too much (unpacked size, compression ratio, number of parts). It stores
   the file on a `RiskImport` and checks it at once when it is small, otherwise in a Celery task
   (`tasks.check_risk_import`) while the import's page shows the progress.
2. `risk_import_check` reads the file in streaming mode (openpyxl `read_only=True`, the csv module
   with a field size limit), stops at the row, column, cell and text caps, and checks the whole
   file in one pass: every missing column and every row problem is reported at once. Each row is
   kept as it will be saved, with how its owner was resolved (a person by name, a role's holder,
   or unresolved). The import is then `ready` (nothing wrong) or `failed` (every problem listed).
3. A person confirms (`risk_import_confirm`: all risks in one transaction through the register's
   services, codes re-checked under the register's lock) or cancels (`risk_import_cancel`).

Rows are numbered as a spreadsheet shows them: the header is row 1, the first risk row 2.
"""

import contextlib
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath

from auditlog.cid import correlation_id
from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import Truncator

from apps.core.uploads import CheckedUpload, check_upload, safe_file_name, stored_upload
from apps.projects import roles
from apps.projects.access import visible_projects
from apps.projects.choices import Role, Stage
from apps.projects.models import Project
from apps.projects.selectors import member_roles, project_members, project_role_holders
from apps.projects.services import ensure_project_writable

from . import scoring, services
from .choices import Band, Category, Impact, ImportState, Likelihood, ReviewFrequency, RiskStatus
from .models import Risk, RiskImport, format_code, parse_code

IMPORT_EXTENSIONS = ("csv", "xlsx")
MAX_IMPORT_BYTES = 2 * 1024 * 1024
# A workbook is a zip archive: these bound what it may unpack to, read from its directory before any parsing.
MAX_XLSX_UNPACKED_BYTES = 16 * 1024 * 1024
MAX_XLSX_RATIO = 100  # a part larger than RATIO_CHECKED_FROM may unpack to at most 100x its packed size
RATIO_CHECKED_FROM = 256 * 1024
MAX_XLSX_PARTS = 200
# What is read: risks (non-empty rows), rows scanned (blank ones included), columns, characters.
MAX_IMPORT_ROWS = 2000
MAX_SCANNED_ROWS = 10_000
MAX_IMPORT_COLUMNS = 50
MAX_CELL_CHARS = 10_000
MAX_TOTAL_CHARS = 4_000_000
# Files up to this size (about 100 risks) are checked and saved in the request; larger ones by Celery tasks
# while the import's page shows the progress.
INLINE_CHECK_MAX_BYTES = 10 * 1024
PROGRESS_EVERY_ROWS = 100
EXAMPLE_FILE = Path(__file__).resolve().parent / "data" / "risk-register-sample.csv"


def _key(text) -> str:
    return " ".join(str(text or "").replace("_", " ").replace("*", " ").lower().split())


# column -> the header names that mean it (compared case- and space-insensitively)
COLUMNS = {
    "code": ("id", "code", "risk id", "ref", "reference"),
    "title": ("title", "risk title", "name"),
    "description": ("description", "risk description", "risk"),
    "category": ("category", "risk category"),
    "stage": ("stage", "lifecycle stage"),
    "impact": ("impact", "inherent impact"),
    "likelihood": ("likelihood", "inherent likelihood", "probability"),
    "owner": ("owner", "risk owner"),
    "mitigation": ("mitigation", "mitigations", "controls"),
    "residual": ("residual", "residual risk", "residual rating"),
    "residual_impact": ("residual impact",),
    "residual_likelihood": ("residual likelihood",),
    "status": ("status",),
    "review_frequency": ("review frequency", "review cadence", "cadence"),
}
HEADER_TO_COLUMN = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
REQUIRED = ("category", "impact", "likelihood")
MODEL_FIELD_COLUMN = {
    "title": "title",
    "description": "description",
    "category": "category",
    "stage": "stage",
    "impact": "impact",
    "likelihood": "likelihood",
    "owner": "owner",
    "mitigation": "mitigation",
    "residual_impact": "residual_impact",
    "residual_likelihood": "residual_likelihood",
    "status": "status",
    "review_frequency": "review_frequency",
}

# Role names as registers write them (the guide's extract: "Data Engineer", "Tech Lead / MLOps", ...).
ROLE_ALIASES = {
    "product": Role.PRODUCT_OWNER,
    "product owner": Role.PRODUCT_OWNER,
    "product manager": Role.PRODUCT_MANAGER,
    "sponsor": Role.EXECUTIVE_SPONSOR,
    "executive sponsor": Role.EXECUTIVE_SPONSOR,
    "data scientist": Role.DATA_SCIENTIST,
    "ml engineer": Role.DATA_SCIENTIST,
    "data engineer": Role.DATA_ENGINEER,
    "mlops": Role.MLOPS_ENGINEER,
    "mlops engineer": Role.MLOPS_ENGINEER,
    "sme": Role.DOMAIN_SME,
    "domain sme": Role.DOMAIN_SME,
    "domain expert": Role.DOMAIN_SME,
    "qa": Role.QA_ENGINEER,
    "qa engineer": Role.QA_ENGINEER,
    "test engineer": Role.QA_ENGINEER,
    "compliance": Role.COMPLIANCE_OFFICER,
    "compliance officer": Role.COMPLIANCE_OFFICER,
    "security officer": Role.COMPLIANCE_OFFICER,
    "ethics reviewer": Role.ETHICS_REVIEWER,
    "fairness reviewer": Role.ETHICS_REVIEWER,
    **{_key(role.label): role for role in Role},
    **{_key(role.value): role for role in Role},
}
CATEGORY_ALIASES = {
    "concept drift speed": Category.CONCEPT_DRIFT,  # the guide's wording (5.14)
    "drift": Category.CONCEPT_DRIFT,
    "fairness": Category.FAIRNESS_BIAS,
    "bias": Category.FAIRNESS_BIAS,
    "hallucination": Category.LLM_SAFETY,
    "llm safety": Category.LLM_SAFETY,
    "cost": Category.COST_OVERRUN,
    **{_key(category.label): category for category in Category},
    **{_key(category.value): category for category in Category},
}


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": message})


# --- Before parsing: what the upload may be -----------------------------------------------------


@dataclass(frozen=True)
class CheckedImport:
    """An upload that may be parsed: its stored name, extension and size."""

    upload: CheckedUpload
    extension: str


def check_import_file(upload: UploadedFile) -> CheckedImport:
    """Refuse, without parsing, anything that is not a CSV or a workbook of a sensible size and shape."""
    name = safe_file_name(upload.name or "")
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in IMPORT_EXTENSIONS:
        raise _file_error(
            f"“{name}” is not a spreadsheet: import a .csv or .xlsx file (Excel: File › Save As › .xlsx)."
        )
    if upload.size > MAX_IMPORT_BYTES:
        limit = filesizeformat(MAX_IMPORT_BYTES)
        raise _file_error(f"“{name}” is {filesizeformat(upload.size)}; an import is at most {limit}.")
    if upload.size == 0:
        raise _file_error(f"“{name}” is empty.")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if extension == "csv":
        _decode_csv(data)
    else:
        check_upload(upload, field="file")  # a workbook is a zip archive: a renamed binary is refused here
        check_workbook_archive(data)
    return CheckedImport(
        upload=CheckedUpload(file=upload, name=name, size=upload.size, extension=extension), extension=extension
    )


def _decode_csv(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error(
            "The CSV file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (comma delimited)”."
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise _file_error(f"Row {line} contains a NUL character: the file is not a plain spreadsheet.")
    return text


def check_workbook_archive(data: bytes) -> None:
    """Read the workbook's zip directory only: refuse a zip bomb before anything is unpacked."""
    too_much = "The workbook unpacks to far more data than a risk register holds"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _file_error("The file cannot be read as an Excel workbook (.xlsx).") from None
    if len(parts) > MAX_XLSX_PARTS:
        raise _file_error(
            f"The workbook has {len(parts)} parts; a risk register has far fewer. Save it again as .xlsx."
        )
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise _file_error(
            f"{too_much} ({filesizeformat(unpacked)} unpacked, at most {filesizeformat(MAX_XLSX_UNPACKED_BYTES)})."
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_CHECKED_FROM and ratio > MAX_XLSX_RATIO:
            raise _file_error(
                f"{too_much}: one part is compressed {ratio:,.0f} to 1 (at most {MAX_XLSX_RATIO} to 1). "
                "Save it again as .xlsx, or export it as CSV."
            )


# --- Reading, in streaming mode and within the caps -----------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _bounded(rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list[str]]]:
    """(row number, text cells) of non-empty rows, header first; refuses a file past any cap."""
    risks = -1  # the first non-empty row is the header
    total_chars = 0
    for number, raw in rows:
        if number > MAX_SCANNED_ROWS:
            raise _file_error(
                f"The sheet runs past row {MAX_SCANNED_ROWS:,} (blank rows count): delete the empty rows below "
                f"the register, or split it. An import holds at most {MAX_IMPORT_ROWS:,} risks."
            )
        cells = [_cell_text(value) for value in raw]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if len(cells) > MAX_IMPORT_COLUMNS:
            raise _file_error(
                f"Row {number} has {len(cells)} columns; an import reads at most {MAX_IMPORT_COLUMNS}. "
                "Delete the columns the register does not need."
            )
        for index, cell in enumerate(cells):
            if len(cell) > MAX_CELL_CHARS:
                raise _file_error(
                    f"Row {number}, column {index + 1} holds {len(cell):,} characters; a cell holds at most "
                    f"{MAX_CELL_CHARS:,} characters."
                )
            total_chars += len(cell)
        if total_chars > MAX_TOTAL_CHARS:
            raise _file_error(f"The file holds more than {MAX_TOTAL_CHARS:,} characters of text: split it.")
        risks += 1
        if risks > MAX_IMPORT_ROWS:
            raise _file_error(
                f"The file has more than {MAX_IMPORT_ROWS:,} risks (reading stopped at row {number:,}): "
                "split it into several imports."
            )
        yield number, cells


@contextlib.contextmanager
def _csv_field_limit(limit: int):
    # The csv module's limit is process-wide; it is restored as soon as the file is read.
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    with _csv_field_limit(MAX_CELL_CHARS):
        number = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                line = reader.line_num
                if "field larger than field limit" in str(error):
                    raise _file_error(
                        f"A cell on row {line} is longer than {MAX_CELL_CHARS:,} characters (or a quote is not closed)."
                    ) from None
                raise _file_error(f"The CSV file cannot be read (row {line}): {error}.") from None
            number += 1
            yield number, row


def _xlsx_rows(file) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook  # imported here: only imports and exports need it

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file; each means the same here
        raise _file_error("The file cannot be read as an Excel workbook (.xlsx).") from None
    try:
        sheet = workbook["Risks"] if "Risks" in workbook.sheetnames else workbook.worksheets[0]
        # The declared dimension may claim a million rows; read the rows that are there.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        number = 0
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception:
                raise _file_error("The file cannot be read as an Excel workbook (.xlsx).") from None
            number += 1
            yield number, list(row)
    finally:
        workbook.close()


def read_rows(file, extension: str) -> list[tuple[int, list[str]]]:
    """The file's non-empty rows as (row number, text cells), header first, within every cap."""
    file.seek(0)
    if extension == "csv":
        return list(_bounded(_csv_rows(_decode_csv(file.read()))))
    return list(_bounded(_xlsx_rows(file)))


# --- Reading the cells ----------------------------------------------------------------


class CellError(Exception):
    """A cell's value does not fit its column."""


def _level(text: str, scale) -> int:
    key = _key(text)
    if key.isdigit() and 1 <= int(key) <= 5:
        return int(key)
    for level in scale:
        if key in {_key(level.label), _key(level.label.split("·")[-1])}:
            return level.value
    if key in {band.value for band in Band}:
        return scoring.WORD_LEVELS[Band(key)]
    names = ", ".join(level.label.split("·")[-1].strip() for level in scale)
    raise CellError(f"“{text}” is not a level: give 1-5, {names}, or Low / Medium / High.")


def _choice(text: str, choices, aliases: dict | None = None, *, what: str) -> str:
    key = _key(text)
    found = (aliases or {}).get(key) or next(
        (choice for choice in choices if key in {_key(choice.value), _key(choice.label)}), None
    )
    if found is None:
        raise CellError(f"“{text}” is not a known {what}. Use one of: {', '.join(c.label for c in choices)}.")
    return str(found)


class OwnerResolution:
    """How an Owner cell was read: `how` is "person", "role", "unresolved" or "" (empty cell)."""

    PERSON, ROLE, UNRESOLVED = "person", "role", "unresolved"


class OwnerResolver:
    """Finds a project member from a username, e-mail, full name or role name, and says how."""

    def __init__(self, project: Project):
        self.by_role: dict[str, set] = {}
        self.by_name: dict[str, set] = {}
        self.users: dict[int, object] = {}
        for role, people in project_role_holders(project=project).items():
            self.by_role[role] = set(people)
            for user in people:
                self.users[user.pk] = user
                for name in {user.username, user.email, user.get_full_name()} - {""}:
                    self.by_name.setdefault(_key(name), set()).add(user)

    def __call__(self, text: str) -> dict:
        """{"text", "how", "user", "name", "role", "detail"}: the cell, how it was resolved, and to whom."""
        key = _key(text)
        found = {"text": text, "how": "", "user": None, "name": "", "role": "", "detail": ""}
        if not key:
            return found
        if len(self.by_name.get(key, ())) == 1:
            user = next(iter(self.by_name[key]))
            return {**found, "how": OwnerResolution.PERSON, "user": user.pk, "name": str(user)}
        problems = []
        # "Tech Lead / MLOps": the whole text, then each alternative in turn.
        for alternative in [key, *(_key(part) for part in key.split("/"))]:
            role = ROLE_ALIASES.get(alternative)
            if role is None:
                continue
            holders = self.by_role.get(role, set())
            if len(holders) == 1:
                user = next(iter(holders))
                return {
                    **found,
                    "how": OwnerResolution.ROLE,
                    "user": user.pk,
                    "name": str(user),
                    "role": Role(role).label,
                    "detail": "" if alternative == key else f"“{alternative}” read as {Role(role).label}",
                }
            problems.append(
                f"{len(holders)} members hold {Role(role).label}" if holders else f"no member holds {Role(role).label}"
            )
        if len(self.by_name.get(key, ())) > 1:
            problems.insert(0, f"{len(self.by_name[key])} members are called that")
        detail = f" ({'; '.join(dict.fromkeys(problems))})" if problems else ""
        return {
            **found,
            "how": OwnerResolution.UNRESOLVED,
            "detail": (
                f"“{text}” is not a member of this project{detail}. Give a username, an e-mail, a full name, "
                "or a role that exactly one member holds."
            ),
        }


# --- Checking the whole file in one pass ------------------------------------------------------------


@dataclass
class CheckReport:
    """Every row as it will be saved, every problem of the file, and the columns that are ignored."""

    rows: list[dict]
    problems: list[dict]
    ignored_columns: list[str]


def _header(header: list[str]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Column -> index, column -> header as written, and the headers that are ignored."""
    indexes, written, ignored = {}, {}, []
    for index, name in enumerate(header):
        column = HEADER_TO_COLUMN.get(_key(name))
        if column is None or column in indexes:
            if name.strip():
                ignored.append(name.strip())
            continue
        indexes[column], written[column] = index, name.strip()
    return indexes, written, ignored


def _title_from(description: str) -> str:
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    return Truncator(first_line).chars(Risk._meta.get_field("title").max_length)


def _problem(row: int, column: str, message: str) -> dict:
    return {"row": row, "column": column, "message": message}


def check_rows(
    *,
    actor,
    project: Project,
    rows: list[tuple[int, list[str]]],
    progress: Callable[[int], None] | None = None,
) -> CheckReport:
    """Check every row of a read file at once: missing columns and every row's problems, in file order."""
    header = rows[0][1] if rows else []
    data_rows = rows[1:]
    indexes, written, ignored = _header(header)
    problems: list[dict] = []

    def column_name(column: str) -> str:
        return written.get(column) or COLUMNS[column][0].title()

    missing = [column for column in REQUIRED if column not in indexes]
    if "title" not in indexes and "description" not in indexes:
        missing.append("title")
    problems += [_problem(1, column_name(column), "This required column is missing.") for column in missing]
    if not data_rows:
        problems.append(_problem(2, column_name("title"), "The file has a header but no risks."))

    owners = OwnerResolver(project)
    issued = services.risk_register_get(project=project).last_number
    seen_codes: dict[int, int] = {}
    checked_rows: list[dict] = []
    parsers = {
        "category": lambda text: _choice(text, Category, CATEGORY_ALIASES, what="category"),
        "stage": lambda text: _choice(text, Stage, what="lifecycle stage"),
        "impact": lambda text: _level(text, Impact),
        "likelihood": lambda text: _level(text, Likelihood),
        "residual_impact": lambda text: _level(text, Impact),
        "residual_likelihood": lambda text: _level(text, Likelihood),
        "status": lambda text: _choice(text, RiskStatus, what="status"),
        "review_frequency": lambda text: _choice(text, ReviewFrequency, what="review frequency"),
        "mitigation": str,
    }
    for position, (row_number, row) in enumerate(data_rows, start=1):
        cells = {column: (row[index] if index < len(row) else "") for column, index in indexes.items()}
        errors: list[dict] = []

        def fail(column: str, message: str, *, row_number=row_number, errors=errors) -> None:
            errors.append(_problem(row_number, column_name(column), message))

        fields: dict = {}
        number = None
        if cells.get("code"):
            number = parse_code(cells["code"])
            if number is None:
                fail("code", f"“{cells['code']}” is not a risk code like R-001 (leave it empty for the next free one).")
            elif number in seen_codes:
                fail("code", f"{format_code(number)} is also on row {seen_codes[number]}.")
            elif number <= issued:
                fail("code", f"{format_code(number)} was already issued in this project and codes are never reused.")
            else:
                seen_codes[number] = row_number
        description = cells.get("description", "")
        fields["title"] = cells.get("title") or _title_from(description)
        # Without a title column the description becomes the title; it is kept only if it says more.
        fields["description"] = "" if description.strip() == fields["title"] else description
        if not fields["title"]:
            fail("title" if "title" in indexes else "description", "Give the risk a title or a description.")
        for column, parse in parsers.items():
            text = cells.get(column, "")
            if not text:
                if column in REQUIRED and column in indexes:
                    fail(column, "This cell is empty.")
                continue
            try:
                fields[column] = parse(text)
            except CellError as error:
                fail(column, str(error))
        owner = owners(cells.get("owner", ""))
        if owner["how"] == OwnerResolution.UNRESOLVED:
            fail("owner", owner["detail"])
        elif owner["user"]:
            fields["owner"] = owner["user"]
        if fields.get("status") == RiskStatus.ACCEPTED:
            fail(
                "status", "Import accepted risks as open, then accept them in the portal (an acceptance has an expiry)."
            )
        if ("residual_impact" in fields) != ("residual_likelihood" in fields):
            fail("residual_impact", "Give both the residual impact and the residual likelihood, or neither.")
        elif (
            "residual_impact" not in fields and cells.get("residual") and "impact" in fields and "likelihood" in fields
        ):
            residual = cells["residual"]
            if _key(residual) not in Band.values:
                fail("residual", f"“{residual}” is not Low, Medium or High.")
            else:
                pair = scoring.residual_for_band(
                    Band(_key(residual)), impact=fields["impact"], likelihood=fields["likelihood"]
                )
                if pair is None:
                    fail("residual", f"{residual} is above the inherent rating: mitigation does not add risk.")
                else:
                    fields["residual_impact"], fields["residual_likelihood"] = pair

        if not errors and not missing:
            try:
                risk = services.risk_build(actor=actor, project=project, **_model_fields(fields, owners.users))
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    column = MODEL_FIELD_COLUMN.get(name, "title")
                    for message in messages:
                        fail(column if column in indexes or column == "title" else "residual", message)
            else:
                fields["residual_impact"] = risk.residual_impact
                fields["residual_likelihood"] = risk.residual_likelihood
                fields["review_frequency"] = risk.review_frequency
                fields.setdefault("status", risk.status)
        checked_rows.append({"row": row_number, "number": number, "values": fields, "owner": owner, "errors": errors})
        problems += errors
        if progress is not None and position % PROGRESS_EVERY_ROWS == 0:
            progress(position)

    _plan_codes(checked_rows, issued=issued)
    return CheckReport(rows=checked_rows, problems=problems, ignored_columns=ignored)


def _model_fields(values: dict, users: dict) -> dict:
    """The stored values of a row (the owner as a user id) as `risk_build` takes them (the owner as a user)."""
    fields = dict(values)
    if values.get("owner"):
        fields["owner"] = users[values["owner"]]
    return fields


def _plan_codes(rows: list[dict], *, issued: int) -> None:
    """The code each row would get now: a given one, else the next free one after every given one."""
    start = max([issued, *(row["number"] for row in rows if row["number"])])
    for row in rows:
        if row["number"]:
            row["code"], row["code_given"] = format_code(row["number"]), True
        else:
            start += 1
            row["code"], row["code_given"] = format_code(start), False


# --- The import's services: start, check, confirm, cancel -------------------------------------------


def _refresh_progress(risk_import: RiskImport, **counters) -> None:
    # Progress counters are not audited and move often: a plain UPDATE, outside any transaction.
    RiskImport.objects.filter(pk=risk_import.pk).update(**counters)


@transaction.atomic
def risk_import_start(*, actor, project: Project, upload: UploadedFile) -> RiskImport:
    """Refuse what must not be parsed, store the file, and check it now (small) or in a task (large)."""
    ensure_project_writable(project)
    checked = check_import_file(upload)
    risk_import = RiskImport(
        project=project,
        uploaded_by=actor,
        file_name=checked.upload.name,
        file_size=checked.upload.size,
        in_background=checked.upload.size > INLINE_CHECK_MAX_BYTES,
    )
    with stored_upload(risk_import.file, checked.upload):
        risk_import.full_clean()
        risk_import.save()
    if risk_import.in_background:
        from .tasks import check_risk_import  # tasks import this module

        transaction.on_commit(lambda: check_risk_import.delay(risk_import.pk))
    else:
        risk_import_check(risk_import=risk_import)
    return risk_import


def risk_import_check(*, risk_import: RiskImport) -> RiskImport:
    """Read and check the stored file in one pass; the import becomes ready or failed, with every problem."""
    if risk_import.state != ImportState.VALIDATING:
        return risk_import  # a task run twice checks once
    extension = PurePath(risk_import.file_name).suffix.lower().lstrip(".")
    try:
        with risk_import.file.open("rb") as file:
            rows = read_rows(file, extension)
    except ValidationError as error:
        report = CheckReport(rows=[], problems=[_problem(0, "File", " ".join(error.messages))], ignored_columns=[])
    else:
        _refresh_progress(risk_import, rows_total=max(len(rows) - 1, 0))
        report = check_rows(
            actor=risk_import.uploaded_by,
            project=risk_import.project,
            rows=rows,
            progress=lambda checked: _refresh_progress(risk_import, rows_checked=checked),
        )
    return _record_check(risk_import=risk_import, report=report)


@transaction.atomic
def _record_check(*, risk_import: RiskImport, report: CheckReport) -> RiskImport:
    risk_import = RiskImport.objects.select_for_update().get(pk=risk_import.pk)
    if risk_import.state != ImportState.VALIDATING:
        return risk_import
    risk_import.rows = report.rows
    risk_import.problems = report.problems
    risk_import.ignored_columns = report.ignored_columns
    risk_import.rows_total = risk_import.rows_checked = len(report.rows)
    risk_import.state = ImportState.FAILED if report.problems else ImportState.READY
    risk_import.full_clean()
    risk_import.save()
    return risk_import


def may_decide(*, user, risk_import: RiskImport, project_perms) -> bool:
    """The uploader, or a Product Owner of the project, confirms or cancels an import."""
    if roles.MANAGE_RISKS not in project_perms:
        return False
    return risk_import.uploaded_by_id == user.pk or _is_product_owner(user=user, project=risk_import.project)


def _is_product_owner(*, user, project: Project) -> bool:
    return Role.PRODUCT_OWNER in member_roles(project=project, user=user)


def _check_decider(*, actor, risk_import: RiskImport) -> None:
    if risk_import.uploaded_by_id != actor.pk and not _is_product_owner(user=actor, project=risk_import.project):
        raise ValidationError(
            f"Only {risk_import.uploaded_by}, who uploaded the file, or a Product Owner confirms or cancels it."
        )


NOT_NOW = {
    ImportState.VALIDATING: "The file is still being checked: confirm it when the preview is ready.",
    ImportState.FAILED: "The file has problems, so nothing can be imported: fix them and upload the file again.",
    ImportState.IMPORTING: "This import is already confirmed: its risks are being created.",
    ImportState.CONFIRMED: "This import was already confirmed: its risks are in the register.",
    ImportState.CANCELLED: "This import was cancelled: upload the file again to import it.",
}


def _locked(risk_import: RiskImport, *, wanted: tuple[str, ...]) -> RiskImport:
    locked = RiskImport.objects.select_for_update().select_related("project").get(pk=risk_import.pk)
    if locked.state not in wanted:
        raise ValidationError(NOT_NOW[locked.state])
    return locked


def import_actions(risk_import: RiskImport) -> set[str]:
    """What may be done with the import now: "confirm" and/or "cancel" (the state machine, asked by the pages)."""
    actions = set()
    if risk_import.state == ImportState.READY:
        actions.add("confirm")
    if risk_import.state in (ImportState.VALIDATING, ImportState.READY, ImportState.FAILED):
        actions.add("cancel")
    return actions


@transaction.atomic
def risk_import_confirm(*, actor, risk_import: RiskImport) -> RiskImport:
    """Create every risk of a ready import in one transaction, or none; record their codes on the import.

    A large import is handed to a task (state `importing`) and its page shows when it is done.
    """
    ensure_project_writable(risk_import.project)
    _check_decider(actor=actor, risk_import=risk_import)
    risk_import = _locked(risk_import, wanted=(ImportState.READY,))
    risk_import.decided_by = actor
    risk_import.decided_at = timezone.now()
    if not risk_import.in_background:
        return _create_risks(risk_import=risk_import, actor=actor)
    from .tasks import create_imported_risks  # tasks import this module

    risk_import.state = ImportState.IMPORTING
    risk_import.full_clean()
    risk_import.save()
    transaction.on_commit(lambda: create_imported_risks.delay(risk_import.pk))
    return risk_import


def risk_import_create_risks(*, risk_import_id: int) -> RiskImport:
    """The task's side of a large confirm: create the risks, or record why nothing was created."""
    try:
        with transaction.atomic():
            risk_import = (
                RiskImport.objects.select_for_update(of=("self",))
                .select_related("project", "decided_by")
                .get(pk=risk_import_id)
            )
            if risk_import.state != ImportState.IMPORTING:
                return risk_import  # a task run twice creates once
            with set_actor(risk_import.decided_by):
                return _create_risks(risk_import=risk_import, actor=risk_import.decided_by)
    except ValidationError as error:
        return _record_create_failure(risk_import_id=risk_import_id, error=error)


@transaction.atomic
def _record_create_failure(*, risk_import_id: int, error: ValidationError) -> RiskImport:
    risk_import = RiskImport.objects.select_for_update().get(pk=risk_import_id)
    risk_import.state = ImportState.FAILED
    risk_import.problems = [_problem(0, "File", message) for message in error.messages]
    risk_import.full_clean()
    risk_import.save()
    return risk_import


def _create_risks(*, risk_import: RiskImport, actor) -> RiskImport:
    """Inside the confirm's transaction, on the locked import: the risks, through the register's services.

    Rules checked again now, under the register's lock: the codes given in the file were not issued
    meanwhile, and every owner is still a member. The risks' audit entries carry the import's
    correlation id, so the trail shows them as this import's rows.
    """
    project = risk_import.project
    owner_ids = {row["values"].get("owner") for row in risk_import.rows} - {None}
    members = set(project_members(project=project).filter(pk__in=owner_ids).values_list("pk", flat=True))
    gone = [f"row {row['row']}" for row in risk_import.rows if row["values"].get("owner") not in (None, *members)]
    if gone:
        raise ValidationError(
            {"rows": [f"The owner on {', '.join(gone)} is no longer a member of the project: upload the file again."]}
        )
    users = get_user_model().objects.in_bulk(owner_ids)
    token = correlation_id.set(risk_import.audit_cid)
    try:
        built = [
            services.risk_build(actor=risk_import.uploaded_by, project=project, **_model_fields(row["values"], users))
            for row in risk_import.rows
        ]
        try:
            risks = services.risk_import_save(
                actor=actor, project=project, risks=built, codes=[row["number"] for row in risk_import.rows]
            )
        except ValidationError as error:
            raise ValidationError(
                {"rows": [f"{message} Nothing was imported; upload the file again." for message in error.messages]}
            ) from None
        risk_import.created_codes = [risk.code for risk in risks]
        risk_import.state = ImportState.CONFIRMED
        risk_import.full_clean()
        risk_import.save()
    finally:
        correlation_id.reset(token)
    return risk_import


@transaction.atomic
def risk_import_cancel(*, actor, risk_import: RiskImport) -> RiskImport:
    """Drop an import that is not confirmed: nothing is created; the import stays on record as cancelled."""
    _check_decider(actor=actor, risk_import=risk_import)
    risk_import = _locked(risk_import, wanted=(ImportState.VALIDATING, ImportState.READY, ImportState.FAILED))
    risk_import.state = ImportState.CANCELLED
    risk_import.decided_by = actor
    risk_import.decided_at = timezone.now()
    risk_import.full_clean()
    risk_import.save()
    return risk_import


# --- Reads ----------------------------------------------------------------------------------------


def risk_import_get(*, user, project: Project, pk: int) -> RiskImport | None:
    """An import of `project`, when `user` may see the project."""
    return (
        RiskImport.objects.filter(project__in=visible_projects(user), project=project, pk=pk)
        .select_related("project", "uploaded_by", "decided_by")
        .first()
    )


def risk_import_list(*, user, project: Project, limit: int = 10) -> QuerySet[RiskImport]:
    """The project's latest imports, without their rows."""
    return (
        RiskImport.objects.filter(project__in=visible_projects(user), project=project)
        .select_related("uploaded_by", "project")
        .defer("rows", "problems")[:limit]
    )


def preview_rows(risk_import: RiskImport) -> list[dict]:
    """Each stored row as people read it: labels, scores and bands, and the owner's resolution. No queries."""
    previews = []
    created = risk_import.created_codes if len(risk_import.created_codes) == len(risk_import.rows) else []
    for index, row in enumerate(risk_import.rows):
        values = row["values"]
        owner = row["owner"]
        preview = {
            "row": row["row"],
            "code": created[index] if created else row.get("code", ""),
            "created": bool(created),
            "code_given": row.get("code_given", False),
            "title": values.get("title", ""),
            "description": values.get("description", ""),
            "category": _label(Category, values.get("category")),
            "stage": _label(Stage, values.get("stage")) or "Whole lifecycle",
            "mitigation": values.get("mitigation", ""),
            "status": _label(RiskStatus, values.get("status")),
            "review_frequency": _label(ReviewFrequency, values.get("review_frequency")),
            "owner": owner,
            "owner_text": owner_resolution_text(owner),
            "errors": row["errors"],
        }
        for prefix, impact, likelihood in (
            ("inherent", values.get("impact"), values.get("likelihood")),
            ("residual", values.get("residual_impact"), values.get("residual_likelihood")),
        ):
            if impact and likelihood:
                preview[prefix] = {"score": impact * likelihood, "band": scoring.score_band(impact * likelihood)}
                preview[f"{prefix}_formula"] = f"{impact} × {likelihood}"
        previews.append(preview)
    return previews


def _label(choices, value) -> str:
    return str(dict(choices.choices).get(value, "")) if value else ""


def owner_resolution_text(owner: dict) -> str:
    """“Priya Raman (by name)”, “Product Owner role → Priya Raman”, “unresolved”, or “” (no owner given)."""
    if owner["how"] == OwnerResolution.PERSON:
        return f"{owner['name']} (by name)"
    if owner["how"] == OwnerResolution.ROLE:
        return f"{owner['role']} role → {owner['name']}"
    if owner["how"] == OwnerResolution.UNRESOLVED:
        return "unresolved"
    return ""
