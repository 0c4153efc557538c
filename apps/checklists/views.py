"""Browser views for the template library and project checklists: HTTP in, services and selectors, HTML out."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView, TemplateView

from apps.core.forms import add_service_errors
from apps.projects import roles
from apps.projects.access import ProjectAccessMixin
from apps.projects.selectors import project_members

from . import selectors, services
from .choices import EvidenceKind, ItemKind, ResponseStatus
from .forms import (
    CommentForm,
    EvidenceForm,
    ItemInlineForm,
    ItemResponseForm,
    ReviewForm,
    TemplateApplyForm,
    TemplateUploadForm,
)
from .models import ChecklistTemplate, Evidence, TemplateVersion


def error_messages(error: ValidationError) -> list[str]:
    return list(error.messages)


# --- Template library ----------------------------------------------------------------


class TemplateListView(LoginRequiredMixin, TemplateView):
    template_name = "checklists/template_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            templates=selectors.template_list(),
            can_upload=self.request.user.has_perm(services.UPLOAD_PERMISSION),
            **kwargs,
        )


class TemplateUploadView(LoginRequiredMixin, FormView):
    template_name = "checklists/template_upload.html"
    form_class = TemplateUploadForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(services.UPLOAD_PERMISSION):
            raise PermissionDenied("Only portal administrators upload organisation checklist templates.")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            version, created = services.template_upload(
                actor=self.request.user, content=upload.read(), file_name=upload.name
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if created:
            messages.success(self.request, f"Loaded “{version.name}” as version {version.number}.")
        else:
            messages.info(self.request, f"No change: the file is identical to version {version.number}.")
        return redirect(version.get_absolute_url())


class TemplateVersionView(LoginRequiredMixin, TemplateView):
    """A template version's full content; the current version when no number is given."""

    template_name = "checklists/template_detail.html"

    def get_context_data(self, **kwargs):
        version = selectors.version_with_content(
            template_key=self.kwargs["template_key"], number=self.kwargs.get("number")
        )
        return super().get_context_data(
            version=version,
            template=version.template,
            versions=selectors.template_versions(template=version.template),
            **kwargs,
        )


class TemplateDiffView(LoginRequiredMixin, TemplateView):
    """What changed between two versions (?from=1&to=2; `to` defaults to the current version)."""

    template_name = "checklists/template_diff.html"

    def get_context_data(self, **kwargs):
        template = get_object_or_404(
            ChecklistTemplate.objects.select_related("current_version"), key=self.kwargs["template_key"]
        )
        versions = TemplateVersion.objects.filter(template=template)
        try:
            old = get_object_or_404(versions, number=int(self.request.GET.get("from", 0)))
            new = get_object_or_404(versions, number=int(self.request.GET.get("to") or template.current_version.number))
        except ValueError:
            raise Http404("Give version numbers.") from None
        return super().get_context_data(template=template, diff=selectors.version_diff(old=old, new=new), **kwargs)


# --- Project checklists -----------------------------------------------------------------


