"""scripts/verify_draw.py, as an outsider runs it: standard library only, same verdicts as verify_record."""

import ast
import copy
import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from domain.draw import build_record, seed_commitment, sizes_from_ratios, verify_record

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "verify_draw.py"


def load_script():
    spec = importlib.util.spec_from_file_location("verify_draw_under_test", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


script = load_script()


def seed_number(i: int) -> str:
    return hashlib.sha256(f"script seed {i}".encode()).hexdigest()


def sample_record() -> dict:
    strata = {"A": list(range(1, 400, 3)), "B": list(range(2, 60, 3)), "D": [500, 503, 506]}
    ratios = {"A": "0.04", "B": "0.2", "D": "1"}
    sizes = sizes_from_ratios({k: len(v) for k, v in strata.items()}, ratios)
    return build_record(seed_number(1), strata, sizes, exclusions=[4, 503], ratios=ratios)


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    # -I: no PYTHONPATH, no site-packages of the user, no script directory on sys.path — nothing of the project.
    return subprocess.run([sys.executable, "-I", str(SCRIPT), *args], input=stdin, capture_output=True,
                          text=True, timeout=60, cwd=SCRIPT.anchor)


def test_the_script_imports_only_the_standard_library():
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported and imported <= sys.stdlib_module_names


def test_a_true_record_matches(tmp_path):
    path = tmp_path / "record.json"
    path.write_text(json.dumps(sample_record()), encoding="utf-8")
    result = run(str(path))
    assert (result.returncode, result.stdout) == (0, "MATCH\n")


def test_a_wrapped_record_on_stdin_matches():
    result = run("-", stdin=json.dumps({"task_id": "T-1", "record": sample_record()}))
    assert (result.returncode, result.stdout) == (0, "MATCH\n")


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("seed", seed_number(2), "seed_commitment is not the SHA-256 of the revealed seed"),
    ("seed_commitment", seed_commitment(seed_number(2)), "seed_commitment is not the SHA-256"),
    ("population", {"A": [1, 4], "B": [2], "D": [500]}, "population_sha256 of stratum 'A' does not match"),
    ("exclusions", [], "selection of stratum 'D' differs"),
    ("algorithm", "jointcheck-draw-v9", "unsupported algorithm"),
])
def test_a_changed_record_is_a_mismatch_with_exit_code_1(tmp_path, field, value, reason):
    record = sample_record()
    record[field] = value
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    result = run(str(path))
    assert result.returncode == 1
    assert result.stdout.startswith("MISMATCH: ") and reason in result.stdout
    assert not verify_record(record).match


def test_a_changed_selection_is_a_mismatch(tmp_path):
    record = sample_record()
    record["selection"]["strata"]["A"][0], record["selection"]["strata"]["A"][1] = \
        record["selection"]["strata"]["A"][1], record["selection"]["strata"]["A"][0]
    result = run("-", stdin=json.dumps(record))
    assert result.returncode == 1 and "selection of stratum 'A' differs" in result.stdout


def test_unreadable_input_is_a_mismatch_and_bad_usage_says_how(tmp_path):
    assert run(str(tmp_path / "missing.json")).returncode == 1
    assert run("-", stdin="{not json").stdout.startswith("MISMATCH: cannot read the record")
    usage = run()
    assert usage.returncode == 2 and "usage" in usage.stderr


records = st.builds(
    lambda seed, pool, keys, fractions, exclusions: _record(seed, pool, keys, fractions, exclusions),
    st.binary(min_size=32, max_size=32).map(bytes.hex),
    st.lists(st.integers(0, 5000), max_size=80, unique=True),
    st.sampled_from([["all"], ["A", "B"], ["A", "B", "C", "D"]]),
    st.lists(st.fractions(0, 1, max_denominator=20), min_size=4, max_size=4),
    st.lists(st.integers(0, 5000), max_size=8),
)


def _record(seed, pool, keys, fractions, exclusions):
    strata = {key: sorted(pool[i::len(keys)]) for i, key in enumerate(keys)}
    ratios = {key: str(fractions[i]) for i, key in enumerate(keys)}
    sizes = sizes_from_ratios({k: len(v) for k, v in strata.items()}, ratios)
    return build_record(seed, strata, sizes, exclusions, ratios=ratios)


def _tamper(record: dict, how: str, data) -> dict:
    record = copy.deepcopy(record)
    key = sorted(record["population"])[0]
    if how == "seed":
        record["seed"] = data.draw(st.binary(min_size=32, max_size=32).map(bytes.hex))
    elif how == "size":
        record["sizes"][key] += data.draw(st.integers(-1, 2))
    elif how == "exclude":
        record["exclusions"] = sorted({*record["exclusions"], *data.draw(st.lists(st.integers(0, 5000)))})
    elif how == "population":
        record["population"][key] = sorted({*record["population"][key], data.draw(st.integers(0, 6000))})
    elif how == "selection":
        record["selection"]["strata"][key] = data.draw(st.permutations(record["selection"]["strata"][key]))
    elif how == "ratio":
        record["ratios"][key] = data.draw(st.sampled_from(["0", "1", "0.5", "1/3", "2", "x"]))
    return record


@given(records, st.sampled_from(["none", "seed", "size", "exclude", "population", "selection", "ratio"]),
       st.data())
@settings(max_examples=150, deadline=None)
def test_the_script_and_verify_record_always_agree(record, how, data):
    tampered = _tamper(record, how, data)
    try:
        script_reasons = script.verify(json.loads(json.dumps(tampered)))
    except (ValueError, KeyError, TypeError, AttributeError):
        script_reasons = ["malformed"]
    assert (not script_reasons) == verify_record(tampered).match
    if how == "none":
        assert not script_reasons
