"""System module 0x10 and Framing module 0x0E: every example frame of manuals 2.14 and 2.11
(identical in both; pages of 2.14, hci-reference §6.1)."""

from __future__ import annotations

import pytest

from freev2g.hci.catalog import framing
from freev2g.hci.catalog import system as s
from freev2g.hci.errors import PayloadError, Truncated
from freev2g.hci.message import Rejection
from tests.vectors import HOST, MODULE, V2, BadVector, Vector, check_bad_vector, check_vector, decode_hex

VECTORS = [
    Vector("2.14 p51", "C0 10 40 01 00 00 00 C1", HOST, s.GetVersion()),
    Vector("2.14 p51", "C0 10 40 01 00 09 00 07 31 2E 31 2E 30 2E 30 00 C1", MODULE,
           s.GetVersion.Response(version="1.1.0.0")),
    Vector("2.14 p52", "C0 10 41 02 00 00 00 C1", HOST, s.GetFirmwareVersion()),
    Vector("2.14 p52", "C0 10 41 02 00 09 00 07 31 2E 32 2E 30 2E 30 00 C1", MODULE,
           s.GetFirmwareVersion.Response(version="1.2.0.0")),
    Vector("v1-api §3.1", "C0 10 41 01 00 0B 00 09 56 30 31 5F 30 31 5F 30 36 D8 C1", MODULE,
           s.GetFirmwareVersion.Response(version="V01_01_06")),
    Vector("2.14 p53", "C0 10 45 06 00 00 00 C1", HOST, s.GetMacAddress()),
    Vector("2.14 p53", "C0 10 45 06 00 08 00 06 00 01 02 03 04 05 00 C1", MODULE,
           s.GetMacAddress.Response(mac="00:01:02:03:04:05")),
    Vector("2.14 p53 table form (no count byte)", "C0 10 45 06 00 07 00 00 01 02 03 04 05 00 C1", MODULE,
           s.GetMacAddress.Response(mac="00:01:02:03:04:05"), exact=False),
    Vector("2.14 p54", "C0 10 46 07 00 09 08 53 65 72 30 30 30 30 31 00 C1", HOST,
           s.SetSerialNumber(serial_number="Ser00001")),
    Vector("2.14 p54", "C0 10 46 07 00 01 00 00 C1", MODULE, s.SetSerialNumber.Response()),
    Vector("2.14 p55", "C0 10 47 08 00 00 00 C1", HOST, s.GetSerialNumber()),
    Vector("2.14 p55", "C0 10 47 08 00 0A 00 08 53 65 72 30 30 30 30 31 00 C1", MODULE,
           s.GetSerialNumber.Response(serial_number="Ser00001")),
    Vector("2.14 p56", "C0 10 48 09 00 00 00 C1", HOST, s.RestartSystem()),
    Vector("2.14 p56", "C0 10 48 09 00 01 00 00 C1", MODULE, s.RestartSystem.Response()),
    Vector("2.14 p57", "C0 10 49 0A 00 00 00 C1", HOST, s.FactoryReset()),
    Vector("2.14 p57", "C0 10 49 0A 00 01 00 00 C1", MODULE, s.FactoryReset.Response()),
    Vector("2.14 p58", "C0 10 4A 0B 00 01 01 00 C1", HOST, s.SetSaveMode(mode=s.SaveMode.AUTOMATIC)),
    Vector("2.14 p58", "C0 10 4A 0B 00 01 00 00 C1", MODULE, s.SetSaveMode.Response()),
    Vector("2.14 p59", "C0 10 4B 0C 00 00 00 C1", HOST, s.GetSaveMode()),
    Vector("2.14 p59", "C0 10 4B 0C 00 02 00 01 00 C1", MODULE,
           s.GetSaveMode.Response(mode=s.SaveMode.AUTOMATIC)),
    Vector("2.14 p60 corrected (length 0)", "C0 10 4C 0D 00 00 00 C1", HOST, s.SaveConfiguration()),
    Vector("2.14 p60", "C0 10 4C 0D 00 01 00 00 C1", MODULE, s.SaveConfiguration.Response()),
    Vector("2.14 p61", "C0 10 57 18 00 00 00 C1", HOST, s.GetApiInfo()),
    Vector("2.14 p61", "C0 10 57 18 00 0D 00 05 69 6F 74 2E 31 05 31 2E 30 2E 30 00 C1", MODULE,
           s.GetApiInfo.Response(api_type="iot.1", api_version="1.0.0")),
    Vector("2.14 p62", "C0 10 58 19 00 00 00 C1", HOST, s.GetUptime()),
    Vector("2.14 p62", "C0 10 58 19 00 05 00 00 00 00 0A 00 C1", MODULE, s.GetUptime.Response(uptime=10)),
    Vector("2.14 p63", "C0 10 59 1A 00 00 00 C1", HOST, s.GetKernelVersion()),
    Vector("2.14 p63", "C0 10 59 1A 00 09 00 07 31 2E 30 2E 30 2E 30 9D C1", MODULE,
           s.GetKernelVersion.Response(version="1.0.0.0")),
    Vector("2.14 p64 (printed without checksum and end; added)",
           "C0 10 5A FF 00 3E 3D 66 73 2F 63 65 72 74 2F 66 77 75 2F 70 72 6F 74 2F 39 62 35 61 66 31 63"
           " 31 39 35 64 35 31 31 38 62 35 64 61 37 62 31 39 33 65 38 61 38 33 34 38 63 30 38 38 36 32 38"
           " 39 62 2E 64 65 72 00 C1", HOST,
           s.GetFileHash(filename="fs/cert/fwu/prot/9b5af1c195d5118b5da7b193e8a8348c0886289b.der")),
    Vector("2.14 p64", "C0 10 5A FF 00 25 00 00 00 03 EF 32 DB 4C 70 EC 44 E3 2B FA BC 04 8F D4 6C 6E 37 8C"
           " BA C1 D2 5E 55 1B F2 F5 DD 97 48 09 D1 01 D2 BD C1", MODULE,
           s.GetFileHash.Response(size=1007, sha256=bytes.fromhex(
               "32DB4C70EC44E32BFABC048FD46C6E378CBAC1D25E551BF2F5DD974809D101D2"))),
    Vector("2.14 p64 (file not found)", "C0 10 5A 01 00 01 10 00 C1", MODULE,
           Rejection(s.GetFileHash.Response, 0x10)),
    Vector("2.14 p44 SPI example", "C0 0E 00 01 00 05 01 02 03 04 05 00 C1", HOST,
           framing.Ping(data=bytes.fromhex("0102030405"))),
    Vector("hci-reference §2.3 example 2", "C0 0E 01 01 00 05 01 02 03 04 05 59 C1", MODULE,
           framing.Ping.Response(data=bytes.fromhex("0102030405"))),
    Vector("2.14 p49", "C0 FF F2 FF 00 00 00 C1", MODULE, framing.ChecksumError()),
]

BAD_VECTORS = [
    BadVector("2.14 p60", "C0 10 4C 0D 00 01 00 C1", HOST, Truncated,
              "length 1 with no payload byte: the frame ends early"),
]


@pytest.mark.parametrize("vector", VECTORS, ids=str)
def test_example_frames(vector: Vector) -> None:
    check_vector(vector)


@pytest.mark.parametrize("vector", BAD_VECTORS, ids=str)
def test_printed_mistakes(vector: BadVector) -> None:
    check_bad_vector(vector)


def test_serial_number_longer_than_15_is_refused() -> None:
    with pytest.raises(Exception, match=r"serial_number.*0\.\.15"):
        s.SetSerialNumber(serial_number="x" * 16).payload()


def test_mac_response_with_unexpected_length_is_an_error() -> None:
    frame = "C0 10 45 06 00 06 00 00 01 02 03 04 00 C1"
    with pytest.raises(PayloadError, match="mac"):
        decode_hex(frame, V2, MODULE)