class ChecklistOverviewView(ProjectAccessMixin, TemplateView):
    """The project's checklists, progress per checklist and per stage, red flags; leads apply templates here."""

    template_name = "checklists/checklist_overview.html"
    permission_required = {"GET": roles.VIEW, "POST": roles.MANAGE_CHECKLISTS}

    def _available(self):
        applied = self.project.checklists.values("template_id")
        return [
            t
            for t in selectors.template_list().exclude(pk__in=applied)
            if t.current_version.applies_to_use_case(self.project.use_case)
        ]

    def _form(self, data=None):
        available = self._available()
        return TemplateApplyForm(
            data,
            templates=ChecklistTemplate.objects.filter(pk__in=[t.pk for t in available]).select_related(
                "current_version"
            ),
        )

    def get_context_data(self, **kwargs):
        progress = selectors.project_progress(project=self.project)
        flags = selectors.red_flags(
            project=self.project,
            stages=selectors.stages_up_to(self.project.current_stage),
            checklists=[c.checklist for c in progress.checklists],
        )
        can_manage = roles.MANAGE_CHECKLISTS in self.project_perms
        if can_manage:  # only leads see the apply forms: nobody else pays for the template look-ups
            kwargs.setdefault("form", self._form())
            kwargs["defaults_missing"] = [
                t
                for t in services.default_templates(project=self.project)
                if t.pk not in {c.checklist.template_id for c in progress.checklists}
            ]
        return super().get_context_data(progress=progress, red_flags=flags, can_manage=can_manage, **kwargs)

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                checklist = services.checklist_apply(
                    actor=request.user, project=self.project, template=form.cleaned_data["template"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Applied “{checklist.version.name}” (v{checklist.version.number}).")
                return redirect("checklists:checklist-overview", project_slug=self.project.slug)
        return self.render_to_response(self.get_context_data(form=form))


class ChecklistApplyDefaultsView(ProjectAccessMixin, View):
    http_method_names = ["post"]
    permission_required = {"POST": roles.MANAGE_CHECKLISTS}

    def post(self, request, *args, **kwargs):
        applied = services.checklists_apply_defaults(actor=request.user, project=self.project)
        if applied:
            messages.success(
                request,
                f"Applied {len(applied)} default checklist(s) for a {self.project.get_use_case_display()} project.",
            )
        else:
            messages.info(request, "The project already has every default checklist.")
        return redirect("checklists:checklist-overview", project_slug=self.project.slug)


class ChecklistMixin(ProjectAccessMixin):
    """Resolves the checklist (and the item, when the URL names one) inside the project."""

    @cached_property
    def checklist(self):
        return selectors.checklist_get(project=self.project, checklist_id=self.kwargs["checklist_id"])

    @cached_property
    def item(self):
        return selectors.item_get(checklist=self.checklist, item_key=self.kwargs["item_key"])

    @cached_property
    def members(self):
        return list(project_members(project=self.project))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            checklist=self.checklist,
            can_work=roles.WORK_CHECKLISTS in self.project_perms,
            can_manage=roles.MANAGE_CHECKLISTS in self.project_perms,
            **kwargs,
        )


ALL_SECTIONS = "all"


@dataclass
class SectionTab:
    """One section in the checklist page's section bar: its rows (after the filters) and their counts."""

    section: object
    rows: list
    url: str = ""
    active: bool = False

    @property
    def open_count(self) -> int:
        return sum(1 for row in self.rows if not row.is_complete)

    @property
    def red_flag_count(self) -> int:
        return sum(1 for row in self.rows if row.red_flag)


class ChecklistDetailView(ChecklistMixin, TemplateView):
    """One checklist, a section at a time; status, owner and review change inline.

    `?section=<key>` picks the section (default: the first with open items), `?section=all`
    shows every section; the filters stay in the URL and the section bar counts what they match.
    """

    template_name = "checklists/checklist_detail.html"

    def _section_tabs(self, rows) -> tuple[list[SectionTab], str]:
        tabs: list[SectionTab] = []
        for row in rows:
            if not tabs or tabs[-1].section.pk != row.item.section_id:
                tabs.append(SectionTab(section=row.item.section, rows=[]))
            tabs[-1].rows.append(row)
        asked = self.request.GET.get("section", "")
        keys = {tab.section.key for tab in tabs}
        if asked != ALL_SECTIONS and asked not in keys:
            asked = next((tab.section.key for tab in tabs if tab.open_count), tabs[0].section.key if tabs else "")
        query = self.request.GET.copy()
        query.pop("section", None)
        for tab in tabs:
            query["section"] = tab.section.key
            tab.url = f"?{query.urlencode()}"
            tab.active = tab.section.key == asked
        return tabs, asked

    def get_context_data(self, **kwargs):
        item_filter = selectors.checklist_filter(
            checklist=self.checklist, user=self.request.user, filters=self.request.GET
        )
        rows = selectors.item_rows(checklist=self.checklist, items=item_filter.qs)
        tabs, chosen = self._section_tabs(rows)
        sections = [(tab.section, tab.rows) for tab in tabs if chosen == ALL_SECTIONS or tab.active]
        all_query = self.request.GET.copy()
        all_query["section"] = ALL_SECTIONS
        progress = next(
            (
                p
                for p in selectors.project_progress(project=self.project).checklists
                if p.checklist.pk == self.checklist.pk
            ),
            None,
        )
        return super().get_context_data(
            sections=sections,
            section_tabs=tabs,
            all_sections=chosen == ALL_SECTIONS,
            all_sections_url=f"?{all_query.urlencode()}",
            chosen_section=chosen,
            row_count=len(rows),
            filter_form=item_filter.form,
            filtered=item_filter.active,
            progress=progress,
            members=self.members,
            statuses=ResponseStatus.choices,
            upgrade_available=self.checklist.template.current_version_id != self.checklist.version_id,
            **kwargs,
        )


class ItemRowResponseMixin(ChecklistMixin):
    """POST handlers of a checklist row: htmx gets the row back (with any error in it), others a redirect."""

    def row_response(self, *, errors=(), error_fields=(), notice=""):
        if self.request.htmx:
            context = self.get_context_data(
                row=selectors.item_row(checklist=self.checklist, item=self.item),
                members=self.members,
                statuses=ResponseStatus.choices,
                row_errors=errors,
                # Show what the person chose, not the stored status, so a refused "not applicable" can be justified.
                attempted_status=self.request.POST.get("status", "") if errors else "",
                needs_justification="justification" in error_fields,
                notice=notice,
            )
            return self.response_class(
                request=self.request, template=["checklists/partials/item_row.html"], context=context
            )
        for message in errors:
            messages.error(self.request, message)
        if notice:
            messages.success(self.request, notice)
        next_url = self.request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={self.request.get_host()}):
            next_url = self.checklist.get_absolute_url()
        return redirect(next_url)


