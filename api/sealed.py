"""Sealing short secrets (a TOTP key) before they are stored, with the standard library only.

Whoever can read the database (an operator, a backup) must not be able to read a second factor, and whoever can
write it must not be able to move one account's sealed secret to another account. Neither the standard library nor
a current dependency offers a cipher, and a 20-byte secret does not justify a compiled crypto dependency, so this
is the textbook construction from HMAC-SHA256 alone: encrypt-then-MAC, where the cipher is counter mode over HMAC
used as a pseudo-random function (keystream block i = HMAC(k_enc, nonce ‖ i)) with a fresh random 128-bit nonce,
and the MAC is HMAC(k_mac, version ‖ nonce ‖ context ‖ ciphertext). k_enc and k_mac are derived from the master
key with HMAC under distinct labels. The context (e.g. "user:17") binds a sealed value to its row.
"""

import base64
import hashlib
import hmac
import secrets

VERSION = b"s1"
_NONCE = 16
_TAG = 32


class Unreadable(ValueError):
    """The sealed value was altered, belongs to another context, or was sealed under another key."""


def _derived(master: bytes, label: bytes) -> bytes:
    return hmac.new(master, b"jointcheck sealed v1 " + label, hashlib.sha256).digest()


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (hmac.new(key, nonce + i.to_bytes(4, "big"), hashlib.sha256).digest() for i in range(length // 32 + 1))
    return b"".join(blocks)[:length]


def _tag(master: bytes, nonce: bytes, context: str, ciphertext: bytes) -> bytes:
    message = VERSION + nonce + len(context.encode()).to_bytes(2, "big") + context.encode() + ciphertext
    return hmac.new(_derived(master, b"mac"), message, hashlib.sha256).digest()


def seal(plaintext: bytes, *, master: bytes, context: str) -> str:
    """The plaintext encrypted and authenticated for `context`, as printable text."""
    nonce = secrets.token_bytes(_NONCE)
    stream = _keystream(_derived(master, b"enc"), nonce, len(plaintext))
    ciphertext = bytes(p ^ k for p, k in zip(plaintext, stream))
    body = nonce + ciphertext + _tag(master, nonce, context, ciphertext)
    return VERSION.decode() + "." + base64.urlsafe_b64encode(body).decode()


def unseal(sealed: str, *, master: bytes, context: str) -> bytes:
    """The plaintext of a value `seal` made for the same context and key; Unreadable otherwise."""
    version, _, encoded = sealed.partition(".")
    try:
        body = base64.urlsafe_b64decode(encoded.encode())
    except ValueError as exc:
        raise Unreadable("not a sealed value") from exc
    if version.encode() != VERSION or len(body) < _NONCE + _TAG:
        raise Unreadable("not a sealed value")
    nonce, ciphertext, tag = body[:_NONCE], body[_NONCE:-_TAG], body[-_TAG:]
    if not hmac.compare_digest(tag, _tag(master, nonce, context, ciphertext)):
        raise Unreadable("sealed value altered, moved, or sealed under another key")
    stream = _keystream(_derived(master, b"enc"), nonce, len(ciphertext))
    return bytes(c ^ k for c, k in zip(ciphertext, stream))
