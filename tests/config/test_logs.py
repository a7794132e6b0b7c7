"""The log safety net: ID-card and mobile numbers are masked in every part of every record, JSON or plain."""

import json
import logging

import pytest

from config.logs import mask_sensitive, request_id
from tests.log_capture import captured  # noqa: F401 - the fixture

ID_CARD = "43030219900307123X"
MOBILE = "13873201234"


def test_mask_sensitive_masks_id_cards_and_mobiles_and_nothing_else():
    text = f"id {ID_CARD}, mobile {MOBILE}, +86 138-7320-1234, task 20261123-abcdef12, 2026-11-23, 12345678901234"
    masked = mask_sensitive(text)
    assert ID_CARD not in masked and "430302********123X" in masked
    assert MOBILE not in masked and "138****1234" in masked
    assert "+86 138****1234" in masked
    assert "task 20261123-abcdef12, 2026-11-23, 12345678901234" in masked
    # Longer digit runs are not numbers of a person: left alone.
    assert mask_sensitive("1234567890123456789") == "1234567890123456789"


@pytest.mark.parametrize("log_format", ["json", "plain"])
def test_every_part_of_a_record_is_masked(captured, log_format):
    buffer = captured(log_format)
    log = logging.getLogger("jointcheck.test")
    log.info("inspector %s, phone %s", ID_CARD, MOBILE, extra={"field": f"phone={MOBILE}"})
    try:
        raise ValueError(f"duplicate key (id_card_number)=({ID_CARD})")
    except ValueError:
        log.exception("insert failed for %s", MOBILE)
    output = buffer.getvalue()
    assert ID_CARD not in output and MOBILE not in output
    assert "430302********123X" in output and "138****1234" in output
    assert "duplicate key (id_card_number)=(430302********123X)" in output


def test_json_lines_carry_the_request_id_and_extra_fields(captured):
    buffer = captured("json")
    token = request_id.set("req-12345678")
    try:
        logging.getLogger("jointcheck.test").warning("slow", extra={"duration_ms": 12.5})
    finally:
        request_id.reset(token)
    (line,) = buffer.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["level"] == "WARNING" and entry["logger"] == "jointcheck.test" and entry["message"] == "slow"
    assert entry["request_id"] == "req-12345678" and entry["duration_ms"] == 12.5
    assert entry["time"].endswith("+00:00")
