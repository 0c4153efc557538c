from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .. import converters
from . import views

assert converters.IsoDateConverter  # registers <isodate:...>

router = SimpleRouter()
router.register("review-series", views.ReviewSeriesViewSet, basename="project-review-series")

occurrence = "projects/<slug:project_slug>/review-series/<int:series_pk>/occurrences/<isodate:day>/"

urlpatterns = [
    path("calendar/", views.CalendarAPIView.as_view(), name="calendar"),
    path(
        "projects/<slug:project_slug>/review-records/", views.ReviewRecordListAPIView.as_view(), name="review-records"
    ),
    path(occurrence, views.OccurrenceDetailAPIView.as_view(), name="review-occurrence"),
    path(f"{occurrence}record/", views.OccurrenceRecordAPIView.as_view(), name="review-occurrence-record"),
    path(f"{occurrence}decisions/", views.OccurrenceDecisionAPIView.as_view(), name="review-occurrence-decisions"),
    path(f"{occurrence}actions/", views.OccurrenceActionAPIView.as_view(), name="review-occurrence-actions"),
    path(f"{occurrence}attest/", views.OccurrenceAttestAPIView.as_view(), name="review-occurrence-attest"),
    path("projects/<slug:project_slug>/", include(router.urls)),
]
