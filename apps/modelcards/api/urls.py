from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import MLModelViewSet

router = SimpleRouter()
router.register("models", MLModelViewSet, basename="project-model")

urlpatterns = [path("projects/<slug:project_slug>/", include(router.urls))]
