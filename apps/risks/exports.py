"""Exports of a filtered register: CSV, XLSX and PDF, for the browser and the API alike.

Every export takes the queryset the user sees on screen (selectors + filters),
so it follows their filters and permissions. CSV and XLSX are written by
`apps.core.exports` (streamed CSV with a BOM, typed XLSX, formulas neutralised in
both). The columns match the import format, so an export imports again.
"""

import gc
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from apps.core.exports import Bold, Sheet, tabular_response, workbook_response
from apps.core.pdf import pdf_html, render_document
from apps.documents.registry import BuiltDocument
from apps.documents.services import document_request

from .filters import describe_filters
from .models import Risk
from .selectors import heat_maps, risk_filter, risk_summary

FORMATS = ("csv", "xlsx", "pdf")
PDF_TEMPLATE = "risks/pdf/register.html"
# Above this many risks the PDF is built by a Celery task (apps.documents) and the request answers with
# its status page: a 1,000-risk register takes seconds, longer than a request should wait.
PDF_IMMEDIATE_DEFAULT = 300


def pdf_immediate_limit() -> int:
    return getattr(settings, "RISK_PDF_IMMEDIATE_LIMIT", PDF_IMMEDIATE_DEFAULT)


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


def pdf_context(queryset, context: ExportContext) -> dict:
    risks = list(queryset)
    return {
        "pdf_title": "Risk register",
        "pdf_scope": context.scope,
        "exported_at": context.exported_at or timezone.now(),
        "exported_by": _name(context.user),
        "risks": risks,
        "show_project": len({risk.project_id for risk in risks}) > 1,
        "display_codes": context.portfolio,
        "heat_maps": heat_maps(queryset),
        "summary": risk_summary(queryset),
        "filters": context.filters,
    }


def register_pdf_bytes(queryset, context: ExportContext, *, progress=None) -> bytes:
    """The register as PDF; `progress(percent, step)` hears each stage (the background document's bar)."""
    report = progress or (lambda percent, step: None)
    report(5, "Reading the risks")
    data = pdf_context(queryset, context)
    report(20, f"Laying out {len(data['risks']):,} risks")
    document = render_document(PDF_TEMPLATE, data)
    # Peak memory is while writing: free the risks and the layout's cyclic leftovers (discarded page
    # attempts) before it starts.
    del data
    gc.collect()
    report(80, f"Writing {len(document.pages):,} pages")
    return document.write_pdf()


PDF_KIND = "risks.register-pdf"


def export_context(filterset, *, user, project=None) -> ExportContext:
    """What an export of this filtered register is of; a portfolio export filtered to one project is named after it."""
    if project is None and filterset.form.is_valid():
        project_filter = filterset.form.cleaned_data.get("project")
    else:
        project_filter = None
    scope = project.name if project else (project_filter.name if project_filter else "Portfolio")
    return ExportContext(scope=scope, filters=describe_filters(filterset), user=user, portfolio=project is None)


def pdf_in_background(queryset) -> bool:
    """Whether this register is long enough that its PDF is built by a Celery task."""
    return queryset.count() > pdf_immediate_limit()


def pdf_document_request(*, actor, filters, project=None, default_sort: str):
    """Queue the register's PDF as a generated document (apps.documents); the filters travel in its params."""
    return document_request(
        actor=actor,
        project=project,
        kind=PDF_KIND,
        params={
            "filters": {key: filters.getlist(key) for key in filters if key not in ("page", "page_size")},
            "default_sort": default_sort,
        },
    )


def pdf_document_build(document, progress):
    """The build of a background register PDF: the same filters, seen with the requester's permissions."""
    filters = QueryDict(mutable=True)
    for key, values in document.params.get("filters", {}).items():
        filters.setlist(key, [str(value) for value in values])
    filterset = risk_filter(
        user=document.requested_by,
        filters=filters,
        project=document.project,
        default_sort=document.params.get("default_sort", "-residual"),
    )
    context = export_context(filterset, user=document.requested_by, project=document.project)
    pdf = register_pdf_bytes(filterset.qs, context, progress=progress)
    return BuiltDocument(content=pdf, filename=context.filename("pdf"))


def pdf_response(queryset, context: ExportContext) -> HttpResponse:
    """A register small enough to print in the request (see `pdf_in_background`)."""
    pdf = register_pdf_bytes(queryset, context)
    return _attachment(HttpResponse(pdf, content_type="application/pdf"), context.filename("pdf"))


def pdf_preview_response(queryset, context: ExportContext, *, request=None) -> HttpResponse:
    """The PDF's HTML in the browser, for styling work on the template."""
    return HttpResponse(pdf_html(PDF_TEMPLATE, pdf_context(queryset, context), request=request))
