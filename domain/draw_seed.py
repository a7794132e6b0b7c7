"""The draw seed held by the workers (SPEC §5): only a nonce and the commitment ever leave the activities.

seed = HMAC-SHA256(draw key, "jointcheck-seed-v2" ‖ 0x00 ‖ UTF-8(task id) ‖ 0x00 ‖ nonce). The draw key is a
worker setting (never in the database or a Temporal history); the nonce is random and may be public, since without
the key it determines nothing. The activities that need the seed derive it again; it is written down only when
the draw is confirmed, where it becomes public (docs/draw.md §7.7).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence

from domain.draw import seed_commitment

SEED_LABEL = b"jointcheck-seed-v2"
_NONCE_HEX = re.compile(r"[0-9a-f]{64}")


class SeedKeyMissing(ValueError):
    """No draw key this worker holds opens the task's commitment (the key was rotated away too early)."""


def derive_seed(key: bytes, task_id: str, nonce_hex: str) -> str:
    """The task's 256-bit seed as 64 lowercase hex digits."""
    if not _NONCE_HEX.fullmatch(nonce_hex):
        raise ValueError("nonce: expected 64 lowercase hexadecimal digits")
    message = SEED_LABEL + b"\x00" + task_id.encode("utf-8") + b"\x00" + bytes.fromhex(nonce_hex)
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def reveal_seed(keys: Sequence[bytes], task_id: str, nonce_hex: str, commitment: str) -> str:
    """The seed behind `commitment`, derived with whichever of the keys (current first, then retired) opens it."""
    for key in keys:
        seed = derive_seed(key, task_id, nonce_hex)
        if seed_commitment(seed) == commitment.lower():
            return seed
    raise SeedKeyMissing(f"no draw key of this worker opens the seed commitment of task {task_id}: keep the key "
                         "it was launched under in JOINTCHECK_DRAW_KEYS_RETIRED until its draw is confirmed")
