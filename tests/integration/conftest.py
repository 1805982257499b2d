import pytest


class K: bootstrap = "127.0.0.1:19500"
@pytest.fixture(scope="session")
def kafka(): return K()
