"""Errors of the asynchronous client; each names the command and what went wrong."""

from __future__ import annotations

from freev2g.hci import results
from freev2g.hci.message import Command


class ClientError(Exception):
    """Base of the client's errors."""


class CommandRejected(ClientError):
    """The module answered with a result code other than 0x00 (manual 2.14 p48)."""

    def __init__(self, command: Command, result: int) -> None:
        self.command = command
        self.result = result
        super().__init__(f"{command.title} rejected: {results.describe(command.module_id, result)}")


class CommandTimeout(ClientError):
    """No response within the command's timeout."""

    def __init__(self, command: Command, seconds: float) -> None:
        self.command = command
        super().__init__(f"{command.title}: no response within {seconds:g} s")


class ModuleFramingError(ClientError):
    """The module reported a framing error (module 0xFF) for a pending command."""

    def __init__(self, command: Command, error_title: str) -> None:
        self.command = command
        super().__init__(f"{command.title}: the module reported a framing error: {error_title}")


class BadResponse(ClientError):
    """The module's response does not match its declaration."""


class NoReply(ClientError):
    """Nothing answered the start-up self-test."""


class ConnectionClosed(ClientError):
    """The client was closed while a command was pending."""


class UnknownGeneration(ClientError):
    """The firmware version string does not tell the API generation."""
