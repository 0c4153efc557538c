"""Import an existing risk register from CSV or XLSX: read, check every row, then save all or nothing.

The format is described in docs/risks.md. Rows are numbered as a spreadsheet
shows them: the header is row 1, the first risk row 2. Every problem is
reported with its row, its column (as written in the file) and the reason;
when there is any, nothing is saved.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import Truncator

from apps.core.uploads import check_upload
from apps.projects.choices import Role, Stage
from apps.projects.models import Project
from apps.projects.selectors import project_role_holders

from . import scoring, services
from .choices import Band, Category, Impact, Likelihood, ReviewFrequency, RiskStatus
from .models import Risk, parse_code

IMPORT_EXTENSIONS = ("csv", "xlsx")
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_XLSX_UNPACKED_BYTES = 40 * 1024 * 1024  # a small .xlsx that unpacks to gigabytes is refused unread
MAX_IMPORT_ROWS = 2000
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


@dataclass(frozen=True)
class RowError:
    """One problem in the file: where, and why."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, column “{self.column}”: {self.message}"


class RiskImportError(ValidationError):
    """The file has problems; nothing was saved. `row_errors` lists them, in file order."""

    def __init__(self, row_errors: list[RowError]):
        self.row_errors = row_errors
        super().__init__({"rows": [str(error) for error in row_errors]})


@dataclass
class ImportResult:
    risks: list[Risk]
    ignored_columns: list[str] = field(default_factory=list)


# --- Reading the file ---------------------------------------------------------------


