"""The dashboard as JSON: the same numbers and lines as the page."""

from rest_framework import serializers


class QueueItemSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField(help_text="The page where it is done.")
    project_name = serializers.CharField()
    project_key = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    detail = serializers.CharField()


class QueueSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    total = serializers.IntegerField(help_text="How many lines the section has (`items` holds the first ten).")
    overdue = serializers.IntegerField()
    items = QueueItemSerializer(many=True)


class PanelSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    data = serializers.DictField(
        help_text="The panel's numbers and lists, as its app declares them (docs/dashboard.md)."
    )


class DashboardSerializer(serializers.Serializer):
    today = serializers.DateField()
    roles = serializers.ListField(
        child=serializers.CharField(),
        help_text="The project roles you hold on some project, and `compliance_auditor` for the portal-wide readers.",
    )
    waiting = serializers.IntegerField(help_text="Lines in the queue, all sections together.")
    overdue = serializers.IntegerField()
    queue = QueueSectionSerializer(many=True)
    panels = PanelSerializer(many=True)


def dashboard_data(dashboard) -> dict:
    """The serializer's input from a `selectors.Dashboard`."""
    return {
        "today": dashboard.viewer.today,
        "roles": sorted(dashboard.viewer.roles),
        "waiting": dashboard.waiting,
        "overdue": dashboard.overdue,
        "queue": [
            {"key": source.key, "label": source.label, "total": s.total, "overdue": s.overdue, "items": s.items}
            for source, s in dashboard.queue
        ],
        "panels": [{"key": panel.key, "title": panel.title, "data": data} for panel, data in dashboard.panels],
    }
