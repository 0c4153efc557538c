"""Browser views of the governance cadence: HTTP in, services and selectors, HTML (or ICS) out."""

import datetime
from dataclasses import asdict
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, TemplateView

from apps.core.forms import add_service_errors
from apps.projects import roles
from apps.projects.access import ProjectAccessMixin, visible_projects
from apps.projects.choices import Role
from apps.projects.selectors import project_members
from apps.risks.models import Risk

from . import calendars, registry, selectors, services
from .choices import DEFAULT_LEAD_DAYS, OccurrenceStatus, ReviewKind
from .forms import ActionForm, ActionFormSet, DecisionForm, RecordForm, ScheduleForm, SeriesForm
from .models import ActionItem, CalendarFeed

MANAGE = {"GET": roles.MANAGE_REVIEWS, "POST": roles.MANAGE_REVIEWS}
POST_MANAGE = {"POST": roles.MANAGE_REVIEWS}


class CadenceMixin(ProjectAccessMixin):
    """Project pages of the cadence: who may manage reviews, in the context."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_manage=roles.MANAGE_REVIEWS in self.project_perms, nav="projects", **kwargs)


class ReviewsView(CadenceMixin, TemplateView):
    """A project's review series: next meeting, recent meetings (held, missed), open follow-up actions."""

    template_name = "cadence/reviews.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            series_list=selectors.series_list(user=self.request.user, project=self.project),
            actions=selectors.open_actions(user=self.request.user, project=self.project)[:50],
            **kwargs,
        )


class SeriesMixin(CadenceMixin):
    @cached_property
    def series(self):
        return selectors.series_get(user=self.request.user, project=self.project, pk=self.kwargs["pk"])


class SeriesDetailView(SeriesMixin, TemplateView):
    """One series: its rule, the last half year of meetings and the next ones."""

    template_name = "cadence/series_detail.html"
    PAST_DAYS, AHEAD_DAYS = 183, 120

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        occurrences = selectors.series_occurrences(
            series_list=[self.series],
            first=today - datetime.timedelta(days=self.PAST_DAYS),
            last=today + datetime.timedelta(days=self.AHEAD_DAYS),
        )
        return super().get_context_data(
            series=self.series,
            past=[o for o in reversed(occurrences) if o.scheduled_on < today],
            ahead=[o for o in occurrences if o.scheduled_on >= today],
            schedule_form=ScheduleForm() if self.series.kind == ReviewKind.AD_HOC else None,
            **kwargs,
        )


class SeriesCreateView(CadenceMixin, FormView):
    template_name = "cadence/series_form.html"
    form_class = SeriesForm
    permission_required = MANAGE

    def get_initial(self):
        return {
            "starts_on": timezone.localdate() + datetime.timedelta(days=7),
            "kind": ReviewKind.AD_HOC,
            "chair_role": Role.PRODUCT_OWNER,
        }

    def form_valid(self, form):
        try:
            series = services.series_create(
                actor=self.request.user,
                project=self.project,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"“{series.title}” scheduled.")
        return redirect(series)


