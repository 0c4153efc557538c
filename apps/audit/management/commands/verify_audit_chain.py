from django.core.management.base import BaseCommand, CommandError

from apps.audit.services import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exits non-zero and names the first broken entry."

    def handle(self, *args, **options):
        result = audit_chain_verify()
        if not result.ok:
            raise CommandError(
                f"Audit chain BROKEN at entry #{result.first_broken_id}: {result.reason} "
                f"({result.checked} entries before it verified)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} entries verified."))
