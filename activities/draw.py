"""The verifiable draw and inspector matching as activities (SPEC §5, §6): store/ reads and writes, domain/ decides."""

import secrets
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime, timezone

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from config.settings import Settings
from domain import draw as protocol
from domain import matching as rules
from store import draws, matching
from store.models.tasks import Draw
from workflows.messages import DrawOutcome, DrawRequest, MatchOutcome, MatchRequest, SeedPair

INVALID = "InvalidInput"
SEED_MISMATCH = "SeedMismatch"
MATCH_SHORTFALL = "MatchShortfall"


def _refuse(error_type: str, message: str, *details) -> ApplicationError:
    return ApplicationError(message, *details, type=error_type, non_retryable=True)


class DrawActivities:
    """Owns the session factory; each activity is one transaction, so a retry finds either nothing or everything."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self._sessions = session_factory
        self._settings = settings

    def all(self) -> list:
        return [self.generate_seed, self.draw_objects, self.confirm_draw, self.match_inspectors]

    @activity.defn(name="generate_seed")
    async def generate_seed(self) -> SeedPair:
        """A fresh 256-bit seed and its public SHA-256 commitment (commit–reveal)."""
        seed = secrets.token_bytes(32).hex()
        return SeedPair(seed=seed, commitment=protocol.seed_commitment(seed))

    @activity.defn(name="draw_objects")
    async def draw_objects(self, request: DrawRequest) -> DrawOutcome:
        """Propose a draw: the first call freezes the population; later calls redraw from it with the exclusions."""
        async with self._sessions.begin() as session:
            row = await session.get(Draw, request.task_id, with_for_update=True)
            if row is not None and row.confirmed_at is not None:
                return draws.outcome_of(row)
            row, strata = await self._frozen(session, row, request)
            await self._select(session, row, strata, request)
            return draws.outcome_of(row)

    @activity.defn(name="confirm_draw")
    async def confirm_draw(self, request: DrawRequest) -> DrawOutcome:
        """Confirm once: reveal the seed, fix exclusions and selection, write the drawn objects; then immutable."""
        async with self._sessions.begin() as session:
            row = await session.get(Draw, request.task_id, with_for_update=True)
            if row is not None and row.confirmed_at is not None:
                return draws.outcome_of(row)
            row, strata = await self._frozen(session, row, request)
            selection = await self._select(session, row, strata, request)
            row.seed, row.confirmed_at, row.confirmed_by = request.seed.lower(), _now(), request.actor.username
            draws.store_task_objects(session, request.task_id, selection,
                                     await draws.task_object_ids(session, request.task_id))
            return draws.outcome_of(row)

    async def _frozen(self, session: AsyncSession, row: Draw | None,
                      request: DrawRequest) -> tuple[Draw, dict[str, Sequence[int]]]:
        """The task's draw row and frozen population, freezing both now when this is the first call."""
        try:
            commitment = protocol.seed_commitment(request.seed)
        except ValueError as exc:
            raise _refuse(INVALID, str(exc)) from exc
        if row is not None:
            if commitment != row.seed_commitment:
                raise _refuse(SEED_MISMATCH, "the seed does not open the commitment this draw was proposed under")
            return row, await draws.frozen_population(session, request.task_id)
        try:
            strata = await draws.freeze_population(session, request.scope, draws.stratum_classes(request))
            sizes, ratios = draws.plan_sizes(request, strata)
            digests = protocol.population_sha256(strata)
            populations = draws.population_rows(request.task_id, strata)
        except ValueError as exc:
            raise _refuse(INVALID, str(exc)) from exc
        row = Draw(task_id=request.task_id, algorithm=protocol.ALGORITHM_VERSION, seed_commitment=commitment,
                   seed=None, scope=request.scope.model_dump(mode="json"),
                   population_size=sum(map(len, strata.values())), population_sha256=digests["overall"],
                   sizes=sizes, ratios=ratios, exclusions=[], selection=[], warnings=[], proposed_at=_now(),
                   proposed_by=request.actor.username)
        session.add(row)
        session.add_all(populations)
        return row, strata

    async def _select(self, session: AsyncSession, row: Draw, strata: dict[str, Sequence[int]],
                      request: DrawRequest) -> list:
        """Run the protocol over the frozen population and keep selection, exclusions and fusion warnings."""
        try:
            selection = protocol.select(request.seed, strata, row.sizes, request.exclude, row.algorithm)
        except ValueError as exc:
            raise _refuse(INVALID, str(exc)) from exc
        refs = await draws.object_refs(session, selection)
        warnings = await draws.fusion_warnings(session, request.task_id, [r.object_id for r in refs],
                                               draws.shanghai_year(_now()))
        row.exclusions = sorted(set(request.exclude))
        row.selection = [r.model_dump(mode="json") for r in refs]
        row.warnings = [w.model_dump(mode="json") for w in warnings]
        return refs

    @activity.defn(name="match_inspectors")
    async def match_inspectors(self, request: MatchRequest) -> MatchOutcome:
        """Match one department's inspectors to every drawn object, once; a shortfall is refused by name."""
        async with self._sessions.begin() as session:
            stored = await matching.stored_outcome(session, request.task_id, request.department_code)
            if stored is not None:
                return stored
            pool, names = await matching.candidates(session, request.department_code)
            tags = await matching.required_tags(session, request.item_codes)
            targets = [rules.MatchTarget(object_id=o.object_id, uscc=o.uscc, region_code=o.region_code,
                                         required_tags=tags) for o in request.objects]
            previous = await matching.previous_inspectors(session, request.task_id, request.department_code,
                                                          [o.object_id for o in request.objects])
            try:
                outcome = rules.match_department(request.seed, request.department_code, targets, pool,
                                                 await matching.adjacency(session), previous)
            except rules.MatchShortfall as exc:
                raise _refuse(MATCH_SHORTFALL, str(exc), [asdict(s) for s in exc.shortfalls]) from exc
            except ValueError as exc:
                raise _refuse(INVALID, str(exc)) from exc
            return matching.store_outcome(session, request, outcome, names, _now())


def _now() -> datetime:
    return datetime.now(timezone.utc)