class ItemInlineView(ItemRowResponseMixin, TemplateView):
    http_method_names = ["post"]
    permission_required = {"POST": roles.WORK_CHECKLISTS}

    def post(self, request, *args, **kwargs):
        form = ItemInlineForm(request.POST, members=project_members(project=self.project))
        if not form.is_valid():
            return self.row_response(errors=[e for errs in form.errors.values() for e in errs])
        changes = {}
        if "status" in request.POST:
            changes["status"] = form.cleaned_data["status"] or ResponseStatus.OPEN
        if "owner" in request.POST:
            changes["owner"] = form.cleaned_data["owner"]
        if request.POST.get("justification", "").strip():
            changes["justification"] = form.cleaned_data["justification"]
        try:
            services.item_response_update(actor=request.user, checklist=self.checklist, item=self.item, **changes)
        except ValidationError as error:
            fields = error.message_dict.keys() if hasattr(error, "error_dict") else ()
            return self.row_response(errors=error_messages(error), error_fields=fields)
        return self.row_response(notice="Saved.")


class ItemReviewView(ItemRowResponseMixin, TemplateView):
    http_method_names = ["post"]
    permission_required = {"POST": roles.WORK_CHECKLISTS}

    def post(self, request, *args, **kwargs):
        form = ReviewForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            services.item_review(actor=request.user, checklist=self.checklist, item=self.item, note=note)
        except ValidationError as error:
            return self.row_response(errors=error_messages(error))
        return self.row_response(notice="Marked reviewed.")


