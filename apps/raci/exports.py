"""The matrix as CSV, XLSX (apps.core.exports.tabular_response) and PDF (apps.core.pdf.render_pdf).

CSV and XLSX have the import's columns, so an export imports again unchanged.
"""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from apps.core.exports import tabular_response
from apps.core.pdf import pdf_html, render_pdf
from apps.projects.choices import Role, Stage

from .selectors import Grid

FORMATS = ("csv", "xlsx", "pdf")
COLUMNS = ["Key", "Activity", "Stage", "Kind", *[role.label for role in Role]]


def rows(grid: Grid):
    for row in grid.rows:
        activity = row.activity
        yield [
            activity.key,
            activity.name,
            Stage(activity.stage).label,
            activity.get_kind_display(),
            *[row.cells.get(role, "") for role in Role.values],
        ]


def filename(grid: Grid) -> str:
    return f"raci-{slugify(grid.matrix.project.name)}-{timezone.now():%Y%m%d-%H%M}"


def pdf_context(grid: Grid, approval) -> dict:
    return {
        "grid": grid,
        "roles": list(Role),
        "approval": approval,
        "pdf_scope": grid.matrix.project.name,
        "pdf_title": "RACI matrix",
    }


def export_response(grid: Grid, fmt: str, *, approval=None, request=None) -> HttpResponse:
    if fmt in ("csv", "xlsx"):
        return tabular_response(fmt=fmt, filename=filename(grid), columns=COLUMNS, rows=rows(grid))
    if fmt == "html":  # the PDF's HTML, for styling work
        return HttpResponse(pdf_html("raci/pdf/matrix.html", pdf_context(grid, approval), request=request))
    response = HttpResponse(
        render_pdf("raci/pdf/matrix.html", pdf_context(grid, approval), request=request),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(grid)}.pdf"'
    return response
