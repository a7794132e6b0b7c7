"""The verifiable draw and inspector matching as activities (SPEC §5, §6): store/ reads and writes, domain/ decides."""

import secrets
from dataclasses import asdict
from datetime import datetime, timezone

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from config.settings import Settings
from domain import draw as protocol
from domain import draw_seed
from domain import matching as rules
from domain.draw_records import DrawOutcome, DrawRequest, MatchOutcome, MatchRequest, SeedPair
from store import draws, draws_v2, match_pools, matching

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
        # Read now, so that a production worker without its keys stops at start with the setting's name.
        self._seed_keys = settings.draw_seed_keys()
        self._pseudonym_key = settings.inspector_pseudonym_key()

    def all(self) -> list:
        return [self.generate_seed, self.commit_seed, self.draw_objects, self.confirm_draw, self.match_inspectors]

    @activity.defn(name="generate_seed")
    async def generate_seed(self) -> SeedPair:
        """Tasks launched before the workers held the seed: a fresh seed and its commitment, both in the history."""
        seed = secrets.token_bytes(32).hex()
        return SeedPair(seed=seed, commitment=protocol.seed_commitment(seed))

    @activity.defn(name="commit_seed")
    async def commit_seed(self, task_id: str) -> SeedPair:
        """A fresh nonce and the commitment to HMAC(draw key, task id ‖ nonce): the seed itself never leaves here."""
        nonce = secrets.token_bytes(32).hex()
        seed = draw_seed.derive_seed(self._seed_keys[0], task_id, nonce)
        return SeedPair(commitment=protocol.seed_commitment(seed), nonce=nonce)

    @activity.defn(name="draw_objects")
    async def draw_objects(self, request: DrawRequest) -> DrawOutcome:
        """Propose a draw: the first call freezes the population; later calls redraw from it with the exclusions."""
        if request.nonce:
            return await self._draw(lambda s, r, now: draws_v2.propose(s, r, self._seed(r), now=now), request)
        return await self._draw(draws.propose, request)

    @activity.defn(name="confirm_draw")
    async def confirm_draw(self, request: DrawRequest) -> DrawOutcome:
        """Confirm once: reveal the seed, fix exclusions and selection (v2: freeze the inspector pools too)."""
        if request.nonce:
            return await self._draw(lambda s, r, now: draws_v2.confirm(s, r, self._seed(r), now=now,
                                                                       pseudonym_key=self._pseudonym_key), request)
        return await self._draw(draws.confirm, request)

    def _seed(self, request: DrawRequest) -> str:
        try:
            return draw_seed.reveal_seed(self._seed_keys, request.task_id, request.nonce, request.commitment)
        except ValueError as exc:
            raise _refuse(SEED_MISMATCH, str(exc)) from exc

    async def _draw(self, step, request: DrawRequest) -> DrawOutcome:
        """One transaction of store.draws(_v2); a refusal is a business error the workflow does not retry."""
        try:
            async with self._sessions.begin() as session:
                return await step(session, request, now=_now())
        except draws.SeedMismatch as exc:
            raise _refuse(SEED_MISMATCH, str(exc)) from exc
        except draws.DrawRefused as exc:
            raise _refuse(INVALID, str(exc)) from exc
        except match_pools.PoolsShort as exc:
            raise _refuse(MATCH_SHORTFALL, str(exc), [{"department_code": s.department_code,
                                                       "objects": [asdict(g) for g in s.shortfalls]}
                                                      for s in exc.shortfalls]) from exc

    @activity.defn(name="match_inspectors")
    async def match_inspectors(self, request: MatchRequest) -> MatchOutcome:
        """Match one department's inspectors to every drawn object, once; a shortfall is refused by name."""
        if not request.seed:
            try:
                async with self._sessions.begin() as session:
                    return await match_pools.match(session, request, _now())
            except rules.MatchShortfall as exc:
                raise _refuse(MATCH_SHORTFALL, str(exc), [asdict(s) for s in exc.shortfalls]) from exc
            except ValueError as exc:
                raise _refuse(INVALID, str(exc)) from exc
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
                                                 await matching.adjacency(session), previous,
                                                 experts_per_object=request.experts_per_object)
            except rules.MatchShortfall as exc:
                raise _refuse(MATCH_SHORTFALL, str(exc), [asdict(s) for s in exc.shortfalls]) from exc
            except ValueError as exc:
                raise _refuse(INVALID, str(exc)) from exc
            return matching.store_outcome(session, request, outcome, names, _now())


def _now() -> datetime:
    return datetime.now(timezone.utc)
