"""Import a RACI matrix from CSV: read, check every row and column, then save all or nothing.

The format is the CSV export's: a header row with "Activity" (required), optional
"Key", "Stage" and "Kind", and one column per project role (the role's name as the
portal shows it, or its code). Rows are numbered as a spreadsheet shows them (the
header is row 1). A row whose key or name matches an activity of the matrix sets
that activity's cells; any other row adds a team activity (its Stage is then
required). Role columns left out of the file are left as they are; an empty cell
clears the role's letters.
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.projects.choices import Role, Stage

from . import services
from .choices import ActivityKind, Letter
from .models import RaciActivity, RaciMatrix

MAX_IMPORT_BYTES = 256 * 1024
MAX_IMPORT_ROWS = services.MAX_ACTIVITIES
META_COLUMNS = {"key": "key", "activity key": "key", "activity": "name", "stage": "stage", "kind": "kind"}


def _norm(text) -> str:
    return " ".join(str(text or "").replace("_", " ").lower().split())


ROLE_HEADERS = {**{_norm(role.label): role.value for role in Role}, **{_norm(role.value): role.value for role in Role}}
STAGE_VALUES = {**{_norm(stage.label): stage.value for stage in Stage}, **{_norm(s.value): s.value for s in Stage}}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, column “{self.column}”: {self.message}"


class RaciImportError(ValidationError):
    """Every problem of the file at once; nothing was saved."""

    def __init__(self, errors: list[RowError]):
        self.errors_by_row = errors
        super().__init__({"rows": [str(error) for error in errors]})


@dataclass
class ImportResult:
    updated: int = 0
    created: list[str] = field(default_factory=list)


def _read(upload) -> list[list[str]]:
    if PurePath(upload.name or "").suffix.lower() not in (".csv", ".txt"):
        raise RaciImportError([RowError(0, "file", "give a .csv file (the CSV export's format)")])
    if upload.size > MAX_IMPORT_BYTES:
        raise RaciImportError([RowError(0, "file", f"the file is larger than {MAX_IMPORT_BYTES // 1024} KB")])
    raw = upload.read(MAX_IMPORT_BYTES + 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RaciImportError([RowError(0, "file", "the file is not UTF-8 text (save it as CSV UTF-8)")]) from None
    try:
        sample = text[:4096]
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    if "\x00" in text:
        raise RaciImportError([RowError(0, "file", "the file holds NUL characters: it is not a CSV text file")])
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as error:
        raise RaciImportError([RowError(0, "file", f"not readable as CSV ({error})")]) from None
    if len(rows) - 1 > MAX_IMPORT_ROWS:
        raise RaciImportError([RowError(0, "file", f"more than {MAX_IMPORT_ROWS} activities")])
    return rows


def _strip_formula_quote(value: str) -> str:
    """Exports prefix cells starting with = + - @ with a quote (formula escaping); take it off again."""
    return value[1:] if value.startswith("'") and value[1:2] in ("=", "+", "-", "@") else value


def raci_import(*, actor, matrix: RaciMatrix, upload) -> ImportResult:
    """Check the whole file first; save every row or none."""
    services.check_manager(actor, matrix.project)
    rows = _read(upload)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise RaciImportError([RowError(1, "header", "the file has no header row")])
    header = rows[0]
    errors: list[RowError] = []
    meta: dict[str, int] = {}
    role_columns: dict[int, str] = {}
    for index, title in enumerate(header):
        name = _norm(title)
        if not name:
            continue
        if name in META_COLUMNS:
            meta[META_COLUMNS[name]] = index
        elif name in ROLE_HEADERS:
            if ROLE_HEADERS[name] in role_columns.values():
                errors.append(RowError(1, title, "this role has two columns"))
            role_columns[index] = ROLE_HEADERS[name]
        else:
            errors.append(RowError(1, title, "not a column of the RACI format (Activity, Key, Stage, Kind, a role)"))
    if "name" not in meta:
        errors.append(RowError(1, "Activity", "the column is missing"))
    if not role_columns:
        errors.append(RowError(1, "roles", "no project role column (e.g. “Product Owner”)"))
    if "name" not in meta or not role_columns:
        raise RaciImportError(errors)  # the rows cannot be read without these; other header problems wait

    activities = list(
        RaciActivity.objects.filter(matrix=matrix).select_related("deliverable").prefetch_related("assignments")
    )
    by_key = {a.key: a for a in activities}
    by_name = {_norm(a.name): a for a in activities}
    seen: dict[object, int] = {}
    plan = []  # (activity or None, name, stage, {role: letters})

    def cell(row, index):
        return _strip_formula_quote(row[index].strip()) if index < len(row) else ""

    for number, row in enumerate(rows[1:], start=2):
        if not any(value.strip() for value in row):
            continue
        name = " ".join(cell(row, meta["name"]).split())
        key = cell(row, meta["key"]) if "key" in meta else ""
        activity = by_key.get(key) if key else None
        if key and activity is None and not key.startswith("custom:"):
            errors.append(RowError(number, header[meta["key"]], f"no activity of this matrix has the key “{key}”"))
            continue
        activity = activity or by_name.get(_norm(name))
        if not name and activity is None:
            errors.append(RowError(number, header[meta["name"]], "name the activity"))
            continue
        if len(name) > 200:
            errors.append(RowError(number, header[meta["name"]], "the name is longer than 200 characters"))
            continue
        identity = activity.pk if activity else _norm(name)
        if identity in seen:
            errors.append(
                RowError(number, header[meta["name"]], f"the same activity is already on row {seen[identity]}")
            )
            continue
        seen[identity] = number
        stage = ""
        if activity is None:
            raw_stage = cell(row, meta["stage"]) if "stage" in meta else ""
            stage = STAGE_VALUES.get(_norm(raw_stage), "")
            if not stage:
                column = header[meta["stage"]] if "stage" in meta else "Stage"
                errors.append(RowError(number, column, f"a new activity needs its lifecycle stage (got “{raw_stage}”)"))
        letters: dict[str, set[str]] = {}
        for index, role in role_columns.items():
            value = cell(row, index)
            try:
                letters[role] = services.parse_letters(value)
            except ValidationError:
                errors.append(RowError(number, header[index], f"“{value}” is not RACI: use R, A, C and I only"))
        accountable = [role for role, held in letters.items() if Letter.ACCOUNTABLE in held]
        if activity is not None:
            kept_a = [
                a.role for a in activity.assignments.all() if a.letter == Letter.ACCOUNTABLE and a.role not in letters
            ]
            accountable += kept_a
        if len(accountable) > 1:
            in_file = [index for index, role in role_columns.items() if role in accountable]
            column = header[in_file[-1]] if in_file else header[meta["name"]]
            labels = " and ".join(Role(role).label for role in accountable)
            errors.append(RowError(number, column, f"only one role may be Accountable ({labels} are)"))
        plan.append((activity, name, stage, letters))
    if len([p for p in plan if p[0] is None]) + len(activities) > services.MAX_ACTIVITIES:
        errors.append(RowError(0, "file", f"a matrix holds at most {services.MAX_ACTIVITIES} activities"))
    if errors:
        raise RaciImportError(errors)
    return _apply(actor=actor, matrix=matrix, plan=plan)


@transaction.atomic
def _apply(*, actor, matrix: RaciMatrix, plan) -> ImportResult:
    matrix = services.lock_matrix(matrix)
    services.check_editable(matrix)
    result = ImportResult()
    changed = False
    # Read again under the lock: the plan was checked against what the matrix held before it.
    fresh = RaciActivity.objects.filter(matrix=matrix).prefetch_related("assignments").in_bulk()
    for activity, name, stage, letters in plan:
        current = None
        if activity is not None:
            activity = fresh.get(activity.pk)
            if activity is None:
                raise ValidationError("The matrix changed while the file was read; import it again.")
            current = list(activity.assignments.all())
        if activity is None:
            activity = RaciActivity(
                project=matrix.project,
                matrix=matrix,
                kind=ActivityKind.CUSTOM,
                stage=stage,
                name=name,
                position=services.stage_position(stage, 950 + len(result.created)),
            )
            activity.full_clean(validate_constraints=False)
            activity.save()
            result.created.append(name)
            changed = True
        else:
            result.updated += 1
        # Cells losing their A first, so that moving the Accountable within a row never holds two.
        ordered = sorted(letters.items(), key=lambda item: Letter.ACCOUNTABLE in item[1])
        for role, held in ordered:
            changed |= services.write_cell(activity, role, held, current=[] if current is None else current)
    if changed:
        services.matrix_changed(matrix)
    return result
