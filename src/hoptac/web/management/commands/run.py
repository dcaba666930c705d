from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve hoptac on 127.0.0.1 (default port 8000)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, port: int, **options):
        if not 0 < port < 65536:
            raise CommandError(f"port {port} is not between 1 and 65535")
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"hoptac: http://127.0.0.1:{port}/")
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)
