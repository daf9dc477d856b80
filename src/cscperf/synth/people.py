"""Who the children and staff are: ethnicity, pupil numbers, postcodes, names.

Blackwater is fictional: its postcodes use the area letters BW (not a real UK postcode area);
placements outside the county use other area letters. 903 postcodes are partial (outward code and
sector digit), as councils return them.
"""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate

# A shire county's mix (more White British than England's CLA population).
ETHNICITY = (("WBRI", 74), ("WOTH", 4), ("WIRI", 0.4), ("WIRT", 0.6), ("WROM", 0.8), ("MWBC", 3), ("MWBA", 1.2),
             ("MWAS", 1.6), ("MOTH", 2.6), ("AIND", 1.2), ("APKN", 2), ("ABAN", 0.6), ("AOTH", 1), ("BCRB", 1),
             ("BAFR", 1.8), ("BOTH", 0.6), ("CHNE", 0.2), ("OOTH", 1.4), ("REFU", 0.6), ("NOBT", 1.4))
UASC_ETHNICITY = (("BAFR", 35), ("OOTH", 30), ("AOTH", 20), ("WOTH", 12), ("BOTH", 3))

UPN_CHECK = "ABCDEFGHJKLMNPQRTUVWXYZ"
OTHER_AREAS = ("NG", "DE", "LE", "ST", "WS", "CV", "NN", "PE", "LN", "SK", "DN", "WR")

FIRST = ("Aisha", "Amy", "Andrew", "Beth", "Ben", "Callum", "Chloe", "Claire", "Daniel", "Dawn", "Emma", "Faisal",
         "Fiona", "Gareth", "Grace", "Hannah", "Imran", "Jade", "James", "Joanne", "Karen", "Kieran", "Laura",
         "Lee", "Lisa", "Mark", "Megan", "Michelle", "Naomi", "Nadia", "Oliver", "Priya", "Rachel", "Rebecca",
         "Richard", "Ruth", "Sam", "Sarah", "Sophie", "Stephen", "Tom", "Tracey", "Wendy", "Zainab")
LAST = ("Ahmed", "Allen", "Bailey", "Baker", "Begum", "Brown", "Clarke", "Cooper", "Davies", "Edwards", "Evans",
        "Fletcher", "Green", "Hall", "Harris", "Hughes", "Hussain", "Jackson", "James", "Johnson", "Jones", "Kaur",
        "Khan", "King", "Lewis", "Martin", "Moore", "Morris", "Murphy", "Patel", "Price", "Roberts", "Robinson",
        "Shaw", "Singh", "Smith", "Taylor", "Thomas", "Turner", "Walker", "Ward", "White", "Williams", "Wilson",
        "Wood", "Wright", "Young")


class Weighted:
    """A fixed categorical distribution, sampled with one uniform draw."""

    def __init__(self, pairs):
        self.values = [v for v, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))

    def __call__(self, rng: random.Random):
        return self.values[bisect(self.cum, rng.random() * self.cum[-1])]


ethnicity = Weighted(ETHNICITY)
uasc_ethnicity = Weighted(UASC_ETHNICITY)


def upn(rng: random.Random, la_code: str) -> str:
    """A unique pupil number in the DfE shape: check letter, LA number, 9 more digits."""
    digits = f"{la_code[-3:]}{int(rng.random() * 1e9):09d}"
    check = sum(int(d) * w for d, w in zip(digits, range(2, 14))) % 23
    return UPN_CHECK[check] + digits


def home_postcode(rng: random.Random) -> str:
    return f"BW{rng.randint(1, 24)} {rng.randint(1, 9)}"


def placement_postcode(rng: random.Random, in_area: bool) -> str:
    if in_area:
        return home_postcode(rng)
    return f"{rng.choice(OTHER_AREAS)}{rng.randint(1, 30)} {rng.randint(1, 9)}"


def urn(rng: random.Random) -> str:
    """An Ofsted unique reference number for a registered children's home or agency."""
    return f"SC{rng.randint(100000, 499999)}"


def staff_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"
