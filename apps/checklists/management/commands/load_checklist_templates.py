from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.checklists.services import LIBRARY_DIR, templates_load_library


class Command(BaseCommand):
    help = (
        "Load the checklist template library (apps/checklists/data/templates/*.yaml). Idempotent: unchanged "
        "files change nothing, a changed file becomes a new version, a malformed file loads nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=LIBRARY_DIR, help="Folder of template files.")

    def handle(self, *args, directory: Path, **options):
        try:
            report = templates_load_library(directory=directory)
        except ValidationError as error:
            raise CommandError(
                "No template was loaded:\n" + "\n".join(f"  - {message}" for message in error.messages)
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Checklist templates: {report.summary()}"))
