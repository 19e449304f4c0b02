"""How each Annex A list maps to and from Safehub's records.

A binding says, for one list: which model a row becomes, the record's fields for a row
(``fields_of``), the same fields read back from records (``current_by_pk``), how to make many
records at once (``constants`` and ``build``), which existing record (not yet linked to a file) has
the row's natural key (``match_unlinked``) and the rows to export for a year (``export_rows``). The
importer does the rest: child IDs, natural keys, unchanged/updated detection, provenance and counts.

Records are written with bulk inserts rather than through each app's per-record services: the
services are for one record entered by a person (access checks, emails, drafts) and a million-row
file must load in seconds. The invariants those services keep are kept here too (see each build).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.apps import apps
from django.db import models

from safehub.casework import rules as casework_rules
from safehub.core.calendar import UK, same_date_one_year_earlier
from safehub.core.sql import any_of
from safehub.core.timescales import timescale

SUMMARY = "Recorded in the local authority's case system; imported from Ofsted Annex A list {n}."


@lru_cache(maxsize=50_000)  # a list repeats its dates: one datetime per distinct day
def uk_noon(day: date) -> datetime:
    """An imported date becomes midday UK time, so it reads back as the same date in any zone."""
    return datetime.combine(day, time(12, 0), tzinfo=UK)


def uk_day(moment: datetime) -> date:
    return moment.astimezone(UK).date()


class Binding:
    list_number: int
    model_label: str
    # A list keyed by a child (Lists 1-10). A list keyed by something else (List 11: adopters) sets
    # False and writes and reads its rows itself (``import_rows``/``export_list``).
    child_keyed: bool = True

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    @classmethod
    def available(cls) -> bool:
        try:
            apps.get_model(cls.model_label)
        except LookupError:
            return False
        return True

    def key(self, person_id: int, values: dict) -> str:
        raise NotImplementedError

    def fields_of(self, values: dict) -> dict:
        raise NotImplementedError

    def current_by_pk(self, pks: list[int]) -> dict[int, dict]:
        """Return the ``fields_of`` values the records hold now, by primary key (missing: deleted since)."""
        names = self.fields_of_names()
        rows = self.model._default_manager.filter(pk__in=any_of(pks)).values_list("pk", *names) if pks else []
        return {pk: dict(zip(names, held, strict=True)) for pk, *held in rows}

    def fields_of_names(self) -> tuple[str, ...]:
        raise NotImplementedError

    def constants(self, ctx) -> dict:
        """Return the field values every new record of this import has (given once to fastwrite)."""
        return {}

    def build(self, person_id: int, values: dict, ctx) -> dict:
        """Return the new record's other field values by attribute name (inserted with fastwrite)."""
        raise NotImplementedError

    def match_unlinked(self, person_ids: set[int], keys: set[str]) -> dict[str, int]:
        """Map natural keys to the oldest record of these people with that key."""
        return {}

    def check_rows(self, rows: list[tuple[int, int, dict]]) -> dict[int, list[tuple[str, object, str, bool]]]:
        """Checks needing the database, for a chunk of (row, person id, values): by row, the notes
        (column heading, value, message, refused). A refused row is not imported."""
        return {}

    def after_import(self, person_ids: set[int]) -> None:
        """Recompute anything that depends on a child's other records (e.g. re-referral flags)."""

    def export_rows(self, start: date, end: date) -> Iterable[tuple[int, date, dict]]:
        """Yield (person id, event date, values by field) for the year."""
        raise NotImplementedError

    def import_rows(
        self, spec, rows: list[tuple[int, dict]], ctx
    ) -> list[tuple[int, str, list[tuple[str, object, str]]]]:
        """A list not keyed by a child: write its good rows (row number, values); return for each row
        (row number, outcome: imported/updated/unchanged/rejected, notes as (heading, value, message))."""
        raise NotImplementedError

    def export_list(self, start: date, end: date) -> Iterable[dict]:
        """A list not keyed by a child: yield its rows' values by field for the year (``_pk``: the record)."""
        raise NotImplementedError


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

        found: dict[str, int] = {}
        for pk, person_id, received_at, source in (
            Contact.objects.filter(person_id__in=any_of(list(person_ids)))
            .order_by("pk")
            .values_list("pk", "person_id", "received_at", "source")
        ):
            key = f"{person_id}|{uk_day(received_at).isoformat()}|{source}"
            if key in keys:
                found.setdefault(key, pk)
        return found

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

        found: dict[str, int] = {}
        for pk, person_id, day, source in (
            Referral.objects.filter(person_id__in=any_of(list(person_ids)))
            .order_by("pk")
            .values_list("pk", "person_id", "referral_date", "source")
        ):
            key = f"{person_id}|{day.isoformat()}|{source}"
            if key in keys:
                found.setdefault(key, pk)
        return found

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


