"""Forms for capacity, best interests, advocacy and DoLS (GOV.UK fields; the services enforce the rules)."""

from __future__ import annotations

from django import forms

from safehub.adults.forms import YES_NO, YES_NO_UNKNOWN, Radios, to_bool
from safehub.adults.models_mca import AdvocacyKind, DolsOutcome
from safehub.adults.services_mca import MANAGING_AUTHORITY_KINDS
from safehub.agencies.models import Agency
from safehub.core.forms import GovDateField, GovForm


def _yes(label: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(choices=YES_NO, widget=Radios, label=label, help_text=help_text)


class CapacityForm(GovForm):
    decision = forms.CharField(
        max_length=300,
        label="Which decision is the person being asked to make?",
        help_text="Capacity is decision-specific: one assessment per decision",
    )
    impairment = _yes("Stage 1: is there an impairment of, or disturbance in, the functioning of the mind or brain?")
    impairment_detail = forms.CharField(
        required=False, widget=forms.Textarea, label="Describe the impairment or disturbance"
    )
    can_understand = _yes("Stage 2: can they understand the information relevant to the decision?")
    can_retain = _yes("Can they retain that information long enough to decide?")
    can_use_or_weigh = _yes("Can they use or weigh that information as part of deciding?")
    can_communicate = _yes("Can they communicate their decision (by any means)?")
    because_of_impairment = _yes(
        "Is any inability to decide because of the impairment?",
        "The causative link: answer no if there is no impairment or no inability",
    )
    support_given = forms.CharField(
        widget=forms.Textarea,
        label="What was done to help the person make the decision themselves?",
        help_text="For example the time of day, an interpreter, easy-read information, someone they trust present",
    )
    assessed_on = GovDateField(label="Date of the assessment")
    assessor_role = forms.CharField(required=False, max_length=120, label="Your role")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("impairment", "can_understand", "can_retain", "can_use_or_weigh", "can_communicate",
                     "because_of_impairment"):  # fmt: skip
            data[name] = bool(to_bool(data[name]))
        return data


class BestInterestsForm(GovForm):
    decision = forms.CharField(widget=forms.Textarea, label="What was decided in the person's best interests?")
    persons_views = forms.CharField(
        widget=forms.Textarea, label="The person's own wishes, feelings, beliefs and values"
    )
    consulted = forms.CharField(
        widget=forms.Textarea,
        label="Who was consulted, and what did they say?",
        help_text="Family, carers, an attorney or deputy, an IMCA",
    )
    least_restrictive_option = forms.CharField(
        widget=forms.Textarea,
        label="Which less restrictive options were considered, and why this one?",
    )
    decided_on = GovDateField(label="Date of the decision")


class AdvocacyForm(GovForm):
    kind = forms.ChoiceField(choices=AdvocacyKind.choices, widget=Radios, label="Kind of advocacy")
    substantial_difficulty = forms.ChoiceField(
        choices=YES_NO_UNKNOWN,
        widget=Radios,
        required=False,
        label="Care Act: would the adult have substantial difficulty in being involved?",
        help_text="Understanding, retaining, using or weighing information, or communicating their views. "
        "This is not the same as lacking capacity: answer whatever their capacity",
    )
    appropriate_individual = forms.ChoiceField(
        choices=YES_NO_UNKNOWN,
        widget=Radios,
        required=False,
        label="Care Act: is there an appropriate individual to support them (not paid to care for them)?",
    )
    lacks_capacity = forms.ChoiceField(
        choices=YES_NO_UNKNOWN,
        widget=Radios,
        required=False,
        label="IMCA: does the adult lack capacity for the decision?",
    )
    anyone_to_consult = forms.ChoiceField(
        choices=YES_NO_UNKNOWN,
        widget=Radios,
        required=False,
        label="IMCA: is there anyone appropriate to consult (other than paid carers)?",
    )
    referred_on = GovDateField(label="Date referred")
    advocate = forms.CharField(required=False, max_length=200, label="Advocate and organisation")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("substantial_difficulty", "appropriate_individual", "lacks_capacity", "anyone_to_consult"):
            data[name] = to_bool(data[name])
        return data


class DolsRequestForm(GovForm):
    managing_authority = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label="Managing authority", help_text="The care home or hospital"
    )
    requested_on = GovDateField(label="Date the standard request was received")
    urgent_granted_on = GovDateField(
        required=False,
        label="Date of the urgent authorisation, if the home or hospital gave one",
        help_text="It lasts 7 days and can be extended once by up to 7 days",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["managing_authority"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Agency.objects.filter(is_active=True, kind__in=MANAGING_AUTHORITY_KINDS).order_by("name")


class DolsExtendForm(GovForm):
    extended_on = GovDateField(label="Date of the extension")
    version = forms.IntegerField(widget=forms.HiddenInput)


DECIDE_OUTCOMES = [(c, label) for c, label in DolsOutcome.choices if c != DolsOutcome.PENDING]


class DolsDecideForm(GovForm):
    outcome = forms.ChoiceField(choices=DECIDE_OUTCOMES, widget=Radios, label="Outcome")
    decided_on = GovDateField(label="Date of the decision")
    authorised_from = GovDateField(required=False, label="Authorised from (if granted)")
    authorised_until = GovDateField(required=False, label="Authorised until", help_text="At most one year")
    conditions = forms.CharField(required=False, widget=forms.Textarea, label="Conditions attached")
    review_every_days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=365,
        label="Review every (days)",
        help_text="Leave blank to review 28 days before it expires",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class DolsReviewForm(GovForm):
    reviewed_on = GovDateField(label="Date of the review")
    conditions = forms.CharField(required=False, widget=forms.Textarea, label="Conditions after the review")
    next_review_due = GovDateField(required=False, label="Next review due")
    version = forms.IntegerField(widget=forms.HiddenInput)
