"""Aging and escalation under frozen time: the owner first, then the Product Owner and Compliance, each step
of an aging episode announced once, in one summary per person per sweep (decision 0023)."""

import datetime

import pytest
import time_machine
from django.core import mail

from apps.notifications.models import Notification
from apps.projects.choices import ProjectStatus, Role
from apps.projects.models import Membership, Project
from apps.risks import services
from apps.risks.choices import AgingStep, Category, NotificationKind, ReviewFrequency
from apps.risks.models import AgingNotice, Risk
from apps.risks.tasks import escalate_aging_risks
from tests.factories import ProjectFactory, add_member

CREATED = datetime.date(2026, 3, 2)
DUE = CREATED + datetime.timedelta(days=7)  # weekly review
SUMMARY = f"risk_{NotificationKind.AGING_SUMMARY}"


def on(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(7, 0)), tick=False)


def days_after_due(days: int):
    return on(DUE + datetime.timedelta(days=days))


def subjects() -> list[tuple[str, str]]:
    """(recipient, subject) of each e-mail sent, sorted."""
    return sorted((message.to[0], message.subject) for message in mail.outbox)


def summary_of(person) -> Notification:
    return Notification.objects.get(kind=SUMMARY, recipient=person)


@pytest.fixture
def weekly_risk(make_risk):
    with on(CREATED):
        return make_risk(review_frequency=ReviewFrequency.WEEKLY)


def aging_backlog(project, owner, count: int, *, overdue_days=lambda n: 10) -> list[Risk]:
    """`count` risks past their review date (bulk: the sweep is under test, not risk_create), the n-th
    `overdue_days(n)` days on the day `days_after_due(10)`."""
    start = Risk.objects.filter(project=project).count()
    today = DUE + datetime.timedelta(days=10)
    return Risk.objects.bulk_create(
        Risk(
            project=project,
            number=start + n,
            title=f"Backlog risk {n}",
            category=Category.DEPENDENCY_FRAGILITY,
            impact=3,
            likelihood=3,
            residual_impact=2,
            residual_likelihood=2,
            owner=owner,
            next_review_on=today - datetime.timedelta(days=overdue_days(n)),
        )
        for n in range(1, count + 1)
    )


def test_a_risk_is_aging_only_after_its_review_date_has_passed(weekly_risk):
    with on(DUE):
        assert not Risk.objects.aging().exists() and not Risk.objects.get().is_aging
    with days_after_due(1):
        assert Risk.objects.aging().get() == weekly_risk
        assert Risk.objects.get().days_overdue == 1


def test_escalation_goes_to_the_owner_first_then_to_product_owner_and_compliance(weekly_risk, team):
    with on(DUE):
        escalate_aging_risks.delay()
    assert mail.outbox == []
    with days_after_due(1):
        escalate_aging_risks.delay()
    assert subjects() == [(team["engineer"].email, "Risk reviews: 1 risk of yours overdue for review")]
    with days_after_due(7):
        escalate_aging_risks.delay()
    assert len(mail.outbox) == 1
    with days_after_due(8):
        escalate_aging_risks.delay()
    assert subjects() == sorted(
        [
            (team["engineer"].email, "Risk reviews: 1 risk of yours overdue for review"),
            (team["owner"].email, "Risk reviews: 1 risk escalated to you"),
            (team["compliance"].email, "Risk reviews: 1 risk escalated to you"),
        ]
    )
    assert set(Notification.objects.filter(category="risks").values_list("kind", "recipient")) == {
        (SUMMARY, team["engineer"].pk),
        (SUMMARY, team["owner"].pk),
        (SUMMARY, team["compliance"].pk),
    }
    assert sorted(AgingNotice.objects.values_list("step", "period")) == [
        (AgingStep.OWNER, DUE),
        (AgingStep.ESCALATION, DUE),
    ]


def test_the_escalation_task_run_twice_announces_each_step_once(weekly_risk, team):
    with days_after_due(10):
        first = escalate_aging_risks.delay().get()
        second = escalate_aging_risks.delay().get()
    assert first == {"announced": 2, "summaries": 3, "sent": 3}  # the owner; the Product Owner and Compliance
    assert second == {"announced": 0, "summaries": 0, "sent": 0}
    assert len(mail.outbox) == 3


def test_an_unowned_aging_risk_goes_straight_to_the_leads(make_risk, team):
    with on(CREATED):
        make_risk(owner=None)
    with days_after_due(1):
        escalate_aging_risks.delay()
    assert [address for address, _ in subjects()] == sorted([team["owner"].email, team["compliance"].email])
    assert "· no owner" in mail.outbox[0].body


def test_a_risk_whose_owner_left_goes_straight_to_the_leads(weekly_risk, team):
    team["engineer"].is_active = False
    team["engineer"].save(update_fields=["is_active"])
    with days_after_due(1):
        assert escalate_aging_risks.delay().get()["announced"] == 1
    assert [address for address, _ in subjects()] == sorted([team["owner"].email, team["compliance"].email])


