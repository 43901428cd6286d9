"""manage.py generate_synthetic: partnerships of realistic, deterministic data, in bulk."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from bench.synthetic import SCALES, generate


class Command(BaseCommand):
    help = (
        "Create synthetic partnerships (boards, bodies, people, agreements year after year, "
        "actions, progress updates and their history) with bulk inserts. Deterministic for a "
        "seed. Generate into an empty database: it refuses if the partnerships already exist."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            help="A named size; --partnerships, --years and --actions-per-year override it.",
        )
        parser.add_argument("--partnerships", type=int)
        parser.add_argument("--years", type=int)
        parser.add_argument("--actions-per-year", type=int)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--until",
            type=datetime.date.fromisoformat,
            help="The day the data ends (YYYY-MM-DD), today by default: the last year's "
            "agreement is the one in force then and no update is dated after it.",
        )

    def handle(self, *args, **options):
        partnerships, years, per_year = SCALES[options["scale"] or "small"]
        partnerships = options["partnerships"] or partnerships
        years = options["years"] or years
        per_year = options["actions_per_year"] or per_year

        def progress(done, seconds):
            if options["verbosity"] >= 1:
                self.stdout.write(f"  {done}/{partnerships} partnerships, {seconds:.1f}s")

        try:
            report = generate(
                partnerships=partnerships,
                years=years,
                actions_per_year=per_year,
                seed=options["seed"],
                until=options["until"],
                progress=progress,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        for label, number in sorted(report.counts.items()):
            self.stdout.write(f"{label}: {number}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {partnerships} partnerships x {years} years x {per_year} actions "
                f"(seed {options['seed']}) in {report.seconds:.1f}s."
            )
        )
