"""`python -m synthetic_district --profile demo --out data/sources [--seed N] [--as-of DATE]`."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from synthetic_district.generate import DEFAULT_AS_OF, generate_district
from synthetic_district.profiles import PROFILES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m synthetic_district",
        description="Generate a synthetic district's source files.",
    )
    parser.add_argument("--profile", choices=sorted(PROFILES), default="demo")
    parser.add_argument("--out", type=Path, default=Path("data/sources"))
    parser.add_argument("--seed", type=int, default=20261120)
    parser.add_argument("--as-of", type=date.fromisoformat, default=DEFAULT_AS_OF)
    args = parser.parse_args(argv)
    summary = generate_district(args.profile, args.out, seed=args.seed, as_of=args.as_of)
    print(summary.render())
    for source, size in sorted(summary.bytes_by_source(args.out).items()):
        print(f"  {source:<10} {size / 1e6:>10.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
