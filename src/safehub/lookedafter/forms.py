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


# --- Adoption, previous permanence and staying put (services in permanence.py) ---------------------


def _adopter_families() -> forms.ModelChoiceField:
    from safehub.lookedafter.models import AdopterFamily

    return forms.ModelChoiceField(
        queryset=AdopterFamily.objects.filter(approved_date__isnull=False, left_date__isnull=True),
        label="Approved adopters (family identifier)",
    )


class DecisionForm(GovForm):
    on = GovDateField(label="Date of the decision that the child should be placed for adoption")


class PlacementOrderForm(GovForm):
    on = GovDateField(label="Date the court made the placement order")


class MatchForm(GovForm):
    on = GovDateField(label="Date the child was matched with the adopters")
    family = _adopter_families()


class AdoptionPlaceForm(GovForm):
    on = GovDateField(label="Date the child was placed for adoption")
    provider = forms.ModelChoiceField(
        queryset=PlacementProvider.objects.filter(active=True).order_by("kind", "name"), label="Placement provider"
    )
    with_foster_carers = forms.BooleanField(
        required=False, label="Placed with the child's current foster carers (fostering for adoption)"
    )


class AdoptionReverseForm(GovForm):
    on = GovDateField(label="Date of the decision that the child should no longer be placed for adoption")
    reason = forms.ChoiceField(choices=_codes(rules.REASON_PLACED_CEASED), label="Reason")


class AdoptionOrderForm(GovForm):
    on = GovDateField(label="Date of the adoption order")
    consent_dispensed = forms.BooleanField(required=False, label="The court dispensed with the parents' consent")


class PreviousPermanenceForm(GovForm):
    prev_perm = forms.ChoiceField(choices=_codes(rules.PREV_PERM), label="Before this period of care, the child was")
    la_code = forms.CharField(
        max_length=3, required=False, label="Local authority that arranged it", help_text="DfE code, for example 852"
    )
    order_date = GovDateField(required=False, label="Date of the order")


class StayingPutStartForm(GovForm):
    on = GovDateField(label="Date staying put started")
    provider = _providers()


class StayingPutEndForm(GovForm):
    on = GovDateField(label="Date staying put ended")


# The care actions on casework's child page (handed to casework in LookedAfterConfig.ready()).
class ClaStartForm(StartForm):
    """Coming into care on the child's case page records the period and its first SSDA903 episode together."""

    start_date = GovDateField(label="Became looked after on")
    field_order = ["start_date", "legal_status", "category_of_need", "place", "provider", "home_postcode"]


class ClaEndForm(GovForm):
    end_date = GovDateField(label="Stopped being looked after on")
    reason = EndForm.base_fields["reason"]  # the 903 reason episode ceased (REC), as on the looked-after page
    reason_place_change = EndForm.base_fields["reason_place_change"]


class ClaReviewForm(ReviewForm):
    pass