def test_a_step_with_nobody_to_tell_waits_for_a_lead_to_be_appointed(make_risk, project, team):
    with on(CREATED):
        make_risk(owner=None)
    Membership.objects.filter(project=project, role__in=services.ESCALATION_ROLES).delete()
    with days_after_due(1):
        assert escalate_aging_risks.delay().get()["announced"] == 0
    assert not AgingNotice.objects.exists()
    add_member(project, team["sponsor"], Role.COMPLIANCE_OFFICER)
    with days_after_due(2):
        assert escalate_aging_risks.delay().get() == {"announced": 1, "summaries": 1, "sent": 1}
    assert mail.outbox[0].to == [team["sponsor"].email]


def test_a_retired_projects_risks_are_not_swept(weekly_risk, project):
    Project.objects.filter(pk=project.pk).update(status=ProjectStatus.RETIRED)
    with days_after_due(30):
        assert escalate_aging_risks.delay().get() == {"announced": 0, "summaries": 0, "sent": 0}
    assert not AgingNotice.objects.exists()


def test_a_review_stops_the_escalation_and_a_later_aging_starts_a_new_episode(weekly_risk, team):
    with days_after_due(1):
        escalate_aging_risks.delay()
        services.risk_review(actor=team["engineer"], risk=weekly_risk)
    with days_after_due(8):
        escalate_aging_risks.delay()
    assert len(mail.outbox) == 1  # reviewed on day 1: no escalation a week later
    with days_after_due(9):
        escalate_aging_risks.delay()
    assert len(mail.outbox) == 2 and mail.outbox[1].to == [team["engineer"].email]
    assert sorted(AgingNotice.objects.values_list("period", flat=True)) == [DUE, DUE + datetime.timedelta(days=8)]


def test_closed_risks_never_age(weekly_risk, team):
    services.risk_update(actor=team["owner"], risk=weekly_risk, status="closed")
    with days_after_due(30):
        assert escalate_aging_risks.delay().get() == {"announced": 0, "summaries": 0, "sent": 0}


def test_one_summary_per_person_whatever_the_number_of_risks(project, team):
    aging_backlog(project, team["engineer"], 40)
    with days_after_due(10):
        assert escalate_aging_risks.delay().get() == {"announced": 80, "summaries": 3, "sent": 3}
    assert subjects() == sorted(
        [
            (team["engineer"].email, "Risk reviews: 40 risks of yours overdue for review"),
            (team["owner"].email, "Risk reviews: 40 risks escalated to you"),
            (team["compliance"].email, "Risk reviews: 40 risks escalated to you"),
        ]
    )
    assert Notification.objects.filter(category="risks").count() == 3


def test_the_summary_lists_the_most_overdue_risks_first_and_counts_the_rest(project, team):
    # Risk n is n days overdue: the 25 listed are risks 30 down to 6.
    aging_backlog(project, team["engineer"], 30, overdue_days=lambda n: n)
    with days_after_due(10):
        escalate_aging_risks.delay()
    body = summary_of(team["engineer"]).body
    assert "30 risks you own are past their review date, on 1 project." in body
    listed = [line for line in body.splitlines() if line.startswith("- ")]
    assert len(listed) == services.SUMMARY_LIST_LIMIT
    assert listed[0].endswith(f"{project.key}-R-030 Backlog risk 30 · 30 days overdue")
    assert listed[-1].endswith(f"{project.key}-R-006 Backlog risk 6 · 6 days overdue")
    assert "… and 5 more." in body
    assert f"/projects/{project.slug}/risks/R-030/" in body
    # 23 of them (8 to 30 days) are escalated: all listed, none more.
    escalated = summary_of(team["compliance"]).body
    assert "23 risks on 1 project" in escalated and "more." not in escalated


def test_the_summary_links_to_the_portfolio_filtered_to_what_the_person_must_act_on(client, project, team):
    with days_after_due(10):  # reviewed in a week: in neither list
        not_due = services.risk_create(
            actor=team["owner"],
            project=project,
            title="Fresh",
            category=Category.PRIVACY,
            impact=2,
            likelihood=2,
            owner=team["engineer"],
        )
    aging_backlog(project, team["engineer"], 3, overdue_days=lambda n: 3 * n)  # 3, 6 and 9 days overdue
    aging_backlog(project, team["mlops"], 1)  # someone else's
    with days_after_due(10):
        escalate_aging_risks.delay()
        client.force_login(team["engineer"])
        own = client.get(summary_of(team["engineer"]).url).context["risks"]
        client.force_login(team["compliance"])
        escalated = [
            (risk.title, risk.days_overdue) for risk in client.get(summary_of(team["compliance"]).url).context["risks"]
        ]
    assert [risk.title for risk in own] == ["Backlog risk 3", "Backlog risk 2", "Backlog risk 1"]
    assert not_due.pk not in {risk.pk for risk in own} and not_due.is_live
    assert escalated == [("Backlog risk 1", 10), ("Backlog risk 3", 9)]  # a week or more: mlops's, then risk 3


