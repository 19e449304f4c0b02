"""Forms for sub-group meetings."""

from __future__ import annotations

from typing import ClassVar

from django import forms

from safehub.agencies.models import Agency
from safehub.core.forms import GovDateField
from safehub.partnership.form_bases import ManagerForm, active_agencies
from safehub.partnership.models import (
    SubGroup,
)


class MeetingForm(ManagerForm):
    required: ClassVar[dict[str, str]] = {
        "group": "Choose the sub-group",
        "held_on": "Enter the date of the meeting",
        "present": "Choose the agencies that were present",
    }

    group = forms.ChoiceField(choices=[("", "Choose")] + SubGroup.choices, label="Sub-group")
    held_on = GovDateField(label="Date of the meeting")
    chair_name = forms.CharField(max_length=120, required=False, label="Chair")
    present = forms.ModelMultipleChoiceField(queryset=Agency.objects.none(), label="Agencies present",
                                             widget=forms.SelectMultiple)  # fmt: skip
    apologies = forms.ModelMultipleChoiceField(queryset=Agency.objects.none(), required=False,
                                               label="Agencies that sent apologies", widget=forms.SelectMultiple)  # fmt: skip
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label="What was discussed")
    decisions = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False,
                                label="Decisions", help_text="One decision a line")  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        core = active_agencies().exclude(kind__in=["SCHOOL", "EARLY_YEARS"])
        self.fields["present"].queryset = core
        self.fields["apologies"].queryset = core


class MeetingActionForm(ManagerForm):
    required: ClassVar[dict[str, str]] = {
        "description": "Describe the action",
        "agency": "Choose the agency",
        "owner_name": "Enter who is responsible",
        "due_date": "Enter the date it is due",
    }

    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Action")
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label="Agency")
    owner_name = forms.CharField(max_length=120, label="Named person responsible")
    due_date = GovDateField(label="Due")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = active_agencies()
