from django.urls import path

from . import converters, views

assert converters.IsoDateConverter  # registers <isodate:...>

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
