import os
import secrets

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from hoptac.org.demo import load_demo_units
from hoptac.org.models import User
from hoptac.reference.loaders import load_all


class Command(BaseCommand):
    help = "Migrate, load reference and demo data, create the demo admin `demo`. Safe to run again."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("database migrated")
        load_all(report=lambda name, n: self.stdout.write(f"reference data: {name} ({n} changed)"))
        with transaction.atomic():
            unit = load_demo_units()
            password, note = self._demo_user(unit)
        for name, load in self._record_demos():
            with transaction.atomic():
                load()
            self.stdout.write(f"demo data: {name}")
        self.stdout.write(f"demo login: user demo, password {password}{note}")

    @staticmethod
    def _record_demos():
        from hoptac.activities.demo import load_demo as activities
        from hoptac.agreements.demo import load_demo as agreements
        from hoptac.aid.demo import load_demo as aid
        from hoptac.documents.demo import load_demo as documents
        from hoptac.programmes.demo import load_demo as programmes

        # Documents first: the record demos link the seed articles as their sources and texts.
        return [
            ("documents", documents),
            ("agreements", agreements),
            ("events and delegations", activities),
            ("aid projects", aid),
            ("action programmes", programmes),
        ]

    def _demo_user(self, unit) -> tuple[str, str]:
        wanted = os.environ.get("HOPTAC_DEMO_PASSWORD")
        stored = settings.DATA_DIR / "demo-password.txt"
        user = User.objects.filter(username="demo").first()
        if user is None:
            password = wanted or secrets.token_urlsafe(9)
            user = User(username="demo", first_name="Demo", last_name="Admin", email="demo@example.invalid")
            user.role = User.Role.ADMIN
            user.is_staff = user.is_superuser = True
            user.unit = unit
            user.set_password(password)
            user.save()
            if not wanted:
                stored.write_text(password)
                stored.chmod(0o600)
            return password, ""
        if wanted:
            if not user.check_password(wanted):
                user.set_password(wanted)
                user.save(update_fields=["password"])
            return wanted, ""
        if stored.exists():
            return stored.read_text().strip(), ""
        return "(unchanged)", " — set HOPTAC_DEMO_PASSWORD to choose one"
