#!/usr/bin/env bash
# Back up the warehouse and the Dagster database into $BACKUP_DIR/<timestamp>/.
#
# The warehouse is copied through DuckDB itself (EXPORT DATABASE to Parquet) from a read-only
# connection: DuckDB refuses that connection while a run holds the file for writing, so a
# backup can never capture a half-written refresh; it waits and retries instead.
set -euo pipefail

: "${WAREHOUSE_PATH:?WAREHOUSE_PATH is not set}"
: "${BACKUP_DIR:?BACKUP_DIR is not set}"
KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
PYTHON="${DISTRICT_PYTHON:-/opt/district-data/.venv/bin/python}"
ATTEMPTS="${BACKUP_ATTEMPTS:-12}"
WAIT_SECONDS="${BACKUP_RETRY_SECONDS:-300}"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$BACKUP_DIR/$stamp"
partial="$BACKUP_DIR/.$stamp.partial"
mkdir -p "$partial"
trap 'rm -rf "$partial"' EXIT

for attempt in $(seq 1 "$ATTEMPTS"); do
  if "$PYTHON" - "$WAREHOUSE_PATH" "$partial/warehouse" <<'PY'
import sys

import duckdb

source, target = sys.argv[1], sys.argv[2]
con = duckdb.connect(source, read_only=True)
try:
    con.execute(f"export database '{target}' (format parquet)")
finally:
    con.close()
PY
  then
    break
  fi
  if [ "$attempt" -eq "$ATTEMPTS" ]; then
    echo "warehouse still busy after $ATTEMPTS attempts; no backup taken" >&2
    exit 1
  fi
  echo "warehouse busy (attempt $attempt of $ATTEMPTS); retrying in ${WAIT_SECONDS}s" >&2
  rm -rf "$partial/warehouse"
  sleep "$WAIT_SECONDS"
done

if [ -n "${DAGSTER_PG_HOST:-}" ]; then
  PGPASSWORD="${DAGSTER_PG_PASSWORD:-}" pg_dump --format=custom \
    --host="$DAGSTER_PG_HOST" --port="${DAGSTER_PG_PORT:-5432}" \
    --username="$DAGSTER_PG_USER" --file="$partial/dagster.pgdump" "$DAGSTER_PG_DB"
fi

mv "$partial" "$target"
trap - EXIT
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '20*' -mtime +"$KEEP_DAYS" \
  -exec rm -rf {} +
echo "backup written to $target"
