"""The reader's own work in one dashboard session, without Streamlit: uploaded layers, sketches,
the story being built and the saved map opened, kept in the session's mapping (Streamlit's
``session_state``), with what saving, opening, the story editor and the sketch tool do to them.
``dashboard.py`` calls these from its callbacks and draws the result."""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Any

from geo import state as ms
from geo.app import keys, picking, saving
from geo.data.basemaps import Basemap, Crs
from geo.data.layers import LayerSet
from geo.data.views import View
from geo.i18n import Text, ui
from geo.state import FeatureKey
from geo.store.database import StoreError
from geo.store.records import Saved
from geo.store.store import Store
from geo.uploads import sketches as sk
from geo.uploads.held import Held, read_held
from geo.uploads.layer import with_layer
from geo.web.livemap import live_payloads
from geo.web.payloads import LayerPayload

STORY_ACTIONS = ("add", "show", "edit", "up", "down", "delete", "present", "clear")


def _both(key: str) -> Text:
    return Text(ui(key, "zh"), ui(key, "en"))


class Workspace:
    """The session's own work, in `ss` (every value under the keys below; nothing else kept)."""

    def __init__(self, ss: MutableMapping[str, Any]) -> None:
        self.ss = ss

    # --- what the session holds ---------------------------------------------------------------
    @property
    def sketches(self) -> tuple[sk.Sketch, ...]:
        return tuple(self.ss.get("sketches", ()))

    @property
    def steps(self) -> list[saving.Step]:
        return list(self.ss.get("story_steps", []))

    @property
    def opened(self) -> saving.Opened | None:
        return self.ss.get("opened")

    def with_own(self, layerset: LayerSet) -> LayerSet:
        """`layerset` with the session's uploaded layers and sketches."""
        for spec, frame, _ in self.ss.get("user_layers", {}).values():
            layerset = with_layer(layerset, spec, frame)
        for spec, frame in sk.sketch_layers(self.sketches):
            layerset = with_layer(layerset, spec, frame)
        return layerset

    def own_payloads(self, layerset: LayerSet) -> dict[str, LayerPayload]:
        """The browser data of the session's own layers: an upload's made once per process and
        shared by every session that uploaded the same file; sketches' and saved layers' here."""
        held = {h.spec.id: h for h in self.ss.get("user_layers", {}).values() if isinstance(h, Held)}
        payloads = live_payloads(layerset, [i for i in layerset.own_layers if i not in held])
        for layer_id, h in held.items():
            if layer_id in layerset.own_layers:
                payloads[layer_id] = h.payload(lambda i=layer_id: live_payloads(layerset, [i])[i])
        return payloads

    def own_key(self, layerset: LayerSet) -> tuple[Any, ...]:
        """What the session's own layers' drawings depend on (a sketch added to a layer changes it)."""
        return layerset.own_layers, self.sketches

    def _form(self, *keys: str) -> list[str]:
        return [self.ss.get(k) or "" for k in keys]

    def story_title(self) -> Text:
        title = Text(*self._form("save_title_zh", "save_title_en"))
        return title if title.zh or title.en else _both("story_default_title")

    def story(
        self, builtin: Sequence[View], layerset: Callable[[], LayerSet], basemaps: Sequence[Basemap]
    ) -> Sequence[View]:
        """The story presented: the session's steps as views (made from `layerset()` again only
        when they change), else the built-in views themselves."""
        if not (steps := self.steps):
            return builtin
        title = self.story_title()
        key = repr((title, steps, tuple(self.ss.get("user_layers", {}))))
        if self.ss.get("story_views", (None,))[0] != key:
            self.ss["story_views"] = (key, saving.story_views(title, steps, layerset(), basemaps))
        return self.ss["story_views"][1]

    # --- saved maps ---------------------------------------------------------------------------
    def take(self, saved: Saved, token: str | None) -> None:
        """Keep an opened saved map: its layers (the reader's own stay), sketches, steps (a
        story's replace the draft), title, author and note."""
        record, ss = saved.record, self.ss
        ss["user_layers"] = {**ss.get("user_layers", {}), **saving.layers_of(saved)}
        ss["sketches"] = saving.sketches_of(saved) or self.sketches
        if record.steps:
            ss["story_steps"], ss["story_editing"] = list(record.steps), None
        ss["opened"] = saving.Opened(saved.id, record.kind, record.title, saved.version, token)
        ss.update(save_title_zh=record.title.zh, save_title_en=record.title.en)
        ss.update(save_author=record.author, save_note=record.note, save_done=None)

    @staticmethod
    def asked(saved: Saved) -> dict[str, str]:
        """The link parameters a saved map opens with (a story at its first step)."""
        return {**saved.record.query, **({"view": f"{saving.STEP_PREFIX}1"} if saved.record.steps else {})}

    def open_link(self, store: Store, map_id: str, token: str | None, asked: dict[str, Any]) -> list[Text]:
        """A link's saved map into the session, its state under the link's own parameters (put
        into `asked`); a wrong id or token is a notice (and the default map, or view only)."""
        try:
            saving.check_id(map_id)
            saved = store.open(map_id)
            editable = bool(token) and store.can_edit(map_id, token or "")
        except StoreError as exc:
            return [exc.text]
        self.take(saved, token if editable else None)
        asked.update({**self.asked(saved), **asked})
        return (
            []
            if editable or not token
            else [Text("编辑链接无效：只能查看。", "The edit link is not valid: view only.")]
        )

    def open_saved(self, store: Store, map_id: str) -> dict[str, str] | None:
        """A saved map from the list into the session; the parameters to open it with (None: it
        could not be opened, and the notice says why)."""
        try:
            saved = store.open(map_id)
        except StoreError as exc:
            self.ss["notices"] = [exc.text]
            return None
        self.take(saved, None)
        return self.asked(saved)

    def forget_story(self) -> None:
        """Back to the built-in story: no draft, no saved map open."""
        self.ss.update(story_steps=[], opened=None, save_done=None)

    def save(self, store: Store, state: ms.MapState, *, copy: bool = False, story: bool = False) -> None:
        """Save the map (or the story) — over the opened one with its edit token, else as a new one
        (whose edit link is shown this once); a refusal is kept for the panel to say."""
        ss, opened = self.ss, self.opened
        title = Text(*self._form("save_title_zh", "save_title_en"))
        author, note = self._form("save_author", "save_note")
        own = dict(ss.get("user_layers", {}))
        steps = self.steps if story else ()
        record = saving.record_of(
            state, own, title=title, author=author, note=note, steps=steps, sketches=self.sketches
        )
        ss["save_error"] = None
        try:
            if opened and opened.token and not copy and opened.kind == record.kind:
                saved, token, fresh = store.update(opened.id, opened.token, opened.version, record), opened.token, False
            else:
                (saved, token), fresh = store.create(record), True
        except StoreError as exc:
            ss["save_error"] = exc.text
            return
        ss["opened"] = saving.Opened(saved.id, record.kind, record.title, saved.version, token)
        ss["save_done"] = (saved.id, token if fresh else None)

    def delete(self, store: Store) -> None:
        """Delete the opened saved map with its edit token."""
        opened = self.opened
        if opened is None or opened.token is None:
            return
        try:
            store.delete(opened.id, opened.token)
        except StoreError as exc:
            self.ss["save_error"] = exc.text
            return
        self.ss.update(opened=None, save_done=None, notices=[_both("deleted")])

    # --- the story editor -----------------------------------------------------------------------
    def edit_story(self, state: ms.MapState, action: str, index: int = -1) -> int | None:
        """One story editor action (:data:`STORY_ACTIONS`): add (or update the step being edited)
        from `state`, move, delete, edit, clear. Returns the step to open for "show" and "present"."""
        ss, steps, editing = self.ss, self.steps, self.ss.get("story_editing")
        if action == "add":
            step = saving.step_of(state, Text(*self._form("step_caption_zh", "step_caption_en")))
            if editing is not None and editing < len(steps):
                steps[editing] = step
            else:
                steps.append(step)
            ss.update(step_caption_zh="", step_caption_en="")
            editing = None
        elif action in ("up", "down"):
            other = index + (-1 if action == "up" else 1)
            if 0 <= other < len(steps):
                steps[index], steps[other] = steps[other], steps[index]
        elif action == "delete":
            del steps[index]
            editing = None
        elif action == "edit":
            ss.update(step_caption_zh=steps[index].caption.zh, step_caption_en=steps[index].caption.en)
            editing = index
        elif action == "clear":
            steps, editing = [], None
        ss["story_steps"], ss["story_editing"] = steps, editing
        return max(index, 0) if action in ("show", "present") and steps else None

    # --- uploaded layers and what the map reports ------------------------------------------------
    def add_upload(self, name: str, data: bytes, options: Mapping[str, Any], env: Mapping[str, str]) -> str:
        """Read an uploaded file as one of the reader's own layers (held once per process when the
        same file was read before): its layer id. Raises LayerError, with nothing changed."""
        held = read_held(name, data, options, env=env)
        self.ss["user_layers"] = {**self.ss.get("user_layers", {}), held.spec.id: held}
        return held.spec.id

    def remove_layer(self, state: ms.MapState, layer_id: str) -> ms.MapState:
        self.ss["user_layers"] = {k: v for k, v in self.ss.get("user_layers", {}).items() if k != layer_id}
        return ms.forget_layer(state, layer_id)

    def after_report(self, state: ms.MapState, shared: LayerSet, crs: Crs) -> ms.MapState:
        """What the map reported (under keys.MAP): a clicked feature (its layer and id, sent by the
        browser) selects it; where the reader panned or zoomed is kept, so links and exports show
        what they see; a sketch drawn is kept and selected. `shared`: the shared layers of the
        state's year (the session's own are added here)."""
        ss, returned = self.ss, self.ss.get(keys.MAP) or {}
        seen = {"seen_seq": ss.get("seen_seq"), "last_click": ss.get("last_click")}
        found = picking.after_report(state, self.with_own(shared), returned, crs, **seen)
        new, ss["seen_seq"], ss["last_click"] = found
        if ss["last_click"] != seen["last_click"] and (drawn := picking.reported_sketch(returned)):
            if (key := self.take_sketch(*drawn)) is not None:
                new = ms.select(new, self.with_own(shared), key, zoom_to=False)
        return new

    # --- sketches -------------------------------------------------------------------------------
    def take_sketch(self, report: Any, geometry: Any) -> FeatureKey | None:
        """A sketch drawn (or its vertices moved) on the map, kept in WGS-84; the sketch to select.
        A refusal or a repair is kept for the notice under the map."""
        crs = "gcj02" if report.get("crs") == "gcj02" else "wgs84"
        try:
            sketches, note = sk.read_report(report, geometry, crs, self.sketches)
        except sk.SketchError as exc:
            refused = _both("sketch_refused")
            self.ss["sketch_notice"] = Text(f"{refused.zh}：{exc.text.zh}", f"{refused.en}: {exc.text.en}")
            return None
        self.ss.update(sketches=sketches, sketch_notice=note)
        changed = sk.find(sketches, report["id"]) if report.get("op") == "move" else sketches[-1]
        return changed.layer_id, changed.id

    def sketch_form(self, sketch_id: str) -> sk.Sketch | None:
        """The sketch `sketch_id`, its editor's fields filled when it was not the one shown."""
        try:
            sketch = sk.find(self.sketches, sketch_id)
        except sk.SketchError:
            return None
        if self.ss.get("sketch_editing") != sketch_id:
            self.ss.update(sketch_editing=sketch_id, sketch_title=sketch.title, sketch_note=sketch.note)
            self.ss["sketch_colour"] = sketch.colour
        return sketch

    def edit_sketch(self, sketch_id: str) -> None:
        self.ss["sketches"] = sk.edited(
            self.sketches, sketch_id, *self._form("sketch_title", "sketch_note", "sketch_colour")
        )

    def delete_sketch(self, sketch_id: str) -> None:
        self.ss["sketches"] = sk.removed(self.sketches, sketch_id)


__all__ = ["STORY_ACTIONS", "Workspace"]
