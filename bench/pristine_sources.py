"""Putting the generated sources back as they were after benchmark nights changed them.

The nights change the HR database, the tutoring vendor's saved pages and the survey export in
place, as the real systems do. Before a file is first changed its generated version is copied
to a store beside the sources (not inside them, where the pipeline would read it), and every
file a night adds is listed; `restore` copies the originals back and removes the additions.
The store also keeps the generation marker it was taken under: if the district has been
generated again since, the copies are stale and are dropped instead of restored.
(The SIS drops a night adds are whole folders, removed by `nightly_drop.remove_bench_drops`.)
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bench.generation import read_marker

_MANIFEST = "manifest.json"


class PristineSources:
    def __init__(self, sources_dir: Path, store_dir: Path) -> None:
        self.sources_dir = Path(sources_dir)
        self.store_dir = Path(store_dir)

    def _manifest(self) -> dict:
        path = self.store_dir / _MANIFEST
        if path.is_file():
            return json.loads(path.read_text())
        return {"generated": read_marker(self.sources_dir), "changed": [], "added": []}

    def _save(self, manifest: dict) -> None:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        (self.store_dir / _MANIFEST).write_text(json.dumps(manifest, indent=2))

    def _relative(self, path: Path) -> str:
        return Path(path).resolve().relative_to(self.sources_dir.resolve()).as_posix()

    def before_change(self, path: Path) -> None:
        """Keep the generated version of `path` unless it is kept already or was added."""
        manifest = self._manifest()
        name = self._relative(path)
        if name in manifest["changed"] or name in manifest["added"]:
            return
        copy = self.store_dir / "files" / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
        manifest["changed"].append(name)
        self._save(manifest)

    def added(self, path: Path) -> None:
        """Record a file a night created, so that `restore` removes it."""
        manifest = self._manifest()
        name = self._relative(path)
        if name not in manifest["added"] and name not in manifest["changed"]:
            manifest["added"].append(name)
            self._save(manifest)

    def restore(self) -> list[str]:
        """Put every changed file back, remove every added one, empty the store; the names."""
        path = self.store_dir / _MANIFEST
        if not path.is_file():
            return []
        manifest = json.loads(path.read_text())
        touched: list[str] = []
        if manifest["generated"] == read_marker(self.sources_dir):
            for name in manifest["changed"]:
                shutil.copy2(self.store_dir / "files" / name, self.sources_dir / name)
                touched.append(name)
            for name in manifest["added"]:
                (self.sources_dir / name).unlink(missing_ok=True)
                touched.append(name)
        shutil.rmtree(self.store_dir)
        return touched
