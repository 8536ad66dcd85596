"""Table and column descriptions read from a dbt manifest.

The descriptions analysts see as comments in their BI tool are the ones written in the dbt
project's YAML, so there is one place to document a mart. Nodes are looked up by the relation
they build, (schema, alias or name), because that is what the publisher sees in the warehouse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

_RELATION_RESOURCE_TYPES = {"model", "seed", "snapshot"}


@dataclass(frozen=True)
class RelationDocs:
    """The description of one relation and of its columns (blank ones left out)."""

    description: str = ""
    column_descriptions: dict[str, str] = field(default_factory=dict)


def load_relation_docs(manifest_path: str | Path | None) -> dict[tuple[str, str], RelationDocs]:
    """Read every model, seed and snapshot description, keyed by (schema, relation name).

    Without a manifest there are simply no descriptions: publishing still works, uncommented.
    """
    if manifest_path is None:
        return {}
    manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    return relation_docs_from_manifest(manifest)


def relation_docs_from_manifest(manifest: dict) -> dict[tuple[str, str], RelationDocs]:
    """Same as `load_relation_docs`, from a manifest already parsed."""
    docs: dict[tuple[str, str], RelationDocs] = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") not in _RELATION_RESOURCE_TYPES:
            continue
        relation_name = node.get("alias") or node["name"]
        columns = {
            column_name: (column.get("description") or "").strip()
            for column_name, column in (node.get("columns") or {}).items()
        }
        docs[(node["schema"], relation_name)] = RelationDocs(
            description=(node.get("description") or "").strip(),
            column_descriptions={name: text for name, text in columns.items() if text},
        )
    return docs
