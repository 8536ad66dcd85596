"""The public release and portal are world-readable, whatever the process umask.

Everything in them has passed suppression (exports/open_data/suppression.py), and a web server
or portal sync running as another account must read them: 0644 files in 0755 folders, set
explicitly so a restrictive umask on the pipeline's account (0077 is common on shared servers)
cannot leave the published files unreadable, and a permissive one cannot matter either.
"""

from __future__ import annotations

import os
from pathlib import Path

PUBLIC_FILE_MODE = 0o644
PUBLIC_DIR_MODE = 0o755


def make_world_readable(root: Path) -> None:
    """Give `root` and everything under it the public modes (symlinks are left alone)."""
    root = Path(root)
    if root.is_symlink():
        return
    if root.is_file():
        os.chmod(root, PUBLIC_FILE_MODE)
        return
    os.chmod(root, PUBLIC_DIR_MODE)
    for folder, subfolders, files in os.walk(root):
        for name in subfolders:
            path = Path(folder) / name
            if not path.is_symlink():
                os.chmod(path, PUBLIC_DIR_MODE)
        for name in files:
            path = Path(folder) / name
            if not path.is_symlink():
                os.chmod(path, PUBLIC_FILE_MODE)
