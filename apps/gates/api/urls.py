from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import GateViewSet

router = SimpleRouter()
router.register("gates", GateViewSet, basename="project-gate")

urlpatterns = [path("projects/<slug:project_slug>/", include(router.urls))]
