"""Public entropy (SPEC §5, RFC 3797's idea): a future public random value mixed into the committed seed.

At launch a task may name a value that does not exist yet (a named lottery draw on a named date, or digits a
witness reads out at the draw ceremony). The selection then uses SHA-256(committed seed ‖ canonical value), so
nobody, the platform included, can know it before the value is public. docs/draw.md §7.1 defines the canonical
form; scripts/verify_draw.py and api/console/static/draw-verify.js reimplement it.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from domain.draw import seed_bytes

# What may stand between digit groups once NFKC has folded full-width forms ("，", "　", "０") to ASCII. The two
# ideographic marks have no NFKC folding, and officials write lottery numbers with them.
SEPARATORS = frozenset("\t\n\r ,.;:/|+-、。")
MAX_SOURCE_LENGTH = 500
MAX_VALUE_LENGTH = 1000


@dataclass(frozen=True)
class PublicEntropy:
    """The public random value a task names at launch: where it will come from, and (once public) the value."""

    source: str
    value: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.source, str) or not self.source.strip():
            raise ValueError("public_entropy.source: name the value (which lottery draw on which date, or who reads "
                             "out which digits at the ceremony)")
        if len(self.source) > MAX_SOURCE_LENGTH:
            raise ValueError(f"public_entropy.source: at most {MAX_SOURCE_LENGTH} characters")
        if self.value is not None:
            if not isinstance(self.value, str) or len(self.value) > MAX_VALUE_LENGTH:
                raise ValueError(f"public_entropy.value: a text of at most {MAX_VALUE_LENGTH} characters")
            canonical_entropy(self.value)

    def as_record(self) -> dict:
        """The `public_entropy` field of a v2 record."""
        return {"source": self.source, "value": self.value,
                "canonical": None if self.value is None else canonical_entropy(self.value)}


def canonical_entropy(value: str) -> str:
    """The value's digit groups, each as a decimal number without leading zeros followed by ".": "3.7.12.5."."""
    text = unicodedata.normalize("NFKC", value)
    groups, digits = [], ""
    for char in text:
        if "0" <= char <= "9":
            digits += char
        elif char in SEPARATORS:
            groups, digits = _flush(groups, digits), ""
        else:
            raise ValueError(f"public_entropy.value: {char!r} is neither a digit nor a separator "
                             "(write only the digits, separated by spaces or commas)")
    groups = _flush(groups, digits)
    if not groups:
        raise ValueError("public_entropy.value: no digits")
    return "".join(f"{group}." for group in groups)


def _flush(groups: list[str], digits: str) -> list[str]:
    # String arithmetic, not int(): a long run of digits stays exact and never meets int()'s size limit.
    return [*groups, digits.lstrip("0") or "0"] if digits else groups


def final_seed(seed_hex: str, public_entropy: PublicEntropy | None) -> str:
    """The seed the draw samples with: the committed seed itself, or SHA-256(seed ‖ canonical value) in hex."""
    if public_entropy is None:
        return seed_bytes(seed_hex).hex()
    if public_entropy.value is None:
        raise ValueError("public_entropy.value: the named public value is not published yet")
    return mixed_seed(seed_hex, canonical_entropy(public_entropy.value))


def mixed_seed(seed_hex: str, canonical: str) -> str:
    """SHA-256(seed bytes ‖ ASCII of the canonical value), lowercase hex."""
    return hashlib.sha256(seed_bytes(seed_hex) + canonical.encode("ascii")).hexdigest()
