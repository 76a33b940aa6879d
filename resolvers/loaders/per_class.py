"""One answer per class, fetched for all the classes of a request at once: a class nests
its students, performance and at-risk list, and a teacher's screen asks for them for every
class in one query."""

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from resolvers.context import Context

# fetch(context, class ids, *arguments) -> {class id: answer}
Fetch = Callable[..., Awaitable[dict[int, Any]]]


def per_class(context: Context, fetch: Fetch, class_id: int, *arguments: Any) -> Any:
    """`fetch`'s answer for one class, fetched once for every class of this request that
    asks with the same arguments."""
    batches = context.batches
    loader = batches.get(fetch)
    if loader is None:

        async def load(keys: Sequence[tuple[Any, ...]]) -> list[Any]:
            asked: dict[tuple[Any, ...], list[int]] = defaultdict(list)
            for key in keys:
                asked[key[1:]].append(key[0])
            found: dict[tuple[Any, ...], Any] = {}
            for same, class_ids in asked.items():
                answers = await fetch(context, class_ids, *same)
                found.update({(class_id, *same): answers[class_id] for class_id in class_ids})
            return [found[key] for key in keys]

        loader = batches[fetch] = DataLoader(load_fn=load)
    return loader.load((class_id, *arguments))
