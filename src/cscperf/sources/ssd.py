"""Standard Safeguarding Dataset (SSD) extracts: a folder of CSVs, one per SSD table, loads as it is.

The SSD (Data to Insight, data-standards.md §4) is a set of tables a council builds in its own case
management system database with D2I's deployment script; exported to CSV, each file's header is the
table's field names (`pers_person_id`, `cppv_cp_visit_date`, ...). Field names here are those of the
deployment scripts, v1.4.5 (`data-to-insight/ssd-data-model`, `deployment_extracts/`, and
`data/objects/ssd_*.yml`). Files are recognised by their header like every CSV; the file name is not
used.

Each SSD table that matches a canonical table is mapped column by column (`LAYOUTS`); the
table's other fields (names, JSON outcomes, the team and worker of single events) are known and left
out without a warning. Values the SSD writes in words (category of abuse as "Neglect", missing
episode type as "Missing", RHI offered "NA") are mapped to the model's codes. SSD tables with no
canonical table, or whose rows need joining to make one (CLA episodes are built from three SSD
tables; the 903 return gives them directly), are recognised and skipped with a warning that says
why (`SKIPPED`), so a whole SSD folder loads.

An SSD extract is a richer source than a statutory return (it is the council's own record, with
history), so its rows win over the same record in a return, as template rows do.
"""

from __future__ import annotations

from cscperf.model import codes, table as model_table
from cscperf.sources.hr import JOB_TITLES
from cscperf.sources.layouts import Layout

# Words the SSD uses where the model has a code (compared upper case, as written).
SEX = {"MALE": "M", "FEMALE": "F", "UNKNOWN": "U", "NOT KNOWN": "U", "1": "M", "2": "F", "0": "U", "9": "U"}
CATEGORY_OF_ABUSE = {
    "NEGLECT": "NEG", "PHYSICAL ABUSE": "PHY", "PHYSICAL": "PHY", "SEXUAL ABUSE": "SAB", "SEXUAL": "SAB",
    "EMOTIONAL ABUSE": "EMO", "EMOTIONAL": "EMO", "MULTIPLE": "MUL", "MULTIPLE/NOT RECOMMENDED": "MUL",
    "MULTIPLE CATEGORIES": "MUL",
}
MISSING_TYPE = {"MISSING": "M", "AWAY": "A", "ABSENT": "A", "AWAY FROM PLACEMENT": "A",
                "AWAY FROM PLACEMENT WITHOUT AUTHORISATION": "A", "MISSING FROM CARE": "M"}
# Y/N fields may hold NA (not applicable): blank, not an error.
NOT_APPLICABLE = {"NA": "", "N/A": "", "NOT APPLICABLE": ""}
HEALTH_CHECK = {"DENTAL CHECK": "DENTAL", "DENTAL": "DENTAL", "HEALTH ASSESSMENT": "RHA",
                "REVIEW HEALTH ASSESSMENT": "RHA", "INITIAL HEALTH ASSESSMENT": "IHA", "SDQ": "SDQ",
                "OPTICIAN": "OPTICIAN", "EYE TEST": "OPTICIAN"}


