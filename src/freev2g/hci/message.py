"""Message declarations: one class per message drives encoding, decoding, validation, str and JSON.

A command and its immediate response are declared together; the response payload is a nested
class (an empty one is created when the command declares none)::

    class GetMode(Command, module=ModuleId.CONTROL_PILOT, sub_id=0x41):
        '''Get Mode (manual 2.14 §15.3.2, p94).'''

        class Response(ResponseMessage):
            mode: Annotated[ControlPilotMode, U8]

    class StateChanged(Status, module=ModuleId.CONTROL_PILOT, sub_id=0x81):
        state: Annotated[ControlPilotState, U8]

Every declared class registers itself under (module, sub-ID, direction) for each generation it
belongs to; :func:`lookup` finds it and :func:`decode` turns a frame into a typed message.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import sys
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, dataclass_transform

from freev2g.hci import results
from freev2g.hci.codecs import Codec, FieldFault
from freev2g.hci.errors import EncodeError, PayloadError
from freev2g.hci.frame import STATUS_REQUEST_ID, Frame
from freev2g.hci.modules import BOTH, Direction, Generation, module_title


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    codec: Codec


def _resolve(cls: type, name: str, hint: Any) -> Any:
    """Evaluate a field's string annotation in the module of the class that declares it."""
    if not isinstance(hint, str):
        return hint
    owner = next(c for c in cls.__mro__ if name in inspect.get_annotations(c))
    return eval(hint, vars(sys.modules[owner.__module__]))  # noqa: S307 - our own declarations


def _codec_of(owner: type, name: str, hint: Any) -> Codec:
    if typing.get_origin(hint) is not Annotated:
        raise TypeError(f"{owner.__qualname__}.{name}: annotate with Annotated[type, codec]")
    codecs = [m for m in hint.__metadata__ if isinstance(m, Codec)]
    if len(codecs) != 1:
        raise TypeError(f"{owner.__qualname__}.{name}: needs exactly one codec in Annotated[]")
    return codecs[0].bind(hint.__origin__)


