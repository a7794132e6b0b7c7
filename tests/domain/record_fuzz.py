"""Random damage to draw records, so the three verifiers (domain, script, browser) can be shown to agree on
records nobody thought of: each mutant replaces one value somewhere in the record by a value of another shape."""

import copy
import random

ODD_VALUES = [None, 0, -1, 1, 1.5, 2**64, 2**53 + 1, True, "", "x", "01", "1/3", "0.5", [], [0], {}, {"a": 1},
              "jointcheck-draw-v1", "jointcheck-draw-v2", "open_task", "local", "0" * 64]


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:4]):
            yield from _paths(item, (*path, index))


def _replace(record, path, value):
    target = record
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value


def mutants(record: dict, rng: random.Random, count: int) -> list[dict]:
    """`count` copies of the record, each with one value (not the root) replaced or one key deleted."""
    paths = [p for p in _paths(record) if p]
    out = []
    for _ in range(count):
        mutant = copy.deepcopy(record)
        path = rng.choice(paths)
        if rng.random() < 0.15 and isinstance(path[-1], str):
            parent = mutant
            for step in path[:-1]:
                parent = parent[step]
            del parent[path[-1]]
        else:
            _replace(mutant, path, copy.deepcopy(rng.choice(ODD_VALUES)))
        out.append(mutant)
    return out
