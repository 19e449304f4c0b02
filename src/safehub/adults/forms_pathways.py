"""Forms for the self-neglect pathway (GOV.UK fields; the services enforce the rules)."""

from __future__ import annotations

from django import forms

from safehub.adults.forms import YES_NO, Radios, to_bool
from safehub.adults.models_pathways import Engagement, SelfNeglectOutcome
from safehub.agencies.models import Agency, AgencyKind
from safehub.core.forms import GovDateField, GovForm

CLUTTER = [("", "Not rated"), *((str(n), f"Image {n}") for n in range(1, 10))]


def _rating(value: str) -> int | None:
    return int(value) if value else None


class SelfNeglectOpenForm(GovForm):
    opened_on = GovDateField(label="Date the case opened")
    reason = forms.CharField(widget=forms.Textarea, label="What the self-neglect or hoarding looks like, and the risks")
    hoarding = forms.ChoiceField(choices=YES_NO, widget=Radios, label="Is hoarding part of it?")
    clutter_rating = forms.ChoiceField(
        choices=CLUTTER, required=False, label="Clutter image rating", help_text="1 (clear) to 9 (most cluttered)"
    )
    engagement = forms.ChoiceField(choices=Engagement.choices, widget=Radios, label="Is the adult engaging?")
    adult_view = forms.CharField(widget=forms.Textarea, label="The adult's own view of their situation")
    next_review_date = GovDateField(required=False, label="Next review date")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["hoarding"] = bool(to_bool(data["hoarding"]))
        data["clutter_rating"] = _rating(data["clutter_rating"])
        return data


class SelfNeglectUpdateForm(GovForm):
    clutter_rating = forms.ChoiceField(choices=CLUTTER, required=False, label="Clutter image rating")
    engagement = forms.ChoiceField(choices=Engagement.choices, widget=Radios, label="Is the adult engaging?")
    adult_view = forms.CharField(widget=forms.Textarea, label="The adult's own view now")
    next_review_date = GovDateField(required=False, label="Next review date")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["clutter_rating"] = _rating(data["clutter_rating"])
        data["expected_version"] = data.pop("version")
        return data


class MeetingForm(GovForm):
    held_on = GovDateField(label="Date of the meeting")
    attendees = forms.CharField(widget=forms.Textarea, label="Who attended (and whether the adult took part)")
    summary = forms.CharField(widget=forms.Textarea, label="What was agreed")
    next_review_date = GovDateField(required=False, label="Next review date")


class ActionForm(GovForm):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label="Agency")
    description = forms.CharField(max_length=500, label="Action")
    due_date = GovDateField(label="Date due")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Agency.objects.filter(is_active=True)
            .exclude(kind__in=[AgencyKind.SCHOOL, AgencyKind.EARLY_YEARS])
            .order_by("name")
        )


class EscalateForm(GovForm):
    escalated_on = GovDateField(label="Date escalated")
    reason = forms.CharField(widget=forms.Textarea, label="Why, and to whom")
    version = forms.IntegerField(widget=forms.HiddenInput)


class CloseForm(GovForm):
    closed_on = GovDateField(label="Date closed")
    outcome = forms.ChoiceField(choices=SelfNeglectOutcome.choices, widget=Radios, label="Outcome")
    summary = forms.CharField(widget=forms.Textarea, label="Summary, with the adult's view of the outcome")
    version = forms.IntegerField(widget=forms.HiddenInput)


class PositionOfTrustForm(GovForm):
    """A new allegation about someone who works or volunteers with adults (PiPoT)."""

    received_on = GovDateField(label="Date the allegation was received")
    subject_name = forms.CharField(max_length=200, label="Name of the person the allegation is about")
    role = forms.CharField(max_length=200, label="Their role", help_text="For example, care worker or volunteer driver")
    employer = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        label="Employer or organisation (if on Safehub)",
        empty_label="Not on the list",
    )
    employer_name = forms.CharField(
        max_length=200, required=False, label="Employer or organisation (if not on the list)"
    )
    works_with_children = forms.ChoiceField(
        choices=YES_NO,
        widget=Radios,
        label="Do they also work or volunteer with children?",
        help_text="If so, the allegation goes to the children's LADO too",
    )
    allegation = forms.CharField(widget=forms.Textarea, label="The allegation")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["employer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Agency.objects.filter(is_active=True)
            .exclude(kind__in=[AgencyKind.SCHOOL, AgencyKind.EARLY_YEARS])
            .order_by("name")
        )

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["works_with_children"] = bool(to_bool(data["works_with_children"]))
        return data
