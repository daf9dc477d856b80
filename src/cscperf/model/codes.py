"""Code lists used by the canonical model and the readers.

Each list maps a code to its meaning. Sources: shared/reference/data-standards.md (SSDA903 §1.3,
CIN census §3). Where the DfE changed a list between collection years, the union is kept and the
reader warns about codes outside the list of the file's year (a later widening of this module).
"""

from __future__ import annotations

SEX = {"M": "Male", "F": "Female", "U": "Unknown / not stated"}

# SSDA903 up to 2024/25 used 1/2; CIN census up to 2024 used GenderCurrent 0/1/2/9.
SEX_FROM_903 = {"1": "M", "2": "F", "M": "M", "F": "F", "U": "U"}

ETHNICITY = {
    "WBRI": "White British", "WIRI": "White Irish", "WOTH": "Any other White background",
    "WIRT": "Traveller of Irish heritage", "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean", "MWBA": "White and Black African",
    "MWAS": "White and Asian", "MOTH": "Any other mixed background",
    "AIND": "Indian", "APKN": "Pakistani", "ABAN": "Bangladeshi", "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean", "BAFR": "Black African", "BOTH": "Any other Black background",
    "CHNE": "Chinese", "OOTH": "Any other ethnic group", "REFU": "Refused", "NOBT": "Information not yet obtained",
}

RNE = {
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement and carer(s) only",
    "T": "Change of placement (same carer(s)) only",
    "B": "Change of legal status and placement and carer(s) at the same time",
    "U": "Change of legal status and change of placement (same carer(s)) at the same time",
}

LEGAL_STATUS = {
    "C1": "Interim care order", "C2": "Full care order", "D1": "Freeing order granted",
    "E1": "Placement order granted", "V2": "Single period of accommodation under s20",
    "V3": "Short breaks, individual episodes recorded", "V4": "Short breaks, agreements recorded",
    "L1": "Under police protection and in LA accommodation", "L2": "Emergency protection order",
    "L3": "Under child assessment order and in LA accommodation",
    "J1": "Remanded to LA or youth detention accommodation", "J2": "Placed in LA accommodation under PACE",
    "J3": "Sentenced to Youth Rehabilitation Order with residence or intensive fostering requirement",
}

# Children looked after under an agreed series of short breaks are left out of every CLA figure
# (kpis.md §1.5).
SHORT_BREAK_LEGAL_STATUSES = ("V3", "V4")

CATEGORY_OF_NEED = {
    "N0": "Not stated", "N1": "Abuse or neglect", "N2": "Child's disability",
    "N3": "Parental illness/disability", "N4": "Family in acute stress", "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour", "N7": "Low income", "N8": "Absent parenting",
    "N9": "Not in need",
}

PLACEMENT_TYPE = {
    "A3": "Placed for adoption with consent with current foster carer",
    "A4": "Placed for adoption with consent not with current foster carer",
    "A5": "Placed for adoption with placement order with current foster carer",
    "A6": "Placed for adoption with placement order not with current foster carer",
    "H5": "Semi-independent living not subject to children's homes regulations",
    "K1": "Secure children's home", "K2": "Children's home subject to Children's Homes Regulations",
    "K3": "Registered supported accommodation", "P1": "Placed with own parent(s) or person with PR",
    "P2": "Independent living", "P3": "Residential employment", "R1": "Residential care home",
    "R2": "NHS/health trust", "R3": "Family centre or mother and baby unit", "R5": "Young offender institution",
    "S1": "Residential school", "T0": "Temporary move", "T1": "Temporary move: hospital",
    "T2": "Temporary move: holiday", "T3": "Temporary move: carer's holiday", "T4": "Temporary move: other (7 days or less)",
    "U1": "Foster with relative or friend, long term", "U2": "Foster with relative or friend, FfA/concurrent",
    "U3": "Foster with relative or friend, other", "U4": "Foster with other carer, long term",
    "U5": "Foster with other carer, FfA/concurrent", "U6": "Foster with other carer, other",
    "Z1": "Other placement", "Z11": "Other placement (11)", "Z12": "Other placement (12)",
    "Z13": "Other placement (13)", "Z14": "Other placement (14)",
}

