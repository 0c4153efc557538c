"""Each rule of a checklist item is refused the same way in the browser (page and inline) and in the API."""

import pytest
from django.urls import reverse

from apps.checklists import services
from apps.checklists.models import ItemResponse, ItemReview
from apps.core.models import AppendOnlyError
from tests.checklists.conftest import item

pytestmark = pytest.mark.django_db

NA_MESSAGE = "marked not applicable only with a justification"
OWNER_MESSAGE = "Unowned items do not get done"
REVIEW_MESSAGE = "so a different project member must review it"
SINGLE_MESSAGE = "single-select question: choose exactly one option"


def _urls(checklist, key):
    args = [checklist.project.slug, checklist.pk, key]
    return {
        "page": reverse("checklists:item-detail", args=args),
        "inline": reverse("checklists:item-inline", args=args),
        "review": reverse("checklists:item-review", args=args),
        "api": f"/api/v1/projects/{checklist.project.slug}/checklists/{checklist.pk}/items/{key}/",
    }


def _status(checklist, key):
    response = ItemResponse.objects.filter(checklist=checklist, item__key=key).first()
    return response.status if response else "open"


def _api_message(response):
    assert response.status_code == 400, response.content
    return response.json()["error"]["message"]


def test_not_applicable_without_justification_is_refused_in_page_inline_and_api(client, api_client, checklist, team):
    urls = _urls(checklist, "ck-01-check")
    client.force_login(team["ds"])
    page = client.post(urls["page"], {"status": "not_applicable", "owner": team["ds"].pk, "justification": ""})
    assert page.status_code == 200 and NA_MESSAGE in page.content.decode()
    inline = client.post(urls["inline"], {"status": "not_applicable", "owner": ""}, HTTP_HX_REQUEST="true")
    assert NA_MESSAGE in inline.content.decode() and 'name="justification"' in inline.content.decode()
    api_client.force_authenticate(team["ds"])
    assert NA_MESSAGE in _api_message(api_client.patch(urls["api"], {"status": "not_applicable"}, format="json"))
    assert _status(checklist, "ck-01-check") == "open"

    justified = api_client.patch(
        urls["api"], {"status": "not_applicable", "justification": "No model is trained here."}, format="json"
    )
    assert justified.status_code == 200 and justified.json()["status"] == "not_applicable"


def test_done_without_owner_is_refused_in_page_inline_and_api(client, api_client, checklist, team):
    urls = _urls(checklist, "ck-02-check")
    client.force_login(team["ds"])
    page = client.post(urls["page"], {"status": "done", "owner": ""})
    assert page.status_code == 200 and OWNER_MESSAGE in page.content.decode()
    inline = client.post(urls["inline"], {"status": "done", "owner": ""}, HTTP_HX_REQUEST="true")
    assert OWNER_MESSAGE in inline.content.decode()
    api_client.force_authenticate(team["ds"])
    assert OWNER_MESSAGE in _api_message(api_client.patch(urls["api"], {"status": "done"}, format="json"))
    assert _status(checklist, "ck-02-check") == "open"


def test_review_by_the_member_who_completed_the_item_is_refused_in_page_inline_and_api(
    client, api_client, checklist, team
):
    target = item(checklist, "ck-01-check")
    services.item_response_update(actor=team["ds"], checklist=checklist, item=target, owner=team["ds"], status="done")
    urls = _urls(checklist, "ck-01-check")
    client.force_login(team["ds"])
    page = client.post(urls["review"], {"next": urls["page"]}, follow=True)
    assert REVIEW_MESSAGE in page.content.decode()
    inline = client.post(urls["review"], HTTP_HX_REQUEST="true")
    assert REVIEW_MESSAGE in inline.content.decode()
    api_client.force_authenticate(team["ds"])
    assert REVIEW_MESSAGE in _api_message(api_client.post(f"{urls['api']}review/", {}, format="json"))
    assert ItemReview.objects.count() == 0

    api_client.force_authenticate(team["ds2"])
    reviewed = api_client.post(f"{urls['api']}review/", {"note": "Looked at the ADR."}, format="json")
    assert reviewed.status_code == 201 and reviewed.json()["reviewer"]["id"] == team["ds2"].pk
    again = api_client.post(f"{urls['api']}review/", {}, format="json")
    assert "already reviewed" in _api_message(again)


