"""The canonical model: every table cscperf stores, written once.

Names follow the Data to Insight Standard Safeguarding Dataset (SSD, data-standards.md §4) without
its `ssd_` prefix, simplified where the SSD splits one fact over several tables. Readers map each
source format into these tables; indicators read only these tables. `ssd` names the SSD table a
table corresponds to, so an SSD extract can be mapped column by column.

A column type is one of: str, date, int, float, bool, list (codes separated by ';').
`codes` names a list in `model.codes`; a value outside it is reported as a warning and kept.
`key` is the natural key: two rows with the same key, from different files of one load, are one
record (the later collection year, or the richer source, wins; see `sources`). Keys are what every
source knows (the child and a date), not a system's identifiers, so that a CIN census return and a
case-management extract holding the same referral merge into one referral.
`event_dates` are the columns whose range says what period a table covers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    doc: str
    required: bool = False
    codes: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    event_dates: tuple[str, ...] = ()
    ssd: str | None = None
    # Plausibility: pairs (start, end) where end must not be before start.
    ordered_dates: tuple[tuple[str, str], ...] = ()
    # The identifier column, where a source gives the record one, and the columns of other tables'
    # identifiers this table holds: (column, table). When two sources hold the same record (same
    # key) with different identifiers, the merge rewrites the references to the one kept.
    id: str | None = None
    references: tuple[tuple[str, str], ...] = ()

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def identifiers(self) -> list[str]:
        """The columns holding a council's own identifiers (children, records, staff, teams): every
        text column named *_id. A store holding several councils writes them COUNCIL_SEP-qualified."""
        return [c.name for c in self.columns if c.name.endswith("_id") and c.type == "str"]


# In a store holding several councils every identifier is "<council code>:<id>", so a child "1" of
# one council is never joined to a child "1" of another (docs/councils.md).
COUNCIL_SEP = ":"


def C(name, type_, doc, required=False, codes=None):
    return Column(name, type_, doc, required, codes)


PERSON_ID = C("person_id", "str", "The council's child identifier (903 CHILD, CIN LAchildID); text, leading zeros kept", True)

TABLES: tuple[Table, ...] = (
    Table("persons", "One row per child or young person.", (
        PERSON_ID,
        C("sex", "str", "M, F or U", codes="sex"),
        C("dob", "date", "Date of birth"),
        C("ethnicity", "str", "DfE ethnicity code", codes="ethnicity"),
        C("upn", "str", "Unique pupil number"),
        C("disability", "bool", "Has a disability"),
        C("death_date", "date", "Date of death"),
        C("is_mother", "bool", "903 MOTHER: the young person is a mother"),
        C("mother_child_dob", "date", "903 MC_DOB: date of birth of the mother's child"),
    ), key=("person_id",), ssd="ssd_person"),

    Table("disabilities", "Each child's recorded disabilities (CIN census Disabilities).", (
        PERSON_ID,
        C("disability", "str", "Disability code", True, codes="disability"),
    ), key=("person_id", "disability"), ssd="ssd_disability"),

    Table("contacts", "Contacts with the front door (Annex A list 1, SSD contacts).", (
        C("contact_id", "str", "Identifier of the contact", True),
        PERSON_ID,
        C("contact_date", "date", "Date of the contact", True),
        C("contact_source", "str", "Source of the contact (CIN referral source codes)", codes="referral_source"),
        C("outcome", "str", "Outcome of the contact, as recorded"),
    ), key=("contact_id",), event_dates=("contact_date",), ssd="ssd_contacts"),

    Table("early_help_episodes", "Early help assessments and episodes (Annex A list 2).", (
        C("episode_id", "str", "Identifier of the early help episode", True),
        PERSON_ID,
        C("start_date", "date", "Assessment or episode start", True),
        C("end_date", "date", "Assessment completion or episode end"),
        C("organisation", "str", "Organisation completing the assessment"),
    ), key=("episode_id",), event_dates=("start_date", "end_date"), ssd="ssd_early_help_episodes",
        ordered_dates=(("start_date", "end_date"),)),

    Table("referrals", "Referrals to children's social care, each the start of a CIN episode.", (
        C("referral_id", "str", "Identifier of the referral (CIN episode)", True),
        PERSON_ID,
        C("referral_date", "date", "Date of referral", True),
        C("referral_source", "str", "CIN census referral source", codes="referral_source"),
        C("primary_need", "str", "Primary need code N0-N9", codes="category_of_need"),
        C("referral_nfa", "bool", "Referral resulted in no further action"),
        C("closure_date", "date", "Date the CIN episode closed"),
        C("closure_reason", "str", "CIN closure reason RC1-RC9"),
    ), key=("person_id", "referral_date"), event_dates=("referral_date", "closure_date"), ssd="ssd_cin_episodes",
        id="referral_id",
        ordered_dates=(("referral_date", "closure_date"),)),

    Table("assessments", "Children and family (single) assessments.", (
        C("assessment_id", "str", "Identifier of the assessment", True),
        PERSON_ID,
        C("referral_id", "str", "The referral the assessment belongs to"),
        C("start_date", "date", "Assessment actual start date", True),
        C("authorised_date", "date", "Date the assessment was authorised (completed)"),
        C("child_seen", "bool", "Child seen during the assessment"),
    ), key=("person_id", "start_date"), event_dates=("start_date", "authorised_date"), ssd="ssd_cin_assessments",
        id="assessment_id", references=(("referral_id", "referrals"),),
        ordered_dates=(("start_date", "authorised_date"),)),

    Table("assessment_factors", "Factors identified at the end of an assessment (CIN census AssessmentFactors).", (
        C("assessment_id", "str", "The assessment", True),
        PERSON_ID,
        C("factor", "str", "Factor code, e.g. 3A domestic abuse (child), 10A going missing", True, codes="assessment_factor"),
    ), key=("assessment_id", "factor"), ssd="ssd_assessment_factors",
        references=(("assessment_id", "assessments"),)),

    Table("cin_plans", "Child in need plans (CIN census CINPlanDates, SSD cin_plans).", (
        C("cin_plan_id", "str", "Identifier of the plan", True),
        PERSON_ID,
        C("referral_id", "str", "The referral (CIN episode) the plan belongs to"),
        C("start_date", "date", "Plan start date", True),
        C("end_date", "date", "Plan end date (blank while open)"),
    ), key=("person_id", "start_date"), event_dates=("start_date", "end_date"), ssd="ssd_cin_plans",
        id="cin_plan_id", references=(("referral_id", "referrals"),),
        ordered_dates=(("start_date", "end_date"),)),

    Table("s47_enquiries", "Section 47 enquiries.", (
        C("s47_id", "str", "Identifier of the enquiry", True),
        PERSON_ID,
        C("referral_id", "str", "The referral the enquiry belongs to"),
        C("start_date", "date", "S47 actual start date (strategy discussion initiating it)", True),
        C("end_date", "date", "Date the enquiry ended"),
        C("icpc_not_required", "bool", "An initial child protection conference was judged unnecessary"),
    ), key=("person_id", "start_date"), event_dates=("start_date", "end_date"), ssd="ssd_s47_enquiry",
        id="s47_id", references=(("referral_id", "referrals"),),
        ordered_dates=(("start_date", "end_date"),)),

    Table("icpcs", "Initial child protection conferences.", (
        C("icpc_id", "str", "Identifier of the conference", True),
        C("s47_id", "str", "The S47 enquiry that led to it"),
        PERSON_ID,
        C("icpc_date", "date", "Date of the initial child protection conference", True),
        C("target_date", "date", "Date the conference was due (CIN InitialCPCtarget)"),
        C("cp_plan", "bool", "The conference resulted in a child protection plan"),
        C("transfer_in", "bool", "A transfer-in conference (excluded from timeliness)"),
    ), key=("person_id", "icpc_date"), event_dates=("icpc_date",), ssd="ssd_initial_cp_conference",
        id="icpc_id", references=(("s47_id", "s47_enquiries"),)),

    Table("cp_plans", "Child protection plans.", (
        C("cp_plan_id", "str", "Identifier of the plan", True),
        PERSON_ID,
        C("start_date", "date", "Plan start date", True),
        C("end_date", "date", "Plan end date (blank while open)"),
        C("initial_category", "str", "Initial category of abuse", codes="category_of_abuse"),
        C("latest_category", "str", "Latest category of abuse", codes="category_of_abuse"),
        C("previous_plans", "int", "Number of previous CP plans recorded (CIN NumberOfPreviousCPP)"),
        C("emergency_protection", "bool", "Subject to an emergency protection order or police protection in the "
                                          "last six months (Annex A list 7)"),
    ), key=("person_id", "start_date"), event_dates=("start_date", "end_date"), ssd="ssd_cp_plans",
        id="cp_plan_id",
        ordered_dates=(("start_date", "end_date"),)),

    Table("cp_reviews", "Child protection review conferences.", (
        C("cp_plan_id", "str", "The plan reviewed"),
        PERSON_ID,
        C("review_date", "date", "Date of the review conference", True),
    ), key=("person_id", "review_date"), event_dates=("review_date",), ssd="ssd_cp_reviews",
        references=(("cp_plan_id", "cp_plans"),)),

    Table("visits", "Statutory visits to children on CP, CIN and CLA plans.", (
        C("visit_id", "str", "Identifier of the visit", True),
        PERSON_ID,
        C("visit_type", "str", "CP, CIN or CLA", True, codes="visit_type"),
        C("visit_date", "date", "Date of the visit", True),
        C("seen", "bool", "The child was seen (false for an attempted visit)"),
        C("seen_alone", "bool", "The child was seen alone"),
        C("location", "str", "Where the child was seen", codes="visit_location"),
    ), key=("visit_id",), event_dates=("visit_date",), ssd="ssd_cp_visits / ssd_cin_visits / ssd_cla_visits"),

    Table("cla_episodes", "SSDA903 episodes of care: one row per change of legal status or placement.", (
        PERSON_ID,
        C("start_date", "date", "903 DECOM", True),
        C("rne", "str", "903 RNE, reason for new episode", True, codes="rne"),
        C("legal_status", "str", "903 LS", True, codes="legal_status"),
        C("category_of_need", "str", "903 CIN", codes="category_of_need"),
        C("placement_type", "str", "903 PLACE", True, codes="placement_type"),
        C("placement_provider", "str", "903 PLACE_PROVIDER", codes="placement_provider"),
        C("end_date", "date", "903 DEC (blank while open)"),
        C("reason_ceased", "str", "903 REC", codes="reason_episode_ceased"),
        C("reason_place_change", "str", "903 REASON_PLACE_CHANGE", codes="reason_place_change"),
        C("home_postcode", "str", "903 HOME_POST"),
        C("placement_postcode", "str", "903 PL_POST"),
        C("urn", "str", "903 URN, Ofsted URN of the placement"),
    ), key=("person_id", "start_date"), event_dates=("start_date", "end_date"),
        ssd="ssd_cla_episodes + ssd_cla_placement + ssd_legal_status", ordered_dates=(("start_date", "end_date"),)),

    Table("cla_reviews", "Reviews of looked-after children (903 Reviews).", (
        PERSON_ID,
        C("review_date", "date", "Date of the review", True),
        C("participation", "str", "903 REVIEW_CODE", codes="review_participation"),
    ), key=("person_id", "review_date"), event_dates=("review_date",), ssd="ssd_cla_reviews"),

    Table("cla_health", "Health and dental checks of looked-after children (Annex A list 8, SSD cla_health).", (
        PERSON_ID,
        C("check_type", "str", "Which check", True, codes="health_check"),
        C("check_date", "date", "Date of the check", True),
    ), key=("person_id", "check_type", "check_date"), event_dates=("check_date",), ssd="ssd_cla_health"),

    Table("uasc", "Unaccompanied asylum-seeking children (903 UASC).", (
        PERSON_ID,
        C("uasc_ceased_date", "date", "903 DUC, date UASC status ceased"),
    ), key=("person_id",), ssd="ssd_immigration_status"),

    Table("cla_outcomes", "Outcomes of children looked after 12 months or more (903 OC2).", (
        PERSON_ID,
        C("collection_year", "int", "Collection year (year ending 31 March) the row was returned for"),
        C("sdq_score", "int", "Strengths and difficulties questionnaire score 0-40"),
        C("sdq_reason", "str", "Reason no SDQ, SDQ1-SDQ5"),
        C("convicted", "bool", "Convicted during the year"),
        C("health_check", "bool", "Health surveillance checks up to date"),
        C("immunisations", "bool", "Immunisations up to date"),
        C("teeth_check", "bool", "Teeth checked by a dentist"),
        C("health_assessment", "bool", "Annual health assessment"),
        C("substance_misuse", "bool", "Identified as having a substance misuse problem"),
        C("intervention_received", "bool", "Received an intervention for substance misuse"),
        C("intervention_offered", "bool", "Offered an intervention for substance misuse"),
    ), key=("person_id", "collection_year"), ssd="ssd_cla_health / ssd_sdq_scores"),

    Table("care_leavers", "Care leavers' status around their birthday (903 OC3).", (
        PERSON_ID,
        C("collection_year", "int", "Collection year (year ending 31 March)"),
        C("in_touch", "str", "903 IN_TOUCH: YES, NO, DIED, REFU, NREQ, RHOM"),
        C("activity", "str", "903 ACTIV"),
        C("accommodation", "str", "903 ACCOM (letter for the type, then 1 suitable or 2 not suitable)"),
        C("eligibility", "str", "Care leaver category: relevant, former relevant, qualifying, eligible"),
        C("latest_contact_date", "date", "Date of the latest contact with the young person"),
        C("pathway_plan_review_date", "date", "Date of the latest pathway plan review"),
        C("personal_adviser", "str", "Allocated personal adviser"),
    ), key=("person_id", "collection_year"), ssd="ssd_care_leavers"),

    Table("adoptions", "Children adopted (903 AD1).", (
        PERSON_ID,
        C("date_interest", "date", "903 DATE_INT, decision that the child should be placed for adoption"),
        C("date_match", "date", "903 DATE_MATCH, matched with adopters"),
        C("foster_care", "bool", "Adopted by former foster carers"),
        C("number_adopters", "int", "903 NB_ADOPTR"),
        C("sex_adopters", "str", "903 SEX_ADOPTR"),
        C("ls_adopters", "str", "903 LS_ADOPTR"),
    ), key=("person_id",), event_dates=("date_interest", "date_match"), ssd="ssd_permanence"),

    Table("placed_for_adoption", "Decisions that a child should be placed for adoption (903 PlacedAdoption).", (
        PERSON_ID,
        C("date_placed", "date", "903 DATE_PLACED", True),
        C("date_placed_ceased", "date", "903 DATE_PLACED_CEASED"),
        C("reason_placed_ceased", "str", "903 REASON_PLACED_CEASED, RD1-RD4"),
    ), key=("person_id", "date_placed"), event_dates=("date_placed", "date_placed_ceased"), ssd="ssd_permanence"),

    Table("permanence", "Adoption milestones of children with a plan for adoption (Annex A list 10, SSD permanence).", (
        PERSON_ID,
        C("entered_care_date", "date", "Date the child entered care"),
        C("decision_date", "date", "Decision that the child should be placed for adoption (ADM)", True),
        C("placement_order_date", "date", "Date of the placement order"),
        C("matched_date", "date", "Date matched with prospective adopters"),
        C("placed_date", "date", "Date placed for adoption"),
        C("adoption_order_date", "date", "Date of the adoption order"),
        C("reversed_date", "date", "Decision that the child should no longer be placed for adoption"),
        C("reversed_reason", "str", "Why the child is no longer to be placed for adoption"),
        C("ffa_placed_date", "date", "Placed in a fostering-for-adoption or concurrent planning placement"),
    ), key=("person_id", "decision_date"), event_dates=("decision_date", "placed_date", "adoption_order_date"),
        ssd="ssd_permanence"),

    Table("adopters", "Prospective adopters and their progress (Annex A list 11).", (
        C("adopter_id", "str", "Individual adopter identifier", True),
        C("family_id", "str", "Adoptive family identifier"),
        C("sex", "str", "M, F or U", codes="sex"),
        C("ethnicity", "str", "DfE ethnicity code", codes="ethnicity"),
        C("disability", "bool", "Has a disability"),
        C("fostering_for_adoption", "bool", "The (prospective) adopter is fostering for adoption"),
        C("enquiry_date", "date", "Date the enquiry was received"),
        C("stage1_start", "date", "Stage 1 started"),
        C("stage1_end", "date", "Stage 1 ended"),
        C("stage2_start", "date", "Stage 2 started"),
        C("stage2_end", "date", "Stage 2 ended"),
        C("application_date", "date", "Application submitted"),
        C("approval_date", "date", "Application approved"),
        C("matched_date", "date", "Matched with child(ren)"),
        C("placed_date", "date", "Child(ren) placed"),
        C("children_placed", "int", "Number of children placed"),
        C("adoption_order_date", "date", "Date of the adoption order"),
        C("left_date", "date", "Date the adopter left the process"),
        C("left_reason", "str", "Why the adopter left the process"),
    ), key=("adopter_id",), event_dates=("enquiry_date", "approval_date"), ssd="ssd_permanence (adopters)"),

    Table("previous_permanence", "Permanence before this period of care (903 PrevPerm).", (
        PERSON_ID,
        C("previous_permanence", "str", "903 PREV_PERM, P1-P4 or Z1"),
        C("la_permanence", "str", "903 LA_PERM"),
        C("date_permanence", "str", "903 DATE_PERM, kept as written (it may hold zz for an unknown day)"),
    ), key=("person_id",), ssd="ssd_cla_previous_permanence"),

    Table("sw_episodes", "Social worker episodes of looked-after children (903 SWEpisodes, from 2023/24).", (
        PERSON_ID,
        C("sw_id", "str", "Social worker identifier", True),
        C("start_date", "date", "903 SW_DECOM", True),
        C("end_date", "date", "903 SW_DEC"),
        C("reason", "str", "903 SW_REASON"),
    ), key=("person_id", "sw_id", "start_date"), event_dates=("start_date", "end_date"), ssd="ssd_involvements",
        ordered_dates=(("start_date", "end_date"),)),

    Table("deprivation_of_liberty", "Deprivation of liberty orders (903 DoLo, from 2026/27).", (
        PERSON_ID,
        C("start_date", "date", "903 DOLO_START", True),
        C("end_date", "date", "903 DOLO_END"),
    ), key=("person_id", "start_date"), event_dates=("start_date", "end_date"),
        ordered_dates=(("start_date", "end_date"),)),

    Table("missing_episodes", "Missing and away episodes, with return interviews.", (
        PERSON_ID,
        C("missing_type", "str", "M missing, A away without authorisation", True, codes="missing_type"),
        C("start_date", "date", "Date the episode started", True),
        C("end_date", "date", "Date the child returned (blank while missing)"),
        C("missing_from", "str", "Where the child went missing from", codes="missing_from"),
        C("out_of_area", "bool", "Went missing from a placement outside the council's area"),
        C("rhi_offered", "bool", "A return interview was offered"),
        C("rhi_accepted", "bool", "The return interview was accepted"),
        C("rhi_date", "date", "Date the return interview was held"),
        C("rhi_reasons", "list", "Reasons given at the return interview, codes separated by ;", codes="rhi_reason"),
    ), key=("person_id", "missing_type", "start_date"), event_dates=("start_date", "end_date"), ssd="ssd_missing",
        ordered_dates=(("start_date", "end_date"), ("end_date", "rhi_date"))),

    Table("care_proceedings", "Care proceedings, one row per child in each set of proceedings.", (
        C("proceedings_id", "str", "Court case or proceedings identifier (shared by siblings)", True),
        PERSON_ID,
        C("issue_date", "date", "Date the application was issued", True),
        C("court", "str", "Family court hearing the case"),
        C("final_order_date", "date", "Date of the final order (blank while open)"),
        C("final_order", "str", "Order made at the end", codes="court_order"),
    ), key=("proceedings_id", "person_id"), event_dates=("issue_date", "final_order_date"), ssd="ssd_pre_proceedings",
        ordered_dates=(("issue_date", "final_order_date"),)),

    Table("pre_proceedings", "Pre-proceedings (PLO) and family group decision making (CIN census 2026, SSD pre_proceedings).", (
        PERSON_ID,
        C("referral_id", "str", "The referral (CIN episode)"),
        C("start_date", "date", "Pre-proceedings start (PPStartDate / PLO decision)", True),
        C("letter_before_proceedings_date", "date", "Letter before proceedings sent"),
        C("fgdm_offered", "bool", "A family group decision-making meeting was offered"),
        C("fgdm_held", "bool", "A family group decision-making meeting was held"),
        C("initial_meeting_date", "date", "Initial pre-proceedings meeting"),
        C("review_meetings", "int", "Number of review meetings"),
        C("decision_date", "date", "Step-down or issue decision"),
        C("outcome", "str", "Outcome of pre-proceedings"),
        C("court_application_date", "date", "Date of the care application, if made"),
    ), key=("person_id", "start_date"), event_dates=("start_date", "decision_date"), ssd="ssd_pre_proceedings",
        references=(("referral_id", "referrals"),),
        ordered_dates=(("start_date", "decision_date"),)),

    Table("teams", "Teams of the children's social care service.", (
        C("team_id", "str", "Team identifier", True),
        C("team_name", "str", "Team name", True),
        C("service", "str", "Service area", codes="team_service"),
    ), key=("team_id",), ssd="ssd_department"),

    Table("professionals", "Social workers and other professionals (HR).", (
        C("professional_id", "str", "Staff identifier", True),
        C("name", "str", "Name as shown to managers"),
        C("team_id", "str", "Team the worker belongs to"),
        C("role", "str", "Role", True, codes="professional_role"),
        C("fte", "float", "Full-time equivalent, 0 to 1"),
        C("agency", "bool", "Agency (not employed by the council)"),
        C("start_date", "date", "Start date in the role"),
        C("leave_date", "date", "Leaving date (blank while in post)"),
        C("leave_reason", "str", "Reason for leaving (CSWW ReasonLeave)", codes="leaving_reason"),
        C("org_role", "str", "CSWW OrgRole: 1 senior manager ... 5 case holder, 6 qualified without cases"),
        C("swe_number", "str", "Social Work England registration number"),
    ), key=("professional_id",), event_dates=("start_date", "leave_date"), ssd="ssd_professionals",
        ordered_dates=(("start_date", "leave_date"),)),

    Table("workforce_census", "Each worker's figures at a workforce census date (CSWW, 30 September).", (
        C("professional_id", "str", "The worker", True),
        C("census_date", "date", "Census reference date", True),
        C("fte", "float", "FTE at the census date (FTE30)"),
        C("cases", "int", "Cases held at the census date (Cases30)"),
        C("working_days_lost", "float", "Working days lost to sickness in the year"),
        C("absent", "bool", "Absent at the census date"),
        C("absence_reason", "str", "Reason for absence (CSWW ReasonAbsence)"),
    ), key=("professional_id", "census_date"), event_dates=("census_date",)),

    Table("vacancies", "Social worker vacancies and agency cover at a census date (CSWW LALevelVacancies).", (
        C("census_date", "date", "Census reference date", True),
        C("vacancies_fte", "float", "FTE vacancies"),
        C("agency_fte", "float", "FTE agency workers"),
        C("agency_headcount", "int", "Agency workers (headcount)"),
        C("agency_cover_fte", "float", "FTE agency workers covering vacancies"),
    ), key=("census_date",), event_dates=("census_date",)),

    Table("allocations", "Which worker and team held each child's case, and when.", (
        PERSON_ID,
        C("professional_id", "str", "Allocated worker", True),
        C("team_id", "str", "Team of the allocation"),
        C("start_date", "date", "Allocation start", True),
        C("end_date", "date", "Allocation end (blank while allocated)"),
    ), key=("person_id", "professional_id", "start_date"), event_dates=("start_date", "end_date"), ssd="ssd_involvements",
        ordered_dates=(("start_date", "end_date"),)),
)

BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}


def table(name: str) -> Table:
    return BY_NAME[name]
