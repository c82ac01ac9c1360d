"""PLC module 0x2A (manual 2.14 §17, p114-p118; 2.11 §16, p110-p114).

Rules from the manual:

* Join HPGP Network takes a NID and an NMK; when accepted, Status for Joining HPGP Network (0x80,
  0 failed / 1 success) follows (p115-p116). Bits 7 and 8 of the NID's last byte are ignored
  (p116), so they are stored cleared.
* Change and Read PIB File address the PIB data area, which starts at file offset 0x3C0
  (p117-p118); reads answer the bytes as they are, writes change them.

Decisions where the manual is silent (each is tested):

* The PIB is a 16 KB file (the size the file table allows a QCA7005 PIB, p18) of zeros, with the
  PLC MAC at data-area offset 12 and 0xFF in bytes 18-31, so that the example read on p118
  answers what it prints; the default MAC is that example's C4:93:00:00:00:01.
* A read or write that does not fit in the data area answers 0x04.
* Joining takes 1 s (the PLC chip restarts with the new key) and succeeds unless
  ``join_policy`` says otherwise; the world between two modules may set it. A second Join while
  one runs answers 0x01 (busy). The join status uses request ID 0xFF (hci-reference §9.1; p114
  allows either).
* Changes to the PIB are kept over a restart (it is a file); a factory reset restores the default
  image. The network joined is forgotten on any restart.
"""

from __future__ import annotations

from collections.abc import Callable

from freev2g.emulator.clock import Timer
from freev2g.emulator.module import Answer, EmulatedModule, Service
from freev2g.hci.catalog import plc
from freev2g.hci.catalog.plc import JoinResult
from freev2g.hci.ethernet import parse_mac
from freev2g.hci.message import Command
from freev2g.hci.modules import ModuleId

BUSY = 0x01
NOT_ACCEPTED = 0x04
PIB_SIZE = 16 * 1024
DATA_AREA = 0x3C0  # p117
MAC_OFFSET = 12  # in the data area (p117)
JOIN_DELAY = 1.0
DEFAULT_MAC = "C4:93:00:00:00:01"  # p117-p118

JoinPolicy = Callable[[bytes, bytes], bool]


def default_pib(mac: str = DEFAULT_MAC) -> bytes:
    """The emulator's PIB file (see the module docstring)."""
    pib = bytearray(PIB_SIZE)
    start = DATA_AREA + MAC_OFFSET
    pib[start:start + 6] = parse_mac(mac)
    pib[start + 6:DATA_AREA + 32] = b"\xff" * (32 - MAC_OFFSET - 6)
    return bytes(pib)


class PlcService(Service):
    module_id = ModuleId.PLC

    def __init__(self, module: EmulatedModule, *, mac: str = DEFAULT_MAC, join_delay: float = JOIN_DELAY,
                 join_policy: JoinPolicy | None = None) -> None:
        super().__init__(module)
        self.factory_pib = default_pib(mac)
        self.pib = bytearray(self.factory_pib)
        self.join_delay = join_delay
        self.join_policy = join_policy  # (nid, nmk) -> success; None: always succeed
        self.nid: bytes | None = None
        self.nmk: bytes | None = None
        self._joining: Timer | None = None

    def reset(self, factory: bool) -> None:
        if self._joining is not None:
            self._joining.cancel()
            self._joining = None
        self.nid = self.nmk = None
        if factory:
            self.pib = bytearray(self.factory_pib)

    @property
    def data_area(self) -> int:
        return len(self.pib) - DATA_AREA

    def handle(self, command: Command) -> Answer:
        match command:
            case plc.JoinHpgpNetwork(nid=nid, nmk=nmk):
                if self._joining is not None:
                    return self.reject(command, BUSY)
                nid = nid[:-1] + bytes((nid[-1] & 0x3F,))
                self._joining = self.module.clock.call_later(self.join_delay, lambda: self._joined(nid, nmk))
                return command.Response()
            case plc.ChangePibFile(offset=offset, data=data):
                if offset + len(data) > self.data_area:
                    return self.reject(command, NOT_ACCEPTED)
                start = DATA_AREA + offset
                self.pib[start:start + len(data)] = data
                return command.Response()
            case plc.ReadPibFile(offset=offset, length=length):
                if offset + length > self.data_area:
                    return self.reject(command, NOT_ACCEPTED)
                start = DATA_AREA + offset
                return plc.ReadPibFile.Response(data=bytes(self.pib[start:start + length]))
        return self.unknown(command)

    def _joined(self, nid: bytes, nmk: bytes) -> None:
        self._joining = None
        success = self.join_policy is None or self.join_policy(nid, nmk)
        if success:
            self.nid, self.nmk = nid, nmk
        self.module.emit(plc.HpgpJoinStatus(status=JoinResult.SUCCESS if success else JoinResult.FAILED))
