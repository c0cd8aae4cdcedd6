"""KongConsumer (configuration.konghq.com/v1): username, custom_id, credential Secrets and groups.

KIC: pkg/apis/configuration/v1/kongconsumer_types.go; the fields sit at the top level.
"""
from __future__ import annotations

from types import MappingProxyType

from kongcheck.facts.versions import Target
from kongcheck.index.objects import Obj
from kongcheck.index.records import Classed, Refusal, Value, text_list, text_value


class Consumer(Classed):
    __slots__ = ("username", "custom_id", "credentials", "groups")
    FIELDS = MappingProxyType({"username": "username", "custom_id": "custom_id"})

    def __init__(self, obj: Obj, username: Value | None = None, custom_id: Value | None = None,
                 credentials: tuple[Value, ...] = (), groups: tuple[Value, ...] = ()) -> None:
        Classed.__init__(self, obj)
        self.username = username
        self.custom_id = custom_id
        self.credentials = credentials  # Secret names, in order
        self.groups = groups


def parse(obj: Obj) -> Consumer:
    body = obj.body
    return Consumer(  # by position: the fields in the order __init__ takes them (a call without keywords)
        obj,
        text_value(obj, body, "username", "username"),  # username
        text_value(obj, body, "custom_id", "custom_id"),  # custom_id
        text_list(obj, body, "credentials"),  # credentials
        text_list(obj, body, "consumerGroups"),  # groups
    )


def refused(record: Consumer, target: Target) -> Refusal | None:
    """KIC >= 3.2 CRDs make `credentials` and `consumerGroups` sets: a repeated entry is refused."""
    if len(record.credentials) < 2 and len(record.groups) < 2:  # nothing can repeat (most consumers)
        return None
    if not target.credential_lists_are_sets or record.obj.is_live:  # a live object exists already
        return None
    for name, values in (("credentials", record.credentials), ("consumerGroups", record.groups)):
        if len(values) < 2:
            continue
        seen = set()
        for value in values:
            if value.text in seen:
                return Refusal(record, name, value)
            seen.add(value.text)
    return None
