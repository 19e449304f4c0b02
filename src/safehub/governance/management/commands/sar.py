"""``safehub sar PERSON_ID --user ADMIN --output DIR``: subject access export as sar.json and sar.pdf."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safehub.governance.sar import subject_access_export, subject_access_pdf
from safehub.people.models import Person


class Command(BaseCommand):
    help = "Export a person's records for a subject access request (third parties redacted)."

    def add_arguments(self, parser):
        parser.add_argument("person_id", type=int)
        parser.add_argument("--user", required=True, help="The administrator making the export (audited)")
        parser.add_argument("--output", required=True)

    def handle(self, *args, person_id, user, output, **options):
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise CommandError(f"no person with id {person_id}")
        by = get_user_model().objects.filter(username=user).first()
        if by is None:
            raise CommandError(f"no user {user}")
        export = subject_access_export(person=person, by=by, now=timezone.now())
        out = Path(output)
        out.mkdir(parents=True, exist_ok=True)
        (out / "sar.json").write_text(json.dumps(export, indent=2, ensure_ascii=False))
        (out / "sar.pdf").write_bytes(subject_access_pdf(export))
        self.stdout.write(f"wrote {out / 'sar.json'} and {out / 'sar.pdf'}")
