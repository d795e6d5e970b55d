"""State and rules of the topics resource (SCHEMAS.md §1.10, BEHAVIOUR.md §4, §6.3, DECISIONS 19).

Topics exist on Kafka datastores only; names are unique within a datastore (409). An update changes
the number of partitions, which may grow and may never shrink (400). The bounds of ``partitions``
(1..4000) are the spec's: a request outside them never reaches the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...errors import bad_request
from ..databases.common import Child, ChildModel

__all__ = ["PARTITIONS_MAX", "PARTITIONS_MIN", "Topic", "TopicModel"]

#: The bounds of a topic's ``partitions`` (the spec enforces them; ``GET /limits`` reports them).
PARTITIONS_MIN = 1
PARTITIONS_MAX = 4000


@dataclass(slots=True, kw_only=True)
class Topic(Child):
    """A Kafka topic."""

    name: str
    partitions: int


class TopicModel(ChildModel[Topic]):
    """The topics of every project."""

    kind = "topic"
    entity = "topic"
    feature = "topics"
    indexed = ("datastore_id", "name")
    filters = ("id", "project_id", "name", "datastore_id", "status")

    def create(self, project_id: str, fields: Mapping[str, Any], now: datetime) -> Topic:
        """A new topic in ``PENDING_CREATE``; 409 for a name taken in the datastore."""
        datastore = self.parent(project_id, fields["datastore_id"], now)
        self.check_name(project_id, datastore.id, fields["name"], now)
        topic = Topic(
            **self.new_fields(project_id, datastore.id, now),
            name=fields["name"],
            partitions=int(fields.get("partitions", PARTITIONS_MIN)),
        )
        return self.table.insert(topic)

    def update(self, project_id: str, topic_id: str, fields: Mapping[str, Any], now: datetime) -> Topic:
        """Set the number of partitions (never fewer than now): ``PENDING_UPDATE``."""
        topic, _ = self.mutable(project_id, topic_id, now)
        partitions = int(fields["partitions"])
        if partitions < topic.partitions:
            raise bad_request(
                f"partitions can only be increased: topic has {topic.partitions}, got {partitions}"
            )
        topic.partitions = partitions
        self.table.begin(topic, "update", now)
        return topic

    def count(self, project_id: str, datastore_id: str, now: datetime) -> int:
        """How many topics ``datastore_id`` has (for the datastore's ``topics_count``)."""
        return len(self.live(project_id, "datastore_id", datastore_id, now))
