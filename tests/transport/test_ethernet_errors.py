"""EthernetTransport errors that need no privileges."""

from __future__ import annotations

import socket

import pytest

from freev2g.transport import EthernetTransport, TransportError
from tests.transport.util import Receiver, run


def test_unknown_interface_names_the_existing_ones() -> None:
    names = ", ".join(name for _index, name in socket.if_nameindex())

    async def main() -> None:
        link = EthernetTransport("nosuch0", "00:01:01:63:77:33")
        with pytest.raises(TransportError) as error:
            await link.open(Receiver())
        assert str(error.value) == f"no network interface 'nosuch0'; interfaces: {names}"
        assert not link.is_open

    run(main())


def test_description_and_bad_mac() -> None:
    assert EthernetTransport("eth0", "00:01:01:63:77:33").description == "eth0 00:01:01:63:77:33"
    assert EthernetTransport("eth0", None).description == "eth0 any peer"
    with pytest.raises(ValueError, match="six hex bytes"):
        EthernetTransport("eth0", "00:01:01:63:77")
