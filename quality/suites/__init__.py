"""GX suites, built in code: one per raw table (from the source contracts) and one per mart."""
