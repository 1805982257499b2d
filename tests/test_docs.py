"""The README documents what the code does: every setting, the quickstart commands."""

from __future__ import annotations

from deinfluence.settings import Settings
from tests.conftest import REPO

README = (REPO / "README.md").read_text()


def test_every_setting_is_in_the_readme_configuration_table():
    missing = [f"DEINFLUENCE_{name.upper()}" for name in Settings.model_fields
               if f"| `DEINFLUENCE_{name.upper()}` |" not in README]
    assert not missing, f"README configuration table lacks {missing}"


def test_quickstart_is_make_demo_and_make_test():
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    assert "make demo" in quickstart and "make test" in quickstart
