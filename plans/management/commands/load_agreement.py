from django.core.management.base import BaseCommand, CommandError

from plans.importer import AgreementFileError, load_agreement_file


class Command(BaseCommand):
    help = (
        "Check a year's agreement file and load it in one transaction. Nothing is written when "
        "any record has a problem; every problem is listed with its record and field."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Fixture files, in order (oldest year first)")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the files and report, write nothing"
        )

    def handle(self, *args, paths, dry_run=False, **options):
        for path in paths:
            try:
                report = load_agreement_file(path, dry_run=dry_run)
            except AgreementFileError as error:
                raise CommandError(str(error)) from None
            prefix = "Checked (dry run, nothing written)" if dry_run else "Loaded"
            self.stdout.write(self.style.SUCCESS(f"{prefix} {report.summary()}"))
