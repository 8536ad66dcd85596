"""Publishing the warehouse's marts to BI tools: PostgreSQL, a DuckDB file, Parquet files."""

from exports.bi.publish import PublishResult, publish_marts

__all__ = ["PublishResult", "publish_marts"]
