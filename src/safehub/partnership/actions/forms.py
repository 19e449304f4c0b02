"""Forms for recommendations, action plans, inspections and notifications."""

from __future__ import annotations

from django import forms

from safehub.agencies.models import Agency
from safehub.core.forms import GovDateField, GovForm
from safehub.partnership.form_bases import ManagerForm, active_agencies, check_order
from safehub.partnership.models import (
    ActionStatus,
    Inspection,
    Recommendation,
)


class RecommendationForm(GovForm):
    kind = forms.ChoiceField(choices=Recommendation.Kind.choices)
    text = forms.CharField(widget=forms.Textarea, label="Recommendation")
    made_by = forms.CharField(required=False, max_length=120, label="Made by", help_text="e.g. inspection letter")
    lead_agency = forms.ModelChoiceField(queryset=Agency.objects.none(), required=False, label="Lead agency")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].queryset = active_agencies()


class ActionForm(GovForm):
    description = forms.CharField(widget=forms.Textarea, label="Action")
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label="Owning agency")
    owner_name = forms.CharField(max_length=120, label="Named owner")
    due_date = GovDateField(label="Due date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = active_agencies()


class ActionUpdateForm(GovForm):
    status = forms.ChoiceField(choices=ActionStatus.choices)
    evidence = forms.CharField(
        widget=forms.Textarea, required=False, label="Evidence", help_text="Required to complete"
    )
    due_date = GovDateField(required=False, label="Due date", help_text="Only the partnership team can change it")
    version = forms.IntegerField(widget=forms.HiddenInput)


class InspectionForm(ManagerForm):
    required = {
        "title": "Enter the title",
        "kind": "Choose the kind of inspection",
        "inspectorates": "Enter the inspectorates",
        "started_date": "Enter the date the inspection started",
        "ended_date": "Enter the date the inspection ended",
    }

    title = forms.CharField(max_length=200, label="Title")
    kind = forms.ChoiceField(choices=[("", "Choose a kind")] + Inspection.Kind.choices, label="Kind of inspection")
    inspectorates = forms.CharField(
        max_length=120, label="Inspectorates", help_text="For example, Ofsted, CQC, HMICFRS"
    )
    started_date = GovDateField(label="Inspection started")
    ended_date = GovDateField(label="Inspection ended")
    letter_published_date = GovDateField(required=False, label="Letter published")
    action_plan_due_date = GovDateField(required=False, label="Action plan due")
    summary = forms.CharField(widget=forms.Textarea, required=False, label="Summary of the findings")

    def clean(self):
        data = super().clean()
        check_order(self, "started_date", "ended_date", "The inspection must end on or after the day it started")
        return data
