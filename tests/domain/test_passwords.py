"""The password rule (GB/T 22239-2019 level 3): at least 12 characters of at least three kinds."""

import pytest

from domain import passwords


@pytest.mark.parametrize("password", ["Jointcheck-2026", "correct-horse-9", "ABCDEFGHIJ1!", "密码很长的一个口令Ab1", "Aa1" * 4])
def test_twelve_characters_of_three_kinds_are_accepted(password):
    assert passwords.broken_rule(password) is None


@pytest.mark.parametrize(("password", "rule"), [
    ("Short-1a", passwords.TOO_SHORT), ("Abcdefghij1", passwords.TOO_SHORT),
    ("abcdefghijkl", passwords.TOO_FEW_KINDS), ("abcdefgh1234", passwords.TOO_FEW_KINDS),
    ("ABCDEFGH-!!!", passwords.TOO_FEW_KINDS), ("jointcheck2026", passwords.TOO_FEW_KINDS),
    ("Aa1-" * 33, passwords.TOO_LONG)])
def test_each_broken_rule_is_named(password, rule):
    assert passwords.broken_rule(password) == rule
    assert passwords.RULES[rule]


def test_kinds_are_upper_lower_digit_and_anything_else():
    assert passwords.kinds_in("aA1-") == 4
    assert passwords.kinds_in("aaaa") == 1
    assert passwords.kinds_in("a 1") == 3  # a space is a symbol
