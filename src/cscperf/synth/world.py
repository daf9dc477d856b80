"""The simulated council's records, before any file is written.

Dates are day ordinals (`date.toordinal()`); None means "not yet" (still open). A simulation may run
past the extract date; the writers censor everything to what the council's systems would hold on
the extract date (or on 31 March, for a 903 year), so the world itself is never cut.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True, eq=False)
class Family:
    no: int
    locality: int
    home_post: str
    children: list[Child] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Child:
    pid: str
    sex: str                      # M or F
    dob: int
    ethnicity: str
    upn: str
    family: Family
    disability: bool = False
    uasc: bool = False
    prior_plans: int = 0          # CP plans before our records begin (other LAs, older history)
    plans: int = 0                # CP plans so far in the simulation
    mother_child_dob: int | None = None
    missing_rate: float = 0.0     # missing incidents a year while looked after (0 = never goes missing)
    left_care: int | None = None  # the day they left care as a care leaver (903 OC3 cohort from then)
    periods: list[CarePeriod] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Referral:
    id: str
    child: Child
    date: int
    source: str
    need: str
    nfa: bool = False
    closure: int | None = None
    reason: str | None = None


@dataclass(slots=True, eq=False)
class Assessment:
    id: str
    child: Child
    referral: Referral
    start: int
    authorised: int | None
    seen: bool


@dataclass(slots=True, eq=False)
class S47:
    id: str
    child: Child
    referral: Referral
    start: int
    end: int | None


@dataclass(slots=True, eq=False)
class ICPC:
    id: str
    s47: S47 | None               # None for a transfer-in conference
    child: Child
    date: int
    plan: bool
    transfer_in: bool = False


@dataclass(slots=True, eq=False)
class Plan:
    id: str
    child: Child
    start: int
    end: int | None
    initial: str
    latest: str
    previous: int


@dataclass(slots=True, eq=False)
class Visit:
    child: Child
    type: str                     # CP, CIN, CLA
    date: int
    seen: bool
    alone: bool
    location: str


@dataclass(slots=True, eq=False)
class Episode:
    start: int
    rne: str
    ls: str
    cin: str
    place: str
    provider: str
    home_post: str
    pl_post: str
    urn: str
    end: int | None = None
    rec: str | None = None
    reason_change: str | None = None


@dataclass(slots=True, eq=False)
class Adoption:
    decision: int                 # ADM: should be placed for adoption (903 DATE_PLACED / AD1 DATE_INT)
    match: int | None = None
    placed: int | None = None
    order: int | None = None
    reversed: int | None = None   # decision that the child should no longer be placed
    reversed_reason: str | None = None
    foster_carers: bool = False
    adopters: int = 2
    adopters_sex: str = "MF"
    adopters_ls: str = "L0"


@dataclass(slots=True, eq=False)
class CarePeriod:
    child: Child
    start: int
    end: int | None               # None: still looked after when the simulation stops
    rec: str | None
    episodes: list[Episode]
    short_breaks: bool = False
    reviews: list[tuple[int, str]] = field(default_factory=list)
    adoption: Adoption | None = None
    prev_perm: tuple[str, str] = ("Z1", "")   # PREV_PERM, DATE_PERM as written


@dataclass(slots=True, eq=False)
class Missing:
    child: Child
    type: str                     # M or A
    start: int
    end: int | None
    where: str
    out_of_area: bool
    in_care: bool
    offered: bool | None = None
    accepted: bool | None = None
    rhi_date: int | None = None
    reasons: str = ""


@dataclass(slots=True, eq=False)
class Proceedings:
    id: str
    child: Child
    issue: int
    court: str
    final: int | None
    order: str | None


@dataclass(slots=True, eq=False)
class Segment:
    """A stretch of a child's open case that one service holds (what allocations must cover)."""
    child: Child
    service: str                  # ASSESSMENT, SAFEGUARDING, CLA, LEAVING_CARE
    start: int
    end: int | None


@dataclass
class World:
    families: list[Family] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    s47s: list[S47] = field(default_factory=list)
    icpcs: list[ICPC] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    periods: list[CarePeriod] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    proceedings: list[Proceedings] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    # CIN support (not CP, not looked after) stretches, for CIN visits: (child, start, end)
    cin_support: list[tuple[Child, int, int | None]] = field(default_factory=list)
