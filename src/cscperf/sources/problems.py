"""What a reader found wrong with a file, said so that a data team can act on it."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"      # the value cannot be used; the load stops (or the row is rejected, if asked)
WARNING = "warning"  # the value is kept, but looks wrong


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None        # line in the file, 1 = the header
    column: str | None     # the column as named in the file
    value: str | None
    rule: str              # a short stable name, e.g. "date", "required", "header"
    message: str           # what was expected, in words
    severity: str = ERROR

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
