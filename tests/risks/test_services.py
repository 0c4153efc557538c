"""The register's rules: codes, owners, residual vs inherent, reviews, acceptance and its expiry."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from apps.audit.models import AuditEntry
from apps.core.cadence import Cadence
from apps.core.models import AppendOnlyError
from apps.notifications.models import Notification
from apps.risks import selectors, services
from apps.risks.choices import NotificationKind, ReviewFrequency, RiskStatus
from apps.risks.models import Risk
from apps.risks.tasks import expire_risk_acceptances
from tests.factories import ProjectFactory, UserFactory

TODAY = datetime.date(2026, 3, 2)  # a Monday


def test_codes_count_up_per_project(make_risk, project):
    other = ProjectFactory()
    first, second = make_risk(), make_risk()
    elsewhere = make_risk(target=other, actor=other.owner, owner=None)
    assert (first.code, second.code, elsewhere.code) == ("R-001", "R-002", "R-001")


def test_codes_are_never_reused_even_after_deletion(make_risk, team):
    make_risk()
    last = make_risk()
    services.risk_delete(actor=team["owner"], risk=last)
    assert make_risk().code == "R-003"


def test_the_database_refuses_two_risks_with_one_code(make_risk):
    risk = make_risk()
    with pytest.raises(IntegrityError):
        Risk.objects.filter(pk=make_risk().pk).update(number=risk.number)


def test_owner_must_be_a_project_member(make_risk):
    with pytest.raises(ValidationError) as error:
        make_risk(owner=UserFactory())
    assert "must be a member" in str(error.value)


def test_residual_score_cannot_exceed_the_inherent_score(make_risk):
    with pytest.raises(ValidationError) as error:
        make_risk(impact=2, likelihood=2, residual_impact=3, residual_likelihood=2)
    assert "cannot be above the inherent score" in str(error.value)


def test_residual_defaults_to_the_inherent_rating(make_risk):
    risk = make_risk(impact=4, likelihood=3)
    assert (risk.residual_impact, risk.residual_likelihood) == (4, 3)


def test_accepted_status_cannot_be_set_by_hand(make_risk, team):
    risk = make_risk()
    with pytest.raises(ValidationError):
        services.risk_update(actor=team["owner"], risk=risk, status=RiskStatus.ACCEPTED)


@time_machine.travel(TODAY, tick=False)
def test_reviewed_no_change_records_who_and_when_and_restarts_the_period(make_risk, team):
    risk = make_risk(review_frequency=ReviewFrequency.MONTHLY)
    with time_machine.travel(TODAY + datetime.timedelta(days=40), tick=False):
        assert Risk.objects.get(pk=risk.pk).is_aging
        review = services.risk_review(actor=team["mlops"], risk=risk, note="Still as assessed")
        risk.refresh_from_db()
        assert risk.last_reviewed_by == team["mlops"] and risk.last_reviewed_at == review.created_at
        assert risk.next_review_on == datetime.date(2026, 5, 11) and not risk.is_aging  # a calendar month on
    history = selectors.risk_history(risk=risk)
    assert {entry.content_type.model for entry in history} == {"risk", "riskreview"}


@pytest.mark.parametrize(
    ("frequency", "today", "due"),
    [
        (ReviewFrequency.WEEKLY, datetime.date(2026, 12, 29), datetime.date(2027, 1, 5)),
        (ReviewFrequency.MONTHLY, datetime.date(2026, 1, 31), datetime.date(2026, 2, 28)),
        (ReviewFrequency.QUARTERLY, datetime.date(2026, 11, 30), datetime.date(2027, 2, 28)),
    ],
)
def test_review_frequencies_are_calendar_cadences(frequency, today, due):
    assert set(ReviewFrequency.values) <= set(Cadence.values)
    assert services.next_review_date(frequency, today=today) == due


def test_reviews_and_acceptances_are_append_only(make_risk, team):
    review = services.risk_review(actor=team["owner"], risk=make_risk())
    with pytest.raises(AppendOnlyError):
        review.save()
    with pytest.raises(AppendOnlyError):
        type(review).objects.filter(pk=review.pk).update(note="edited")


def test_a_risk_with_decisions_is_closed_not_deleted(make_risk, team):
    risk = make_risk()
    services.risk_review(actor=team["owner"], risk=risk)
    with pytest.raises(ValidationError) as error:
        services.risk_delete(actor=team["owner"], risk=risk)
    assert "close the risk instead" in str(error.value)


def test_acceptance_at_or_below_the_threshold_takes_effect_with_its_expiry(make_risk, team):
    risk = make_risk(impact=4, likelihood=3, residual_impact=2, residual_likelihood=2)  # residual 4 = threshold
    expires = timezone.localdate() + datetime.timedelta(days=90)
    acceptance = services.risk_accept(actor=team["compliance"], risk=risk, expires_on=expires, note="Within appetite")
    risk.refresh_from_db()
    assert risk.status == RiskStatus.ACCEPTED and risk.accepted_until == expires
    assert (acceptance.residual_score, acceptance.threshold, acceptance.accepted_by) == (4, 4, team["compliance"])


@pytest.mark.parametrize("days", [0, -3, 366])
def test_acceptance_needs_a_future_expiry_within_a_year(make_risk, team, days):
    risk = make_risk(residual_impact=1, residual_likelihood=1)
    with pytest.raises(ValidationError) as error:
        services.risk_accept(
            actor=team["owner"], risk=risk, expires_on=timezone.localdate() + datetime.timedelta(days=days), note="x"
        )
    assert "expires_on" in error.value.message_dict


def test_expired_acceptance_returns_to_open_and_notifies_the_owner_once(make_risk, team):
    with time_machine.travel(TODAY, tick=False):
        risk = make_risk(residual_impact=1, residual_likelihood=2)
        services.risk_accept(
            actor=team["owner"], risk=risk, expires_on=TODAY + datetime.timedelta(days=30), note="Low and cheap"
        )
    with time_machine.travel(TODAY + datetime.timedelta(days=30), tick=False):
        assert expire_risk_acceptances.delay().get() == {"expired": 0, "sent": 0}  # valid through its last day
    with time_machine.travel(TODAY + datetime.timedelta(days=31), tick=False):
        assert expire_risk_acceptances.delay().get() == {"expired": 1, "sent": 1}
        assert expire_risk_acceptances.delay().get() == {"expired": 0, "sent": 0}
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OPEN and risk.accepted_until is None
    assert [message.to for message in mail.outbox] == [[team["engineer"].email]]
    assert f"Acceptance expired: {risk.project.key}-R-001" in mail.outbox[0].subject
    notice = Notification.objects.get(category="risks")
    assert (notice.kind, notice.period_key, notice.target) == (
        f"risk_{NotificationKind.ACCEPTANCE_EXPIRED}",
        (TODAY + datetime.timedelta(days=30)).isoformat(),
        risk,
    )
    expiry = AuditEntry.objects.get_for_object(risk).order_by("-id").first()
    assert expiry.actor is None and expiry.changes["status"] == ["accepted", "open"]


def test_every_change_lands_in_the_audit_trail_with_the_project_and_risk(make_risk, team, project):
    risk = make_risk()
    services.risk_update(actor=team["owner"], risk=risk, mitigation="Data contract")
    entries = AuditEntry.objects.filter(project_id=project.pk, additional_data__risk_id=risk.pk)
    assert [entry.action for entry in entries.order_by("id")] == [AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE]
    assert entries.order_by("id").last().changes["mitigation"] == ["", "Data contract"]
