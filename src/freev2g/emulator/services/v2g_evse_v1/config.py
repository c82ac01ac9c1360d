"""The configuration of the v1 EVSE V2G service: commands 0x60-0x67 (manual 2.11 §17.10.1-§17.10.8,
p133-p139; v1-api §1.5) and what the SECC offers from it.

Rules from the manual, each answered 0x10 "setting failed" (p116) when broken:

* protocols: 1 ISO 15118-2:2010 and 3 ISO 15118-20 are "currently not supported" (p133);
* SDP: the two ports must differ (p135);
* payment: contract payment is "currently not supported" (p136);
* with DIN among the protocols only the energy transfer mode sets {0}, {1}, {2} and {1, 2} are
  allowed (p138), checked by whichever of 0x60 and 0x66 makes the combination.

Decisions where the manual is silent: a list naming one value twice is refused (0x10); an SDP
configuration that allows neither connection is refused; power-up values are DIN plus ISO
15118-2:2014 (the seed's order), unsecured SDP on a random port 49152-65535 (p135: "random ports"),
external payment with authorization required, and the energy transfer modes {1, 2} (DC extended
and DC combo core, a set DIN allows and both CCS variants request).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from freev2g.emulator.v2g import messages as m
from freev2g.emulator.v2g.secc_api import SeccOffer
from freev2g.hci.catalog.v2g_evse_v1 import EvseProtocolV1, GetSdpConfig, SdpConfig
from freev2g.hci.catalog.v2g_types import EnergyTransferMode, PaymentMethod

SUPPORTED_PROTOCOLS = {EvseProtocolV1.DIN_70121: m.V2gProtocol.DIN_70121,
                       EvseProtocolV1.ISO_15118_2_2014: m.V2gProtocol.ISO_15118_2}
DIN_MODE_SETS = ({0}, {1}, {2}, {1, 2})  # p138
PORTS = (49152, 65535)
_MODES = list(m.EnergyTransferModeType)  # in the WHITE beet's order 0-5


@dataclass(frozen=True)
class Sdp:
    allow_unsecure: bool
    unsecure_port: int | None
    allow_secure: bool
    secure_port: int | None

    @classmethod
    def of(cls, config: SdpConfig) -> Sdp:
        return cls(config.allow_unsecure, config.unsecure_port, config.allow_secure, config.secure_port)

    def response(self) -> GetSdpConfig.Response:
        return GetSdpConfig.Response(allow_unsecure=self.allow_unsecure, unsecure_port=self.unsecure_port,
                                     allow_secure=self.allow_secure, secure_port=self.secure_port)


def _random_sdp() -> Sdp:
    return Sdp(True, random.randint(*PORTS), False, None)  # noqa: S311 - a port, not a secret


@dataclass(frozen=True)
class EvseConfig:
    protocols: tuple[EvseProtocolV1, ...] = (EvseProtocolV1.DIN_70121, EvseProtocolV1.ISO_15118_2_2014)
    sdp: Sdp = field(default_factory=_random_sdp)
    authorization_required: bool = True
    payment_options: tuple[PaymentMethod, ...] = (PaymentMethod.EIM,)
    modes: tuple[EnergyTransferMode, ...] = (EnergyTransferMode.DC_EXTENDED, EnergyTransferMode.DC_COMBO_CORE)

    def with_protocols(self, protocols: list[EvseProtocolV1]) -> EvseConfig | None:
        """The new configuration, or None when the manual's rules refuse it (0x10)."""
        if len(set(protocols)) != len(protocols) or any(p not in SUPPORTED_PROTOCOLS for p in protocols):
            return None
        return _din_checked(replace(self, protocols=tuple(protocols)))

    def with_sdp(self, sdp: Sdp) -> EvseConfig | None:
        if not (sdp.allow_unsecure or sdp.allow_secure):
            return None
        if sdp.allow_unsecure and sdp.allow_secure and sdp.unsecure_port == sdp.secure_port:
            return None
        return replace(self, sdp=sdp)

    def with_payment(self, required: bool, options: list[PaymentMethod] | None) -> EvseConfig | None:
        chosen = tuple(options or ())
        if len(set(chosen)) != len(chosen) or PaymentMethod.CONTRACT in chosen:
            return None
        return replace(self, authorization_required=required, payment_options=chosen)

    def with_modes(self, modes: list[EnergyTransferMode]) -> EvseConfig | None:
        if len(set(modes)) != len(modes):
            return None
        return _din_checked(replace(self, modes=tuple(modes)))

    def offer(self) -> SeccOffer:
        """What the SECC offers the EV: the host's protocols in its order of preference, external
        payment (the only v1 option, with or without authorization) and the host's modes."""
        return SeccOffer(protocols=tuple(SUPPORTED_PROTOCOLS[p] for p in self.protocols),
                         payment_options=(m.PaymentOption.EXTERNAL_PAYMENT,),
                         energy_transfer_modes=tuple(_MODES[mode] for mode in self.modes))


def _din_checked(config: EvseConfig) -> EvseConfig | None:
    if EvseProtocolV1.DIN_70121 in config.protocols and {int(x) for x in config.modes} not in DIN_MODE_SETS:
        return None
    return config
