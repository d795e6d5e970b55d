"""HTTP handlers of the topics resource: ``/topics`` and ``/topics/{topic_id}``."""

from __future__ import annotations

from typing import Any

from ...calls import Call, Handler, Reply
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


def list_topics(call: Call) -> Reply:
    """``GET /topics``."""
    found = call.backend.topics.query(call.project_id, call.query, call.now)
    return 200, {"topics": [topic_view(t) for t in found]}


def create_topic(call: Call) -> Reply:
    """``POST /topics``."""
    topic = call.backend.topics.create(call.project_id, call.payload("topic"), call.now)
    return 200, {"topic": topic_view(topic)}


def get_topic(call: Call) -> Reply:
    """``GET /topics/{topic_id}``."""
    topic = call.backend.topics.get(call.project_id, call.path_id, call.now)
    return 200, {"topic": topic_view(topic)}


def update_topic(call: Call) -> Reply:
    """``PUT /topics/{topic_id}``: the number of partitions."""
    topic = call.backend.topics.update(call.project_id, call.path_id, call.payload("topic"), call.now)
    return 200, {"topic": topic_view(topic)}


def delete_topic(call: Call) -> Reply:
    """``DELETE /topics/{topic_id}``: 204, then ``PENDING_DELETE`` until it settles, then 404."""
    call.backend.topics.delete(call.project_id, call.path_id, call.now)
    return 204, None


HANDLERS: dict[str, Handler] = {
    "list_topics": list_topics,
    "create_topic": create_topic,
    "get_topic": get_topic,
    "update_topic": update_topic,
    "delete_topic": delete_topic,
}
