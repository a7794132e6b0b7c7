"""A fixture for tests of what the process writes to its log: the real handler (config.logs), on a buffer."""

import io
import logging

import pytest

from config.logs import configure_logging


@pytest.fixture
def captured():
    """configure_logging(fmt) writing to a buffer; the root logger is restored afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level

    def configure(log_format: str) -> io.StringIO:
        buffer = io.StringIO()
        configure_logging(log_format, stream=buffer)
        return buffer

    yield configure
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved_handlers:
        root.addHandler(handler)
    root.setLevel(saved_level)
