from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.deliverables.services import REGISTRY_FILE, registry_load


class Command(BaseCommand):
    help = "Load the deliverables registry (apps/deliverables/data/registry.yaml). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=REGISTRY_FILE, help="The registry YAML file.")

    def handle(self, *args, file: Path, **options):
        try:
            report = registry_load(path=file)
        except ValidationError as error:
            raise CommandError("The registry was not loaded: " + " ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Deliverables registry: {report.summary()}"))
