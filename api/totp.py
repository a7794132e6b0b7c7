"""The second factor: RFC 6238 time-based one-time codes (pyotp), their enrolment QR code (segno, pure Python),
and the sealed form in which a secret is stored (api.sealed, bound to the account's row)."""

import hmac
import time

import pyotp
import segno

from api import sealed

ISSUER = "jointcheck"
# One step either side of now: a phone clock a little off, or a code typed just as it changed.
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()


def otpauth_uri(secret: str, username: str) -> str:
    """What authenticator apps read from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The QR code of `uri` as an SVG data URI for an <img>."""
    return segno.make(uri, error="m").svg_data_uri(scale=5)


def matching_step(secret: str, code: str, *, at: float | None = None) -> int | None:
    """The time step whose code `code` is (within the allowed drift), or None: the caller refuses a step that was
    already used, so a code cannot be replayed."""
    totp = pyotp.TOTP(secret)
    now_step = int((time.time() if at is None else at) // totp.interval)
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step).encode(), code.encode()):
            return step
    return None


def _context(user_id: int) -> str:
    return f"user:{user_id}"


def seal_secret(secret: str, *, user_id: int, key: bytes) -> str:
    return sealed.seal(secret.encode(), master=key, context=_context(user_id))


def unseal_secret(stored: str, *, user_id: int, key: bytes) -> str:
    """The secret; sealed.Unreadable when it was altered, moved to another row, or sealed under another key."""
    return sealed.unseal(stored, master=key, context=_context(user_id)).decode()
