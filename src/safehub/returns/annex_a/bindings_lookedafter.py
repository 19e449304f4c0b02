"""Annex A Lists 8 (children looked after), 9 (care leavers) and 10 (adoption), both ways.

List 8 is one row per period of care (``casework.LookedAfterEpisode``, keyed by child + start) and
exports every period open at any point in the period, with the 903 records behind it (legal
status and its start, placement, provider, URN, postcode, placements in 12 months, latest review,
health assessment and dental check, reason care ended). List 9 is one row per care leaver
(``lookedafter.CareLeaver``): category, personal adviser, latest pathway plan review and the latest
OC3 contact. List 10 is one row per decision that a child should be placed for adoption
(``lookedafter.AdoptionPlan``, keyed by child + decision date). An imported decision is linked to
the child's period of care open that day when Safehub holds one.

List 11 (adopters) has no child column: it has its own binding (bindings_adopters.py).
A foreign workbook keeps its rows: an odd cell becomes a warning (``ListSpec.keep_odd_rows``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Q

from safehub.core.sql import any_of
from safehub.returns.annex_a.bindings_base import Binding, CaseworkBinding


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


def _chunks(ids: list[int], size: int = 5000):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _latest(rows, person_id: int, end: date) -> date | None:
    days = [d for d in rows.get(person_id, []) if d is not None and d <= end]
    return max(days) if days else None


class LookedAfterPeriodsBinding(LookedAfterBinding):
    """List 8: every period of care open at any point in the period, with its 903 records."""

    def export_rows(self, start, end):
        from safehub.casework.models import LookedAfterEpisode
        from safehub.lookedafter.models import (
            CareEpisode,
            HealthKind,
            ItemStatus,
            LAHealthCheck,
            LAReview,
            UASCStatus,
        )

        periods = list(
            LookedAfterEpisode.objects.filter(start_date__lte=end)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
            .order_by("start_date", "pk")
            .values("pk", "person_id", "start_date", "end_date", "legal_status")
        )
        ids = sorted({p["person_id"] for p in periods})
        eps: dict[int, list] = defaultdict(list)
        reviews: dict[int, list] = defaultdict(list)
        health: dict[int, list] = defaultdict(list)
        dental: dict[int, list] = defaultdict(list)
        starts: dict[int, list] = defaultdict(list)
        uasc: set[int] = set()
        for part in _chunks(ids):
            for ep in CareEpisode.objects.filter(person_id__in=part).select_related("provider").order_by("decom"):
                eps[ep.period_id].append(ep)
            for pid, held in LAReview.objects.filter(person_id__in=part, status=ItemStatus.DONE).values_list(
                "person_id", "held_date"
            ):
                reviews[pid].append(held)
            for pid, kind, done in LAHealthCheck.objects.filter(person_id__in=part, status=ItemStatus.DONE).values_list(
                "person_id", "kind", "done_date"
            ):
                (dental if kind == HealthKind.DENTAL else health)[pid].append(done)
            for pid, began in LookedAfterEpisode.objects.filter(person_id__in=part).values_list(
                "person_id", "start_date"
            ):
                starts[pid].append(began)
            uasc |= set(
                UASCStatus.objects.filter(person_id__in=part)
                .filter(Q(ceased_date__isnull=True) | Q(ceased_date__gte=end - relativedelta(years=1)))
                .values_list("person_id", flat=True)
            )
        for p in periods:
            pid, chain = p["person_id"], eps.get(p["pk"], [])
            as_of = min(end, p["end_date"] or end)
            now = [e for e in chain if e.decom <= as_of]
            cur = now[-1] if now else None
            values = {
                "start_date": p["start_date"],
                "end_date": p["end_date"] if p["end_date"] and p["end_date"] <= end else None,
                "legal_status": (cur.ls if cur else p["legal_status"]) or None,
                "review_date": _latest(reviews, pid, as_of),
                "health_date": _latest(health, pid, as_of),
                "dental_date": _latest(dental, pid, as_of),
                "_pk": p["pk"],
            }
            if cur is not None:
                ls_from = cur.decom
                for e in reversed(now):
                    if e.ls != cur.ls:
                        break
                    ls_from = e.decom
                year_ago = as_of - relativedelta(years=1)
                moves = [e for e in now if e.rne in ("S", "P", "T", "U", "B") and e.decom > year_ago]
                placed_from = cur.decom
                for e in reversed(now):
                    placed_from = e.decom
                    if e.rne not in ("L",):
                        break
                # Only for a period Safehub records (903 episodes): an imported row's own cells show through.
                earlier = any(p["start_date"] - relativedelta(years=1) <= s < p["start_date"] for s in starts[pid])
                values.update(
                    {
                        "uasc": "Y" if pid in uasc else "N",
                        "second_period": "Y" if earlier else "N",
                        "need": chain[0].cin,
                        "legal_status_date": ls_from,
                        "placements_12m": len(moves),
                        "placement_date": placed_from,
                        "placement_type": cur.place,
                        "placement_provider": cur.place_provider or None,
                        "placement_postcode": cur.pl_post or None,
                        "placement_urn": cur.urn or None,
                        "end_reason": cur.rec if values["end_date"] and cur.rec != "X1" else None,
                    }
                )
            yield pid, p["start_date"], values


class CareLeaversBinding(Binding):
    """List 9: care leavers (lookedafter.CareLeaver), one row per young person."""

    list_number = 9
    model_label = "lookedafter.CareLeaver"

    def key(self, person_id, values):
        return str(person_id)

    def fields_of_names(self):
        return ("category",)

    def fields_of(self, values):
        from safehub.lookedafter import rules

        text = str(values.get("eligibility") or "").strip().upper().replace(" ", "_").replace("-", "_")
        found = next((code for code in rules.LEAVER_CATEGORY if text.startswith(code)), "")
        return {"category": found}

    def constants(self, ctx):
        return {"recorded_at": ctx.now}

    def build(self, person_id, values, ctx):
        return {"person_id": person_id, **self.fields_of(values)}

    def match_unlinked(self, person_ids, keys):
        from safehub.lookedafter.models import CareLeaver

        return {
            str(pid): pk
            for pk, pid in CareLeaver.objects.filter(person_id__in=any_of(list(person_ids))).values_list(
                "pk", "person_id"
            )
            if str(pid) in keys
        }

    def export_rows(self, start, end):
        from safehub.lookedafter import rules
        from safehub.lookedafter.models import CareLeaver, CareLeaverContact, PathwayReview, UASCStatus

        leavers = list(CareLeaver.objects.select_related("personal_adviser").order_by("person_id"))
        ids = [c.person_id for c in leavers]
        contacts: dict[int, object] = {}
        reviews: dict[int, list] = defaultdict(list)
        uasc: set[int] = set()
        for part in _chunks(ids):
            for c in CareLeaverContact.objects.filter(person_id__in=part, birthday__lte=end).order_by("birthday"):
                contacts[c.person_id] = c
            for pid, held in PathwayReview.objects.filter(person_id__in=part, held_date__isnull=False).values_list(
                "person_id", "held_date"
            ):
                reviews[pid].append(held)
            uasc |= set(UASCStatus.objects.filter(person_id__in=part).values_list("person_id", flat=True))
        for c in leavers:
            adviser = c.personal_adviser
            contact = contacts.get(c.person_id)
            accom = getattr(contact, "accom", "") or ""
            values = {
                "eligibility": rules.LEAVER_CATEGORY.get(c.category, c.category).split(":")[0],
                "personal_advisor": adviser.get_full_name() or adviser.get_username() if adviser else None,
                "pathway_review_date": _latest(reviews, c.person_id, end),
                "uasc": "Y" if c.person_id in uasc else "N",
                "_pk": c.pk,
            }
            if contact is not None:
                values.update(
                    {
                        "in_touch": rules.IN_TOUCH.get(contact.in_touch, contact.in_touch),  # type: ignore[attr-defined]
                        "latest_contact_date": contact.birthday,  # type: ignore[attr-defined]
                        "accommodation": rules.ACCOMMODATION_KINDS.get(accom[:1]) if accom else None,
                        "suitability": ("Suitable" if accom.endswith("1") else "Unsuitable") if accom else None,
                        "activity": rules.ACTIVITY.get(contact.activ) if contact.activ else None,  # type: ignore[attr-defined]
                    }
                )
            yield c.person_id, c.eligible_from or end, values


class AdoptionBinding(Binding):
    """List 10: decisions that a child should be placed for adoption (lookedafter.AdoptionPlan)."""

    list_number = 10
    model_label = "lookedafter.AdoptionPlan"
    FIELDS = ("placement_order_date", "matched_date", "placed_date", "adoption_order_date", "ceased_date",
              "ceased_reason", "ffa_date")  # fmt: skip

    def key(self, person_id, values):
        return f"{person_id}|{values['decision_date'].isoformat()}"

    def fields_of_names(self):
        return self.FIELDS

    def fields_of(self, values):
        from safehub.lookedafter import rules

        reason = str(values.get("no_longer_reason") or "").strip().upper()[:3]
        ceased = values.get("no_longer_date")
        return {
            "placement_order_date": values.get("placement_order_date"),
            "matched_date": values.get("matching_date"),
            "placed_date": values.get("placed_date"),
            "adoption_order_date": values.get("adoption_order_date"),
            "ceased_date": ceased,
            # A reversal needs its reason (RD1-RD4): an unknown reason is RD4, 'any other reason'.
            "ceased_reason": (reason if reason in rules.REASON_PLACED_CEASED else "RD4") if ceased else "",
            "ffa_date": values.get("ffa_date"),
        }

    def constants(self, ctx):
        return {"recorded_at": ctx.now}

    def build(self, person_id, values, ctx):
        return {"person_id": person_id, "decision_date": values["decision_date"], **self.fields_of(values)}

    def match_unlinked(self, person_ids, keys):
        from safehub.lookedafter.models import AdoptionPlan

        return self.oldest_by_key(
            AdoptionPlan, person_ids, keys, ("decision_date",), lambda person_id, day: f"{person_id}|{day.isoformat()}"
        )

    def after_import(self, person_ids):
        """Link each imported decision to the child's period of care open on the decision date."""
        from safehub.casework.models import LookedAfterEpisode
        from safehub.lookedafter.models import AdoptionPlan

        for part in _chunks(sorted(person_ids)):
            periods: dict[int, list] = defaultdict(list)
            for pk, pid, s, e in LookedAfterEpisode.objects.filter(person_id__in=part).values_list(
                "pk", "person_id", "start_date", "end_date"
            ):
                periods[pid].append((s, e, pk))
            changed = []
            for plan in AdoptionPlan.objects.filter(person_id__in=part, period__isnull=True):
                match = next(
                    (
                        pk
                        for s, e, pk in periods[plan.person_id]
                        if s <= plan.decision_date and (e is None or e >= plan.decision_date)
                    ),
                    None,
                )
                if match is not None:
                    plan.period_id = match
                    changed.append(plan)
            AdoptionPlan.objects.bulk_update(changed, ["period"], batch_size=2000)

    def export_rows(self, start, end):
        from safehub.lookedafter.models import AdoptionPlan

        plans = (
            AdoptionPlan.objects.filter(decision_date__lte=end)
            .filter(Q(ceased_date__isnull=True) | Q(ceased_date__gte=start))
            .filter(Q(adoption_order_date__isnull=True) | Q(adoption_order_date__gte=start))
            .select_related("family", "period")
            .order_by("decision_date", "pk")
        )
        for plan in plans:
            shown = {f: getattr(plan, f) for f in self.FIELDS}
            for f in ("placement_order_date", "matched_date", "placed_date", "adoption_order_date", "ceased_date",
                      "ffa_date"):  # fmt: skip
                if shown[f] and shown[f] > end:
                    shown[f] = None
            yield (
                plan.person_id,
                plan.decision_date,
                {
                    "decision_date": plan.decision_date,
                    "entered_care_date": plan.period.start_date if plan.period else None,
                    "family_id": plan.family.reference if plan.family else None,
                    "placement_order_date": shown["placement_order_date"],
                    "matching_date": shown["matched_date"],
                    "placed_date": shown["placed_date"],
                    "adoption_order_date": shown["adoption_order_date"],
                    "no_longer_date": shown["ceased_date"],
                    "no_longer_reason": plan.ceased_reason if shown["ceased_date"] else None,
                    "ffa_date": shown["ffa_date"],
                    "_pk": plan.pk,
                },
            )
