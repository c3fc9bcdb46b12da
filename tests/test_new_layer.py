"""Adding a layer is a data edit: a GeoJSON file and a catalog entry, and no code change.

The project is copied to a temporary folder, a layer of scenic spots is added there as a file
and a catalog entry, and the copy's own dashboard (under AppTest) and command line are run in
a subprocess: the new layer must reach the toggles, legend, search, details, table and export.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LAYER = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {
                "id": "lotus_cave",
                "name_zh": "测试溶洞景区",
                "name_en": "Test Karst Cave",
                "source": "test fixture",
                "confidence": "medium",
            },
            "geometry": {"type": "Point", "coordinates": [106.6532, 29.0311]},
        }
    ],
}

ENTRY = """
[[layers]]
id = "scenic"
file = "scenic.geojson"
group = "parks"
geometry = "point"
visible = false
role = "park"
priority = 11
searchable = true
title = { zh = "测试景区", en = "Test scenic spots" }
description = { zh = "测试用图层", en = "A layer added by a test" }
style = { color = "#1b9e77", fill_color = "#1b9e77", fill_opacity = 0.9, radius = 7 }
tooltip = ["name", "confidence"]
popup = ["name", "confidence", "source"]
source = { zh = "测试", en = "test" }
licence = "test data"
"""

# Runs inside the copy: its own dashboard.py and geo/, nothing from this checkout.
PROBE = r"""
import json, re, base64, subprocess, sys, urllib.parse
from streamlit.testing.v1 import AppTest

out = {}
at = AppTest.from_file("dashboard.py", default_timeout=90)
at.run()
out["exceptions"] = [str(e.value) for e in at.exception]
box = at.checkbox(key="show_scenic")
out["toggle_label"] = box.label
box.check().run()
state = next(
    json.loads(m.group(1))
    for e in [*at.get("iframe")]
    if (m := re.search(r'id="yq-state">(.*?)</script>', e.proto.srcdoc, re.S))
)
out["visible"] = state["visible"]
args = json.loads(at.get("component_instance")[0].proto.json_args)
def script_of(link):
    if link.startswith("data:"):
        head, body = link.split(",", 1)
        return base64.b64decode(body).decode() if head.endswith(";base64") else urllib.parse.unquote(body)
    return open("static/yq/" + link.rsplit("/", 1)[1], encoding="utf-8").read()  # published by the app
bundle = next(s for s in map(script_of, args["js_links"]) if s.startswith("yq.load("))
bundle = json.loads(bundle[len("yq.load("):-2])
out["legend_zh"] = bundle["legends"]["zh"]["entries"].get("scenic", "")
GROUP = r'yq\.register\(L\.featureGroup\(null, \{.*?\}\),\s*"([^"]+)"'
out["registered"] = re.findall(GROUP, args["feature_group"], re.S)
at.text_input(key="q").input("溶洞").run()
options = at.selectbox(key="search_pick_zh").options
out["search"] = options
at.selectbox(key="search_pick_zh").select(options[0]).run()
out["details"] = [m.value for m in at.markdown if m.value.startswith("###")]
out["selection"] = at.query_params["sel"]
at.toggle(key="show_table").set_value(True).run()
out["table_names"] = list(at.dataframe[-1].value["名称"])
done = subprocess.run(
    [sys.executable, "-m", "geo", "export", "out.html", "--layers", "scenic,counties"], capture_output=True, text=True
)
out["export_rc"], out["export_err"] = done.returncode, done.stderr
out["export"] = open("out.html", encoding="utf-8").read() if done.returncode == 0 else ""
print(json.dumps(out, ensure_ascii=False))
"""


def test_a_new_file_and_catalog_entry_reach_every_part_of_the_app(tmp_path):
    copy = tmp_path / "project"
    copy.mkdir()
    for part in ("geo", "layers", ".streamlit"):
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "dashboard.py", copy / "dashboard.py")
    (copy / "layers" / "scenic.geojson").write_text(json.dumps(LAYER, ensure_ascii=False), encoding="utf-8")
    catalog = copy / "layers" / "catalog.toml"
    catalog.write_text(catalog.read_text(encoding="utf-8") + ENTRY, encoding="utf-8")

    done = subprocess.run([sys.executable, "-c", PROBE], cwd=copy, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])

    assert out["exceptions"] == []
    assert out["toggle_label"] == "测试景区"  # toggles
    assert "scenic" in out["visible"] and "scenic" in out["registered"]  # the live map
    assert "测试景区" in out["legend_zh"]  # legend
    assert out["search"] and out["search"][0].startswith("测试溶洞景区")  # search
    assert out["details"] == ["### 测试溶洞景区"] and out["selection"] == "scenic/lotus_cave"  # details
    assert "测试溶洞景区" in out["table_names"]  # table
    assert out["export_rc"] == 0, out["export_err"]
    assert "测试溶洞景区" in out["export"] and '"scenic"' in out["export"]  # export