@dataclass_transform(kw_only_default=True, frozen_default=True)
class Struct:
    """A group of fields laid out one after the other (a message payload or a nested record).

    Subclasses are frozen keyword-only dataclasses. Fields that may be absent (``Opt``,
    ``When``, ``Trailing``) must declare ``= None``.
    """

    field_specs: ClassVar[tuple[FieldSpec, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclass(frozen=True, kw_only=True)(cls)
        specs = []
        for field in dataclasses.fields(cls):  # type: ignore[arg-type]
            codec = _codec_of(cls, field.name, _resolve(cls, field.name, field.type))
            if codec.default_none and field.default is not None:
                raise TypeError(f"{cls.__qualname__}.{field.name}: optional field needs '= None'")
            specs.append(FieldSpec(field.name, codec))
        cls.field_specs = tuple(specs)

    def encode_into(self, out: bytearray) -> None:
        values = vars(self)
        for spec in self.field_specs:
            try:
                spec.codec.encode(values[spec.name], out, values)
            except FieldFault as fault:
                raise fault.within(spec.name) from None

    @classmethod
    def decode_from(cls, data: bytes, pos: int = 0) -> tuple[Any, int]:
        values: dict[str, Any] = {}
        for spec in cls.field_specs:
            try:
                values[spec.name], pos = spec.codec.decode(data, pos, values)
            except FieldFault as fault:
                raise fault.within(spec.name) from None
        return cls(**values), pos

    def to_json(self) -> dict[str, Any]:
        return {spec.name: spec.codec.to_json(getattr(self, spec.name)) for spec in self.field_specs}

    def format_fields(self) -> str:
        return ", ".join(
            f"{spec.name}={spec.codec.format(value)}"
            for spec in self.field_specs
            if (value := getattr(self, spec.name)) is not None or not spec.codec.default_none
        )


def _title_from(name: str) -> str:
    return " ".join(re.findall(r"[A-Z][a-z0-9]*(?:[A-Z](?![a-z]))*|[0-9]+", name)) or name


class Message(Struct):
    """A declared HCI message: a command, a response or a status message."""

    module_id: ClassVar[int]
    sub_id: ClassVar[int]
    generations: ClassVar[frozenset[Generation]] = BOTH
    direction: ClassVar[Direction]
    kind: ClassVar[str]
    title: ClassVar[str]

    def payload(self) -> bytes:
        """The payload bytes; raises :class:`EncodeError` naming the field and its range."""
        out = bytearray()
        try:
            self.encode_into(out)
        except FieldFault as fault:
            raise EncodeError(fault.path, fault.detail) from None
        return bytes(out)

    def to_frame(self, request_id: int = STATUS_REQUEST_ID) -> Frame:
        return Frame(self.module_id, self.sub_id, request_id, self.payload())

    @classmethod
    def decode_payload(cls, payload: bytes) -> Message:
        """Decode a payload with this declaration; raise :class:`PayloadError` on a mismatch."""
        try:
            message, end = cls.decode_from(payload)
        except FieldFault as fault:
            raise PayloadError(cls.title, fault.path or None, fault.detail) from None
        if end != len(payload):
            extra = len(payload) - end
            raise PayloadError(cls.title, None, f"{extra} unexpected byte(s) after the last field")
        return typing.cast(Message, message)

    def json_fields(self) -> dict[str, Any]:
        return self.to_json()

    def __str__(self) -> str:
        fields = self.format_fields()
        return f"{self.title}: {fields}" if fields else self.title


class Status(Message):
    """An asynchronous message from the module (request ID 0xFF in general)."""

    direction = Direction.MODULE
    kind = "status"

    def __init_subclass__(cls, *, module: int | None = None, sub_id: int | None = None,
                          generations: frozenset[Generation] | None = None,
                          title: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _declare(cls, module, sub_id, generations, title or _title_from(cls.__name__))


class ResponseMessage(Message):
    """The immediate response to a command: result code, then the fields when it is 0x00."""

    direction = Direction.MODULE
    kind = "response"
    has_result: ClassVar[bool] = True
    declared_sub_id: ClassVar[int | None] = None
    command: ClassVar[type[Command]]

    def __init_subclass__(cls, *, sub_id: int | None = None, result: bool = True, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.declared_sub_id = sub_id
        cls.has_result = result

    def payload(self) -> bytes:
        fields = super().payload()
        return bytes((results.OK,)) + fields if self.has_result else fields

    @classmethod
    def decode_payload(cls, payload: bytes) -> Message:
        if not cls.has_result:
            return super().decode_payload(payload)
        if not payload:
            raise PayloadError(cls.title, "result", "missing result code")
        if payload[0] != results.OK:
            raise _Rejected(payload[0])
        return super().decode_payload(payload[1:])

    def json_fields(self) -> dict[str, Any]:
        fields = self.to_json()
        return {"result": "OK", **fields} if self.has_result else fields


class _Rejected(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


class Command(Message):
    """A message from the host; ``Response`` is its immediate response."""

    direction = Direction.HOST
    kind = "command"
    Response: ClassVar[type[ResponseMessage]]

    def __init_subclass__(cls, *, module: int | None = None, sub_id: int | None = None,
                          generations: frozenset[Generation] | None = None,
                          title: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls_title = title or _title_from(cls.__name__)
        _declare(cls, module, sub_id, generations, cls_title)
        response: type[ResponseMessage] | None = cls.__dict__.get("Response")
        if response is None:
            response = type("Response", (ResponseMessage,), {
                "__module__": cls.__module__, "__qualname__": f"{cls.__qualname__}.Response"})
            cls.Response = response
        response.command = cls
        response_sub_id = response.declared_sub_id if response.declared_sub_id is not None else cls.sub_id
        _declare(response, cls.module_id, response_sub_id, cls.generations, f"{cls_title} response")


_REGISTRY: dict[Generation, dict[tuple[int, int, Direction], type[Message]]] = {g: {} for g in Generation}


def _declare(cls: type[Message], module: int | None, sub_id: int | None,
             generations: frozenset[Generation] | None, title: str) -> None:
    if module is None or sub_id is None:
        raise TypeError(f"{cls.__qualname__}: declare module= and sub_id=")
    cls.module_id = module
    cls.sub_id = sub_id
    cls.title = title
    if generations is not None:
        cls.generations = generations
    key = (module, sub_id, cls.direction)
    for generation in cls.generations:
        known = _REGISTRY[generation].get(key)
        if known is not None:
            raise TypeError(f"{cls.__qualname__} and {known.__qualname__} share {generation.value} key {key}")
        _REGISTRY[generation][key] = cls


def lookup(module_id: int, sub_id: int, direction: Direction, generation: Generation) -> type[Message] | None:
    return _REGISTRY[generation].get((module_id, sub_id, direction))


def declared(generation: Generation) -> Iterator[type[Message]]:
    """Every message declared for ``generation``."""
    return iter(_REGISTRY[generation].values())


@dataclass(frozen=True)
class Rejection:
    """A response whose result code is not 0x00: only the code, no fields (manual p48)."""

    response: type[ResponseMessage]
    result: int

    direction = Direction.MODULE
    kind = "response"

    @property
    def module_id(self) -> int:
        return self.response.module_id

    @property
    def sub_id(self) -> int:
        return self.response.sub_id

    @property
    def title(self) -> str:
        return self.response.title

    def payload(self) -> bytes:
        return bytes((self.result,))

    def to_frame(self, request_id: int) -> Frame:
        return Frame(self.module_id, self.sub_id, request_id, self.payload())

    @property
    def meaning(self) -> str:
        return results.describe(self.module_id, self.result)

    def json_fields(self) -> dict[str, Any]:
        return {"result": self.meaning}

    def __str__(self) -> str:
        return f"{self.title}: result={self.meaning}"


@dataclass(frozen=True)
class RawMessage:
    """A frame with a module or sub-ID this generation does not declare; payload kept as is."""

    module_id: int
    sub_id: int
    direction: Direction
    payload_bytes: bytes

    kind = "unknown"

    @property
    def title(self) -> str:
        return f"unknown message 0x{self.sub_id:02X} of {module_title(self.module_id)}"

    def payload(self) -> bytes:
        return self.payload_bytes

    def json_fields(self) -> dict[str, Any]:
        return {"payload": self.payload_bytes.hex()}

    def __str__(self) -> str:
        return f"{self.title}: payload={self.payload_bytes.hex() or '(empty)'}"


Decoded = Message | Rejection | RawMessage


def decode(frame: Frame, generation: Generation, direction: Direction) -> Decoded:
    """Decode a frame's payload with the declaration for (module, sub-ID, direction).

    Unknown module or sub-ID: :class:`RawMessage`. Response with a non-zero result:
    :class:`Rejection`. Payload not matching the declaration: :class:`PayloadError`.
    """
    cls = lookup(frame.module_id, frame.sub_id, direction, generation)
    if cls is None:
        return RawMessage(frame.module_id, frame.sub_id, direction, frame.payload)
    try:
        return cls.decode_payload(frame.payload)
    except _Rejected as rejected:
        return Rejection(typing.cast(type[ResponseMessage], cls), rejected.code)


def is_status(module_id: int, sub_id: int, generation: Generation) -> bool:
    cls = lookup(module_id, sub_id, Direction.MODULE, generation)
    return cls is not None and issubclass(cls, Status)
