"""The bottom layer every other package stands on: opening the DuckDB warehouse, quoting SQL
names and values, and school-year arithmetic. It imports nothing of the project (README.md)."""
