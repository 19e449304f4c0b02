from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.forms import formset_factory

from safehub.core.codes import AssessmentFactor, ReferralSource
from safehub.core.forms import GovDateField, GovDateTimeField, GovForm, govuk_widgets
from safehub.frontdoor.models import Consent, InformationRequest, LawfulBasis, Outcome, PoliceGrade, RagRating, Urgency
from safehub.people.models import Ethnicity, Sex

if TYPE_CHECKING:
    from safehub.agencies.models import Agency


class ContactForm(GovForm):
    source = forms.ChoiceField(
        choices=[("", "Choose who the contact is from")] + ReferralSource.choices, label="Who is the contact from?"
    )
    referrer_name = forms.CharField(required=False, max_length=120, label="Referrer's name")
    referrer_role = forms.CharField(required=False, max_length=120, label="Referrer's role")
    referrer_contact_details = forms.CharField(required=False, max_length=200, label="Referrer's phone or email")
    received_at = GovDateTimeField(label="Date and time received")
    urgency = forms.ChoiceField(choices=Urgency.choices, initial=Urgency.STANDARD)
    presenting_concerns = forms.MultipleChoiceField(
        choices=AssessmentFactor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Presenting concerns",
    )
    summary = forms.CharField(widget=forms.Textarea, label="What is the concern?")
    consent = forms.ChoiceField(choices=Consent.choices, label="Consent to share")
    lawful_basis = forms.ChoiceField(
        choices=[("", "Not needed: consent given")] + LawfulBasis.choices,
        required=False,
        label="Lawful basis for sharing without consent",
    )
    police_reference = forms.CharField(required=False, max_length=40, label="Police reference (police contacts)")
    incident_recorded_at = GovDateTimeField(required=False, label="When the police incident was recorded")
    high_risk = forms.BooleanField(required=False, label="High risk")
    police_grade = forms.ChoiceField(
        choices=[("", "Not graded (not a PPN)")] + PoliceGrade.choices,
        required=False,
        label="Police risk grade on the PPN (BRAG)",
    )
    police_grade_rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="The officer's rationale for the grade"
    )
    police_unit = forms.CharField(required=False, max_length=100, label="Police unit or team")
    domestic_abuse_incident = forms.BooleanField(
        required=False, label="Domestic abuse incident (notify school and early years)"
    )
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput)


class ChildForm(forms.Form):
    person_id = forms.IntegerField(required=False, label="Person ID if known", widget=forms.NumberInput)
    given_name = forms.CharField(required=False, max_length=100, label="Given name")
    family_name = forms.CharField(required=False, max_length=100, label="Family name")
    date_of_birth = GovDateField(required=False, label="Date of birth (or expected)")
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN, required=False)
    ethnicity = forms.ChoiceField(choices=Ethnicity.choices, initial=Ethnicity.NOBT, required=False)
    postcode = forms.CharField(required=False, max_length=10, label="Postcode")
    child_voice = forms.CharField(
        required=False,
        widget=forms.Textarea,
        label="The child's voice",
        help_text="What the child said, or how they presented",
    )
    voice_not_recorded_reason = forms.CharField(required=False, max_length=200, label="If not recorded, why not")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_widgets(self)

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any(data.get(k) for k in ("person_id", "given_name", "family_name", "date_of_birth"))


ChildFormSet = formset_factory(ChildForm, extra=4, max_num=8)


class RagForm(GovForm):
    rating = forms.ChoiceField(choices=RagRating.Rating.choices, widget=forms.RadioSelect, label="RAG rating")
    rationale = forms.CharField(widget=forms.Textarea, label="Why this rating")


class DecisionForm(GovForm):
    outcome = forms.ChoiceField(choices=Outcome.choices, label="Decision")
    rationale = forms.CharField(widget=forms.Textarea, label="Rationale")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class InformationRequestForm(GovForm):
    # queryset set in __init__
    agency: forms.ModelChoiceField[Agency] = forms.ModelChoiceField(queryset=None, label="Ask which agency")
    question = forms.CharField(widget=forms.Textarea, label="What do you need to know?")
    urgency = forms.ChoiceField(choices=InformationRequest.Urgency.choices)

    def __init__(self, *args, **kwargs):
        from safehub.agencies.models import Agency

        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.exclude(kind__in=["SCHOOL", "EARLY_YEARS", "LA_CHILDREN"])


class AnswerForm(GovForm):
    answer = forms.CharField(widget=forms.Textarea, required=False, label="What your agency knows")
    nothing_known = forms.BooleanField(required=False, label="Nothing known")


class LateFlagForm(GovForm):
    reason = forms.CharField(widget=forms.Textarea, label="Why was this referral late?")


class ConsultationForm(GovForm):
    asked_by_name = forms.CharField(max_length=120, label="Who asked")
    child_description = forms.CharField(
        max_length=200, label="About which child", help_text="Initials and age are enough"
    )
    question = forms.CharField(widget=forms.Textarea, label="What did they ask?")
    advice = forms.CharField(widget=forms.Textarea, required=False, label="Advice given")


class PeriodForm(GovForm):
    start = GovDateField(required=False, label="From")
    end = GovDateField(required=False, label="To")