def check_import_file(upload: UploadedFile) -> str:
    """Refuse anything but a CSV or XLSX file of a sensible size; return its extension."""
    name = PurePath(upload.name or "").name or "upload"
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in IMPORT_EXTENSIONS:
        raise ValidationError(
            {"file": f"“{name}” is not a spreadsheet: import a .csv or .xlsx file (Excel: File › Save As › .xlsx)."}
        )
    if upload.size > MAX_IMPORT_BYTES:
        limit = filesizeformat(MAX_IMPORT_BYTES)
        raise ValidationError({"file": f"“{name}” is {filesizeformat(upload.size)}; an import is at most {limit}."})
    if upload.size == 0:
        raise ValidationError({"file": f"“{name}” is empty."})
    if extension == "xlsx":
        check_upload(upload, field="file")  # a workbook is a zip archive: a renamed binary is refused here
    return extension


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _read_csv(upload: UploadedFile) -> list[list[str]]:
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            {"file": "The CSV file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (comma delimited)”."}
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [[_cell_text(cell) for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as error:
        raise ValidationError({"file": f"The CSV file cannot be read: {error}."}) from None


def _read_xlsx(upload: UploadedFile) -> list[list[str]]:
    from openpyxl import load_workbook  # imported here: only imports and exports need it

    unreadable = ValidationError({"file": "The file cannot be read as an Excel workbook (.xlsx)."})
    data = upload.read()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNPACKED_BYTES:
                raise ValidationError({"file": "The workbook unpacks to more data than a risk register holds."})
        workbook = load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except ValidationError:
        raise
    except Exception:  # openpyxl raises many kinds of errors on a damaged file; each means the same here
        raise unreadable from None
    sheet = workbook["Risks"] if "Risks" in workbook.sheetnames else workbook.worksheets[0]
    return [[_cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]


def read_rows(upload: UploadedFile) -> list[list[str]]:
    """The file's rows as text cells, header first."""
    extension = check_import_file(upload)
    upload.seek(0)
    rows = _read_csv(upload) if extension == "csv" else _read_xlsx(upload)
    for number, row in enumerate(rows, start=1):
        if any("\x00" in cell for cell in row):
            raise ValidationError(
                {"file": f"Row {number} contains a NUL character: the file is not a plain spreadsheet."}
            )
    return rows


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
    return found


class OwnerResolver:
    """Finds a project member from a username, e-mail, full name or role name."""

    def __init__(self, project: Project):
        self.by_role: dict[str, set] = {}
        self.by_name: dict[str, set] = {}
        for role, people in project_role_holders(project=project).items():
            self.by_role[role] = set(people)
            for user in people:
                for name in {user.username, user.email, user.get_full_name()} - {""}:
                    self.by_name.setdefault(_key(name), set()).add(user)

    def __call__(self, text: str):
        key = _key(text)
        if not key:
            return None
        if len(self.by_name.get(key, ())) == 1:
            return next(iter(self.by_name[key]))
        problems = []
        # "Tech Lead / MLOps": the whole text, then each alternative in turn.
        for alternative in [key, *(_key(part) for part in key.split("/"))]:
            role = ROLE_ALIASES.get(alternative)
            if role is None:
                continue
            holders = self.by_role.get(role, set())
            if len(holders) == 1:
                return next(iter(holders))
            problems.append(
                f"{len(holders)} members hold {Role(role).label}" if holders else f"no member holds {Role(role).label}"
            )
        detail = f" ({'; '.join(dict.fromkeys(problems))})" if problems else ""
        raise CellError(
            f"“{text}” is not a member of this project{detail}. Give a username, an e-mail, a full name, "
            "or a role that exactly one member holds."
        )


# --- Checking rows and saving -----------------------------------------------------------


def _header(rows: list[list[str]]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Column -> index, column -> header as written, and the headers that are ignored."""
    indexes, written, ignored = {}, {}, []
    for index, header in enumerate(rows[0] if rows else []):
        column = HEADER_TO_COLUMN.get(_key(header))
        if column is None or column in indexes:
            if header.strip():
                ignored.append(header.strip())
            continue
        indexes[column], written[column] = index, header.strip()
    return indexes, written, ignored


def _title_from(description: str) -> str:
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    return Truncator(first_line).chars(Risk._meta.get_field("title").max_length)


def risk_import(*, actor, project: Project, upload: UploadedFile) -> ImportResult:
    """Check every row of `upload`; save them all, or raise RiskImportError and save none."""
    rows = read_rows(upload)
    indexes, written, ignored = _header(rows)
    errors: list[RowError] = []

    def column_name(column: str) -> str:
        return written.get(column) or COLUMNS[column][0].title()

    missing = [column for column in REQUIRED if column not in indexes]
    if "title" not in indexes and "description" not in indexes:
        missing.append("title")
    if missing:
        raise RiskImportError([RowError(1, column_name(c), "This required column is missing.") for c in missing])
    data_rows = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(cell for cell in row)]
    if not data_rows:
        raise RiskImportError([RowError(2, column_name("title"), "The file has a header but no risks.")])
    if len(data_rows) > MAX_IMPORT_ROWS:
        raise ValidationError({"file": f"An import holds at most {MAX_IMPORT_ROWS} risks; split the file."})

    owners = OwnerResolver(project)
    issued = services.risk_register_get(project=project).last_number
    built: list[Risk] = []
    codes: list[int | None] = []
    seen_codes: dict[int, int] = {}
    for row_number, row in data_rows:
        cells = {column: (row[index] if index < len(row) else "") for column, index in indexes.items()}
        row_errors: list[RowError] = []

        def fail(column: str, message: str, *, row_number=row_number, row_errors=row_errors) -> None:
            row_errors.append(RowError(row_number, column_name(column), message))

        fields: dict = {}
        code = None
        if cells.get("code"):
            code = parse_code(cells["code"])
            if code is None:
                fail("code", f"“{cells['code']}” is not a risk code like R-001 (leave it empty for the next free one).")
            elif code in seen_codes:
                fail("code", f"{cells['code']} is also on row {seen_codes[code]}.")
            elif code <= issued:
                fail("code", f"{cells['code']} was already issued in this project and codes are never reused.")
            else:
                seen_codes[code] = row_number
        description = cells.get("description", "")
        fields["title"] = cells.get("title") or _title_from(description)
        # Without a title column the description becomes the title; it is kept only if it says more.
        fields["description"] = "" if description.strip() == fields["title"] else description
        if not fields["title"]:
            fail("title" if "title" in indexes else "description", "Give the risk a title or a description.")
        parsers = {
            "category": lambda text: _choice(text, Category, CATEGORY_ALIASES, what="category"),
            "stage": lambda text: _choice(text, Stage, what="lifecycle stage"),
            "impact": lambda text: _level(text, Impact),
            "likelihood": lambda text: _level(text, Likelihood),
            "residual_impact": lambda text: _level(text, Impact),
            "residual_likelihood": lambda text: _level(text, Likelihood),
            "status": lambda text: _choice(text, RiskStatus, what="status"),
            "review_frequency": lambda text: _choice(text, ReviewFrequency, what="review frequency"),
            "owner": owners,
            "mitigation": str,
        }
        for column, parse in parsers.items():
            text = cells.get(column, "")
            if not text:
                if column in REQUIRED:
                    fail(column, "This cell is empty.")
                continue
            try:
                fields[column] = parse(text)
            except CellError as error:
                fail(column, str(error))
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

        if not row_errors:
            try:
                built.append(services.risk_build(actor=actor, project=project, **fields))
                codes.append(code)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    column = MODEL_FIELD_COLUMN.get(name, "title")
                    for message in messages:
                        fail(column if column in indexes or column == "title" else "residual", message)
        errors += row_errors

    if errors:
        raise RiskImportError(errors)
    return ImportResult(
        risks=services.risk_import_save(actor=actor, project=project, risks=built, codes=codes),
        ignored_columns=ignored,
    )
