"""School targets toward the 2026 goals, from the planning CSV."""

from ingestion.planning.loader import PlanningSourceError, load_planning

__all__ = ["PlanningSourceError", "load_planning"]
