"""The FastAPI application: /api/v1 routes, problem+json errors, the store and the scoring engine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from cbec.api import explorer, problems
from cbec.api.body_limit import BodyLimit
from cbec.api.deps import TokenCache
from cbec.api.headers import SecurityHeaders
from cbec.api.routes import (
    agenda,
    alerts,
    audit,
    auth,
    complaints,
    credit,
    feedback,
    ip,
    listings,
    payments,
    review,
    supervision,
    webhooks,
)
from cbec.config import Settings, load_settings
from cbec.monitoring import service as monitoring
from cbec.storage.store import open_store
from cbec.web.app import mount as mount_web

API_PREFIX = "/api/v1"
DESCRIPTION = """浙江跨境电商监管平台 API / Zhejiang cross-border e-commerce supervision platform API.

Every route needs a role: send `Authorization: Bearer <token>` (POST /api/v1/auth/token). Payment institutions,
platforms and enterprises see only their own rows; registered partners (role `partner`) read shared credit
ratings. Errors are RFC 9457 problem details with a Chinese title."""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application; the store opens (and migrates) at start-up and closes at shutdown."""
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_store(settings, role="api")
        app.state.store = store
        app.state.scoring_engine = monitoring.scoring_engine(settings=settings)
        app.state.tokens = TokenCache()
        try:
            yield
        finally:
            store.close()

    app = FastAPI(
        title="cbec",
        version="1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served by `explorer` from local assets instead of a CDN
        redoc_url=None,
    )
    problems.install(app)
    app.include_router(explorer.router(f"{API_PREFIX}/openapi.json", f"{API_PREFIX}/docs"))
    api = APIRouter(prefix=API_PREFIX)
    routers = (
        auth,
        payments,
        alerts,
        review,
        feedback,
        supervision,
        complaints,
        listings,
        ip,
        credit,
        audit,
        webhooks,
        agenda,
    )
    for module in routers:
        api.include_router(module.router)
    app.include_router(api)
    mount_web(app)  # the dashboard at / (after the API, so /api/v1 wins)
    batch = {f"{API_PREFIX}/payments/batch": settings.max_batch_body_bytes}
    app.add_middleware(BodyLimit, default=settings.max_body_bytes, by_path=batch)
    app.add_middleware(SecurityHeaders)  # outermost: a 413 answer gets the headers too
    return app
