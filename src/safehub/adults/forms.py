from __future__ import annotations

from django import forms

from safehub.adults.models import (
    UNSPECIFIED_LOCATIONS,
    ConcernDecision,
    Consent,
    DesiredOutcomes,
    LackedCapacity,
    OutcomesAchieved,
    ReportedAutism,
    RiskLocation,
    RiskOutcome,
    RiskSource,
    RiskType,
    SourceKind,
)
from safehub.adults.rules import SAC_SUPPORT_REASONS
from safehub.agencies.models import Agency, AgencyKind
from safehub.core.forms import GovDateField, GovForm

YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known yet")]
YES_NO = [("yes", "Yes"), ("no", "No")]
_TO_BOOL = {"yes": True, "no": False, "unknown": None, "": None}


def to_bool(value: str) -> bool | None:
    return _TO_BOOL.get(value or "")


def from_bool(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


class Radios(forms.RadioSelect):
    """Marks a field to be drawn as GOV.UK radios (adults/includes/choices.html)."""


class Checkboxes(forms.CheckboxSelectMultiple):
    """Marks a field to be drawn as GOV.UK checkboxes (adults/includes/choices.html)."""


def _agency_choices(kinds=None) -> list[tuple[str, str]]:
    qs = Agency.objects.filter(is_active=True).exclude(kind__in=[AgencyKind.SCHOOL, AgencyKind.EARLY_YEARS])
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return [("", "Choose an agency")] + [(str(a.pk), a.name) for a in qs.order_by("name")]


class ConcernForm(GovForm):
    received_date = GovDateField(label="Date the concern was received")
    source_kind = forms.ChoiceField(choices=SourceKind.choices, widget=Radios, label="Who raised the concern?")
    source_agency = forms.ChoiceField(
        required=False, label="Agency", help_text="If an agency raised it (leave blank for your own agency)"
    )
    source_name = forms.CharField(
        required=False, max_length=200, label="Name and contact details of the person who raised it"
    )
    what_happened = forms.CharField(widget=forms.Textarea, label="What happened?")
    where_happened = forms.CharField(required=False, max_length=300, label="Where did it happen?")
    alleged_source_of_risk = forms.CharField(
        required=False,
        max_length=300,
        label="Who is thought to pose the risk?",
        help_text="A name, their relationship to the adult, or the service",
    )
    immediate_actions = forms.CharField(
        required=False, widget=forms.Textarea, label="What was done straight away to keep the adult safe?"
    )
    adult_views = forms.CharField(required=False, widget=forms.Textarea, label="The adult's own words")
    adult_wishes = forms.CharField(required=False, widget=forms.Textarea, label="What does the adult want to happen?")
    consent = forms.ChoiceField(choices=Consent.choices, widget=Radios, label="Consent")
    primary_support_reason = forms.ChoiceField(
        choices=[("", "Not known"), *SAC_SUPPORT_REASONS],
        required=False,
        label="The adult's primary support reason",
        help_text="As on their care record, if they have one",
    )
    reported_autism = forms.ChoiceField(
        choices=[("", "None reported, or not known"), *ReportedAutism.choices],
        required=False,
        label="Is the adult autistic?",
        help_text="As reported on their care or health record",
    )
    lawful_basis = forms.CharField(
        required=False,
        widget=forms.Textarea,
        label="If we proceed without consent, why? (lawful basis)",
        help_text="For example: others are at risk, a crime has been committed, vital interests, coercion",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_agency"].choices = _agency_choices()

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("received_date")
        agency_id = data.pop("source_agency")
        data["source_agency"] = Agency.objects.filter(pk=agency_id).first() if agency_id else None
        return data


class DecisionForm(GovForm):
    has_care_and_support_needs = forms.ChoiceField(
        choices=YES_NO_UNKNOWN,
        widget=Radios,
        label="Does the adult have needs for care and support?",
        help_text="Whether or not the local authority is meeting any of those needs",
    )
    experiencing_or_at_risk = forms.ChoiceField(
        choices=YES_NO_UNKNOWN, widget=Radios, label="Is the adult experiencing, or at risk of, abuse or neglect?"
    )
    unable_to_protect_self = forms.ChoiceField(
        choices=YES_NO_UNKNOWN,
        widget=Radios,
        label="As a result of those needs, is the adult unable to protect themselves against the abuse or neglect "
        "or the risk of it?",
    )
    decision = forms.ChoiceField(
        choices=ConcernDecision.choices,
        widget=Radios,
        label="Decision",
        help_text="A section 42 enquiry needs all three answers to be yes",
    )
    decision_rationale = forms.CharField(widget=forms.Textarea, label="Reasons for the decision")
    signposting = forms.CharField(
        required=False,
        widget=forms.Textarea,
        label="Signposting (no further safeguarding action)",
        help_text="Where the adult or the person who raised the concern was directed for support",
    )
    carried_out_by = forms.ChoiceField(
        required=False,
        label="Organisation asked to carry out the enquiry",
        help_text="Leave blank if the council carries out the enquiry itself",
    )
    enquiry_started_date = GovDateField(required=False, label="Enquiry start date (if not today)")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _agency_choices()
        choices[0] = ("", "The council")
        self.fields["carried_out_by"].choices = choices

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        for key in ("has_care_and_support_needs", "experiencing_or_at_risk", "unable_to_protect_self"):
            data[key] = to_bool(data[key])
        agency_id = data.pop("carried_out_by")
        data["carried_out_by"] = Agency.objects.filter(pk=agency_id).first() if agency_id else None
        data["expected_version"] = data.pop("version")
        return data


class RiskActionForm(GovForm):
    description = forms.CharField(max_length=500, label="Action to manage the risk")
    owner = forms.CharField(max_length=200, label="Who owns it?", help_text="A person, team or agency")
    due_date = GovDateField(label="Date due")


class EnquiryForm(GovForm):
    planning_date = GovDateField(required=False, label="Date of the planning discussion or meeting")
    risk_types = forms.MultipleChoiceField(
        choices=RiskType.choices,
        widget=Checkboxes,
        required=False,
        label="Types of risk",
        help_text="Select all that apply",
    )
    risk_locations = forms.MultipleChoiceField(
        choices=RiskLocation.choices,
        widget=Checkboxes,
        required=False,
        label="Locations of the risk",
        help_text="Select all that apply",
    )
    risk_sources = forms.MultipleChoiceField(
        choices=RiskSource.choices,
        widget=Checkboxes,
        required=False,
        label="Sources of the risk",
        help_text="Select every type that applies (two strangers are one type)",
    )
    lacked_capacity = forms.ChoiceField(
        choices=LackedCapacity.choices,
        widget=Radios,
        label="Did the adult lack capacity to make decisions about the risk?",
    )
    advocate_support = forms.ChoiceField(
        choices=[("", "Not applicable"), *YES_NO],
        required=False,
        widget=Radios,
        label="Was the adult supported by an advocate, family member or friend?",
        help_text="Record this whatever the adult's capacity: the Care Act advocacy duty does not depend on it",
    )
    desired_outcomes_asked = forms.ChoiceField(
        choices=DesiredOutcomes.choices, widget=Radios, label="Was the adult asked about their desired outcomes?"
    )
    desired_outcomes = forms.CharField(
        required=False, widget=forms.Textarea, label="The outcomes the adult wants, in their words"
    )
    outcomes_achieved = forms.ChoiceField(
        choices=[("", "Not yet known"), *OutcomesAchieved.choices],
        required=False,
        widget=Radios,
        label="Were their desired outcomes achieved?",
    )
    interpreter_used = forms.ChoiceField(
        choices=[("", "Not recorded"), *YES_NO], required=False, widget=Radios, label="Was an interpreter used?"
    )
    heard_away_from_family = forms.ChoiceField(
        choices=[("", "Not recorded"), *YES_NO],
        required=False,
        widget=Radios,
        label="Was the adult heard away from family members?",
    )
    action_taken = forms.ChoiceField(
        choices=[("", "Not recorded yet"), *YES_NO], required=False, widget=Radios, label="Was action taken?"
    )
    action_summary = forms.CharField(required=False, widget=forms.Textarea, label="Action taken")
    risk_outcome = forms.ChoiceField(
        choices=[("", "Not recorded yet"), *RiskOutcome.choices],
        required=False,
        widget=Radios,
        label="Risk outcome",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    BOOL_FIELDS = ("advocate_support", "interpreter_used", "heard_away_from_family", "action_taken")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The generic care home and hospital (recorded before the SAC sub-types) are offered only to an
        # enquiry that already holds one, so it can be kept or replaced by the sub-type once known.
        held = set(self.initial.get("risk_locations") or [])
        if hasattr(self.data, "getlist"):
            held |= set(self.data.getlist(self.add_prefix("risk_locations")))
        self.fields["risk_locations"].choices = [
            (code, label) for code, label in RiskLocation.choices if code not in UNSPECIFIED_LOCATIONS or code in held
        ]

    @classmethod
    def from_enquiry(cls, enquiry) -> EnquiryForm:
        multi = ("risk_types", "risk_locations", "risk_sources")
        initial = {name: getattr(enquiry, name) for name in cls.base_fields if name not in multi}
        for name in cls.BOOL_FIELDS:
            initial[name] = from_bool(getattr(enquiry, name))
        initial["risk_types"] = enquiry.risk_type_codes()
        initial["risk_locations"] = enquiry.risk_location_codes()
        initial["risk_sources"] = enquiry.risk_source_codes()
        initial["version"] = enquiry.version
        return cls(initial=initial)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        for name in self.BOOL_FIELDS:
            data[name] = to_bool(data[name])
        data["expected_version"] = data.pop("version")
        return data


class ConcludeForm(GovForm):
    concluded_date = GovDateField(label="Date the enquiry concluded")
    version = forms.IntegerField(widget=forms.HiddenInput)


class PersonPickForm(GovForm):
    person = forms.IntegerField(label="Person ID", help_text="Find the adult with the people search first")


class YearForm(GovForm):
    year = forms.ChoiceField(label="Financial year")