TEMPORARY_PLACEMENTS = ("T0", "T1", "T2", "T3", "T4")

PLACEMENT_PROVIDER = {
    "PR0": "Parent(s) or person with PR", "PR1": "Own LA provision", "PR2": "Other LA",
    "PR3": "Other public", "PR4": "Private", "PR5": "Voluntary/third sector",
}

REASON_EPISODE_CEASED = {
    "X1": "Episode ceases and new one begins same day", "E11": "Adopted, unopposed",
    "E12": "Adopted, consent dispensed", "E13": "Left care to live with parents/relatives, no PR",
    "E14": "Remand ended", "E15": "Age assessment found 18+", "E16": "Moved abroad",
    "E17": "18+ and stayed with carers (staying put)", "E2": "Died", "E3": "Care taken over by another LA",
    "E41": "Residence or child arrangements order", "E45": "SGO to former foster carer, relative/friend",
    "E46": "SGO to former foster carer, other", "E47": "SGO to carer, relative/friend",
    "E48": "SGO to carer, other", "E4A": "Returned home, part of care plan",
    "E4B": "Returned home, not part of care plan", "E5": "Independent living with formal support",
    "E6": "Independent living without formal support", "E7": "Transferred to adult social care",
    "E8": "Any other reason", "E9": "Sentenced to custody",
}

REASON_PLACE_CHANGE = {
    "CARPL": "Change to/implementation of care plan", "CLOSE": "Resignation/closure of provision",
    "ALLEG": "Allegation (s47)", "STAND": "Standards of care concern", "APPRR": "Approval removed",
    "CREQB": "Carer requests end, child's behaviour", "CREQO": "Carer requests end, other",
    "CHILD": "Child requests end", "LAREQ": "Responsible/area authority requests end",
    "PLACE": "Change in status of placement only", "CUSTOD": "Custody arrangement", "OTHER": "Other",
}

MISSING_TYPE = {"M": "Missing (whereabouts unknown)", "A": "Away without authorisation (whereabouts known)"}

REVIEW_PARTICIPATION = {f"PN{i}": f"Participation code PN{i}" for i in range(8)}

CATEGORY_OF_ABUSE = {"NEG": "Neglect", "PHY": "Physical abuse", "SAB": "Sexual abuse", "EMO": "Emotional abuse", "MUL": "Multiple"}

REFERRAL_SOURCE = {
    "1A": "Individual: family member", "1B": "Individual: acquaintance", "1C": "Individual: self",
    "1D": "Individual: other", "2A": "Schools", "2B": "Education services", "3A": "Health: GP",
    "3B": "Health: health visitor", "3C": "Health: school nurse", "3D": "Health: other primary",
    "3E": "Health: A&E", "3F": "Health: other", "4": "Housing", "5A": "LA: social care",
    "5B": "LA: other internal", "5C": "LA: external", "5D": "LA: early help", "6": "Police",
    "7": "Other legal agency", "8": "Other", "9": "Anonymous", "10": "Unknown",
}

VISIT_TYPE = {"CP": "Child protection visit", "CIN": "Child in need visit", "CLA": "Looked-after child visit"}

VISIT_LOCATION = {"HOME": "At home", "SCHOOL": "At school", "OFFICE": "At an office", "PLACEMENT": "At placement", "OTHER": "Elsewhere"}

# Where a child went missing from (cscperf missing-episode template).
MISSING_FROM = {
    "HOME": "Family home", "FOSTER": "Foster placement", "CHILDRENS_HOME": "Children's home or secure unit",
    "SUPPORTED": "Supported or independent accommodation", "OTHER": "Other",
}

