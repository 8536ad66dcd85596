"""Scale benchmark of the whole pipeline: full refresh, nightly refresh, memory, raw-load baseline.

`python -m bench` generates a district (LAUSD-sized by default), runs the real Dagster job on it
twice (full refresh, then after one more school day lands), times DuckDB loading the same raw files
alone, times the analyst's scorecard query and writes `.bench/results.json`.
"""
