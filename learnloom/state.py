"""The application's long-lived state, built once per process from the settings: the
database engine, token service, rate limiter, warehouse reader, models, user cache and
tutor. Built here, at the top, and handed down to the resolvers in their context."""

from analytics.locations import risk_dir
from analytics.model_store import ModelStore
from analytics.reader import WarehouseReader
from ground.settings import Settings
from models.db import make_engine, make_session_factory
from resolvers.context import AppState
from resolvers.rate_limiter import RateLimiter
from resolvers.tokens import TokenService
from resolvers.user_cache import UserCache
from tutor.gateway import build_tutor


def build_state(settings: Settings) -> AppState:
    engine = make_engine(settings.database_url)
    return AppState(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        tokens=TokenService(settings),
        limiter=RateLimiter(settings),
        warehouse=WarehouseReader(settings.warehouse_dir),
        models=ModelStore(settings.model_dir),
        risk_models=ModelStore(risk_dir(settings.model_dir)),
        users=UserCache(settings.database_url, settings.user_cache),
        tutor=build_tutor(settings),
    )
