"""Forms shared by every app: the GOV.UK look (``GovForm``, ``GovDateField``, ``GovDateTimeField``) and core's own forms."""

from __future__ import annotations

from django import forms

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %m %Y"]


class GovDateField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_FORMATS)
        kwargs.setdefault("help_text", "For example, 27/03/2019")
        kwargs.setdefault("error_messages", {"invalid": "Enter a real date, like 27/03/2019"})
        super().__init__(**kwargs)


DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y"]


class GovDateTimeField(forms.DateTimeField):
    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATETIME_FORMATS)
        kwargs.setdefault("help_text", "For example, 27/03/2025 14:30")
        kwargs.setdefault("error_messages", {"invalid": "Enter a real date and time, like 27/03/2025 14:30"})
        super().__init__(**kwargs)


def govuk_widgets(form: forms.BaseForm) -> None:
    """Give every widget its GOV.UK class (the template stays plain)."""
    for field in form.fields.values():
        w = field.widget
        if isinstance(w, forms.Select) and not isinstance(w, forms.SelectMultiple):
            w.attrs.setdefault("class", "govuk-select")
        elif isinstance(w, forms.Textarea):
            w.attrs.setdefault("class", "govuk-textarea")
            w.attrs.setdefault("rows", 4)
        elif isinstance(w, forms.CheckboxInput):
            w.attrs.setdefault("class", "govuk-checkboxes__input")
        elif isinstance(w, forms.SelectMultiple):
            w.attrs.setdefault("class", "govuk-select safehub-multi")
        else:
            w.attrs.setdefault("class", "govuk-input")


class GovForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        govuk_widgets(self)


class SignInForm(forms.Form):
    username = forms.CharField(max_length=150, label="Username")
    password = forms.CharField(widget=forms.PasswordInput, label="Password", strip=False)


class TokenForm(forms.Form):
    token = forms.RegexField(
        regex=r"^\d{6}$",
        label="Security code",
        max_length=6,
        error_messages={"invalid": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input govuk-input--width-5",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "spellcheck": "false",
            }
        ),
    )


class AuditSearchForm(forms.Form):
    username = forms.CharField(required=False)
    action = forms.CharField(required=False)
    person_id = forms.IntegerField(required=False, label="Person ID")
    date_from = forms.DateField(required=False, label="From (dd/mm/yyyy)", input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    date_to = forms.DateField(required=False, label="To (dd/mm/yyyy)", input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    flagged = forms.BooleanField(required=False, label="Flagged only")
