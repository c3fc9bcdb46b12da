"""The print sheet's fonts: a system CJK font when there is one, else the subset shipped here.

The shipped subset (``geo/static/fonts/YqSansSC-subset.ttf``) is made by ``python -m geo fonts``
from Noto Sans CJK SC (SIL Open Font License 1.1; Debian's ``fonts-noto-cjk``): only the
characters the layers, catalog, views and interface use, converted from CFF to TrueType
outlines so that matplotlib embeds it as a Type 42 font (text stays text, searchable in the
PDF). The same inputs give the same bytes.
"""

from __future__ import annotations

import io
import json
import tomllib
from pathlib import Path

from geo.paths import LAYERS_DIR, STATIC_DIR

FONT_DIR = STATIC_DIR / "fonts"
SUBSET_PATH = FONT_DIR / "YqSansSC-subset.ttf"
SUBSET_FAMILY = "Yq Sans SC"
SOURCE_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_FACE = "Noto Sans CJK SC"
# Families a machine may have that cover Chinese; the first found is used.
SYSTEM_CJK = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC")


def characters() -> str:
    """Every character the sheet may print: layer and table text, catalog, views, interface strings."""
    from geo import i18n

    chars: set[str] = set(chr(c) for c in range(0x20, 0x7F))
    chars |= set("·—–…“”‘’（）：；，。、《》°±×²≈→←▸▾ ")
    for path in sorted(LAYERS_DIR.glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            for value in feature["properties"].values():
                chars |= set(str(value))
    for path in (LAYERS_DIR / "catalog.toml", LAYERS_DIR / "views.toml", LAYERS_DIR / "basemaps.toml"):
        for text in _strings(tomllib.loads(path.read_text(encoding="utf-8"))):
            chars |= set(text)
    for phrase in i18n.UI.values():
        chars |= set(phrase.zh) | set(phrase.en)
    chars |= set("0123456789北")  # dates, scale bar, north arrow
    return "".join(sorted(c for c in chars if c.isprintable()))


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def build_subset(source: Path = SOURCE_FONT, out: Path = SUBSET_PATH) -> Path:
    """Subset the CJK source font to :func:`characters` and write it with TrueType outlines."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTCollection, newTable

    font = next(f for f in TTCollection(str(source)).fonts if f["name"].getDebugName(4) == SOURCE_FACE)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters())
    subsetter.subset(font)
    # CFF outlines → quadratic TrueType outlines (what matplotlib embeds as Type 42)
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = font.getGlyphOrder()
    glyf.glyphs = {}
    for name in glyf.glyphOrder:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    font["maxp"].tableVersion = 0x00010000
    for attr in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
        "maxComponentDepth",
    ):
        setattr(font["maxp"], attr, 0)
    font["maxp"].maxZones = 1
    font["post"].formatType = 3.0  # no glyph names: matplotlib embeds by glyph index
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    _rename(font)
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=True)
    out.write_bytes(buffer.getvalue())
    return out


def _rename(font) -> None:
    """A family name of its own: the OFL asks modified fonts not to use the Reserved Font Name."""
    names = {1: SUBSET_FAMILY, 3: f"{SUBSET_FAMILY} subset", 4: SUBSET_FAMILY, 6: SUBSET_FAMILY.replace(" ", "")}
    for record in font["name"].names:
        if record.nameID in names:
            record.string = names[record.nameID]
    font.recalcTimestamp = False  # keep the source's dates: the same bytes from the same inputs


def cjk_font(extra_text: str = "") -> tuple[str, Path | None]:
    """The font family to print with, and the file to register (None: a system font).

    The shipped subset, which covers everything the layers and the interface say; a system CJK
    font only when `extra_text` (a title the user typed) needs characters the subset lacks.
    """
    missing = set(extra_text) - set(characters())
    if missing:
        from matplotlib import font_manager

        available = {f.name for f in font_manager.fontManager.ttflist}
        for family in SYSTEM_CJK:
            if family in available:
                return family, None
    return SUBSET_FAMILY, SUBSET_PATH


__all__ = ["SUBSET_FAMILY", "SUBSET_PATH", "build_subset", "characters", "cjk_font"]
