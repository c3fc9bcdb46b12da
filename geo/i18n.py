"""Language handling: one `translate` for every {zh, en} text, plus the UI strings.

Every human-readable string in data is a language struct ``{"zh": ..., "en": ...}``
(or a :class:`Text`). The language is chosen per session and passed explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = get_args(Lang)
LANG_NAMES: dict[Lang, str] = {"zh": "中文", "en": "English"}  # each in its own language
DEFAULT_LANG: Lang = "zh"


@dataclass(frozen=True)
class Text:
    """A bilingual string."""

    zh: str
    en: str

    def get(self, lang: Lang) -> str:
        """Return the text in `lang`, falling back to the other language when empty."""
        return translate({"zh": self.zh, "en": self.en}, lang)


def translate(value: Any, lang: Lang) -> str:
    """Resolve a language struct (or plain value) to a string in `lang`.

    Falls back to the default language, then to any non-empty translation; a plain
    value is returned as ``str(value)``; ``None`` becomes an empty string.
    """
    if value is None:
        return ""
    if isinstance(value, Text):
        value = {"zh": value.zh, "en": value.en}
    if isinstance(value, Mapping):
        for key in (lang, DEFAULT_LANG, *LANGS):
            text = value.get(key)
            if text:
                return str(text)
        return ""
    return str(value)


def parse_text(raw: Any, where: str, problems: list[str]) -> Text:
    """Check a ``{zh = ..., en = ...}`` table from a data file: both texts present and non-empty,
    no other keys. Each problem is appended to `problems`, prefixed with `where`."""
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: must be a table {{zh = ..., en = ...}}")
        return Text("", "")
    for lang in LANGS:
        value = raw.get(lang)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: missing or empty '{lang}' text")
    extra = set(raw) - set(LANGS)
    if extra:
        problems.append(f"{where}: unknown language key(s) {sorted(extra)}")
    return Text(str(raw.get("zh") or ""), str(raw.get("en") or ""))


def localized(props: Mapping[str, Any], field: str, lang: Lang) -> Any:
    """Return ``props[field_<lang>]`` when present, else ``props[field]`` (or None)."""
    for key in (f"{field}_{lang}", f"{field}_{DEFAULT_LANG}", field):
        if key in props and props[key] not in (None, ""):
            return props[key]
    return None


# Strings of the user interface (the data's strings live in layers/).
UI: dict[str, Text] = {
    "language": Text("语言", "Language"),
    "layers": Text("图层", "Layers"),
    "search": Text("搜索区县、车站、园区、线路", "Search counties, stations, parks, corridors"),
    "search_example": Text("綦江 / 遵义 / 果园港", "Qijiang / Zunyi / Guoyuan"),
    "search_results": Text("搜索结果", "Results"),
    "no_results": Text("没有匹配项", "No match"),
    "details": Text("要素详情", "Feature details"),
    "click_hint": Text("点击地图上的要素查看详情，或使用搜索。", "Click a feature on the map, or search, for details."),
    "units_identified": Text("已确认单位 / 方案总数", "Units confirmed / in the plan"),
    "units_inferred": Text("推断的沿边区县", "Border units inferred"),
    "zone_area": Text("已知范围面积 (km²)", "Area of known units (km²)"),
    "border_length": Text("渝黔省界长度 (km)", "Chongqing–Guizhou border (km)"),
    "projects_open": Text("方案项目已建成（{year}）", "Plan projects open, {year}"),
    "year": Text("年份", "Year"),
    "projects_open_short": Text("方案项目已建成", "plan projects open"),
    "year_planned": Text("方案规划", "As planned"),
    "compare": Text("对比年份（分隔线左侧）", "Compare with (left of the divider)"),
    "compare_off": Text("不对比", "No comparison"),
    "compare_help": Text(
        "地图以竖线分为两侧：左侧为此处所选年份，右侧为上方“年份”。拖动分隔线或用 ←/→ 键移动。",
        "The map is split by a divider: this year on its left, the Year above on its right. "
        "Drag the divider or move it with ←/→.",
    ),
    "compare_divider": Text("对比分隔线：左侧 {left}，右侧 {right}", "Compare divider: left {left}, right {right}"),
    "compare_at": Text("分隔线位于 {percent}%", "Divider at {percent}%"),
    "changes": Text("两个年份之间的变化", "What changed between the two years"),
    "rail_km": Text("铁路已通车 / 未通车（km，示意）", "Rail open / not yet (km, schematic)"),
    "table": Text("可见图层要素表", "Features of the visible layers"),
    "presentation": Text("演示模式", "Presentation mode"),
    "add_layer": Text("添加我的图层", "Add my layer"),
    "show_upload": Text("上传文件", "Upload a file"),
    "upload_file": Text("GeoJSON、Shapefile（zip）或 GeoPackage", "GeoJSON, zipped Shapefile or GeoPackage"),
    "upload_gcj": Text("在高德地图上数字化（GCJ-02）", "Digitised on Gaode/Amap (GCJ-02)"),
    "upload_crs": Text("文件未注明坐标系时采用", "CRS to use if the file states none"),
    "upload_encoding": Text("属性编码（Shapefile）", "Attribute encoding (Shapefile)"),
    "upload_colour": Text("颜色", "Colour"),
    "upload_add": Text("添加图层", "Add layer"),
    "features": Text("个要素", "features"),
    "remove": Text("移除", "Remove"),
    "basemap": Text("底图", "Basemap"),
    "needs_key": Text("需要密钥，未配置", "needs a key, none configured"),
    "key_missing": Text(
        "该底图需要密钥：请设置环境变量或 Streamlit secrets 中的 {env}。",
        "This basemap needs a key: set {env} in the environment or Streamlit secrets.",
    ),
    "include_key": Text("导出文件中包含我的底图密钥", "Put my basemap key in the exported file"),
    "export_without_key": Text(
        "未包含密钥：导出的文件不显示该底图。", "Without the key the exported file shows no tiles for this basemap."
    ),
    "preset_view": Text("预设视图", "Preset view"),
    "previous": Text("◀ 上一步", "◀ Previous"),
    "next": Text("下一步 ▶", "Next ▶"),
    "share_link": Text("分享链接（恢复当前状态）", "Share link (restores this state)"),
    "show_table": Text("显示表格并准备下载", "Show the table and downloads"),
    "download_csv": Text("下载 CSV", "Download CSV"),
    "download_geojson": Text("下载 GeoJSON", "Download GeoJSON"),
    "download_html": Text("下载离线 HTML 地图", "Download offline HTML map"),
    "prepare_html": Text("准备离线 HTML 地图", "Prepare offline HTML map"),
    "layer_error": Text("图层无法加载", "Layer could not be loaded"),
    "corridors_crossing": Text("穿过的交通走廊", "Corridors crossing it"),
    "parks_inside": Text("区内园区", "Parks in it"),
    "layout_membership": Text("所属布局要素", "Part of layout elements"),
    "member_units": Text("成员单位", "Member units"),
    "none": Text("无", "none"),
    "not_known": Text("未知", "not known"),
    "legend": Text("图例", "Legend"),
    "low_confidence": Text("虚线、斜线填充：低可信度", "Dashed, hatched: low confidence"),
    "unknown_title": Text("尚不知道的", "What is not known"),
    "exported": Text("导出日期", "Exported"),
    "sources": Text("数据来源", "Sources"),
    "measure": Text("测量", "Measure"),
    "distance": Text("距离", "Distance"),
    "area": Text("面积", "Area"),
    "measure_hint": Text("点击地图添加测量点，按 Esc 结束", "Click the map to add points, Esc to finish"),
    "zoom_in": Text("放大", "Zoom in"),
    "zoom_out": Text("缩小", "Zoom out"),
    "fullscreen": Text("全屏", "Full screen"),
    "clear_selection": Text("清除选择", "Clear selection"),
    "layer": Text("图层", "Layer"),
    "north": Text("北", "N"),
    "printed": Text("打印日期", "Printed"),
    "data_as_of": Text("数据截至", "Data as of"),
    "crs_print": Text(
        "坐标系：WGS-84 数据，Albers 等积圆锥投影（中国，标准纬线 25°N、47°N，中央经线 105°E）",
        "Coordinates: WGS-84 data in an Albers equal-area conic projection "
        "(China: standard parallels 25°N, 47°N; central meridian 105°E)",
    ),
    "internal_use": Text("内部用图，不得公开", "Internal use only"),
    "review_number": Text("审图号", "Map review number"),
    "print_map": Text("准备打印版地图（PDF、PNG）", "Prepare print-ready map (PDF, PNG)"),
    "download_data": Text("下载数据（GIS、CAD）", "Download data (GIS, CAD)"),
    "data_format": Text("格式", "Format"),
    "data_encoding": Text(
        "Shapefile 属性编码（GBK：旧版 ArcGIS、MapGIS）", "Shapefile attributes (GBK: older ArcGIS, MapGIS)"
    ),
    "data_hint": Text(
        "可见图层，按所选年份，名称与取值为当前语言；压缩包内附数据来源说明。",
        "The visible layers as of the chosen year, names and values in this language; a README of sources inside.",
    ),
    "prepare_data": Text("准备数据文件", "Prepare the data file"),
    "download_zip": Text("下载数据文件", "Download the data file"),
    "no_layer": Text("没有可见图层", "No layer is visible"),
    "data_failed": Text("数据文件无法生成", "The data file could not be made"),
    "download_pdf": Text("下载打印版 PDF", "Download print-ready PDF"),
    "download_png": Text("下载打印版 PNG", "Download print-ready PNG"),
    "overview_inset": Text("位置", "Location"),
    "map": Text("地图", "Map"),
    "map_shows": Text("图上显示：{layers}。", "The map shows: {layers}."),
    "features_list": Text(
        "地图要素：用方向键逐个浏览，回车查看详情，Esc 返回地图",
        "Map features: arrow keys to move, Enter for details, Esc back to the map",
    ),
    "features_hint": Text("要素 ⌨", "Features ⌨"),
    # keyboard ways to the map, and names for Streamlit's own controls (geo/static/a11y.js)
    "skip_to_map": Text("跳到地图", "Skip to map"),
    "back_to_map": Text("回到地图", "Back to the map"),
    "skip_main": Text("跳到主要内容", "Skip to main content"),
    "help_for": Text("{label} 的说明", "Help for {label}"),
    "help": Text("说明", "Help"),
    "main_menu": Text("主菜单", "Main menu"),
    "collapse_sidebar": Text("收起侧栏", "Collapse sidebar"),
    "expand_sidebar": Text("展开侧栏", "Expand sidebar"),
    "heading_link": Text("标题链接", "Link to heading"),
    "sidebar": Text("侧栏", "Sidebar"),
    "open_list": Text("打开选项", "Open"),
    "tiles_failed": Text("底图瓦片无法加载（可能无网络）", "Basemap tiles could not load (no network?)"),
    "labels": Text("标注", "Labels"),
    "exit_presentation": Text("退出演示", "Leave presentation"),
    "dismiss": Text("知道了", "Dismiss"),
    "choose": Text("请选择", "Choose"),
    # saving and sharing (geo.store)
    "save_share": Text("保存与分享", "Save and share"),
    "save_title_zh": Text("标题（中文）", "Title (Chinese)"),
    "save_title_en": Text("标题（英文）", "Title (English)"),
    "save_author": Text("作者（可选）", "Author (optional)"),
    "save_note": Text("说明（可选）", "Note (optional)"),
    "save_hint": Text(
        "保存当前地图（图层、范围、年份、底图、语言、选中要素）和你添加的图层。",
        "Saves this map (layers, view, year, basemap, language, selection) with the layers you added.",
    ),
    "save_map": Text("保存地图", "Save map"),
    "save_changes": Text("保存修改", "Save changes"),
    "save_copy": Text("另存为副本", "Save as a copy"),
    "save_story": Text("保存演示（{n} 步）", "Save story ({n} steps)"),
    "saved_as": Text("已保存：{title}", "Saved: {title}"),
    "view_link": Text("查看链接（任何人可打开，不能修改）", "View link (anyone can open it; it cannot change the map)"),
    "edit_link": Text(
        "编辑链接：只显示这一次，请立即保存；持有它的人可以修改或删除这张地图。",
        "Edit link: shown this once, keep it now; whoever has it can change or delete this map.",
    ),
    "opened_view_only": Text(
        "正在查看已保存的“{title}”：可随意浏览，存储的内容不会改变；修改需编辑链接，或另存为副本。",
        "Viewing the saved “{title}”: explore freely, what is stored stays as it is; "
        "changing it needs its edit link, or save a copy.",
    ),
    "opened_editable": Text(
        "正在编辑已保存的“{title}”（第 {version} 版）。", "Editing the saved “{title}” (version {version})."
    ),
    "delete_saved": Text("删除这张已保存的地图", "Delete this saved map"),
    "deleted": Text("已删除。", "Deleted."),
    "story": Text("我的演示", "My story"),
    "story_hint": Text(
        "每一步是当前地图（范围、图层、年份、选中要素）加一句说明；有步骤时，演示模式按这些步骤翻页，预设视图里也列出它们。",
        "Each step is the current map (extent, layers, year, selection) with a caption; "
        "while there are steps, presentation mode steps through them and the view picker lists them too.",
    ),
    "step_caption_zh": Text("本步说明（中文）", "Step caption (Chinese)"),
    "step_caption_en": Text("本步说明（英文）", "Step caption (English)"),
    "step_add": Text("把当前地图添加为一步", "Add this map as a step"),
    "step_update": Text("更新第 {n} 步", "Update step {n}"),
    "step_up": Text("上移", "Up"),
    "step_down": Text("下移", "Down"),
    "step_show": Text("预览", "Show"),
    "step_edit": Text("编辑", "Edit"),
    "step_delete": Text("删除", "Delete"),
    "step_more": Text("更多", "More"),
    "step_no_caption": Text("（无说明）", "(no caption)"),
    "story_present": Text("演示我的故事", "Present my story"),
    "story_clear": Text("清空步骤，回到内置视图", "Clear the steps (back to the built-in views)"),
    "story_empty": Text(
        "还没有步骤：调好地图，写一句说明，再添加。", "No steps yet: set up the map, write a caption, then add it."
    ),
    "story_default_title": Text("我的演示", "My story"),
    "saved_maps": Text("已保存的地图", "Saved maps"),
    "saved_none": Text("还没有保存的地图或演示。", "Nothing saved yet."),
    "open_saved": Text("打开", "Open"),
    "builtin_story": Text("内置演示（{n} 步）", "Built-in story ({n} steps)"),
    "stored_in": Text("数据保存在：{where}", "Stored in: {where}"),
    # the sketch tool on the map (geo/static/sketch.js)
    "sketch": Text("标注", "Sketch"),
    "sketch_point": Text("点", "Point"),
    "sketch_line": Text("线", "Line"),
    "sketch_area": Text("面", "Area"),
    "sketch_title": Text("标题", "Title"),
    "sketch_note": Text("说明", "Note"),
    "sketch_hint": Text(
        "点击地图加点；双击或回车完成；退格删点；Esc 取消。键盘：方向键移动地图，V 在中心十字处加点。",
        "Click the map to add points; double-click or Enter finishes; Backspace removes one; Esc cancels. "
        "Keyboard: arrow keys move the map, V adds a point at the centre cross.",
    ),
    "sketch_finish": Text("完成", "Finish"),
    "sketch_undo": Text("删除上一点", "Undo point"),
    "sketch_cancel": Text("关闭", "Close"),
    "sketch_add_centre": Text("在中心加点", "Add at centre"),
    "sketch_too_few": Text(
        "点数不够：点要 1 个，线要 2 个，面要 3 个。", "Not enough points: 1 for a point, 2 for a line, 3 for an area."
    ),
    "sketch_added": Text("已添加标注“{title}”", "Sketch “{title}” added"),
    "sketch_vertex": Text("已加第 {n} 个点", "Point {n} added"),
    "sketch_move": Text("移动顶点", "Move vertices"),
    "sketch_move_done": Text("完成移动", "Done moving"),
    "sketch_drag": Text("拖动此顶点", "Drag this vertex"),
    "sketch_drag_hint": Text("拖动顶点，然后点“完成移动”。", "Drag the vertices, then press “Done moving”."),
    "sketch_moved": Text("已移动标注的顶点", "The sketch's vertices were moved"),
    "sketch_colours": Text("橙|天蓝|蓝绿|蓝|朱红|紫红", "orange|sky blue|bluish green|blue|vermilion|reddish purple"),
    "sketch_edit": Text("编辑标注", "Edit the sketch"),
    "sketch_colour": Text("颜色", "Colour"),
    "sketch_save": Text("保存标注", "Save the sketch"),
    "sketch_delete": Text("删除标注", "Delete the sketch"),
    "sketch_refused": Text("标注未添加", "The sketch was not added"),
}


def ui(key: str, lang: Lang) -> str:
    """Return the UI string `key` in `lang`."""
    return UI[key].get(lang)
