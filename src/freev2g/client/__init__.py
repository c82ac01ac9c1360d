"""Asynchronous client of one WHITE beet module (see :class:`Whitebeet`)."""

from freev2g.client.errors import (
    BadResponse,
    ClientError,
    CommandRejected,
    CommandTimeout,
    ConnectionClosed,
    ModuleFramingError,
    NoReply,
    UnknownGeneration,
)
from freev2g.client.subscriptions import Subscription
from freev2g.client.whitebeet import Whitebeet

__all__ = [
    "BadResponse",
    "ClientError",
    "CommandRejected",
    "CommandTimeout",
    "ConnectionClosed",
    "ModuleFramingError",
    "NoReply",
    "Subscription",
    "UnknownGeneration",
    "Whitebeet",
]
