"""Annex A List 11 (adopters), both ways: one row per (prospective) adopter, not per child.

The list has no child column: a row is keyed by the adopter's identifier and the date the enquiry
was received, and the family identifier groups adopters (one or a couple). A row becomes an
``lookedafter.Adopter`` in its ``lookedafter.AdopterFamily`` (found or made by the family
identifier; a row with none is a family of one, named by the adopter). The family's own dates
(enquiry, stages 1 and 2, application, approval, leaving the process) come from the family's first
row in the file; another row of the same family with different values is kept with a warning.
Match, placement, number of children placed and adoption order are worked out on export from the
children's adoption plans (``AdoptionPlan.family``); an imported family has no plans in Safehub, so
the file's own cells for those are kept with the row (``AnnexALink.extras``) and given back.

The 903 codes of an imported family (SEX_ADOPTR, LS_ADOPTR) are not columns of the list. Ofsted's
Annex A guidance asks List 11 for each (prospective) adopter's own gender, ethnicity and
disability, with a family identifier that groups the adopters of one household; it asks nothing of
the couple's relationship. So the binding decides:

- SEX_ADOPTR is the family's genders, which the list does give: one adopter M1 or F1, a couple MM,
  FF or MF. An adopter whose gender is "not stated" or "neither" gives no code (blank).
- LS_ADOPTR of one adopter is L0: the 903 defines L0 as the single adopter and only them (rules
  514, 519), so that is the list's fact, not a guess. A couple's is left blank: the list cannot
  tell a married couple (L11, L12) from civil partners (L2) or an unmarried couple (L3, L4), and a
  guessed code would be returned to the DfE as fact. The row is imported with a warning asking a
  person to record it; the SSDA903 writer lists the gap as a problem until they do.

A family entered in Safehub keeps its own codes while they still fit the number of adopters.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Q

from safehub.core.sql import any_of
from safehub.returns.annex_a.bindings_base import Binding, extras_of

LIST = 11
FAMILY_FIELDS = (
    "fostering_for_adoption",
    "enquiry_date",
    "stage1_start",
    "stage1_end",
    "stage2_start",
    "stage2_end",
    "submitted_date",
    "approved_date",
    "left_date",
    "left_reason",
)
# The list's column for each family field (the rest have the field's own name).
COLUMN_OF = {"fostering_for_adoption": "ffa"}
ADOPTER_FIELDS = ("sex", "ethnicity", "disability")
# The row's cells Safehub holds in its records (the others are kept with the row's link).
STORED = frozenset({"adopter_id", "family_id", "gender", "ethnicity", "disability", "ffa", *FAMILY_FIELDS})
REFERENCE_LENGTH = 40  # AdopterFamily.reference and Adopter.reference
REASON_LENGTH = 200  # AdopterFamily.left_reason
DATES = ("stage1_start", "stage1_end", "stage2_start", "stage2_end", "submitted_date", "approved_date", "left_date")
YES = ("Y", "YES", "TRUE", "1", "A) YES")
NO = ("N", "NO", "FALSE", "0", "B) NO", "")


def family_codes(sexes: list[str]) -> tuple[str, str]:
    """The 903 SEX_ADOPTR and LS_ADOPTR a list gives for a family; blank where it does not say.

    One adopter: M1 or F1 and L0. A couple: MM, FF or MF, and no legal status (see the module's
    docstring). An adopter with no M or F gender gives no SEX_ADOPTR.
    """
    known = all(s in ("M", "F") for s in sexes)
    if len(sexes) <= 1:
        return (f"{sexes[0]}1" if sexes and known else ""), "L0"
    return ("".join(sorted(sexes[:2], reverse=True)) if known else ""), ""


LEGAL_STATUS_UNKNOWN = (
    "List 11 does not say whether a couple is married, in a civil partnership or unmarried (903 LS_ADOPTR): "
    "record it on the family; the row was imported"
)
GENDER_UNKNOWN = "No 903 code for the adopters' genders (SEX_ADOPTR) without each one's gender: the row was imported"


class AdoptersBinding(Binding):
    """List 11: (prospective) adopters (lookedafter.Adopter in lookedafter.AdopterFamily)."""

    list_number = LIST
    model_label = "lookedafter.Adopter"
    child_keyed = False

    def fields_of_names(self):
        return ADOPTER_FIELDS

    # --- import ----------------------------------------------------------------------------------

    def _family_fields(self, values: dict) -> tuple[dict, list[tuple[str, object, str]]]:
        notes: list[tuple[str, object, str]] = []
        ffa_text = str(values.get("ffa") or "").strip().upper()
        if ffa_text not in YES + NO:
            notes.append(("ffa", values.get("ffa"), "Not Y or N: recorded as not fostering for adoption"))
        reason = str(values.get("left_reason") or "").strip()
        if len(reason) > REASON_LENGTH:
            notes.append(("left_reason", reason, f"Longer than {REASON_LENGTH} characters: the rest was dropped"))
        fields = {
            "fostering_for_adoption": ffa_text in YES,
            "enquiry_date": values["enquiry_date"],
            **{f: values.get(f) for f in DATES},
            "left_reason": reason[:REASON_LENGTH],
        }
        return fields, notes

    @staticmethod
    def _adopter_fields(values: dict) -> dict:
        gender = values.get("gender")
        disability = values.get("disability")
        return {
            "sex": gender if gender in ("M", "F") else "U",
            "ethnicity": values.get("ethnicity") or "",
            "disability": {"Y": True, "N": False}.get(disability) if disability else None,
        }

    def import_rows(self, spec, rows, ctx):
        def heading(field_name: str) -> str:
            return spec.column(field_name).heading

        out: list[tuple[int, str, list[tuple[str, object, str]]]] = []
        seen: dict[str, tuple[int, int]] = {}
        good: list[tuple[int, dict, str, str]] = []  # row, values, adopter id, family reference
        for number, values in rows:
            adopter_id = str(values.get("adopter_id") or "").strip()
            family_ref = str(values.get("family_id") or "").strip() or adopter_id
            refusal = None
            if not adopter_id:
                refusal = (
                    heading("adopter_id"),
                    "",
                    "The individual adopter identifier is blank: each List 11 row is one adopter, known by "
                    "that identifier, so this row was not imported",
                )
            elif not values.get("enquiry_date"):
                refusal = (
                    heading("enquiry_date"),
                    "",
                    "The date the enquiry was received is blank: it dates the adopter's row, so this row was "
                    "not imported",
                )
            elif len(adopter_id) > REFERENCE_LENGTH or len(family_ref) > REFERENCE_LENGTH:
                refusal = (
                    heading("adopter_id" if len(adopter_id) > REFERENCE_LENGTH else "family_id"),
                    adopter_id if len(adopter_id) > REFERENCE_LENGTH else family_ref,
                    f"An identifier longer than {REFERENCE_LENGTH} characters: this row was not imported",
                )
            if refusal:
                out.append((number, "rejected", [refusal]))
                continue
            fingerprint = hash(frozenset(values.items()))
            if adopter_id in seen:
                first_row, first_print = seen[adopter_id]
                if first_print == fingerprint:
                    out.append((number, "unchanged", []))
                else:
                    message = f"The same adopter as row {first_row} with different values: this row was not imported"
                    out.append((number, "rejected", [(heading("adopter_id"), adopter_id, message)]))
                continue
            seen[adopter_id] = (number, fingerprint)
            good.append((number, values, adopter_id, family_ref))
        if not ctx.write:
            out.extend((number, "imported", []) for number, *_ in good)
            return out
        out.extend(self._write(spec, good, ctx, heading, extras_of))
        return out

    def _write(self, spec, good, ctx, heading, extras_of):
        from safehub.exchange.models import AnnexALink
        from safehub.lookedafter import rules
        from safehub.lookedafter.models import Adopter, AdopterFamily

        families = {
            f.reference: f for f in AdopterFamily.objects.filter(reference__in=any_of(sorted({g[3] for g in good})))
        }
        adopters = {a.reference: a for a in Adopter.objects.filter(reference__in=any_of(sorted({g[2] for g in good})))}
        keys = {g[2]: f"{g[2]}|{g[1]['enquiry_date'].isoformat()}" for g in good}
        links = {
            link.natural_key: link
            for link in AnnexALink.objects.filter(list_number=LIST, natural_key__in=any_of(sorted(keys.values())))
        }
        members: dict[str, list[tuple[int, dict, str]]] = defaultdict(list)
        for number, values, adopter_id, family_ref in good:
            members[family_ref].append((number, values, adopter_id))
        out = []
        made_families: set[int] = set()
        for family_ref, rows in members.items():
            first_number, first_values, _ = rows[0]
            wanted, family_notes = self._family_fields(first_values)
            notes: dict[int, list] = defaultdict(list)
            notes[first_number] += [(heading(f), v, m + " (the row was imported)") for f, v, m in family_notes]
            for number, values, _ in rows[1:]:
                other, own = self._family_fields(values)
                notes[number] += [(heading(f), v, m + " (the row was imported)") for f, v, m in own]
                for f, v in other.items():
                    if v != wanted[f]:
                        column = COLUMN_OF.get(f, f)
                        notes[number].append((
                            heading(column),
                            values.get(column),
                            f"Differs from row {first_number} of the same family: the family keeps row "
                            f"{first_number}'s value (the row was imported)",
                        ))  # fmt: skip
            family = families.get(family_ref)
            family_changed = False
            if family is None:
                family = AdopterFamily.objects.create(
                    reference=family_ref,
                    number_of_adopters=1,
                    sex_code="",
                    legal_status="",
                    recorded_at=ctx.now,
                    **wanted,
                )
                families[family_ref] = family
                made_families.add(family.pk)
            else:
                differs = [f for f, v in wanted.items() if getattr(family, f) != v]
                if differs:
                    for f in differs:
                        setattr(family, f, wanted[f])
                    family.save(update_fields=differs)
                    family_changed = True
            for number, values, adopter_id in rows:
                fields = self._adopter_fields(values)
                adopter = adopters.get(adopter_id)
                if adopter is None:
                    adopter = Adopter.objects.create(family=family, reference=adopter_id, **fields)
                    adopters[adopter_id] = adopter
                    outcome = "imported"
                else:
                    differs = [f for f, v in fields.items() if getattr(adopter, f) != v]
                    if adopter.family_id != family.pk:
                        adopter.family = family
                        differs.append("family")
                    if differs:
                        for f in ADOPTER_FIELDS:
                            setattr(adopter, f, fields[f])
                        adopter.save(update_fields=differs)
                    changed = bool(differs) or (family_changed and number == first_number)
                    outcome = "updated" if changed else "unchanged"
                key, extras = keys[adopter_id], extras_of(STORED, values)
                link = links.get(key)
                if link is None:
                    AnnexALink.objects.create(
                        list_number=LIST, natural_key=key, object_id=adopter.pk, extras=extras, source_import=ctx.job
                    )
                elif (link.object_id, link.extras) != (adopter.pk, extras):
                    link.object_id, link.extras, link.source_import = adopter.pk, extras, ctx.job
                    link.save(update_fields=["object_id", "extras", "source_import"])
                    outcome = "updated" if outcome == "unchanged" else outcome
                out.append((number, outcome, notes[number]))
            self._fit_codes(family, made_families, rules, notes, rows, heading, out)
        return out

    @staticmethod
    def _fit_codes(family, made_families, rules, notes, rows, heading, out) -> None:
        """Keep the family's number of adopters and 903 codes in step with its adopters."""
        sexes = sorted(family.adopters.values_list("sex", flat=True))
        number = min(len(sexes), 2) or 1
        if len(sexes) > 2:
            last = rows[-1][0]
            for i, (row, outcome, row_notes) in enumerate(out):
                if row == last:
                    row_notes = [*row_notes, (heading("family_id"), family.reference,
                                              "A family has one or two adopters: this family now has "
                                              f"{len(sexes)} (the row was imported)")]  # fmt: skip
                    out[i] = (row, outcome, row_notes)
        fits = True
        try:
            rules.check_adopters(number=number, sex=family.sex_code, legal_status=family.legal_status)
        except rules.AdoptionRuleError:
            fits = False
        if family.pk in made_families or not fits or family.number_of_adopters != number:
            sex_code, legal_status = (
                family_codes(sexes[:2])
                if family.pk in made_families or not fits
                else (family.sex_code, family.legal_status)
            )
            if (family.number_of_adopters, family.sex_code, family.legal_status) != (number, sex_code, legal_status):
                family.number_of_adopters, family.sex_code, family.legal_status = number, sex_code, legal_status
                family.save(update_fields=["number_of_adopters", "sex_code", "legal_status"])
        gaps = [
            m
            for m, blank in ((GENDER_UNKNOWN, not family.sex_code), (LEGAL_STATUS_UNKNOWN, not family.legal_status))
            if blank
        ]
        if gaps:  # said once, on the family's first row in the file
            first = rows[0][0]
            for i, (row, outcome, row_notes) in enumerate(out):
                if row == first:
                    out[i] = (row, outcome, [*row_notes, *((heading("family_id"), family.reference, m) for m in gaps)])

    # --- export ----------------------------------------------------------------------------------

    def export_list(self, start: date, end: date):
        """Every adopter whose family was in the process at any point in the year: enquiry by the end,
        not left before the start, and not every child placed with them adopted before the start."""
        from safehub.lookedafter.models import Adopter, AdopterFamily, AdoptionPlan

        families = {
            f.pk: f
            for f in AdopterFamily.objects.filter(enquiry_date__lte=end).filter(
                Q(left_date__isnull=True) | Q(left_date__gte=start)
            )
        }
        plans: dict[int, list] = defaultdict(list)
        for fid, matched, placed, adopted in AdoptionPlan.objects.filter(
            family_id__in=any_of(sorted(families))
        ).values_list("family_id", "matched_date", "placed_date", "adoption_order_date"):
            plans[fid].append((matched, placed, adopted))
        for fid, held in plans.items():
            if all(adopted and adopted < start for _, _, adopted in held):
                families.pop(fid, None)
        adopters = Adopter.objects.filter(family_id__in=any_of(sorted(families))).order_by("reference")
        for adopter in adopters:
            family = families[adopter.family_id]
            values: dict = {
                "adopter_id": adopter.reference,
                "family_id": family.reference,
                "gender": adopter.sex,
                "ethnicity": adopter.ethnicity or None,
                "disability": {True: "Y", False: "N"}.get(adopter.disability)
                if adopter.disability is not None
                else None,
                "ffa": "Y" if family.fostering_for_adoption else "N",
                "enquiry_date": family.enquiry_date,
                **{
                    f: (getattr(family, f) if getattr(family, f) and getattr(family, f) <= end else None) for f in DATES
                },
                "left_reason": family.left_reason if family.left_date and family.left_date <= end else None,
                "_pk": adopter.pk,
            }
            held = plans.get(family.pk, [])
            matches = [m for m, _, _ in held if m and m <= end]
            placings = [p for _, p, _ in held if p and p <= end]
            orders = [a for _, _, a in held if a and a <= end]
            # Only what the plans hold: an imported family's own cells (kept with its row) show through.
            if matches:
                values["matched_date"] = min(matches)
            if placings:
                values["placed_date"] = min(placings)
                values["children_placed"] = len(placings)
            if orders:
                values["adoption_order_date"] = max(orders)
            yield values
