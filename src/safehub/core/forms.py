"""Forms shared by every app: the GOV.UK look (``GovForm``, ``GovDateField``, ``GovDateTimeField``) and core's own forms."""

from __future__ import annotations

from functools import cache

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

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


def _attrs(attrs: dict) -> SafeString:
    """Attributes as Django's widgets/attrs.html writes them: True as a bare name, False left out."""
    return format_html_join(
        "", " {}{}", ((k, "" if v is True else format_html('="{}"', v)) for k, v in attrs.items() if v is not False)
    )


class QuickOptions:
    """A select written in Python, the markup Django's select templates give, without a template
    include per option: a looked-after child's page offers the region's 1,350 placement providers
    in two forms, and rendering them option by option took 250 ms of its 270 (scale 5)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            written = format_html_join(
                "",
                '\n  <option value="{}"{}>{}</option>',
                ((str(o["value"]), _attrs(o["attrs"]), o["label"]) for o in options),
            )
            if group_name:
                written = format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, written)
            groups.append((written,))
        body = format_html_join("", "{}", groups)
        return format_html('<select name="{}"{}>{}\n</select>', widget["name"], _attrs(widget["attrs"]), body)


@cache
def _quick(widget_class: type) -> type:
    return type(f"Quick{widget_class.__name__}", (QuickOptions, widget_class), {})


def govuk_widgets(form: forms.BaseForm) -> None:
    """Give every widget its GOV.UK class (the template stays plain); selects render their options
    in Python (``QuickOptions``)."""
    for field in form.fields.values():
        w = field.widget
        if isinstance(w, forms.Select) and not isinstance(w, QuickOptions):
            w.__class__ = _quick(type(w))  # the same widget, its options written without templates
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
