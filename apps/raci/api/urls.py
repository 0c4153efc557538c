from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import RaciActivityViewSet, RaciMatrixViewSet

router = SimpleRouter()
router.register("raci/activities", RaciActivityViewSet, basename="raci-activity")
router.register("raci", RaciMatrixViewSet, basename="raci-matrix")

urlpatterns = [path("projects/<slug:project_slug>/", include(router.urls))]
