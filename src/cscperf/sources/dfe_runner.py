"""Runs Data to Insight's DfE validators; executed by `sources.dfe` with the Python of the isolated
environment where they are installed, never imported by cscperf (it needs pandas<2).

Reads a job as JSON on stdin, writes findings as JSON on stdout; everything the validators print or
log goes to stderr. Kept to the standard library and the validators, in Python 3.9 syntax.

Job: {"runs": [{"id": str, "kind": "903", "year": "2024", "la": "E10000016",
                "this": {"Episodes": "path.csv", ...}, "prev": {...}},
               {"id": str, "kind": "cin", "year": "2024", "path": "file.xml"}, ...]}
Out: {"versions": {...}, "results": [{"id", "ruleset": "lac2023_24", "findings": [{"table", "row", "child",
       "code", "message", "columns": [...]}], "notes": [str], "error": str | None}]}
A year the validator has no rules for is checked with the rules of the nearest year it has.
"""

import contextlib
import json
import logging
import sys
import warnings


def _version(dist):
    try:
        from importlib.metadata import version
        return version(dist)
    except Exception:  # noqa: BLE001 - any failure: unknown
        return None


def _rulesets(package, prefix):
    import importlib
    import pkgutil
    rules = importlib.import_module(package + ".rules")
    return sorted(m.name for m in pkgutil.iter_modules(rules.__path__) if m.name.startswith(prefix))


def _registry(package, prefix, year):
    """The rules of a collection year ("2024" = 2023/24), or of the nearest year the validator has, and
    the name of the rule set used."""
    import importlib
    available = _rulesets(package, prefix)
    wanted = "%s%d_%s" % (prefix, int(year) - 1, year[2:4])
    if wanted not in available:
        end_year = lambda name: int(name[len(prefix):len(prefix) + 4]) + 1   # noqa: E731
        wanted = min(available, key=lambda name: abs(end_year(name) - int(year)))
    return importlib.import_module("%s.rules.%s" % (package, wanted)).registry, wanted


def run_903(run):
    import pandas as pd
    from lac_validator import lac_validator
    from lac_validator.config import column_names
    from lac_validator.report import Report

    registry, ruleset = _registry("lac_validator", "lac", run["year"])
    files = []
    for description, tables in (("This year", run["this"]), ("Prev year", run.get("prev") or {})):
        for table, path in tables.items():
            df = pd.read_csv(path, dtype=str, keep_default_na=False)
            df = df.reindex(columns=column_names[table], fill_value="")   # exactly the columns it expects
            files.append({"name": table + ".csv", "description": description,
                          "file_content": df.to_csv(index=False).encode("utf-8")})
    v = lac_validator.LacValidator(metadata={"collectionYear": run["year"], "localAuthority": run["la"]},
                                   files=files, registry=registry)
    notes = ["rule %s could not run on this data" % code for code in v.fails]
    report = Report(v.ds_results, registry)
    if not any(c.startswith("ERR_") for c in report.report.columns):
        return {"findings": [], "notes": notes, "ruleset": ruleset}
    issues = lac_validator.create_issue_df(report.report, report.error_report)
    found = {}
    for r in issues.itertuples(index=False):
        key = (r.tables_affected, int(r.row_id), str(r.rule_code))
        if key not in found:
            found[key] = {"table": r.tables_affected, "row": int(r.row_id), "child": str(r.child_id),
                          "code": str(r.rule_code), "message": str(r.rule_description), "columns": []}
        if isinstance(r.columns_affected, str) and r.columns_affected not in found[key]["columns"]:
            found[key]["columns"].append(r.columns_affected)
    return {"findings": list(found.values()), "notes": notes, "ruleset": ruleset}


def run_cin(run):
    import xml.etree.ElementTree as ET

    import pandas as pd
    from cin_validator import cin_validator

    registry, ruleset = _registry("cin_validator", "cin", run["year"])
    root = ET.parse(run["path"]).getroot()
    data = cin_validator.process_data(cin_validator.convert_data(root))
    v = cin_validator.CinValidator(data, registry)
    findings = {}
    for r in v.full_issue_df.to_dict("records"):
        child = r.get("child_id")
        child = None if child is None or (isinstance(child, float) and pd.isna(child)) else str(child)
        key = (r.get("tables_affected"), str(r.get("row_id")), str(r["rule_code"]), child)
        if key not in findings:
            findings[key] = {"table": r.get("tables_affected"), "row": None, "child": child,
                             "code": str(r["rule_code"]), "message": str(r["rule_description"]), "columns": []}
        col = r.get("columns_affected")
        if isinstance(col, str) and col not in findings[key]["columns"]:
            findings[key]["columns"].append(col)
    for r in v.multichild_issues.to_dict("records"):       # about the return as a whole, not a child
        findings[("", "", str(r["rule_code"]), None)] = {
            "table": None, "row": None, "child": None, "code": str(r["rule_code"]),
            "message": str(r["rule_description"]), "columns": []}
    return {"findings": list(findings.values()), "notes": [], "ruleset": ruleset}


def main():
    job = json.load(sys.stdin)
    out = sys.stdout
    sys.stdout = sys.stderr                     # the validators print as they go
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    result = {"versions": {"csc-validator-be-903": _version("csc-validator-be-903"),
                           "csc-validator-be-cin": _version("csc-validator-be-cin")}, "results": []}
    for run in job["runs"]:
        try:
            with contextlib.redirect_stdout(sys.stderr):
                res = run_903(run) if run["kind"] == "903" else run_cin(run)
        except Exception as e:  # noqa: BLE001 - one failed run must not lose the others
            res = {"findings": [], "notes": [], "error": "%s: %s" % (type(e).__name__, e)}
        res["id"] = run["id"]
        result["results"].append(res)
    json.dump(result, out)


if __name__ == "__main__":
    main()
