"""Annex A Lists 1 (contacts) and 3 (referrals), mapped to the front door's records.

List 1 is one row per contact (``frontdoor.Contact``), keyed by child + contact date + source; List 3
one row per referral (``frontdoor.Referral``), keyed by child + referral date + source, with the
re-referral flag worked out from the child's referrals in the 12 months before.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from safehub.core.calendar import same_date_one_year_earlier
from safehub.returns.annex_a.bindings_base import SUMMARY, Binding, uk_day, uk_noon


class ContactsBinding(Binding):
    """List 1: a contact is one child in one contact (frontdoor.Contact)."""

    list_number = 1
    model_label = "frontdoor.Contact"

    def key(self, person_id, values):
        return f"{person_id}|{values['contact_date'].isoformat()}|{values['source']}"

    def fields_of_names(self):
        return ("child_sex", "ethnicity", "child_date_of_birth")

    def fields_of(self, values):
        return {
            "child_sex": values.get("gender") or "U",
            "ethnicity": values.get("ethnicity") or "NOBT",
            "child_date_of_birth": values.get("date_of_birth"),
        }

    def constants(self, ctx):
        from safehub.frontdoor.models import Consent, ContactStatus, LawfulBasis

        return {
            "child_family_name": "Not known",
            "summary": SUMMARY.format(n=1),
            "voice_not_recorded_reason": "Not held in the Annex A file",
            # Shared by the local authority under its statutory duty (not on consent).
            "consent": Consent.NOT_SOUGHT,
            "lawful_basis": LawfulBasis.PUBLIC_TASK,
            "status": ContactStatus.CLOSED,
            "created_by_id": getattr(ctx.by, "pk", None),
        }

    def build(self, person_id, values, ctx):
        received = uk_noon(values["contact_date"])
        return {
            "person_id": person_id,
            "source": values["source"],
            "received_at": received,
            "decision_due_at": received,
            **self.fields_of(values),
        }

    def match_unlinked(self, person_ids, keys):
        from safehub.frontdoor.models import Contact

        return self.oldest_by_key(
            Contact,
            person_ids,
            keys,
            ("received_at", "source"),
            lambda person_id, received_at, source: f"{person_id}|{uk_day(received_at).isoformat()}|{source}",
        )

    def export_rows(self, start, end):
        from safehub.frontdoor.models import Contact

        qs = Contact.objects.filter(
            person__isnull=False,
            received_at__gte=uk_noon(start) - timedelta(hours=12),
            received_at__lt=uk_noon(end) + timedelta(hours=12),
        ).order_by("received_at", "pk")
        for pk, person_id, received_at, source in qs.values_list("pk", "person_id", "received_at", "source").iterator():
            day = uk_day(received_at)
            if start <= day <= end:
                yield person_id, day, {"contact_date": day, "source": source, "_pk": pk}


class ReferralsBinding(Binding):
    """List 3: referrals to children's social care (frontdoor.Referral)."""

    list_number = 3
    model_label = "frontdoor.Referral"

    def key(self, person_id, values):
        return f"{person_id}|{values['referral_date'].isoformat()}|{values['source']}"

    def fields_of_names(self):
        return ("nfa",)

    def fields_of(self, values):
        return {"nfa": values.get("nfa") == "Y"}

    def build(self, person_id, values, ctx):
        return {
            "person_id": person_id,
            "referral_date": values["referral_date"],
            "source": values["source"],
            **self.fields_of(values),
        }

    def match_unlinked(self, person_ids, keys):
        from safehub.frontdoor.models import Referral

        return self.oldest_by_key(
            Referral,
            person_ids,
            keys,
            ("referral_date", "source"),
            lambda person_id, day, source: f"{person_id}|{day.isoformat()}|{source}",
        )

    def after_import(self, person_ids):
        """Flag re-referrals (another referral within 12 months before), as referral_create does."""
        from safehub.frontdoor.models import Referral

        by_person: dict[int, list] = defaultdict(list)
        ids = list(person_ids)
        for i in range(0, len(ids), 5000):
            for ref in Referral.objects.filter(person_id__in=ids[i : i + 5000]).only(
                "pk", "person_id", "referral_date", "is_re_referral", "previous_referral_id"
            ):
                by_person[ref.person_id].append(ref)
        changed = []
        for refs in by_person.values():
            refs.sort(key=lambda r: (r.referral_date, r.pk))
            for i, ref in enumerate(refs):
                since = same_date_one_year_earlier(ref.referral_date)
                previous = next((p for p in reversed(refs[:i]) if since <= p.referral_date < ref.referral_date), None)
                flag, prev_id = previous is not None, previous.pk if previous else None
                if (ref.is_re_referral, ref.previous_referral_id) != (flag, prev_id):
                    ref.is_re_referral, ref.previous_referral_id = flag, prev_id
                    changed.append(ref)
        Referral.objects.bulk_update(changed, ["is_re_referral", "previous_referral"], batch_size=2000)

    def export_rows(self, start, end):
        from safehub.frontdoor.models import Referral

        rows = list(
            Referral.objects.filter(referral_date__gte=start, referral_date__lte=end)
            .order_by("referral_date", "pk")
            .values_list("pk", "person_id", "referral_date", "source", "nfa")
        )
        history: dict[int, list[date]] = defaultdict(list)
        persons = {r[1] for r in rows}
        for person_id, day in Referral.objects.filter(
            person_id__in=persons, referral_date__gte=same_date_one_year_earlier(start), referral_date__lte=end
        ).values_list("person_id", "referral_date"):
            history[person_id].append(day)
        for pk, person_id, day, source, nfa in rows:
            since = same_date_one_year_earlier(day)
            in_12m = sum(1 for d in history[person_id] if since <= d <= day)
            yield (
                person_id,
                day,
                {
                    "referral_date": day,
                    "source": source,
                    "nfa": "Y" if nfa else "N",
                    "referrals_12m": in_12m,
                    "_pk": pk,
                },
            )