# Reasons recorded at a return interview (cscperf missing-episode template; no national list).
RHI_REASON = {
    "FAMILY": "Family conflict or breakdown", "PEERS": "To be with friends or peers",
    "EXPLOIT": "Exploitation concerns (CSE/CCE)", "PLACEMENT": "Unhappy in placement",
    "SUBSTANCE": "Drugs or alcohol", "RELATIONSHIP": "Boyfriend or girlfriend", "SCHOOL": "School issues",
    "MENTAL": "Emotional or mental health", "OTHER": "Other", "NOT_GIVEN": "Declined to say",
}

COURT_ORDER = {
    "CO": "Care order", "SO": "Supervision order", "PO": "Placement order", "SGO": "Special guardianship order",
    "CAO": "Child arrangements order", "NO_ORDER": "No order / withdrawn", "OTHER": "Other",
}

PROFESSIONAL_ROLE = {
    "SW": "Social worker", "SSW": "Senior social worker", "ASYE": "Newly qualified social worker (ASYE)",
    "PS": "Practice supervisor", "TM": "Team manager", "PA": "Personal adviser", "OTHER": "Other",
}

# Roles that hold cases as registered social workers (WF01 caseload).
CASE_HOLDING_ROLES = ("SW", "SSW", "ASYE", "PS")

LEAVING_REASON = {
    "1": "Resignation", "2": "Voluntary redundancy", "3": "Compulsory redundancy", "4": "Dismissed",
    "5": "Retired", "6": "Deceased", "7": "Moved to non-children's social work role", "8": "Other",
    "9": "Not known", "10": "Not yet collected",
}

TEAM_SERVICE = {
    "FRONT_DOOR": "Front door / MASH", "ASSESSMENT": "Assessment", "SAFEGUARDING": "Safeguarding and family support",
    "CLA": "Children looked after", "LEAVING_CARE": "Leaving care", "DISABILITY": "Children with disabilities",
    "OTHER": "Other",
}

DISABILITY = {
    "NONE": "No disability", "MOB": "Mobility", "HAND": "Hand function", "PC": "Personal care",
    "INC": "Incontinence", "COMM": "Communication", "LD": "Learning", "HEAR": "Hearing", "VIS": "Vision",
    "BEH": "Behaviour", "CON": "Consciousness", "AUT": "Autism/Asperger syndrome", "DDA": "Other DDA",
}

# CIN census AssessmentFactors, the union of the 2017-2026 schemas (18A and 19A were split into
# child-on-child B and adult-on-child C in 2021). A/B/C: about the child / parent or carer / another person.
ASSESSMENT_FACTOR = {
    "1A": "Alcohol misuse: child", "1B": "Alcohol misuse: parent or carer", "1C": "Alcohol misuse: other person",
    "2A": "Drug misuse: child", "2B": "Drug misuse: parent or carer", "2C": "Drug misuse: other person",
    "3A": "Domestic abuse: child", "3B": "Domestic abuse: parent or carer", "3C": "Domestic abuse: other person",
    "4A": "Mental health: child", "4B": "Mental health: parent or carer", "4C": "Mental health: other person",
    "5A": "Learning disability: child", "5B": "Learning disability: parent or carer",
    "5C": "Learning disability: other person", "6A": "Physical disability or illness: child",
    "6B": "Physical disability or illness: parent or carer", "6C": "Physical disability or illness: other person",
    "7A": "Young carer", "8B": "Privately fostered: overseas, intending to return",
    "8C": "Privately fostered: overseas, intending to stay", "8D": "Privately fostered: UK, educational placement",
    "8E": "Privately fostered: UK, alternative family arrangement", "8F": "Privately fostered: other",
    "9A": "Unaccompanied asylum-seeking child", "10A": "Going or being missing", "11A": "Child sexual exploitation",
    "12A": "Trafficking", "13A": "Gangs", "14A": "Socially unacceptable behaviour", "15A": "Self-harm",
    "16A": "Neglect", "17A": "Emotional abuse", "18A": "Physical abuse", "18B": "Physical abuse: child on child",
    "18C": "Physical abuse: adult on child", "19A": "Sexual abuse", "19B": "Sexual abuse: child on child",
    "19C": "Sexual abuse: adult on child", "20": "Other", "21": "No factors identified",
    "22A": "Female genital mutilation", "23A": "Abuse linked to faith or belief", "24A": "Child criminal exploitation",
}

