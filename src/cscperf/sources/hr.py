"""A council's HR export of its social care staff, as HR systems name the columns.

The `professionals` template (header = the canonical column names) is the simple HR CSV. An export
straight from an HR or payroll system loads too when its header uses the usual names: "Staff ID",
"Job title", "Team", "FTE", "Agency (Y/N)", "Start date", "Leaving date", "Reason for leaving" and
their common variants (`SYNONYMS`). Job titles and leaving reasons written out in words are mapped to
the model's codes (`JOB_TITLES`, `LEAVING_REASONS`); anything else is kept as written, with a warning.

A header needs a staff identifier and a job title (or role) column to be read as an HR export; the
other columns are optional. One layout is declared per pair of names for those two, so the header
decides, as for every CSV.
"""

from __future__ import annotations

from itertools import product

from cscperf.model import codes
from cscperf.sources.layouts import Layout

# Canonical column -> the names HR exports use for it (compared without case, spaces or underscores).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "professional_id": ("Staff ID", "Staff number", "Staff no", "Employee ID", "Employee number", "Employee no",
                        "Payroll number", "Person number", "Worker ID"),
    "role": ("Job title", "Role", "Post title", "Job role", "Position"),
    "name": ("Name", "Full name", "Employee name", "Staff name", "Worker name"),
    "team_id": ("Team", "Team name", "Team ID", "Department", "Service team"),
    "fte": ("FTE", "Full time equivalent", "Contracted FTE", "FTE (contracted)"),
    "agency": ("Agency (Y/N)", "Agency", "Agency worker", "Agency staff", "Is agency", "Contract type",
               "Employment type"),
    "start_date": ("Start date", "Date started", "Start date in post", "Post start date", "Date joined"),
    "leave_date": ("Leaving date", "Leave date", "Date left", "End date", "Termination date", "Leaver date"),
    "leave_reason": ("Reason for leaving", "Leaving reason", "Leaver reason", "Termination reason"),
    "swe_number": ("SWE number", "SWE registration number", "Social Work England number",
                   "Social Work England registration", "SWE no", "HCPC number"),
}

# Job titles as written (upper case) -> professional_role codes. The codes themselves also pass.
JOB_TITLES = {
    "SOCIAL WORKER": "SW", "QUALIFIED SOCIAL WORKER": "SW", "CHILDREN'S SOCIAL WORKER": "SW",
    "CHILDRENS SOCIAL WORKER": "SW", "SOCIAL WORKER (LEVEL 2)": "SW", "LOCUM SOCIAL WORKER": "SW",
    "AGENCY SOCIAL WORKER": "SW", "CASE HOLDER": "SW",
    "SENIOR SOCIAL WORKER": "SSW", "SENIOR PRACTITIONER": "SSW", "EXPERIENCED SOCIAL WORKER": "SSW",
    "SOCIAL WORKER (LEVEL 3)": "SSW",
    "NEWLY QUALIFIED SOCIAL WORKER": "ASYE", "NQSW": "ASYE", "ASYE SOCIAL WORKER": "ASYE",
    "SOCIAL WORKER (ASYE)": "ASYE", "SOCIAL WORKER (NQSW)": "ASYE",
    "PRACTICE SUPERVISOR": "PS", "ADVANCED PRACTITIONER": "PS", "CONSULTANT SOCIAL WORKER": "PS",
    "PRACTICE LEAD": "PS", "DEPUTY TEAM MANAGER": "PS", "ASSISTANT TEAM MANAGER": "PS",
    "TEAM MANAGER": "TM", "TEAM LEADER": "TM", "SERVICE MANAGER": "OTHER", "HEAD OF SERVICE": "OTHER",
    "PERSONAL ADVISER": "PA", "PERSONAL ADVISOR": "PA", "LEAVING CARE PERSONAL ADVISER": "PA",
    "FAMILY SUPPORT WORKER": "OTHER", "SOCIAL WORK ASSISTANT": "OTHER", "CASE WORKER": "OTHER",
}
JOB_TITLES.update({desc.upper(): code for code, desc in codes.PROFESSIONAL_ROLE.items()})

# Leaving reasons in words -> CSWW ReasonLeave codes (leaving_reason).
LEAVING_REASONS = {
    "RESIGNED": "1", "RESIGNATION": "1", "VOLUNTARY RESIGNATION": "1",
    "REDUNDANCY": "3", "VOLUNTARY REDUNDANCY": "2", "COMPULSORY REDUNDANCY": "3",
    "DISMISSED": "4", "DISMISSAL": "4", "RETIRED": "5", "RETIREMENT": "5", "DECEASED": "6", "DEATH": "6",
    "DEATH IN SERVICE": "6", "END OF CONTRACT": "8", "END OF FIXED TERM CONTRACT": "8", "OTHER": "8",
    "NOT KNOWN": "9", "UNKNOWN": "9",
}
LEAVING_REASONS.update({desc.upper(): code for code, desc in codes.LEAVING_REASON.items()})

# Words HR systems use in an agency or contract-type column -> yes/no.
AGENCY_WORDS = {
    "AGENCY": "true", "LOCUM": "true", "INTERIM": "true", "CONTRACTOR": "true", "CONSULTANT": "true",
    "PERMANENT": "false", "FIXED TERM": "false", "FIXED-TERM": "false", "TEMPORARY": "false",
    "EMPLOYED": "false", "SECONDMENT": "false", "CASUAL": "false",
}

VALUES = {"role": JOB_TITLES, "leave_reason": LEAVING_REASONS, "agency": AGENCY_WORDS}


def _layouts() -> list[Layout]:
    out = []
    rest = {name: canon for canon, names in SYNONYMS.items() if canon not in ("professional_id", "role")
            for name in names}
    for id_name, role_name in product(SYNONYMS["professional_id"], SYNONYMS["role"]):
        columns = {id_name: "professional_id", role_name: "role", **rest}
        out.append(Layout("HR export (professionals)", "hr", "professionals", columns,
                          frozenset(rest), values=VALUES, priority=2))
    return out


LAYOUTS = _layouts()