def test_two_options_on_a_single_select_question_are_refused_in_page_and_api(client, api_client, checklist, team):
    urls = _urls(checklist, "q-01-use-case")
    client.force_login(team["ds"])
    page = client.post(urls["page"], {"status": "in_progress", "selected_options": ["classification", "rag"]})
    assert page.status_code == 200 and SINGLE_MESSAGE in page.content.decode()
    api_client.force_authenticate(team["ds"])
    two = api_client.patch(urls["api"], {"selected_options": ["classification", "rag"]}, format="json")
    assert SINGLE_MESSAGE in _api_message(two)
    assert not ItemResponse.objects.filter(checklist=checklist, item__key="q-01-use-case").exists()

    one = api_client.patch(
        urls["api"], {"selected_options": ["rag"], "owner": team["ds"].pk, "status": "done"}, format="json"
    )
    assert one.status_code == 200 and one.json()["selected_options"] == ["rag"]


def test_a_multi_select_question_takes_several_options_but_only_its_own(api_client, checklist, team):
    url = _urls(checklist, "q-02-tools")["api"]
    api_client.force_authenticate(team["ds"])
    assert api_client.patch(url, {"selected_options": ["mlflow", "dvc"]}, format="json").status_code == 200
    assert "Not an option of this question: airflow" in _api_message(
        api_client.patch(url, {"selected_options": ["airflow"]}, format="json")
    )


def test_owners_are_project_members(api_client, checklist, team, outsider):
    api_client.force_authenticate(team["ds"])
    url = _urls(checklist, "ck-01-check")["api"]
    assert "not a member of this project" in _api_message(api_client.patch(url, {"owner": outsider.pk}, format="json"))


def test_reopening_a_reviewed_item_needs_a_new_review(checklist, team):
    target = item(checklist, "ck-01-check")
    services.item_response_update(actor=team["ds"], checklist=checklist, item=target, owner=team["ds"], status="done")
    services.item_review(actor=team["ds2"], checklist=checklist, item=target)
    services.item_response_update(actor=team["ds"], checklist=checklist, item=target, status="in_progress")
    services.item_response_update(actor=team["ds"], checklist=checklist, item=target, status="done")
    response = ItemResponse.objects.get(checklist=checklist, item=target)
    assert response.current_review is None
    services.item_review(actor=team["ds2"], checklist=checklist, item=target)
    assert ItemReview.objects.filter(response=response).count() == 2  # the first decision is kept


def test_inline_edit_returns_the_row_with_the_new_status_and_owner(client, checklist, team):
    client.force_login(team["ds"])
    urls = _urls(checklist, "ck-02-check")
    row = client.post(urls["inline"], {"status": "done", "owner": team["ds"].pk}, HTTP_HX_REQUEST="true")
    html = row.content.decode()
    assert row.status_code == 200 and html.lstrip().startswith('<tr id="row-ck-02-check"')
    assert '<option value="done" selected>' in html and "Saved." in html
    assert _status(checklist, "ck-02-check") == "done"


def test_reviews_cannot_be_bulk_updated_or_deleted(checklist, team):
    target = item(checklist, "ck-01-check")
    services.item_response_update(actor=team["ds"], checklist=checklist, item=target, owner=team["ds"], status="done")
    review = services.item_review(actor=team["ds2"], checklist=checklist, item=target)
    for attempt in (
        lambda: ItemReview.objects.filter(pk=review.pk).update(note="rewritten"),
        lambda: ItemReview.objects.filter(pk=review.pk).delete(),
        lambda: review.response.reviews.all().delete(),
        lambda: ItemReview.objects.bulk_update([review], ["note"]),
        review.delete,
    ):
        with pytest.raises(AppendOnlyError):
            attempt()
    assert ItemReview.objects.filter(pk=review.pk, note="").exists()
