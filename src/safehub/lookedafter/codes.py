"""The SSDA903 code lists (DfE, *Children looked after return 2025 to 2026: guide*), Django-free.

Part of ``lookedafter.rules``, which re-exports every name: callers write ``rules.PLACE``.
"""

from __future__ import annotations

# --- 903 codes (guide 2025-26; validator rules 143, 144, 145, 146, 149, 178, 1009) -------------

RNE = {
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement and carer(s) only",
    "T": "Change of placement but same carer(s)",
    "U": "Change of both legal status and placement and carer(s) at the same time",
    "B": "Change of legal status and placement but same carer(s)",
}
LEGAL_STATUS = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "V2": "Single period of accommodation under section 20",
    "V3": "Short-term breaks, individual episodes recorded",
    "V4": "Short-term breaks, agreements recorded",
    "J1": "Remanded to local authority or youth detention accommodation",
    "J2": "Placed in local authority accommodation under PACE",
    "J3": "Sentenced to a youth rehabilitation order with residence requirement",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order",
    "L3": "Under a child assessment order and in local authority accommodation",
}
CATEGORY_OF_NEED = {
    "N1": "Abuse or neglect",
    "N2": "Child's disability",
    "N3": "Parental illness or disability",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
}
PLACE = {
    "A3": "Placed for adoption with consent, with current foster carer(s)",
    "A4": "Placed for adoption with consent, not with current foster carer(s)",
    "A5": "Placed for adoption with a placement order, with current foster carer(s)",
    "A6": "Placed for adoption with a placement order, not with current foster carer(s)",
    "K1": "Secure children's home",
    "K2": "Children's home",
    "K3": "Supported accommodation (registered with Ofsted)",
    "P1": "Placed with parent(s) or other person(s) with parental responsibility",
    "P3": "Residential employment",
    "R1": "Residential care home",
    "R2": "NHS or health trust establishment",
    "R3": "Family centre or mother and baby unit",
    "R5": "Young offender institution or prison",
    "S1": "Independent living, not registered supported accommodation",
    "T0": "Temporary: all types of temporary move",
    "T1": "Temporary periods in hospital",
    "T2": "Temporary absences on holiday",
    "T3": "Temporary accommodation whilst normal carer is not available",
    "T4": "Temporary accommodation of seven days or less",
    "U1": "Foster placement with relative or friend, long term fostering",
    "U2": "Foster placement with relative or friend who is an approved adopter (fostering for adoption)",
    "U3": "Foster placement with relative or friend, not long term or fostering for adoption",
    "U4": "Foster placement with other foster carer, long term fostering",
    "U5": "Foster placement with other foster carer who is an approved adopter (fostering for adoption)",
    "U6": "Foster placement with other foster carer, not long term or fostering for adoption",
    "Z11": "Other placements: unregistered (Ofsted) children's home",
    "Z12": "Other placements: unregistered supported accommodation",
    "Z13": "Other placements: unregistered setting with a deprivation of liberty order",
    "Z14": "Other placements: other",
}
PLACE_PROVIDER = {
    "PR0": "Parent(s) or other person(s) with parental responsibility",
    "PR1": "Own provision (by the local authority)",
    "PR2": "Other local authority provision",
    "PR3": "Other public provision",
    "PR4": "Private provision",
    "PR5": "Voluntary or third sector provision",
}
REC = {
    "E11": "Adopted: application unopposed",
    "E12": "Adopted: consent dispensed with",
    "E2": "Died",
    "E3": "Care taken over by another local authority in the UK",
    "E4A": "Returned home to live with parent(s) as part of the care plan",
    "E4B": "Returned home to live with parent(s) not as part of the care plan",
    "E13": "Left care to live with parent(s), relative(s) or others with no parental responsibility",
    "E41": "Child arrangements order granted",
    "E45": "Special guardianship order made to former foster carer(s), not relatives or friends",
    "E46": "Special guardianship order made to carer(s) other than former foster carer(s)",
    "E47": "Special guardianship order made to former foster carer(s) who are relatives or friends",
    "E48": "Special guardianship order made to relatives or friends who were not foster carers",
    "E5": "Moved into independent living with supportive accommodation",
    "E6": "Moved into independent living with no formalised support",
    "E7": "Transferred to residential care funded by adult social care",
    "E8": "Period of being looked after ceased for any other reason",
    "E9": "Sentenced to custody",
    "E14": "Accommodation on remand ended",
    "E15": "Age assessment determined child is aged 18 or over",
    "E16": "Child moved abroad",
    "E17": "Aged 18 or over and remained with current carers (staying put)",
    "X1": "Episode ceases and a new episode begins on the same day",
}
REASON_PLACE_CHANGE = {
    "CARPL": "Change to or implementation of the care plan",
    "CLOSE": "Resignation or closure of the provider",
    "ALLEG": "Allegation (section 47 enquiry)",
    "STAND": "Standards of care concern",
    "APPRR": "Approval removed",
    "CREQB": "Carer request: the child's behaviour",
    "CREQO": "Carer request: other reasons",
    "CHILD": "Child's request",
    "LAREQ": "Local authority request",
    "PLACE": "Change in the status of the placement only",
    "CUSTOD": "Custody arrangement",
    "OTHER": "Other",
}
PARTICIPATION = {
    "PN0": "Child aged under 4 at the time of the review",
    "PN1": "Child attends and speaks for themselves",
    "PN2": "Child attends and an advocate speaks for them",
    "PN3": "Child attends and conveys their view symbolically (non-verbally)",
    "PN4": "Child attends but does not speak or convey a view, and no advocate speaks for them",
    "PN5": "Child does not attend but briefs an advocate to speak for them",
    "PN6": "Child does not attend but conveys their feelings by a facilitative medium",
    "PN7": "Child does not attend and their views are not conveyed",
}
SDQ_REASON = {
    "SDQ1": "No form returned as child was aged under 4 or over 17 at the date of the latest assessment",
    "SDQ2": "Carer(s) refused to complete and return the questionnaire",
    "SDQ3": "Not possible to complete the questionnaire due to the severity of the child's disability",
    "SDQ4": "Other",
    "SDQ5": "Child or young person refuses to allow an SDQ to be completed",
}
IN_TOUCH = {
    "YES": "In touch",
    "NO": "Not in touch",
    "DIED": "Died",
    "REFU": "Young person refuses contact",
    "NREQ": "Local authority no longer required to be in touch",
    "RHOM": "Returned home to parents for 6 months or more",
}
ACTIVITY = {
    "F1": "Full-time higher education",
    "P1": "Part-time higher education",
    "F2": "Full-time education other than higher education",
    "P2": "Part-time education other than higher education",
    "F4": "Full-time apprenticeship or training",
    "P4": "Part-time apprenticeship or training",
    "F5": "Full-time employment",
    "P5": "Part-time employment",
    "G4": "Not in education, employment or training: illness or disability",
    "G5": "Not in education, employment or training: other",
    "G6": "Not in education, employment or training: pregnancy or parenting",
}
# OC3 accommodation: a letter for the kind and 1 (suitable) or 2 (not suitable); "0" when the young
# person is not in touch, has died or has returned home (903 guide, OC3; validator rules 133, 344, 345).
ACCOMMODATION_KINDS = {
    "B": "With parents or relatives",
    "C": "Community home or other form of residential care",
    "D": "Semi-independent, transitional accommodation",
    "E": "Supported lodgings",
    "G": "Gone abroad",
    "H": "Deported",
    "K": "Ordinary lodgings, without formal support",
    "R": "Residence not known",
    "S": "No fixed abode or homeless",
    "T": "Foyers and similar supported accommodation",
    "U": "With former foster carers",
    "V": "Emergency accommodation",
    "W": "Bed and breakfast",
    "X": "In custody",
    "Y": "Other accommodation",
    "Z": "Independent living",
}
# No fixed abode and custody are never suitable (rule 133 lists no S1 or X1).
ACCOMMODATION = {
    f"{kind}{n}": f"{label}, {'suitable' if n == 1 else 'not suitable'}"
    for kind, label in ACCOMMODATION_KINDS.items()
    for n in (1, 2)
    if not (n == 1 and kind in ("S", "X"))
}
OC3_NOT_APPLICABLE = "0"
UPN_UNKNOWN = {
    "UN1": "Child is not yet of school age and has no UPN",
    "UN2": "Child has never attended a school in England where a UPN would have been given",
    "UN3": "Child is educated outside England",
    "UN4": "Child is newly looked after and the UPN has not yet been obtained",
    "UN5": "Sources collating UPNs disagree, or the UPN is not yet known",
}

# Placements that are temporary (rules 213, 226, 380): no provider code, no reason for change.
TEMPORARY_PLACES = frozenset({"T0", "T1", "T2", "T3", "T4"})
# Placements with no provider code (rule 213) and no Ofsted URN (rules 218, 222).
NO_PROVIDER_PLACES = TEMPORARY_PLACES | {"Z11", "Z12", "Z13", "Z14"}
NO_URN_PLACES = NO_PROVIDER_PLACES | {"P1", "P3", "R1", "R2", "R5"}
SHORT_BREAK_STATUSES = frozenset({"V3", "V4"})
