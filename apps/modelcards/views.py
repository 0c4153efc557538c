"""Browser views of model cards: HTTP in, services and selectors, HTML (or a file) out."""

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.views.generic import FormView, TemplateView

from apps.core.forms import add_service_errors
from apps.core.pdf import pdf_html, render_pdf
from apps.projects import roles
from apps.projects.access import ProjectAccessMixin
from apps.signoffs.approvers import approvers_for

from . import diffing, formats, schema, selectors, services
from .choices import is_generative
from .forms import CardForm, CardImportForm, CardYamlForm, MLModelForm, SubmitForm
from .models import CardRevision

WRITE = {"GET": roles.MANAGE_MODEL_CARDS, "POST": roles.MANAGE_MODEL_CARDS}
EXPORTS = {
    "yaml": ("application/yaml; charset=utf-8", "yaml"),
    "mct": ("application/json", "mct.json"),
    "huggingface": ("text/markdown; charset=utf-8", "README.md"),
    "pdf": ("application/pdf", "pdf"),
}


def _service_error_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            m if path in ("__all__", "file") else f"{path}: {m}" for path, ms in error.message_dict.items() for m in ms
        ]
    return error.messages


class ModelListView(ProjectAccessMixin, TemplateView):
    """The project's models, each with its card's latest revision, approval and completeness."""

    template_name = "modelcards/model_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rows=selectors.ml_model_rows(user=self.request.user, project=self.project),
            gate_status=selectors.current_model_status(self.project),
            can_manage=roles.MANAGE_MODEL_CARDS in self.project_perms,
            **kwargs,
        )


class PortfolioView(LoginRequiredMixin, TemplateView):
    """Every model of every project the user may see, with its card's state."""

    template_name = "modelcards/portfolio.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(rows=selectors.ml_model_rows(user=self.request.user), **kwargs)


class ModelCreateView(ProjectAccessMixin, FormView):
    template_name = "modelcards/model_form.html"
    form_class = MLModelForm
    permission_required = WRITE

    def form_valid(self, form):
        try:
            model = services.ml_model_create(actor=self.request.user, project=self.project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{model.name} registered. Write or import its card.")
        return redirect(model)


class ModelMixin(ProjectAccessMixin):
    """Views of one model, /projects/<slug>/model-cards/<key>/...: `self.model`, 404 when unknown."""

    @cached_property
    def model(self):
        model = selectors.ml_model_get(user=self.request.user, project=self.project, key=self.kwargs["model_key"])
        if model is None:
            raise Http404("No such model in this project.")
        return model

    def revision(self, number) -> CardRevision:
        try:
            revision = selectors.revision_get(model=self.model, number=int(number))
        except (TypeError, ValueError):
            revision = None
        if revision is None:
            raise Http404("No such revision of this card.")
        return revision

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            model=self.model, can_manage=roles.MANAGE_MODEL_CARDS in self.project_perms, **kwargs
        )


class ModelUpdateView(ModelMixin, FormView):
    template_name = "modelcards/model_form.html"
    form_class = MLModelForm
    permission_required = WRITE

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.model}

    def form_valid(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "key"}
        try:
            services.ml_model_update(actor=self.request.user, model=self.model, **data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "Model settings saved.")
        return redirect(self.model)


class RevisionDetailView(ModelMixin, TemplateView):
    """The rendered card: one revision (the latest by default), its state, completeness and history."""

    template_name = "modelcards/card_detail.html"

    def get_context_data(self, **kwargs):
        rows = selectors.revision_rows(model=self.model)
        if "number" in self.kwargs:
            revision = self.revision(self.kwargs["number"])
        else:
            revision = selectors.revision_get(model=self.model, number=rows[0].revision.number) if rows else None
        row = next((r for r in rows if revision and r.revision.pk == revision.pk), None)
        context = {"rows": rows, "revision": revision, "row": row, "history": selectors.card_history(model=self.model)}
        if revision is not None:
            content = revision.content
            context.update(
                content=content,
                requirements=selectors.card_completeness(revision),
                metric_rows=schema.metric_rows(content),
                subgroup_columns=schema.subgroup_metric_names(content),
                extras=schema.unknown_keys(content),
                extras_yaml=formats.card_yaml(schema.unknown_keys(content)).split("\n", 1)[1]
                if schema.unknown_keys(content)
                else "",
                generative=is_generative(self.project),
                record=selectors.approval_record(row.signoff) if row and row.signoff else None,
                is_latest=rows[0].revision.pk == revision.pk,
                previous_number=rows[1].revision.number if len(rows) > 1 else None,
                submit_form=SubmitForm(),
            )
        context["missing"] = [r for r in context.get("requirements", []) if r.missing]
        return super().get_context_data(**context, **kwargs)


