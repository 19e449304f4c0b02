"""Forms for the looked-after child's page: come into care, change, review, health, end care."""

from __future__ import annotations

from django import forms

from safehub.core.forms import GovDateField, GovForm
from safehub.lookedafter import rules
from safehub.lookedafter.models import PlacementProvider


def _codes(codes: dict[str, str], *, blank: str | None = None) -> list[tuple[str, str]]:
    out = [(c, f"{c}: {label}") for c, label in codes.items()]
    return ([("", blank)] if blank is not None else []) + out


def _providers() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=PlacementProvider.objects.filter(active=True).order_by("kind", "name"),
        required=False,
        label="Placement provider",
        help_text="From the register; leave empty when placed with parents (P1)",
    )


class StartForm(GovForm):
    legal_status = forms.ChoiceField(choices=_codes(rules.LEGAL_STATUS), label="Legal status")
    category_of_need = forms.ChoiceField(choices=_codes(rules.CATEGORY_OF_NEED), label="Category of need")
    place = forms.ChoiceField(choices=_codes(rules.PLACE), label="Placement type")
    provider = _providers()
    home_postcode = forms.CharField(max_length=8, label="Postcode of the home the child was living in")


class ChangeForm(GovForm):
    on = GovDateField(label="Date of the change")
    legal_status = forms.ChoiceField(
        choices=_codes(rules.LEGAL_STATUS, blank="No change"), required=False, label="New legal status"
    )
    place = forms.ChoiceField(
        choices=_codes(rules.PLACE, blank="No change"), required=False, label="New placement type"
    )
    provider = _providers()
    same_carer = forms.BooleanField(required=False, label="The child stays with the same carer(s)")
    reason_place_change = forms.ChoiceField(
        choices=_codes(rules.REASON_PLACE_CHANGE, blank="Not a change of placement"),
        required=False,
        label="Reason for the change of placement",
    )


class ReviewForm(GovForm):
    held_date = GovDateField(label="Date the review was held")
    participation = forms.ChoiceField(choices=_codes(rules.PARTICIPATION), label="The child's participation")


class HealthForm(GovForm):
    done_date = GovDateField(label="Date done")


class EndForm(GovForm):
    on = GovDateField(label="Date care ended")
    reason = forms.ChoiceField(
        choices=_codes({k: v for k, v in rules.REC.items() if k != "X1"}), label="Reason care ended"
    )
    reason_place_change = forms.ChoiceField(
        choices=_codes(rules.REASON_PLACE_CHANGE, blank="None"), required=False, label="Reason the placement ended"
    )


class PathwayForm(GovForm):
    held_date = GovDateField(label="Date the pathway plan was completed or reviewed")