# Every field of the SSD tables cscperf maps, in the deployment scripts' order (v1.4.5): what is not
# mapped is known and not loaded (names, JSON outcomes, teams and workers of single events), silently.
FIELDS = {
    "ssd_person": "pers_legacy_id pers_person_id pers_upn pers_forename pers_surname pers_sex pers_gender "
                  "pers_ethnicity pers_dob pers_single_unique_id pers_upn_unknown pers_send_flag pers_expected_dob "
                  "pers_death_date pers_is_mother pers_nationality",
    "ssd_disability": "disa_table_id disa_person_id disa_disability_code",
    "ssd_contacts": "cont_contact_id cont_person_id cont_contact_date cont_contact_source_code "
                    "cont_contact_source_desc cont_contact_outcome_json",
    "ssd_early_help_episodes": "earl_episode_id earl_person_id earl_episode_start_date earl_episode_end_date "
                               "earl_episode_reason earl_episode_end_reason earl_episode_organisation "
                               "earl_episode_worker_id",
    "ssd_cin_episodes": "cine_referral_id cine_person_id cine_referral_date cine_cin_primary_need_code "
                        "cine_referral_source_code cine_referral_source_desc cine_referral_outcome_json "
                        "cine_referral_nfa cine_close_reason cine_close_date cine_referral_team cine_referral_worker_id",
    "ssd_cin_assessments": "cina_assessment_id cina_person_id cina_referral_id cina_assessment_start_date "
                           "cina_assessment_child_seen cina_assessment_auth_date cina_assessment_outcome_json "
                           "cina_assessment_outcome_nfa cina_assessment_team cina_assessment_worker_id",
    "ssd_cin_plans": "cinp_cin_plan_id cinp_referral_id cinp_person_id cinp_cin_plan_start_date "
                     "cinp_cin_plan_end_date cinp_cin_plan_team cinp_cin_plan_worker_id",
    "ssd_cin_visits": "cinv_cin_visit_id cinv_person_id cinv_cin_visit_date cinv_cin_visit_seen "
                      "cinv_cin_visit_seen_alone cinv_cin_visit_bedroom",
    "ssd_s47_enquiry": "s47e_s47_enquiry_id s47e_referral_id s47e_person_id s47e_s47_start_date s47e_s47_end_date "
                       "s47e_s47_nfa s47e_s47_outcome_json s47e_s47_completed_by_team s47e_s47_completed_by_worker_id",
    "ssd_initial_cp_conference": "icpc_icpc_id icpc_icpc_meeting_id icpc_s47_enquiry_id icpc_person_id "
                                 "icpc_cp_plan_id icpc_referral_id icpc_icpc_transfer_in icpc_icpc_target_date "
                                 "icpc_icpc_date icpc_icpc_outcome_cp_flag icpc_icpc_outcome_json icpc_icpc_team "
                                 "icpc_icpc_worker_id",
    "ssd_cp_plans": "cppl_cp_plan_id cppl_referral_id cppl_icpc_id cppl_person_id cppl_cp_plan_start_date "
                    "cppl_cp_plan_end_date cppl_cp_plan_ola cppl_cp_plan_initial_category cppl_cp_plan_latest_category",
    "ssd_cp_reviews": "cppr_cp_review_id cppr_person_id cppr_cp_plan_id cppr_cp_review_due cppr_cp_review_date "
                      "cppr_cp_review_meeting_id cppr_cp_review_outcome_continue_cp cppr_cp_review_quorate "
                      "cppr_cp_review_participation",
    "ssd_cp_visits": "cppv_cp_visit_id cppv_person_id cppv_cp_plan_id cppv_cp_visit_date cppv_cp_visit_seen "
                     "cppv_cp_visit_seen_alone cppv_cp_visit_bedroom",
    "ssd_cla_visits": "clav_cla_visit_id clav_cla_id clav_person_id clav_cla_visit_date clav_cla_visit_seen "
                      "clav_cla_visit_seen_alone",
    "ssd_cla_reviews": "clar_cla_review_id clar_cla_id clar_cla_person_id clar_cla_review_due_date "
                       "clar_cla_review_date clar_cla_review_cancelled clar_cla_review_participation",
    "ssd_cla_health": "clah_health_check_id clah_person_id clah_health_check_type clah_health_check_date "
                      "clah_health_check_status",
    "ssd_cla_previous_permanence": "lapp_table_id lapp_person_id lapp_previous_permanence_option "
                                   "lapp_previous_permanence_la lapp_previous_permanence_order_date",
    "ssd_missing": "miss_table_id miss_person_id miss_missing_episode_start_date miss_missing_episode_type "
                   "miss_missing_episode_end_date miss_missing_rhi_offered miss_missing_rhi_accepted",
    "ssd_care_leavers": "clea_table_id clea_person_id clea_care_leaver_eligibility clea_care_leaver_in_touch "
                        "clea_care_leaver_latest_contact clea_care_leaver_accommodation clea_care_leaver_accom_suitable "
                        "clea_care_leaver_activity clea_pathway_plan_review_date clea_care_leaver_personal_advisor "
                        "clea_care_leaver_allocated_team clea_care_leaver_worker_id",
    "ssd_permanence": "perm_table_id perm_person_id perm_cla_id perm_adm_decision_date perm_part_of_sibling_group "
                      "perm_siblings_placed_together perm_siblings_placed_apart perm_ffa_cp_decision_date "
                      "perm_placement_order_date perm_matched_date perm_adopter_sex perm_adopter_legal_status "
                      "perm_number_of_adopters perm_placed_for_adoption_date perm_adopted_by_carer_flag "
                      "perm_placed_foster_carer_date perm_placed_ffa_cp_date perm_placement_provider_urn "
                      "perm_decision_reversed_date perm_decision_reversed_reason perm_permanence_order_date "
                      "perm_permanence_order_type perm_adoption_worker_id",
    "ssd_pre_proceedings": "prep_table_id prep_person_id prep_plo_family_id prep_pre_pro_decision_date "
                           "prep_initial_pre_pro_meeting_date prep_pre_pro_outcome prep_agree_stepdown_issue_date "
                           "prep_cp_plans_referral_period prep_legal_gateway_outcome prep_prev_pre_proc_child "
                           "prep_prev_care_proc_child prep_pre_pro_letter_date prep_care_pro_letter_date "
                           "prep_pre_pro_meetings_num prep_pre_pro_parents_legal_rep "
                           "prep_parents_legal_rep_point_of_issue prep_court_reference prep_care_proc_court_hearings "
                           "prep_care_proc_short_notice prep_proc_short_notice_reason prep_la_inital_plan_approved "
                           "prep_la_initial_care_plan prep_la_final_plan_approved prep_la_final_care_plan",
    "ssd_department": "dept_team_id dept_team_name dept_team_parent_id dept_team_parent_name",
    "ssd_professionals": "prof_professional_id prof_staff_id prof_professional_name prof_social_worker_registration_no "
                         "prof_agency_worker_flag prof_professional_job_title prof_professional_caseload "
                         "prof_professional_department prof_full_time_equivalency",
    "ssd_involvements": "invo_involvements_id invo_professional_id invo_professional_role_id invo_professional_team "
                        "invo_person_id invo_involvement_start_date invo_involvement_end_date "
                        "invo_worker_change_reason invo_referral_id",
}


