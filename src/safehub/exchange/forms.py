from __future__ import annotations

from django import forms

from safehub.core.forms import GovForm
from safehub.exchange.models import Scope


class SubmissionForm(GovForm):
    return_code = forms.ChoiceField(label="Data return")
    period_start = forms.ChoiceField(label="Quarter")
    file = forms.FileField(label="File (.csv or .xlsx)", help_text="The return in the shape its schema declares")

    def __init__(self, *args, returns_=(), periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["return_code"].choices = [(s.code, s.title) for s in returns_]
        self.fields["period_start"].choices = [(p[0].isoformat(), label) for p, label in periods]
        self.fields["file"].widget.attrs["class"] = "govuk-file-upload"
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx"


class TokenForm(GovForm):
    agency = forms.ChoiceField(label="Agency")
    username = forms.CharField(label="Service-account username", max_length=150)
    scopes = forms.MultipleChoiceField(label="Scopes", choices=Scope.choices, widget=forms.CheckboxSelectMultiple)
    name = forms.CharField(label="Name", required=False, max_length=100, help_text="For example, the system's name")

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.code, a.name) for a in agencies]
