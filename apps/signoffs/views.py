"""My sign-offs (the inbox) and a request's page, where approvers decide with the evidence in view."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import ListView, TemplateView, View

from apps.core.lazy_choices import lazy_choices_response, lazy_fields
from apps.projects import roles
from apps.projects.access import ProjectAccessMixin

from . import selectors, services, targets
from .filters import LAZY_FIELDS, SignoffInboxFilter
from .forms import DecisionForm
from .models import Approver, SignoffRequest

SUBMITTED_PAGE_SIZE = 25


class SignoffInboxView(LoginRequiredMixin, ListView):
    """What waits for my decision (paginated, filters in the URL), then what I submitted that is still open."""

    template_name = "signoffs/inbox.html"
    context_object_name = "requests"
    paginate_by = 25

    @cached_property
    def filterset(self) -> SignoffInboxFilter:
        return SignoffInboxFilter(
            self.request.GET, queryset=selectors.signoff_inbox(user=self.request.user), request=self.request
        )

    def get_queryset(self):
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        submitted_page = Paginator(selectors.signoff_submitted(user=self.request.user), SUBMITTED_PAGE_SIZE).get_page(
            self.request.GET.get("submitted_page")
        )
        submitted_query = self.request.GET.copy()
        submitted_query.pop("submitted_page", None)
        return super().get_context_data(
            today=timezone.localdate(),
            filter=self.filterset,
            lazy_fields=lazy_fields(self.filterset, LAZY_FIELDS),
            choices_url=reverse("signoffs:inbox-choices"),
            filtered=any(self.request.GET.get(name) for name in self.filterset.filters),
            query=query.urlencode(),
            submitted=selectors.attach_waiting_on(submitted_page.object_list),
            submitted_page=submitted_page,
            submitted_query=submitted_query.urlencode(),
            **kwargs,
        )


class SignoffInboxChoicesView(LoginRequiredMixin, View):
    """GET ?field=project&q=...: the inbox filter's matching projects, as JSON (a lazy drop-down)."""

    def get(self, request):
        return lazy_choices_response(request, SignoffInboxFilter(request=request), LAZY_FIELDS)


class SignoffInboxCountView(LoginRequiredMixin, View):
    """The count on "My sign-offs" in the navigation, loaded by htmx so that pages pay no query for it."""

    def get(self, request):
        count = selectors.signoff_inbox_count(user=request.user)
        return render(request, "signoffs/partials/nav_count.html", {"waiting_count": count})


class SignoffRequestView(ProjectAccessMixin, TemplateView):
    """GET shows the request; POST ?action=approve|reject|withdraw acts on it through the engine."""

    template_name = "signoffs/request_detail.html"

    permission_required = {"GET": roles.VIEW, "POST": roles.VIEW}  # the engine decides who may act

    @cached_property
    def signoff(self) -> SignoffRequest:
        return get_object_or_404(
            SignoffRequest.objects.select_related("requested_by", "target_type").prefetch_related(
                Prefetch("approvers", Approver.objects.select_related("user"))
            ),
            project=self.project,
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        signoff = self.signoff
        form = kwargs.pop("form", None) or DecisionForm()
        adapter = targets.adapter_for(signoff.target)
        events = list(selectors.signoff_history(signoff=signoff))
        decided = {event.approver_id: event for event in events if event.approver_id}
        return super().get_context_data(
            signoff=signoff,
            events=events,
            approvers=[(slot, decided.get(slot.pk)) for slot in signoff.approvers.all()],
            my_slots=services.open_slots_for(signoff, self.request.user) if signoff.is_open else [],
            can_withdraw=signoff.is_open and signoff.requested_by_id == self.request.user.pk,
            evidence_template=adapter.evidence_template,
            evidence=adapter.evidence(signoff),
            target_url=adapter.url(signoff.target),
            form=form,
            today=timezone.localdate(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        form = DecisionForm(request.POST)
        form.is_valid()
        note = form.cleaned_data.get("note", "")
        try:
            if action in ("approve", "reject"):
                services.signoff_decide(
                    actor=request.user, signoff=self.signoff, approve=action == "approve", note=note
                )
                messages.success(request, f"Your {'approval' if action == 'approve' else 'rejection'} is recorded.")
            elif action == "withdraw":
                services.signoff_withdraw(actor=request.user, signoff=self.signoff, note=note)
                messages.success(request, "The request is withdrawn.")
            else:
                messages.error(request, "Unknown action.")
        except PermissionDenied as error:
            messages.error(request, str(error))
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        return redirect(self.signoff.get_absolute_url())
