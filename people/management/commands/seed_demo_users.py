from django.core.management.base import BaseCommand, CommandError

from governance.models import Body
from people.demo import (
    DEMO_PASSWORD,
    DemoRefused,
    create_demo_accounts,
    create_watford_demo_accounts,
    demo_email,
)


class Command(BaseCommand):
    help = "Create the demo accounts (development only: refused when DEBUG is off)."

    def add_arguments(self, parser):
        parser.add_argument("--board", default="SCB", help="Short name of the board")

    def handle(self, *args, board, **options):
        try:
            accounts = create_demo_accounts(board) + create_watford_demo_accounts()
        except DemoRefused as error:
            raise CommandError(str(error)) from None
        except Body.DoesNotExist:
            raise CommandError(
                f"There is no board {board!r}: load its agreement first (make load)."
            ) from None
        self.stdout.write("Demo accounts (development only), all with the password:")
        self.stdout.write(f"    {DEMO_PASSWORD}")
        for username, what in accounts:
            self.stdout.write(f"  {username:32} {what}")
        self.stdout.write(
            f"Each has the address <username>@example.org (e.g. {demo_email('chair')}), which "
            "reaches nobody: the mail they are sent is at /dev/mail/ while the development "
            "server runs."
        )
