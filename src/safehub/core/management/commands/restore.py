"""``safehub restore FILE``: restore a backup and verify row counts and the audit checksum."""

import time

from django.core.management.base import BaseCommand, CommandError

from safehub.core.backup import restore


class Command(BaseCommand):
    help = "Restore FILE over the configured database, then verify it against FILE.manifest.json."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        started = time.perf_counter()
        result = restore(file)
        if not result["ok"]:
            raise CommandError("restore verification failed: " + "; ".join(result["problems"][:5]))
        self.stdout.write(
            f"restored and verified {sum(result['manifest']['tables'].values()):,} rows "
            f"({time.perf_counter() - started:.1f} s); audit checksum matches"
        )