class SeriesUpdateView(SeriesMixin, FormView):
    template_name = "cadence/series_form.html"
    form_class = SeriesForm
    permission_required = MANAGE

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editing": True}

    def get_initial(self):
        s = self.series
        return {
            "title": s.title,
            "purpose": s.purpose,
            "chair_role": s.chair_role,
            "attendee_roles": s.attendee_roles,
            "starts_on": s.starts_on,
            "rule": s.rule,
            "lead_days": s.lead_days,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(series=self.series, **kwargs)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        if data["lead_days"] is None:
            data["lead_days"] = DEFAULT_LEAD_DAYS[self.series.kind]
        try:
            series = services.series_update(actor=self.request.user, series=self.series, **data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"“{series.title}” changed. Meetings already past keep their dates.")
        return redirect(series)


class SeriesActionView(SeriesMixin, View):
    """POST pause, resume or (ad hoc) schedule a date."""

    permission_required = POST_MANAGE

    def post(self, request, *args, **kwargs):
        action = kwargs["action"]
        try:
            if action == "pause":
                services.series_pause(actor=request.user, series=self.series)
                messages.success(request, "Paused: no meetings are scheduled until you resume.")
            elif action == "resume":
                series = services.series_resume(actor=request.user, series=self.series)
                messages.success(request, f"Resumed. Next meeting {series.next_on(timezone.localdate()):%-d %b %Y}.")
            elif action == "schedule":
                form = ScheduleForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(form.errors["scheduled_on"])
                occurrence = services.occurrence_schedule(
                    actor=request.user, series=self.series, scheduled_on=form.cleaned_data["scheduled_on"]
                )
                messages.success(request, f"Review scheduled on {occurrence.scheduled_on:%-d %b %Y}.")
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(self.series)


class OccurrenceMixin(CadenceMixin):
    @cached_property
    def occurrence(self):
        occurrence = selectors.occurrence_get(
            user=self.request.user, project=self.project, series_pk=self.kwargs["series_pk"], day=self.kwargs["day"]
        )
        if occurrence is None:
            raise Http404("This series has no meeting on that day.")
        return occurrence

    @cached_property
    def members(self):
        return project_members(project=self.project)


class OccurrenceDetailView(OccurrenceMixin, TemplateView):
    """A meeting: its agenda (as prepared, or live until it is held), the record and the chair's attestation."""

    template_name = "cadence/occurrence_detail.html"

    def get_context_data(self, **kwargs):
        occurrence = self.occurrence
        held = occurrence.pk is not None and occurrence.held_on is not None
        agenda = (
            occurrence.agenda
            if held
            else selectors.agenda_prepare(series=occurrence.series, day=occurrence.scheduled_on)
        )
        attestation = next(iter(occurrence.attestations.all()), None) if occurrence.pk else None
        return super().get_context_data(
            occurrence=occurrence,
            series=occurrence.series,
            held=held,
            agenda=agenda,
            attestation=attestation,
            decision_form=DecisionForm(),
            action_form=ActionForm(members=self.members),
            **kwargs,
        )


class OccurrenceRecordView(OccurrenceMixin, FormView):
    """Record a meeting: held date, attendees, chair, minutes, decisions, actions, risks reviewed."""

    template_name = "cadence/occurrence_record.html"
    form_class = RecordForm
    permission_required = MANAGE

    @cached_property
    def agenda(self):
        if self.occurrence.pk and self.occurrence.held_on:
            return self.occurrence.agenda
        return selectors.agenda_prepare(series=self.occurrence.series, day=self.occurrence.scheduled_on)

    @cached_property
    def agenda_risks(self):
        ids = selectors.agenda_risk_ids(self.agenda)
        return list(Risk.objects.filter(project=self.project, pk__in=ids).select_related("project"))

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "members": self.members,
            "risk_choices": [(risk.pk, str(risk)) for risk in self.agenda_risks],
        }

    def get_initial(self):
        occurrence = self.occurrence
        if occurrence.pk and occurrence.held_on:
            return {
                "held_on": occurrence.held_on,
                "chair": occurrence.chair,
                "attendees": list(occurrence.attendees.all()),
                "minutes": occurrence.minutes,
            }
        series = occurrence.series
        return {
            "held_on": min(occurrence.scheduled_on, timezone.localdate()),
            "chair": project_members(project=self.project, roles=[series.chair_role]).first(),
            "attendees": list(project_members(project=self.project, roles=[series.chair_role, *series.attendee_roles])),
        }

    @cached_property
    def action_formset(self):
        data = self.request.POST if self.request.method == "POST" else None
        return ActionFormSet(data, prefix="actions", form_kwargs={"members": self.members})

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            occurrence=self.occurrence,
            series=self.occurrence.series,
            agenda=self.agenda,
            action_formset=self.action_formset,
            **kwargs,
        )

    def form_valid(self, form):
        if not self.action_formset.is_valid():
            return self.form_invalid(form)
        data = form.cleaned_data
        risks = [risk for risk in self.agenda_risks if risk.pk in set(data["reviewed_risks"])]
        try:
            occurrence = services.occurrence_record(
                actor=self.request.user,
                series=self.occurrence.series,
                scheduled_on=self.occurrence.scheduled_on,
                held_on=data["held_on"],
                chair=data["chair"],
                attendees=list(data["attendees"]),
                minutes=data["minutes"],
                decisions=form.decision_lines(),
                actions=self.action_formset.actions(),
                reviewed_risks=risks,
                agenda=self.agenda,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _recorded_message(occurrence))
        return redirect(occurrence)


