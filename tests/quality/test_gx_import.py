"""GX's background import: started once, waited for, and harmless when it fails."""

from __future__ import annotations


def test_the_background_import_leaves_gx_imported_for_the_runner(run_in_fresh_interpreter):
    completed = run_in_fresh_interpreter(
        """
        import sys, threading
        from quality import gx_import
        gx_import.start_gx_import()
        first = gx_import._started
        gx_import.start_gx_import()
        assert gx_import._started is first, "started twice"
        assert first.name == "gx-import"
        gx_import.wait_for_gx_import()
        assert not first.is_alive()
        assert all(name in sys.modules for name in gx_import.GX_MODULES)
        print("ok")
        """
    )
    assert completed.stdout.strip().endswith("ok"), completed.stderr[-3000:]


def test_a_failed_background_import_surfaces_on_the_thread_that_needs_gx(run_in_fresh_interpreter):
    completed = run_in_fresh_interpreter(
        """
        import sys
        from quality import gx_import
        sys.modules["great_expectations"] = None  # makes any import of it fail
        gx_import.start_gx_import()
        gx_import.wait_for_gx_import()
        try:
            import great_expectations
        except ImportError:
            print("ok")
        """
    )
    assert completed.stdout.strip().endswith("ok"), completed.stderr[-3000:]
