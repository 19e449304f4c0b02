from __future__ import annotations

from django import forms

from safehub.agencies.models import Agency, AgencyKind
from safehub.core.forms import GovDateField, GovDateTimeField, GovForm
from safehub.pathways.models import (
    EducationRegisterKind,
    EducationRegisterReason,
    LadoCategory,
    LadoDecision,
    LadoEmployerAction,
    LadoMeetingKind,
    LadoOutcome,
    LadoSector,
    PfNotifier,
    UnscheduledCareSetting,
)


def _choose(choices, prompt: str):
    return [("", prompt), *choices]


def _education_settings():
    return Agency.objects.filter(kind__in=[AgencyKind.SCHOOL, AgencyKind.EARLY_YEARS], is_active=True)


class PersonIdField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Person ID")
        kwargs.setdefault("help_text", "The ID on the child's record (find them with the people search)")
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


class LadoReferForm(GovForm):
    referred_at = GovDateTimeField(label="When the allegation was reported to you")
    subject_name = forms.CharField(max_length=200, label="Name of the person the allegation is about")
    subject_role = forms.CharField(max_length=120, label="Their role")
    employer = forms.ModelChoiceField(
        queryset=Agency.objects.filter(is_active=True), required=False, label="Employer (if a partner agency)"
    )
    employer_name = forms.CharField(max_length=200, required=False, label="Employer or organisation (if not listed)")
    sector = forms.ChoiceField(choices=_choose(LadoSector.choices, "Choose the sector"))
    category = forms.ChoiceField(choices=_choose(LadoCategory.choices, "Choose the category"))
    summary = forms.CharField(widget=forms.Textarea, label="What is alleged")


class LadoConsiderForm(GovForm):
    considered_at = GovDateTimeField(label="When the initial consideration was made")
    decision = forms.ChoiceField(choices=_choose(LadoDecision.choices, "Choose the decision"))
    rationale = forms.CharField(widget=forms.Textarea, label="Reasons")


class LadoMeetingForm(GovForm):
    kind = forms.ChoiceField(choices=LadoMeetingKind.choices, label="Meeting")
    meeting_at = GovDateTimeField(label="When it was held")
    note = forms.CharField(widget=forms.Textarea, required=False, label="Decisions")


class LadoOutcomeForm(GovForm):
    outcome = forms.ChoiceField(choices=_choose(LadoOutcome.choices, "Choose the outcome"))
    outcome_date = GovDateField(label="Date of the outcome")
    employer_actions = forms.MultipleChoiceField(
        choices=LadoEmployerAction.choices, widget=forms.CheckboxSelectMultiple, label="What the employer did"
    )
    note = forms.CharField(widget=forms.Textarea, required=False, label="Notes")


class LadoNameForm(GovForm):
    username = forms.CharField(max_length=150, label="Username of the person to name")
    why = forms.CharField(max_length=200, label="Why they are named")


class PrivateFosteringForm(GovForm):
    person_id = PersonIdField()
    notified_date = GovDateField(label="Date the local authority was notified")
    notified_by_kind = forms.ChoiceField(
        choices=_choose(PfNotifier.choices, "Choose who notified"), label="Notified by"
    )
    arrangement_started_date = GovDateField(required=False, label="Date the arrangement started (if known)")
    carer_name = forms.CharField(max_length=200, label="Private foster carer's name")
    carer_relationship = forms.CharField(max_length=120, label="How the carer knows the child")
    intended_duration = forms.CharField(max_length=120, required=False, label="Intended duration")


class PfVisitForm(GovForm):
    visited_date = GovDateField(label="Date of the visit")
    child_seen_alone = forms.BooleanField(required=False, label="The child was seen alone")
    note = forms.CharField(widget=forms.Textarea, required=False, label="Notes")


class PfEndForm(GovForm):
    ended_date = GovDateField(label="Date the arrangement ended")
    reason = forms.CharField(max_length=200, label="Why it ended")