def _recorded_message(occurrence) -> str:
    message = f"Recorded: {occurrence}."
    attestation = services.attestation_current(occurrence)
    if attestation is not None and attestation.is_open:
        message += f" {occurrence.chair} is asked to attest the record (due {attestation.due_on:%-d %b %Y})."
    next_day = occurrence.series.next_on(occurrence.scheduled_on)
    if next_day:
        message += f" Next meeting: {next_day:%-d %b %Y}."
    return message


class OccurrencePostView(OccurrenceMixin, View):
    """POST on a held meeting: add a decision, add an action, request the chair's attestation."""

    permission_required = POST_MANAGE

    def post(self, request, *args, **kwargs):
        occurrence = self.occurrence
        if occurrence.pk is None:
            messages.error(request, "Record the meeting first.")
            return redirect(occurrence)
        action = kwargs["action"]
        try:
            if action == "decision":
                form = DecisionForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(form.errors.get("text", "Write the decision."))
                services.decision_add(actor=request.user, occurrence=occurrence, text=form.cleaned_data["text"])
                messages.success(request, "Decision recorded.")
            elif action == "action":
                form = ActionForm(request.POST, members=self.members)
                if not form.is_valid():
                    raise ValidationError([f"{k}: {' '.join(v)}" for k, v in form.errors.items()])
                services.action_add(actor=request.user, occurrence=occurrence, **form.cleaned_data)
                messages.success(request, "Follow-up action added.")
            elif action == "attest":
                signoff = services.attestation_request(actor=request.user, occurrence=occurrence)
                messages.success(
                    request, f"{occurrence.chair} is asked to attest the record (due {signoff.due_on:%-d %b %Y})."
                )
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(occurrence)


class ActionCompleteView(CadenceMixin, View):
    """POST: an action's owner (or a review manager) marks it done or open again."""

    permission_required = {"POST": roles.VIEW}

    def post(self, request, *args, **kwargs):
        action = get_object_or_404(
            ActionItem.objects.select_related("occurrence__series"), project=self.project, pk=kwargs["pk"]
        )
        try:
            services.action_complete(actor=request.user, action=action, done=request.POST.get("done") != "0")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(
            request.POST.get("next") if request.POST.get("next", "").startswith("/") else action.get_absolute_url()
        )


# --- Calendar ----------------------------------------------------------------------------


def _month_param(value: str) -> tuple[int, int]:
    try:
        moment = datetime.datetime.strptime(value, "%Y-%m")
    except (TypeError, ValueError):
        today = timezone.localdate()
        return today.year, today.month
    if not 2000 <= moment.year <= 2100:
        today = timezone.localdate()
        return today.year, today.month
    return moment.year, moment.month


