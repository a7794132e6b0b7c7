"""Public entropy: the canonical form of a public random value, and the seed it gives the draw."""

import hashlib

import pytest
from hypothesis import given, settings, strategies as st

from domain.public_entropy import PublicEntropy, canonical_entropy, final_seed

SEED = hashlib.sha256(b"entropy seed").hexdigest()
FULL_WIDTH = str.maketrans("0123456789,+ ", "０１２３４５６７８９，＋　")


@pytest.mark.parametrize(("value", "canonical"), [
    ("03 07 12 19 25 31+09", "3.7.12.19.25.31.9."),
    ("０３　０７，１２　１９　２５　３１＋０９", "3.7.12.19.25.31.9."),
    ("03、07、12。", "3.7.12."),
    ("  7 3 0 0 5\n", "7.3.0.0.5."),
    ("000,0042", "0.42."),
    ("2026-04-21: 1/2|3;4", "2026.4.21.1.2.3.4."),
    ("①② 1\u00a02", "12.1.2."),  # NFKC: circled digits are digits, a no-break space is a space
])
def test_values_are_read_as_their_digit_groups(value, canonical):
    assert canonical_entropy(value) == canonical


@pytest.mark.parametrize("value", ["", " , ", "03 07 特别号 09", "٣٤", "12a", "1·2"])
def test_words_foreign_digits_and_empty_values_are_refused(value):
    with pytest.raises(ValueError, match="public_entropy.value"):
        canonical_entropy(value)


@given(st.lists(st.text("0123456789", min_size=1, max_size=12), min_size=1, max_size=8),
       st.lists(st.sampled_from([" ", ",", "，", "、", "　", "+", "\t", " - "]), min_size=8, max_size=8),
       st.booleans())
@settings(deadline=None)
def test_the_canonical_form_ignores_how_the_value_is_written(groups, separators, full_width):
    written = "".join(group + separator for group, separator in zip(groups, separators))
    if full_width:
        written = written.translate(FULL_WIDTH)
    assert canonical_entropy(written) == "".join(f"{int(group)}." for group in groups)


@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=6), st.lists(st.integers(0, 10**6), min_size=1, max_size=6))
@settings(deadline=None)
def test_the_final_seed_is_sha256_of_seed_and_value_and_tells_values_apart(first, second):
    one, two = (PublicEntropy("开奖号码", " ".join(map(str, numbers))) for numbers in (first, second))
    expected = hashlib.sha256(bytes.fromhex(SEED) + canonical_entropy(one.value).encode("ascii")).hexdigest()
    assert final_seed(SEED, one) == expected
    assert (final_seed(SEED, one) == final_seed(SEED, two)) == (first == second)


def test_without_a_public_value_the_seed_is_the_committed_one_and_an_unpublished_value_cannot_be_used():
    assert final_seed(SEED.upper(), None) == SEED
    with pytest.raises(ValueError, match="not published yet"):
        final_seed(SEED, PublicEntropy("2026年第045期双色球"))


def test_a_public_value_names_its_source_and_is_checked_when_given():
    assert PublicEntropy("公证员宣读", "1 2 3").as_record() == {"source": "公证员宣读", "value": "1 2 3",
                                                              "canonical": "1.2.3."}
    assert PublicEntropy("2026年第045期双色球").as_record()["canonical"] is None
    for source in ("", "  ", "x" * 501):
        with pytest.raises(ValueError, match="public_entropy.source"):
            PublicEntropy(source)
    with pytest.raises(ValueError, match="public_entropy.value"):
        PublicEntropy("开奖号码", "三、七")
    with pytest.raises(ValueError, match="public_entropy.value"):
        PublicEntropy("开奖号码", "1" * 1001)
