"""CSV templates in the canonical layout: one per table, header = the table's column names.

They carry what the statutory returns lack (visits, allocations, professionals, missing episodes
with return interviews, care proceedings), and an SSD-style extract of any other table. A template
row is richer than the same record in a return, so templates win when both hold it.

`cscperf template TABLE` writes a table's template (`write`); `EXAMPLES` holds one documented
example row per table, shown in docs/tables.md and written by `cscperf template TABLE --example`.
The professionals template is also the simple HR file (`sources.hr` reads HR exports as they come).
"""

from __future__ import annotations

import csv
from pathlib import Path

from cscperf.model import BY_NAME, TABLES
from cscperf.sources.layouts import Layout

LAYOUTS = [
    Layout(f"cscperf {t.name} template", "template", t.name, {c.name: c.name for c in t.columns},
           frozenset(c.name for c in t.columns if not c.required), priority=2)
    for t in TABLES
]


# One made-up row per template, to show how each column is written (`cscperf template TABLE --example`
# writes it; docs/tables.md shows it). One child (00012345: the leading zeros are kept), one worker,
# one team, dates in 2023/24; every column filled so its format shows, though many may be left blank.
EXAMPLES: dict[str, dict[str, str]] = {
    "persons": {"person_id": "00012345", "sex": "F", "dob": "2012-06-14", "ethnicity": "WBRI", "upn": "A999123456789",
                "disability": "false", "death_date": "", "is_mother": "false", "mother_child_dob": ""},
    "disabilities": {"person_id": "00012345", "disability": "LD"},
    "contacts": {"contact_id": "C0004567", "person_id": "00012345", "contact_date": "2023-09-04", "contact_source": "2A",
                 "outcome": "Referral to children's social care"},
    "early_help_episodes": {"episode_id": "EH000321", "person_id": "00012345", "start_date": "2023-05-02",
                            "end_date": "2023-08-25", "organisation": "Blackwater Family Hub"},
    "referrals": {"referral_id": "R0001234", "person_id": "00012345", "referral_date": "2023-09-05",
                  "referral_source": "2A", "primary_need": "N1", "referral_nfa": "false", "closure_date": "2024-03-15",
                  "closure_reason": "RC1"},
    "assessments": {"assessment_id": "A0002345", "person_id": "00012345", "referral_id": "R0001234",
                    "start_date": "2023-09-06", "authorised_date": "2023-10-20", "child_seen": "true"},
    "assessment_factors": {"assessment_id": "A0002345", "person_id": "00012345", "factor": "3A"},
    "cin_plans": {"cin_plan_id": "CIN00456", "person_id": "00012345", "referral_id": "R0001234",
                  "start_date": "2023-10-23", "end_date": "2024-03-15"},
    "s47_enquiries": {"s47_id": "S0000789", "person_id": "00012345", "referral_id": "R0001234",
                      "start_date": "2023-09-07", "end_date": "2023-09-20", "icpc_not_required": "false"},
    "icpcs": {"icpc_id": "C0000321", "s47_id": "S0000789", "person_id": "00012345", "icpc_date": "2023-09-27",
              "target_date": "2023-09-28", "cp_plan": "true", "transfer_in": "false"},
    "cp_plans": {"cp_plan_id": "P0000654", "person_id": "00012345", "start_date": "2023-09-27",
                 "end_date": "2024-03-14", "initial_category": "NEG", "latest_category": "EMO", "previous_plans": "0",
                 "emergency_protection": "false"},
    "cp_reviews": {"cp_plan_id": "P0000654", "person_id": "00012345", "review_date": "2023-12-13"},
    "visits": {"visit_id": "V00098765", "person_id": "00012345", "visit_type": "CP", "visit_date": "2023-10-09",
               "seen": "true", "seen_alone": "true", "location": "HOME"},
    "cla_episodes": {"person_id": "00012345", "start_date": "2023-11-02", "rne": "S", "legal_status": "C1",
                     "category_of_need": "N1", "placement_type": "U6", "placement_provider": "PR1",
                     "end_date": "2024-02-16", "reason_ceased": "X1", "reason_place_change": "CARPL",
                     "home_postcode": "BW4 2", "placement_postcode": "BW11 7", "urn": "SC123456"},
    "cla_reviews": {"person_id": "00012345", "review_date": "2023-11-30", "participation": "PN1"},
    "cla_health": {"person_id": "00012345", "check_type": "IHA", "check_date": "2023-11-24"},
    "uasc": {"person_id": "00012345", "uasc_ceased_date": "2030-06-14"},
    "cla_outcomes": {"person_id": "00012345", "collection_year": "2024", "sdq_score": "14", "sdq_reason": "",
                     "convicted": "false", "health_check": "true", "immunisations": "true", "teeth_check": "true",
                     "health_assessment": "true", "substance_misuse": "false", "intervention_received": "",
                     "intervention_offered": ""},
    "care_leavers": {"person_id": "00012345", "collection_year": "2024", "in_touch": "YES", "activity": "F2",
                     "accommodation": "Z1", "eligibility": "Former relevant", "latest_contact_date": "2024-03-01",
                     "pathway_plan_review_date": "2024-01-19", "personal_adviser": "Jade Wilson"},
    "adoptions": {"person_id": "00012345", "date_interest": "2023-06-01", "date_match": "2023-12-05",
                  "foster_care": "false", "number_adopters": "2", "sex_adopters": "MF", "ls_adopters": "L0"},
    "placed_for_adoption": {"person_id": "00012345", "date_placed": "2023-06-01", "date_placed_ceased": "",
                            "reason_placed_ceased": ""},
    "permanence": {"person_id": "00012345", "entered_care_date": "2022-11-02", "decision_date": "2023-06-01",
                   "placement_order_date": "2023-08-10", "matched_date": "2023-12-05", "placed_date": "2024-01-08",
                   "adoption_order_date": "", "reversed_date": "", "reversed_reason": "", "ffa_placed_date": ""},
    "adopters": {"adopter_id": "AD00077", "family_id": "AF00031", "sex": "F", "ethnicity": "WBRI", "disability": "false",
                 "fostering_for_adoption": "false", "enquiry_date": "2022-10-03", "stage1_start": "2022-11-14",
                 "stage1_end": "2023-01-09", "stage2_start": "2023-01-16", "stage2_end": "2023-05-22",
                 "application_date": "2023-01-16", "approval_date": "2023-06-07", "matched_date": "2023-12-05",
                 "placed_date": "2024-01-08", "children_placed": "1", "adoption_order_date": "", "left_date": "",
                 "left_reason": ""},
    "previous_permanence": {"person_id": "00012345", "previous_permanence": "Z1", "la_permanence": "",
                            "date_permanence": ""},
    "sw_episodes": {"person_id": "00012345", "sw_id": "SW10037", "start_date": "2023-11-02", "end_date": "2024-01-31",
                    "reason": "MANAGE"},
    "deprivation_of_liberty": {"person_id": "00012345", "start_date": "2023-12-01", "end_date": "2024-02-29"},
    "missing_episodes": {"person_id": "00012345", "missing_type": "M", "start_date": "2024-01-12",
                         "end_date": "2024-01-13", "missing_from": "FOSTER", "out_of_area": "false",
                         "rhi_offered": "true", "rhi_accepted": "true", "rhi_date": "2024-01-15",
                         "rhi_reasons": "PEERS;FAMILY"},
    "care_proceedings": {"proceedings_id": "BW23C00042", "person_id": "00012345", "issue_date": "2023-10-30",
                         "court": "Blackwater Family Court", "final_order_date": "2024-03-18", "final_order": "CO"},
    "pre_proceedings": {"person_id": "00012345", "referral_id": "R0001234", "start_date": "2023-10-02",
                        "letter_before_proceedings_date": "2023-10-04", "fgdm_offered": "true", "fgdm_held": "true",
                        "initial_meeting_date": "2023-10-11", "review_meetings": "1", "decision_date": "2023-10-25",
                        "outcome": "Issue proceedings", "court_application_date": "2023-10-30"},
    "teams": {"team_id": "T03", "team_name": "Safeguarding and Family Support Kingsford", "service": "SAFEGUARDING"},
    "professionals": {"professional_id": "SW10037", "name": "Sarah Khan", "team_id": "T03", "role": "SW", "fte": "0.8",
                      "agency": "false", "start_date": "2021-09-06", "leave_date": "2024-02-29", "leave_reason": "1",
                      "org_role": "5", "swe_number": "SW1234567890"},
    "workforce_census": {"professional_id": "SW10037", "census_date": "2023-09-30", "fte": "0.8", "cases": "14",
                         "working_days_lost": "3.5", "absent": "false", "absence_reason": ""},
    "vacancies": {"census_date": "2023-09-30", "vacancies_fte": "12.5", "agency_fte": "9.8", "agency_headcount": "10",
                  "agency_cover_fte": "8.0"},
    "allocations": {"person_id": "00012345", "professional_id": "SW10037", "team_id": "T03", "start_date": "2023-09-06",
                    "end_date": "2024-02-29"},
}


def write(table: str, path: Path, example: bool = False) -> Path:
    """Write the template of a canonical table: its header row, and with `example` the example row.
    The file is UTF-8 CSV, as cscperf reads it back."""
    spec = BY_NAME[table]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(spec.names)
        if example:
            out.writerow([EXAMPLES[table][c] for c in spec.names])
    return path
