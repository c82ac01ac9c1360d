"""Built-in peers for an emulated module: a simulated car (EV side) and a simulated charger (EVSE side).

Each takes one end of a :class:`~freev2g.emulator.assembly.World` (CP wire, PLC link, V2G network)
and plays it without a module or a host, driven by the models in :mod:`freev2g.models`.
"""
