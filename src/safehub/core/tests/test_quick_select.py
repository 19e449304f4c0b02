"""GovForm's selects write their options in Python (core.forms.QuickOptions): the markup must be
what Django's own select templates give, escaping included."""

from __future__ import annotations

import re

import pytest
from django import forms

from safehub.core.forms import GovForm, QuickOptions

CHOICES = [("", "Pick one"), ("x", 'X & <b>"quoted"</b>'), ("Group & co", [("g1", "G1"), ("g2", "G2")])]


class Chosen(GovForm):
    single = forms.ChoiceField(choices=CHOICES, initial="g2")
    several = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two"), ("3", "Three")], initial=["1", "3"])
    maybe = forms.NullBooleanField(required=False)
    number = forms.TypedChoiceField(choices=[(1, "One"), (2, "Two")], coerce=int, initial=2, disabled=True)


def _tags(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html).strip())


@pytest.mark.parametrize("name", ["single", "several", "maybe", "number"])
def test_a_select_is_written_as_django_writes_it(name: str) -> None:
    bound = Chosen(data={"single": "x", "several": ["2"], "maybe": "true", "number": "1"})[name]
    widget = bound.field.widget
    assert isinstance(widget, QuickOptions)
    quick = widget.render(bound.html_name, bound.value(), attrs=bound.build_widget_attrs({"id": bound.auto_id}))
    django = forms.Select.render(
        widget, bound.html_name, bound.value(), bound.build_widget_attrs({"id": bound.auto_id})
    )

    assert _tags(quick) == _tags(django)


def test_options_are_escaped_and_the_chosen_one_is_selected() -> None:
    html = str(Chosen()["single"])

    assert '<option value="x">X &amp; &lt;b&gt;&quot;quoted&quot;&lt;/b&gt;</option>' in html
    assert '<optgroup label="Group &amp; co">' in html
    assert '<option value="g2" selected>G2</option>' in html
    assert 'class="govuk-select"' in html


def test_a_multiple_select_keeps_every_chosen_option() -> None:
    html = str(Chosen()["several"])

    assert " multiple" in html
    assert html.count(" selected>") == 2
