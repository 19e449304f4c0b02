"""Annex A List 2 (early help assessments), mapped to ``earlyhelp.EarlyHelpEpisode``.

One row is one child's early help assessment, keyed by child + assessment start date
(shared/formats/measures.md). An imported row becomes an episode whose origin is "imported from
Annex A List 2": it counts in the assessment measures (started, completed) but carries no plan or
closure, so the caseload and the open/closed measures leave it out. A row with the same key as an
episode entered in Safehub is that episode (linked, not duplicated). Odd cells (a completion date
before the start, an unreadable date) are dropped and reported as warnings; the row is kept.

Export: every assessment started in the period, and those completed in it that started earlier.
"""

from __future__ import annotations

from safehub.returns.annex_a.bindings_base import SUMMARY, Binding

ORIGIN = "ANNEX_A"


class EarlyHelpBinding(Binding):
    """List 2: early help assessments (earlyhelp.EarlyHelpEpisode)."""

    list_number = 2
    model_label = "earlyhelp.EarlyHelpEpisode"

    def key(self, person_id, values):
        return f"{person_id}|{values['start_date'].isoformat()}"

    def fields_of_names(self):
        return ("assessment_completed_date", "organisation")

    def fields_of(self, values):
        return {
            "assessment_completed_date": values.get("completion_date"),
            "organisation": (values.get("organisation") or "")[:200],
        }

    def constants(self, ctx):
        return {"origin": ORIGIN, "origin_reason": SUMMARY.format(n=2), "opened_at": ctx.now}

    def build(self, person_id, values, ctx):
        return {"person_id": person_id, "assessment_start_date": values["start_date"], **self.fields_of(values)}

    def match_unlinked(self, person_ids, keys):
        return self.oldest_by_key(
            self.model,
            person_ids,
            keys,
            ("assessment_start_date",),
            lambda person_id, day: f"{person_id}|{day.isoformat()}",
        )

    def export_rows(self, start, end):
        from django.db.models import Q

        qs = (
            self.model.objects.filter(
                Q(assessment_start_date__gte=start, assessment_start_date__lte=end)
                | Q(assessment_completed_date__gte=start, assessment_completed_date__lte=end)
            )
            .order_by("assessment_start_date", "pk")
            .values_list("pk", "person_id", "assessment_start_date", "assessment_completed_date", "organisation")
        )
        for pk, person_id, day, completed, organisation in qs.iterator():
            yield (
                person_id,
                day,
                {"start_date": day, "completion_date": completed, "organisation": organisation or None, "_pk": pk},
            )