HEALTH_CHECK = {
    "IHA": "Initial health assessment", "RHA": "Review (annual) health assessment", "DENTAL": "Dental check",
    "SDQ": "Strengths and difficulties questionnaire", "OPTICIAN": "Eye test",
}

YES_NO = {"true": "Yes", "false": "No"}

ALL = {
    "sex": SEX, "ethnicity": ETHNICITY, "rne": RNE, "legal_status": LEGAL_STATUS,
    "category_of_need": CATEGORY_OF_NEED, "placement_type": PLACEMENT_TYPE,
    "placement_provider": PLACEMENT_PROVIDER, "reason_episode_ceased": REASON_EPISODE_CEASED,
    "reason_place_change": REASON_PLACE_CHANGE, "missing_type": MISSING_TYPE,
    "review_participation": REVIEW_PARTICIPATION, "category_of_abuse": CATEGORY_OF_ABUSE,
    "referral_source": REFERRAL_SOURCE, "visit_type": VISIT_TYPE, "visit_location": VISIT_LOCATION,
    "missing_from": MISSING_FROM, "rhi_reason": RHI_REASON, "court_order": COURT_ORDER,
    "professional_role": PROFESSIONAL_ROLE, "leaving_reason": LEAVING_REASON, "team_service": TEAM_SERVICE,
    "disability": DISABILITY, "assessment_factor": ASSESSMENT_FACTOR, "health_check": HEALTH_CHECK,
}

# ---- Codes that are valid only in some collection years ------------------------------------------
#
# The code lists above are the union over every year, so that a history of returns loads; a code used
# in a year whose list does not hold it is kept, with a warning that names the year. Each entry:
# (format, canonical column) -> (what the code is called in messages, {code as written: (first, last)}),
# years being collection years ending 31 March (2025 = 2024/25), inclusive; None = no limit. Codes not
# listed are valid in every year. Values are compared as written in the file (trimmed, upper case), so
# the SSDA903 SEX 1/2 and M/F/U can be told apart although both load as M/F.
#
# Sources (data-standards.md §1.3): PLACE from the D2I validator's rule 146 per year (lac2022_23,
# lac2024_25, lac2025_26): K3 from 2024/25; H5, P2 and Z1 last allowed in 2024/25; Z11-Z14 from
# 2025/26. SEX 1/2 to 2024/25 and M/F/U from 2025/26 follow the liia-tools 2025 specification; the DfE
# guidance should confirm both (the validator still accepted 1/2 in its 2025/26 pack).
YEAR_CODES: dict[tuple[str, str], tuple[str, dict[str, tuple[int | None, int | None]]]] = {
    ("ssda903", "placement_type"): ("placement", {
        "K3": (2025, None), "H5": (None, 2025), "P2": (None, 2025), "Z1": (None, 2025),
        "Z11": (2026, None), "Z12": (2026, None), "Z13": (2026, None), "Z14": (2026, None),
    }),
    ("ssda903", "sex"): ("sex", {
        "1": (None, 2025), "2": (None, 2025), "M": (2026, None), "F": (2026, None), "U": (2026, None),
    }),
}


def collection_year_name(year: int) -> str:
    """2025 -> '2024/25'."""
    return f"{year - 1}/{year % 100:02d}"


def year_code_problem(format_: str, column: str, code: str, year: int) -> str | None:
    """Why `code` is not valid in `column` in collection year `year` (None if it is, or has no limits)."""
    rule = YEAR_CODES.get((format_, column))
    if rule is None:
        return None
    noun, limits = rule
    first, last = limits.get(code, (None, None))
    if first is not None and year < first:
        return f"{code} is not a {noun} code before {collection_year_name(first)}"
    if last is not None and year > last:
        return f"{code} is not a {noun} code after {collection_year_name(last)}"
    return None
