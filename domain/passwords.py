"""The password rule of GB/T 22239-2019 level 3 (§8.1.4.1 身份鉴别: 口令具有复杂度要求): at least 12 characters of at
least three kinds — upper-case letters, lower-case letters, digits, and everything else (symbols)."""

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_KINDS = 3

# Stable names of the rule a password breaks (the API gives them as the error type; the console words them).
TOO_SHORT = "password_too_short"
TOO_LONG = "password_too_long"
TOO_FEW_KINDS = "password_too_few_kinds"

RULES = {
    TOO_SHORT: f"must have at least {MIN_LENGTH} characters",
    TOO_LONG: f"must have at most {MAX_LENGTH} characters",
    TOO_FEW_KINDS: f"must mix at least {MIN_KINDS} of: upper-case letters, lower-case letters, digits, symbols",
}


def kinds_in(password: str) -> int:
    """How many of the four kinds of character the password uses."""
    upper = any(c.isupper() for c in password)
    lower = any(c.islower() for c in password)
    digit = any(c.isdigit() for c in password)
    other = any(not (c.isupper() or c.islower() or c.isdigit()) for c in password)
    return upper + lower + digit + other


def broken_rule(password: str) -> str | None:
    """The rule the password breaks (TOO_SHORT, TOO_LONG, TOO_FEW_KINDS), or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    if kinds_in(password) < MIN_KINDS:
        return TOO_FEW_KINDS
    return None
