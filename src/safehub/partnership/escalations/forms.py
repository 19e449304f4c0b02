"""Forms for escalations."""

from __future__ import annotations

from django import forms

from safehub.agencies.models import Agency
from safehub.core.forms import GovForm
from safehub.partnership.form_bases import active_agencies
from safehub.partnership.models import (
    Escalation,
    Theme,
)


class EscalationForm(GovForm):
    raised_with_agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label="Agency you disagree with")
    raised_with_name = forms.CharField(max_length=120, required=False, label="Who you raised it with")
    raised_by_name = forms.CharField(max_length=120, label="Your name")
    concern = forms.CharField(widget=forms.Textarea, label="What is the professional difference?")
    theme = forms.ChoiceField(choices=[("", "None")] + Theme.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_with_agency"].queryset = active_agencies()


class EscalationResolveForm(GovForm):
    outcome = forms.ChoiceField(choices=Escalation.Outcome.choices)
    note = forms.CharField(widget=forms.Textarea, required=False, label="How was it resolved?")
