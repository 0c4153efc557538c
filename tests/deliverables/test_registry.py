"""The deliverables registry: loaded from the repository, due dates from cadences, staleness, rules, the PM view."""

import csv
import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from apps.deliverables import services
from apps.deliverables.models import Deliverable
from apps.projects.choices import Role
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_registry_loads_its_29_deliverables_once():
    call_command("load_deliverables_registry", stdout=io.StringIO())
    assert Deliverable.objects.count() == 29
    assert services.registry_load().summary() == "0 created, 0 updated, 29 unchanged."
    charter = Deliverable.objects.get(key="project-charter")
    assert (charter.primary_stage, charter.owner_role, charter.cadence) == ("scoping", "product_owner", "on_change")


def test_a_malformed_registry_is_refused_by_name_and_loads_nothing(tmp_path):
    broken = tmp_path / "registry.yaml"
    broken.write_text(
        "deliverables:\n  - key: a\n    name: A\n    primary_stage: launch\n    owner_role: product_owner\n"
        "    cadence: weekly\n    cadence_label: Weekly\n    purpose: p\n"
    )
    with pytest.raises(ValidationError, match="registry.yaml: deliverable 'a': primary_stage 'launch'"):
        services.registry_load(path=broken)
    assert not Deliverable.objects.exists()


@pytest.mark.parametrize(
    ("cadence", "base", "due"),
    [
        ("weekly", date(2026, 3, 2), date(2026, 3, 9)),
        ("monthly", date(2026, 1, 31), date(2026, 2, 28)),
        ("quarterly", date(2026, 11, 30), date(2027, 2, 28)),
        ("annually", date(2028, 2, 29), date(2029, 2, 28)),
        ("each_deployment", date(2026, 3, 2), None),
        ("one_off", date(2026, 3, 2), None),
        ("on_interface_change", date(2026, 3, 2), None),
    ],
)
def test_next_due_date_follows_calendar_cadences_and_event_cadences_have_none(cadence, base, due):
    assert services.next_due_date(cadence, base) == due


def test_project_gets_every_deliverable_with_owners_by_role(registry, project, member_of):
    pm = member_of(project, Role.PRODUCT_MANAGER)
    services.project_deliverables_setup(actor=project.owner, project=project)
    assert project.deliverables.count() == 29
    assert project.deliverables.get(deliverable__key="project-charter").owner == project.owner
    assert project.deliverables.get(deliverable__key="baseline-kpi-sheet").owner == pm
    assert services.project_deliverables_setup(actor=project.owner, project=project) == []


def test_a_calendar_deliverable_past_its_due_date_is_stale_and_an_event_one_never(deliverables, project, time_machine):
    time_machine.move_to("2026-03-02 10:00")
    kpis = services.project_deliverable_update(
        actor=project.owner, project_deliverable=deliverables["baseline-kpi-sheet"], last_updated_on=date(2026, 3, 1)
    )
    charter = deliverables["project-charter"]
    assert kpis.next_due_on == date(2026, 6, 1) and not kpis.is_stale
    assert charter.next_due_on is None and charter.due_display == "On change"
    time_machine.move_to("2026-06-02 10:00")
    assert kpis.is_stale and not charter.is_stale


def test_owner_updates_their_deliverable_others_may_not_and_only_managers_approve(
    api_client, deliverables, project, member_of
):
    ds, other = member_of(project, Role.DATA_SCIENTIST), member_of(project, Role.DATA_SCIENTIST)
    report = services.project_deliverable_update(
        actor=project.owner, project_deliverable=deliverables["feasibility-report"], owner=ds
    )
    url = f"/api/v1/projects/{project.slug}/deliverables/{report.pk}/"
    api_client.force_authenticate(other)
    assert api_client.patch(url, {"status": "draft"}, format="json").status_code == 403
    api_client.force_authenticate(ds)
    draft = api_client.patch(url, {"status": "draft", "link": "https://wiki.example.com/feasibility"}, format="json")
    assert draft.status_code == 200 and draft.json()["last_updated_on"] is not None
    approve = api_client.patch(url, {"status": "approved"}, format="json")
    assert (
        approve.status_code == 400
        and "Only a Product Owner or Product Manager approves" in approve.json()["error"]["message"]
    )
    api_client.force_authenticate(project.owner)
    empty = deliverables["project-charter"]
    refused = api_client.patch(
        f"/api/v1/projects/{project.slug}/deliverables/{empty.pk}/", {"status": "approved"}, format="json"
    )
    assert "needs its document" in refused.json()["error"]["message"]
    assert api_client.patch(url, {"status": "approved"}, format="json").json()["status"] == "approved"


