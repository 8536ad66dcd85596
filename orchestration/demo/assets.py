"""The synthetic demo district, as an asset, for runs with no real sources configured."""

import json

import dagster as dg

from orchestration.settings import RunSettings

DEMO_SOURCES_KEY = dg.AssetKey(["demo", "district_sources"])


def build_demo_sources_asset(settings: RunSettings) -> "dg.AssetsDefinition":
    """Generate the demo district's source files unless the same ones are already on disk.

    Generation is deterministic for (profile, seed, as-of date), so a marker file recording those
    three lets a rerun skip the work while a changed setting regenerates.
    """

    @dg.asset(
        key=DEMO_SOURCES_KEY,
        group_name="demo_district",
        description=(
            "Synthetic district source files (SIS CSV drops, HR database, tutoring API pages, "
            "survey exports, school targets) written in each system's real export shape."
        ),
        kinds={"python", "csv"},
    )
    def demo_district_sources(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        from synthetic_district import DEFAULT_AS_OF, generate_district

        as_of = settings.demo_as_of or DEFAULT_AS_OF
        out_dir = settings.sources.sources_dir
        wanted = {
            "profile": settings.demo_profile,
            "seed": settings.demo_seed,
            "as_of": as_of.isoformat(),
        }
        marker = out_dir / ".generated.json"
        if marker.exists() and json.loads(marker.read_text()).get("request") == wanted:
            context.log.info(f"Demo district already generated in {out_dir}: {wanted}")
            summary = json.loads(marker.read_text())["summary"]
        else:
            context.log.info(f"Generating the {settings.demo_profile} district into {out_dir}")
            result = generate_district(
                settings.demo_profile, out_dir, seed=settings.demo_seed, as_of=as_of
            )
            summary = {
                "seconds": round(result.seconds, 1),
                "bytes": result.bytes_written,
                "row_counts": dict(result.rows),
            }
            marker.write_text(json.dumps({"request": wanted, "summary": summary}, indent=2))
        return dg.MaterializeResult(
            metadata={
                "profile": settings.demo_profile,
                "seed": settings.demo_seed,
                "as_of": as_of.isoformat(),
                "sources_dir": dg.MetadataValue.path(str(out_dir)),
                "generation_seconds": summary["seconds"],
                "bytes": summary["bytes"],
                "row_counts": dg.MetadataValue.json(summary["row_counts"]),
            }
        )

    return demo_district_sources
