from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The "What needs me" page: the other apps register its queue sources and panels (registry.py)."""

    name = "apps.dashboard"
    label = "dashboard"
    verbose_name = "Dashboard"