class ItemDetailView(ChecklistMixin, TemplateView):
    """One item: its guidance from the source, the response form, evidence, comments and reviews."""

    template_name = "checklists/item_detail.html"
    permission_required = {"GET": roles.VIEW, "POST": roles.WORK_CHECKLISTS}

    def _response_form(self, data=None, row=None):
        initial = {}
        if row is not None and row.response is not None:
            r = row.response
            initial = {
                "status": r.status,
                "owner": r.owner_id,
                "justification": r.justification,
                "selected_options": r.selected_options,
            }
        return ItemResponseForm(data, item=self.item, members=project_members(project=self.project), initial=initial)

    def get_context_data(self, **kwargs):
        detail = selectors.item_detail(checklist=self.checklist, item=self.item)
        kwargs.setdefault("form", self._response_form(row=detail["row"]))
        return super().get_context_data(
            item=self.item,
            evidence_form=EvidenceForm(),
            comment_form=CommentForm(),
            review_form=ReviewForm(),
            evidence_kinds=EvidenceKind,
            single_select=self.item.kind == ItemKind.SINGLE_SELECT,
            **detail,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = self._response_form(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if not self.item.is_select:
                data.pop("selected_options", None)
            try:
                services.item_response_update(actor=request.user, checklist=self.checklist, item=self.item, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Item saved.")
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form))


class EvidenceAddView(ChecklistMixin, View):
    http_method_names = ["post"]
    permission_required = {"POST": roles.WORK_CHECKLISTS}

    def post(self, request, *args, **kwargs):
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.evidence_add(
                    actor=request.user,
                    checklist=self.checklist,
                    item=self.item,
                    **{
                        "kind": form.cleaned_data["kind"],
                        "url": form.cleaned_data["url"],
                        "note": form.cleaned_data["note"],
                        "upload": form.cleaned_data["file"],
                    },
                )
            except ValidationError as error:
                for message in error_messages(error):
                    messages.error(request, message)
            else:
                messages.success(request, "Evidence added.")
        else:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
        return redirect("checklists:item-detail", self.project.slug, self.checklist.pk, self.item.key)


class EvidenceMixin(ProjectAccessMixin):
    @cached_property
    def evidence(self):
        return get_object_or_404(
            Evidence.objects.select_related("response__checklist", "response__item"),
            project=self.project,
            pk=self.kwargs["evidence_id"],
        )


class EvidenceDownloadView(EvidenceMixin, View):
    """Files are served only through this view, after the project permission check."""

    def get(self, request, *args, **kwargs):
        if self.evidence.kind != EvidenceKind.FILE:
            raise Http404("This evidence has no file.")
        return FileResponse(self.evidence.file.open("rb"), as_attachment=True, filename=self.evidence.file_name)


class EvidenceRemoveView(EvidenceMixin, View):
    http_method_names = ["post"]
    permission_required = {"POST": roles.WORK_CHECKLISTS}

    def post(self, request, *args, **kwargs):
        evidence = self.evidence
        services.evidence_remove(actor=request.user, evidence=evidence)
        messages.success(request, "Evidence removed.")
        return redirect(
            "checklists:item-detail", self.project.slug, evidence.response.checklist_id, evidence.response.item.key
        )


class CommentAddView(ChecklistMixin, View):
    http_method_names = ["post"]
    permission_required = {"POST": roles.WORK_CHECKLISTS}

    def post(self, request, *args, **kwargs):
        form = CommentForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError("Write a comment first (at most 5000 characters).")
            services.item_comment_add(
                actor=request.user, checklist=self.checklist, item=self.item, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            for message in error_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, "Comment added.")
        return redirect("checklists:item-detail", self.project.slug, self.checklist.pk, self.item.key)


class ChecklistUpgradeView(ChecklistMixin, TemplateView):
    """Shows what the newer template version changes, then moves the checklist to it."""

    template_name = "checklists/checklist_upgrade.html"
    permission_required = {"GET": roles.VIEW, "POST": roles.MANAGE_CHECKLISTS}

    def get_context_data(self, **kwargs):
        current = self.checklist.template.current_version
        diff = (
            None
            if current.pk == self.checklist.version_id
            else selectors.version_diff(old=self.checklist.version, new=current)
        )
        return super().get_context_data(diff=diff, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            checklist = services.checklist_upgrade(actor=request.user, checklist=self.checklist)
        except ValidationError as error:
            for message in error_messages(error):
                messages.error(request, message)
            return redirect(self.checklist.get_absolute_url())
        messages.success(request, f"Upgraded to version {checklist.version.number}; answers were kept.")
        return redirect(checklist.get_absolute_url())


class ChecklistRemoveView(ChecklistMixin, View):
    http_method_names = ["post"]
    permission_required = {"POST": roles.MANAGE_CHECKLISTS}

    def post(self, request, *args, **kwargs):
        name = self.checklist.version.name
        try:
            services.checklist_remove(actor=request.user, checklist=self.checklist)
        except ValidationError as error:
            for message in error_messages(error):
                messages.error(request, message)
            return redirect(self.checklist.get_absolute_url())
        messages.success(request, f"Removed “{name}” from the project.")
        return redirect("checklists:checklist-overview", project_slug=self.project.slug)
