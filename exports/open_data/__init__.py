"""Privacy-safe open-data release: suppressed public datasets, a static portal and a CKAN
publisher. Plain Python; the orchestrator calls build_release after the quality checks pass."""

from exports.open_data.portal import build_portal
from exports.open_data.release import ReleaseResult, build_release, verify_checksums

__all__ = ["ReleaseResult", "build_portal", "build_release", "verify_checksums"]
