from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import ChecklistItemViewSet, ChecklistTemplateViewSet, ProjectChecklistViewSet, ProjectEvidenceViewSet

templates = SimpleRouter()
templates.register("checklist-templates", ChecklistTemplateViewSet, basename="checklist-template")

project = SimpleRouter()
project.register("checklists", ProjectChecklistViewSet, basename="project-checklist")
project.register("evidence", ProjectEvidenceViewSet, basename="project-evidence")

items = SimpleRouter()
items.register("items", ChecklistItemViewSet, basename="checklist-item")

urlpatterns = [
    path("", include(templates.urls)),
    path("projects/<slug:project_slug>/", include(project.urls)),
    path("projects/<slug:project_slug>/checklists/<int:checklist_id>/", include(items.urls)),
]
