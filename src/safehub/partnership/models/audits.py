"""Multi-agency case audits: the tools' questions, sampled cases, each agency's graded answers, findings."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from safehub.partnership.models.common import Grade, Priority, Theme


class AuditStatus(models.TextChoices):
    PLANNED = "PLANNED", "Planned"
    SAMPLED = "SAMPLED", "Sample drawn"
    IN_PROGRESS = "IN_PROGRESS", "Agencies answering"
    COMPLETE = "COMPLETE", "Complete"


class AuditTool(models.TextChoices):
    MSP = "MSP", "Making Safeguarding Personal"
    CSA = "CSA", "Child sexual abuse"
    CERAF = "CERAF", "Exploitation risk assessments (CERAF)"
    REFERRALS = "REFERRALS", "Getting referrals right"
    NEGLECT = "NEGLECT", "Neglect and self-neglect"


# The questions each audit tool asks of every agency, per case (code, question).
AUDIT_QUESTIONS: dict[str, list[tuple[str, str]]] = {
    AuditTool.MSP: [
        ("outcomes", "Were the person's desired outcomes asked for and recorded?"),
        ("voice", "Was the person's voice heard away from family members?"),
        ("interpreter", "Was an independent interpreter used where needed?"),
        ("capacity", "Was mental capacity considered and recorded?"),
    ],
    AuditTool.CSA: [
        ("identified", "Was the sexual abuse identified at the earliest opportunity?"),
        ("medical", "Was a child protection medical considered for the child's wellbeing?"),
        ("toolkit", "Was the child sexual abuse toolkit used?"),
        ("characteristics", "Were protected characteristics identified and acted on?"),
    ],
    AuditTool.CERAF: [
        ("timely", "Was the exploitation risk assessment completed on time?"),
        ("analysis", "Did it analyse the risks rather than describe them?"),
        ("contributions", "Did your agency contribute to the assessment and plan?"),
        ("oversight", "Was there management oversight of changes to the risk level?"),
    ],
    AuditTool.REFERRALS: [
        ("quality", "Did the referral say clearly what the concern was and why now?"),
        ("consent", "Was consent sought or the reason for not seeking it recorded?"),
        ("timely", "Was the referral made on the day the concern arose?"),
    ],
    AuditTool.NEGLECT: [
        ("trauma", "Did practitioners look beyond the surface for the reasons for neglect?"),
        ("whole_family", "Was the impact on the whole family, including children, considered?"),
        ("planning", "Were the right agencies involved in planning and decisions?"),
        ("voice", "Were the voices of everyone in the family captured, not only the dominant one?"),
    ],
}


AUDIT_TOOL_THEMES: dict[str, str] = {
    AuditTool.MSP: Theme.VOICE,
    AuditTool.CSA: Theme.SEXUAL_ABUSE,
    AuditTool.CERAF: Theme.EXPLOITATION,
    AuditTool.REFERRALS: Theme.INFORMATION_SHARING,
    AuditTool.NEGLECT: Theme.NEGLECT,
}


class MultiAgencyAudit(models.Model):
    """A themed multi-agency case audit: a sample of cases, each agency's answers, findings."""

    title = models.CharField(max_length=200)
    tool = models.CharField(max_length=10, choices=AuditTool.choices)
    priority = models.CharField(max_length=40, choices=Priority.choices, blank=True)
    status = models.CharField(max_length=20, choices=AuditStatus.choices, default=AuditStatus.PLANNED)
    planned_date = models.DateField()
    sample_criteria = models.JSONField(default=dict, blank=True)
    agencies = models.ManyToManyField("agencies.Agency", related_name="+", blank=True)
    findings = models.TextField(blank=True)
    learning = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-planned_date"]

    @property
    def questions(self) -> list[tuple[str, str]]:
        return AUDIT_QUESTIONS.get(self.tool, [])


class AuditCase(models.Model):
    """One sampled case in an audit."""

    audit = models.ForeignKey(MultiAgencyAudit, on_delete=models.CASCADE, related_name="cases")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "person"], name="audit_case_person_unique"),
            models.UniqueConstraint(fields=["audit", "number"], name="audit_case_number_unique"),
        ]

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class AuditAgencyReturn(models.Model):
    """One agency's answers to the audit tool's questions for one case, with its grade."""

    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="returns")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)
    grade = models.CharField(max_length=30, choices=Grade.choices)
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "agency"], name="audit_return_unique")]

    @property
    def audit_person_id(self) -> int:
        return self.case.person_id


class AuditFinding(models.Model):
    class Kind(models.TextChoices):
        STRENGTH = "STRENGTH", "Strength"
        IMPROVEMENT = "IMPROVEMENT", "Area for improvement"

    audit = models.ForeignKey(MultiAgencyAudit, on_delete=models.CASCADE, related_name="finding_items")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    theme = models.CharField(max_length=30, choices=Theme.choices)
    text = models.TextField()
