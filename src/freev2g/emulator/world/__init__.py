"""The physical world between an emulated EVSE module and an emulated EV module.

* :class:`CpWire` (``cp_wire``): the control pilot line; the EVSE end drives it, the EV end
  plugs in and loads it, both ends measure the state and the duty cycle.
* :class:`PlcLink` (``plc_link``): SLAC matching over that line up to a joined network; once
  linked, the V2G session runs over it.

Sans-IO like the rest of the emulator: time comes only from the injected clock.
"""

from freev2g.emulator.world.cp_wire import CpReading, CpWire
from freev2g.emulator.world.plc_link import PlcLink, PlcLinkConfig, SlacListener

__all__ = ["CpReading", "CpWire", "PlcLink", "PlcLinkConfig", "SlacListener"]
