from tests.processors.conftest import data_dir  # noqa: F401  (shared fixture)
