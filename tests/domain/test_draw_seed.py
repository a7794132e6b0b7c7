"""The seed held by the workers (domain.draw_seed): derived from a key and a nonce, opened by whichever key fits."""

import hashlib
import hmac

import pytest
from pydantic import SecretStr

from config.settings import Settings
from domain.draw import seed_commitment
from domain.draw_seed import SeedKeyMissing, derive_seed, reveal_seed

NONCE = "ab" * 32
OLD, NEW = b"o" * 32, b"n" * 32


def test_the_seed_is_the_hmac_of_the_task_and_nonce_under_the_key():
    expected = hmac.new(NEW, b"jointcheck-seed-v2\x00T-1\x00" + bytes.fromhex(NONCE), hashlib.sha256).hexdigest()
    assert derive_seed(NEW, "T-1", NONCE) == expected
    assert len({derive_seed(NEW, "T-1", NONCE), derive_seed(NEW, "T-2", NONCE), derive_seed(OLD, "T-1", NONCE),
                derive_seed(NEW, "T-1", "cd" * 32)}) == 4
    with pytest.raises(ValueError, match="nonce"):
        derive_seed(NEW, "T-1", "AB" * 32)


def test_a_retired_key_still_opens_the_commitments_made_under_it():
    commitment = seed_commitment(derive_seed(OLD, "T-1", NONCE))
    assert reveal_seed([NEW, OLD], "T-1", NONCE, commitment) == derive_seed(OLD, "T-1", NONCE)
    with pytest.raises(SeedKeyMissing, match="JOINTCHECK_DRAW_KEYS_RETIRED"):
        reveal_seed([NEW], "T-1", NONCE, commitment)


def test_production_workers_need_their_own_keys():
    prod = Settings(env="prod", secret_key="s" * 40, database_url="sqlite+aiosqlite:///x.db")
    with pytest.raises(ValueError, match="JOINTCHECK_DRAW_KEY"):
        prod.draw_seed_keys()
    with pytest.raises(ValueError, match="JOINTCHECK_PSEUDONYM_KEY"):
        prod.inspector_pseudonym_key()
    with pytest.raises(ValueError, match="at least 32 characters"):
        prod.model_copy(update={"draw_key": SecretStr("short")}).draw_seed_keys()
    keyed = Settings(env="prod", secret_key="s" * 40, database_url="sqlite+aiosqlite:///x.db", draw_key="k" * 32,
                     draw_keys_retired="a" * 32 + "\n" + "b" * 32 + "\n", pseudonym_key="p" * 32)
    assert keyed.draw_seed_keys() == [b"k" * 32, b"a" * 32, b"b" * 32]
    assert keyed.inspector_pseudonym_key() == b"p" * 32
    dev = Settings(env="dev", secret_key="s" * 40, database_url="sqlite+aiosqlite:///x.db")
    assert dev.draw_seed_keys()[0] != dev.inspector_pseudonym_key() and len(dev.draw_seed_keys()[0]) == 32
