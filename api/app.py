"""The FastAPI application: one engine and one Temporal client per process, kept on app.state."""

from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from temporalio.client import Client

from api.refusals import Refusal, refusal_response
from api.routers import (audit, auth, calendar, departments, draw_rules, health, inspectors, items, me, notifications,
                         objects, office, plans, public, results, tasks, users)
from api.calendar_signals import signal_running_tasks
from api.console import router as console_router
from api.limits import (BodyLimitMiddleware, document_refusals,
                        refuse_unstorable_input)
from api.observability import ObservabilityMiddleware, metrics
from api.temporal import TemporalHandle
from config.settings import Settings, get_settings
from store.db import make_engine, make_session_factory

ROUTERS = [health.router, auth.router, me.router, users.router, departments.router, items.router, objects.router,
           inspectors.router, calendar.router, plans.router, audit.router, tasks.router, results.router,
           office.router, notifications.router, public.router, draw_rules.router,
           console_router]


def _calendar_hook(app: FastAPI):
    async def hook(year: int) -> None:
        await signal_running_tasks(await app.state.temporal.client(), year)

    return hook


def create_app(settings: Settings | None = None, *, temporal_client: Client | None = None) -> FastAPI:
    """Build the app; tests pass their own settings and an already-connected Temporal client."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        engine = make_engine(settings.database_url)
        app.state.settings = settings
        app.state.engine = engine
        app.state.session_factory = make_session_factory(engine)
        app.state.temporal = TemporalHandle(settings, temporal_client)
        app.state.calendar_changed_hooks = [_calendar_hook(app)]
        try:
            yield
        finally:
            await engine.dispose()

    app = FastAPI(title="jointcheck", version="0.1.0", lifespan=lifespan,
                  description="部门联合“双随机、一公开”监管平台 API", dependencies=[Depends(refuse_unstorable_input)])
    for router in ROUTERS:
        app.include_router(router)
    app.get("/metrics", include_in_schema=False)(metrics)
    app.add_exception_handler(Refusal, refusal_response)
    document_refusals(app)
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes,
                       max_upload_bytes=settings.max_upload_bytes)
    app.add_middleware(ObservabilityMiddleware)
    return app
