"""Shared fixtures: the catalog and the loaded layers, read once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.data.catalog import Catalog, load_catalog
from geo.data.layers import LayerSet, load_layers


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def layerset(catalog: Catalog) -> LayerSet:
    layers = load_layers(catalog)
    assert not layers.errors, {k: str(v) for k, v in layers.errors.items()}
    return layers


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, headless, for one test module (skipped locally, failing in CI, when missing)."""
    from tests.browser import browser

    with browser() as b:
        yield b


@pytest.fixture(scope="module")
def url():
    """A running dashboard for one test module."""
    from tests.browser import streamlit_server

    with streamlit_server(Path(__file__).resolve().parent.parent) as address:
        yield address


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """A running dashboard for one test module with a data directory of its own (saved maps):
    its URL and that directory."""
    from tests.browser import streamlit_process

    data = tmp_path_factory.mktemp("data")
    with streamlit_process(Path(__file__).resolve().parent.parent, env={"YQ_DATA_DIR": str(data)}) as (address, _):
        yield address, data