class EducationRegisterForm(GovForm):
    person_id = PersonIdField()
    kind = forms.ChoiceField(choices=EducationRegisterKind.choices, label="Register")
    reason = forms.ChoiceField(choices=_choose(EducationRegisterReason.choices, "Choose the reason"))
    reported_date = GovDateField(label="Date reported")
    last_setting: forms.ModelChoiceField[Agency] = forms.ModelChoiceField(
        queryset=None, required=False, label="Last school or setting"
    )
    safeguarding_concern = forms.BooleanField(required=False, label="There are safeguarding concerns")
    note = forms.CharField(widget=forms.Textarea, required=False, label="Notes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["last_setting"].queryset = _education_settings()  # type: ignore[attr-defined]


class EducationRestartForm(GovForm):
    restarted_date = GovDateField(label="Date education restarted")
    setting: forms.ModelChoiceField[Agency] = forms.ModelChoiceField(
        queryset=None, required=False, label="School or setting (if on a roll)"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["setting"].queryset = _education_settings()  # type: ignore[attr-defined]


class EducationReferForm(GovForm):
    concern = forms.CharField(widget=forms.Textarea, label="The safeguarding concern")


class MaracLinkForm(GovForm):
    person_id = PersonIdField(help_text="The ID on the victim's record")
    referred_date = GovDateField(label="Date referred to MARAC")
    dash_score = forms.IntegerField(required=False, min_value=0, max_value=24, label="DASH score (0 to 24)")
    professional_judgement = forms.BooleanField(required=False, label="High risk on professional judgement")
    judgement_reason = forms.CharField(widget=forms.Textarea, required=False, label="Reason for the judgement")
    meeting_date = GovDateField(required=False, label="MARAC meeting date (if known)")
    marac_reference = forms.CharField(max_length=40, required=False, label="MARAC reference")


class MaracMeetingForm(GovForm):
    meeting_date = GovDateField(label="MARAC meeting date")
    marac_reference = forms.CharField(max_length=40, required=False, label="MARAC reference")


class MaracActionForm(GovForm):
    agency = forms.ModelChoiceField(queryset=Agency.objects.filter(is_active=True), label="Agency")
    action = forms.CharField(max_length=300, label="Action")
    due_date = GovDateField(required=False, label="Due by")


class MaracCompleteForm(GovForm):
    action_id = forms.IntegerField(widget=forms.HiddenInput)
    completed_date = GovDateField(label="Date done")


# --- Operation Encompass rolls, CP-IS, missing episodes ---------------------------------------------
class RollUploadForm(GovForm):
    file = forms.FileField(
        label="Your roll (CSV)",
        help_text="Columns: name (or forename and surname), date of birth, postcode, UPN where you have one",
    )


class CpisLookupForm(GovForm):
    nhs_number = forms.CharField(max_length=12, label="NHS number", help_text="10 digits, for example 943 476 5919")
    date_of_birth = GovDateField(required=False, label="Date of birth (or expected date of birth)")


class CpisAttendanceForm(GovForm):
    nhs_number = forms.CharField(max_length=12, widget=forms.HiddenInput)
    date_of_birth = GovDateField(required=False, widget=forms.HiddenInput)
    setting_kind = forms.ChoiceField(
        choices=_choose(UnscheduledCareSetting.choices, "Choose the setting"), label="Where the child attended"
    )
    attended_at = GovDateTimeField(label="When they attended")
    reason = forms.CharField(max_length=300, label="Reason for attending, in brief")


class MissingLinkForm(GovForm):
    meeting = forms.IntegerField(min_value=1, label="Strategy discussion")


class MissingConveneForm(GovForm):
    scheduled_at = GovDateTimeField(label="When the strategy discussion will be held")
    chair: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label="Chair", empty_label="Choose the chair"
    )  # the queryset is the user's agency's chairs, set in __init__
    invite_police = forms.BooleanField(required=False, initial=True, label="Invite the police (missing persons)")

    def __init__(self, *args, chairs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = chairs  # type: ignore[attr-defined]  # a ModelChoiceField
