"""The registry and a project's deliverables show both the owner and the owner role, the CSV too."""

import csv
import io

import pytest
from django.urls import reverse

from apps.deliverables import services

pytestmark = pytest.mark.django_db


def test_registry_shows_the_owner_and_the_owner_role_together(client, deliverables, project):
    owned = next(pd for pd in deliverables.values() if pd.owner_id)
    services.project_deliverable_update(actor=project.owner, project_deliverable=owned, owner=project.owner)
    client.force_login(project.owner)
    response = client.get(reverse("deliverables:registry"), {"project": project.slug})
    html = response.content.decode()
    role = owned.deliverable.get_owner_role_display()
    cell = html.split(owned.deliverable.name, 1)[1].split("</tr>", 1)[0]
    assert project.owner.display_name in cell and f"Owner role: {role}" in cell


def test_project_deliverables_page_shows_the_owner_role_of_every_row(client, deliverables, project):
    client.force_login(project.owner)
    html = client.get(reverse("deliverables:project-deliverable-list", args=[project.slug])).content.decode()
    assert html.count("Owner role: ") == len(deliverables)


def test_registry_csv_has_the_owner_and_the_owner_role(client, deliverables, project):
    pd = next(iter(deliverables.values()))
    services.project_deliverable_update(actor=project.owner, project_deliverable=pd, owner=project.owner)
    client.force_login(project.owner)
    export = client.get(reverse("deliverables:registry"), {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    row = next(r for r in rows if r["deliverable"] == pd.deliverable.name)
    assert row["owner"] == project.owner.display_name
    assert row["owner_role"] == pd.deliverable.get_owner_role_display()