def test_a_person_on_two_projects_gets_one_summary_for_both(project, team):
    other = ProjectFactory(name="Support Knowledge Assistant")
    add_member(other, team["compliance"], Role.COMPLIANCE_OFFICER)
    aging_backlog(project, None, 2)
    aging_backlog(other, None, 3)
    with days_after_due(10):
        escalate_aging_risks.delay()
    summary = summary_of(team["compliance"])
    assert summary.subject == "Risk reviews: 5 risks escalated to you"
    assert "5 risks on 2 projects" in summary.body
    assert f"{project.key}-R-001" in summary.body and f"{other.key}-R-003" in summary.body
    assert [m.to for m in mail.outbox].count([team["compliance"].email]) == 1


def test_a_second_sweep_the_same_day_announces_only_the_newly_aging_risks(weekly_risk, project, team):
    with days_after_due(1):
        escalate_aging_risks.delay()
        (late,) = aging_backlog(project, team["engineer"], 1, overdue_days=lambda n: 10)
        Risk.objects.filter(pk=late.pk).update(next_review_on=DUE)  # also one day overdue, found after the first run
        second = escalate_aging_risks.delay().get()
        third = escalate_aging_risks.delay().get()
    assert second == {"announced": 1, "summaries": 1, "sent": 1} and third["announced"] == 0
    first_summary, second_summary = mail.outbox
    assert first_summary.to == second_summary.to == [team["engineer"].email]
    assert "R-001 " in first_summary.body and "R-002 " not in first_summary.body
    assert "R-002 " in second_summary.body and "R-001 " not in second_summary.body


def test_the_risks_page_lists_the_steps_announced_about_it(client, weekly_risk, team):
    with days_after_due(8):
        escalate_aging_risks.delay()
        client.force_login(team["engineer"])
        html = client.get(weekly_risk.get_absolute_url()).content.decode()
    assert "Owner reminded: review due 9 Mar 2026" in html
    assert "Escalated to the project&#x27;s Product Owners and Security / Compliance Officers: review due" in html
    assert "In the aging summaries of 17 Mar 2026" in html and "None sent." not in html


class MailServerDown:
    """An e-mail backend whose server refuses every connection."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


def test_a_mail_server_that_is_down_leaves_the_summary_queued_until_it_is_back(weekly_risk, team, settings):
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"
    with days_after_due(1):
        assert escalate_aging_risks.delay().get() == {"announced": 1, "summaries": 1, "sent": 0}
    notice = summary_of(team["engineer"])
    assert (notice.state, notice.attempts) == ("pending", 1) and "ConnectionRefusedError" in notice.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    back = datetime.datetime.combine(DUE + datetime.timedelta(days=1), datetime.time(7, 5))
    with time_machine.travel(back, tick=False):  # the next minutely run after the server is back
        assert escalate_aging_risks.delay().get() == {"announced": 0, "summaries": 0, "sent": 1}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [team["engineer"].email]


def test_a_risk_titled_with_a_line_break_is_listed_on_one_line(make_risk, project, team):
    with on(CREATED):
        make_risk(title="Label leakage\r\nBcc: attacker@example.com")
    with days_after_due(1):
        assert escalate_aging_risks.delay().get()["sent"] == 1
    (message,) = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert f"{project.key}-R-001 Label leakage Bcc: attacker@example.com · 1 day overdue" in message.body
    assert message.bcc == [] and message.recipients() == [team["engineer"].email]


@pytest.mark.parametrize("count", [3, 30])
def test_the_aging_sweep_costs_the_same_queries_per_batch_and_drains_the_backlog(
    count, project, team, django_assert_max_num_queries
):
    aging_backlog(project, team["engineer"], count)
    # The sweep's row and its savepoint, four a batch and the empty read that ends them, then the
    # summaries' notify_many (six, whatever their number).
    with days_after_due(10), django_assert_max_num_queries(14):
        sweep = services.risk_escalations_plan(batch_size=50)
    assert sweep == services.AgingSweepResult(announced=2 * count, summaries=3)
    assert AgingNotice.objects.count() == 2 * count


def test_the_aging_sweep_takes_every_batch_in_one_run(project, team):
    aging_backlog(project, team["engineer"], 7)
    with days_after_due(10):
        assert services.risk_escalations_plan(batch_size=3) == services.AgingSweepResult(announced=14, summaries=3)
        assert services.risk_escalations_plan(batch_size=3) == services.AgingSweepResult(announced=0, summaries=0)
    assert "7 risks you own" in summary_of(team["engineer"]).body
