"""Helpers shared by the subcommands."""

from __future__ import annotations

import argparse

from freev2g.apps.common import LinkOptions
from freev2g.hci.modules import Generation

USAGE = 2


class CliError(Exception):
    """An error to report as one line; ``status`` is the exit status (2: usage or input)."""

    def __init__(self, message: str, status: int = USAGE) -> None:
        super().__init__(message)
        self.status = status


def generation(text: str) -> Generation:
    try:
        return Generation(text.lower())
    except ValueError:
        raise CliError(f"generation {text!r}: use v1 (manual 2.11) or v2 (manual 2.14)") from None


def add_transport_arguments(parser: argparse.ArgumentParser) -> None:
    """How the module is connected: ``--transport eth|spi`` and the SPI device and pins, with
    the defaults of :class:`~freev2g.apps.common.LinkOptions`."""
    defaults = LinkOptions()
    parser.add_argument("--transport", choices=("eth", "spi"), default="eth",
                        help="how the module is connected")
    parser.add_argument("--spi-device", default=defaults.spi_device, help="SPI device (--transport spi)")
    parser.add_argument("--gpiochip", default=defaults.gpiochip, help="GPIO chip of the SPI handshake lines")
    parser.add_argument("--rx-ready-line", type=int, default=defaults.rx_ready_line,
                        help="GPIO line of the module's RX ready")
    parser.add_argument("--tx-pending-line", type=int, default=defaults.tx_pending_line,
                        help="GPIO line of the module's TX pending")
    parser.add_argument("--spi-speed", type=int, default=defaults.spi_speed_hz, metavar="HZ",
                        help="SPI clock")
