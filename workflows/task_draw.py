"""The draw and the matching of a joint task (SPEC §4 steps 3–4, §5, §6), part of JointTaskWorkflow.

Tasks launched since the seed is held by the workers (patch SEED_HELD_BY_WORKERS) carry only a nonce and the
commitment: the activities derive the seed, and the matching reads the pools frozen when the draw was confirmed.
Older tasks carry their seed and draw record format 1, as they always did.
"""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.draw_records import (
        DrawOutcome, DrawRequest, ExclusionChoice, MatchOutcome, MatchRequest, SeedPair,
    )
    from domain.public_entropy import canonical_entropy
    from workflows import common as c
    from workflows.inputs import ConfirmDrawInput, DrawInput, MatchInput

# The seed derived by the workers from a key and a nonce (commit_seed), not drawn in a local activity whose result
# stands in the history (generate_seed).
SEED_HELD_BY_WORKERS = "seed-held-by-workers"


class DrawSteps:
    """The draw, its confirmation and each department's matching; the workflow provides the task, seed and state."""

    async def _commit_seed(self) -> None:
        if workflow.patched(SEED_HELD_BY_WORKERS):
            self._seed = await c.call("commit_seed", self._task.task_id, SeedPair)
        else:
            self._seed = await c.call("generate_seed", result_type=SeedPair)

    @workflow.update
    async def draw(self, inp: DrawInput) -> DrawOutcome:
        async with self._drawing:
            if self._draw is None or not self._draw.confirmed:
                value = self._entropy_value or inp.public_entropy_value
                self._draw = await c.call("draw_objects", self._draw_request(inp.actor, [], [], value), DrawOutcome)
                self._entropy_value = value
                self._writes.event(inp.actor, "draw_proposed", {"population": self._draw.population_size,
                                                               "population_sha256": self._draw.population_sha256})
                await self._writes.flush()
        return self._draw

    @draw.validator
    def _validate_draw(self, inp: DrawInput) -> None:
        self._require_lead(inp.actor, "draw the objects")
        c.require(self._stage == "drawing", c.WRONG_STAGE, f"the draw is not open (stage {self._stage})")
        named, value = self._task.public_entropy_source, inp.public_entropy_value
        if named is None or not self._seed.nonce:
            c.require(value is None, c.INVALID, "public_entropy_value: this task named no public random value at launch")
            return
        c.require(value is not None or self._entropy_value is not None, c.INVALID,
                  f"public_entropy_value: required: this task draws with the public random value named at launch "
                  f"({named})")
        if value is None:
            return
        try:
            canonical = canonical_entropy(value)
        except ValueError as exc:
            c.reject(c.INVALID, "public_entropy_value: " + str(exc).removeprefix("public_entropy.value: "))
        c.require(self._entropy_value is None or canonical == canonical_entropy(self._entropy_value), c.INVALID,
                  f"public_entropy_value: already given as {self._entropy_value!r} at the first draw; it cannot change")

    @workflow.update
    async def confirm_draw(self, inp: ConfirmDrawInput) -> DrawOutcome:
        async with self._drawing:
            exclusions = self._resolved_exclusions(inp)
            self._draw = await c.call("confirm_draw", self._draw_request(inp.actor, exclusions, inp.exclude),
                                      DrawOutcome)
            shown = [x.model_dump() for x in exclusions] if self._seed.nonce else inp.exclude
            self._writes.event(inp.actor, "draw_confirmed", {"exclusions": shown,
                                                            "selection": [o.object_id for o in self._draw.selection]})
            await self._writes.flush()
        self._wake = True
        return self._draw

    @confirm_draw.validator
    def _validate_confirm(self, inp: ConfirmDrawInput) -> None:
        """An exclusion without a reason the record proves would be a re-roll (SPEC §4 step 3): each must name a
        drawn object and a reason that one of its warnings or departures from the scope gives."""
        self._require_lead(inp.actor, "confirm the draw")
        c.require(self._stage == "drawing", c.WRONG_STAGE, f"the draw is not open (stage {self._stage})")
        c.require(self._draw is not None, c.WRONG_STAGE, "draw first, then confirm")
        ids = [*inp.exclude, *(x.object_id for x in inp.exclusions)]
        unknown = sorted(set(ids) - {o.object_id for o in self._draw.selection})
        c.require(not unknown, c.INVALID, f"exclude: objects {unknown} are not in the selection")
        c.require(len(set(ids)) == len(ids), c.INVALID, "exclude: an object is named twice")
        for object_id in inp.exclude:
            reasons = sorted(set(self._draw.backing(object_id)))
            c.require(bool(reasons), c.INVALID, f"exclude: object {object_id} has no fusion warning and has not left "
                      f"the scope, so it cannot be excluded (that would be a re-roll)")
            c.require(len(reasons) == 1, c.INVALID, f"exclude: object {object_id} may be excluded as "
                      f"{' or '.join(reasons)}: give it as {{object_id, reason}}")
        for x in inp.exclusions:
            c.require(x.reason in self._draw.backing(x.object_id), c.INVALID,
                      f"exclude: object {x.object_id} has no {x.reason} warning or departure from the scope, so it "
                      f"cannot be excluded for that reason")

    def _resolved_exclusions(self, inp: ConfirmDrawInput) -> list[ExclusionChoice]:
        """The exclusions with their reasons: an id given alone stands for the one reason its notices give (the
        validator saw to that; histories of format-1 tasks may hold ids without one, which format 1 ignores)."""
        chosen = list(inp.exclusions)
        for object_id in inp.exclude:
            reasons = sorted(set(self._draw.backing(object_id)))
            if len(reasons) == 1:
                chosen.append(ExclusionChoice(object_id=object_id, reason=reasons[0]))
        return sorted(chosen, key=lambda x: x.object_id)

    @workflow.update
    async def match(self, inp: MatchInput) -> MatchOutcome:
        dept = inp.actor.department_code
        outcome = await c.call("match_inspectors", MatchRequest(
            task_id=self._task.task_id, seed=self._seed.seed, department_code=dept, item_codes=self._items_of(dept),
            objects=self._draw.selection, actor=inp.actor, experts_per_object=inp.experts_per_object), MatchOutcome)
        self._matched[dept] = outcome
        self._wake = True
        self._writes.event(inp.actor, "matched", {str(k): [i.inspector_id for i in v]
                                                  for k, v in outcome.assignments.items()}, department=dept)
        await self._writes.flush()
        return outcome

    @match.validator
    def _validate_match(self, inp: MatchInput) -> None:
        c.require(inp.actor.role == "dept_operator", c.FORBIDDEN, "only a department operator may match inspectors")
        c.require(inp.actor.department_code in self._participants(), c.FORBIDDEN,
                  f"department {inp.actor.department_code} does not take part in this task")
        c.require(self._stage == "matching", c.WRONG_STAGE, f"matching is not open (stage {self._stage})")
        c.require(inp.actor.department_code not in self._matched, c.ALREADY_DONE,
                  "this department has already matched its inspectors")
        c.require(0 <= inp.experts_per_object <= 5, c.INVALID, "experts_per_object: 0 to 5 experts per object")

    def _draw_request(self, actor, exclusions: list[ExclusionChoice], ids: list[int] = (),
                      entropy_value: str | None = None) -> DrawRequest:
        t = self._task
        common = {"task_id": t.task_id, "scope": t.scope, "sample_size": t.sample_size, "ratio": t.ratio,
                  "credit_risk_ratios": t.credit_risk_ratios, "actor": actor}
        if not self._seed.nonce:
            excluded = sorted({*ids, *(x.object_id for x in exclusions)})
            return DrawRequest(seed=self._seed.seed, exclude=excluded, **common)
        return DrawRequest(nonce=self._seed.nonce, commitment=self._seed.commitment, exclusions=exclusions,
                           public_entropy_source=t.public_entropy_source,
                           public_entropy_value=entropy_value or self._entropy_value,
                           departments={d: self._items_of(d) for d in self._participants()}, **common)
