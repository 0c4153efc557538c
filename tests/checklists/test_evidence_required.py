"""Rubber-stamping: a Required item needs evidence to be done (unless its template says otherwise), in the page,
inline and in the API alike, and the reviewer sees that evidence where they mark the review."""

import pytest
import yaml
from django.urls import reverse

from apps.checklists import services
from apps.checklists.models import ChecklistTemplate, ItemResponse
from apps.checklists.validation import TemplateFormatError, parse_template

from .conftest import item, template_document

EVIDENCE_MESSAGE = "needs evidence to be done"


@pytest.fixture
def strict_checklist(project, load_templates):
    """The mini template with the format's default: its Required items need evidence."""
    load_templates(template_document(key="strict", evidence_required=True))
    template = ChecklistTemplate.objects.get(key="strict")
    return services.checklist_apply(actor=project.owner, project=project, template=template)


def _urls(checklist, key):
    args = [checklist.project.slug, checklist.pk, key]
    return {
        "inline": reverse("checklists:item-inline", args=args),
        "api": f"/api/v1/projects/{checklist.project.slug}/checklists/{checklist.pk}/items/{key}/",
    }


def _status(checklist, key):
    response = ItemResponse.objects.filter(checklist=checklist, item__key=key).first()
    return response.status if response else "open"


def test_a_required_item_without_evidence_cannot_be_done_inline_or_in_the_api(client, api_client, strict_checklist):
    owner = strict_checklist.project.owner
    urls = _urls(strict_checklist, "ck-01-check")
    client.force_login(owner)
    row = client.post(urls["inline"], {"status": "done", "owner": owner.pk}, HTTP_HX_REQUEST="true")
    assert EVIDENCE_MESSAGE in row.content.decode()
    api_client.force_authenticate(owner)
    response = api_client.patch(urls["api"], {"status": "done", "owner": owner.pk}, format="json")
    assert response.status_code == 400 and EVIDENCE_MESSAGE in response.json()["error"]["message"]
    assert _status(strict_checklist, "ck-01-check") != "done"

    services.evidence_add(
        actor=owner,
        checklist=strict_checklist,
        item=item(strict_checklist, "ck-01-check"),
        kind="note",
        note="Reviewed with Risk Ops on 3 March; minutes in the team drive.",
    )
    assert api_client.patch(urls["api"], {"status": "done", "owner": owner.pk}, format="json").status_code == 200
    assert _status(strict_checklist, "ck-01-check") == "done"


def test_suggested_items_and_items_the_template_exempts_need_no_evidence(strict_checklist, checklist):
    owner = checklist.project.owner
    suggested = item(strict_checklist, "ck-02-check")
    assert not suggested.evidence_required
    services.item_response_update(actor=owner, checklist=strict_checklist, item=suggested, status="done", owner=owner)
    exempt = item(checklist, "ck-01-check")  # the mini template says evidence_required: false
    assert exempt.is_required and not exempt.evidence_required
    services.item_response_update(actor=owner, checklist=checklist, item=exempt, status="done", owner=owner)


def test_the_last_evidence_of_a_done_item_cannot_be_removed(strict_checklist):
    owner = strict_checklist.project.owner
    target = item(strict_checklist, "ck-01-check")
    evidence = services.evidence_add(
        actor=owner, checklist=strict_checklist, item=target, kind="link", url="https://wiki.example.com/a"
    )
    services.item_response_update(actor=owner, checklist=strict_checklist, item=target, status="done", owner=owner)
    with pytest.raises(Exception, match="only evidence"):
        services.evidence_remove(actor=owner, evidence=evidence)


def test_the_reviewer_sees_the_evidence_next_to_mark_reviewed(client, strict_checklist, team):
    owner = strict_checklist.project.owner
    target = item(strict_checklist, "ck-01-check")
    services.evidence_add(
        actor=owner, checklist=strict_checklist, item=target, kind="link", url="https://wiki.example.com/adr-7"
    )
    services.item_response_update(actor=owner, checklist=strict_checklist, item=target, status="done", owner=owner)
    client.force_login(team["ds"])
    page = client.get(strict_checklist.get_absolute_url()).content.decode()
    row = page.split('data-testid="row-ck-01-check"')[1].split("</tr>")[0]
    assert 'href="https://wiki.example.com/adr-7"' in row and "Mark reviewed" in row


def test_the_template_format_takes_evidence_required_as_true_or_false_only():
    document = template_document(key="fmt", evidence_required=True)
    document["sections"][0]["items"][0]["evidence_required"] = "no"
    with pytest.raises(TemplateFormatError, match="evidence_required must be true or false"):
        parse_template(yaml.safe_dump(document), file_name="fmt.yaml")
    document["sections"][0]["items"][0]["evidence_required"] = False
    parsed = parse_template(yaml.safe_dump(document), file_name="fmt.yaml")
    assert parsed["sections"][0]["items"][0]["evidence_required"] is False
    assert "evidence_required" not in parsed["sections"][0]["items"][2]  # absent stays absent: same content hash
