from django.core.management.base import BaseCommand, CommandError

from plans.importer import AgreementFileError, load_agreement_file

# The exit status when a file was loaded but some of its records were not applied, because
# people changed those records in the tracker since the last load (distinct from 1, refused).
NOT_ALL_APPLIED = 3


class Command(BaseCommand):
    help = (
        "Check a year's agreement file and load it in one transaction. Nothing is written when "
        "any record has a problem; every problem is listed with its record and field. A record "
        "people changed in the tracker since the last load keeps their change: it is listed, "
        f"the rest is loaded, and the command exits with status {NOT_ALL_APPLIED}."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Fixture files, in order (oldest year first)")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the files and report, write nothing"
        )

    def handle(self, *args, paths, dry_run=False, **options):
        not_applied = []
        for path in paths:
            try:
                report = load_agreement_file(path, dry_run=dry_run)
            except AgreementFileError as error:
                raise CommandError(str(error)) from None
            prefix = "Checked (dry run, nothing written)" if dry_run else "Loaded"
            self.stdout.write(self.style.SUCCESS(f"{prefix} {report.summary()}"))
            not_applied.extend(f"{path}: {line}" for line in report.not_applied)
        if not_applied:
            listed = "\n".join(f"  - {line}" for line in not_applied)
            raise CommandError(
                f"{len(not_applied)} record(s) not applied, because people changed them in the "
                f"tracker since they were loaded (their change is kept; the rest was "
                f"{'checked' if dry_run else 'loaded'}):\n{listed}",
                returncode=NOT_ALL_APPLIED,
            )