def _ssd(table_ssd: str, table: str, columns: dict[str, str], *, optional=None, values=None,
         constants=None) -> Layout:
    """A layout for one SSD table. Every column is optional except the key and required ones of the
    canonical table (and those named in `optional` are optional too); the table's other fields are
    known and not loaded."""
    spec = model_table(table)
    required_canon = {c.name for c in spec.columns if c.required} | set(spec.key)
    optional = set(optional or ()) | {f for f, canon in columns.items() if canon not in required_canon}
    ignored = frozenset(FIELDS[table_ssd].split()) - set(columns)
    assert set(columns) <= set(FIELDS[table_ssd].split()), table_ssd
    return Layout(f"SSD {table_ssd}", "ssd", table, columns, frozenset(optional), values=values or {},
                  priority=2, constants=constants or {}, ignored=ignored)


LAYOUTS: list[Layout] = [
    _ssd("ssd_person", "persons",
         {"pers_person_id": "person_id", "pers_sex": "sex", "pers_dob": "dob", "pers_ethnicity": "ethnicity",
          "pers_upn": "upn", "pers_death_date": "death_date", "pers_is_mother": "is_mother"},
         values={"sex": SEX}),
    _ssd("ssd_disability", "disabilities", {"disa_person_id": "person_id", "disa_disability_code": "disability"}),
    _ssd("ssd_contacts", "contacts",
         {"cont_contact_id": "contact_id", "cont_person_id": "person_id", "cont_contact_date": "contact_date",
          "cont_contact_source_code": "contact_source", "cont_contact_outcome_json": "outcome"}),
    _ssd("ssd_early_help_episodes", "early_help_episodes",
         {"earl_episode_id": "episode_id", "earl_person_id": "person_id", "earl_episode_start_date": "start_date",
          "earl_episode_end_date": "end_date", "earl_episode_organisation": "organisation"}),
    _ssd("ssd_cin_episodes", "referrals",
         {"cine_referral_id": "referral_id", "cine_person_id": "person_id", "cine_referral_date": "referral_date",
          "cine_referral_source_code": "referral_source", "cine_cin_primary_need_code": "primary_need",
          "cine_referral_nfa": "referral_nfa", "cine_close_date": "closure_date", "cine_close_reason": "closure_reason"},
         values={"referral_nfa": NOT_APPLICABLE}),
    _ssd("ssd_cin_assessments", "assessments",
         {"cina_assessment_id": "assessment_id", "cina_person_id": "person_id", "cina_referral_id": "referral_id",
          "cina_assessment_start_date": "start_date", "cina_assessment_auth_date": "authorised_date",
          "cina_assessment_child_seen": "child_seen"},
         values={"child_seen": NOT_APPLICABLE}),
    _ssd("ssd_cin_plans", "cin_plans",
         {"cinp_cin_plan_id": "cin_plan_id", "cinp_person_id": "person_id", "cinp_referral_id": "referral_id",
          "cinp_cin_plan_start_date": "start_date", "cinp_cin_plan_end_date": "end_date"}),
    _ssd("ssd_cin_visits", "visits",
         {"cinv_cin_visit_id": "visit_id", "cinv_person_id": "person_id", "cinv_cin_visit_date": "visit_date",
          "cinv_cin_visit_seen": "seen", "cinv_cin_visit_seen_alone": "seen_alone"},
         values={"seen": NOT_APPLICABLE, "seen_alone": NOT_APPLICABLE}, constants={"visit_type": "CIN"}),
    _ssd("ssd_s47_enquiry", "s47_enquiries",
         {"s47e_s47_enquiry_id": "s47_id", "s47e_person_id": "person_id", "s47e_referral_id": "referral_id",
          "s47e_s47_start_date": "start_date", "s47e_s47_end_date": "end_date"}),
    _ssd("ssd_initial_cp_conference", "icpcs",
         {"icpc_icpc_id": "icpc_id", "icpc_s47_enquiry_id": "s47_id", "icpc_person_id": "person_id",
          "icpc_icpc_date": "icpc_date", "icpc_icpc_target_date": "target_date",
          "icpc_icpc_outcome_cp_flag": "cp_plan", "icpc_icpc_transfer_in": "transfer_in"},
         values={"cp_plan": NOT_APPLICABLE, "transfer_in": NOT_APPLICABLE}),
    _ssd("ssd_cp_plans", "cp_plans",
         {"cppl_cp_plan_id": "cp_plan_id", "cppl_person_id": "person_id", "cppl_cp_plan_start_date": "start_date",
          "cppl_cp_plan_end_date": "end_date", "cppl_cp_plan_initial_category": "initial_category",
          "cppl_cp_plan_latest_category": "latest_category"},
         values={"initial_category": CATEGORY_OF_ABUSE, "latest_category": CATEGORY_OF_ABUSE}),
    _ssd("ssd_cp_reviews", "cp_reviews",
         {"cppr_cp_plan_id": "cp_plan_id", "cppr_person_id": "person_id", "cppr_cp_review_date": "review_date"}),
    _ssd("ssd_cp_visits", "visits",
         {"cppv_cp_visit_id": "visit_id", "cppv_person_id": "person_id", "cppv_cp_visit_date": "visit_date",
          "cppv_cp_visit_seen": "seen", "cppv_cp_visit_seen_alone": "seen_alone"},
         values={"seen": NOT_APPLICABLE, "seen_alone": NOT_APPLICABLE}, constants={"visit_type": "CP"}),
    _ssd("ssd_cla_visits", "visits",
         {"clav_cla_visit_id": "visit_id", "clav_person_id": "person_id", "clav_cla_visit_date": "visit_date",
          "clav_cla_visit_seen": "seen", "clav_cla_visit_seen_alone": "seen_alone"},
         values={"seen": NOT_APPLICABLE, "seen_alone": NOT_APPLICABLE}, constants={"visit_type": "CLA"}),
    _ssd("ssd_cla_reviews", "cla_reviews",
         {"clar_cla_person_id": "person_id", "clar_cla_review_date": "review_date",
          "clar_cla_review_participation": "participation"}),
    _ssd("ssd_cla_health", "cla_health",
         {"clah_person_id": "person_id", "clah_health_check_type": "check_type",
          "clah_health_check_date": "check_date"},
         values={"check_type": HEALTH_CHECK}),
    _ssd("ssd_cla_previous_permanence", "previous_permanence",
         {"lapp_person_id": "person_id", "lapp_previous_permanence_option": "previous_permanence",
          "lapp_previous_permanence_la": "la_permanence", "lapp_previous_permanence_order_date": "date_permanence"}),
    _ssd("ssd_missing", "missing_episodes",
         {"miss_person_id": "person_id", "miss_missing_episode_type": "missing_type",
          "miss_missing_episode_start_date": "start_date", "miss_missing_episode_end_date": "end_date",
          "miss_missing_rhi_offered": "rhi_offered", "miss_missing_rhi_accepted": "rhi_accepted"},
         values={"missing_type": MISSING_TYPE, "rhi_offered": NOT_APPLICABLE, "rhi_accepted": NOT_APPLICABLE}),
    _ssd("ssd_care_leavers", "care_leavers",
         {"clea_person_id": "person_id", "clea_care_leaver_eligibility": "eligibility",
          "clea_care_leaver_in_touch": "in_touch", "clea_care_leaver_latest_contact": "latest_contact_date",
          "clea_care_leaver_accommodation": "accommodation", "clea_care_leaver_activity": "activity",
          "clea_pathway_plan_review_date": "pathway_plan_review_date",
          "clea_care_leaver_personal_advisor": "personal_adviser"}),
    _ssd("ssd_permanence", "permanence",
         {"perm_person_id": "person_id", "perm_adm_decision_date": "decision_date",
          "perm_placement_order_date": "placement_order_date", "perm_matched_date": "matched_date",
          "perm_placed_for_adoption_date": "placed_date", "perm_decision_reversed_date": "reversed_date",
          "perm_decision_reversed_reason": "reversed_reason", "perm_placed_ffa_cp_date": "ffa_placed_date"}),
    _ssd("ssd_pre_proceedings", "pre_proceedings",
         {"prep_person_id": "person_id", "prep_pre_pro_decision_date": "start_date",
          "prep_pre_pro_letter_date": "letter_before_proceedings_date",
          "prep_initial_pre_pro_meeting_date": "initial_meeting_date",
          "prep_agree_stepdown_issue_date": "decision_date", "prep_pre_pro_outcome": "outcome"}),
    _ssd("ssd_department", "teams", {"dept_team_id": "team_id", "dept_team_name": "team_name"}),
    _ssd("ssd_professionals", "professionals",
         {"prof_professional_id": "professional_id", "prof_professional_name": "name",
          "prof_social_worker_registration_no": "swe_number", "prof_professional_job_title": "role",
          "prof_full_time_equivalency": "fte", "prof_agency_worker_flag": "agency"},
         values={"role": JOB_TITLES, "agency": NOT_APPLICABLE}),
    _ssd("ssd_involvements", "allocations",
         {"invo_person_id": "person_id", "invo_professional_id": "professional_id",
          "invo_professional_team": "team_id", "invo_involvement_start_date": "start_date",
          "invo_involvement_end_date": "end_date"}),
]

