"""The personal dashboard at "/"."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from .selectors import dashboard_for


class DashboardView(LoginRequiredMixin, TemplateView):
    """What waits for the signed-in person, and the panels of the roles they hold."""

    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(dashboard=dashboard_for(user=self.request.user), **kwargs)
