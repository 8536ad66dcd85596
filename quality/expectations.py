"""The project's own GX expectation: unexpected rows counted by one query.

GX's `UnexpectedRowsExpectation` runs its query twice, once to count the rows and once to fetch
them, although the SUMMARY result the checks ask for reports only the count. On a 30-million-row
table whose query is a GROUP BY (key uniqueness) the second run doubles the cost of the rule.
`UnexpectedRowsCountExpectation` depends on the count alone; the runner reads up to ten example
rows with a LIMIT, and only for rules that failed (`runner._with_query_examples`).

Imported by the runner after GX itself, which registers the class with GX's expectation
registry so suites saved by the file context load again.
"""

from __future__ import annotations

from typing import ClassVar

from great_expectations.expectations import UnexpectedRowsExpectation


class UnexpectedRowsCountExpectation(UnexpectedRowsExpectation):
    """Passes when `unexpected_rows_query` returns no row; reports how many it returns."""

    metric_dependencies: ClassVar[tuple[str, ...]] = ("unexpected_rows_query.row_count",)

    def _validate(self, metrics, runtime_configuration=None, execution_engine=None):
        count = metrics["unexpected_rows_query.row_count"]
        return {"success": count == 0, "result": {"observed_value": count}}


PROJECT_EXPECTATIONS = {"UnexpectedRowsCountExpectation": UnexpectedRowsCountExpectation}
