"""Checks of the host side: permissions, and the network interface or SPI device to the module.

What the transports need (hci-reference §1.2-§1.3): raw Ethernet opens an AF_PACKET socket,
which takes root or CAP_NET_RAW; SPI needs read and write access to the spidev device and the
GPIO chip of the RX_READY and TX_PENDING lines (manual 2.14 §9.2, p40). The interface is read
with ioctls on a socket of the calling thread's network namespace (sysfs shows the namespace it
was mounted in, not ours), so the checks also work inside :func:`freev2g.netns.inside`.
"""

from __future__ import annotations

import errno
import fcntl
import grp
import os
import socket
import stat
import struct
from collections.abc import Callable
from dataclasses import dataclass

from freev2g.doctor.check import Check
from freev2g.hci.ethernet import MAX_PAYLOAD, format_mac
from freev2g.transport.ethernet import PERMISSION_HINT

CAP_NET_RAW = 13  # bit in CapEff (linux/capability.h)
ARPHRD_ETHER = 1
ARPHRD_LOOPBACK = 772
_SIOCGIFFLAGS = 0x8913
_SIOCGIFMTU = 0x8921
_SIOCGIFHWADDR = 0x8927
_IFF_UP = 0x1
_IFF_RUNNING = 0x40  # operational state up: the driver reports a carrier
_IFREQ_SIZE = 40

PERMISSIONS = "permissions"
INTERFACE = "interface"
SPI_DEVICE = "SPI device"


# -- permissions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawSocketAccess:
    """What the raw-socket permission check saw: who we are and whether a socket opened."""

    euid: int
    cap_net_raw: bool
    socket_error: str | None  # None: an AF_PACKET socket could be opened


def probe_raw_socket_access() -> RawSocketAccess:
    """Open (and close at once) an AF_PACKET socket bound to nothing: it receives no frame."""
    error = None
    try:
        socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0).close()
    except OSError as exc:
        error = exc.strerror or str(exc)
    return RawSocketAccess(os.geteuid(), _has_cap_net_raw(), error)


def _has_cap_net_raw() -> bool:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("CapEff:"):
                    return bool(int(line.split()[1], 16) >> CAP_NET_RAW & 1)
    except OSError:
        pass
    return False


def check_raw_socket_permission(access: RawSocketAccess) -> Check:
    who = "root" if access.euid == 0 else "CAP_NET_RAW" if access.cap_net_raw else f"uid {access.euid}"
    if access.socket_error is None:
        return Check.ok(PERMISSIONS, f"{who}: raw Ethernet sockets allowed")
    return Check.fail(PERMISSIONS, f"{who}: cannot open a raw Ethernet socket ({access.socket_error})",
                      PERMISSION_HINT)


def can_read_write(path: str) -> bool:
    return os.access(path, os.R_OK | os.W_OK)


def check_device_permissions(paths: list[str], access: Callable[[str], bool] = can_read_write) -> Check:
    """Read and write access to each existing device; missing ones are the device check's."""
    present = [path for path in paths if os.path.exists(path)]
    if not present:
        return Check.skip(PERMISSIONS, f"nothing to check: {', '.join(paths)} missing (see {SPI_DEVICE})")
    denied = [path for path in present if not access(path)]
    if not denied:
        return Check.ok(PERMISSIONS, f"read/write access to {', '.join(present)}")
    groups = sorted({_group_of(path) for path in denied})
    return Check.fail(PERMISSIONS, f"no read/write access to {', '.join(denied)}",
                      f"run as root or join the owning group ({', '.join(groups)}):"
                      f" sudo usermod -aG {groups[0]} $USER, then log in again")


def _group_of(path: str) -> str:
    gid = os.stat(path).st_gid
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


# -- the network interface ----------------------------------------------------------------------


@dataclass(frozen=True)
class InterfaceState:
    name: str
    up: bool
    running: bool
    hardware_type: int
    mac: str
    mtu: int


class NoInterface(Exception):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.known = known