class CardEditView(ModelMixin, FormView):
    """Edit the card: the form saves the next revision (a draft); the approved ones never change."""

    template_name = "modelcards/card_edit.html"
    permission_required = WRITE

    @cached_property
    def base(self) -> dict:
        latest = services.latest_revision(self.model)
        return latest.content if latest else {"model_name": self.model.name, "version": self.model.promoted_version}

    def get_form_class(self):
        return CardYamlForm if self.request.GET.get("mode") == "yaml" else CardForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.get_form_class() is CardForm:
            kwargs.update(base=self.base, generative=is_generative(self.project))
        else:
            kwargs.setdefault("initial", {})["card_yaml"] = formats.card_yaml(self.base)
        return kwargs

    def get_context_data(self, **kwargs):
        latest = services.latest_revision(self.model)
        return super().get_context_data(
            latest=latest,
            latest_state=selectors.revision_state(latest) if latest else None,
            mode=self.request.GET.get("mode", "form"),
            metric_sections=[("primary", "Primary metrics"), ("secondary", "Secondary metrics")],
            **kwargs,
        )

    def form_valid(self, form):
        try:
            revision = services.card_revision_create(
                actor=self.request.user, model=self.model, content=form.content, note=form.cleaned_data.get("note", "")
            )
        except ValidationError as error:
            form.add_error(None, _service_error_messages(error))
            return self.form_invalid(form)
        messages.success(self.request, f"Revision {revision.number} saved as a draft.")
        return redirect(revision)


class CardImportView(ProjectAccessMixin, FormView):
    """Import the checklist template's YAML, or a Hugging Face README's metadata, as a new revision."""

    template_name = "modelcards/card_import.html"
    form_class = CardImportForm
    permission_required = WRITE

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project}

    def get_initial(self):
        key = self.request.GET.get("model")
        model = selectors.ml_model_get(user=self.request.user, project=self.project, key=key) if key else None
        return {"model": model, "format": self.request.GET.get("format", "yaml")}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            revision = services.card_import(
                actor=self.request.user,
                project=self.project,
                data=data["payload"],
                fmt=data["format"],
                model=data.get("model"),
                note=data.get("note", ""),
            )
        except ValidationError as error:
            form.add_error(None, _service_error_messages(error))
            return self.form_invalid(form)
        messages.success(self.request, f"Imported as revision {revision.number} of {revision.model.name}.")
        return redirect(revision)


class CompareView(ModelMixin, TemplateView):
    """Two revisions side by side, field by field: added, removed, changed (inside metric and subgroup lists too)."""

    template_name = "modelcards/compare.html"

    def get_context_data(self, **kwargs):
        rows = selectors.revision_rows(model=self.model)
        if not rows:
            raise Http404("This card has no revisions yet.")
        newest = rows[0].revision.number
        default_from = rows[1].revision.number if len(rows) > 1 else newest
        older = self.revision(self.request.GET.get("from", default_from))
        newer = self.revision(self.request.GET.get("to", newest))
        changes = diffing.diff_values(older.content, newer.content)
        return super().get_context_data(
            rows=rows,
            older=older,
            newer=newer,
            changes=changes,
            summary=diffing.summary(changes),
            **kwargs,
        )


class SubmitView(ModelMixin, FormView):
    form_class = SubmitForm
    template_name = "modelcards/submit.html"
    permission_required = WRITE

    @cached_property
    def target(self) -> CardRevision:
        return self.revision(self.kwargs["number"])

    def get_form_kwargs(self):
        spec = approvers_for(self.target)  # a registered provider (RACI...) or the model-card default
        return {**super().get_form_kwargs(), "default_roles": spec.roles}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            revision=self.target, missing=[r for r in selectors.card_completeness(self.target) if r.missing], **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            signoff = services.card_revision_submit(
                actor=self.request.user,
                revision=self.target,
                roles=data["roles"],
                due_on=data["due_on"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, _service_error_messages(error))
            return self.form_invalid(form)
        messages.success(self.request, f"Revision {self.target.number} submitted for sign-off (#{signoff.pk}).")
        return redirect(self.target)


def export_response(revision: CardRevision, fmt: str, *, request=None) -> HttpResponse:
    """One revision in one export format, as a download."""
    if fmt not in EXPORTS:
        raise Http404("Unknown export format.")
    content_type, extension = EXPORTS[fmt]
    content = revision.content
    if fmt == "yaml":
        body = formats.card_yaml(content)
    elif fmt == "mct":
        body = json.dumps(formats.mct_json(content), indent=2, ensure_ascii=False)
    elif fmt == "huggingface":
        body = formats.huggingface_readme(content, use_case=revision.project.use_case)
    else:
        body = render_pdf("modelcards/pdf/card.html", pdf_context(revision), request=request)
    response = HttpResponse(body, content_type=content_type)
    stem = f"{revision.model.key}-v{revision.version}-r{revision.number}"
    filename = "README.md" if fmt == "huggingface" else f"{stem}.{extension}"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def pdf_context(revision: CardRevision) -> dict:
    rows = selectors.revision_rows(model=revision.model)
    row = next(r for r in rows if r.revision.pk == revision.pk)
    content = revision.content
    return {
        "pdf_scope": revision.project.name,
        "pdf_title": f"Model card {revision.model.name} v{revision.version}",
        "project": revision.project,
        "model": revision.model,
        "revision": revision,
        "row": row,
        "content": content,
        "metric_rows": schema.metric_rows(content),
        "subgroup_columns": schema.subgroup_metric_names(content),
        "requirements": selectors.card_completeness(revision),
        "record": selectors.approval_record(row.signoff) if row.signoff else None,
        "extras_yaml": formats.card_yaml(schema.unknown_keys(content)).split("\n", 1)[1]
        if schema.unknown_keys(content)
        else "",
        "generative": is_generative(revision.project),
    }


class ExportView(ModelMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        revision = self.revision(kwargs["number"])
        if kwargs["fmt"] == "html":  # the PDF's HTML, for styling work
            return HttpResponse(pdf_html("modelcards/pdf/card.html", pdf_context(revision), request=request))
        return export_response(revision, kwargs["fmt"], request=request)
