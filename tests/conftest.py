
import pytest


@pytest.fixture(autouse=True)
def fetch_settings(settings):
    """Tests fetch from the local server on 127.0.0.1: allow it, and keep timeouts and politeness delays short."""
    from sociose.sources import robots

    settings.SOCIOSE = {**settings.SOCIOSE, "fetch_allow_hosts": ("127.0.0.1",), "fetch_timeout": 5.0,
                        "fetch_host_interval": 0.0, "fetch_max_bytes": 2_000_000}
    robots.cache.clear()
    yield settings.SOCIOSE
    robots.cache.clear()

from tests.localserver import _local_server_session, local_server  # noqa: E402, F401
