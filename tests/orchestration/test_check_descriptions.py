"""Every dbt test that is an asset check carries a description a data engineer can read."""

from orchestration.dbt.check_descriptions import describe_dbt_test


def _node(name, kwargs, severity="ERROR", where=None, description=""):
    return {
        "name": f"{name}_generated",
        "description": description,
        "test_metadata": {"name": name, "kwargs": {"model": "{{ x }}", **kwargs}},
        "config": {"severity": severity, "where": where},
    }


def test_each_generic_test_is_described_by_its_rule():
    cases = {
        "not_null": ({"column_name": "school_code"}, "`school_code` is never null."),
        "unique": ({"column_name": "stage"}, "No two rows share a `stage`."),
        "unique_combination_of_columns": (
            {"combination_of_columns": ["school_year", "school_code"]},
            "One row per `school_year`, `school_code`.",
        ),
        "accepted_values": (
            {"column_name": "tier", "values": ["1", "2", "3"]},
            "`tier` is one of 1, 2, 3.",
        ),
        "relationships": (
            {"column_name": "school_code", "to": "ref('dim_schools')", "field": "school_code"},
            "Every `school_code` is a `school_code` of dim_schools.",
        ),
    }
    for name, (kwargs, rule) in cases.items():
        assert describe_dbt_test(_node(name, kwargs)).startswith(rule), name


def test_the_description_says_the_scope_and_what_a_failure_does():
    blocking = describe_dbt_test(
        _node("not_null", {"column_name": "n"}, where="school_code <> 'DISTRICT'")
    )
    assert "Rows checked: where school_code <> 'DISTRICT'." in blocking
    assert "stops the dbt build" in blocking
    assert "warns" in describe_dbt_test(_node("not_null", {"column_name": "n"}, severity="warn"))


def test_a_long_value_list_is_cut_and_a_written_description_wins():
    values = [str(v) for v in range(12)]
    text = describe_dbt_test(_node("accepted_values", {"column_name": "c", "values": values}))
    assert "0, 1, 2, 3, 4, 5, 6, 7 and 4 more." in text
    written = describe_dbt_test(_node("unique", {"column_name": "c"}, description="Own words."))
    assert written.startswith("Own words.")


def test_every_dbt_asset_check_of_the_code_location_has_a_description():
    from orchestration.dbt.assets import district_dbt_models

    specs = list(district_dbt_models.check_specs)
    assert specs
    assert [spec.name for spec in specs if not spec.description] == []
