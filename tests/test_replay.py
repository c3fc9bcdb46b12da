"""What a new session replays of its page's last action: only the widgets whose value moved from the link's."""

from __future__ import annotations

from geo.app.replay import Callbacks


def test_only_the_widget_the_reader_changed_and_a_clicked_button_are_replayed():
    done: list[str] = []
    callbacks = Callbacks()
    options = callbacks.on("show_rail", done.append, "rail")
    assert options["on_change"] == done.append and options["args"] == ("rail",) and options["key"] == "show_rail"
    callbacks.on("show_parks", done.append, "parks")
    callbacks.on("step_next", done.append, "next", click=True)
    callbacks.on("step_prev", done.append, "prev", click=True)
    link = {"show_rail": True, "show_parks": True}
    page = {"show_rail": False, "show_parks": True, "step_next": True, "step_prev": False, "q": "綦江"}
    sent = set(page)
    for callback, args, kwargs in callbacks.changed(sent, link, page):
        callback(*args, **kwargs)
    assert sorted(done) == ["next", "rail"]
    assert callbacks.changed({"show_parks"}, link, page) == []  # nothing moved: a fresh page's first run
    assert callbacks.changed(set(), link, page) == []  # the page sent nothing
