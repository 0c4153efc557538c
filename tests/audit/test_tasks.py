from django.core import mail
from django.test import override_settings

from apps.audit.tasks import verify_audit_chain
from tests.audit.test_audit_trail import _tamper


@override_settings(ADMINS=[("Security", "security@example.test")])
def test_nightly_verification_is_silent_when_intact_and_alerts_when_broken(project):
    assert verify_audit_chain.delay().get()["ok"] is True
    assert mail.outbox == []
    _tamper("UPDATE audit_auditentry SET object_repr = %s WHERE id = (SELECT MIN(id) FROM audit_auditentry)", ["x"])
    result = verify_audit_chain.delay().get()
    assert result["ok"] is False
    assert len(mail.outbox) == 1
    assert f"#{result['first_broken_id']}" in mail.outbox[0].body
