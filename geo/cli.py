"""The ``python -m geo`` command line."""

from __future__ import annotations

import argparse
import sys
import time

from geo.catalog import LAYERS_DIR


def _build(args: argparse.Namespace) -> int:
    from geo import build

    start = time.perf_counter()
    outputs = build.build()
    if args.check:
        stale = build.drift(outputs, LAYERS_DIR)
        if stale:
            print(f"layers differ from a fresh build: {', '.join(stale)} (run: python -m geo build)", file=sys.stderr)
            return 1
        print(f"all {len(outputs)} layers match a fresh build")
        return 0
    changed = build.write(outputs, LAYERS_DIR)
    took = time.perf_counter() - start
    print(f"built {len(outputs)} layers in {took:.1f} s; {len(changed)} file(s) changed")
    for path in changed:
        print(f"  wrote {path.relative_to(LAYERS_DIR.parent)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m geo", description="渝黔合作先行示范区 map: data and exports")
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="derive layers/*.geojson from layers/tables and the boundary source")
    p_build.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    p_build.set_defaults(func=_build)
    args = parser.parse_args(argv)
    return int(args.func(args))
