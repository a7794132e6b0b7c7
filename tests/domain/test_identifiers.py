from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.identifiers import (
    USCC_CHARSET,
    id_card_check_digit,
    id_card_error,
    make_id_card,
    make_uscc,
    mask_id_card,
    mask_phone,
    normalize_id_card,
    normalize_uscc,
    uscc_check_char,
    uscc_error,
)

REAL_USCCS = ["91350100M000100Y43", "9144030071526726XG", "914403001922038216", "91110000802100433B"]
regions = st.from_regex(r"[0-9]{6}", fullmatch=True)
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 12, 31))


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_uscc_codes_are_valid(code):
    assert uscc_error(code) is None


def test_uscc_check_character_computed_by_hand():
    # 9·1 + 1·3 + 3·9 + 5·27 + 0·19 + 1·26 + 0·16 + 0·17 + M(21)·20 + 0·29 + 0·25 + 0·13 + 1·8 + 0·24 + 0·10
    # + Y(30)·30 + 4·28 = 1640; 1640 mod 31 = 28; 31 - 28 = 3.
    assert uscc_check_char("91350100M000100Y4") == "3"


def test_uscc_check_value_31_becomes_zero():
    # A weighted sum of 0 gives 31 - 0 = 31, which GB 32100 writes as '0'.
    assert uscc_check_char("0" * 17) == "0"


@pytest.mark.parametrize(("code", "reason"), [
    ("91350100M000100Y4", "must be 18 characters (got 17)"),
    ("91350100M000100Y433", "must be 18 characters (got 19)"),
    ("9135I100M000100Y43", "invalid character 'I' at position 5"),
    ("91350100M000100O43", "invalid character 'O' at position 16"),
    ("91350100m000100Y43", "invalid character 'm' at position 9"),
    ("913501A0M000100Y43", "region code (positions 3-8) must be 6 digits, got '3501A0'"),
    ("91350100M000100Y44", "check character should be '3'"),
])
def test_uscc_errors(code, reason):
    assert uscc_error(code) == reason


def test_normalize_uscc_then_validate():
    assert normalize_uscc("  91350100m000100y43\n") == "91350100M000100Y43"
    assert uscc_error(normalize_uscc(" 91350100m000100y43 ")) is None


def test_uscc_check_char_rejects_bad_input():
    with pytest.raises(ValueError):
        uscc_check_char("9135010")
    with pytest.raises(ValueError):
        uscc_check_char("91350100S000100Y4")


@given(st.sampled_from(REAL_USCCS), st.integers(0, 17), st.sampled_from(USCC_CHARSET))
def test_any_single_character_substitution_is_detected(code, position, char):
    # 31 is prime and no weight is a multiple of it, so one wrong character always changes the check.
    altered = code[:position] + char + code[position + 1:]
    assert (uscc_error(altered) is None) == (altered == code)


@pytest.mark.parametrize("number", ["11010519491231002X", "110105198005170076"])
def test_valid_id_cards(number):
    assert id_card_error(number, today=date(2026, 1, 1)) is None


def test_id_card_check_digit_maps_remainder_two_to_x():
    assert id_card_check_digit("11010519491231002") == "X"
    with pytest.raises(ValueError):
        id_card_check_digit("1101051949123100")


@pytest.mark.parametrize(("number", "reason"), [
    ("11010519491231002", "must be 18 characters (got 17)"),
    ("1101051949123100A2", "invalid character 'A' at position 17"),
    ("11010519491231002x", "invalid character 'x' at position 18"),
    ("110105194912320021", "birth date 19491232 (positions 7-14) is not a calendar date"),
    ("110105190002290025", "birth date 19000229 (positions 7-14) is not a calendar date"),
    ("440524188001010014", "birth date 18800101 is before 1900"),
    ("110105194912310021", "check digit should be 'X'"),
])
def test_id_card_errors(number, reason):
    assert id_card_error(number) == reason


