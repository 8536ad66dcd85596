"""The survey platform's item dictionary and wide response exports."""

from ingestion.survey.exports import ResponseExport, SurveySourceError, find_response_exports
from ingestion.survey.loader import load_survey

__all__ = ["ResponseExport", "SurveySourceError", "find_response_exports", "load_survey"]
