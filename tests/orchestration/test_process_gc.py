"""The code location freezes what it loads for the collector, and unfreezes it at exit."""

from __future__ import annotations


def test_loading_the_code_location_freezes_its_objects_and_exits_without_leak_reports(
    run_in_fresh_interpreter,
):
    # A fresh interpreter: this test process's collector settings are the session's own.
    completed = run_in_fresh_interpreter(
        """
        import gc
        from orchestration.definitions import defs
        from orchestration.process_gc import FIRST_GENERATION_THRESHOLD
        assert defs.get_repository_def().get_all_jobs()
        assert gc.get_freeze_count() > 100_000, gc.get_freeze_count()
        assert gc.get_threshold()[0] == FIRST_GENERATION_THRESHOLD, gc.get_threshold()
        print("loaded")
        """
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.strip() == "loaded"
    # DuckDB's bindings list every instance still alive at exit as leaked: objects left frozen
    # at exit would never be freed.
    assert "leaked" not in completed.stderr, completed.stderr[-3000:]