def test_deliverable_files_obey_the_upload_type_limits(api_client, deliverables, project):
    pd = deliverables["project-charter"]
    api_client.force_authenticate(project.owner)
    url = f"/api/v1/projects/{project.slug}/deliverables/{pd.pk}/file/"
    refused = api_client.post(url, {"file": SimpleUploadedFile("charter.html", b"<script>")}, format="multipart")
    assert refused.status_code == 400 and "are not accepted" in refused.json()["error"]["message"]
    stored = api_client.post(url, {"file": SimpleUploadedFile("charter.md", b"# Charter\n")}, format="multipart")
    assert stored.status_code == 200 and stored.json()["has_file"] is True
    assert b"".join(api_client.get(url).streaming_content) == b"# Charter\n"


def test_registry_view_filters_sorts_by_due_date_and_exports_csv_with_formulas_escaped(
    client, registry, project, member_of, time_machine
):
    time_machine.move_to("2026-03-02 10:00")
    other = ProjectFactory(
        name='=HYPERLINK("http://evil")', owner=UserFactory(creator=True, first_name="@Mallory", last_name="+1")
    )
    pm = member_of(project, Role.PRODUCT_MANAGER)
    services.project_deliverables_setup(actor=project.owner, project=project)
    services.project_deliverables_setup(actor=other.owner, project=other)
    weekly = project.deliverables.get(deliverable__cadence="weekly", deliverable__key="risk-register")
    services.project_deliverable_update(
        actor=project.owner, project_deliverable=weekly, last_updated_on=date(2026, 2, 1)
    )
    client.force_login(pm)

    stale = client.get(reverse("deliverables:registry"), {"stale": "yes"})
    rows = list(stale.context["deliverables"])
    assert [r.deliverable.key for r in rows] == ["risk-register"]  # pm sees only their project, one stale row
    by_due = list(client.get(reverse("deliverables:registry")).context["deliverables"])
    dates = [r.next_due_on for r in by_due if r.next_due_on]
    assert dates == sorted(dates) and by_due[-1].next_due_on is None  # event cadences last
    assert all(r.project == project for r in by_due)

    client.force_login(other.owner)
    export = client.get(reverse("deliverables:registry"), {"format": "csv"})
    table = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert table[0][:3] == ["project", "deliverable", "primary_stage"]
    assert {row[0] for row in table[1:]} == {'\'=HYPERLINK("http://evil")'}
    assert "'@Mallory +1" in {row[3] for row in table[1:]}
    assert len(table) == 30


def test_registry_filters_by_project_stage_owner_and_status(client, registry, project, member_of, auditor):
    other = ProjectFactory()
    services.project_deliverables_setup(actor=project.owner, project=project)
    services.project_deliverables_setup(actor=other.owner, project=other)
    client.force_login(auditor)
    url = reverse("deliverables:registry")
    assert client.get(url).context["paginator"].count == 58
    assert client.get(url, {"project": other.slug}).context["paginator"].count == 29
    assert (
        client.get(url, {"stage": "deployment"}).context["paginator"].count
        == 2 * Deliverable.objects.filter(primary_stage="deployment").count()
    )
    assert (
        client.get(url, {"owner": project.owner.pk}).context["paginator"].count
        == project.deliverables.filter(owner=project.owner).count()
    )
    assert client.get(url, {"status": "approved"}).context["paginator"].count == 0
    api = client.get("/api/v1/deliverable-registry/", {"project": other.slug, "sort": "stage"}).json()
    assert api["count"] == 29 and api["results"][0]["deliverable"]["primary_stage"] == "scoping"


@pytest.mark.parametrize("projects", [1, 4])
def test_registry_page_and_api_queries_do_not_grow_with_deliverables(
    client, registry, projects, auditor, django_assert_max_num_queries
):
    for _ in range(projects):
        project = ProjectFactory()
        services.project_deliverables_setup(actor=project.owner, project=project)
    client.force_login(auditor)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("deliverables:registry"))
    assert page.status_code == 200 and len(page.context["deliverables"]) == min(29 * projects, 50)
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/deliverable-registry/?page_size=200").json()["count"] == 29 * projects
    with django_assert_max_num_queries(14):
        assert client.get(reverse("deliverables:project-deliverable-list", args=[project.slug])).status_code == 200
