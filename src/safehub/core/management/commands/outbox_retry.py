"""``safehub outbox_retry``: retry dead-lettered (or failed) event deliveries, or those now due.

    safehub outbox_retry 12 15      retry deliveries 12 and 15 (failed or dead letters)
    safehub outbox_retry --dead     retry every dead letter
    safehub outbox_retry --due      attempt every waiting or failed delivery whose time has come
    safehub outbox_retry --list     list failed and dead-lettered deliveries, one a line

A retry is audited under the operator's name. Bad input ends with a one-line error.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safehub.core import outbox
from safehub.core.actors import command_line
from safehub.core.outbox_models import OutboxDelivery, OutboxStatus


class Command(BaseCommand):
    help = "Retry dead-lettered or failed event deliveries (by id, or --dead for all), or attempt those due (--due)."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", help="delivery ids, as shown on the outbox page")
        parser.add_argument("--dead", action="store_true", help="retry every dead-lettered delivery")
        parser.add_argument("--due", action="store_true", help="attempt waiting or failed deliveries now due")
        parser.add_argument("--list", action="store_true", dest="show", help="list failed and dead-lettered deliveries")

    def handle(self, *args, ids: list[str], dead: bool, due: bool, show: bool, **options):
        chosen = sum([bool(ids), dead, due, show])
        if chosen != 1:
            raise CommandError("give delivery ids, or one of --dead, --due, --list")
        now = timezone.now()
        if show:
            problems = OutboxDelivery.objects.filter(status__in=outbox.RETRYABLE).select_related("event")
            for d in problems.order_by("pk"):
                self.stdout.write(f"{d.pk}\t{d.status}\t{d.event.name}\t{d.handler}\t{d.attempts}\t{d.last_error}")
            return
        if due:
            self.stdout.write(f"{outbox.outbox_deliveries_due(now=now)} deliveries attempted")
            return
        bad = [raw for raw in ids if not raw.isdigit()]
        if bad:
            raise CommandError(f"not a delivery id: {bad[0]!r} (ids are whole numbers, see --list)")
        if dead:
            wanted = list(
                OutboxDelivery.objects.filter(status=OutboxStatus.DEAD).order_by("pk").values_list("pk", flat=True)
            )
        else:
            wanted = [int(raw) for raw in ids]
            found = dict(OutboxDelivery.objects.filter(pk__in=wanted).values_list("pk", "status"))
            for pk in wanted:  # check them all before retrying any: all or nothing
                if pk not in found:
                    raise CommandError(f"there is no event delivery {pk}")
                if found[pk] not in outbox.RETRYABLE:
                    state = OutboxStatus(found[pk]).label.lower()
                    raise CommandError(
                        f"event delivery {pk} is {state}: only failed or dead-lettered deliveries are retried"
                    )
        by = command_line()
        for pk in wanted:
            try:
                outbox.outbox_delivery_retry(delivery_id=pk, by=by, now=now)
            except outbox.OutboxRetryRefused as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(f"{len(wanted)} deliveries queued to be tried again")
