"""Scales, scores, bands and the 5x5 heat map: the arithmetic of the register, in one place.

Impact and likelihood are rated 1-5; a score is impact x likelihood (1-25).

Bands (the guide's Low / Medium / High):

* a level: 1-2 Low, 3 Medium, 4-5 High;
* a score: 1-4 Low, 5-10 Medium, 12-25 High (11 is not a product of two levels).

A one-word rating (the guide's sample extract) becomes the level nearest the
middle of its band: Low 2, Medium 3, High 4. Word pairs then land in the band a
reader expects: Low x Low = 4 (Low), Medium x Medium = 9 (Medium), High x High =
16 (High), High x Medium = 12 (High), High x Low = 8 (Medium).
"""

from dataclasses import dataclass

from .choices import Band, Impact, Likelihood

LEVELS = (1, 2, 3, 4, 5)
LOW_SCORE_MAX = 4
MEDIUM_SCORE_MAX = 10
BAND_SCORE_RANGES = {Band.LOW: (1, LOW_SCORE_MAX), Band.MEDIUM: (5, MEDIUM_SCORE_MAX), Band.HIGH: (12, 25)}
WORD_LEVELS = {Band.LOW: 2, Band.MEDIUM: 3, Band.HIGH: 4}


def level_band(level: int) -> Band:
    return Band.LOW if level <= 2 else Band.MEDIUM if level == 3 else Band.HIGH


def score_band(score: int) -> Band:
    return Band.LOW if score <= LOW_SCORE_MAX else Band.MEDIUM if score <= MEDIUM_SCORE_MAX else Band.HIGH


def residual_for_band(band: Band, *, impact: int, likelihood: int) -> tuple[int, int] | None:
    """Residual (impact, likelihood) for a one-word residual rating, or None if the band is out of reach.

    Mitigations mostly make a risk less likely, so the impact is kept and the
    likelihood lowered as little as the band requires; when lowering the
    likelihood to 1 is not enough (Severe impact rated Low), the impact is
    lowered too. The residual never exceeds the inherent rating.
    """
    low, high = BAND_SCORE_RANGES[band]
    for residual_impact in range(impact, 0, -1):
        for residual_likelihood in range(likelihood, 0, -1):
            if low <= residual_impact * residual_likelihood <= high:
                return residual_impact, residual_likelihood
    return None


@dataclass(frozen=True)
class HeatCell:
    """One cell of a heat map: its coordinates, score, band and how many risks sit in it."""

    impact: int
    likelihood: int
    count: int

    @property
    def score(self) -> int:
        return self.impact * self.likelihood

    @property
    def band(self) -> Band:
        return score_band(self.score)

    @property
    def impact_label(self) -> str:
        return Impact(self.impact).label

    @property
    def likelihood_label(self) -> str:
        return Likelihood(self.likelihood).label


def heat_map_rows(counts: dict[tuple[int, int], int]) -> list[list[HeatCell]]:
    """A 5x5 grid from {(impact, likelihood): count}: rows from impact 5 down to 1, likelihood 1 to 5."""
    return [
        [HeatCell(impact, likelihood, counts.get((impact, likelihood), 0)) for likelihood in LEVELS]
        for impact in reversed(LEVELS)
    ]
