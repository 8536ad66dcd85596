"""The nightly figure of the benchmark: the median of consecutive nights, or the failed night."""

from bench.benchmark import median_night, night_summary


def _night(number: int, wall_s: float, is_success: bool = True) -> dict:
    return {"night": number, "wall_s": wall_s, "is_success": is_success, "stages": {}}


def test_the_figure_is_the_median_night():
    nights = [_night(1, 80.0), _night(2, 72.1), _night(3, 75.5)]
    assert median_night(nights)["night"] == 3


def test_an_even_count_takes_the_lower_middle():
    assert median_night([_night(1, 70.0), _night(2, 60.0)])["night"] == 2


def test_a_failed_night_is_the_figure():
    nights = [_night(1, 80.0), _night(2, 12.0, is_success=False)]
    assert median_night(nights)["night"] == 2


def test_the_summary_keeps_what_the_table_prints():
    summary = night_summary({**_night(2, 61.0), "job": "nightly_current_year", "steps": {}})
    assert summary["wall_s"] == 61.0 and summary["job"] == "nightly_current_year"
    assert "steps" not in summary
