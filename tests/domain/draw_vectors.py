"""The published test vectors (docs/draw-test-vectors.json), generated with domain/ code.

`python -m tests.domain.draw_vectors` rewrites the file; tests/domain/test_draw_vectors.py checks that the file is
what this module generates, so a change of the algorithm cannot slip past the published vectors.
"""

import copy
import hashlib
import json
import sys
from pathlib import Path

from domain.draw import build_record, population_sha256, sizes_from_ratios
from domain.draw_v2 import Exclusion, FreezeRemoval, FusionWarning, ScopeDeparture, build_record_v2
from domain.matching import InspectorCandidate, MatchTarget
from domain.matching_v2 import ObjectPool, PoolMember, department_record, match_department_v2, pseudonym
from domain.public_entropy import PublicEntropy, canonical_entropy, mixed_seed

VECTORS = Path(__file__).resolve().parents[2] / "docs" / "draw-test-vectors.json"
TOP = 2**64
ABOUT = ("Worked draw records for jointcheck-draw-v1 and -v2 (docs/draw.md). A verifier must answer MATCH for every "
         "vector whose expect is MATCH, and MISMATCH naming `step` (the first step that fails) for every other.")


def seed(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def _ratio_record(strata: dict, ratios: dict, label: str, exclusions=()) -> dict:
    sizes = sizes_from_ratios({k: len(v) for k, v in strata.items()}, ratios)
    return build_record(seed(label), strata, sizes, exclusions, ratios=ratios)


def good_v1() -> dict[str, dict]:
    worked = build_record(seed("jointcheck worked example"), {"A": list(range(1001, 1013)), "D": [2001, 2002, 2003]},
                          {"A": 3, "D": 3}, [1011], ratios={"A": "0.25", "D": "1"})
    plain = build_record(seed("vector plain"), {"all": list(range(3, 120, 3))}, {"all": 5})
    served = _ratio_record({"A": list(range(1, 60, 2)), "B": list(range(2, 40, 2)), "D": [70, 71]},
                           {"A": "0.1", "B": "0.08", "D": "1"}, "vector as served", exclusions=[71])
    served = {"task_id": "20260301-a1b2c3", "status": "confirmed", "confirmed_at": "2026-03-02T02:15:00Z",
              "objects": [{"object_id": i, "uscc": f"91430302MA4L{i:06d}", "name": f"湘潭市示例食品有限公司{i}号店",
                           "stratum": stratum} for stratum, ids in served["selection"]["strata"].items() for i in ids],
              **served}
    return {"v1-worked-example": worked, "v1-plain": plain, "v1-as-served": served}


def _strata() -> dict[str, list[int]]:
    return {"A": list(range(10_000, 10_400, 4)), "B": list(range(10_001, 10_300, 4)),
            "C": list(range(10_002, 10_100, 4)), "D": list(range(10_003, 10_040, 4))}


RATIOS = {"A": "0.05", "B": "0.08", "C": "0.2", "D": "1"}


def _fusion(record: dict) -> tuple[list, list, list]:
    """Warnings and departures for some of a first draw's picks, and exclusions for each of them."""
    picks = record["selection"]["objects"]
    warnings = [FusionWarning(picks[0], "inspected_this_year", "2026年3月已由生态环境局检查（任务 20260302-e5f6）"),
                FusionWarning(picks[1], "open_task", "同时在联合任务 20260305-c7d8 中，尚未结案"),
                FusionWarning(picks[2], "open_task", "同时在联合任务 20260306-a9b0 中，尚未结案")]
    left = [ScopeDeparture(picks[3], "deregistered", "2026年3月4日注销"),
            ScopeDeparture(picks[4], "revoked", "2026年3月5日营业执照被吊销"),
            ScopeDeparture(picks[5], "out_of_scope", "经营范围变更，已不含食品经营")]
    exclusions = [Exclusion(w.object_id, w.kind) for w in warnings[:2]] + [Exclusion(d.object_id, d.kind) for d in left]
    return warnings, left, exclusions


def _removals() -> list[FreezeRemoval]:
    return [FreezeRemoval("annual_cap", 10_404, "本年度已接受 2 次联合检查"),
            FreezeRemoval("annual_cap", 10_408, "本年度已接受 2 次联合检查"),
            FreezeRemoval("deregistered", 10_412, "冻结前已注销"), FreezeRemoval("revoked", None, "3 户已吊销")]


ENTROPY = PublicEntropy("中国福利彩票“双色球”2026年第045期开奖号码（2026年4月21日开奖，按开奖公告顺序）",
                        "０３　０７，１２　１９　２５　３１＋０９")


def _matching(final_seed: str, objects: list[int]) -> list[dict]:
    """Two departments' matchings: local, previous and adjacent picks, and experts who never count as officers."""
    key = b"test-vector pseudonym key (a real platform keeps its own secret)"
    regions = {object_id: ("430302", "430303", "430304")[i % 3] for i, object_id in enumerate(objects)}
    adjacency = {"430302": frozenset({"430303"}), "430303": frozenset({"430302", "430304"}),
                 "430304": frozenset({"430303"})}
    targets = [MatchTarget(o, f"91430302MA4L{o:06d}", regions[o], frozenset({"food"})) for o in objects]
    lead = [InspectorCandidate(i, "SCJG", frozenset({region}), frozenset({"food"}), True)
            for i, region in ((1, "430302"), (2, "430302"), (3, "430302"), (4, "430303"), (5, "430303"), (6, "430304"))]
    lead += [InspectorCandidate(7, "SCJG", frozenset({"430300"}), frozenset({"food"}), True, expert=True),
             InspectorCandidate(8, "SCJG", frozenset({"430304"}), frozenset({"food"}), True,
                                conflict_object_ids=frozenset({objects[2]}))]
    env = [InspectorCandidate(i, "STHJ", frozenset({"430300"}), frozenset({"food"}), True, expert=i == 13)
           for i in range(11, 15)]
    previous = {objects[0]: frozenset({1, 2}), objects[1]: frozenset({4})}
    names = {c.id: pseudonym(key, c.id) for c in lead + env}
    return [match_department_v2(final_seed, "SCJG", targets, lead, adjacency, previous, names, 2, 1),
            match_department_v2(final_seed, "STHJ", targets, env, adjacency, {}, names, 2, 0)]


def good_v2() -> dict[str, dict]:
    strata = _strata()
    sizes = sizes_from_ratios({k: len(v) for k, v in strata.items()}, RATIOS)
    stratified = build_record_v2(seed("vector v2 stratified"), strata, sizes, ratios=RATIOS)
    first = build_record_v2(seed("vector v2 exclusions"), strata, sizes, ratios=RATIOS)
    warnings, left, exclusions = _fusion(first)
    excluded = build_record_v2(seed("vector v2 exclusions"), strata, sizes, exclusions, ratios=RATIOS,
                               warnings=warnings, left_scope=left, removed_at_freeze=_removals(), annual_cap=2)
    entropy = build_record_v2(seed("vector v2 entropy"), strata, sizes, ratios=RATIOS, public_entropy=ENTROPY)
    witness = build_record_v2(seed("vector v2 witness"), {"all": list(range(500, 560))}, {"all": 4},
                              public_entropy=PublicEntropy("抽取现场由公证员宣读的 10 位随机数字", "7 3 0 0 5 1 9 8 2 6"))
    matched = build_record_v2(seed("vector v2 matching"), {"all": list(range(700, 760))}, {"all": 6})
    matched["matching"] = _matching(matched["final_seed"], matched["selection"]["objects"])
    big = {"all": [5, 2**53 + 1, *range(TOP - 40, TOP)]}
    big_first = build_record_v2(seed("vector v2 big ids"), big, {"all": 6})
    big_warning = FusionWarning(big_first["selection"]["objects"][0], "open_task", "同时在另一在办任务中")
    big_ids = build_record_v2(seed("vector v2 big ids"), big, {"all": 6},
                              [Exclusion(big_warning.object_id, "open_task")], warnings=[big_warning])
    complete_first = build_record_v2(seed("vector v2 complete"), strata, sizes, ratios=RATIOS, public_entropy=ENTROPY)
    warnings, left, exclusions = _fusion(complete_first)
    complete = build_record_v2(seed("vector v2 complete"), strata, sizes, exclusions, ratios=RATIOS,
                               public_entropy=ENTROPY, warnings=warnings, left_scope=left,
                               removed_at_freeze=_removals(), annual_cap=2)
    complete = _with_matching(complete)
    return {"v2-worked-example": worked_example_v2(), "v2-stratified": stratified, "v2-exclusions-and-replacements": excluded, "v2-public-entropy": entropy,
            "v2-witness-digits": witness, "v2-matching": matched, "v2-ids-beyond-2-53": big_ids,
            "v2-complete": complete}


def worked_example_v2() -> dict:
    """docs/draw.md §7.6: the v1 worked example with a lottery result, an exclusion, a removal and one matching."""
    entropy = PublicEntropy("2026年4月21日中国福利彩票“双色球”第2026045期开奖号码（按开奖公告顺序）",
                            "０３　０７，１２　１９　２５　３１＋０９")
    warning = FusionWarning(1010, "open_task", "同时在联合任务 20260405-c7d8 中，尚未结案")
    record = build_record_v2(seed("jointcheck worked example"), {"A": list(range(1001, 1013)), "D": [2001, 2002, 2003]},
                             {"A": 3, "D": 3}, [Exclusion(1010, "open_task")], ratios={"A": "0.25", "D": "1"},
                             public_entropy=entropy, warnings=[warning], annual_cap=2,
                             removed_at_freeze=[FreezeRemoval("annual_cap", 1013, "本年度已接受 2 次联合检查")])
    pool = ObjectPool(1006, [PoolMember("i01", "local"), PoolMember("i02", "local", previous=True),
                             PoolMember("i03", "local"), PoolMember("i04", "adjacent"),
                             PoolMember("i05", "local", expert=True)])
    record["matching"] = [department_record(record["final_seed"], "SCJG", [pool], 2, 1)]
    return record


def _with_matching(record: dict) -> dict:
    record["matching"] = _matching(record["final_seed"], record["selection"]["objects"][:6])
    return record


def _recompute_digests(record: dict) -> None:
    record["population_sha256"] = population_sha256(record["population"])


def _repool(entry: dict) -> None:
    """The pool digest of a changed pool entry, so that only the ranking can tell."""
    from domain.matching_v2 import pool_from_record

    entry["pool_sha256"] = pool_from_record(entry).digest()


def tampered(good: dict[str, dict]) -> list[tuple[str, str, str, dict]]:
    """(name, what was changed, the step that must fail, record) for each tampered copy of a good vector."""
    out = []

    def tamper(name: str, base: str, step: str, what: str, change) -> None:
        record = copy.deepcopy(good[base])
        change(record)
        out.append((name, what, step, record))

    def entropy_changed(record, final=False):
        record["public_entropy"]["value"] = "03 07 12 19 25 31+10"
        record["public_entropy"]["canonical"] = canonical_entropy(record["public_entropy"]["value"])
        if final:
            record["final_seed"] = mixed_seed(record["seed"], record["public_entropy"]["canonical"])

    def unbacked(record):
        excluded = {(x["object_id"], x["reason"]) for x in record["exclusions"]}
        record["warnings"] = [w for w in record["warnings"] if (w["object_id"], w["kind"]) not in excluded]

    def population_added(record):
        record["population"]["A"] = sorted([*record["population"]["A"], 1013])

    def removed_in_population(record):
        record["removed_at_freeze"][0]["object_id"] = record["population"]["A"][0]

    def swap_first_picks(record):
        objects = record["selection"]["objects"]
        record["selection"]["objects"] = [objects[1], objects[0], *objects[2:]]

    def replaced_pick(record):
        strata = record["selection"]["strata"]
        drawn = set(record["selection"]["objects"])
        spare = next(i for i in record["population"]["B"] if i not in drawn)
        strata["B"] = [spare, *strata["B"][1:]]
        record["selection"]["objects"] = [i for key in sorted(strata) for i in strata[key]]

    def big_off_by_one(record):
        objects = record["selection"]["objects"]
        at = next(i for i, x in enumerate(objects) if x > 2**60 and x - 1 not in record["population"]["all"][:2])
        objects[at] -= 1
        record["selection"]["strata"]["all"] = list(objects)

    def pick_swapped(record):
        entry = record["matching"][0]["objects"][0]
        entry["picks"] = [entry["ranked"][0], entry["ranked"][2]]

    def expert_as_officer(record):
        entry = next(e for e in record["matching"][0]["objects"] if e["experts"])
        entry["picks"] = [entry["picks"][0], entry["experts"][0]]

    def pool_grown(record):
        record["matching"][1]["objects"][0]["pool"]["local"].append("izzzzzzzzzzzzzzzzzzzz")

    def previous_forgotten(record):
        entry = next(e for e in record["matching"][0]["objects"] if e["previous"])
        entry["previous"] = []
        _repool(entry)

    def undrawn_matched(record):
        entry = record["matching"][1]["objects"][0]
        entry["object_id"] = next(i for i in record["population"]["all"] if i not in record["selection"]["objects"])

    tamper("tampered-v1-algorithm", "v1-worked-example", "format", "an algorithm nobody published",
           lambda r: r.update(algorithm="jointcheck-draw-v9"))
    tamper("tampered-v1-seed", "v1-worked-example", "commitment", "another seed than the committed one",
           lambda r: r.update(seed=seed("another seed")))
    tamper("tampered-v2-commitment", "v2-stratified", "commitment", "the commitment of another seed",
           lambda r: r.update(seed_commitment=hashlib.sha256(bytes.fromhex(seed("another seed"))).hexdigest()))
    tamper("tampered-v2-entropy-value", "v2-public-entropy", "public_entropy",
           "another public value (canonical form updated, final seed not)", entropy_changed)
    tamper("tampered-v2-entropy-value-and-final-seed", "v2-public-entropy", "selection",
           "another public value with a consistent final seed: the selection no longer follows",
           lambda r: entropy_changed(r, final=True))
    tamper("tampered-v2-entropy-dropped", "v2-public-entropy", "public_entropy",
           "the public value left out of the record", lambda r: r.update(public_entropy=None))
    tamper("tampered-v1-population-added", "v1-worked-example", "population", "an object added to stratum A",
           population_added)
    tamper("tampered-v2-overall-digest", "v2-stratified", "population", "a changed overall population digest",
           lambda r: r["population_sha256"].update(overall=seed("digest")))
    tamper("tampered-v2-removed-but-present", "v2-exclusions-and-replacements", "population",
           "an object listed as removed at the freeze that is still in the population", removed_in_population)
    tamper("tampered-v1-ratio", "v1-worked-example", "sizes", "a ratio that does not give the published size",
           lambda r: r["ratios"].update(A="0.5"))
    tamper("tampered-v1-exclusion-text", "v1-worked-example", "exclusions", "an exclusion written as text",
           lambda r: r.update(exclusions=["1011"]))
    tamper("tampered-v2-unbacked-exclusion", "v2-exclusions-and-replacements", "exclusions",
           "the warning behind an exclusion deleted", unbacked)
    tamper("tampered-v2-wrong-reason", "v2-exclusions-and-replacements", "exclusions",
           "an exclusion whose reason is not the kind of its warning",
           lambda r: next(x for x in r["exclusions"] if x["reason"] == "open_task").update(
               reason="inspected_this_year"))
    tamper("tampered-v1-selection-order", "v1-worked-example", "selection", "two picks in swapped order",
           swap_first_picks)
    tamper("tampered-v2-selection-replaced", "v2-exclusions-and-replacements", "selection",
           "a pick of stratum B replaced by another object", replaced_pick)
    tamper("tampered-v2-big-id-off-by-one", "v2-ids-beyond-2-53", "selection",
           "a pick near 2^64 changed by one (the same number in floating point)", big_off_by_one)
    tamper("tampered-v2-matching-pick", "v2-matching", "matching", "the second pick is not the second ranked",
           pick_swapped)
    tamper("tampered-v2-matching-expert-as-officer", "v2-matching", "matching",
           "an expert counted as one of the two officers", expert_as_officer)
    tamper("tampered-v2-matching-pool-grown", "v2-matching", "matching", "a candidate added to a pool",
           pool_grown)
    tamper("tampered-v2-matching-previous-forgotten", "v2-matching", "matching",
           "last time's inspectors no longer deprioritised (pool digest updated)", previous_forgotten)
    tamper("tampered-v2-matching-undrawn-object", "v2-matching", "matching", "a matching for an object not drawn",
           undrawn_matched)
    return out


def vectors() -> dict:
    """The whole vector file as a JSON-able dict."""
    good = {**good_v1(), **good_v2()}
    entries = [{"name": name, "expect": "MATCH", "step": None, "record": record} for name, record in good.items()]
    entries += [{"name": name, "expect": "MISMATCH", "step": step, "changed": what, "record": record}
                for name, what, step, record in tampered(good)]
    return {"about": ABOUT, "vectors": entries}


def render() -> str:
    return json.dumps(vectors(), ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":
    VECTORS.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {VECTORS}\n")