def test_id_card_born_in_the_future_needs_today():
    number = make_id_card("110105", date(2030, 6, 1), 1)
    assert id_card_error(number) is None
    assert id_card_error(number, today=date(2026, 5, 1)) == "birth date 20300601 is in the future"
    assert id_card_error(number, today=date(2030, 6, 1)) is None


def test_normalize_id_card():
    assert normalize_id_card(" 11010519491231002x ") == "11010519491231002X"


def test_mask_id_card():
    assert mask_id_card("11010519491231002X") == "110105********002X"
    assert mask_id_card(" 11010519491231002X\n") == "110105********002X"
    assert mask_id_card("110105491231002") == "110********1002"


@pytest.mark.parametrize(("phone", "masked"), [
    ("13812345678", "138****5678"),
    (" 138-1234-5678 ", "138****5678"),
    ("+8613812345678", "+86138****5678"),
    ("0731-58881234", "0731-****1234"),
    ("010-6552188", "010-***2188"),
    ("(0731)58881234", "(0731)****1234"),
    ("58881234", "58****34"),
    ("12", "*2"),
    ("", ""),
])
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


no_stars = st.characters(exclude_characters="*")


@given(st.text(no_stars, max_size=40).filter(lambda text: len(text.strip()) != 18))
def test_masking_an_odd_id_number_hides_at_least_half_and_shows_at_most_seven(text):
    _assert_masked_generically(text.strip(), mask_id_card(text))


@given(st.text(st.characters(exclude_characters="*0123456789"), max_size=40))
def test_masking_an_odd_phone_hides_at_least_half_and_shows_at_most_seven(text):
    _assert_masked_generically(text.strip(), mask_phone(text))


def _assert_masked_generically(original, masked):
    shown = sum(char != "*" for char in masked)
    assert len(masked) == len(original)
    assert shown <= min(7, len(original) // 2)


@given(regions, st.integers(0, 10**8 - 1))
def test_make_uscc_is_valid(region, serial):
    code = make_uscc(region, serial)
    assert uscc_error(code) is None
    assert code[:2] == "91" and code[2:8] == region


@given(regions, st.integers(0, 10**8 - 1), st.integers(0, 10**8 - 1))
def test_make_uscc_distinct_serials_give_distinct_codes(region, serial, other):
    assert (make_uscc(region, serial) == make_uscc(region, other)) == (serial == other)


@given(regions, births, st.integers(0, 999))
def test_make_id_card_is_valid(region, birth, serial):
    number = make_id_card(region, birth, serial)
    assert id_card_error(number, today=date(2026, 12, 31)) is None
    assert number.startswith(region + birth.strftime("%Y%m%d"))


def test_make_id_card_distinct_serials_give_distinct_numbers():
    numbers = {make_id_card("110105", date(1980, 1, 1), serial) for serial in range(1000)}
    assert len(numbers) == 1000


@pytest.mark.parametrize("call", [
    lambda: make_uscc("11010", 1),
    lambda: make_uscc("110105", -1),
    lambda: make_uscc("110105", 10**8),
    lambda: make_id_card("110105", date(1980, 1, 1), 1000),
    lambda: make_id_card("110105", date(1899, 12, 31), 1),
])
def test_generators_reject_out_of_range_input(call):
    with pytest.raises(ValueError):
        call()


@given(st.text(alphabet=USCC_CHARSET + "IOSVZa٣０ -", min_size=17, max_size=19))
def test_uscc_error_agrees_with_the_rules_spelled_out(code):
    # uscc_error takes a one-pass shortcut for well-formed codes; it must say exactly what the rules say.
    well_formed = (len(code) == 18 and all(c in USCC_CHARSET for c in code)
                   and all(c in "0123456789" for c in code[2:8]))
    valid = well_formed and uscc_check_char(code[:17]) == code[17]
    assert (uscc_error(code) is None) == valid
    if well_formed and not valid:
        assert uscc_error(code) == f"check character should be '{uscc_check_char(code[:17])}'"
