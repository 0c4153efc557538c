from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import DeliverableViewSet, ProjectDeliverableViewSet, RegistryViewSet

router = SimpleRouter()
router.register("deliverables", DeliverableViewSet, basename="deliverable")
router.register("deliverable-registry", RegistryViewSet, basename="deliverable-registry")

project = SimpleRouter()
project.register("deliverables", ProjectDeliverableViewSet, basename="project-deliverable")

urlpatterns = [
    path("", include(router.urls)),
    path("projects/<slug:project_slug>/", include(project.urls)),
]