def read_interface(name: str) -> InterfaceState:
    """The interface's flags, hardware type, MAC and MTU; :class:`NoInterface` if it does not exist."""
    known = [known_name for _index, known_name in socket.if_nameindex()]
    if name not in known or len(name.encode()) >= 16:
        raise NoInterface(name, known)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            flags = struct.unpack_from("H", _ioctl(sock, _SIOCGIFFLAGS, name), 16)[0]
            mtu = struct.unpack_from("i", _ioctl(sock, _SIOCGIFMTU, name), 16)[0]
            hardware = _ioctl(sock, _SIOCGIFHWADDR, name)
        except OSError as exc:
            if exc.errno == errno.ENODEV:  # removed between the listing and the ioctl
                raise NoInterface(name, known) from None
            raise
    hardware_type = struct.unpack_from("H", hardware, 16)[0]
    return InterfaceState(name, bool(flags & _IFF_UP), bool(flags & _IFF_RUNNING), hardware_type,
                          format_mac(hardware[18:24]), mtu)


def _ioctl(sock: socket.socket, request: int, name: str) -> bytes:
    request_buffer = name.encode().ljust(_IFREQ_SIZE, b"\0")
    return fcntl.ioctl(sock.fileno(), request, request_buffer)


def check_interface_missing(missing: NoInterface) -> Check:
    known = ", ".join(missing.known) or "none"
    return Check.fail(INTERFACE, f"no network interface {missing.name!r} (interfaces: {known})",
                      "give the interface the module is cabled to with -i (ip link lists them)")


def check_interface(state: InterfaceState) -> list[Check]:
    """Up, Ethernet, MTU and carrier, in that order; carrier is not checked while down."""
    name = state.name
    checks = [Check.ok(INTERFACE, f"{name} exists ({state.mac})")]
    if state.up:
        checks.append(Check.ok("interface up", f"{name} is up"))
    else:
        checks.append(Check.fail("interface up", f"{name} is down", f"sudo ip link set {name} up"))
    if state.hardware_type == ARPHRD_ETHER:
        checks.append(Check.ok("Ethernet", f"{name} is an Ethernet interface"))
    elif state.hardware_type == ARPHRD_LOOPBACK:
        checks.append(Check.warn("Ethernet", f"{name} is a loopback interface: no module can be on it",
                                 "give the Ethernet interface the module is cabled to with -i"))
    else:
        checks.append(Check.fail("Ethernet", f"{name} is not Ethernet (hardware type {state.hardware_type})",
                                 "HCI runs over Ethernet (EtherType 0x6003): give one with -i"))
    if state.mtu >= MAX_PAYLOAD:
        checks.append(Check.ok("MTU", f"{state.mtu} bytes"))
    else:
        checks.append(Check.warn("MTU", f"{state.mtu} bytes: HCI frames over {state.mtu - 4} bytes"
                                 " (certificates, firmware updates) cannot be sent",
                                 f"sudo ip link set {name} mtu {MAX_PAYLOAD}"))
    if not state.up:
        checks.append(Check.skip("carrier", f"{name} is down"))
    elif state.running:
        checks.append(Check.ok("carrier", f"{name} has a link"))
    else:
        checks.append(Check.fail("carrier", f"{name} has no link (no carrier)",
                                 "check the cable to the module and that the module is powered"))
    return checks


# -- the SPI device -----------------------------------------------------------------------------


def check_spi_devices(spi_device: str, gpiochip: str) -> Check:
    missing = [path for path in (spi_device, gpiochip) if not _is_char_device(path)]
    if not missing:
        return Check.ok(SPI_DEVICE, f"{spi_device} and {gpiochip} present")
    fixes = []
    if spi_device in missing:
        fixes.append("enable SPI (Raspberry Pi: dtparam=spi=on in config.txt) or give --spi-device")
    if gpiochip in missing:
        fixes.append("give the GPIO chip of the RX_READY/TX_PENDING lines with --gpiochip")
    return Check.fail(SPI_DEVICE, f"no character device {', '.join(missing)}", "; ".join(fixes))


def _is_char_device(path: str) -> bool:
    try:
        return stat.S_ISCHR(os.stat(path).st_mode)
    except OSError:
        return False