def _count_within_12m(days: list[date], day: date) -> int:
    since = same_date_one_year_earlier(day)
    return sum(1 for d in days if d is not None and since <= d <= day)


class CaseworkBinding(Binding):
    """Lists 4, 5, 7 and 8: one record per child and start date (casework models)."""

    date_field = "start_date"  # the model's date that is the list's key date
    key_field = "start_date"  # the list's key column

    def key(self, person_id, values):
        return f"{person_id}|{values[self.key_field].isoformat()}"

    def match_unlinked(self, person_ids, keys):
        found: dict[str, int] = {}
        for pk, person_id, day in (
            self.model.objects.filter(person_id__in=any_of(list(person_ids)))
            .order_by("pk")
            .values_list("pk", "person_id", self.date_field)
        ):
            key = f"{person_id}|{day.isoformat()}"
            if key in keys:
                found.setdefault(key, pk)
        return found

    def _records(self, start, end, extra=()):
        return list(
            self.model.objects.filter(**{f"{self.date_field}__gte": start, f"{self.date_field}__lte": end})
            .order_by(self.date_field, "pk")
            .values("pk", "person_id", self.date_field, *self.fields_of_names(), *extra)
        )


class AssessmentsBinding(CaseworkBinding):
    """List 4: child and family assessments (casework.Assessment)."""

    list_number = 4
    model_label = "casework.Assessment"

    def fields_of_names(self):
        return ("authorised_date",)

    def fields_of(self, values):
        return {"authorised_date": values.get("authorised_date")}

    def build(self, person_id, values, ctx):
        return {
            "person_id": person_id,
            "start_date": values["start_date"],
            "due_date": casework_rules.assessment_due(
                values["start_date"],
                working_days=timescale("assessment_working_days", casework_rules.ASSESSMENT_WORKING_DAYS),
            ),
            **self.fields_of(values),
        }

    def export_rows(self, start, end):
        for r in self._records(start, end):
            yield (
                r["person_id"],
                r["start_date"],
                {"start_date": r["start_date"], "authorised_date": r["authorised_date"], "_pk": r["pk"]},
            )


class Section47Binding(CaseworkBinding):
    """List 5: section 47 enquiries and initial child protection conferences (casework.Section47)."""

    list_number = 5
    model_label = "casework.Section47"
    date_field = "strategy_date"
    key_field = "strategy_date"

    def fields_of_names(self):
        return ("icpc_date",)

    def fields_of(self, values):
        return {"icpc_date": values.get("icpc_date")}

    def build(self, person_id, values, ctx):
        return {
            "person_id": person_id,
            "strategy_date": values["strategy_date"],
            "icpc_due_date": casework_rules.icpc_due(
                values["strategy_date"], working_days=timescale("icpc_working_days", casework_rules.ICPC_WORKING_DAYS)
            ),
            **self.fields_of(values),
        }

    def export_rows(self, start, end):
        rows = self._records(start, end)
        history: dict[int, list] = defaultdict(list)
        for person_id, day, icpc in self.model.objects.filter(person_id__in={r["person_id"] for r in rows}).values_list(
            "person_id", "strategy_date", "icpc_date"
        ):
            history[person_id].append((day, icpc))
        for r in rows:
            day, past = r["strategy_date"], history[r["person_id"]]
            yield (
                r["person_id"],
                day,
                {
                    "strategy_date": day,
                    "icpc_date": r["icpc_date"],
                    "s47_12m": _count_within_12m([d for d, _ in past], day),
                    "icpc_12m": _count_within_12m([i for _, i in past], day),
                    "_pk": r["pk"],
                },
            )


