from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth import get_user_model

from safehub.agencies.models import Agency, Role
from safehub.casework.models import (
    AbuseCategory,
    AssessmentOutcome,
    Attendance,
    ClosureReason,
    ExploitationLevel,
    MeetingDecision,
    MeetingReason,
    NoteKind,
    PrimaryNeed,
    RiskLevel,
    S47Outcome,
)
from safehub.core.codes import AssessmentFactor, ReferralSource
from safehub.core.forms import GovDateField, GovDateTimeField, GovForm

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


def partner_agencies():
    return Agency.objects.exclude(kind__in=["SCHOOL", "EARLY_YEARS", "CARE_PROVIDER", "GP"]).order_by("kind", "name")


class ConveneForm(GovForm):
    scheduled_at = GovDateTimeField(label="When")
    reason = forms.ChoiceField(choices=MeetingReason.choices)
    # querysets are set in __init__
    chair: forms.ModelChoiceField[AbstractBaseUser] = forms.ModelChoiceField(queryset=None, label="Chair")
    agencies: forms.ModelMultipleChoiceField[Agency] = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Invite these agencies"
    )
    schools: forms.ModelMultipleChoiceField[Agency] = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Also invite the child's school or nursery",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, education=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = get_user_model().objects.filter(
            membership__role__in=[Role.FRONT_DOOR_MANAGER, Role.SOCIAL_WORKER], membership__agency__kind="LA_CHILDREN"
        )
        self.fields["agencies"].queryset = partner_agencies()
        self.fields["schools"].queryset = education if education is not None else Agency.objects.none()


class AttendanceForm(GovForm):
    agency: forms.ModelChoiceField[Agency] = forms.ModelChoiceField(queryset=None)  # queryset set in __init__
    attendance = forms.ChoiceField(choices=[c for c in Attendance.choices if c[0] != "INVITED"])
    apologies_from = forms.CharField(required=False, max_length=120, label="Apologies from")
    information_shared = forms.CharField(required=False, widget=forms.Textarea, label="Information this agency shared")

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = (
            Agency.objects.filter(pk__in=meeting.invites.values("agency")) if meeting else Agency.objects.none()
        )


class HoldForm(GovForm):
    held_at = GovDateTimeField(label="When the meeting took place")
    decision = forms.ChoiceField(choices=MeetingDecision.choices)
    immediate_safety_actions = forms.CharField(required=False, widget=forms.Textarea, label="Immediate safety actions")


class RecordForm(GovForm):
    record_text = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}), label="Written record")
    version = forms.IntegerField(widget=forms.HiddenInput)


class AssessmentStartForm(GovForm):
    start_date = GovDateField(label="Assessment start date")


class AssessmentAuthoriseForm(GovForm):
    authorised_date = GovDateField(label="Authorised (completed) on")
    factors = forms.MultipleChoiceField(
        choices=AssessmentFactor.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Factors identified at assessment",
    )
    outcome = forms.ChoiceField(choices=AssessmentOutcome.choices)
    primary_need = forms.ChoiceField(
        choices=[("", "Choose the primary need")] + [c for c in PrimaryNeed.choices if c[0] != "N0"],
        required=False,
        label="Primary need (CIN census)",
    )
    summary = forms.CharField(widget=forms.Textarea, required=False, label="Summary to share with partners")


class S47CompleteForm(GovForm):
    outcome = forms.ChoiceField(choices=S47Outcome.choices)
    completed_date = GovDateField(label="Completed on")


class IcpcForm(GovForm):
    icpc_date = GovDateField(label="Conference date")
    plan_category = forms.ChoiceField(
        choices=[("", "No plan")] + AbuseCategory.choices,
        required=False,
        label="Child protection plan category (if a plan was made)",
    )


class MissingForm(GovForm):
    started_at = GovDateTimeField(label="Went missing")
    ended_at = GovDateTimeField(required=False, label="Returned")
    risk_level = forms.ChoiceField(choices=RiskLevel.choices)
    notes = forms.CharField(required=False, widget=forms.Textarea)


