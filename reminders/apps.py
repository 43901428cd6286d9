from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "Reminders, update rounds and calendar feeds"

    def ready(self):
        # The board report and the agenda helper sit below or beside this app: they learn of
        # update rounds through actions.hooks instead of importing it.
        from actions.hooks import register_round_provider

        from .selectors import round_marks_for_meeting

        register_round_provider(round_marks_for_meeting)
