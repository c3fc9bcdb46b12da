"""The ``python -m geo`` command line."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from geo.gis.formats import FORMATS, SHAPEFILE_ENCODINGS
from geo.paths import LAYERS_DIR

if TYPE_CHECKING:
    from geo.data.basemaps import Basemap
    from geo.data.layers import LayerSet
    from geo.data.views import View
    from geo.state import MapState


def _build(args: argparse.Namespace) -> int:
    from geo.build import derive

    start = time.perf_counter()
    outputs = derive.build()
    if args.check:
        stale = derive.drift(outputs, LAYERS_DIR)
        if stale:
            print(f"layers differ from a fresh build: {', '.join(stale)} (run: python -m geo build)", file=sys.stderr)
            return 1
        print(f"all {len(outputs)} layers match a fresh build")
        return 0
    changed = derive.write(outputs, LAYERS_DIR)
    took = time.perf_counter() - start
    print(f"built {len(outputs)} layers in {took:.1f} s; {len(changed)} file(s) changed")
    for path in changed:
        print(f"  wrote {path.relative_to(LAYERS_DIR.parent)}")
    return 0


class _Request(NamedTuple):
    """What an export or a sheet is made of: the layers, the state, the views, the basemap and its key."""

    layerset: LayerSet
    state: MapState
    views: tuple[View, ...]
    basemap: Basemap
    key: str | None


def _key_for(args: argparse.Namespace) -> Callable[[Basemap], str | None]:
    """The key of a basemap that needs one, from the environment — and only with --include-key,
    since the key ends up in the file."""

    def key_for(basemap: Basemap) -> str | None:
        if not basemap.needs_key:
            return None
        key = os.environ.get(str(basemap.key_env), "").strip()
        if not key:
            raise _Usage(f"--basemap {basemap.id} needs a key: set {basemap.key_env}")
        if not args.include_key:
            raise _Usage(
                f"--basemap {basemap.id} puts your key in the file, readable by anyone who gets it; "
                "add --include-key to accept that"
            )
        return key

    return key_for


def _state(args: argparse.Namespace, *, basemap_id: str | None) -> _Request:
    """The map the arguments ask for, read as a link is (strictly: a bad argument is an error).

    Raises _Usage for a bad argument and LayerError for an unusable --extra-layer.
    """
    from geo import state as ms
    from geo.data.basemaps import basemap_by_id, load_basemaps
    from geo.data.catalog import load_catalog
    from geo.data.layers import load_layers
    from geo.data.views import load_views
    from geo.links import LinkError, from_query
    from geo.uploads.layer import with_layer

    catalog = load_catalog()
    views, basemaps = load_views(catalog), load_basemaps()
    layerset = load_layers(catalog)
    for layer_id, error in layerset.errors.items():
        print(f"warning: layer {layer_id} skipped: {error.summary}", file=sys.stderr)
    saved_query: dict[str, str] = {}
    if saved_id := getattr(args, "map", None) or getattr(args, "story", None):
        layerset, views, saved_query = _saved(saved_id, layerset, views, basemaps)
    extra = []
    for path in args.extra_layer:
        spec, frame, report = _read_user(Path(path), args)
        for line in report.lines():
            print(f"note: {path}: {line}", file=sys.stderr)
        layerset = with_layer(layerset, spec, frame)
        extra.append(spec.id)
    asked = {"view": args.view, "layers": args.layers, "basemap": basemap_id, "lang": args.lang, "year": args.year}
    asked["compare"] = getattr(args, "compare", None)
    params = {**saved_query, **{name: value for name, value in asked.items() if value is not None}}
    key_for = _key_for(args)
    try:
        state, _ = from_query(params, layerset, views, basemaps, key_for=key_for, strict=True)
    except LinkError as exc:
        raise _Usage(f"--{exc.param}: {exc.text.en}") from None
    state = ms.set_visible(state, layerset, [*state.visible, *extra])
    basemap = basemap_by_id(basemaps, state.basemap)
    return _Request(layerset, state, views, basemap, key_for(basemap))


def _saved(map_id: str, layerset: LayerSet, views: tuple[View, ...], basemaps: Any) -> tuple[Any, Any, dict[str, str]]:
    """A saved map or story (YQ_DATABASE_URL, else the SQLite file in YQ_DATA_DIR): the layers with
    its own, the views (a story's steps), and its state as link parameters."""
    from geo.app import saving
    from geo.store.database import StoreError, database_url
    from geo.store.store import NotFound, Store
    from geo.uploads.layer import with_layer
    from geo.uploads.sketches import sketch_layers

    store = Store(database_url(os.environ))
    try:
        saving.check_id(map_id)
        saved = store.open(map_id)
    except NotFound:
        raise _Usage(f"--map {map_id}: no saved map has this id in {store.where}") from None
    except StoreError as exc:
        raise _Usage(f"--map {map_id}: {exc.text.en}") from None
    for spec, frame, _ in saving.layers_of(saved).values():
        layerset = with_layer(layerset, spec, frame)
    for spec, frame in sketch_layers(saving.sketches_of(saved)):
        layerset = with_layer(layerset, spec, frame)
    if saved.record.steps:
        views = saving.story_views(saved.record.title, saved.record.steps, layerset, basemaps)
    return layerset, views, dict(saved.record.query)


def _write(out: Path, data: bytes) -> bool:
    try:
        out.write_bytes(data)
    except OSError as exc:
        print(f"error: cannot write {out}: {exc.strerror}", file=sys.stderr)
        return False
    return True


def _export(args: argparse.Namespace) -> int:
    from geo import state as ms
    from geo.data.layers import LayerError
    from geo.web.export import export_html

    try:
        layerset, state, views, basemap, key = _state(args, basemap_id=args.basemap)
    except LayerError as exc:
        print(f"error: --extra-layer {exc.summary}", file=sys.stderr)
        return 2
    html = export_html(layerset, state, basemap=basemap, key=key, caption=ms.caption(state, views))
    out = Path(args.out)
    if not _write(out, html.encode("utf-8")):
        return 2
    print(f"wrote {out} ({len(html.encode('utf-8')) / 1024:.0f} KB, {len(state.visible)} layers, lang={state.lang})")
    return 0


def _picture_size(text: str) -> tuple[int, int]:
    """--picture's WxH in pixels, each 100–4000."""
    try:
        width, height = (int(part) for part in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise _Usage(f"--picture: {text!r} is not WIDTHxHEIGHT in pixels, e.g. 1200x900") from None
    if not (100 <= width <= 4000 and 100 <= height <= 4000):
        raise _Usage(f"--picture: {width}×{height} px: each side must be 100–4000")
    return width, height


def _print_format(args: argparse.Namespace, out: Path) -> tuple[str, tuple[int, int] | None]:
    """The sheet's format (by OUT's ending) and --picture's size, the options checked first."""
    from geo.printing.sheet import PAPER_MM

    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "png", "svg"):
        raise _Usage(f"OUT must end in .pdf, .png or .svg, not {out.suffix or '(nothing)'}")
    picture = _picture_size(args.picture) if args.picture else None
    if picture and (fmt != "png" or args.story):
        raise _Usage("--picture draws one map as a PNG: OUT must end in .png, and no --story")
    if args.size not in PAPER_MM:
        raise _Usage(f"--size: {args.size!r} is not one of {', '.join(PAPER_MM)}")
    if not 50 <= args.dpi <= 1200:
        raise _Usage(f"--dpi: {args.dpi} is outside 50–1200")
    if args.story and fmt != "pdf":
        raise _Usage("--story makes one PDF with a page per step: OUT must end in .pdf")
    return fmt, picture


def _print(args: argparse.Namespace) -> int:
    """A print-ready sheet: PDF, PNG or SVG by the file's ending (or with --picture the map alone)."""
    import datetime as dt

    from geo import state as ms
    from geo.data.layers import LayerError
    from geo.printing.sheet import Sheet, render, render_pages, render_picture

    out = Path(args.out)
    fmt, picture = _print_format(args, out)
    if args.view is None and args.layers is None and not (args.map or args.story):
        args.view = "overview"  # the default sheet: the whole zone
    try:
        layerset, state, views, _, _ = _state(args, basemap_id="offline")
    except LayerError as exc:
        print(f"error: --extra-layer {exc.summary}", file=sys.stderr)
        return 2
    sheet = Sheet(args.size, args.orientation, args.dpi, args.title, args.notice, dt.date.today())
    if args.story:
        if not any(v.id.startswith("step-") for v in views):
            raise _Usage(f"--story {args.story}: this is a saved map, not a story (use --map)")
        data = render_pages(layerset, [ms.open_view(state, layerset, v) for v in views], views, sheet)
    elif picture:
        data = render_picture(layerset, state, views, *picture)
    else:
        data = render(layerset, state, views, fmt, sheet)  # type: ignore[arg-type]
    if not _write(out, data):
        return 2
    what = f"the map alone at {picture[0]}×{picture[1]} px" if picture else f"{args.size} {args.orientation}"
    pages = f", {len(views)} pages" if args.story else ""
    print(f"wrote {out} ({len(data) / 1024:.0f} KB, {what}{pages}, lang={state.lang})")
    return 0


def _data(args: argparse.Namespace) -> int:
    """The layers for GIS and CAD tools: one zip with the data and its README."""
    from geo.data.layers import LayerError
    from geo.gis.formats import Request
    from geo.gis.package import DataRequestError, file_name, make_download

    try:
        layerset, state, _, _, _ = _state(args, basemap_id="offline")
    except LayerError as exc:
        print(f"error: --extra-layer {exc.summary}", file=sys.stderr)
        return 2
    layers = tuple(state.visible)  # the view's, the catalog's defaults, or --layers; and --extra-layer
    request = Request(args.format, layers, state.year, state.lang, args.crs, args.encoding)
    out = Path(args.out)
    if out.is_dir():
        out = out / file_name(request)
    elif out.suffix.lower() != ".zip":
        raise _Usage(f"OUT must be a folder or end in .zip (the data goes with its README), not {out.name}")
    try:
        download = make_download(layerset, request)
    except DataRequestError as exc:
        raise _Usage(f"--{exc.param}: {exc}") from None
    if not _write(out, download.data):
        return 2
    size = len(download.data) / 1024
    print(f"wrote {out} ({size:.0f} KB, {len(layers)} layers, {args.format}, {download.crs}, lang={state.lang})")
    return 0


def _read_user(path: Path, args: argparse.Namespace):
    from geo.data.layers import LayerError
    from geo.uploads.layer import read_user_layer

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LayerError(path.name, [f"cannot be read: {exc.strerror}"]) from None
    from geo.uploads.layer import Limits

    try:
        limits = Limits.from_env(os.environ)
    except ValueError as exc:
        raise LayerError(path.name, [f"upload limits misconfigured: {exc}"]) from None
    return read_user_layer(path.name, data, source_crs=args.source_crs, encoding=args.input_encoding, limits=limits)


def _maps(args: argparse.Namespace) -> int:
    """The saved maps and stories, newest change first: id, kind, date, features, author, title."""
    from geo.store.database import StoreError, database_url
    from geo.store.store import Store

    store = Store(database_url(os.environ))
    try:
        entries = store.entries()
    except StoreError as exc:
        print(f"error: {exc.text.en} ({store.where})", file=sys.stderr)
        return 2
    print(f"{len(entries)} saved in {store.where}")
    for e in entries:
        title = " / ".join(t for t in (e.title.zh, e.title.en) if t)
        print(f"{e.id}  {e.kind:<5}  {e.updated:%Y-%m-%d %H:%M}  {e.features:>6} features  {e.author or '-'}  {title}")
    return 0


def _publish(args: argparse.Namespace) -> int:
    """Write the live map's files under static/yq, as a replica does at its first run, and print
    their addresses as JSON (deploy/serve asks the browser to fetch them with the page)."""
    import json

    from geo.app.appdata import AppData

    assets = AppData().live_assets(args.url_base)
    if assets.links is None:
        print("error: cannot write the map's files under static/yq (see the warning above)", file=sys.stderr)
        return 1
    scripts, stylesheets = assets.links
    found = {
        "scripts": [url for _, url in scripts],
        "stylesheets": [url for _, url in stylesheets],
        "data": dict(assets.bundles),
        "texts": dict(assets.texts),
        "images": dict(assets.images),
    }
    print(json.dumps(found, ensure_ascii=False, indent=1))
    return 0


def _fonts(args: argparse.Namespace) -> int:
    from geo.printing.fonts import SOURCE_FONT, build_subset, characters

    if not SOURCE_FONT.exists():
        print(f"error: {SOURCE_FONT} not found: apt-get install -y fonts-noto-cjk", file=sys.stderr)
        return 2
    path = build_subset()
    size = path.stat().st_size / 1024
    print(f"wrote {path.relative_to(LAYERS_DIR.parent)} ({size:.0f} KB, {len(characters())} characters)")
    return 0


def _validate(args: argparse.Namespace) -> int:
    """One line per problem; exit 0 when every file is usable."""
    from geo.data.layers import LayerError

    failed = 0
    for name in args.paths:
        path = Path(name)
        try:
            _, _, report = _read_user(path, args)
        except LayerError as exc:
            failed += 1
            for problem in exc.problems:
                print(f"{name}: {problem}")
            continue
        print(f"{name}: ok — {report.features} features, {report.crs}, encoding {report.encoding or 'default'}")
        for line in report.lines():
            print(f"{name}: note: {line}")
    return 1 if failed else 0


def _add_input_options(parser: argparse.ArgumentParser, encoding_flag: str = "--encoding") -> None:
    parser.add_argument(
        "--source-crs",
        choices=["gcj02"],
        default=None,
        help="the file was digitised on Gaode/Amap (GCJ-02); convert it to WGS-84",
    )
    parser.add_argument(
        encoding_flag, dest="input_encoding", default=None, help="a Shapefile's attribute encoding, e.g. GB18030"
    )


YEAR_HELP = "the zone as it was in this year: 2019 … this year (default), or 'planned' (as the plan proposed it)"


class _Usage(Exception):
    """A bad argument: reported in one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _Usage(message)


def _map_options(parser: argparse.ArgumentParser, *, view_help: str, layers_help: str, compare: bool = True) -> None:
    """What every map-making command takes: the view, the layers, the year (and another to
    compare it with), the language, and the user's own files as extra layers."""
    parser.add_argument("--view", help=view_help)
    parser.add_argument("--layers", help=layers_help)
    parser.add_argument("--year", default=None, help=YEAR_HELP)
    if compare:
        parser.add_argument(
            "--compare",
            default=None,
            metavar="YEAR",
            help="compare --year (right) with this year (left): a swipe in an export, two maps side by side on a sheet",
        )
    parser.add_argument(
        "--map",
        default=None,
        metavar="ID",
        help="a saved map (its id from its link or `python -m geo maps list`); the other options apply over it",
    )
    parser.add_argument(
        "--extra-layer",
        action="append",
        default=[],
        metavar="PATH",
        help="add a file of your own (GeoJSON, zipped Shapefile, GeoPackage) as a layer (repeatable)",
    )


def _add_export(sub: Any) -> None:
    p = sub.add_parser("export", help="write one self-contained HTML map that works offline")
    p.add_argument("out", metavar="OUT.html")
    _map_options(p, view_help="a preset view id", layers_help="comma-separated layer ids (default: the catalog's)")
    p.add_argument("--basemap", default=None, help="basemap id (default: the view's, else offline)")
    p.add_argument("--lang", choices=["zh", "en"], default=None, help="zh (default, or the saved map's) or en")
    p.add_argument(
        "--include-key",
        action="store_true",
        help="allow a basemap key (TIANDITU_TOKEN, CARTO_API_KEY) to be written into the file",
    )
    _add_input_options(p)
    p.set_defaults(func=_export)


def _add_print(sub: Any) -> None:
    p = sub.add_parser("print", help="write a print-ready sheet (PDF, PNG or SVG), offline")
    p.add_argument("out", metavar="OUT.pdf|OUT.png|OUT.svg")
    _map_options(p, view_help="a preset view id (default: the overview)", layers_help="comma-separated layer ids")
    p.add_argument("--lang", choices=["zh", "en"], default=None, help="zh (default, or the saved map's) or en")
    p.add_argument("--size", default="A4", help="A4 (default), A3, A2, A1 or A0")
    p.add_argument("--orientation", choices=["landscape", "portrait"], default="landscape")
    p.add_argument("--dpi", type=int, default=300, help="PNG resolution (default 300)")
    p.add_argument("--title", default=None, help="a title of your own")
    p.add_argument("--notice", choices=["internal"], default=None, help="internal: 内部用图，不得公开")
    p.add_argument("--story", default=None, metavar="ID", help="a saved story: one PDF with a page per step")
    picture = "the map alone, WxH pixels, no sheet around it (PNG): deploy/serve's first-visit picture"
    p.add_argument("--picture", default=None, metavar="WxH", help=picture)
    _add_input_options(p)
    p.set_defaults(func=_print, include_key=False)


def _add_data(sub: Any) -> None:
    p = sub.add_parser("data", help="the layers for GIS and CAD: GeoPackage, Shapefile, KML/KMZ, DXF, GeoJSON, CSV")
    p.add_argument("out", metavar="OUT.zip|FOLDER")
    p.add_argument("--format", required=True, choices=FORMATS)
    _map_options(
        p, view_help="a preset view id: its layers and year", layers_help="layer ids (default: visible)", compare=False
    )
    p.add_argument("--lang", choices=["zh", "en"], default=None, help="language of names and values (default zh)")
    p.add_argument("--crs", default=None, help="e.g. EPSG:4545 (default: WGS-84; DXF: CGCS2000 Gauss–Krüger)")
    p.add_argument(
        "--encoding", choices=SHAPEFILE_ENCODINGS, default="utf-8", help="Shapefile attributes (gbk: .cpg 936)"
    )
    _add_input_options(p, encoding_flag="--input-encoding")
    p.set_defaults(func=_data, include_key=False)


def _parser() -> argparse.ArgumentParser:
    """The command line's grammar: build, export, print, data, fonts, validate."""
    parser = _Parser(prog="python -m geo", description="渝黔合作先行示范区 map: data and exports")
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="derive layers/*.geojson from layers/tables and the boundary source")
    p_build.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    p_build.set_defaults(func=_build)
    _add_export(sub)
    _add_print(sub)
    _add_data(sub)
    p_maps = sub.add_parser("maps", help="saved maps and stories (YQ_DATABASE_URL, else data/yuqian.sqlite)")
    maps_sub = p_maps.add_subparsers(dest="maps_command", required=True)
    maps_sub.add_parser("list", help="list them, newest change first").set_defaults(func=_maps)
    p_publish = sub.add_parser("publish", help="write the live map's files under static/yq and print their URLs")
    p_publish.add_argument("--url-base", default="", help='the dashboard\'s base URL path ("" at the root, "/map")')
    p_publish.set_defaults(func=_publish)
    p_fonts = sub.add_parser("fonts", help="remake the print sheet's font subset (needs Debian's fonts-noto-cjk)")
    p_fonts.set_defaults(func=_fonts)
    p_validate = sub.add_parser("validate", help="check files before adding them as layers")
    p_validate.add_argument("paths", nargs="+", metavar="PATH")
    _add_input_options(p_validate)
    p_validate.set_defaults(func=_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    try:
        args = _parser().parse_args(argv)
        return int(args.func(args))
    except _Usage as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
