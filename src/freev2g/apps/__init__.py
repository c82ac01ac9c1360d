"""The reference applications: ``freev2g evse`` and ``freev2g ev`` (issue 5).

:mod:`~freev2g.apps.console` prints the session lines of the seed README; diagnostics go to
:mod:`logging`. :mod:`~freev2g.apps.common` holds what both roles share: opening the module,
the start-up stop of V2G, SLAC and CP, the control pilot and SLAC steps, the safe end and the
signal handling.
"""
