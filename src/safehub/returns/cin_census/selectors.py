"""What the CIN census needs from the people and referral records: each child's identifiers and each
referral's primary need and closure, as the writer's ``CINChild`` and ``CINEpisode``.

No one's record is shown, so nothing is audited: the return is aggregate output for the DfE.
"""

from __future__ import annotations

from datetime import date

from safehub.returns.cin_census.writer import CINChild, CINEpisode


def cin_children(*, person_ids: list[int], reference_date: date, id_field: str = "id") -> dict:
    """Return {person id: CINChild} built from the person records (identifiers, UPN, disabilities).

    ``id_field`` chooses the LAchildID: the person's id (default) or their reference (UUID).
    A child without a UPN is ``UN1`` when under 6 (or unborn) on the reference date, else ``UN2``.
    """
    from safehub.people.models import Person

    out = {}
    fields = ("id", "reference", "upn", "date_of_birth", "expected_date_of_birth", "sex", "ethnicity",
              "disabilities", "date_of_death")  # fmt: skip
    for offset in range(0, len(person_ids), 500):
        chunk = person_ids[offset : offset + 500]
        for pk, ref, upn, dob, expected, sex, ethnicity, disabilities, died in Person.objects.filter(
            id__in=chunk
        ).values_list(*fields):
            age = None if dob is None else reference_date.year - dob.year - (
                (reference_date.month, reference_date.day) < (dob.month, dob.day))  # fmt: skip
            out[pk] = CINChild(
                la_child_id=str(ref) if id_field == "reference" else str(pk),
                upn=upn or None,
                upn_unknown=None if upn else ("UN1" if age is None or age < 6 else "UN2"),
                date_of_birth=dob,
                expected_date_of_birth=expected,
                sex=sex if sex in ("M", "F") else "U",
                ethnicity=ethnicity or "NOBT",
                disabilities=tuple(d for d in (disabilities or []) if d) or ("NONE",),
                date_of_death=died,
            )
    return out


def cin_episodes(*, referral_ids: list[int]) -> dict:
    """Return {referral id: CINEpisode} with the primary need and closure recorded on referrals."""
    from safehub.frontdoor.models import Referral

    out = {}
    for offset in range(0, len(referral_ids), 500):
        chunk = referral_ids[offset : offset + 500]
        for pk, need, closed, reason in Referral.objects.filter(id__in=chunk).values_list(
            "id", "primary_need", "closed_date", "closure_reason"
        ):
            out[pk] = CINEpisode(primary_need=need or None, closure_date=closed,
                                 closure_reason=(reason or None) if closed else None)  # fmt: skip
    return out
