"""The benchmark's figures: the median of consecutive nights (or the failed night), the raw-load
baseline around the full refresh, and the load average of each timed section."""

import pytest

from bench import raw_load
from bench.benchmark import median_night, night_summary, raw_load_figures
from bench.machine import timed_section
from bench.raw_load import RawLoad, RawLoadSeries


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


def test_the_baseline_is_the_mean_of_the_medians_around_the_full_refresh():
    """Hand-worked: medians 30 (of 31, 30, 35) and 34 (of 34, 33, 40): baseline 32 s, so a
    192 s full refresh is 6.0× the baseline, 6.4× the load before it and about 5.65× after."""
    before = RawLoadSeries((31.0, 30.0, 35.0), RawLoad(30.0, {"t": 1}, {"t": 30.0}))
    after = RawLoadSeries((34.0, 33.0, 40.0), RawLoad(34.0, {"t": 1}, {"t": 34.0}))
    figures = raw_load_figures(before, after, 192.0)
    assert figures["raw_load_s"] == 32.0
    assert figures["ratio_to_raw_load"] == 6.0
    assert figures["ratio_to_raw_load_before"] == 6.4
    assert figures["ratio_to_raw_load_after"] == 5.65
    assert figures["raw_load_before"] == {"median_s": 30.0, "runs_s": [31.0, 30.0, 35.0]}
    assert figures["raw_load_after"] == {"median_s": 34.0, "runs_s": [34.0, 33.0, 40.0]}


def test_the_series_figure_is_the_median_load(monkeypatch):
    seconds = iter([5.0, 3.0, 4.0])
    monkeypatch.setattr(raw_load, "time_raw_load", lambda *_: RawLoad(next(seconds), {}, {}))
    series = raw_load.raw_load_series(None, None, runs=3)
    assert series.runs_s == (5.0, 3.0, 4.0) and series.seconds == 4.0


def test_a_timed_section_records_the_load_average_at_both_ends_even_when_it_fails():
    sections: dict = {}
    with pytest.raises(RuntimeError), timed_section(sections, "full_refresh"):
        raise RuntimeError("the run failed")
    record = sections["full_refresh"]
    assert len(record["load_average_at_start"]) == 3
    assert len(record["load_average_at_end"]) == 3
    assert record["seconds"] >= 0 and record["ended_at"] >= record["started_at"]
