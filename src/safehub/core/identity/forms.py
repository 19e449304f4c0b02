from django import forms


class EnrolmentLinkForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        label="Username of the person setting up their authenticator app",
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-20", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
