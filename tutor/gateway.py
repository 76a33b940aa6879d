"""The AI tutor (docs/tutor.md): one interface (tutor/types.py), two providers. The
offline tutor (tutor/offline.py, the default) answers from the lesson's own passages; the
LiteLLM provider (tutor/llm.py) asks a language model for the same structured answer and
falls back to the offline tutor when the model fails. Here: which one answers, chosen once
per process from the settings, and how healthy it is."""

import time

from ground.settings import Settings
from tutor.llm import LiteLLMTutor, LlmSettings
from tutor.offline import OfflineTutor
from tutor.types import Tutor


def build_tutor(settings: Settings) -> Tutor:
    """The LiteLLM provider when LEARNLOOM_LLM_MODEL names a model, else the offline tutor."""
    if not settings.llm_model:
        return OfflineTutor()
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    return LiteLLMTutor(
        LlmSettings(
            model=settings.llm_model,
            fallback_models=tuple(settings.llm_fallback_models),
            api_base=settings.llm_api_base,
            api_key=key,
            timeout_seconds=settings.llm_timeout_seconds,
            retries=settings.llm_retries,
            moderation_model=settings.llm_moderation_model,
        )
    )


async def reachable(settings: Settings) -> tuple[bool, float]:
    """Whether the tutor can answer, and how long finding out took (ms). The offline tutor
    always can; a model server with an API base is asked for its model list, which costs no
    tokens. A hosted provider without an API base is taken as reachable."""
    import httpx  # only when asked: it adds to every process's start-up otherwise

    started = time.perf_counter()
    ok = True
    if settings.llm_model and settings.llm_api_base:
        headers = {}
        if settings.llm_api_key:
            headers["authorization"] = f"Bearer {settings.llm_api_key.get_secret_value()}"
        try:
            async with httpx.AsyncClient(timeout=min(5.0, settings.llm_timeout_seconds)) as client:
                answer = await client.get(
                    settings.llm_api_base.rstrip("/") + "/models", headers=headers
                )
            ok = answer.status_code < 500
        except httpx.HTTPError:
            ok = False
    return ok, round((time.perf_counter() - started) * 1000, 1)
