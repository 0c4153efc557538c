import datetime

from django.urls import path, register_converter

from . import views


class IsoDateConverter:
    """2026-11-30: an occurrence's scheduled date in links."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(value) from error

    def to_url(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else value


register_converter(IsoDateConverter, "isodate")

app_name = "cadence"

project = "projects/<slug:project_slug>/reviews/"
series = f"{project}<int:pk>/"
occurrence = f"{project}<int:series_pk>/<isodate:day>/"

urlpatterns = [
    path("calendar/", views.CalendarView.as_view(), name="calendar"),
    path("calendar/feeds/", views.CalendarFeedsView.as_view(), name="feeds"),
    path("calendar/ics/<str:token>.ics", views.CalendarFeedIcsView.as_view(), name="feed-ics"),
    path(project, views.ReviewsView.as_view(), name="reviews"),
    path(f"{project}new/", views.SeriesCreateView.as_view(), name="series-create"),
    path(f"{project}actions/<int:pk>/done/", views.ActionCompleteView.as_view(), name="action-complete"),
    path(series, views.SeriesDetailView.as_view(), name="series-detail"),
    path(f"{series}edit/", views.SeriesUpdateView.as_view(), name="series-update"),
    *[
        path(f"{series}{action}/", views.SeriesActionView.as_view(), {"action": action}, name=f"series-{action}")
        for action in ("pause", "resume", "schedule")
    ],
    path(occurrence, views.OccurrenceDetailView.as_view(), name="occurrence-detail"),
    path(f"{occurrence}record/", views.OccurrenceRecordView.as_view(), name="occurrence-record"),
    *[
        path(
            f"{occurrence}{action}/",
            views.OccurrencePostView.as_view(),
            {"action": action},
            name=f"occurrence-{action}",
        )
        for action in ("decision", "action", "attest")
    ],
]
