"""``freev2g doctor``: is the module reachable, and is everything on the way to it right?

Each check is a small function returning a :class:`Check` (verdict ok, warn, FAIL or skip, a
detail and, for what fails, the fix). :func:`run_doctor` runs them in order: permissions, the
interface (or SPI device), then over HCI reachability, module MAC, firmware and API generation,
the service states and the PLC link. Only Ping and Get commands reach the module.
"""

from freev2g.doctor.check import Check, Verdict, exit_status, format_json, format_text
from freev2g.doctor.module import check_module, diagnose
from freev2g.doctor.runner import DoctorOptions, Probes, host_checks, run_doctor

__all__ = [
    "Check",
    "DoctorOptions",
    "Probes",
    "Verdict",
    "check_module",
    "diagnose",
    "exit_status",
    "format_json",
    "format_text",
    "host_checks",
    "run_doctor",
]
