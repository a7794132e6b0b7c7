"""scripts/verify_draw.py, as an outsider runs it: standard library only, same verdicts (and failed steps) as
verify_record, on random v1 and v2 records and on every published test vector."""

import ast
import copy
import hashlib
import importlib.util
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from domain.draw import build_record, seed_commitment, sizes_from_ratios, verify_record
from domain.draw_v2 import Exclusion, FusionWarning, build_record_v2
from domain.public_entropy import PublicEntropy
from tests.domain.record_fuzz import mutants

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "verify_draw.py"
VECTORS = json.loads((SCRIPT.parents[1] / "docs" / "draw-test-vectors.json").read_text(encoding="utf-8"))["vectors"]


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


@pytest.mark.parametrize(("field", "value", "step", "reason"), [
    ("seed", seed_number(2), "commitment", "seed_commitment is not the SHA-256 of the revealed seed"),
    ("seed_commitment", seed_commitment(seed_number(2)), "commitment", "seed_commitment is not the SHA-256"),
    ("population", {"A": [1, 4], "B": [2], "D": [500]}, "population",
     "population_sha256 of stratum 'A' does not match"),
    ("exclusions", [], "selection", "selection of stratum 'D' differs"),
    ("algorithm", "jointcheck-draw-v9", "format", "unsupported algorithm"),
])
def test_a_changed_record_is_a_mismatch_naming_the_step(tmp_path, field, value, step, reason):
    record = sample_record()
    record[field] = value
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    result = run(str(path))
    assert result.returncode == 1
    assert result.stdout.startswith(f"MISMATCH: step {step}: ") and reason in result.stdout
    assert verify_record(record).step == step


def test_a_changed_selection_is_a_mismatch(tmp_path):
    record = sample_record()
    record["selection"]["strata"]["A"][0], record["selection"]["strata"]["A"][1] = \
        record["selection"]["strata"]["A"][1], record["selection"]["strata"]["A"][0]
    result = run("-", stdin=json.dumps(record))
    assert result.returncode == 1 and "step selection: selection of stratum 'A' differs" in result.stdout


def test_unreadable_input_is_a_mismatch_and_bad_usage_says_how(tmp_path):
    assert run(str(tmp_path / "missing.json")).returncode == 1
    assert run("-", stdin="{not json").stdout.startswith("MISMATCH: step format: cannot read the record")
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
    failure = script.verify(json.loads(json.dumps(tampered)))
    assert (failure[0] if failure else None) == verify_record(tampered).step
    if how == "none":
        assert failure is None


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_every_published_vector(vector, tmp_path):
    path = tmp_path / "record.json"
    path.write_text(json.dumps(vector["record"], ensure_ascii=False), encoding="utf-8")
    result = run(str(path))
    if vector["expect"] == "MATCH":
        assert (result.returncode, result.stdout) == (0, "MATCH\n")
    else:
        assert result.returncode == 1 and result.stdout.startswith(f"MISMATCH: step {vector['step']}: ")


def _v2_record(seed, pool, keys, fractions, value, excluded):
    strata = {key: sorted(pool[i::len(keys)]) for i, key in enumerate(keys)}
    ratios = {key: str(fractions[i]) for i, key in enumerate(keys)}
    sizes = sizes_from_ratios({k: len(v) for k, v in strata.items()}, ratios)
    entropy = None if value is None else PublicEntropy("第 1 期开奖号码", value)
    members = [i for key in keys for i in strata[key]]
    exclusions = [Exclusion(i, "open_task") for i in sorted(set(excluded) & set(members))]
    return build_record_v2(seed, strata, sizes, exclusions, ratios=ratios, public_entropy=entropy,
                           warnings=[FusionWarning(x.object_id, "open_task") for x in exclusions])


v2_records = st.builds(
    _v2_record, st.binary(min_size=32, max_size=32).map(bytes.hex),
    st.lists(st.integers(0, 5000), min_size=1, max_size=80, unique=True),
    st.sampled_from([["all"], ["A", "B"], ["A", "B", "C", "D"]]),
    st.lists(st.fractions(0, 1, max_denominator=20), min_size=4, max_size=4),
    st.one_of(st.none(), st.text("0123456789 ,＋　", min_size=1).filter(lambda t: any(c.isdigit() for c in t))),
    st.lists(st.integers(0, 5000), max_size=6),
)


def _tamper_v2(record: dict, how: str, data) -> dict:
    record = copy.deepcopy(record)
    if how == "entropy" and record["public_entropy"]:
        record["public_entropy"]["value"] += data.draw(st.sampled_from(["1", " 0", "x"]))
    elif how == "final_seed":
        record["final_seed"] = data.draw(st.binary(min_size=32, max_size=32).map(bytes.hex))
    elif how == "warning":
        record["warnings"] = record["warnings"][1:]
    elif how == "reason":
        for exclusion in record["exclusions"][:1]:
            exclusion["reason"] = data.draw(st.sampled_from(["revoked", "inspected_this_year", "whim", 3]))
    elif how == "removed":
        record["removed_at_freeze"] = [{"object_id": data.draw(st.integers(0, 5000)),
                                        "reason": data.draw(st.sampled_from(["annual_cap", "revoked", "x"])),
                                        "detail": ""}]
    return record


@given(v2_records, st.sampled_from(["none", "entropy", "final_seed", "warning", "reason", "removed"]), st.data())
@settings(max_examples=120, deadline=None)
def test_the_script_and_verify_record_name_the_same_step_on_v2_records(record, how, data):
    tampered = _tamper_v2(record, how, data)
    failure = script.verify(json.loads(json.dumps(tampered)))
    verdict = verify_record(tampered)
    assert (failure[0] if failure else None) == verdict.step
    if how == "none":
        assert failure is None


def test_the_script_and_verify_record_name_the_same_step_for_damaged_vectors():
    rng = random.Random(2026)
    for vector in VECTORS:
        if vector["expect"] == "MATCH":
            for mutant in mutants(vector["record"], rng, 150):
                failure = script.verify(json.loads(json.dumps(mutant)))
                assert (failure[0] if failure else None) == verify_record(mutant).step, (vector["name"], mutant)
