from django.urls import path

from . import views

app_name = "checklists"

ITEM = "projects/<slug:project_slug>/checklists/<int:checklist_id>/items/<slug:item_key>/"

urlpatterns = [
    path("checklists/templates/", views.TemplateListView.as_view(), name="template-list"),
    path("checklists/templates/upload/", views.TemplateUploadView.as_view(), name="template-upload"),
    path("checklists/templates/<slug:template_key>/", views.TemplateVersionView.as_view(), name="template-detail"),
    path(
        "checklists/templates/<slug:template_key>/v<int:number>/",
        views.TemplateVersionView.as_view(),
        name="template-version",
    ),
    path("checklists/templates/<slug:template_key>/diff/", views.TemplateDiffView.as_view(), name="template-diff"),
    path("projects/<slug:project_slug>/checklists/", views.ChecklistOverviewView.as_view(), name="checklist-overview"),
    path(
        "projects/<slug:project_slug>/checklists/apply-defaults/",
        views.ChecklistApplyDefaultsView.as_view(),
        name="checklist-apply-defaults",
    ),
    path(
        "projects/<slug:project_slug>/checklists/<int:checklist_id>/",
        views.ChecklistDetailView.as_view(),
        name="checklist-detail",
    ),
    path(
        "projects/<slug:project_slug>/checklists/<int:checklist_id>/upgrade/",
        views.ChecklistUpgradeView.as_view(),
        name="checklist-upgrade",
    ),
    path(
        "projects/<slug:project_slug>/checklists/<int:checklist_id>/remove/",
        views.ChecklistRemoveView.as_view(),
        name="checklist-remove",
    ),
    path(ITEM, views.ItemDetailView.as_view(), name="item-detail"),
    path(f"{ITEM}inline/", views.ItemInlineView.as_view(), name="item-inline"),
    path(f"{ITEM}review/", views.ItemReviewView.as_view(), name="item-review"),
    path(f"{ITEM}evidence/", views.EvidenceAddView.as_view(), name="evidence-add"),
    path(f"{ITEM}comments/", views.CommentAddView.as_view(), name="comment-add"),
    path(
        "projects/<slug:project_slug>/checklists/evidence/<int:evidence_id>/download/",
        views.EvidenceDownloadView.as_view(),
        name="evidence-download",
    ),
    path(
        "projects/<slug:project_slug>/checklists/evidence/<int:evidence_id>/remove/",
        views.EvidenceRemoveView.as_view(),
        name="evidence-remove",
    ),
]
