"""Ofsted Annex A (ILACS) lists 1-11: the template, how councils' headers and values vary, and the
codes they map to. Data only; the reader is `sources.annex_a`, the synthetic writer `synth.annex_a`.

Where the facts come from (no code was copied):
- the current template headers and the canonical values of each list: shared/reference/data-standards.md §2,
  which quotes SocialFinanceDigitalLabs/liia-tools-pipeline `liiatools/annex_a_pipeline/spec/Annex_A_schema.yml`
  (commit 4aff9189) and its sample `Annex_A_2024_Jan.xlsx`; the 2026 template renames Gender to Sex
  (`Annex_A_schema_2026.diff.yml`);
- header variants: the schema's `header_regex` entries (e.g. /.*date.*contact.*/i), here as keyword sets;
- value synonyms: a compact digest of the schema's `name` lists (hundreds per code there): the DfE code
  when the text carries one ("C2 - Full care order", "q) 6: Police", "f) U6: Foster placement"), else
  keywords, else the template's letter where that letter means one code in every template version seen;
- the windows: 6 months before the inspection, 12 for list 11 (shared/reference/kpis.md §1.3).

Header matching: a header matches a field when the header's words include every word of one of the
field's keyword sets ("word*" matches any word starting so; "!word" must be absent). The most
specific match (most words) wins, so "Start date of current legal status" is the legal status start,
not the legal status.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

WINDOW_MONTHS = 6                   # lists 1-10 cover the 6 months to the extract (inspection) date
WINDOW_MONTHS_BY_LIST = {11: 12}    # list 11 (adopters) covers 12


def window(extract_date: dt.date, list_no: int = 1) -> tuple[dt.date, dt.date]:
    """The days a list covers: from the day after the same date N months before, to the extract date."""
    months = WINDOW_MONTHS_BY_LIST.get(list_no, WINDOW_MONTHS)
    return extract_date - relativedelta(months=months) + dt.timedelta(days=1), extract_date


SUBJECTS = {
    1: "Contacts", 2: "Early help assessments", 3: "Referrals", 4: "Assessments", 5: "Section 47 enquiries and ICPCs",
    6: "Children in need", 7: "Child protection", 8: "Children looked after", 9: "Care leavers", 10: "Adoption",
    11: "Adopters",
}

# Words in a sheet's name that say which list it is, when it is not named "List N".
SHEET_WORDS = {
    1: ("contact",), 2: ("early", "help"), 3: ("referral",), 4: ("assessment",), 5: ("47",), 6: ("need",),
    7: ("protection",), 8: ("looked",), 9: ("leaver",), 10: ("adoption",), 11: ("adopter",),
}

_ID = (("child", "id"), ("child", "identifier"), ("child", "unique"), ("child", "ref*"), ("person", "id"),
       ("lachildid",), ("client", "id"))
_COMMON = [
    ("Child Unique ID", "child_id", _ID),
    ("Gender", "sex", (("gender",), ("sex",))),
    ("Ethnicity", "ethnicity", (("ethnic*",),)),
    ("Date of Birth", "dob", (("birth",), ("dob",))),
    ("Age of Child (Years)", "age", (("age",),)),
]
_DISABILITY = ("Does the Child have a Disability", "disability", (("disab*",),))
_TEAM = ("Allocated Team", "team", (("team",),))
_WORKER = ("Allocated Worker", "worker", (("worker", "!personal"), ("social", "worker")))

# list -> [(template header, field, keyword sets)], in the template's column order.
HEADERS: dict[int, list[tuple[str, str, tuple[tuple[str, ...], ...]]]] = {
    1: _COMMON + [
        ("Date of Contact", "contact_date", (("date", "contact"), ("contact", "dt"))),
        ("Contact Source", "contact_source", (("source",),)),
    ],
    2: _COMMON + [
        ("Assessment start date", "start", (("start*",),)),
        ("Assessment completion date", "end", (("complet*", "date"), ("end", "date"), ("complet*", "dt"))),
        ("Organisation completing assessment", "organisation", (("organi*",), ("agency",), ("completed", "by"))),
    ],
    3: _COMMON + [
        ("Date of Referral", "referral_date", (("date", "referral"), ("referral", "dt"))),
        ("Referral Source", "referral_source", (("source",),)),
        ("Referral NFA?", "nfa", (("nfa",), ("no", "further", "action"))),
        ("Number of Referrals in Last 12 Months", "referrals_12m", (("number", "referral*"), ("referral*", "12"))),
        _TEAM, _WORKER,
    ],
    4: _COMMON + [
        _DISABILITY,
        ("Continuous Assessment Start Date", "start", (("start*",),)),
        ("Child Seen During Continuous Assessment", "seen", (("seen",),)),
        ("Continuous Assessment Date of Authorisation", "authorised",
         (("authoris*",), ("authoriz*",), ("complet*", "date"), ("end", "date"))),
        ("Was the child assessed as requiring LA children's social care support?", "outcome",
         (("requir*", "support"), ("assessed", "requir*"), ("outcome",))),
        _TEAM, _WORKER,
    ],
    5: _COMMON + [
        _DISABILITY,
        ("Strategy discussion initiating Section 47 Enquiry Start Date", "s47_start",
         (("strategy",), ("47", "start*"), ("s47", "start*"), ("enquiry", "start*"))),
        ("Was an Initial Child Protection Conference deemed unnecessary?", "icpc_unnecessary",
         (("unnecessary",), ("not", "required"), ("deemed",))),
        ("Date of Initial Child Protection Conference", "icpc_date", (("date", "conference", "!number"), ("date", "icpc"))),
        ("Did the Initial Child Protection Conference Result in a Child Protection Plan", "icpc_plan",
         (("result*",), ("conference", "plan", "!date"))),
        ("Number of Section 47 Enquiries in the last 12 months", "s47_12m",
         (("number", "enquir*"), ("number", "47"), ("number", "s47"))),
        ("Number of ICPCs in the last 12 months", "icpc_12m", (("number", "icpc*"), ("number", "conference*"))),
        _TEAM, _WORKER,
    ],
    6: _COMMON + [
        _DISABILITY,
        ("CIN Start Date", "cin_start", (("start*",),)),
        ("Primary Need Code", "need", (("need",), ("primary",))),
        ("Date Child Was Last Seen", "last_seen", (("seen",),)),
        ("CIN Closure Date", "closure", (("clos*", "date"), ("end", "date"), ("clos*", "dt"))),
        ("Reason for Closure", "closure_reason", (("reason",),)),
        ("Case Status", "case_status", (("status",),)),
        _TEAM, _WORKER,
    ],
    7: _COMMON + [
        _DISABILITY,
        ("Child Protection Plan Start Date", "start", (("start*",),)),
        ("Initial Category of Abuse", "initial_category", (("initial", "categor*"), ("initial", "abuse"))),
        ("Latest Category of Abuse", "latest_category",
         (("latest", "categor*"), ("latest", "abuse"), ("current", "categor*"))),
        ("Date of the Last Statutory Visit", "last_visit", (("visit",),)),
        ("Was the Child Seen Alone?", "seen_alone", (("alone",),)),
        ("Date of latest review conference", "review", (("review*",),)),
        ("Child Protection Plan End Date", "end", (("end*", "date"), ("end*", "!epo"))),
        ("Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)", "epo",
         (("emergency",), ("police",), ("epo",))),
        ("Number of Previous Child Protection Plans", "previous", (("previous",),)),
        _TEAM, _WORKER,
    ],
    8: _COMMON + [
        ("Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)", "uasc",
         (("uasc",), ("unaccompanied",), ("asylum",))),
        _DISABILITY,
        ("Date Started to be Looked After", "cla_start",
         (("start*", "looked", "!second", "!legal"), ("entered", "care"), ("start*", "care", "!placement"))),
        ("Child's Category of Need", "need", (("need",),)),
        ("Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)", "second",
         (("second",), ("subsequent",))),
        ("Start date of current legal status", "ls_start", (("legal", "start*"), ("legal", "date"))),
        ("Child's Legal Status", "legal_status", (("legal",),)),
        ("Date of Latest Statutory Review", "review", (("review*",),)),
        ("Date of Last Social Work Visit", "sw_visit", (("social", "work*", "visit"), ("sw", "visit"))),
        ("What is the permanence plan for this child?", "permanence", (("permanence",),)),
        ("Date of Last IRO Visit / Contact to the Child", "iro", (("iro",), ("independent", "reviewing"))),
        ("Date of Last Health Assessment", "health", (("health",),)),
        ("Date of Last Dental Check", "dental", (("dental",), ("teeth",))),
        ("Number of Placements in the Last 12 months", "placements_12m", (("number", "placement*"),)),
        ("Date Ceased to be Looked After", "ceased", (("ceas*", "date", "!reason"), ("ceas*", "dt"))),
        ("Reason Ceased to be Looked After", "reason_ceased", (("reason", "ceas*"), ("reason", "end*"))),
        ("Start Date of Most Recent Placement", "placement_start",
         (("placement", "start*", "!number"), ("recent", "placement"))),
        ("Placement Type", "placement_type", (("placement", "type"),)),
        ("Placement Provider", "provider", (("provider",),)),
        ("Placement postcode", "postcode", (("postcode",), ("post", "code"))),
        ("URN of Placement", "urn", (("urn",),)),
        ("Placement Location", "location", (("location",), ("in", "out"))),
        ("LA of Placement", "placement_la", (("la", "placement"), ("authority", "placement"))),
        ("Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months", "missing_12m",
         (("number", "episode*", "missing"), ("missing", "episode*", "!return"), ("missing", "12"))),
        ("Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months", "absent_12m",
         (("absent",), ("away",))),
        ("Was the child offered a Return Interview after their last missing episode (Y/N)?", "rhi_offered",
         (("return", "interview", "offer*"), ("rhi", "offer*"))),
        ("Did the child accept a Return Interview after their last missing episode (Y/N)?", "rhi_accepted",
         (("return", "interview", "accept*"), ("rhi", "accept*"))),
        _TEAM, _WORKER,
    ],
    9: _COMMON + [
        ("Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)", "uasc",
         (("uasc",), ("unaccompanied",), ("asylum",))),
        _DISABILITY, _TEAM, _WORKER,
        ("Allocated Personal Advisor", "pa", (("personal", "advis*"), ("pa",))),
        ("Eligibility Category", "eligibility", (("eligib*",),)),
        ("Latest Pathway Plan Review Date", "pathway", (("pathway",),)),
        ("LA in Touch", "in_touch", (("touch",),)),
        ("Latest Date of Contact", "contact", (("contact",),)),
        ("Type of Accommodation", "accommodation", (("type", "accom*"), ("accom*", "!suitab*"))),
        ("Suitability of Accommodation", "suitability", (("suitab*",),)),
        ("Activity Status", "activity", (("activity",),)),
    ],
    10: [_COMMON[0], ("Family identifier", "family_id", (("family",),))] + _COMMON[1:] + [
        _DISABILITY,
        ("Date the Child Entered Care", "entered_care", (("entered", "care"), ("start*", "care"), ("looked", "after"))),
        ("Date of Decision that Child Should be Placed for Adoption", "decision",
         (("decision", "placed", "!longer"), ("adm", "!longer"))),
        ("Date of Placement Order", "placement_order", (("placement", "order"),)),
        ("Date of Matching Child and Prospective Adopters", "matched", (("match*",),)),
        ("Date Placed for Adoption", "placed", (("placed", "adoption", "!decision", "!longer", "!reason"),)),
        ("Date of Adoption Order", "adoption_order", (("adoption", "order"),)),
        ("Date of Decision that Child Should No Longer be Placed for Adoption", "reversed",
         (("longer", "date"), ("longer", "decision"))),
        ("Reason Why Child No Longer Placed for Adoption", "reversed_reason", (("reason",),)),
        ("Date the child was placed for fostering in FFA or concurrent planning placement", "ffa_date",
         (("ffa",), ("concurrent",), ("fostering",))),
    ],
    11: [
        ("Individual adopter identifier", "adopter_id", (("adopter", "id*"), ("individual", "id*"))),
        ("Family identifier", "family_id", (("family",),)),
        ("Gender", "sex", (("gender",), ("sex",))),
        ("Ethnicity", "ethnicity", (("ethnic*",),)),
        ("Disability", "disability", (("disab*",),)),
        ("Is the (prospective) adopter fostering for adoption?", "ffa", (("fostering",), ("ffa",))),
        ("Date enquiry received", "enquiry", (("enquiry",),)),
        ("Date Stage 1 started", "stage1_start", (("stage", "1", "start*"), ("stage", "one", "start*"))),
        ("Date Stage 1 ended", "stage1_end", (("stage", "1", "end*"), ("stage", "one", "end*"))),
        ("Date Stage 2 started", "stage2_start", (("stage", "2", "start*"), ("stage", "two", "start*"))),
        ("Date Stage 2 ended", "stage2_end", (("stage", "2", "end*"), ("stage", "two", "end*"))),
        ("Date application submitted", "application", (("application", "submit*"), ("application", "!approv*"))),
        ("Date application approved", "approval", (("approv*",),)),
        ("Date adopter matched with child(ren)", "matched", (("match*",),)),
        ("Date child/children placed with adopter(s)", "placed", (("placed", "!no", "!number"),)),
        ("No. of children placed", "children_placed", (("no", "children"), ("number", "children"))),
        ("Date of Adoption Order", "adoption_order", (("adoption", "order"),)),
        ("Date of leaving adoption process", "left", (("leav*", "!reason"), ("left", "!reason"))),
        ("Reason for leaving adoption process", "left_reason", (("reason",),)),
    ],
}

# Fields without which a list cannot be read (the keys of the tables it fills).
REQUIRED = {
    1: ("child_id", "contact_date"), 2: ("child_id", "start"), 3: ("child_id", "referral_date"),
    4: ("child_id", "start"), 5: ("child_id", "s47_start"), 6: ("child_id", "cin_start"), 7: ("child_id", "start"),
    8: ("child_id", "cla_start", "ls_start", "legal_status", "placement_start", "placement_type"),
    9: ("child_id",), 10: ("child_id", "decision"), 11: ("adopter_id",),
}

# Fields every list shares; the rest say which list a sheet is.
SHARED_FIELDS = frozenset({"child_id", "sex", "ethnicity", "dob", "age", "disability", "team", "worker", "family_id"})

# Date fields (checked and turned into ISO dates), and which of them are events (not dates of birth).
DATE_FIELDS = frozenset({
    "dob", "contact_date", "start", "end", "referral_date", "authorised", "s47_start", "icpc_date", "cin_start",
    "last_seen", "closure", "last_visit", "review", "cla_start", "ls_start", "sw_visit", "iro", "health", "dental",
    "ceased", "placement_start", "pathway", "contact", "entered_care", "decision", "placement_order", "matched",
    "placed", "adoption_order", "reversed", "ffa_date", "enquiry", "stage1_start", "stage1_end", "stage2_start",
    "stage2_end", "application", "approval", "left",
})

# Cells that mean "nothing here" (Excel errors and placeholders).
BLANK = frozenset({"#n/a", "n/a", "na", "#ref!", "#value!", "#name?", "#div/0!", "#null!", "#num!", "null", "-", "--",
                   ".", "..", "<blank>", "not applicable"})

# ---- values -------------------------------------------------------------------------------------
# A domain: `codes` that may appear in the text (found as whole words), keyword `rules` tried in order
# (first match wins; mapping to "" means "not known", a blank), and `letters` of the template that
# mean one code in every version seen. The value is the canonical code (model.codes, or as documented
# in model.tables for columns without a code list).

YES_NO = {
    "codes": {},
    "rules": [(("not", "seen"), "false"), (("not", "known"), ""), (("not", "recorded"), ""), (("unknown",), ""),
              (("yes",), "true"), (("y",), "true"), (("true",), "true"), (("1",), "true"),
              (("no",), "false"), (("n",), "false"), (("false",), "false"), (("0",), "false"),
              (("seen",), "true")],
    "letters": {"a": "true", "b": "false", "c": ""},
}

DOMAINS: dict[str, dict] = {
    "yes_no": YES_NO,
    # Referral NFA?: "NFA"/"No further action" mean yes, "Further action" no.
    "nfa": {"codes": {}, "rules": [(("nfa",), "true"), (("no", "further"), "true"), (("further",), "false")]
            + YES_NO["rules"], "letters": YES_NO["letters"]},
    "uasc": {"codes": {}, "rules": [(("non",), "false"), (("uasc",), "true")] + YES_NO["rules"],
             "letters": YES_NO["letters"]},
    # Does the child have a disability: a CIN disability code also means yes.
    "disability": {"codes": {c: "true" for c in ("MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON",
                                                  "AUT", "DDA")} | {"NONE": "false"},
                   "rules": [(("no", "disability"), "false"), (("none",), "false"), (("refused",), ""),
                             (("not", "obtained"), ""), (("nobt",), "")] + YES_NO["rules"],
                   "letters": YES_NO["letters"]},
    "sex": {"codes": {"M": "M", "F": "F", "U": "U", "1": "M", "2": "F", "0": "U", "9": "U"},
            "rules": [(("female",), "F"), (("male",), "M"), (("woman",), "F"), (("girl",), "F"), (("man",), "M"),
                      (("boy",), "M"), (("not",), "U"), (("unknown",), "U"), (("unborn",), "U"),
                      (("neither",), "U"), (("indeterminate",), "U"), (("binary",), "U"), (("withheld",), "U"),
                      (("unspecified",), "U")],
            "letters": {"a": "M", "b": "F", "c": "U", "d": "U"}},
    "ethnicity": {
        "codes": {c: c for c in ("WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
                                 "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT")},
        "rules": [(("white", "british"), "WBRI"), (("english",), "WBRI"), (("traveller",), "WIRT"),
                  (("gypsy",), "WROM"), (("roma",), "WROM"), (("white", "irish"), "WIRI"),
                  (("white", "caribbean"), "MWBC"), (("white", "african"), "MWBA"), (("white", "asian"), "MWAS"),
                  (("mixed",), "MOTH"), (("indian",), "AIND"), (("pakistani",), "APKN"), (("bangladeshi",), "ABAN"),
                  (("caribbean",), "BCRB"), (("african",), "BAFR"), (("chinese",), "CHNE"), (("asian",), "AOTH"),
                  (("black",), "BOTH"), (("white",), "WOTH"), (("irish",), "WIRI"), (("refused",), "REFU"),
                  (("declined",), "REFU"), (("not",), "NOBT"), (("unknown",), "NOBT"), (("other",), "OOTH")],
        "letters": {}},
    # Contact and referral source: CIN census ReferralSource codes (data-standards.md §3).
    "referral_source": {
        "codes": {c: c for c in ("1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A",
                                 "5B", "5C", "5D", "6", "7", "8", "9", "10")},
        "rules": [(("police",), "6"), (("school", "nurse"), "3C"), (("health", "visitor"), "3B"), (("gp",), "3A"),
                  (("a", "e"), "3E"), (("hospital",), "3E"), (("early", "help"), "5D"), (("school*",), "2A"),
                  (("education",), "2B"), (("health",), "3F"), (("housing",), "4"), (("social", "care"), "5A"),
                  (("legal",), "7"), (("probation",), "7"), (("court",), "7"), (("anonymous",), "9"),
                  (("self",), "1C"), (("family",), "1A"), (("relative",), "1A"), (("parent*",), "1A"),
                  (("acquaintance",), "1B"), (("neighbour",), "1B"), (("friend",), "1B"), (("individual",), "1D"),
                  (("unknown",), "10"), (("not", "known"), "10"), (("other",), "8")],
        "letters": {}},
    "category_of_need": {
        "codes": {f"N{i}": f"N{i}" for i in range(10)},
        "rules": [(("abuse",), "N1"), (("neglect",), "N1"), (("disability",), "N2"), (("illness",), "N3"),
                  (("acute",), "N4"), (("dysfunction",), "N5"), (("socially",), "N6"), (("income",), "N7"),
                  (("absent",), "N8"), (("not", "cin"), "N9"), (("not", "in", "need"), "N9"), (("not", "stated"), "N0")],
        "letters": {"a": "N1", "b": "N2", "c": "N3", "d": "N4", "e": "N5", "f": "N6", "g": "N7", "h": "N8", "i": "N9",
                    "j": "N0"}},
    # CIN census ReasonForClosure RC1-RC9; "i) Not stated" is left blank.
    "closure_reason": {
        "codes": {f"RC{i}": f"RC{i}" for i in range(1, 10)},
        "rules": [(("adopted",), "RC1"), (("died",), "RC2"), (("residence",), "RC3"), (("arrangement*",), "RC3"),
                  (("guardianship",), "RC4"), (("sgo",), "RC4"), (("another",), "RC5"), (("adult*",), "RC6"),
                  (("early", "help"), "RC9"), (("after", "assessment"), "RC8"), (("not", "stated"), ""),
                  (("no", "longer"), "RC7"), (("other",), "RC7")],
        "letters": {"a": "RC1", "b": "RC2", "c": "RC3", "d": "RC4", "e": "RC5", "f": "RC6", "g": "RC7", "h": "RC8",
                    "i": ""}},
    # List 6 case status at the extract date (used to tell a CIN visit from a CP or CLA one; not stored).
    "case_status": {
        "codes": {"CLA": "CLA", "LAC": "CLA", "CP": "CP", "CPP": "CP", "CIN": "CIN"},
        "rules": [(("looked",), "CLA"), (("protection",), "CP"), (("need",), "CIN"), (("assessment",), "ASSESSMENT"),
                  (("asmt",), "ASSESSMENT"), (("clos*",), "CLOSED"), (("leaver",), "CLOSED")],
        "letters": {"a": "CLA", "b": "CP", "c": "CIN", "d": "ASSESSMENT", "e": "CLOSED"}},
    "category_of_abuse": {
        "codes": {c: c for c in ("NEG", "PHY", "SAB", "EMO", "MUL")},
        "rules": [(("neglect",), "NEG"), (("physical",), "PHY"), (("sexual",), "SAB"), (("emotional",), "EMO"),
                  (("multiple",), "MUL"), (("mixed",), "MUL")],
        "letters": {"a": "NEG", "b": "PHY", "c": "SAB", "d": "EMO", "e": "MUL"}},
    # 903 LS. Letters are liia's groups; f) and g) each hold three codes, so they stay as written.
    "legal_status": {
        "codes": {c: c for c in ("C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3")},
        "rules": [(("interim",), "C1"), (("ico",), "C1"), (("full", "care"), "C2"), (("fco",), "C2"),
                  (("freed",), "D1"), (("freeing",), "D1"), (("placement", "order"), "E1"),
                  (("police", "protection"), "L1"), (("emergency", "protection"), "L2"),
                  (("child", "assessment", "order"), "L3"), (("section", "20"), "V2"), (("s20",), "V2"),
                  (("accommodated",), "V2"), (("remand*",), "J1"), (("pace",), "J2"), (("rehabilitation",), "J3"),
                  (("care", "order"), "C2")],
        "letters": {"a": "C1", "b": "C2", "c": "D1", "d": "E1", "e": "V2"}},
    # 903 PLACE. Template letters differ between versions ("f) U6" in one, "a) Foster" in another): codes or words only.
    "placement_type": {
        "codes": {c: c for c in ("A3", "A4", "A5", "A6", "H5", "K1", "K2", "K3", "P1", "P2", "P3", "R1", "R2", "R3",
                                 "R5", "S1", "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1",
                                 "Z11", "Z12", "Z13", "Z14")},
        "rules": [(("placed", "with", "parent*"), "P1"), (("own", "parent*"), "P1"), (("independent", "living"), "P2"),
                  (("residential", "employment"), "P3"), (("secure",), "K1"), (("children", "s", "home*"), "K2"),
                  (("childrens", "home*"), "K2"), (("residential", "care", "home"), "R1"), (("nhs",), "R2"),
                  (("mother", "baby"), "R3"), (("family", "centre"), "R3"), (("young", "offender*"), "R5"),
                  (("residential", "school"), "S1"), (("supported", "accommodation"), "K3"),
                  (("semi", "independent"), "H5")],
        "letters": {}},
    "placement_provider": {
        "codes": {c: c for c in ("PR0", "PR1", "PR2", "PR3", "PR4", "PR5")},
        "rules": [(("parent*",), "PR0"), (("own",), "PR1"), (("other", "la"), "PR2"), (("other", "local"), "PR2"),
                  (("public",), "PR3"), (("private",), "PR4"), (("voluntary",), "PR5"), (("third", "sector"), "PR5")],
        "letters": {}},
    # 903 REC. Letters again differ between versions ("k) E47" in the sample, "g) SGO" in liia's groups).
    "reason_episode_ceased": {
        "codes": {c: c for c in ("X1", "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E45",
                                 "E46", "E47", "E48", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9")},
        "rules": [(("died",), "E2"), (("another", "la"), "E3"), (("another", "local"), "E3"),
                  (("residence", "order"), "E41"), (("arrangement*",), "E41"), (("adult",), "E7"),
                  (("custody",), "E9"), (("remand",), "E14"), (("age", "assessment"), "E15"), (("abroad",), "E16"),
                  (("staying", "put"), "E17")],
        "letters": {}},
    # Care leavers (list 9). In touch: 903 IN_TOUCH codes.
    "in_touch": {
        "codes": {c: c for c in ("YES", "NO", "DIED", "REFU", "NREQ", "RHOM")},
        "rules": [(("not", "in", "touch"), "NO"), (("in", "touch"), "YES"), (("died",), "DIED"), (("refus*",), "REFU"),
                  (("not", "required"), "NREQ"), (("returned", "home"), "RHOM"), (("not", "recorded"), ""),
                  (("yes",), "YES"), (("no",), "NO")],
        "letters": {"a": "YES", "b": "NO", "c": ""}},
    # Accommodation type: the 903 OC3 ACCOM letter (data-standards.md §2: a)-p) = B C D E G H K R S T U V W X Z Y).
    "accommodation": {
        "codes": {c: c for c in "BCDEGHKRSTUVWXYZ"},
        "rules": [(("former", "foster"), "Z"), (("staying", "put"), "Z"), (("parents",), "B"), (("relatives",), "B"),
                  (("community", "home"), "C"), (("semi", "independent"), "D"), (("supported", "lodgings"), "E"),
                  (("abroad",), "G"), (("deported",), "H"), (("ordinary", "lodgings"), "K"), (("not", "known"), "R"),
                  (("no", "fixed"), "S"), (("homeless",), "S"), (("foyer*",), "T"), (("independent", "living"), "U"),
                  (("emergency",), "V"), (("bed", "breakfast"), "W"), (("custody",), "X"), (("other",), "Y")],
        "letters": dict(zip("abcdefghijklmnop", "BCDEGHKRSTUVWXZY"))},
    "suitability": {
        "codes": {},
        "rules": [(("not", "suitable"), "2"), (("unsuitable",), "2"), (("suitable",), "1"), (("not", "in", "touch"), ""),
                  (("exclude",), "")],
        "letters": {"a": "1", "b": "2", "c": "", "d": ""}},
    # 903 OC3 ACTIV.
    "activity": {
        "codes": {c: c for c in ("F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5", "G4", "G5", "G6")},
        "rules": [], "letters": {}},
    # Care leaver category, written as model.tables documents it.
    "eligibility": {
        "codes": {},
        "rules": [(("former",), "former relevant"), (("relevant",), "relevant"), (("qualifying",), "qualifying"),
                  (("eligible",), "eligible"), (("other",), "other")],
        "letters": {"a": "relevant", "b": "former relevant", "c": "qualifying", "d": "eligible", "e": "other"}},
    # 903 REASON_PLACED_CEASED RD1-RD4.
    "adoption_reversed": {
        "codes": {f"RD{i}": f"RD{i}" for i in range(1, 5)},
        "rules": [(("needs",), "RD1"), (("placement", "order"), "RD2"), (("adopters",), "RD3"), (("other",), "RD4")],
        "letters": {"a": "RD1", "b": "RD2", "c": "RD3", "d": "RD4"}},
    # Why an adopter left the process (no national code list): words as the template has them.
    "adopter_left": {
        "codes": {"1": "Withdrew", "2": "Process on hold", "3": "Application refused"},
        "rules": [(("withdr*",), "Withdrew"), (("hold",), "Process on hold"), (("refused",), "Application refused")],
        "letters": {"a": "Withdrew", "b": "Process on hold", "c": "Application refused"}},
}

# Which domain each field's values belong to.
FIELD_DOMAIN = {
    "sex": "sex", "ethnicity": "ethnicity", "disability": "disability", "contact_source": "referral_source",
    "referral_source": "referral_source", "nfa": "nfa", "seen": "yes_no", "icpc_unnecessary": "yes_no",
    "icpc_plan": "yes_no", "need": "category_of_need", "closure_reason": "closure_reason", "case_status": "case_status",
    "initial_category": "category_of_abuse", "latest_category": "category_of_abuse", "seen_alone": "yes_no",
    "epo": "yes_no", "uasc": "uasc", "legal_status": "legal_status", "placement_type": "placement_type",
    "provider": "placement_provider", "reason_ceased": "reason_episode_ceased", "in_touch": "in_touch",
    "accommodation": "accommodation", "suitability": "suitability", "activity": "activity",
    "eligibility": "eligibility", "reversed_reason": "adoption_reversed", "ffa": "yes_no", "left_reason": "adopter_left",
}

# ---- how the current template writes each code (the synthetic council's workbook) ------------------

YES, NO = "a) Yes", "b) No"
SEX_LABEL = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded"}
ETHNICITY_LABEL = {c: f"{letter}) {c}" for letter, c in zip(
    "abcdefghijklmnopqrst", ("WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
                             "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "NOBT", "REFU"))}
SOURCE_LABEL = {
    "1A": "a) 1A: Individual", "1B": "b) 1B: Individual", "1C": "c) 1C: Individual", "1D": "d) 1D: Individual",
    "2A": "e) 2A: Schools", "2B": "f) 2B: Education services", "3A": "g) 3A: Health services",
    "3B": "h) 3B: Health services", "3C": "i) 3C: Health services", "3D": "j) 3D: Health services",
    "3E": "k) 3E: Health services", "3F": "l) 3F: Health services", "4": "m) 4: Housing", "5A": "n) 5A: LA services",
    "5B": "o) 5B: LA services", "5C": "p) 5C: LA services", "5D": "5D: LA services - early help", "6": "q) 6: Police",
    "7": "r) 7: Other legal agency", "8": "s) 8: Other", "9": "t) 9: Anonymous", "10": "u) 10: Unknown",
}
NEED_LABEL = {"N1": "a) N1 - Abuse or neglect", "N2": "b) N2 - Child's disability",
              "N3": "c) N3 - Parental illness/disability", "N4": "d) N4 - Family in acute stress",
              "N5": "e) N5 - Family dysfunction", "N6": "f) N6 - Socially unacceptable behaviour",
              "N7": "g) N7 - Low income", "N8": "h) N8 - Absent parenting", "N9": "i) N9 - Not in need",
              "N0": "j) N0 - Not stated"}
CLOSURE_LABEL = {"RC1": "a) Adopted", "RC2": "b) Died", "RC3": "c) Child arrangements order",
                 "RC4": "d) Special Guardianship Order", "RC5": "e) Transferred to services of another LA",
                 "RC6": "f) Transferred to Adult Social Services", "RC7": "g) 'Other' incl. Child no longer in need",
                 "RC8": "h) Child not in need after assessment", "RC9": "RC9 - Case closed after assessment, referred to early help"}
CASE_STATUS_LABEL = {"CLA": "a) Looked after child", "CP": "b) Child Protection plan", "CIN": "c) Child in need plan",
                     "ASSESSMENT": "d) Open assessment", "CLOSED": "e) Closed episode"}
ABUSE_LABEL = {"NEG": "a) Neglect", "PHY": "b) Physical abuse", "SAB": "c) Sexual abuse", "EMO": "d) Emotional abuse",
               "MUL": "e) Multiple"}
PERMANENCE_LABEL = {"home": "a) Return to family", "adoption": "b) Adoption", "sgo": "c) SGO/CAO",
                    "supported": "d) Supported living in the community", "residential": "e) Long-term residential placement",
                    "fostering": "f) Long-term fostering", "other": "g) Other"}
ELIGIBILITY_LABEL = {"relevant": "a) Relevant child", "former relevant": "b) Former relevant child"}
IN_TOUCH_LABEL = {"YES": "a) In touch", "NO": "b) Not in touch", "REFU": "b) Not in touch",
                  "NREQ": "c) Not recorded", "DIED": "d) Exclude (Died)", "RHOM": "d) Exclude (Returned home)"}
ACCOMMODATION_LABEL = {"B": "B: With parents or relatives", "C": "C: Community home", "D": "D: Semi-independent",
                       "E": "E: Supported lodgings", "G": "G: Gone abroad", "H": "H: Deported",
                       "K": "K: Ordinary lodgings", "R": "R: Residence not known", "S": "S: No fixed abode/homeless",
                       "T": "T: Foyers", "U": "U: Independent living", "V": "V: Emergency accommodation",
                       "W": "W: Bed and breakfast", "X": "X: In custody", "Y": "Y: Other accommodation",
                       "Z": "Z: With former foster carers"}
SUITABILITY_LABEL = {"1": "a) Suitable", "2": "b) Not suitable"}
ACTIVITY_LABEL = {"F1": "F1: Full time in higher education", "P1": "P1: Part time in higher education",
                  "F2": "F2: Full time in education other than higher", "P2": "P2: Part time in education other than higher",
                  "F3": "F3: Full time in training or employment", "P3": "P3: Part time in training or employment",
                  "F4": "F4: Full time apprenticeship", "P4": "P4: Part time apprenticeship",
                  "F5": "F5: Full time in training or employment", "P5": "P5: Part time in training or employment",
                  "G4": "G4: NEET - illness or disability", "G5": "G5: NEET - other",
                  "G6": "G6: NEET - pregnancy or parenting"}
REVERSED_LABEL = {"RD1": "a) RD1 - The child's needs changed subsequent to the decision",
                  "RD2": "b) RD2 - The Court did not make a placement order",
                  "RD3": "c) RD3 - Prospective adopters could not be found", "RD4": "d) RD4 - Any other reason"}
LEFT_LABEL = {"Withdrew": "a) Withdrew", "Process on hold": "b) Process on hold",
              "Application refused": "c) Application refused"}
