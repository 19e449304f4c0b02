from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from safehub.agencies.models import Agency
from safehub.core.forms import GovDateField, GovForm
from safehub.earlyhelp.models import (
    ClosureReason,
    EpisodeOrigin,
    FamilyRole,
    MeetingKind,
    Progress,
    SpecialistEntryKind,
    SpecialistKind,
)


def _choose(choices, prompt: str):
    return [("", prompt), *choices]


class UsernameField(forms.CharField):
    """A practitioner named by their username (the form says whose); the service checks their role."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 150)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        user = get_user_model().objects.filter(username=value.strip(), is_active=True).first()
        if user is None:
            raise forms.ValidationError("No active user with that username")
        return user


class OpenForm(GovForm):
    person_id = forms.IntegerField(min_value=1, label="Child's person ID",
                                   help_text="The ID on the child's record (find them with the people search)")  # fmt: skip
    contact_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    origin = forms.ChoiceField(
        choices=_choose([c for c in EpisodeOrigin.choices if c[0] not in ("ANNEX_A", "STEP_DOWN")], "Choose one"),
        label="How the family came to early help",
    )
    assessment_start_date = GovDateField(label="Early help assessment start date")
    origin_reason = forms.CharField(widget=forms.Textarea, required=False, label="What the family needs help with")
    lead_professional = UsernameField(required=False, label="Lead professional's username",
                                      help_text="Any agency: a school, health visiting, the early help team. Blank: you")  # fmt: skip
    family = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Family members to link",
        help_text="From the child's relationships on the person record",
    )  # fmt: skip

    def __init__(self, *args, family_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = list(family_choices)


class AssessmentForm(GovForm):
    completed_date = GovDateField(label="Date the assessment was completed")
    summary = forms.CharField(widget=forms.Textarea, label="Strengths and needs")
    child_voice = forms.CharField(widget=forms.Textarea, required=False, label="What the child says")
    plan_outcomes = forms.CharField(widget=forms.Textarea, label="The family plan: what should change, who does what")


class MeetingForm(GovForm):
    kind = forms.ChoiceField(choices=MeetingKind.choices, label="Meeting")
    held_date = GovDateField(label="Date held")
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.filter(is_active=True).exclude(kind__in=["SCHOOL", "EARLY_YEARS"]),
        required=False, label="Agencies there (beyond schools and settings)",
    )  # fmt: skip
    setting = forms.ModelChoiceField(
        queryset=Agency.objects.filter(is_active=True, kind__in=["SCHOOL", "EARLY_YEARS"]),
        required=False, label="School or early-years setting there",
    )  # fmt: skip
    family_attended = forms.BooleanField(required=False, initial=True, label="The family attended")
    progress = forms.ChoiceField(choices=_choose(Progress.choices, "Not a review"), required=False)
    note = forms.CharField(widget=forms.Textarea, required=False, label="Decisions and actions")


class LeadForm(GovForm):
    lead_professional = UsernameField(label="Lead professional's username")


class FamilyForm(GovForm):
    person_id = forms.IntegerField(min_value=1, label="Family member's person ID")
    role = forms.ChoiceField(choices=FamilyRole.choices)


class CloseForm(GovForm):
    closed_date = GovDateField(label="Closure date")
    reason = forms.ChoiceField(
        choices=_choose([c for c in ClosureReason.choices if c[0] != "STEP_UP"], "Choose the reason")
    )
    note = forms.CharField(widget=forms.Textarea, required=False, label="Closure summary")


class StepUpForm(GovForm):
    step_date = GovDateField(label="Date of the step up (the referral date)")
    reasons = forms.CharField(widget=forms.Textarea, label="Reasons: what has changed and what the risks are")


class StepDownForm(GovForm):
    person_id = forms.IntegerField(min_value=1, label="Child's person ID")
    step_date = GovDateField(label="Date of the step down")
    reasons = forms.CharField(widget=forms.Textarea, label="Reasons, and what early help should continue")
    close_case_reason = forms.ChoiceField(
        required=False, label="If the social care case is still open, close it with",
        choices=[("", "It is already closed"), ("RC7", "RC7 Services ceased: no longer in need"),
                 ("RC9", "RC9 Closed after assessment, referred to early help")],
    )  # fmt: skip
    lead_professional = UsernameField(required=False, label="Lead professional's username (blank: you)")


class SpecialistForm(GovForm):
    kind = forms.ChoiceField(choices=_choose(SpecialistKind.choices, "Choose the specialism"))
    specialist = UsernameField(label="Specialist's username")
    adult_id = forms.IntegerField(min_value=1, required=False, label="Person ID of the adult they work with")
    started_date = GovDateField(label="Start date")


class EntryForm(GovForm):
    kind = forms.ChoiceField(choices=_choose(SpecialistEntryKind.choices, "Choose the kind of work"))
    entry_date = GovDateField(label="Date")
    summary = forms.CharField(widget=forms.Textarea, label="What was done and what it showed")


class EndForm(GovForm):
    ended_date = GovDateField(label="Date the specialist's work ended")
