"""Who may read the files the BI publication writes.

The analyst files (the BI DuckDB database, the Parquet marts) are unsuppressed: counts from 1
up, meant for the district's analysts, not for every account on the server. They are 0640
files in 0750 folders, readable by the owner and one group, `BI_FILES_GROUP` (a group name or
id; unset, the group the files get from the folder). Student-level files are owner-only as
before: 0600 files in 0700 folders. The public release and portal are world-readable
(exports/open_data/), since everything in them is suppressed.
"""

from __future__ import annotations

import grp
import os
from pathlib import Path

ANALYST_FILE_MODE = 0o640
ANALYST_DIR_MODE = 0o750
RESTRICTED_FILE_MODE = 0o600
RESTRICTED_DIR_MODE = 0o700
GROUP_SETTING = "BI_FILES_GROUP"


def analyst_group_id() -> int | None:
    """The group id of `BI_FILES_GROUP`, or None when it is unset; an unknown group is an error
    naming the setting, since publishing to the wrong readers is worse than not publishing."""
    value = os.environ.get(GROUP_SETTING, "").strip()
    if not value:
        return None
    if value.isdigit():
        return int(value)
    try:
        return grp.getgrnam(value).gr_gid
    except KeyError:
        raise ValueError(f"{GROUP_SETTING}={value!r}: no such group on this server") from None


def _set_mode(path: Path, is_restricted: bool, restricted_mode: int, analyst_mode: int) -> None:
    if is_restricted:
        os.chmod(path, restricted_mode)
        return
    group = analyst_group_id()
    if group is not None:
        os.chown(path, -1, group)
    os.chmod(path, analyst_mode)


def set_file_mode(path: Path, is_restricted: bool) -> None:
    """Owner-only for student-level files; owner and the analyst group otherwise."""
    _set_mode(path, is_restricted, RESTRICTED_FILE_MODE, ANALYST_FILE_MODE)


def set_dir_mode(path: Path, is_restricted: bool) -> None:
    """Folders like their files, with the search bit for whoever may read them."""
    _set_mode(path, is_restricted, RESTRICTED_DIR_MODE, ANALYST_DIR_MODE)
