"""Where the sources and the warehouse live, read once from environment variables.

Every path and URL has a default under the project's `data/` folder so that a fresh checkout
with a generated district runs with no configuration at all; a district deployment overrides
only what differs. The values are frozen so that one load sees one consistent configuration.

| variable               | default                                  |
|------------------------|------------------------------------------|
| DISTRICT_SOURCES_DIR   | `<repo>/data/sources`                    |
| WAREHOUSE_PATH         | `<repo>/data/warehouse/district.duckdb`  |
| SIS_LANDING_DIR        | `<sources>/sis`                          |
| SIS_FORMAT             | `csv` (CSV drops), `edfi_xml` (Ed-Fi interchanges), `edfi_api` |
| EDFI_DESCRIPTOR_MAP    | `ingestion/sis/edfi/descriptor_map.csv`  |
| EDFI_API_URL           | empty; the ODS/API root (above `/oauth/token`, `/data/v3`) |
| EDFI_CLIENT_ID, EDFI_CLIENT_SECRET | empty; the API key and secret (OAuth2 client credentials) |
| EDFI_PAGE_SIZE         | `500` records a request (the ODS/API's default maximum)   |
| EDFI_TIMEOUT_SECONDS, EDFI_MAX_RETRIES, EDFI_BACKOFF_SECONDS | `30`, `5`, `1` (as for tutoring) |
| HR_FORMAT              | `database` (the HR database), `edfi_xml` (Ed-Fi staff interchanges) |
| HR_DATABASE_URL        | `sqlite:///<sources>/hr/hr.sqlite`       |
| HR_LANDING_DIR         | `SIS_LANDING_DIR`: the Ed-Fi folder read with `HR_FORMAT=edfi_xml` |
| TUTORING_API_URL       | empty: read saved pages instead          |
| TUTORING_API_TOKEN     | empty: no Authorization header           |
| TUTORING_PAGES_DIR     | `<sources>/tutoring`                     |
| TUTORING_PAGE_SIZE     | `1000`                                   |
| TUTORING_TIMEOUT_SECONDS | `30`                                   |
| TUTORING_MAX_RETRIES   | `5` retries after the first attempt      |
| TUTORING_BACKOFF_SECONDS | `1`: waits 1, 2, 4 … s between retries |
| INCREMENTAL_LOADS      | `true` (see below)                       |
| SURVEY_EXPORT_DIR      | `<sources>/survey`                       |
| PLANNING_DIR           | `<sources>/planning`                     |
| DISTRICT_TIMEZONE      | `America/Los_Angeles`: what "today" is   |
| LOAD_MAX_VOLUME_DROP   | `0.5`: largest share a school year may shrink by |
| LOAD_VOLUME_MIN_ROWS   | `100`: smaller school years are held only to "not to zero" |
| LOAD_ALLOW_VOLUME_DROP | empty: school years (`2026-27,2025-26`) a district deleted |

INCREMENTAL_LOADS: with `true`, HR and the live tutoring API pull only the rows changed since
the cursor stored in `raw._source_cursors` and merge them by key (the first load, with no
cursor yet, is whole); `false` reloads them whole, which is also how rows deleted at the source
leave the warehouse.

The volume settings guard year-scoped SIS files (`volume_guard.py`); DISTRICT_TIMEZONE decides
which drop folders lie in the future (`sis/drops.py`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_EDFI_DESCRIPTOR_MAP = REPO_ROOT / "ingestion" / "sis" / "edfi" / "descriptor_map.csv"
SIS_FORMATS = ("csv", "edfi_xml", "edfi_api")
HR_FORMATS = ("database", "edfi_xml")


@dataclass(frozen=True)
class SourceSettings:
    """Locations of every source and of the warehouse."""

    sources_dir: Path
    warehouse_path: Path
    sis_landing_dir: Path
    sis_format: str
    edfi_descriptor_map: Path
    edfi_api_url: str
    edfi_client_id: str
    edfi_client_secret: str
    edfi_page_size: int
    edfi_timeout_seconds: float
    edfi_max_retries: int
    edfi_backoff_seconds: float
    hr_database_url: str
    tutoring_api_url: str
    tutoring_api_token: str
    tutoring_pages_dir: Path
    tutoring_page_size: int
    tutoring_timeout_seconds: float
    tutoring_max_retries: int
    tutoring_backoff_seconds: float
    is_incremental: bool
    survey_export_dir: Path
    planning_dir: Path
    district_timezone: str = "America/Los_Angeles"
    max_volume_drop: float = 0.5
    volume_min_rows: int = 100
    allowed_volume_drops: frozenset[str] = frozenset()
    hr_format: str = "database"
    hr_landing_dir: Path | None = None

    @property
    def hr_edfi_dir(self) -> Path:
        """The folder of Ed-Fi interchanges HR is read from (`HR_FORMAT=edfi_xml`): the SIS's
        own landing folder unless HR_LANDING_DIR names another."""
        return self.hr_landing_dir or self.sis_landing_dir

    @property
    def is_tutoring_live(self) -> bool:
        """True when the vendor API is called; False when saved pages are read from disk."""
        return bool(self.tutoring_api_url)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SourceSettings:
        """Read the settings from `environ` (the process environment by default).

        Empty variables count as unset, so `FOO=` in a .env file falls back to the default
        rather than pointing at the current directory.
        """
        env = os.environ if environ is None else environ

        def get(name: str, default: str) -> str:
            value = env.get(name, "")
            return value if value != "" else default

        sources_dir = Path(get("DISTRICT_SOURCES_DIR", str(REPO_ROOT / "data" / "sources")))
        warehouse_default = REPO_ROOT / "data" / "warehouse" / "district.duckdb"
        hr_default = f"sqlite:///{(sources_dir / 'hr' / 'hr.sqlite').as_posix()}"
        return cls(
            sources_dir=sources_dir,
            warehouse_path=Path(get("WAREHOUSE_PATH", str(warehouse_default))),
            sis_landing_dir=Path(get("SIS_LANDING_DIR", str(sources_dir / "sis"))),
            sis_format=get("SIS_FORMAT", "csv").strip().lower(),
            edfi_descriptor_map=Path(get("EDFI_DESCRIPTOR_MAP", str(DEFAULT_EDFI_DESCRIPTOR_MAP))),
            edfi_api_url=get("EDFI_API_URL", "").rstrip("/"),
            edfi_client_id=get("EDFI_CLIENT_ID", ""),
            edfi_client_secret=get("EDFI_CLIENT_SECRET", ""),
            edfi_page_size=int(get("EDFI_PAGE_SIZE", "500")),
            edfi_timeout_seconds=float(get("EDFI_TIMEOUT_SECONDS", "30")),
            edfi_max_retries=int(get("EDFI_MAX_RETRIES", "5")),
            edfi_backoff_seconds=float(get("EDFI_BACKOFF_SECONDS", "1")),
            hr_database_url=get("HR_DATABASE_URL", hr_default),
            tutoring_api_url=get("TUTORING_API_URL", "").rstrip("/"),
            tutoring_api_token=get("TUTORING_API_TOKEN", ""),
            tutoring_pages_dir=Path(get("TUTORING_PAGES_DIR", str(sources_dir / "tutoring"))),
            tutoring_page_size=int(get("TUTORING_PAGE_SIZE", "1000")),
            tutoring_timeout_seconds=float(get("TUTORING_TIMEOUT_SECONDS", "30")),
            tutoring_max_retries=int(get("TUTORING_MAX_RETRIES", "5")),
            tutoring_backoff_seconds=float(get("TUTORING_BACKOFF_SECONDS", "1")),
            is_incremental=get("INCREMENTAL_LOADS", "true").strip().lower()
            in ("1", "true", "yes", "on"),
            survey_export_dir=Path(get("SURVEY_EXPORT_DIR", str(sources_dir / "survey"))),
            planning_dir=Path(get("PLANNING_DIR", str(sources_dir / "planning"))),
            district_timezone=get("DISTRICT_TIMEZONE", "America/Los_Angeles"),
            max_volume_drop=float(get("LOAD_MAX_VOLUME_DROP", "0.5")),
            volume_min_rows=int(get("LOAD_VOLUME_MIN_ROWS", "100")),
            allowed_volume_drops=frozenset(
                year.strip()
                for year in get("LOAD_ALLOW_VOLUME_DROP", "").split(",")
                if year.strip()
            ),
            hr_format=get("HR_FORMAT", "database").strip().lower(),
            hr_landing_dir=Path(env["HR_LANDING_DIR"]) if env.get("HR_LANDING_DIR") else None,
        )

    def today(self) -> date:
        """Today's date in the district's time zone (a drop dated after it is not real yet)."""
        return datetime.now(ZoneInfo(self.district_timezone)).date()

    def relative_source_path(self, path: Path) -> str:
        """The lineage name of a source file: relative to the sources root when under it.

        Relative names keep `_source_file` identical between machines that mount the sources
        in different places; files outside the root keep their absolute path.
        """
        resolved = Path(path).resolve()
        try:
            return resolved.relative_to(self.sources_dir.resolve()).as_posix()
        except ValueError:
            return resolved.as_posix()