class CPPlansBinding(CaseworkBinding):
    """List 7: child protection plans (casework.ChildProtectionPlan)."""

    list_number = 7
    model_label = "casework.ChildProtectionPlan"

    def fields_of_names(self):
        return ("initial_category", "latest_category", "end_date")

    def fields_of(self, values):
        return {
            "initial_category": values["initial_category"],
            "latest_category": values.get("latest_category") or values["initial_category"],
            "end_date": values.get("end_date"),
        }

    def build(self, person_id, values, ctx):
        return {"person_id": person_id, "start_date": values["start_date"], **self.fields_of(values)}

    def export_rows(self, start, end):
        rows = self._records(start, end)
        starts: dict[int, list] = defaultdict(list)
        for person_id, day in self.model.objects.filter(person_id__in={r["person_id"] for r in rows}).values_list(
            "person_id", "start_date"
        ):
            starts[person_id].append(day)
        for r in rows:
            yield (
                r["person_id"],
                r["start_date"],
                {
                    "start_date": r["start_date"],
                    "initial_category": r["initial_category"],
                    "latest_category": r["latest_category"],
                    "end_date": r["end_date"],
                    "previous_plans": sum(1 for d in starts[r["person_id"]] if d < r["start_date"]),
                    "_pk": r["pk"],
                },
            )


class LookedAfterBinding(CaseworkBinding):
    """List 8: periods of being looked after (casework.LookedAfterEpisode)."""

    list_number = 8
    model_label = "casework.LookedAfterEpisode"

    def fields_of_names(self):
        return ("end_date", "legal_status")

    def fields_of(self, values):
        return {"end_date": values.get("end_date"), "legal_status": values.get("legal_status") or ""}

    def build(self, person_id, values, ctx):
        return {"person_id": person_id, "start_date": values["start_date"], **self.fields_of(values)}

    def export_rows(self, start, end):
        for r in self._records(start, end):
            yield (
                r["person_id"],
                r["start_date"],
                {
                    "start_date": r["start_date"],
                    "end_date": r["end_date"],
                    "legal_status": r["legal_status"] or None,
                    "_pk": r["pk"],
                },
            )


BINDINGS: dict[str, type[Binding]] = {
    "contacts": ContactsBinding,
    "referrals": ReferralsBinding,
    "assessments": AssessmentsBinding,
    "section47": Section47Binding,
    "cp_plans": CPPlansBinding,
    "cla": LookedAfterBinding,
}


def binding_for(name: str) -> Binding | None:
    cls = BINDINGS.get(name)
    if cls is None or not cls.available():
        return None
    return cls()


# Lists 6 and 7 from the case spine (every episode or plan open in the period): the last line of the registry.
from safehub.returns.annex_a.bindings_casework import CINEpisodesBinding, CPPlansOpenBinding  # noqa: E402

BINDINGS.update({"cin": CINEpisodesBinding, "cp_plans": CPPlansOpenBinding})
from safehub.returns.annex_a.bindings_lookedafter import AdoptionBinding, CareLeaversBinding, LookedAfterPeriodsBinding  # noqa: E402, I001, E501
from safehub.returns.annex_a.bindings_adopters import AdoptersBinding  # noqa: E402, I001

BINDINGS.update({"cla": LookedAfterPeriodsBinding, "care_leavers": CareLeaversBinding, "adoption": AdoptionBinding})
BINDINGS.update({"adopters": AdoptersBinding})
from safehub.returns.annex_a.bindings_earlyhelp import EarlyHelpBinding  # noqa: E402, I001

BINDINGS.update({"early_help": EarlyHelpBinding})
