"""Generated documents: the request is audited and queued after commit, the task builds it once,
failures are reported on the document, and people see only what their permissions allow."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.audit.models import AuditEntry
from apps.documents import selectors, services
from apps.documents.choices import DocumentState
from apps.documents.models import GeneratedDocument
from apps.projects.choices import Role
from tests.documents.conftest import AUDIT_ONLY, ECHO

pytestmark = pytest.mark.django_db


def _request(actor, project, kind=ECHO, **params):
    return services.document_request(actor=actor, project=project, kind=kind, params=params)


def test_a_request_is_built_after_commit_with_hash_size_and_manifest(project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        document = _request(project.owner, project, word="hello")
        assert GeneratedDocument.objects.get(pk=document.pk).state == DocumentState.QUEUED
    assert len(callbacks) == 1
    document.refresh_from_db()
    content = f"echo {project.name} hello".encode()
    assert document.state == DocumentState.DONE
    assert document.progress == 100
    assert document.file.read() == content
    assert document.size == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.manifest == {"word": "hello"}
    assert document.started_at <= document.finished_at


def test_the_request_and_the_outcome_are_audited(project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = _request(project.owner, project, word="hi")
    entries = AuditEntry.objects.filter(object_pk=str(document.pk), content_type__model="generateddocument")
    assert entries.count() == 2  # requested, then done
    # The worker has no request: the outcome is attributed to the person who asked for the document.
    assert entries.order_by("pk").last().actor_id == project.owner.pk


def test_a_second_run_of_the_task_builds_nothing(project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = _request(project.owner, project, word="once")
    assert services.document_build(document_id=document.pk) is None
    document.refresh_from_db()
    assert document.state == DocumentState.DONE


def test_a_failing_build_marks_the_document_failed_with_the_reason(project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = _request(project.owner, project, fail=True)
    document.refresh_from_db()
    assert document.state == DocumentState.FAILED
    assert "asked to fail" in document.error
    assert not document.file


def test_params_are_checked_by_the_kind_before_anything_is_queued(project):
    with pytest.raises(ValidationError):
        _request(project.owner, project, word="x" * 21)
    with pytest.raises(ValidationError):
        services.document_request(actor=project.owner, project=project, kind="no.such.kind", params={})
    assert not GeneratedDocument.objects.exists()


def test_the_kind_permission_decides_who_may_request(project, member_of):
    engineer = member_of(project, Role.DATA_ENGINEER)  # reads the project, not its audit trail
    _request(engineer, project)
    with pytest.raises(PermissionDenied):
        _request(engineer, project, kind=AUDIT_ONLY)


def test_selectors_show_project_documents_by_kind_permission_and_portfolio_ones_to_the_requester(
    project, member_of, outsider
):
    engineer = member_of(project, Role.DATA_ENGINEER)
    echo = _request(project.owner, project)
    audit_only = _request(project.owner, project, kind=AUDIT_ONLY)
    mine = services.document_request(actor=engineer, project=None, kind=ECHO, params={})
    assert set(selectors.document_list(user=project.owner, project=project)) == {echo, audit_only}
    assert set(selectors.document_list(user=engineer, project=project)) == {echo}
    assert selectors.document_get(user=engineer, pk=audit_only.pk, project=project) is None
    assert list(selectors.portfolio_document_list(user=engineer)) == [mine]
    assert list(selectors.portfolio_document_list(user=project.owner)) == []
    assert selectors.document_get(user=outsider, pk=mine.pk) is None