class CalendarView(LoginRequiredMixin, TemplateView):
    """Everything dated on the projects I can see: a month grid or an agenda list, filtered by project and kind."""

    template_name = "cadence/calendar.html"
    AGENDA_DAYS = 60
    # Entries per kind on one page: a thousand projects date tens of thousands of things a month,
    # which no one reads on a grid; past this the page says so and points to the filters.
    PER_SOURCE_LIMIT = 100

    def get_context_data(self, **kwargs):
        request = self.request
        view = "agenda" if request.GET.get("view") == "agenda" else "month"
        sources = registry.calendar_sources()
        kinds = [kind for kind in request.GET.getlist("kind") if kind in sources]
        projects = visible_projects(request.user).order_by("name")
        slug = request.GET.get("project", "")
        scope = projects.filter(slug=slug) if slug else projects
        year, month = _month_param(request.GET.get("month", ""))
        if view == "month":
            first, last = calendars.month_bounds(year, month)
        else:
            first = timezone.localdate()
            last = first + datetime.timedelta(days=self.AGENDA_DAYS)
        project_list = list(projects.only("id", "name", "slug"))
        names = {project.pk: project.name for project in project_list}
        found, more = registry.calendar_entries_bounded(
            projects=scope, first=first, last=last, sources=kinds or None, limit=self.PER_SOURCE_LIMIT
        )
        entries = [
            SimpleNamespace(
                **asdict(entry), project_name=names.get(entry.project_id, ""), source_label=sources[entry.source].label
            )
            for entry in found
        ]
        shown = datetime.date(year, month, 1)
        previous = (shown - datetime.timedelta(days=1)).replace(day=1)
        following = (shown + datetime.timedelta(days=32)).replace(day=1)
        query = request.GET.copy()
        query.pop("month", None)
        query.pop("view", None)
        return super().get_context_data(
            nav="calendar",
            view=view,
            sources=sources,
            selected_kinds=kinds,
            projects=project_list,
            selected_project=slug,
            month=shown,
            previous=previous,
            following=following,
            weeks=calendars.month_grid(year, month, entries) if view == "month" else None,
            entries=entries,
            more_labels=[sources[key].label for key in more],
            per_source_limit=self.PER_SOURCE_LIMIT,
            filter_query=query.urlencode(),
            statuses=OccurrenceStatus,
            **kwargs,
        )


class CalendarFeedsView(LoginRequiredMixin, TemplateView):
    """Manage my secret iCalendar subscription URLs: personal and per project."""

    template_name = "cadence/feeds.html"

    def get_context_data(self, **kwargs):
        feeds = {
            feed.project_id: feed
            for feed in CalendarFeed.objects.filter(user=self.request.user, revoked_at=None).select_related("project")
        }
        projects = list(visible_projects(self.request.user).order_by("name").only("id", "name", "slug"))
        new_token = self.request.session.pop("cadence_new_feed_token", None)
        new_url = (
            self.request.build_absolute_uri(reverse("cadence:feed-ics", kwargs={"token": new_token}))
            if new_token
            else ""
        )
        return super().get_context_data(
            nav="calendar",
            personal=feeds.get(None),
            project_rows=[(project, feeds.get(project.pk)) for project in projects],
            new_url=new_url,
            new_scope=self.request.session.pop("cadence_new_feed_scope", ""),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        slug = request.POST.get("project", "")
        project = get_object_or_404(visible_projects(request.user), slug=slug) if slug else None
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(actor=request.user, project=project)
            messages.success(request, "Feed revoked: calendar apps subscribed to it get nothing more.")
        else:
            _, token = services.calendar_feed_create(actor=request.user, project=project)
            request.session["cadence_new_feed_token"] = token
            request.session["cadence_new_feed_scope"] = project.name if project else "personal"
            messages.success(request, "New feed URL made; any previous URL of this feed no longer works.")
        return redirect("cadence:feeds")


class CalendarFeedIcsView(View):
    """GET the iCalendar of a secret feed. No session: the token is the credential; access is re-checked."""

    def get(self, request, token):
        feed = services.calendar_feed_resolve(token)
        if feed is None:
            raise Http404
        projects = visible_projects(feed.user)
        if feed.project_id is not None:
            projects = projects.filter(pk=feed.project_id)
        first, last = calendars.feed_range()
        entries = registry.calendar_entries(projects=projects, first=first, last=last)
        names = dict(projects.values_list("pk", "name"))
        name = f"Governance · {feed.project.name}" if feed.project_id else f"Governance · {feed.user}"
        body = calendars.ics_render(name=name, entries=entries, projects=names)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
