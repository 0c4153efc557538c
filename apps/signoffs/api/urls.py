from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import ProjectSignoffViewSet, SignoffInboxViewSet, SignoffSubmittedViewSet

router = SimpleRouter()
router.register("signoffs/inbox", SignoffInboxViewSet, basename="signoff-inbox")
router.register("signoffs/submitted", SignoffSubmittedViewSet, basename="signoff-submitted")

project_router = SimpleRouter()
project_router.register("signoffs", ProjectSignoffViewSet, basename="project-signoff")

urlpatterns = [
    path("", include(router.urls)),
    path("projects/<slug:project_slug>/", include(project_router.urls)),
]