class ExploitationForm(GovForm):
    level = forms.ChoiceField(choices=ExploitationLevel.choices, label="Risk level")
    kinds = forms.MultipleChoiceField(
        choices=[
            ("sexual", "Sexual exploitation"),
            ("criminal", "Criminal exploitation"),
            ("county_lines", "County lines"),
            ("online", "Online"),
            ("radicalisation", "Radicalisation"),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Kinds of exploitation",
    )
    rationale = forms.CharField(widget=forms.Textarea)
    downgrade_agreed_by: forms.ModelMultipleChoiceField[Agency] = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Agencies agreeing a lower level (if lowering)",
    )
    downgrade_agreement_note = forms.CharField(
        required=False, widget=forms.Textarea, label="Where and how the agencies agreed"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["downgrade_agreed_by"].queryset = partner_agencies()


class TransitionForm(GovForm):
    needs = forms.CharField(widget=forms.Textarea, label="Needs and risks into adulthood")
    plan = forms.CharField(widget=forms.Textarea, label="The plan")
    review_date = GovDateField(label="Review by")
    adult_service = forms.ModelChoiceField(
        queryset=Agency.objects.filter(kind="LA_ADULTS"), required=False, label="Adult service involved"
    )


class HealthAssessmentForm(GovForm):
    completed_date = GovDateField(label="Health assessment completed on")


class CareLeaverForm(GovForm):
    as_of_date = GovDateField(label="Situation on")
    suitable_accommodation = forms.BooleanField(required=False, label="In suitable accommodation")
    activity = forms.ChoiceField(
        choices=[("EET", "In education, employment or training"), ("NEET", "Not in education, employment or training")]
    )


class CPReviewForm(GovForm):
    held_date = GovDateField(label="Review conference held on")


class CaseOpenForm(GovForm):
    referral_date = GovDateField(label="Referral date")
    source = forms.ChoiceField(choices=ReferralSource.choices, label="Referral source (CIN census)")


class AllocateForm(GovForm):
    team: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, required=False, label="Team")
    worker: forms.ModelChoiceField[AbstractBaseUser] = forms.ModelChoiceField(
        queryset=None, required=False, label="Social worker"
    )
    reason = forms.CharField(required=False, max_length=200, label="Reason (for a transfer)")

    def __init__(self, *args, **kwargs):
        from safehub.agencies.models import Team

        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(agency__kind="LA_CHILDREN").select_related("agency")
        self.fields["worker"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, membership__role=Role.SOCIAL_WORKER, membership__agency__kind="LA_CHILDREN")
            .order_by("last_name", "first_name")
        )


class CaseNoteForm(GovForm):
    kind = forms.ChoiceField(choices=NoteKind.choices, label="Type of note")
    occurred_at = GovDateTimeField(label="When it happened")
    present = forms.CharField(required=False, max_length=300, label="Who was present")
    child_seen = forms.BooleanField(required=False, label="The child was seen")
    child_seen_alone = forms.BooleanField(required=False, label="The child was seen alone")
    child_words = forms.CharField(required=False, widget=forms.Textarea, label="The child's own words")
    text = forms.CharField(widget=forms.Textarea, label="Note")


class CINPlanStartForm(GovForm):
    start_date = GovDateField(label="Plan start date")
    review_interval_months = forms.IntegerField(min_value=1, max_value=12, initial=3, label="Review every (months)")
    visit_interval_working_days = forms.IntegerField(
        min_value=1, max_value=60, initial=20, label="Visit at least every (working days)"
    )


class CINPlanReviewForm(GovForm):
    held_date = GovDateField(label="Review held on")


class CINPlanEndForm(GovForm):
    end_date = GovDateField(label="Plan ended on")


class CaseCloseForm(GovForm):
    closure_date = GovDateField(label="Closure date")
    reason = forms.ChoiceField(choices=ClosureReason.choices, label="Reason for closure (CIN census)")


class CoreGroupForm(GovForm):
    held_date = GovDateField(label="Core group held on")


class ExpectedDateForm(GovForm):
    expected_date_of_birth = GovDateField(label="Expected date of birth")


class BirthForm(GovForm):
    date_of_birth = GovDateField(label="Date of birth")
    given_name = forms.CharField(required=False, max_length=100, label="Given name (if known)")
    sex = forms.ChoiceField(required=False, choices=[("", "Not recorded"), ("F", "Female"), ("M", "Male")], label="Sex")
    born_person_id = forms.IntegerField(
        required=False,
        min_value=1,
        label="The baby's own record number, if the hospital or the front door made one",
        help_text="Leave blank to record the birth on this record. Joining two records needs a front-door manager.",
    )
