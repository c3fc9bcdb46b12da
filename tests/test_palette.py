"""The default palette, checked as a reader with a colour-vision deficiency and on the map's background.

Colour-blind safety: legend entries of the same geometry kind that differ only by colour (same
dash pattern) stay at least ΔE2000 = 10 apart with normal vision and under simulated deuteranopia
and protanopia (Machado et al. 2009, severity 1, via colour-science). Contrast: every line and
outline has at least 3:1 against the map's background (WCAG 2.1, 1.4.11 non-text contrast).
"""

from __future__ import annotations

import itertools
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

with warnings.catch_warnings():  # colour-science notes that matplotlib (for its plots) is absent
    warnings.simplefilter("ignore")
    import colour

from geo.data.catalog import load_catalog

ROOT = Path(__file__).resolve().parent.parent
MIN_DELTA_E = 10.0
MIN_CONTRAST = 3.0


def _entries():
    out = []
    for spec in load_catalog().layers:
        items = [(cat.style, cat.label.en) for cat in spec.categories] or [(spec.style, spec.title.en)]
        for style, label in items:
            out.append((f"{spec.id}: {label}", spec.geometry, style))
    return out


def _linear(hex_colour: str) -> np.ndarray:
    rgb = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return colour.models.eotf_sRGB(rgb)


def _lab(hex_colour: str, deficiency: str | None) -> np.ndarray:
    linear = _linear(hex_colour)
    if deficiency:
        linear = np.clip(colour.blindness.matrix_cvd_Machado2009(deficiency, 1.0) @ linear, 0, 1)
    xyz = colour.RGB_to_XYZ(linear, colour.RGB_COLOURSPACES["sRGB"], apply_cctf_decoding=False)
    return colour.XYZ_to_Lab(xyz)


def _difference(a, b, deficiency: str | None) -> float:
    """How far apart two styles look: the larger of their outline and fill differences."""
    pairs = ((a.color, b.color), (a.fill_color or a.color, b.fill_color or b.color))
    return max(float(colour.delta_E(_lab(x, deficiency), _lab(y, deficiency), method="CIE 2000")) for x, y in pairs)


def _luminance(hex_colour: str) -> float:
    return float(np.dot([0.2126, 0.7152, 0.0722], _linear(hex_colour)))


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _map_background() -> str:
    css = (ROOT / "geo" / "static" / "yq.css").read_text(encoding="utf-8")
    return re.search(r"\.leaflet-container \{ background: (#[0-9a-fA-F]{6})", css).group(1)


PAIRS = [
    (a, b)
    for a, b in itertools.combinations(_entries(), 2)
    if a[1] == b[1] and (a[2].dash_array or "") == (b[2].dash_array or "")  # told apart by colour alone
]


@pytest.mark.parametrize("deficiency", [None, "Deuteranomaly", "Protanomaly"])
def test_categories_stay_distinguishable(deficiency):
    close = [
        f"{a[0]} ~ {b[0]}: ΔE {d:.1f}" for a, b in PAIRS if (d := _difference(a[2], b[2], deficiency)) < MIN_DELTA_E
    ]
    assert close == [], f"{deficiency or 'normal vision'}: {close}"


def test_the_check_would_catch_a_red_green_pair():
    from geo.data.styles import PathStyle

    red, green = PathStyle(color="#d62728", fill_color="#d62728"), PathStyle(color="#2ca02c", fill_color="#2ca02c")
    assert _difference(red, green, None) > 30  # plainly different to most readers …
    assert _difference(red, green, "Deuteranomaly") < MIN_DELTA_E  # … and not under deuteranopia


def test_every_line_and_outline_has_3_to_1_contrast_on_the_map():
    background = _map_background()
    weak = [
        f"{name}: {style.color} {_contrast(style.color, background):.2f}:1"
        for name, _, style in _entries()
        if _contrast(style.color, background) < MIN_CONTRAST
    ]
    assert weak == []
