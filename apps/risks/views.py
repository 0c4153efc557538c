"""Browser views of the risk register: HTTP in, services and selectors, HTML (or a file) out."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from apps.core.forms import add_service_errors
from apps.core.lazy_choices import lazy_choices_response, lazy_fields
from apps.core.pagination import KeysFirstPaginator
from apps.projects import roles
from apps.projects.access import ProjectAccessMixin
from apps.projects.choices import Role
from apps.signoffs.models import SignoffRequest

from . import exports, selectors, services
from .choices import Band, ImportState
from .filters import LAZY_FIELDS, LIVE, SORT_CHOICES, SORTS
from .forms import RiskAcceptForm, RiskForm, RiskImportForm, RiskRegisterForm
from .importing import (
    EXAMPLE_FILE,
    MAX_CELL_CHARS,
    MAX_IMPORT_COLUMNS,
    MAX_IMPORT_ROWS,
    import_actions,
    may_decide,
    preview_rows,
    risk_import_cancel,
    risk_import_confirm,
    risk_import_get,
    risk_import_list,
    risk_import_start,
)
from .models import Risk
from .scoring import BAND_SCORE_RANGES, LOW_SCORE_MAX


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in ("page", *names):
        query.pop(name, None)
    return query.urlencode()


def _sort_columns(request, current: str) -> dict:
    """Per sortable column: the link that sorts by it (toggling direction) and its aria-sort value."""
    base = _query_without(request, "sort")
    columns = {}
    for key in SORTS:
        active = current.lstrip("-") == key
        descending = current.startswith("-")
        target = f"-{key}" if active and not descending else key
        columns[key] = {
            "url": f"?{base}&sort={target}" if base else f"?sort={target}",
            "aria": ("descending" if descending else "ascending") if active else "none",
            "active": active,
            "descending": active and descending,
        }
    return columns


CELL_FILTERS = ["impact", "likelihood", "residual_impact", "residual_likelihood"]
FILTER_SELECTS = ["project", "category", "status", "residual_band", "inherent_band", "owner"]
PORTFOLIO_SELECTS = [name for name in FILTER_SELECTS if name not in LAZY_FIELDS]


class BandLegendMixin:
    """Context the register pages share: the band legend."""

    def band_context(self) -> dict:
        return {
            "band_ranges": [(Band(band), low, high) for band, (low, high) in BAND_SCORE_RANGES.items()],
            "low_score_max": LOW_SCORE_MAX,
        }


def _filter_context(request, filterset) -> dict:
    """What the filter form partial needs besides the FilterSet."""
    form = filterset.form
    data = form.cleaned_data if form.is_valid() else {}
    return {
        "selected_inherent": (data.get("impact"), data.get("likelihood")),
        "selected_residual": (data.get("residual_impact"), data.get("residual_likelihood")),
        "filter": filterset,
        "filter_selects": FILTER_SELECTS,
        "cell_filters": CELL_FILTERS,
        "cell_clear_query": _query_without(request, *CELL_FILTERS),
        "reset_url": request.path,
    }


class RiskRegisterView(ProjectAccessMixin, BandLegendMixin, ListView):
    """A project's register: headline numbers, the two heat maps of live risks, the filtered table."""

    template_name = "risks/risk_register.html"
    context_object_name = "risks"
    paginate_by = 100

    @cached_property
    def filterset(self):
        return selectors.risk_filter(user=self.request.user, filters=self.request.GET, project=self.project)

    def get_queryset(self):
        return selectors.register_rows(self.filterset.qs)

    def get_context_data(self, **kwargs):
        heat_maps, summary = selectors.register_figures(Risk.objects.filter(project=self.project))
        sort = self.filterset.form.data.get("sort", "code")
        return super().get_context_data(
            heat_maps=heat_maps,
            summary=summary,
            register=selectors.risk_register_settings(project=self.project),
            query=_query_without(self.request),
            sort_columns=_sort_columns(self.request, sort),
            cell_base=f"status={LIVE}",
            pdf_immediate_limit=exports.pdf_immediate_limit(),
            can_manage=roles.MANAGE_RISKS in self.project_perms,
            can_govern=roles.GOVERN_RISKS in self.project_perms,
            **_filter_context(self.request, self.filterset),
            **self.band_context(),
            **kwargs,
        )


PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50


def _page_size(request) -> int:
    """The rows per page asked for in the URL (`page_size`), if it is one of PAGE_SIZES."""
    asked = request.GET.get("page_size", "")
    return int(asked) if asked.isdigit() and int(asked) in PAGE_SIZES else DEFAULT_PAGE_SIZE


