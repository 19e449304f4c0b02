from django import forms


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
