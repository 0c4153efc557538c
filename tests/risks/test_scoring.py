"""Scales, scores, bands and heat-map counts."""

import pytest

from apps.risks import scoring, selectors
from apps.risks.choices import Band
from apps.risks.models import Risk


@pytest.mark.parametrize(
    ("score", "band"),
    [(1, Band.LOW), (4, Band.LOW), (5, Band.MEDIUM), (10, Band.MEDIUM), (12, Band.HIGH), (25, Band.HIGH)],
)
def test_score_bands_split_the_25_scores_at_4_and_10(score, band):
    assert scoring.score_band(score) == band


@pytest.mark.parametrize(
    ("level", "band"), [(1, Band.LOW), (2, Band.LOW), (3, Band.MEDIUM), (4, Band.HIGH), (5, Band.HIGH)]
)
def test_level_bands_put_1_2_low_3_medium_4_5_high(level, band):
    assert scoring.level_band(level) == band


def test_every_possible_score_falls_in_exactly_one_band():
    scores = {impact * likelihood for impact in range(1, 6) for likelihood in range(1, 6)}
    ranges = scoring.BAND_SCORE_RANGES.values()
    assert all(sum(low <= score <= high for low, high in ranges) == 1 for score in scores)


@pytest.mark.parametrize(
    ("impact", "likelihood", "band"),
    [
        ("low", "low", Band.LOW),
        ("medium", "medium", Band.MEDIUM),
        ("high", "high", Band.HIGH),
        ("high", "medium", Band.HIGH),
        ("high", "low", Band.MEDIUM),
    ],
)
def test_one_word_ratings_land_in_the_band_a_reader_expects(impact, likelihood, band):
    score = scoring.WORD_LEVELS[Band(impact)] * scoring.WORD_LEVELS[Band(likelihood)]
    assert scoring.score_band(score) == band


@pytest.mark.parametrize(
    ("inherent", "band", "residual"),
    [
        ((4, 3), Band.LOW, (4, 1)),  # the guide's R-001: High x Medium, residual Low
        ((3, 4), Band.MEDIUM, (3, 3)),
        ((4, 2), Band.MEDIUM, (4, 2)),  # the rating stays where it is
        ((5, 5), Band.LOW, (4, 1)),  # Severe impact: lowering the likelihood alone cannot reach Low
        ((3, 3), Band.HIGH, None),  # above the inherent rating
    ],
)
def test_a_one_word_residual_keeps_the_impact_and_lowers_the_likelihood(inherent, band, residual):
    assert scoring.residual_for_band(band, impact=inherent[0], likelihood=inherent[1]) == residual


def test_inherent_and_residual_scores_are_impact_times_likelihood(make_risk):
    risk = make_risk(impact=5, likelihood=4, residual_impact=3, residual_likelihood=2)
    stored = Risk.objects.get(pk=risk.pk)
    assert (stored.inherent_score, stored.residual_score) == (20, 6)
    assert (stored.inherent_band, stored.residual_band) == (Band.HIGH, Band.MEDIUM)


def test_heat_maps_count_risks_per_cell_with_impact_5_on_top(make_risk):
    make_risk(impact=4, likelihood=3, residual_impact=4, residual_likelihood=1)
    make_risk(impact=4, likelihood=3, residual_impact=2, residual_likelihood=2)
    make_risk(impact=1, likelihood=5)
    maps = selectors.heat_maps(Risk.objects.all())
    inherent = {(cell.impact, cell.likelihood): cell.count for row in maps["inherent"] for cell in row}
    residual = {(cell.impact, cell.likelihood): cell.count for row in maps["residual"] for cell in row}
    assert inherent[(4, 3)] == 2 and inherent[(1, 5)] == 1 and sum(inherent.values()) == 3
    assert residual[(4, 1)] == residual[(2, 2)] == residual[(1, 5)] == 1 and sum(residual.values()) == 3
    assert [row[0].impact for row in maps["inherent"]] == [5, 4, 3, 2, 1]
    assert [cell.likelihood for cell in maps["inherent"][0]] == [1, 2, 3, 4, 5]
    assert maps["inherent"][1][2].band == Band.HIGH  # impact 4 x likelihood 3 = 12


def test_register_page_shows_each_heat_map_cell_count_with_a_link_to_its_risks(client, project, team, make_risk):
    make_risk(impact=4, likelihood=3)
    make_risk(impact=4, likelihood=3)
    client.force_login(team["compliance"])
    page = client.get(f"/projects/{project.slug}/risks/").content.decode()
    assert "2 risks with inherent impact 4 · Major and likelihood 3 · Possible: score 12, High" in page
    assert "status=live&amp;impact=4&amp;likelihood=3#register" in page
    filtered = client.get(f"/projects/{project.slug}/risks/", {"impact": 4, "likelihood": 3})
    assert filtered.context["paginator"].count == 2
