"""Check characters of the unified social credit code (GB 32100-2015) and the resident ID number (GB 11643-1999),
masking for display, and deterministic generators for demo and benchmark data.

Error reasons are short English phrases meant to follow a field name ("uscc: must be 18 characters");
positions in them are 1-based, as a user counts characters on a licence or a card.
"""

from __future__ import annotations

import re
from datetime import date

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {char: value for value, char in enumerate(USCC_CHARSET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
assert all(weight == pow(3, i, 31) for i, weight in enumerate(_USCC_WEIGHTS))
_USCC_BASE34 = str.maketrans({char: "0123456789abcdefghijklmnopqrstu"[value] for char, value in _USCC_VALUE.items()})
# GB 11714 organisation code embedded at USCC positions 9-17: 8 body characters and a mod-11 check.
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_MAP = "10X98765432"
_EARLIEST_BIRTH = date(1900, 1, 1)

_REGION_CODE = re.compile(r"[0-9]{6}")
# A well-formed USCC (charset, region digits, length): only its check character remains to be verified.
_USCC_SHAPE = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}")
_MOBILE = re.compile(r"(\+?86[ -]?)?(1[0-9]{2})[ -]?([0-9]{4})[ -]?([0-9]{4})")
_LANDLINE = re.compile(r"(\(?0[0-9]{2,3}\)?[ -]?)([0-9]{7,8})")
_MAX_REVEALED = 7


def normalize_uscc(code: str) -> str:
    """The code with surrounding whitespace removed and letters upper-cased."""
    return code.strip().upper()


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a USCC."""
    if len(first17) != 17:
        raise ValueError(f"uscc: expected the first 17 characters, got {len(first17)}")
    bad = _first_bad_char(first17, _USCC_VALUE)
    if bad is not None:
        raise ValueError(f"uscc: {bad}")
    return _uscc_check(first17)


def _uscc_check(first17: str) -> str:
    # The weights are 3**i mod 31 and 34 = 3 (mod 31), so the reversed code read as a base-34 number is congruent
    # to the weighted sum: one int() call instead of 17 multiplications (bulk imports check millions of codes).
    total = int(first17.translate(_USCC_BASE34)[::-1], 34)
    return USCC_CHARSET[-total % 31]


def uscc_error(code: str) -> str | None:
    """None for a valid USCC, otherwise the first reason it is not; the code is not normalised first."""
    if _USCC_SHAPE.fullmatch(code):  # the common case, checked in one pass (bulk imports validate millions)
        expected = _uscc_check(code[:17])
        return None if code[17] == expected else f"check character should be '{expected}'"
    if len(code) != 18:
        return f"must be 18 characters (got {len(code)})"
    bad = _first_bad_char(code, _USCC_VALUE)
    if bad is not None:
        return bad
    if not _REGION_CODE.fullmatch(code[2:8]):
        return f"region code (positions 3-8) must be 6 digits, got '{code[2:8]}'"
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"check character should be '{expected}'"
    return None


def normalize_id_card(number: str) -> str:
    """The number with surrounding whitespace removed and a lower-case check 'x' upper-cased."""
    return number.strip().replace("x", "X")


def id_card_check_digit(first17: str) -> str:
    """The GB 11643 check digit ('0'-'9' or 'X') for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("id_card: expected the first 17 characters to be digits")
    total = sum(int(char) * weight for char, weight in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK_MAP[total % 11]


def id_card_error(number: str, *, today: date | None = None) -> str | None:
    """None for a valid ID number, otherwise the first reason it is not; births after `today` are rejected."""
    if len(number) != 18:
        return f"must be 18 characters (got {len(number)})"
    for position, char in enumerate(number, start=1):
        allowed = "0123456789X" if position == 18 else "0123456789"
        if char not in allowed:
            return f"invalid character '{char}' at position {position}"
    birth_text = number[6:14]
    try:
        birth = date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:]))
    except ValueError:
        return f"birth date {birth_text} (positions 7-14) is not a calendar date"
    if birth < _EARLIEST_BIRTH:
        return f"birth date {birth_text} is before 1900"
    if today is not None and birth > today:
        return f"birth date {birth_text} is in the future"
    expected = id_card_check_digit(number[:17])
    if number[17] != expected:
        return f"check digit should be '{expected}'"
    return None


def mask_id_card(number: str) -> str:
    """An 18-character number as its first 6 and last 4 characters around 8 stars; anything else masked generically."""
    number = number.strip()
    if len(number) == 18:
        return number[:6] + "*" * 8 + number[14:]
    return _mask_middle(number)


def mask_phone(phone: str) -> str:
    """A mobile number as 138****5678, a landline as 0731-****1234; anything else keeps at most 7 characters."""
    phone = phone.strip()
    mobile = _MOBILE.fullmatch(phone)
    if mobile:
        country, prefix, _, last4 = mobile.groups()
        return f"{country or ''}{prefix}****{last4}"
    landline = _LANDLINE.fullmatch(phone)
    if landline:
        # The area code names a city, not a person; masking 4 subscriber digits matches what a mobile mask hides.
        area, subscriber = landline.groups()
        return area + "*" * (len(subscriber) - 4) + subscriber[-4:]
    return _mask_middle(phone)


def make_uscc(region_code: str, serial: int) -> str:
    """A valid enterprise USCC ("91" + region + organisation code from serial + check); distinct for serial < 10**8."""
    _require_region(region_code)
    if isinstance(serial, bool) or not isinstance(serial, int) or not 0 <= serial < 10**8:
        raise ValueError(f"serial: expected an integer in [0, 10**8), got {serial!r}")
    body = f"{serial:08d}"
    org_total = sum(int(char) * weight for char, weight in zip(body, _ORG_CODE_WEIGHTS))
    org_check = (11 - org_total % 11) % 11
    first17 = "91" + region_code + body + ("X" if org_check == 10 else str(org_check))
    return first17 + uscc_check_char(first17)


def make_id_card(region_code: str, birth: date, serial: int) -> str:
    """A valid ID number for region and birth date; serial is the 3-digit sequence, so 0 <= serial < 1000."""
    # Only 1000 numbers exist per region and birth date: vary the birth date for larger populations.
    _require_region(region_code)
    if isinstance(serial, bool) or not isinstance(serial, int) or not 0 <= serial < 1000:
        raise ValueError(f"serial: expected an integer in [0, 1000), got {serial!r}")
    if birth < _EARLIEST_BIRTH:
        raise ValueError(f"birth: must not be before 1900, got {birth.isoformat()}")
    first17 = f"{region_code}{birth:%Y%m%d}{serial:03d}"
    return first17 + id_card_check_digit(first17)


def _first_bad_char(text: str, allowed: dict[str, int]) -> str | None:
    for position, char in enumerate(text, start=1):
        if char not in allowed:
            return f"invalid character '{char}' at position {position}"
    return None


def _require_region(region_code: str) -> None:
    if not isinstance(region_code, str) or not _REGION_CODE.fullmatch(region_code):
        raise ValueError(f"region_code: expected 6 digits (GB/T 2260), got {region_code!r}")


def _mask_middle(text: str) -> str:
    # At least half of the characters are hidden, and never more than 7 are shown, whatever the input.
    shown = min(_MAX_REVEALED, len(text) // 2)
    head = shown // 2
    tail = shown - head
    return text[:head] + "*" * (len(text) - shown) + text[len(text) - tail:]
