import datetime

from django.core.management.base import BaseCommand, CommandError

from hoptac.notifications.services import reminders_send


class Command(BaseCommand):
    help = "Send each responsible user what falls due (run daily from cron; idempotent within a day)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to remind for, YYYY-MM-DD (default today)")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"--date {date!r} is not a date in the form YYYY-MM-DD") from exc
        self.stdout.write(f"sent {reminders_send(today)}")
