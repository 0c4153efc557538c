"""Exports of a filtered register: CSV, XLSX and PDF, for the browser and the API alike.

Every export takes the queryset the user sees on screen (selectors + filters),
so it follows their filters and permissions. Text cells go through `csv_safe`:
a cell that starts with = + - @ gets a leading quote and never runs as a
formula. The columns match the import format, so an export imports again.
"""

import csv
import io
from dataclasses import dataclass

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from apps.core.pdf import pdf_html, render_pdf
from apps.core.spreadsheets import csv_safe

from .models import Risk
from .selectors import heat_maps, risk_summary

MAX_PDF_RISKS = 1000
FORMATS = ("csv", "xlsx", "pdf")


def _name(user) -> str:
    return user.display_name if user else ""


# header -> value of one risk (numbers and dates stay typed for XLSX)
COLUMNS = [
    ("Project", lambda r: r.project.name),
    ("ID", lambda r: r.code),
    ("Title", lambda r: r.title),
    ("Description", lambda r: r.description),
    ("Category", lambda r: r.get_category_display()),
    ("Lifecycle stage", lambda r: r.get_stage_display() if r.stage else ""),
    ("Owner", lambda r: _name(r.owner)),
    ("Impact", lambda r: r.impact),
    ("Likelihood", lambda r: r.likelihood),
    ("Inherent score", lambda r: r.inherent),
    ("Inherent band", lambda r: r.inherent_band.label),
    ("Mitigation", lambda r: r.mitigation),
    ("Residual impact", lambda r: r.residual_impact),
    ("Residual likelihood", lambda r: r.residual_likelihood),
    ("Residual score", lambda r: r.residual),
    ("Residual band", lambda r: r.residual_band.label),
    ("Status", lambda r: r.get_status_display()),
    ("Accepted until", lambda r: r.accepted_until),
    ("Review frequency", lambda r: r.get_review_frequency_display()),
    ("Next review", lambda r: r.next_review_on),
    ("Days overdue", lambda r: r.days_overdue),
    (
        "Last reviewed",
        lambda r: timezone.localtime(r.last_reviewed_at).replace(tzinfo=None) if r.last_reviewed_at else None,
    ),
    ("Last reviewed by", lambda r: _name(r.last_reviewed_by)),
]
HEADERS = [header for header, _ in COLUMNS]
WIDTHS = {"Project": 24, "Title": 48, "Description": 48, "Mitigation": 48, "Category": 22, "Owner": 20}


@dataclass(frozen=True)
class ExportContext:
    """What the export is of: shown in file names, the XLSX's first sheet and the PDF header."""

    scope: str  # the project's name, or "Portfolio"
    filters: list[tuple[str, str]]
    user: object
    exported_at: object = None

    @property
    def stamp(self) -> str:
        return (self.exported_at or timezone.now()).strftime("%Y%m%d-%H%M")

    def filename(self, extension: str) -> str:
        return f"risk-register-{slugify(self.scope)}-{self.stamp}.{extension}"


def _values(risk: Risk) -> list:
    return [getter(risk) for _, getter in COLUMNS]


def _text(value) -> str:
    if value is None:
        return ""
    return value.isoformat(sep=" ", timespec="minutes") if hasattr(value, "hour") else str(value)


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Echo:
    def write(self, value):
        return value


def csv_response(queryset, context: ExportContext) -> StreamingHttpResponse:
    """Streamed, so a large register never sits in memory; UTF-8 with a BOM so Excel reads it as UTF-8."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(HEADERS)
        for risk in queryset.iterator(chunk_size=1000):
            yield writer.writerow([csv_safe(_text(value)) for value in _values(risk)])

    return _attachment(StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8"), context.filename("csv"))


def xlsx_bytes(queryset, context: ExportContext) -> bytes:
    from openpyxl import Workbook  # imported here: only imports and exports need it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def cell(sheet, value, *, header=False):
        if isinstance(value, str):
            value = csv_safe(ILLEGAL_CHARACTERS_RE.sub("", value))
        result = WriteOnlyCell(sheet, value=value)
        if header:
            result.font = bold
        elif hasattr(value, "year"):
            result.number_format = "yyyy-mm-dd hh:mm" if hasattr(value, "hour") else "yyyy-mm-dd"
        return result

    risks = workbook.create_sheet("Risks")
    risks.freeze_panes = "C2"
    for index, header in enumerate(HEADERS, start=1):
        risks.column_dimensions[get_column_letter(index)].width = WIDTHS.get(header, 14)
    risks.append([cell(risks, header, header=True) for header in HEADERS])
    count = 0
    for risk in queryset.iterator(chunk_size=1000):
        risks.append([cell(risks, value) for value in _values(risk)])
        count += 1
    risks.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{count + 1}"

    maps = workbook.create_sheet("Heat maps")
    maps.column_dimensions["A"].width = 20
    grids = heat_maps(queryset)
    for title, rows in (("Inherent", grids["inherent"]), ("Residual", grids["residual"])):
        maps.append(
            [cell(maps, f"{title} risk: number of risks per impact (rows) and likelihood (columns)", header=True)]
        )
        maps.append(
            [cell(maps, "Impact \\ Likelihood", header=True), *(cell(maps, n, header=True) for n in range(1, 6))]
        )
        for row in rows:
            maps.append([cell(maps, row[0].impact_label, header=True), *(cell(maps, c.count) for c in row)])
        maps.append([])

    about = workbook.create_sheet("Export")
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 60
    for label, value in [
        ("Register", context.scope),
        ("Exported", timezone.localtime(context.exported_at or timezone.now()).strftime("%Y-%m-%d %H:%M %Z")),
        ("Exported by", _name(context.user)),
        ("Risks", count),
        *[(f"Filter: {name}", value) for name, value in context.filters],
    ]:
        about.append([cell(about, label, header=True), cell(about, value)])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(queryset, context: ExportContext) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(queryset, context),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return _attachment(response, context.filename("xlsx"))


class TooManyForPdf(Exception):
    """The filtered register is longer than a PDF should be."""

    def __init__(self, count: int):
        self.count = count
        super().__init__(
            f"This selection holds {count} risks; a PDF lists at most {MAX_PDF_RISKS}. "
            "Narrow the filters, or export XLSX or CSV for the full list."
        )


def pdf_context(queryset, context: ExportContext) -> dict:
    risks = list(queryset[: MAX_PDF_RISKS + 1])
    if len(risks) > MAX_PDF_RISKS:
        raise TooManyForPdf(queryset.count())
    return {
        "pdf_title": "Risk register",
        "pdf_scope": context.scope,
        "exported_at": context.exported_at or timezone.now(),
        "risks": risks,
        "show_project": len({risk.project_id for risk in risks}) > 1,
        "heat_maps": heat_maps(queryset),
        "summary": risk_summary(queryset),
        "filters": context.filters,
    }


def pdf_response(queryset, context: ExportContext, *, request=None) -> HttpResponse:
    pdf = render_pdf("risks/pdf/register.html", pdf_context(queryset, context), request=request)
    return _attachment(HttpResponse(pdf, content_type="application/pdf"), context.filename("pdf"))


def pdf_preview_response(queryset, context: ExportContext, *, request=None) -> HttpResponse:
    """The PDF's HTML in the browser, for styling work on the template."""
    return HttpResponse(pdf_html("risks/pdf/register.html", pdf_context(queryset, context), request=request))
