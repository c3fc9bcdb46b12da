"""Shared fixtures: the catalog and the loaded layers, read once per session."""

from __future__ import annotations

import pytest

from geo.catalog import Catalog, load_catalog
from geo.layers import LayerSet, load_layers


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def layerset(catalog: Catalog) -> LayerSet:
    layers = load_layers(catalog)
    assert not layers.errors, {k: str(v) for k, v in layers.errors.items()}
    return layers