# SSD tables recognised but not loaded: (table, two of its columns that identify it, why).
_NOT_YET = ("not loaded yet: cscperf takes looked-after children's episodes from the SSDA903 return; "
            "building them from the SSD's ssd_cla_episodes, ssd_cla_placement and ssd_legal_status is not supported")
SKIPPED: tuple[tuple[str, tuple[str, str], str], ...] = (
    ("ssd_cla_episodes", ("clae_cla_episode_id", "clae_person_id"), _NOT_YET),
    ("ssd_cla_placement", ("clap_cla_placement_id", "clap_cla_placement_type"), _NOT_YET),
    ("ssd_legal_status", ("lega_legal_status_id", "lega_legal_status"), _NOT_YET),
    ("ssd_assessment_factors", ("cinf_assessment_id", "cinf_assessment_factors_json"),
     "not loaded: its factors are a JSON list per assessment; cscperf takes assessment factors from the CIN census"),
    ("ssd_immigration_status", ("immi_person_id", "immi_immigration_status"),
     "not loaded: cscperf takes UASC status from the SSDA903 return"),
    ("ssd_mother", ("moth_person_id", "moth_childs_person_id"),
     "not loaded: cscperf takes mothers in care from the SSDA903 header (MOTHER, MC_DOB)"),
    ("ssd_sdq_scores", ("csdq_person_id", "csdq_sdq_score"), "not loaded: cscperf takes SDQ scores from the SSDA903 OC2"),
    ("ssd_cla_convictions", ("clac_person_id", "clac_cla_conviction_date"), "not used by any cscperf indicator"),
    ("ssd_cla_immunisations", ("clai_person_id", "clai_immunisations_status"), "not used by any cscperf indicator"),
    ("ssd_cla_substance_misuse", ("clas_person_id", "clas_substance_misuse_date"), "not used by any cscperf indicator"),
    ("ssd_cla_care_plan", ("lacp_person_id", "lacp_cla_care_plan_start_date"), "not used by any cscperf indicator"),
    ("ssd_address", ("addr_person_id", "addr_address_postcode"), "not loaded: cscperf holds no addresses"),
    ("ssd_family", ("fami_family_id", "fami_person_id"), "not used by any cscperf indicator"),
    ("ssd_linked_identifiers", ("link_person_id", "link_identifier_type"), "not used by any cscperf indicator"),
    ("ssd_voice_of_child", ("voch_person_id", "voch_table_id"), "not used by any cscperf indicator"),
    ("ssd_send", ("send_person_id", "send_upn"), "not used: special educational needs are outside cscperf"),
    ("ssd_sen_need", ("senn_active_ehcp_id", "senn_active_ehcp_need_type"),
     "not used: special educational needs are outside cscperf"),
    ("ssd_ehcp_requests", ("ehcr_ehcp_request_id", "ehcr_ehcp_req_date"),
     "not used: special educational needs are outside cscperf"),
    ("ssd_ehcp_assessment", ("ehca_ehcp_assessment_id", "ehca_ehcp_request_id"),
     "not used: special educational needs are outside cscperf"),
    ("ssd_ehcp_named_plan", ("ehcn_named_plan_id", "ehcn_ehcp_asmt_id"),
     "not used: special educational needs are outside cscperf"),
    ("ssd_ehcp_active_plans", ("ehcp_active_ehcp_id", "ehcp_ehcp_request_id"),
     "not used: special educational needs are outside cscperf"),
    ("ssd_s251_finance", ("s251_table_id", "s251_cla_placement_id"), "not used: a placeholder table in the SSD"),
)

LAYOUTS += [Layout(f"SSD {name}", "ssd", "", {a: a, b: b}, skip=f"Standard Safeguarding Dataset table {name}: {why}")
            for name, (a, b), why in SKIPPED]

# Canonical table -> the SSD tables that fill it (for the docs).
FILLS: dict[str, list[str]] = {}
for _layout in LAYOUTS:
    if _layout.skip is None:
        FILLS.setdefault(_layout.table, []).append(_layout.name.removeprefix("SSD "))

assert all(k.upper() == k for m in (SEX, CATEGORY_OF_ABUSE, MISSING_TYPE, HEALTH_CHECK) for k in m)
assert set(CATEGORY_OF_ABUSE.values()) <= set(codes.CATEGORY_OF_ABUSE)
