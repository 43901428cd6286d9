from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from people.services import partnership_create


class Command(BaseCommand):
    help = (
        "Add a partnership (its board) and email an invitation to its first coordinator. "
        "Then load its plan (load_agreement) and the coordinator invites its people."
    )

    def add_arguments(self, parser):
        parser.add_argument("--short-name", required=True, help="How everyone writes it: SCP")
        parser.add_argument("--name", required=True, help="Its full name")
        parser.add_argument("--coordinator-email", required=True)

    def handle(self, *args, short_name, name, coordinator_email, **options):
        try:
            board, invitation = partnership_create(
                short_name=short_name, name=name, coordinator_email=coordinator_email
            )
        except ValidationError as error:
            problems = [
                f"  - {field.replace('_', '-')}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            ]
            raise CommandError("Nothing was added, because:\n" + "\n".join(problems)) from None
        self.stdout.write(
            f"Added {board.name} ({board.short_name}). An invitation was sent to "
            f"{invitation.email}; it works until {invitation.expires_at:%d %B %Y %H:%M}."
        )
