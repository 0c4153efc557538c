"""Vocabularies of the RACI matrix."""

from django.db import models


class Letter(models.TextChoices):
    """What a role does for an activity. A cell may hold several (R and A together is common)."""

    RESPONSIBLE = "R", "Responsible"
    ACCOUNTABLE = "A", "Accountable"
    CONSULTED = "C", "Consulted"
    INFORMED = "I", "Informed"


LETTER_ORDER = [letter.value for letter in Letter]  # R, A, C, I: how a cell spells its letters


class ActivityKind(models.TextChoices):
    GATE = "gate", "Stage gate"
    DELIVERABLE = "deliverable", "Deliverable"
    CUSTOM = "custom", "Team activity"


def spell(letters) -> str:
    """Canonical spelling of a cell: the letters in R, A, C, I order, no separators ("RA", "CI")."""
    wanted = set(letters)
    return "".join(letter for letter in LETTER_ORDER if letter in wanted)


# Every value a cell can take, for the grid's select (the empty cell first).
CELL_VALUES = [
    spell(combo)
    for combo in sorted(
        {frozenset(letter for bit, letter in enumerate(LETTER_ORDER) if mask >> bit & 1) for mask in range(16)},
        key=lambda combo: (len(combo), [LETTER_ORDER.index(letter) for letter in spell(combo)]),
    )
]


# Column headers of the grid: short enough for ten columns; the full name is in the header's title.
ROLE_SHORT = {
    "executive_sponsor": "Exec. Sponsor",
    "product_owner": "Product Owner",
    "product_manager": "Product Mgr",
    "data_scientist": "Data Sci. / ML",
    "data_engineer": "Data Eng.",
    "mlops_engineer": "MLOps",
    "domain_sme": "Domain SME",
    "qa_engineer": "QA / Test",
    "compliance_officer": "Security / Compl.",
    "ethics_reviewer": "Ethics / Fairness",
}
