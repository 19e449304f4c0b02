"""Forms for multi-agency case audits."""

from __future__ import annotations

from django import forms

from safehub.agencies.models import Agency
from safehub.core.forms import GovDateField, GovForm
from safehub.partnership.form_bases import NO_PRIORITY, GovCheckboxes, ManagerForm, active_agencies, check_order
from safehub.partnership.models import (
    AuditTool,
    Grade,
    Priority,
)
from safehub.people.models import InvolvementKind


class AuditAnswerForm(GovForm):
    """One field per question of the audit tool, then the grade."""

    def __init__(self, *args, questions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        for code, text in questions:
            self.fields[code] = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=text)
        self.fields["grade"] = forms.ChoiceField(choices=Grade.choices, label="Grade for your agency's practice")
        self.fields["comments"] = forms.CharField(widget=forms.Textarea, required=False, label="Learning and comments")
        from safehub.core.forms import govuk_widgets

        govuk_widgets(self)


class AuditPlanForm(ManagerForm):
    required = {
        "title": "Enter the audit title",
        "tool": "Choose the audit tool",
        "planned_date": "Enter the planned date",
    }

    title = forms.CharField(max_length=200, label="Audit title")
    tool = forms.ChoiceField(choices=[("", "Choose a tool")] + AuditTool.choices, label="Audit tool")
    priority = forms.ChoiceField(choices=NO_PRIORITY + Priority.choices, required=False, label="Strategic priority")
    planned_date = GovDateField(label="Planned date")
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        widget=GovCheckboxes,
        label="Agencies taking part",
        help_text="Choose none to let every agency answer.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = active_agencies()


class AuditSampleForm(ManagerForm):
    """The criteria for drawing an audit's case sample (all optional; the size is not)."""

    required = {
        "size": "Enter the number of cases to sample",
    }

    involvement_kind = forms.ChoiceField(
        choices=[("", "Any involvement")] + InvolvementKind.choices, required=False, label="Kind of involvement"
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), required=False, empty_label="Any agency", label="Agency involved"
    )
    started_from = GovDateField(required=False, label="Involvement started on or after")
    started_to = GovDateField(required=False, label="Involvement started on or before")
    size = forms.IntegerField(min_value=1, max_value=100, initial=10, label="Number of cases to sample")
    seed = forms.IntegerField(
        min_value=0,
        required=False,
        label="Draw number (optional)",
        help_text="Leave blank for a new random draw. Enter the number of an earlier draw to repeat it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = active_agencies()
        self.fields["size"].widget.attrs["class"] = "govuk-input govuk-input--width-3"
        self.fields["seed"].widget.attrs["class"] = "govuk-input govuk-input--width-10"

    def clean(self):
        data = super().clean()
        check_order(self, "started_from", "started_to", "The end of the period must be on or after its start")
        return data
