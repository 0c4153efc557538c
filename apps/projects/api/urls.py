from django.urls import include, path
from rest_framework.routers import DefaultRouter, SimpleRouter

from .views import MembershipViewSet, ProjectViewSet

router = DefaultRouter()
router.register("projects", ProjectViewSet, basename="project")

member_router = SimpleRouter()
member_router.register("members", MembershipViewSet, basename="project-member")

urlpatterns = [
    path("", include(router.urls)),
    path("projects/<slug:project_slug>/", include(member_router.urls)),
]
