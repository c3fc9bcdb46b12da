"""Print-ready sheets: `python -m geo print`, checked with Debian's poppler-utils and by their pixels."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
HIGHLIGHT = (255, 211, 0)  # geo.web.payloads.HIGHLIGHT, the selection's outline


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} is not installed (apt-get install -y poppler-utils)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geo", "print", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def _text(pdf: Path) -> str:
    return subprocess.run([_poppler("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def overview_pdf(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("print") / "overview.pdf"
    result = _run(str(out), "--notice", "internal")
    assert result.returncode == 0, result.stderr
    return out


def test_an_a4_landscape_pdf_with_title_legend_names_sources_and_notice(overview_pdf):
    info = subprocess.run([_poppler("pdfinfo"), str(overview_pdf)], capture_output=True, text=True).stdout
    assert "841.89 x 595.276 pts (A4)" in info
    text = _text(overview_pdf)
    for expected in (
        "示范区全貌",  # the view's title (the overview by default)
        "图例",
        "沿线区县（推断）",  # legend entries of the visible layers only
        "铁路（规划，示意）",
        "綦江区",  # names on the map
        "贵安新区",
        "数据来源",  # sources and licences
        "OpenStreetMap",
        "示意图，不作为权属争议依据",
        "内部用图，不得公开",
        "Albers",
        "数据截至: 2026-11-26",
    ):
        assert expected in text, expected
    assert "一核：核心区" not in text  # not a visible layer of the overview


def test_fonts_are_embedded_and_chinese_needs_no_system_font(overview_pdf):
    fonts = subprocess.run([_poppler("pdffonts"), str(overview_pdf)], capture_output=True, text=True).stdout
    rows = fonts.strip().splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), fonts  # every font embedded
    assert all("YqSansSC" in row for row in rows), fonts  # the shipped subset, not a font of this machine


def test_english_sheet(tmp_path):
    out = tmp_path / "en.pdf"
    assert _run(str(out), "--lang", "en", "--view", "core").returncode == 0
    text = _text(out)
    assert "The corridor and the core zone" in text and "Legend" in text and "Qijiang District" in text
    assert "图例" not in text


def test_png_at_300_dpi_is_a4_in_pixels_and_shows_the_highlight(tmp_path):
    out = tmp_path / "core.png"
    assert _run(str(out), "--view", "core").returncode == 0  # the core view highlights 綦江区
    image = Image.open(out).convert("RGB")
    assert abs(image.width - 3508) <= 1 and abs(image.height - 2480) <= 1
    plain = tmp_path / "plain.png"
    assert _run(str(plain), "--layers", "scope_yanxian,rail", "--dpi", "75").returncode == 0
    assert _yellow(image.resize((image.width // 4, image.height // 4))) > 500 and _yellow(Image.open(plain)) == 0


def _yellow(image) -> int:
    """Pixels in the selection's yellow."""
    pixels = np.asarray(image.convert("RGB"), dtype=int)
    return int((np.abs(pixels - np.array(HIGHLIGHT)).max(axis=2) < 30).sum())


def test_the_same_inputs_give_the_same_bytes(tmp_path):
    for fmt, extra in (("pdf", []), ("png", ["--dpi", "100"]), ("svg", [])):
        first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        assert _run(str(first), "--view", "pieces", *extra).returncode == 0
        assert _run(str(second), "--view", "pieces", *extra).returncode == 0
        assert first.read_bytes() == second.read_bytes(), fmt


def test_the_map_alone_as_a_picture_fills_it_edge_to_edge(tmp_path):
    """deploy/serve's first-visit picture: the map at the asked size, with no paper around it."""
    out = tmp_path / "map.png"
    assert _run(str(out), "--picture", "600x400").returncode == 0
    image = np.asarray(Image.open(out).convert("RGB"), dtype=int)
    assert image.shape[:2] == (400, 600)
    edges = np.concatenate([image[3], image[-4], image[:, 3], image[:, -4]])
    assert (edges.min(axis=1) >= 250).mean() < 0.2  # the map's face and relief, not the sheet's white margin
    orange = (image[..., 0] - image[..., 2] > 50) & (image[..., 0] > 200)  # 沿线区县's fill over the relief
    assert orange.mean() > 0.003  # small: the picture shows as much around the zone as the map will


def test_svg_keeps_text_as_text(tmp_path):
    out = tmp_path / "map.svg"
    assert _run(str(out), "--view", "belt", "--size", "A3", "--orientation", "portrait").returncode == 0
    svg = out.read_text(encoding="utf-8")
    assert "<text" in svg and "沿边与一带" in svg


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["map.txt"], "must end in .pdf, .png or .svg"),
        (["map.pdf", "--size", "A5"], "--size"),
        (["map.png", "--dpi", "10"], "--dpi"),
        (["map.pdf", "--view", "nowhere"], "unknown view"),
        (["map.pdf", "--notice", "public"], "invalid choice"),
        (["map.pdf", "--picture", "600x400"], "--picture"),
        (["map.png", "--picture", "big"], "--picture"),
        (["map.png", "--picture", "20x20"], "--picture"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(tmp_path, args, message):
    result = _run(str(tmp_path / args[0]), *args[1:])
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]


def test_a_title_the_subset_lacks_falls_back_to_a_system_font(monkeypatch):
    from matplotlib import font_manager

    from geo.printing.fonts import SUBSET_FAMILY, cjk_font

    assert cjk_font("示范区全貌")[0] == SUBSET_FAMILY  # every character in the subset
    cjk = [f for f in font_manager.fontManager.ttflist if "CJK" in f.name or "Hei" in f.name]
    monkeypatch.setattr(
        font_manager.fontManager, "ttflist", [f for f in font_manager.fontManager.ttflist if f not in cjk]
    )
    assert cjk_font("鼋鼍")[0] == SUBSET_FAMILY  # no system CJK font: still the subset (missing glyphs only)


def test_the_dashboard_offers_the_sheet_of_what_is_on_screen():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["view"] = "core"
    at.run()
    at.button(key="prepare_print").click().run()
    assert not at.exception
    buttons = {b.proto.label: b for b in at.get("download_button")}
    assert {"下载打印版 PDF", "下载打印版 PNG"} <= set(buttons)
