"""SSDA903 (children looked after return) CSV layouts.

Column lists as the DfE specifies them and the D2I validator checks them (data-standards.md §1.1).
A 903 file repeats every child's header and every open episode each collection year; when several
years are loaded together the later year's row wins (see `sources.load`).
"""

from __future__ import annotations

from cscperf.model import codes
from cscperf.sources.layouts import Layout


def _903(name, table, columns, optional=(), known=(), values=None):
    return Layout(f"SSDA903 {name}", "ssda903", table, columns, frozenset(optional), frozenset(known),
                  values or {}, priority=1)


LAYOUTS = [
    _903("header", "persons",
         {"CHILD": "person_id", "SEX": "sex", "DOB": "dob", "ETHNIC": "ethnicity", "UPN": "upn",
          "MOTHER": "is_mother", "MC_DOB": "mother_child_dob"},
         optional=("UPN", "MOTHER", "MC_DOB"), values={"sex": codes.SEX_FROM_903}),
    _903("episodes", "cla_episodes",
         {"CHILD": "person_id", "DECOM": "start_date", "RNE": "rne", "LS": "legal_status",
          "CIN": "category_of_need", "PLACE": "placement_type", "PLACE_PROVIDER": "placement_provider",
          "DEC": "end_date", "REC": "reason_ceased", "REASON_PLACE_CHANGE": "reason_place_change",
          "HOME_POST": "home_postcode", "PL_POST": "placement_postcode", "URN": "urn"},
         optional=("URN", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "PLACE_PROVIDER")),
    _903("reviews", "cla_reviews", {"CHILD": "person_id", "REVIEW": "review_date", "REVIEW_CODE": "participation"},
         known=("DOB",)),
    _903("UASC", "uasc", {"CHILD": "person_id", "DUC": "uasc_ceased_date"}, known=("SEX", "DOB")),
    _903("OC2", "cla_outcomes",
         {"CHILD": "person_id", "SDQ_SCORE": "sdq_score", "SDQ_REASON": "sdq_reason", "CONVICTED": "convicted",
          "HEALTH_CHECK": "health_check", "IMMUNISATIONS": "immunisations", "TEETH_CHECK": "teeth_check",
          "HEALTH_ASSESSMENT": "health_assessment", "SUBSTANCE_MISUSE": "substance_misuse",
          "INTERVENTION_RECEIVED": "intervention_received", "INTERVENTION_OFFERED": "intervention_offered"},
         known=("DOB",)),
    _903("OC3", "care_leavers", {"CHILD": "person_id", "IN_TOUCH": "in_touch", "ACTIV": "activity", "ACCOM": "accommodation"},
         known=("DOB",)),
    _903("AD1", "adoptions",
         {"CHILD": "person_id", "DATE_INT": "date_interest", "DATE_MATCH": "date_match", "FOSTER_CARE": "foster_care",
          "NB_ADOPTR": "number_adopters", "SEX_ADOPTR": "sex_adopters", "LS_ADOPTR": "ls_adopters"},
         known=("DOB",)),
    _903("placed for adoption", "placed_for_adoption",
         {"CHILD": "person_id", "DATE_PLACED": "date_placed", "DATE_PLACED_CEASED": "date_placed_ceased",
          "REASON_PLACED_CEASED": "reason_placed_ceased"}, known=("DOB",)),
    _903("previous permanence", "previous_permanence",
         {"CHILD": "person_id", "PREV_PERM": "previous_permanence", "LA_PERM": "la_permanence", "DATE_PERM": "date_permanence"},
         optional=("LA_PERM",), known=("DOB",)),
    _903("missing", "missing_episodes",
         {"CHILD": "person_id", "MISSING": "missing_type", "MIS_START": "start_date", "MIS_END": "end_date"},
         known=("DOB",)),
    _903("social worker episodes", "sw_episodes",
         {"CHILD": "person_id", "SW_ID": "sw_id", "SW_DECOM": "start_date", "SW_DEC": "end_date", "SW_REASON": "reason"},
         known=("DOB",)),
    _903("deprivation of liberty orders", "deprivation_of_liberty",
         {"CHILD": "person_id", "DOLO_START": "start_date", "DOLO_END": "end_date"}, known=("DOB",)),
]
