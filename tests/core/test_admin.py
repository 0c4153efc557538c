"""One read-only admin (apps.core.admin.ReadOnlyAdmin) for records that change only through their services."""

import pytest
from django.contrib import admin
from django.urls import reverse

from apps.checklists.models import ChecklistTemplate
from apps.core.admin import ReadOnlyAdmin
from apps.core.models import AppendOnlyModel
from tests.factories import UserFactory

READ_ONLY = sorted(
    (model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, ReadOnlyAdmin)),
    key=lambda model: model._meta.label,
)


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def test_every_append_only_record_has_a_read_only_admin():
    for model, model_admin in admin.site._registry.items():
        if issubclass(model, AppendOnlyModel):
            assert isinstance(model_admin, ReadOnlyAdmin), model._meta.label


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda model: model._meta.label)
def test_read_only_admins_list_but_refuse_change_and_delete_even_to_a_superuser(model, superuser, rf):
    request = rf.get("/admin/")
    request.user = superuser
    model_admin = admin.site._registry[model]
    assert not model_admin.has_change_permission(request) and not model_admin.has_delete_permission(request)
    if model is not ChecklistTemplate:  # organisation templates are uploaded here, through the service
        assert not model_admin.has_add_permission(request)


def test_read_only_changelists_answer(client, superuser):
    client.force_login(superuser)
    for model in READ_ONLY:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:checklists_checklisttemplate_add")).status_code == 200
