from django.core.management.base import BaseCommand, CommandError

from apps.audit.models import ChainVerification
from apps.audit.services import audit_chain_verification_run


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain against its signed checkpoints and record the result (shown on the "
        "dashboard); exits non-zero and names the first broken entry. With --checkpoint, an intact chain is "
        "checkpointed afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("--checkpoint", action="store_true", help="Record a checkpoint when the chain is intact.")

    def handle(self, *args, **options):
        result = audit_chain_verification_run(
            trigger=ChainVerification.Trigger.COMMAND, checkpoint=options["checkpoint"]
        )
        if not result.intact:
            raise CommandError(result.message)
        self.stdout.write(self.style.SUCCESS(result.message))
