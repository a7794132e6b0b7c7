"""Sealed secrets: readable only with the same key and for the same row; any change to the stored text is caught."""

import base64

import pytest

from api import sealed

KEY = b"test-secret-key-for-jointcheck-only"


def test_a_sealed_secret_reads_back_and_does_not_show():
    stored = sealed.seal(b"JBSWY3DPEHPK3PXP", master=KEY, context="user:1")
    assert b"JBSWY3DPEHPK3PXP" not in base64.urlsafe_b64decode(stored.split(".", 1)[1])
    assert sealed.unseal(stored, master=KEY, context="user:1") == b"JBSWY3DPEHPK3PXP"
    assert sealed.seal(b"JBSWY3DPEHPK3PXP", master=KEY, context="user:1") != stored  # a fresh nonce each time


def test_a_long_secret_spans_several_keystream_blocks():
    secret = bytes(range(200))
    assert sealed.unseal(sealed.seal(secret, master=KEY, context="c"), master=KEY, context="c") == secret


@pytest.mark.parametrize("position", [0, 10, 20, 40, -1])
def test_any_flipped_byte_is_refused(position):
    stored = sealed.seal(b"JBSWY3DPEHPK3PXP", master=KEY, context="user:1")
    body = bytearray(base64.urlsafe_b64decode(stored.split(".", 1)[1]))
    body[position] ^= 1
    with pytest.raises(sealed.Unreadable):
        sealed.unseal("s1." + base64.urlsafe_b64encode(bytes(body)).decode(), master=KEY, context="user:1")


@pytest.mark.parametrize(("text", "key", "context"), [
    (None, KEY, "user:2"), (None, b"another-key", "user:1"), ("s1.AAAA", KEY, "user:1"),
    ("s2." + "A" * 80, KEY, "user:1"), ("not sealed at all", KEY, "user:1"), ("s1.!!!", KEY, "user:1")])
def test_another_row_another_key_or_garbage_is_unreadable(text, key, context):
    stored = text or sealed.seal(b"JBSWY3DPEHPK3PXP", master=KEY, context="user:1")
    with pytest.raises(sealed.Unreadable):
        sealed.unseal(stored, master=key, context=context)
