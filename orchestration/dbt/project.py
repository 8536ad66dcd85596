"""The dbt project as Dagster sees it.

Kept in its own module (defining only the DbtProject) so that
`dagster-dbt project prepare-and-package --file orchestration/dbt/project.py` can build the
manifest before the definitions load.
"""

from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"

district_dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    profiles_dir=DBT_PROJECT_DIR,
)
district_dbt_project.prepare_if_dev()
