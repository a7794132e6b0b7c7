"""Process logging for `jointcheck api`, `worker` and `dev`: one line per record, JSON or plain, always masked.

Every handler carries MaskingFilter: whatever a record says (message, arguments, extra fields, traceback), an
18-character ID-card number or an 11-digit mobile number in it is masked before it is written. The code should
never log one; the filter is the safety net for what slips through (a database error quoting its parameters).
"""

import json
import logging
import re
import sys
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Literal, TextIO

# The id of the HTTP request being served in this context (set by api.observability), put on every record.
request_id: ContextVar[str | None] = ContextVar("jointcheck_request_id", default=None)

_ID_CARD = re.compile(r"(?<![0-9A-Za-z])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])((?:(?:\+|00)86[ -]?)?1[3-9][0-9])[ -]?[0-9]{4}[ -]?([0-9]{4})(?![0-9])")
# Attributes every LogRecord has; anything else on a record came in through `extra=` and is a field of its own.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def mask_sensitive(text: str) -> str:
    """`text` with every ID-card number as 430302********1234 and every mobile number as 138****5678."""
    text = _ID_CARD.sub(lambda m: f"{m[1]}********{m[2]}", text)
    return _MOBILE.sub(lambda m: f"{m[1]}****{m[2]}", text)


def _masked(value):
    if isinstance(value, str):
        return mask_sensitive(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_masked(v) for v in value)
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    return value


class MaskingFilter(logging.Filter):
    """Masks ID-card and mobile numbers in the whole record and adds the current request id to it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed call is logging's own error to report; leave it as it is
            message = None
        if message is not None:
            record.msg, record.args = mask_sensitive(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_sensitive(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_sensitive(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD:
                setattr(record, key, _masked(value))
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the request id, extra fields, the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if getattr(record, "request_id", None):
            entry["request_id"] = record.request_id
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(log_format: Literal["json", "plain"], *, level: int = logging.INFO,
                      stream: TextIO | None = None) -> logging.Handler:
    """Replace the root logger's handlers with one masked handler on `stream` (stderr); return that handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(MaskingFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(PLAIN_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # Uvicorn's own loggers write through the root handler; its access log is replaced by api.observability's.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    # httpx logs every URL it calls at INFO, query strings included: the console's in-process API calls would
    # each write a second line, with the user's search terms. Their own access lines are enough.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return handler
