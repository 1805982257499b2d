"""The examples in the processors' docstrings are true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["tokens", "lang", "hashtags", "sponsorship", "reasons", "classify", "frame", "counts"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"deinfluence.processors.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
