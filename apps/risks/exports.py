"""Exports of a filtered register: CSV, XLSX and PDF, for the browser and the API alike.

Every export takes the queryset the user sees on screen (selectors + filters),
so it follows their filters and permissions. CSV and XLSX are written by
`apps.core.exports` (streamed CSV with a BOM, typed XLSX, formulas neutralised in
both). The columns match the import format, so an export imports again.
"""

from dataclasses import dataclass

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from apps.core.exports import Bold, Sheet, tabular_response, workbook_response
from apps.core.pdf import pdf_html, render_pdf

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
    ("Portfolio ID", lambda r: r.display_code),
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
    ("Last reviewed", lambda r: r.last_reviewed_at),
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
    portfolio: bool = False  # projects may be mixed: risks are shown with their project key (CCP-R-002)

    @property
    def stamp(self) -> str:
        return (self.exported_at or timezone.now()).strftime("%Y%m%d-%H%M")

    @property
    def basename(self) -> str:
        return f"risk-register-{slugify(self.scope)}-{self.stamp}"

    def filename(self, extension: str) -> str:
        return f"{self.basename}.{extension}"


def _values(risk: Risk) -> list:
    return [getter(risk) for _, getter in COLUMNS]


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(queryset, context: ExportContext) -> StreamingHttpResponse:
    """Streamed (apps.core.exports), so a large register never sits in memory."""
    rows = (_values(risk) for risk in queryset.iterator(chunk_size=1000))
    return tabular_response(fmt="csv", filename=context.basename, columns=HEADERS, rows=rows)


def xlsx_sheets(queryset, context: ExportContext) -> list[Sheet]:
    """The register, its two heat maps and what the export is of (filters, who, when)."""
    counted = []

    def risk_rows():
        for risk in queryset.iterator(chunk_size=1000):
            counted.append(risk.pk)
            yield _values(risk)

    def heat_map_rows():
        grids = heat_maps(queryset)
        for title, rows in (("Inherent", grids["inherent"]), ("Residual", grids["residual"])):
            yield [Bold(f"{title} risk: number of risks per impact (rows) and likelihood (columns)")]
            yield [Bold("Impact \\ Likelihood"), *(Bold(n) for n in range(1, 6))]
            for row in rows:
                yield [Bold(row[0].impact_label), *(c.count for c in row)]
            yield []

    def about_rows():  # read after the risks sheet is written, so the count is known
        exported = timezone.localtime(context.exported_at or timezone.now()).strftime("%Y-%m-%d %H:%M %Z")
        for label, value in [
            ("Register", context.scope),
            ("Exported", exported),
            ("Exported by", _name(context.user)),
            ("Risks", len(counted)),
            *[(f"Filter: {name}", value) for name, value in context.filters],
        ]:
            yield [Bold(label), value]

    return [
        Sheet(
            title="Risks",
            columns=HEADERS,
            rows=risk_rows(),
            widths=[WIDTHS.get(header, 14) for header in HEADERS],
            freeze="D2",
            auto_filter=True,
        ),
        Sheet(title="Heat maps", columns=(), rows=heat_map_rows(), widths=[20]),
        Sheet(title="Export", columns=(), rows=about_rows(), widths=[18, 60]),
    ]


def xlsx_response(queryset, context: ExportContext) -> HttpResponse:
    return workbook_response(filename=context.basename, sheets=xlsx_sheets(queryset, context))


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
        "display_codes": context.portfolio,
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
