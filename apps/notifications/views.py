"""The notification centre: the bell's count, the list with filters, mark read, preferences.

A person only ever reaches their own notifications: every lookup goes through
`selectors.notification_list(user=...)`, so anybody else's answers 404.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import ListView, TemplateView, View

from apps.core.lazy_choices import lazy_choices_response, lazy_fields

from . import selectors, services
from .choices import Delivery
from .filters import LAZY_FIELDS, NotificationFilter


def _back(request):
    """Where a POST returns to: the page it came from (same site only), else the centre."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("notifications:list")


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/list.html"
    context_object_name = "notifications"
    paginate_by = 25

    @cached_property
    def filterset(self) -> NotificationFilter:
        return NotificationFilter(
            self.request.GET, queryset=selectors.notification_list(user=self.request.user), request=self.request
        )

    def get_queryset(self):
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter=self.filterset,
            lazy_fields=lazy_fields(self.filterset, LAZY_FIELDS),
            lazy_names=list(LAZY_FIELDS),
            choices_url=reverse("notifications:choices"),
            unread_count=selectors.notification_unread_count(user=self.request.user),
            query=query.urlencode(),
            **kwargs,
        )


class NotificationChoicesView(LoginRequiredMixin, View):
    """GET ?field=project&q=...: the filter's matching projects, as JSON (a lazy drop-down)."""

    def get(self, request):
        return lazy_choices_response(request, NotificationFilter(request=request), LAZY_FIELDS)


class NotificationBellView(LoginRequiredMixin, View):
    """The bell's badge, loaded by htmx so that pages pay no query for it."""

    def get(self, request):
        count = selectors.notification_unread_count(user=request.user)
        return render(request, "notifications/partials/bell.html", {"unread_count": count})


class NotificationMarkReadView(LoginRequiredMixin, View):
    def post(self, request, pk):
        notification = get_object_or_404(selectors.notification_list(user=request.user), pk=pk)
        services.notification_mark_read(actor=request.user, notification=notification)
        if request.htmx:
            return render(request, "notifications/partials/row.html", {"notification": notification, "next": ""})
        return _back(request)


class NotificationMarkAllReadView(LoginRequiredMixin, View):
    def post(self, request):
        count = services.notifications_mark_all_read(actor=request.user)
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
        return _back(request)


class NotificationPreferencesView(LoginRequiredMixin, TemplateView):
    template_name = "notifications/preferences.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            preferences=selectors.notification_preferences(user=self.request.user),
            deliveries=Delivery.choices,
            **kwargs,
        )

    def post(self, request):
        for preference in selectors.notification_preferences(user=request.user):
            chosen = request.POST.get(f"delivery-{preference['category']}")
            if chosen in Delivery.values and chosen != preference["delivery"]:
                services.notification_preference_set(
                    actor=request.user, category=preference["category"], delivery=chosen
                )
        messages.success(request, "Your notification preferences are saved.")
        return redirect(reverse("notifications:preferences"))