class PortfolioView(LoginRequiredMixin, BandLegendMixin, ListView):
    """Every risk of every project the user may see: filters, sorting, heat maps and exports.

    Paginated (`page_size` in the URL); the exports take the whole filtered set.
    """

    template_name = "risks/portfolio.html"
    context_object_name = "risks"
    default_sort = "-residual"

    def get_paginate_by(self, queryset) -> int:
        return _page_size(self.request)

    def get_paginator(self, queryset, per_page, **kwargs):
        # The summary counted the selected risks already.
        return KeysFirstPaginator(queryset, per_page, count=self.figures[1]["total"], **kwargs)

    @cached_property
    def filterset(self):
        return selectors.risk_filter(user=self.request.user, filters=self.request.GET, default_sort=self.default_sort)

    @cached_property
    def figures(self) -> tuple[dict, dict]:
        return selectors.register_figures(self.filterset.qs)

    def get_queryset(self):
        return selectors.register_rows(self.filterset.qs)

    def get_context_data(self, **kwargs):
        sort = self.filterset.form.data.get("sort", self.default_sort)
        query = _query_without(self.request)
        heat_maps, summary = self.figures
        return super().get_context_data(
            heat_maps=heat_maps,
            summary=summary,
            lazy_fields=lazy_fields(self.filterset, LAZY_FIELDS),
            choices_url=reverse("risks:portfolio-choices"),
            query=query,
            sort_columns=_sort_columns(self.request, sort),
            cell_base=_query_without(self.request, *CELL_FILTERS),
            pdf_immediate_limit=exports.pdf_immediate_limit(),
            project_count=self.filterset.filters["project"].queryset.count(),
            sort_label=dict(SORT_CHOICES).get(sort, ""),
            page_sizes=PAGE_SIZES,
            page_size=_page_size(self.request),
            page_size_keep=[
                (name, value)
                for name, values in self.request.GET.lists()
                if name not in ("page", "page_size")
                for value in values
            ],
            export_query=_query_without(self.request, "page_size"),
            **{**_filter_context(self.request, self.filterset), "filter_selects": PORTFOLIO_SELECTS},
            **self.band_context(),
            **kwargs,
        )


class PortfolioChoicesView(LoginRequiredMixin, View):
    """GET ?field=project|owner&q=...: the portfolio filter's matching choices, as JSON (lazy drop-downs)."""

    def get(self, request):
        return lazy_choices_response(request, selectors.risk_filter(user=request.user, filters={}), LAZY_FIELDS)


class _ExportMixin:
    """GET <...>/export/<fmt>/: the filtered register as CSV, XLSX, PDF (or the PDF's HTML preview).

    A PDF of more than `exports.pdf_immediate_limit()` risks is built in the background: the request
    queues a generated document and answers with its status page.
    """

    default_sort = "-residual"

    def export(self, request, fmt: str, *, project=None):
        if fmt not in (*exports.FORMATS, "html"):
            raise Http404("Unknown export format.")
        filterset = selectors.risk_filter(
            user=request.user, filters=request.GET, project=project, default_sort=self.default_sort
        )
        context = exports.export_context(filterset, user=request.user, project=project)
        queryset = filterset.qs
        if fmt == "csv":
            return exports.csv_response(queryset, context)
        if fmt == "xlsx":
            return exports.xlsx_response(queryset, context)
        if fmt == "html":
            return exports.pdf_preview_response(queryset, context, request=request)
        if exports.pdf_in_background(queryset):
            document = exports.pdf_document_request(
                actor=request.user, filters=request.GET, project=project, default_sort=self.default_sort
            )
            messages.info(request, "This register is long: its PDF is being generated in the background.")
            return redirect(document.get_absolute_url())
        return exports.pdf_response(queryset, context)


class PortfolioExportView(LoginRequiredMixin, _ExportMixin, View):
    def get(self, request, fmt):
        return self.export(request, fmt)


class RiskRegisterExportView(ProjectAccessMixin, _ExportMixin, View):
    default_sort = "code"

    def get(self, request, project_slug, fmt):
        return self.export(request, fmt, project=self.project)


class RiskAccessMixin(ProjectAccessMixin):
    """Views of one risk, /projects/<slug>/risks/<code>/...: `self.risk`, 404 when unknown."""

    @cached_property
    def risk(self) -> Risk:
        risk = selectors.risk_get(user=self.request.user, project=self.project, code=self.kwargs["risk_code"])
        if risk is None:
            raise Http404("No such risk in this project.")
        return risk

    def get_context_data(self, **kwargs):
        return super().get_context_data(risk=self.risk, **kwargs)


class RiskDetailView(RiskAccessMixin, BandLegendMixin, TemplateView):
    """One risk: its assessment, decisions, notifications and its whole history from the audit trail."""

    template_name = "risks/risk_detail.html"

    def get_context_data(self, **kwargs):
        decisions = selectors.risk_decisions(risk=self.risk)
        return super().get_context_data(
            history=selectors.risk_history(risk=self.risk),
            register=selectors.risk_register_settings(project=self.project),
            can_manage=roles.MANAGE_RISKS in self.project_perms,
            can_govern=roles.GOVERN_RISKS in self.project_perms,
            pending_acceptance=next(
                (p for p in decisions["acceptance_signoffs"] if p.signoff and p.signoff.is_open), None
            ),
            **decisions,
            **self.band_context(),
            **kwargs,
        )


