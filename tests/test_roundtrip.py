"""Every declared message of both generations: encode then decode gives the same message."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from freev2g.hci import catalog  # noqa: F401 - registers every declaration
from freev2g.hci.frame import decode_frame
from freev2g.hci.message import Message, declared, decode
from freev2g.hci.modules import Generation
from tests.strategies import for_struct

MESSAGES = sorted(
    {(cls, generation) for generation in Generation for cls in declared(generation)},
    key=lambda item: (item[1].value, item[0].module_id, item[0].sub_id, item[0].direction.value),
)


@pytest.mark.parametrize(("cls", "generation"), MESSAGES,
                         ids=lambda item: getattr(item, "__qualname__", getattr(item, "value", "")))
@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_round_trip(cls: type[Message], generation: Generation, data: st.DataObject) -> None:
    message = data.draw(for_struct(cls))
    frame = decode_frame(message.to_frame(request_id=7).encode())
    assert decode(frame, generation, cls.direction) == message
