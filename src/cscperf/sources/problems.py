"""What a reader found wrong with a file, said so that a data team can act on it.

Severities: an *error* means the row (or the file) cannot be used: the default load stops and loads
nothing, `--reject-bad-rows` leaves the row out and loads the rest. A *warning* means the value is
kept but looks wrong. A *note* (info) says something about the load a data team should know (a rule
set that could not be run, a file read in another encoding) and is not a fault.

`RULES` explains each rule in plain English, with what to do about it: the data-quality report and
`cscperf validate` show it next to the problems.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"      # the value cannot be used; the load stops (or the row is rejected, if asked)
WARNING = "warning"  # the value is kept, but looks wrong
INFO = "info"        # not a fault: something the data team should know about the load


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None        # line in the file, 1 = the header
    column: str | None     # the column as named in the file
    value: str | None
    rule: str              # a short stable name, e.g. "date", "required", "header"
    message: str           # what was expected, in words
    severity: str = ERROR
    count: int = 1         # rows this problem stands for (>1: a summary of rows not listed one by one)

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        value = f" (found {self.value!r})" if self.value not in (None, "") else ""
        return f"{', '.join(where)}: {self.message}{value}"

    def as_dict(self) -> dict:
        return asdict(self)


class LoadError(Exception):
    """Raised when a load cannot go ahead; `problems` says why, file by file and row by row."""

    def __init__(self, problems: list[Problem], summary: str | None = None):
        self.problems = problems
        errors = [p for p in problems if p.severity == ERROR]
        first = str(errors[0]) if errors else "no details"
        more = f" (and {len(errors) - 1} more errors)" if len(errors) > 1 else ""
        super().__init__(summary or f"{first}{more}")


@dataclass(frozen=True)
class Rule:
    title: str       # what went wrong, in a few words
    action: str      # what a data officer should do about it


# Every rule cscperf reports, in plain English. Rules from the DfE's own validators are "dfe:<code>"
# and carry the DfE's message instead (`rule_info`).
RULES: dict[str, Rule] = {
    "missing-file": Rule("File or folder not found", "Check the path given to cscperf."),
    "format": Rule("Not a format cscperf reads",
                   "The file was skipped. If it should have been read, check it is an SSDA903 CSV or XML, a CIN census "
                   "XML, an Annex A workbook, a workforce census XML or a cscperf template (`cscperf template TABLE`)."),
    "unreadable": Rule("File could not be read", "The whole file was left out. Open it in the system that wrote it and "
                                                 "export it again; check it is not truncated or password-protected."),
    "empty": Rule("Empty file", "Nothing to load; check the export ran."),
    "header": Rule("Header row not recognised",
                   "The whole file was left out. Compare its first row with the column names the message lists "
                   "(or `cscperf template TABLE`) and correct the header."),
    "extra-column": Rule("Column not used", "No action needed unless the column was meant to be loaded under another name."),
    "encoding": Rule("Characters in a mixed encoding",
                     "The rows named were read as Windows-1252 while the rest of the file is UTF-8. Check the names and "
                     "postcodes in those rows, and save the file again as 'CSV UTF-8'."),
    "row-length": Rule("Row has the wrong number of values",
                       "The row cannot be lined up with the columns and was left out. The file may be truncated (check "
                       "its last row), or a value may contain an unquoted comma or line break."),
    "date": Rule("Not a date", "Write dates as dd/mm/yyyy or yyyy-mm-dd, with a four-digit year, and check the day exists."),
    "int": Rule("Not a whole number", "Write a whole number, without text or decimals."),
    "float": Rule("Not a number", "Write a number, without text or units."),
    "bool": Rule("Not yes or no", "Write Y or N (or 1 and 0, true and false)."),
    "required": Rule("Required value missing", "Fill in the value; the row cannot be used without it."),
    "code": Rule("Code not in the list",
                 "The value was kept but will not match any breakdown or rule. Use a code from the list the message "
                 "names (see the DfE guidance for the collection year)."),
    "date-order": Rule("Dates in the wrong order",
                       "A record cannot end before it starts. Check both dates in the system and correct the wrong one."),
    "future-date": Rule("Date in the future (after the extract date, or today)",
                        "An event cannot be recorded before it happens. Check the year (a typing slip such as 2042 for "
                        "2024), or give the right --extract-date."),
    "duplicate": Rule("Same record twice in one file",
                      "The later row was used. Remove the duplicate, or correct its date if they are two different records."),
    "orphan": Rule("No child record for this child",
                   "The record was kept, but without the child's date of birth, sex or ethnicity it is left out of "
                   "breakdowns. Add the child to the header / persons file, or check the child's ID (leading zeros)."),
    "unknown-s47": Rule("Conference with no matching section 47 enquiry",
                        "Check the enquiry ID on the conference, or add the enquiry to the extract."),
    "unknown-worker": Rule("Worker not in the staff list",
                           "Add the worker to the professionals file, or correct the worker ID on the allocation."),
    "unknown-team": Rule("Team not in the team list", "Add the team to the teams file, or correct the team ID."),
    "visit-without-plan": Rule("Visit with no plan open on the day",
                               "Check the visit's type and date, and the start and end dates of the child's plan or "
                               "episode of care: the visit is not counted for a plan that was not open."),
    "before-birth": Rule("Before the child was born", "Check the child's date of birth and the date of the record."),
    "after-death": Rule("After the child died", "Check the date of death and the date of the record."),
    "overlap": Rule("Episodes of care overlap",
                    "A child can only have one episode of care at a time. End the earlier episode on the day the "
                    "next one starts (DEC of one = DECOM of the next)."),
    "long-plan": Rule("Child protection plan longer than 10 years",
                      "Check the plan's start date, and whether it should have been ended."),
    "episode-gap": Rule("Episode ends with X1 but no episode follows",
                        "REC X1 means a new episode starts on the same day. Add the missing episode, or correct REC "
                        "(e.g. to the reason the child left care) or DEC."),
    "dfe-rules": Rule("DfE validation rules", "See the note: the DfE's rules could not be run on some files."),
    # XML returns, the workforce census, SSD extracts and the year-by-year code lists.
    "xml": Rule("Not a readable XML return",
                "The whole file was left out. It may be truncated (compare its size with the original) or not the "
                "return it looks like; export it again from the system that wrote it."),
    "unknown-element": Rule("Element not in the layout",
                            "The element was not loaded. Check the file's layout (a newer or local version of the "
                            "return?); no action is needed if the element is not one cscperf uses."),
    "duplicate-child": Rule("Child returned twice",
                            "The second copy was not used. Merge the child's two records in the case management "
                            "system and export the return again."),
    "code-year": Rule("Code not valid in the file's collection year",
                      "The code was kept. Check it against the DfE guidance for that year (codes are added and "
                      "retired: K3 from 2024/25, Z11-Z14 from 2025/26, SEX M/F/U from 2025/26) and correct it, or "
                      "check the file is filed under the right year."),
    "schema": Rule("Does not conform to the return's schema",
                   "The file was read anyway. Correct the system's export so that the next return conforms; a "
                   "missing element the DfE requires will be rejected by the DfE's own checks."),
    "census-date": Rule("Census date missing", "The file was left out. Give the census reference date in its header."),
    "csww-id": Rule("Worker without an SWE number",
                    "The worker was given an id made from their details. Record their Social Work England number."),
    "csww-role": Rule("Worker without an OrgRole",
                      "The worker's role was inferred. Record the OrgRole in the workforce census."),
    "csww-repeated": Rule("Value given twice for one worker", "The first value was loaded; remove the other."),
    "skipped-table": Rule("Table recognised but not used",
                          "No action needed: cscperf does not use this table (the message says why)."),
}


def rule_info(rule: str) -> Rule:
    """The plain-English title and action for a rule (DfE rules: their code; unknown rules: the rule name)."""
    if rule in RULES:
        return RULES[rule]
    if rule.startswith("dfe:"):
        return Rule(f"DfE validation rule {rule[4:]}",
                    "This is one of the DfE's own checks on the return, run by Data to Insight's validator; the message "
                    "is the DfE's. The data was kept. Fix it in the case management system before the return is sent.")
    return Rule(rule, "See the message.")
