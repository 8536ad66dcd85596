"""The summary `make run` prints names what the run read: the demo's sources or the SIS's."""

from orchestration.report import outputs
from orchestration.settings import RunSettings


def test_an_ed_fi_district_s_summary_names_its_landing_folder(monkeypatch, tmp_path):
    for name in ("DISTRICT_SOURCES_DIR", "DISTRICT_SOURCE_MODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SIS_FORMAT", "edfi_xml")
    monkeypatch.setenv("SIS_LANDING_DIR", str(tmp_path))
    assert outputs(RunSettings.from_env())[0] == ("SIS (edfi_xml)", tmp_path)
    monkeypatch.delenv("SIS_FORMAT")
    monkeypatch.delenv("SIS_LANDING_DIR")
    label, _ = outputs(RunSettings.from_env())[0]
    assert label == "Sources (landing)"