class RiskCreateView(ProjectAccessMixin, FormView):
    template_name = "risks/risk_form.html"
    form_class = RiskForm
    permission_required = {"GET": roles.MANAGE_RISKS, "POST": roles.MANAGE_RISKS}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project}

    def form_valid(self, form):
        try:
            risk = services.risk_create(actor=self.request.user, project=self.project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{risk.code} recorded.")
        return redirect(risk)


class RiskUpdateView(RiskAccessMixin, FormView):
    template_name = "risks/risk_form.html"
    form_class = RiskForm
    permission_required = {"GET": roles.MANAGE_RISKS, "POST": roles.MANAGE_RISKS}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project, "instance": self.risk}

    def form_valid(self, form):
        try:
            risk = services.risk_update(actor=self.request.user, risk=self.risk, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if risk.status != form.cleaned_data["status"]:  # only a voided sign-off changes the status on its own
            messages.warning(
                self.request,
                f"{risk.code} saved. The change touches what its acceptance sign-off approved, so that sign-off "
                f"is invalidated and {risk.code} is {risk.get_status_display().lower()} again.",
            )
        else:
            messages.success(self.request, f"{risk.code} saved.")
        return redirect(risk)


class RiskDeleteView(RiskAccessMixin, TemplateView):
    template_name = "risks/risk_confirm_delete.html"
    permission_required = {"GET": roles.GOVERN_RISKS, "POST": roles.GOVERN_RISKS}

    def post(self, request, *args, **kwargs):
        code = self.risk.code
        try:
            services.risk_delete(actor=request.user, risk=self.risk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.risk)
        messages.success(request, f"{code} deleted. Its code will not be used again; its audit trail is kept.")
        return redirect("risks:risk-register", project_slug=self.project.slug)


class RiskReviewView(RiskAccessMixin, View):
    """POST: "Reviewed, no change". With htmx, answers the risk's refreshed review cell."""

    permission_required = {"POST": roles.MANAGE_RISKS}

    def post(self, request, *args, **kwargs):
        risk = self.risk
        try:
            risk = services.risk_review(actor=request.user, risk=risk, note=request.POST.get("note", "")).risk
        except ValidationError as error:
            message, level = " ".join(error.messages), messages.ERROR
        else:
            message, level = (
                f"{risk.code} reviewed, no change. Next review {risk.next_review_on:%-d %b %Y}.",
                messages.SUCCESS,
            )
        if request.htmx:
            in_row = request.POST.get("part") == "row"
            context = {
                "risk": selectors.risk_get(user=request.user, project=self.project, code=risk.code),
                "can_manage": True,
                "in_row": in_row,
                "flash": message,
                "flash_level": level,
            }
            context["risks"] = [context["risk"]]
            template = "risks/partials/risk_rows.html" if in_row else "risks/partials/review_cell.html"
            return TemplateResponse(request, template, context)
        messages.add_message(request, level, message)
        return redirect(risk.get_absolute_url())


class RiskAcceptView(RiskAccessMixin, BandLegendMixin, FormView):
    """Accept a risk; above the project's threshold, submit the acceptance for sign-off instead."""

    template_name = "risks/risk_accept.html"
    form_class = RiskAcceptForm
    # Anyone who works the register may propose; services decide whether a sign-off is needed.
    permission_required = {"GET": roles.MANAGE_RISKS, "POST": roles.MANAGE_RISKS}

    @cached_property
    def register(self):
        return selectors.risk_register_settings(project=self.project)

    @cached_property
    def needs_signoff(self) -> bool:
        return services.acceptance_needs_signoff(risk=self.risk, register=self.register, actor=self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "needs_signoff": self.needs_signoff}

    def get_context_data(self, **kwargs):
        pending = selectors.risk_acceptance_signoff_pending(risk=self.risk)
        problem = (
            services.acceptance_signoff_problem(actor=self.request.user, project=self.project)
            if self.needs_signoff and pending is None
            else None
        )
        return super().get_context_data(
            register=self.register,
            needs_signoff=self.needs_signoff,
            pending_signoff=pending,
            signoff_problem=problem,
            signoff_roles=[Role(role).label for role in services.SIGNOFF_ROLES],
            **kwargs,
        )

    def form_valid(self, form):
        try:
            result = services.risk_accept(actor=self.request.user, risk=self.risk, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if isinstance(result, SignoffRequest):
            messages.success(
                self.request,
                f"{self.risk.code}'s acceptance is submitted for sign-off by the Product Owner and the Security / "
                f"Compliance Officer (due {result.due_on:%-d %b %Y}). It takes effect when both have approved; "
                "as the requester, you cannot approve it yourself.",
            )
        else:
            messages.success(self.request, f"{self.risk.code} accepted until {result.expires_on:%-d %b %Y}.")
        return redirect(self.risk)


class RiskImportView(ProjectAccessMixin, FormView):
    """Upload a register file: it is checked (in the background when large), then previewed."""

    template_name = "risks/risk_import.html"
    form_class = RiskImportForm
    permission_required = {"GET": roles.MANAGE_RISKS, "POST": roles.MANAGE_RISKS}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            imports=risk_import_list(user=self.request.user, project=self.project),
            max_rows=MAX_IMPORT_ROWS,
            max_columns=MAX_IMPORT_COLUMNS,
            max_cell_chars=MAX_CELL_CHARS,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            risk_import = risk_import_start(
                actor=self.request.user, project=self.project, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect(risk_import)


class RiskImportMixin(ProjectAccessMixin):
    """Views of one import of the project (404 for an import of another project)."""

    @cached_property
    def risk_import(self):
        risk_import = risk_import_get(user=self.request.user, project=self.project, pk=self.kwargs["pk"])
        if risk_import is None:
            raise Http404
        return risk_import


class RiskImportDetailView(RiskImportMixin, TemplateView):
    """The import's progress while its file is checked, then the preview: every row and every problem."""

    template_name = "risks/risk_import_detail.html"

    def get(self, request, *args, **kwargs):
        if request.htmx and request.GET.get("progress"):
            if not self.risk_import.in_progress:
                # Checked: the whole page is replaced by the preview.
                return HttpResponse(headers={"HX-Refresh": "true"})
            return TemplateResponse(
                request,
                "risks/partials/import_progress.html",
                {"risk_import": self.risk_import, "project": self.project},
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        risk_import = self.risk_import
        rows = preview_rows(risk_import)
        return super().get_context_data(
            risk_import=risk_import,
            rows=rows,
            refused=sum(1 for row in rows if row["errors"]),
            may_decide=may_decide(user=self.request.user, risk_import=risk_import, project_perms=self.project_perms),
            actions=import_actions(risk_import),
            **kwargs,
        )


class RiskImportDecisionView(RiskImportMixin, View):
    """Confirm or cancel an import: the uploader or a Product Owner."""

    permission_required = {"POST": roles.MANAGE_RISKS}
    confirm = True

    def post(self, request, *args, **kwargs):
        risk_import = self.risk_import
        if not may_decide(user=request.user, risk_import=risk_import, project_perms=self.project_perms):
            raise PermissionDenied(f"Only {risk_import.uploaded_by}, who uploaded the file, or a Product Owner may.")
        try:
            if self.confirm:
                risk_import = risk_import_confirm(actor=request.user, risk_import=risk_import)
            else:
                risk_import = risk_import_cancel(actor=request.user, risk_import=risk_import)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(risk_import)
        if risk_import.state == ImportState.IMPORTING:
            messages.info(request, f"Creating {len(risk_import.rows)} risks: this page shows when they are in.")
            return redirect(risk_import)
        if not self.confirm:
            messages.info(request, f"Import of “{risk_import.file_name}” cancelled: no risk was created.")
            return redirect("risks:risk-import", project_slug=self.project.slug)
        codes = risk_import.created_codes
        messages.success(
            request,
            f"Imported {len(codes)} risk{'s' if len(codes) != 1 else ''} from “{risk_import.file_name}”: "
            f"{_code_span(codes)}.",
        )
        return redirect("risks:risk-register", project_slug=self.project.slug)


def _code_span(codes: list[str]) -> str:
    return ", ".join(codes) if len(codes) <= 8 else f"{codes[0]} to {codes[-1]}"


class RiskImportExampleView(LoginRequiredMixin, View):
    """The guide's sample extract as a ready-to-import CSV file."""

    def get(self, request):
        return FileResponse(open(EXAMPLE_FILE, "rb"), as_attachment=True, filename=EXAMPLE_FILE.name)  # noqa: SIM115 - FileResponse closes it


class RiskRegisterSettingsView(ProjectAccessMixin, BandLegendMixin, FormView):
    template_name = "risks/register_settings.html"
    form_class = RiskRegisterForm
    permission_required = {"GET": roles.GOVERN_RISKS, "POST": roles.GOVERN_RISKS}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": selectors.risk_register_settings(project=self.project)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.band_context(), **kwargs)

    def form_valid(self, form):
        try:
            register = services.risk_register_update(actor=self.request.user, project=self.project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Acceptance threshold set to {register.acceptance_threshold}.")
        return redirect(reverse("risks:risk-register", kwargs={"project_slug": self.project.slug}))
