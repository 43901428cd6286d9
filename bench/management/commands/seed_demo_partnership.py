"""manage.py seed_demo_partnership: the demo's fictional partnership (bench/demo.py)."""

from django.core.management.base import BaseCommand, CommandError

from bench.demo import DEMO_NAMING, seed_demo_partnership
from people.demo import DEMO_PASSWORD, DemoRefused


class Command(BaseCommand):
    help = (
        f"Create the {DEMO_NAMING.board_name} with its plans, progress, a slipped deadline "
        "and its demo accounts, so that its dashboard shows every figure today (development "
        "only: refused when DEBUG is off). Run again, it leaves the partnership as it is."
    )

    def handle(self, *args, **options):
        try:
            seeded = seed_demo_partnership()
        except DemoRefused as error:
            raise CommandError(str(error)) from None
        board = seeded.board
        if seeded.created:
            self.stdout.write(f"Created the {board.name}, at /p/{board.slug}/.")
        else:
            self.stdout.write(
                f"The {board.name} exists already (/p/{board.slug}/): left as it is. "
                "Its story is dated on the day it was made: to make it again for today, "
                "remove the database (db.sqlite3) and make run."
            )
        self.stdout.write(f"Its demo accounts, with the password {DEMO_PASSWORD}:")
        for username, what in seeded.accounts:
            self.stdout.write(f"  {username:32} {what}")
