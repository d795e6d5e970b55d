"""HTTP handlers of the topics resource: ``/topics`` and ``/topics/{topic_id}``."""

from __future__ import annotations

from typing import Any

from ...calls import Handler
from ..crud import crud_handlers
from ..databases.common import base_view, status_of
from .models import Topic

__all__ = ["HANDLERS", "topic_view"]


def topic_view(topic: Topic) -> dict[str, Any]:
    """A topic as the API shows it: the keys of ``samples/topic_get.json``."""
    return {
        **base_view(topic),
        "datastore_id": topic.datastore_id,
        "name": topic.name,
        "partitions": topic.partitions,
        "status": status_of(topic),
    }


HANDLERS: dict[str, Handler] = crud_handlers("topics", "topic", "topics", topic_view)
