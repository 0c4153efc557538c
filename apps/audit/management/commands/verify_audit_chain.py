from django.core.management.base import BaseCommand, CommandError

from apps.audit.services import audit_chain_verify, audit_checkpoint_record


class Command(BaseCommand):
    help = (
        "Verify the audit trail's hash chain against its signed checkpoints; exits non-zero and names the first "
        "broken entry. With --checkpoint, an intact chain is checkpointed afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument("--checkpoint", action="store_true", help="Record a checkpoint when the chain is intact.")

    def handle(self, *args, **options):
        result = audit_chain_verify()
        if not result.ok:
            raise CommandError(result.describe())
        if options["checkpoint"]:
            audit_checkpoint_record()
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} entries verified."))
